# Rootless: an unprivileged user runs containers through a user namespace (root inside, nobody outside).
# Each test makes its own user with subordinate id ranges and removes it afterwards.

source "$(dirname "${BASH_SOURCE[0]}")/rootless.sh"

test_rootless_run_maps_the_user_to_root() {
	local b out
	rootless_setup
	b=$(rl_bundle b '.process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map; readlink /proc/self/ns/user"]')
	out=$(as_user "$POCKET" run --bundle "$b" c1) || fail "rootless run: $out"
	assert_eq 0 "$(echo "$out" | sed -n 1p)" "uid inside"
	assert_eq "0 $RL_UID 1" "$(echo "$out" | sed -n 2p | awk '{print $1, $2, $3}')" "uid_map: root inside is the user outside"
	[ "$(echo "$out" | sed -n 3p)" != "$(readlink /proc/self/ns/user)" ] || fail "no user namespace of its own"
	[ ! -e "/tmp/pocket-$RL_UID/c1" ] || fail "state left in /tmp/pocket-$RL_UID"
}

test_rootless_state_lives_with_the_user() {
	local b
	rootless_setup
	b=$(rl_bundle b '.process.args = ["sleep", "100"]')
	mkdir -p "$T/xdg" && chown "$RL_UID" "$T/xdg" && chmod 700 "$T/xdg"
	setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups --reset-env env XDG_RUNTIME_DIR="$T/xdg" \
		"$POCKET" run --detach --bundle "$b" c1 || fail "run --detach with XDG_RUNTIME_DIR"
	[ -d "$T/xdg/pocket/c1" ] || fail "state not under \$XDG_RUNTIME_DIR/pocket"
	assert_eq running "$(setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups --reset-env env XDG_RUNTIME_DIR="$T/xdg" "$POCKET" state c1 | jq -r .status)" "state"
	assert_eq "$RL_UID" "$(stat -c %u /proc/$(jq -r .pid "$T/xdg/pocket/c1/state.json"))" "the init runs as the user on the host"
	setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups --reset-env env XDG_RUNTIME_DIR="$T/xdg" \
		"$POCKET" delete --force c1 || fail "delete"
	[ ! -e "$T/xdg/pocket/c1" ] || fail "state left after delete"
}

test_rootless_lifecycle_exec_kill_delete() {
	local b out
	rootless_setup
	b=$(rl_bundle b '.process.args = ["sleep", "100"]')
	as_user "$POCKET" create --bundle "$b" c1 || fail "create"
	assert_eq created "$(as_user "$POCKET" state c1 | jq -r .status)" "after create"
	as_user "$POCKET" start c1 || fail "start"
	out=$(as_user "$POCKET" exec c1 sh -c 'id -u; cat /proc/self/uid_map') || fail "exec: $out"
	assert_eq 0 "$(echo "$out" | head -1)" "exec'd process is root inside"
	as_user "$POCKET" kill c1 KILL || fail "kill"
	for _ in $(seq 50); do [ "$(as_user "$POCKET" state c1 | jq -r .status)" = stopped ] && break; sleep 0.1; done
	as_user "$POCKET" delete c1 || fail "delete"
	[ ! -e "/tmp/pocket-$RL_UID/c1" ] || fail "state left"
}

