# User-mode networking (net/usernet.h): the annotations run.pocket.network (pasta | slirp4netns | none) and
# run.pocket.network.ports. Every scenario that opens a port runs in a network namespace of its own (made by
# the test, with loopback and a veth the helpers take as the host's "external" interface), so nothing is
# bound on the machine's network and nothing outside the test can connect.

source "$(dirname "${BASH_SOURCE[0]}")/rootless.sh"
USERNET_TEST_FILE=$(realpath "${BASH_SOURCE[0]}")

# private_net FUNCTION: run FUNCTION (a scenario of this file) in a new network namespace, with lo up and a
# veth pair with an address and a default route (pasta copies its addresses from such an interface). The
# namespace ends with the scenario: its only processes are the scenario's, and the scenario's on_exit
# deletes the containers whose helpers hold it. (A kernel without tun and veth built in, as the qemu guest's,
# loads their modules.)
private_net() {
	command -v pasta >/dev/null || { echo "pasta missing (package passt)"; exit 77; }
	command -v slirp4netns >/dev/null || { echo "slirp4netns missing (package slirp4netns)"; exit 77; }
	[ -e /dev/net/tun ] || modprobe tun || { echo "no /dev/net/tun"; exit 77; }
	# The qemu guest has no udev to open tun to everyone (0666), as every distribution does.
	[ "${POCKET_VM:-}" = 1 ] && chmod 666 /dev/net/tun
	unshare -n bash -c "source '$(dirname "$USERNET_TEST_FILE")/lib.sh'; source '$USERNET_TEST_FILE'; set -u
		ip link set lo up && { ip link add un0 type veth peer name un1 2>/dev/null ||
			{ modprobe veth && ip link add un0 type veth peer name un1; }; } && ip link set un1 up &&
		ip addr add 192.0.2.1/24 dev un0 && ip link set un0 up &&
		ip route add default via 192.0.2.254 dev un0 || fail 'set up the test network namespace'
		$1"
}

# usernet_bundle NAME MODE PORTS [SCRIPT]: a root config whose process serves "hello from pocket" on tcp port
# 80 (and "second port" on 81), with the network annotations set.
SERVE='nc -ll -p 80 -e echo hello from pocket & nc -ll -p 81 -e echo second port & wait'
usernet_bundle() {
	bundle_sh "$1" "${4:-$SERVE}" ".annotations = {\"run.pocket.network\": \"$2\", \"run.pocket.network.ports\": \"$3\"}"
}

# fetch PORT: what a tcp client on the host's loopback reads from 127.0.0.1:PORT. The helper accepts as soon
# as its port is bound; until the container's server listens, the connection ends empty: retry for 5 s.
fetch() {
	local out
	for _ in $(seq 50); do
		out=$(timeout 5 busybox nc 127.0.0.1 "$1" </dev/null 2>/dev/null)
		[ -n "$out" ] && { printf '%s' "$out"; return 0; }
		sleep 0.1
	done
	return 1
}

# helpers_here: pasta and slirp4netns processes (not zombies) in this test's network namespace, where only
# this test's helpers can be.
helpers_here() {
	local p me
	me=$(readlink /proc/self/ns/net)
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/net" 2>/dev/null)" = "$me" ] || continue
		grep -Eq '^(pasta|passt|slirp4netns)' "$p/comm" 2>/dev/null || continue
		[ "$(awk '{print $3}' "$p/stat" 2>/dev/null)" != Z ] && echo "${p#/proc/}"
	done
	return 0
}

# no_helpers_left: none within 3 s (a daemonized helper is reaped by init, not by us).
no_helpers_left() {
	for _ in $(seq 30); do
		[ -z "$(helpers_here)" ] && return 0
		sleep 0.1
	done
	fail "network helpers left behind: $(for p in $(helpers_here); do tr '\0' ' ' <"/proc/$p/cmdline"; done)"
}

# Interfaces the container sees, one per line (from /proc/net/dev: no tool of the rootfs needed).
IFACES='awk -F: "NR > 2 {gsub(/ /, \"\", \$1); print \$1}" /proc/net/dev'

test_usernet_default_is_loopback_only() {
	local b out
	b=$(bundle_sh b "$IFACES; ip link show lo")
	out=$(pk run --bundle "$b" c1) || fail "run: $out"
	assert_eq lo "$(echo "$out" | sed -n 1p)" "the only interface of a new network namespace"
	assert_match '^[0-9]+: lo: <LOOPBACK,UP' "$(echo "$out" | sed -n 2p)" "lo is up (and nothing but lo is listed)"
	assert_no_leftovers c1
}

