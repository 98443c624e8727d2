# Namespaces (config-linux.md "Namespaces", "User namespace mappings", "Offset for Time Namespace";
# config.md "Hostname", "Domainname"): what a process inside sees of its namespaces.

ALL_NS="mnt pid net ipc uts user cgroup time"
USERNS_FILTER='.linux.namespaces += [{"type": "user"}, {"type": "time"}]
	| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
	| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'

# Prints "NAME INODE" for each namespace, e.g. "net net:[4026532182]".
ns_script='for n in '"$ALL_NS"'; do echo "$n $(readlink /proc/self/ns/$n)"; done'

test_all_eight_namespaces_differ_from_host() {
	local b out n inside
	b=$(bundle_sh b "$ns_script" "$USERNS_FILTER")
	assert_eq 8 "$(jq '.linux.namespaces | length' "$b/config.json")" "namespaces in config"
	out=$(pk run --bundle "$b" c1) || fail "run exited $?: $out"
	for n in $ALL_NS; do
		inside=$(echo "$out" | awk -v n=$n '$1 == n {print $2}')
		assert_match "^$n:\[[0-9]+\]$" "$inside" "$n namespace inside"
		[ "$inside" != "$(readlink /proc/self/ns/$n)" ] || fail "$n namespace is the host's ($inside)"
	done
	assert_no_leftovers c1
}

test_default_namespaces_differ_but_user_and_time_are_the_hosts() {
	local b out n inside
	b=$(bundle_sh b "$ns_script")
	out=$(pk run --bundle "$b" c1) || fail "run exited $?: $out"
	for n in mnt pid net ipc uts cgroup; do
		inside=$(echo "$out" | awk -v n=$n '$1 == n {print $2}')
		assert_match "^$n:\[[0-9]+\]$" "$inside" "$n namespace inside"
		[ "$inside" != "$(readlink /proc/self/ns/$n)" ] || fail "$n namespace is the host's ($inside)"
	done
	# Not listed in linux.namespaces: inherited from the runtime, i.e. the host's.
	for n in user time; do
		inside=$(echo "$out" | awk -v n=$n '$1 == n {print $2}')
		assert_eq "$(readlink /proc/self/ns/$n)" "$inside" "$n namespace (not in the config)"
	done
}

test_pid_namespace_init_is_pid_1_and_ps_shows_only_the_container() {
	local b out
	b=$(bundle b '.process.args = ["sh", "-c", "echo $$; sleep 30 & sleep 0.3; ps -o pid,args; kill $!"]')
	out=$(pk run --bundle "$b" c1) || fail "run exited $?: $out"
	assert_eq 1 "$(echo "$out" | head -1)" "\$\$ of the container's init"
	# Header, then sh (pid 1), sleep and ps (a fork of sh shown as "{ps} sh ..."): nothing of the host.
	assert_eq "PID COMMAND|1 sh|sleep 30|{ps}" "$(echo "$out" | sed 1d |
		awk 'NR == 1 || $1 == 1 {print $1, $2; next} $2 == "sleep" {print $2, $3; next} {print $2}' | paste -sd'|')" \
		"ps inside the container"
}