test_rootless_subordinate_ranges_and_file_ownership() {
	local b out
	rootless_setup
	mkdir -p "$T/shared" && chown "$RL_UID:$RL_GID" "$T/shared"
	echo secret >"$T/rootfile" && chmod 644 "$T/rootfile"
	b=$(rl_bundle b '.linux.uidMappings = [{"containerID": 0, "hostID": '"$RL_UID"', "size": 1}, {"containerID": 1, "hostID": '"$RL_SUB"', "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": '"$RL_GID"', "size": 1}, {"containerID": 1, "hostID": '"$RL_SUB"', "size": 65536}] |
		.mounts += [{"destination": "/tmp", "type": "bind", "source": "'"$T"'/shared", "options": ["rbind", "rw"]},
		            {"destination": "/etc/hostname", "type": "bind", "source": "'"$T"'/rootfile", "options": ["bind", "rw"]}] |
		.process.args = ["sh", "-c", "touch /tmp/by-root; chmod 777 /tmp; stat -c %u /etc/hostname; echo more >> /etc/hostname && echo wrote-rootfile || echo denied-rootfile"]')
	out=$(as_user "$POCKET" run --bundle "$b" c1 2>&1) || fail "run: $out"
	assert_eq "$RL_UID" "$(stat -c %u "$T/shared/by-root")" "a file made by container uid 0, seen from the host"
	assert_match '^65534$' "$(echo "$out" | grep -E '^[0-9]+$' | head -1)" "a host file of an unmapped owner shows as the overflow uid"
	assert_match 'denied-rootfile' "$out" "writing a root-owned host file"
	assert_eq secret "$(cat "$T/rootfile")" "the root-owned host file"
	# Container uid 1000 maps to the subordinate range: RL_SUB + 999.
	b=$(rl_bundle b2 '.linux.uidMappings = [{"containerID": 0, "hostID": '"$RL_UID"', "size": 1}, {"containerID": 1, "hostID": '"$RL_SUB"', "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": '"$RL_GID"', "size": 1}, {"containerID": 1, "hostID": '"$RL_SUB"', "size": 65536}] |
		.process.user = {"uid": 1000, "gid": 1000} |
		.mounts += [{"destination": "/tmp", "type": "bind", "source": "'"$T"'/shared", "options": ["rbind", "rw"]}] |
		.process.args = ["touch", "/tmp/by-1000"]')
	as_user "$POCKET" run --bundle "$b" c2 || fail "run as container uid 1000"
	assert_eq $((RL_SUB + 999)) "$(stat -c %u "$T/shared/by-1000")" "a file made by container uid 1000, seen from the host"
}

test_rootless_bad_mappings_are_explained_and_leave_nothing() {
	local b
	rootless_setup
	b=$(rl_bundle b '.linux.uidMappings = [{"containerID": 0, "hostID": '"$RL_UID"', "size": 1}, {"containerID": 1, "hostID": 900000, "size": 100}]')
	as_user "$POCKET" create --bundle "$b" c1 2>"$T/err" && fail "a mapping outside /etc/subuid was accepted"
	assert_match 'linux.uidMappings' "$(cat "$T/err")" "error names the field"
	assert_match '/etc/subuid' "$(cat "$T/err")" "error says where to add the range"
	[ ! -e "/tmp/pocket-$RL_UID/c1" ] || fail "state left after a refused create"
	[ -z "$(rl_live_procs)" ] || fail "a process of the user survived the refused create: $(rl_live_procs)"
	b=$(rl_bundle b2 '.linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 1}]')
	as_user "$POCKET" create --bundle "$b" c2 2>"$T/err" && fail "mapping host root was accepted"
	assert_match 'uidMappings' "$(cat "$T/err")" "error for mapping an id the user does not own"
	return 0
}

test_rootless_limits_without_a_delegated_cgroup_warn() {
	local b
	rootless_setup
	[ -w /sys/fs/cgroup ] && [ "$(stat -c %u /sys/fs/cgroup)" = "$RL_UID" ] && { echo "cgroups delegated to the user here"; exit 77; }
	b=$(rl_bundle b '.linux.resources = {"pids": {"limit": 10}} | .process.args = ["true"]')
	as_user "$POCKET" run --bundle "$b" c1 2>"$T/err" || fail "run: $(cat "$T/err")"
	assert_match 'linux.resources: not applied' "$(cat "$T/err")" "the user is told the limit is not applied"
}

# The rest of the issue's bad input: overlapping mappings, a rootfs the user cannot read, a bind of a host
# path the user cannot reach. Each: one line naming the field or path, and nothing left behind.
test_rootless_unusable_input_is_named_and_leaves_nothing() {
	local b
	rootless_setup
	b=$(rl_bundle b '.linux.uidMappings = [{"containerID": 0, "hostID": '"$RL_UID"', "size": 1}, {"containerID": 0, "hostID": '"$RL_SUB"', "size": 10}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": '"$RL_GID"', "size": 1}, {"containerID": 1, "hostID": '"$RL_SUB"', "size": 10}]')
	as_user "$POCKET" create --bundle "$b" c1 2>"$T/err" && fail "overlapping uid mappings were accepted"
	assert_match 'uidMappings' "$(cat "$T/err")" "overlap: error names the field"
	assert_eq 1 "$(wc -l <"$T/err")" "overlap: one line"
	mkdir -p "$T/private/rootfs" && chmod 700 "$T/private"
	b=$(rl_bundle b2 '.root.path = "'"$T"'/private/rootfs"')
	as_user "$POCKET" create --bundle "$b" c2 2>"$T/err" && fail "an unreadable rootfs was accepted"
	assert_match "root.path.*$T/private/rootfs" "$(cat "$T/err")" "unreadable rootfs: error names the path"
	assert_eq 1 "$(wc -l <"$T/err")" "unreadable rootfs: one line"
	mkdir -p "$T/private/data"
	b=$(rl_bundle b3 '.mounts += [{"destination": "/mnt", "type": "bind", "source": "'"$T"'/private/data", "options": ["rbind"]}]')
	as_user "$POCKET" create --bundle "$b" c3 2>"$T/err" && fail "a bind of an unreachable host path was accepted"
	assert_match "$T/private/data|/mnt" "$(cat "$T/err")" "unreachable bind: error names the path"
	assert_eq 1 "$(wc -l <"$T/err")" "unreachable bind: one line"
	for c in c1 c2 c3; do [ ! -e "/tmp/pocket-$RL_UID/$c" ] || fail "state left after the refused create of $c"; done
	[ -z "$(rl_live_procs)" ] || fail "a process of the user survived a refused create: $(rl_live_procs)"
	return 0
}