# The checks shared by the root and the rootless scenarios once the container runs: what the client reads,
# the container's interface, the helper's fds and cgroup; then delete leaves nothing.
# check_forwarding POCKET_CMD STATEDIR
check_forwarding() {
	local pkc=$1 dir=$2 helper init out
	helper=$(jq -r '.usernet_pid // empty' "$dir/state.json")
	[ -n "$helper" ] || fail "no network helper recorded in the state: $(cat "$dir/state.json")"
	init=$(jq -r .pid "$dir/state.json")
	out=$(fetch 8080) || fail "nothing read from 127.0.0.1:8080 ($(cat "$dir/usernet.log" 2>/dev/null))"
	assert_eq "hello from pocket" "$out" "bytes served by the container through the forwarded port"
	out=$(fetch 8081) || fail "nothing read from 127.0.0.1:8081"
	assert_eq "second port" "$out" "second forwarded port"
	ss -Hltn 'sport = :8080' | grep -q '127.0.0.1:8080' || fail "8080 not bound on 127.0.0.1: $(ss -Hltn)"
	ss -Hlun 'sport = :5353' | grep -q '127.0.0.1:5353' || fail "udp 5353 not bound on 127.0.0.1: $(ss -Hlun)"
	out=$($pkc exec c1 sh -c "$IFACES")
	echo "$out" | grep -qvx lo || fail "the container has no interface but lo: [$out]"
	# Nothing of the runtime's kept open: no state dir, no exec.fifo, no lock. Its log file aside, and the pid
	# file pasta opened itself (and keeps, already removed).
	out=$(ls -l "/proc/$helper/fd" | grep -F "$dir" | grep -v -e usernet.log -e 'pasta.pid (deleted)' || true)
	[ -z "$out" ] || fail "the helper holds fds of the runtime's: $out"
	# Born in the caller's cgroup, not the container's.
	assert_eq "$(cat /proc/self/cgroup)" "$(cat "/proc/$helper/cgroup")" "the helper's cgroup"
	if jq -e .cgroup_path "$dir/state.json" >/dev/null; then
		[ "$(cat "/proc/$init/cgroup")" != "$(cat "/proc/$helper/cgroup")" ] || fail "the helper is in the container's cgroup"
	fi
	$pkc delete --force c1 || fail "delete"
	no_helpers_left
	[ ! -e "$dir" ] || fail "state directory $dir left behind"
	! fetch 8080 >/dev/null || fail "port 8080 still forwarded after delete"
}

usernet_root_scenario() {
	local b
	on_exit "pk delete --force c1"
	b=$(usernet_bundle b "$1" "8080:80,127.0.0.1:8081:81/tcp,5353:53/udp")
	pk run --detach --bundle "$b" c1 || fail "run with $1"
	check_forwarding pk "$ROOT/c1"
	assert_no_leftovers c1
}

scenario_pasta() { usernet_root_scenario pasta; }
scenario_slirp4netns() { usernet_root_scenario slirp4netns; }
test_usernet_pasta_serves_through_a_host_loopback_port() { private_net scenario_pasta; }
test_usernet_slirp4netns_serves_through_a_host_loopback_port() { private_net scenario_slirp4netns; }