test_hostname_and_domainname_from_config() {
	local b out
	b=$(bundle b '.hostname = "box-1" | .domainname = "example.test"
		| .process.args = ["sh", "-c", "hostname; cat /proc/sys/kernel/domainname"]')
	out=$(pk run --bundle "$b" c1) || fail "run exited $?: $out"
	assert_eq "box-1|example.test" "$(echo "$out" | paste -sd'|')" "hostname|domainname inside"
	[ "$(hostname)" != box-1 ] || fail "the host's hostname was changed"
	[ "$(cat /proc/sys/kernel/domainname)" != example.test ] || fail "the host's domainname was changed"
}

test_network_namespace_has_only_lo_and_it_is_up() {
	local b out
	b=$(bundle b '.process.args = ["sh", "-c", "ls /sys/class/net; ip -o link show lo"]')
	out=$(pk run --bundle "$b" c1) || fail "run exited $?: $out"
	assert_eq lo "$(echo "$out" | head -1)" "interfaces in /sys/class/net"
	assert_match '^1: lo: <[^>]*\bUP\b' "$(echo "$out" | sed -n 2p)" "ip link show lo"
}

test_user_namespace_uid_and_gid_maps() {
	local b out
	b=$(bundle b "$USERNS_FILTER"' | .process.args = ["sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u"]')
	out=$(pk run --bundle "$b" c1) || fail "run exited $?: $out"
	assert_eq "0 100000 65536|0 100000 65536|0" "$(echo "$out" | awk '{$1 = $1; print}' | paste -sd'|')" \
		"uid_map|gid_map|id -u inside"
}

test_user_namespace_process_runs_as_mapped_host_uid() {
	local b pid
	b=$(bundle b "$USERNS_FILTER"' | .process.args = ["sleep", "30"] | .process.user = {"uid": 1000, "gid": 1000}')
	pk run --detach --bundle "$b" c1 || fail "run --detach"
	pid=$(pk state c1 | jq -r .pid)
	# uid 1000 inside is 101000 on the host.
	assert_eq "101000 101000" "$(awk '/^Uid:/ {print $2, $3}' /proc/$pid/status)" "host uid of the container process"
	assert_eq "101000" "$(awk '/^Gid:/ {print $2}' /proc/$pid/status)" "host gid of the container process"
}

test_join_existing_namespaces_by_path() {
	local b holder out n
	unshare --net --uts --ipc sleep 100 &
	holder=$!
	on_exit "kill -9 $holder"
	for _ in $(seq 50); do
		[ "$(readlink /proc/$holder/ns/net)" != "$(readlink /proc/self/ns/net)" ] &&
			[ "$(readlink /proc/$holder/exe)" = "$(readlink -f "$(command -v sleep)")" ] && break
		sleep 0.05
	done
	b=$(bundle_sh b "$ns_script" '.linux.namespaces = [.linux.namespaces[] | (.type | {network: "net", uts: "uts", ipc: "ipc"}[.]) as $n
		| if $n then .path = "/proc/'$holder'/ns/\($n)" else . end]')
	out=$(pk run --bundle "$b" c1) || fail "run exited $?: $out"
	for n in net uts ipc; do
		assert_eq "$(readlink /proc/$holder/ns/$n)" "$(echo "$out" | awk -v n=$n '$1 == n {print $2}')" \
			"$n namespace joined by path"
	done
	# The others are still new ones.
	for n in mnt pid; do
		[ "$(echo "$out" | awk -v n=$n '$1 == n {print $2}')" != "$(readlink /proc/self/ns/$n)" ] ||
			fail "$n namespace is the host's"
	done
}

test_join_namespace_path_of_the_wrong_type_fails() {
	local b
	b=$(bundle b '.linux.namespaces = [.linux.namespaces[] | if .type == "network" then .path = "/proc/self/ns/uts" else . end]
		| .process.args = ["true"]')
	pk run --bundle "$b" c1 2>"$T/err" && fail "run joined a uts namespace as the network namespace"
	assert_match 'network|net|/proc/self/ns/uts' "$(cat "$T/err")" "error"
	assert_no_leftovers c1
}

test_time_namespace_offsets() {
	local b out host_mono host_boot in_mono in_boot
	b=$(bundle b '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"monotonic": {"secs": 8640000, "nanosecs": 0}, "boottime": {"secs": 17280000, "nanosecs": 0}}
		| .process.args = ["sh", "-c", "/probe clock monotonic; /probe clock boottime"]')
	own_rootfs "$b"
	host_mono=$("$PROBE" clock monotonic)
	host_boot=$("$PROBE" clock boottime)
	out=$(pk run --bundle "$b" c1) || fail "run exited $?: $out"
	in_mono=$(echo "$out" | sed -n 1p)
	in_boot=$(echo "$out" | sed -n 2p)
	assert_match '^[0-9]+$' "$in_mono" "monotonic inside"
	assert_match '^[0-9]+$' "$in_boot" "boottime inside"
	[ $((in_mono - host_mono - 8640000)) -ge 0 ] && [ $((in_mono - host_mono - 8640000)) -le 3 ] ||
		fail "monotonic inside is $in_mono, host's was $host_mono: offset $((in_mono - host_mono)), want 8640000"
	[ $((in_boot - host_boot - 17280000)) -ge 0 ] && [ $((in_boot - host_boot - 17280000)) -le 3 ] ||
		fail "boottime inside is $in_boot, host's was $host_boot: offset $((in_boot - host_boot)), want 17280000"
	# The host's clocks are untouched.
	[ $(($("$PROBE" clock monotonic) - host_mono)) -le 3 ] || fail "the host's monotonic clock moved"
}