usernet_rootless_scenario() {
	local b
	rootless_setup
	b=$(rl_bundle b ".process.args = [\"sh\", \"-c\", $(jq -n --arg s "$SERVE" '$s')] |
		.annotations = {\"run.pocket.network\": \"$1\", \"run.pocket.network.ports\": \"8080:80,8081:81,5353:53/udp\"} |
		.linux.namespaces += [{\"type\": \"network\"}]")
	as_user "$POCKET" run --detach --bundle "$b" c1 || fail "rootless run with $1"
	assert_eq "$RL_UID" "$(stat -c %u "/proc/$(jq -r .usernet_pid "/tmp/pocket-$RL_UID/c1/state.json")")" \
		"the helper runs as the user"
	check_forwarding "as_user $POCKET" "/tmp/pocket-$RL_UID/c1"
}

scenario_rootless_pasta() { usernet_rootless_scenario pasta; }
scenario_rootless_slirp4netns() { usernet_rootless_scenario slirp4netns; }
test_usernet_rootless_pasta_serves_through_a_host_loopback_port() { private_net scenario_rootless_pasta; }

# A rootless container that joins a user namespace by path (one the user made) and makes its network
# namespace there: the runtime, unprivileged, gets the namespaces from the init for the helper, since it
# may not open the /proc files of an init that has turned non-dumpable.
scenario_rootless_joined_userns() {
	local b holder
	rootless_setup
	# Not through as_user, a function: $! would be the subshell that runs it.
	setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups --reset-env -- unshare -U --map-root-user sleep 300 &
	holder=$!
	on_exit "kill $holder"
	# Until it runs sleep in its namespace, and the user may open it (mid-exec, the kernel refuses).
	for _ in $(seq 50); do
		[ "$(as_user readlink /proc/$holder/ns/user 2>/dev/null)" = "$(readlink /proc/$holder/ns/user)" ] &&
			[ "$(cat /proc/$holder/comm)" = sleep ] &&
			[ "$(readlink /proc/$holder/ns/user)" != "$(readlink /proc/self/ns/user)" ] && break
		sleep 0.1
	done
	b=$(rl_bundle b ".process.args = [\"sh\", \"-c\", $(jq -n --arg s "$SERVE" '$s')] |
		.annotations = {\"run.pocket.network\": \"pasta\", \"run.pocket.network.ports\": \"8080:80,8081:81,5353:53/udp\"} |
		.linux.namespaces = [.linux.namespaces[] | if .type == \"user\" then {type: \"user\", path: \"/proc/$holder/ns/user\"} else . end] |
		.linux.namespaces += [{\"type\": \"network\"}] | del(.linux.uidMappings, .linux.gidMappings)")
	as_user "$POCKET" run --detach --bundle "$b" c1 || fail "rootless run in a joined user namespace with pasta"
	assert_eq "$(readlink /proc/$holder/ns/user)" \
		"$(readlink "/proc/$(jq -r .pid "/tmp/pocket-$RL_UID/c1/state.json")/ns/user")" "the init's user namespace"
	check_forwarding "as_user $POCKET" "/tmp/pocket-$RL_UID/c1"
}
test_usernet_rootless_joined_userns_pasta_serves() { private_net scenario_rootless_joined_userns; }
test_usernet_rootless_slirp4netns_serves_through_a_host_loopback_port() { private_net scenario_rootless_slirp4netns; }

# A helper that fails half way (its host port is taken) fails create: one line with the helper's reason,
# no state, no container process, no helper.
scenario_helper_fails() {
	local b out holder
	busybox nc -ll -p 8080 -e true </dev/null >/dev/null 2>&1 &
	holder=$!
	on_exit "kill $holder"
	for _ in $(seq 50); do ss -Hltn 'sport = :8080' | grep -q . && break; sleep 0.1; done
	b=$(usernet_bundle b "$1" "8080:80")
	out=$(pk create --bundle "$b" c1 2>&1 </dev/null) && fail "create succeeded with port 8080 taken"
	assert_eq 1 "$(echo "$out" | wc -l)" "one error line: [$out]"
	assert_match "^pocket: run\.pocket\.network(\.ports)?: (.*: )?$1" "$out" "the error names the annotation and the helper"
	echo "$out" # the helper's reason, for the log of the test run
	assert_no_leftovers c1
	no_helpers_left
}
scenario_pasta_fails() { scenario_helper_fails pasta; }
scenario_slirp4netns_fails() { scenario_helper_fails slirp4netns; }
test_usernet_pasta_failing_leaves_nothing() { private_net scenario_pasta_fails; }
test_usernet_slirp4netns_failing_leaves_nothing() { private_net scenario_slirp4netns_fails; }

test_usernet_bad_values_are_refused() {
	local b out value ports filter want
	while IFS=';' read -r value ports filter want; do
		b=$(bundle b "$filter | .annotations = {\"run.pocket.network\": \"$value\"} +
			(if \"$ports\" == \"-\" then {} else {\"run.pocket.network.ports\": \"$ports\"} end)")
		rm -rf "$ROOT"
		out=$(pk create --bundle "$b" c1 2>&1 </dev/null) && fail "create accepted network=[$value] ports=[$ports]"
		assert_eq 1 "$(echo "$out" | wc -l)" "one error line for [$value] [$ports]: [$out]"
		assert_match "$want" "$out" "error for network=[$value] ports=[$ports]"
		assert_no_leftovers c1
	done <<'EOF'
vde;-;.;run\.pocket\.network: "vde" \(expected pasta, slirp4netns or none\)
Pasta;-;.;run\.pocket\.network: "Pasta"
none;8080:80;.;run\.pocket\.network\.ports: ports need run\.pocket\.network set
pasta;8080;.;run\.pocket\.network\.ports: "8080" \(expected
pasta;0:80;.;run\.pocket\.network\.ports: "0:80": ports must be numbers from 1 to 65535
pasta;65536:80;.;run\.pocket\.network\.ports: "65536:80": ports must be
pasta;8080:080;.;run\.pocket\.network\.ports: "8080:080": ports must be
pasta;+80:80;.;run\.pocket\.network\.ports: "\+80:80": ports must be
pasta;8080:80/sctp;.;run\.pocket\.network\.ports: "8080:80/sctp": protocol "sctp" \(expected tcp or udp\)
pasta;1.2.3:8080:80;.;run\.pocket\.network\.ports: "1.2.3:8080:80": host address "1.2.3"
pasta;localhost:8080:80;.;host address "localhost" \(expected an IPv4 address
pasta;8080:80,;.;run\.pocket\.network\.ports: empty entry
pasta;;.;run\.pocket\.network\.ports: empty entry
pasta;8080:80, 8081:81;.;run\.pocket\.network\.ports: " 8081:81"
pasta;8080:80,8080:81;.;run\.pocket\.network\.ports: host port 8080/tcp is forwarded twice
slirp4netns;8080:80;.linux.namespaces |= map(select(.type != "network"));run\.pocket\.network: slirp4netns needs a new network namespace
pasta;-;.linux.namespaces |= map(if .type == "network" then .path = "/proc/1/ns/net" else . end);run\.pocket\.network: pasta needs a new network namespace
EOF
}
