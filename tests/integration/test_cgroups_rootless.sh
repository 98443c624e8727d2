# Rootless cgroups on pure cgroup v2 (the qemu guest): an unprivileged user with a subtree delegated to it as
# systemd delegates one (the directory and its cgroup.procs, cgroup.subtree_control and cgroup.threads chowned
# to the user, the user's shell in a leaf below it) gets its containers' cgroups there, with their limits,
# pause, ps, update and events; without a usable delegation the user is told, in one line, that the limits
# are not applied.

source "$(dirname "${BASH_SOURCE[0]}")/rootless.sh"

rlc_setup() {
	[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || { echo "not a pure cgroup v2 host (make check-v2 runs this)"; exit 77; }
	rootless_setup
	mkdir -p "$ROOT" && chown "$RL_UID:$RL_GID" "$ROOT"
}

# in_cgroup DIR CMD...: CMD as the user, from a shell moved into the cgroup DIR first.
in_cgroup() {
	local dir=$1
	shift
	(echo "$BASHPID" >"$dir/cgroup.procs" || exit 1; exec setpriv --reuid="$RL_UID" --regid="$RL_GID" \
		--clear-groups --reset-env -- "$@")
}

# Delegate a fresh cgroup to the user as systemd does for Delegate=yes (user@UID.service): $DELEG, with the
# user's session in the leaf $DELEG/session, made by the user as systemd --user makes its scopes.
delegate() {
	DELEG=/sys/fs/cgroup/pocket-rl-deleg-$BASHPID
	mkdir "$DELEG" || fail "mkdir $DELEG"
	on_exit "undelegate $DELEG"
	chown "$RL_UID:$RL_GID" "$DELEG" "$DELEG/cgroup.procs" "$DELEG/cgroup.subtree_control" "$DELEG/cgroup.threads" ||
		fail "chown the delegated cgroup"
	as_user mkdir "$DELEG/session" || fail "the user cannot make a cgroup in its delegated subtree"
}

# Kill everything in the delegated subtree (the user's containers included), then remove it leaves first.
undelegate() {
	local d=$1
	[ -d "$d" ] || return 0
	echo 1 >"$d/cgroup.kill"
	for _ in $(seq 100); do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
		[ -d "$d" ] || return 0
		sleep 0.1
	done
}

subdirs() { find "$1" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort | tr '\n' ' ' | sed 's/ $//'; }

test_delegated_cgroup_limits_a_rootless_container() {
	local b out err started
	rlc_setup
	delegate
	# The bomb runs in an inner shell, which dies when fork fails; the outer one counts what got through.
	local script='cat /sys/fs/cgroup/pids.max /sys/fs/cgroup/memory.max
sh -c "i=0; while [ \$i -lt 30 ]; do sleep 5 & i=\$((i+1)); done" 2>/dev/null; set -- /proc/[0-9]*; echo started=$#'
	b=$(rl_bundle b '.linux.resources = {"pids": {"limit": 10}, "memory": {"limit": 67108864}}')
	jq --arg s "$script" '.process.args = ["sh", "-c", $s]' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	chown "$RL_UID:$RL_GID" "$b/config.json"
	out=$(in_cgroup "$DELEG/session" "$POCKET" --root "$ROOT" run --bundle "$b" c1 2>"$T/err") ||
		fail "rootless run in a delegated cgroup: $(cat "$T/err")"
	err=$(cat "$T/err")
	assert_eq "" "$err" "stderr (no warning: the limits are applied)"
	assert_eq 10 "$(echo "$out" | sed -n 1p)" "pids.max seen inside"
	assert_eq 67108864 "$(echo "$out" | sed -n 2p)" "memory.max seen inside"
	started=${out##*started=}
	[ "$started" -le 10 ] || fail "processes in the container: $started, limit 10"
	[ "$started" -ge 5 ] || fail "processes in the container: $started (the bomb did not start at all)"
	assert_eq session "$(subdirs "$DELEG")" "cgroups in the delegated subtree after run"
}

test_delegated_cgroup_pause_ps_update_events_rootless() {
	local b cg pid a1 a2 a3 out
	rlc_setup
	delegate
	mkdir -p "$T/out" && chown "$RL_UID:$RL_GID" "$T/out"
	b=$(rl_bundle b '.linux.resources = {"pids": {"limit": 40}} |
		.mounts += [{"destination": "/tmp", "type": "bind", "source": "'"$T"'/out", "options": ["rbind"]}] |
		.process.args = ["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /tmp/n.new; mv /tmp/n.new /tmp/n; done"]')
	in_cgroup "$DELEG/session" "$POCKET" --root "$ROOT" run --detach --bundle "$b" c1 2>"$T/err" ||
		fail "rootless run --detach: $(cat "$T/err")"
	assert_eq "" "$(cat "$T/err")" "stderr"
	cg=$(jq -r .cgroup_path "$ROOT/c1/state.json")
	pid=$(jq -r .pid "$ROOT/c1/state.json")
	[[ $cg == "${DELEG#/sys/fs/cgroup}/"* ]] || fail "the container's cgroup [$cg] is not in the delegated subtree"
	assert_eq "$RL_UID" "$(stat -c %u "/sys/fs/cgroup$cg")" "owner of the container's cgroup"
	assert_match "(^|[^0-9])$pid([^0-9]|$)" "$(cat "/sys/fs/cgroup$cg/cgroup.procs")" "the init in the container's cgroup"
	for _ in $(seq 100); do [ -s "$T/out/n" ] && break; sleep 0.1; done

	as_user "$POCKET" --root "$ROOT" pause c1 || fail "rootless pause"
	assert_eq paused "$(as_user "$POCKET" --root "$ROOT" state c1 | jq -r .status)" "status after pause"
	a1=$(cat "$T/out/n"); sleep 0.5; a2=$(cat "$T/out/n")
	assert_eq "$a1" "$a2" "counter while paused"
	as_user "$POCKET" --root "$ROOT" resume c1 || fail "rootless resume"
	sleep 0.5; a3=$(cat "$T/out/n")
	[ "$a3" -gt "$a2" ] || fail "counter did not advance after resume ($a2 -> $a3)"

	out=$(as_user "$POCKET" --root "$ROOT" ps --format json c1) || fail "rootless ps: $out"
	echo "$out" | jq -e --argjson p "$pid" 'index($p) != null' >/dev/null || fail "ps does not list the init $pid: $out"

	as_user "$POCKET" --root "$ROOT" update --pids-limit 25 --memory 100m c1 || fail "rootless update"
	assert_eq 25 "$(cat "/sys/fs/cgroup$cg/pids.max")" "pids.max after update"
	assert_eq 104857600 "$(cat "/sys/fs/cgroup$cg/memory.max")" "memory.max after update"
	out=$(as_user "$POCKET" --root "$ROOT" events --stats c1) || fail "rootless events --stats: $out"
	assert_eq 25 "$(echo "$out" | jq -r .data.pids.limit)" "pids limit in the stats"
	[ "$(echo "$out" | jq -r .data.pids.current)" -ge 1 ] || fail "pids.current in the stats: $out"

	as_user "$POCKET" --root "$ROOT" delete --force c1 || fail "rootless delete --force"
	[ ! -e "/sys/fs/cgroup$cg" ] || fail "cgroup $cg left after delete"
	[ ! -e "/proc/$pid" ] || fail "the init $pid survived delete"
}

test_rootless_limits_without_delegation_warn_in_one_line() {
	local b
	rlc_setup
	b=$(rl_bundle b '.linux.resources = {"pids": {"limit": 10}} | .process.args = ["echo", "ran"]')
	# The user's process stays in the root cgroup, which is root's.
	assert_eq ran "$(as_user "$POCKET" --root "$ROOT" run --bundle "$b" c1 2>"$T/err")" "the container runs ($(cat "$T/err"))"
	assert_eq 1 "$(wc -l <"$T/err")" "lines on stderr: $(cat "$T/err")"
	assert_match 'linux.resources: not applied' "$(cat "$T/err")" "the user is told the limit is not applied"
	[ ! -e "$ROOT/c1" ] || fail "state left"
}

test_rootless_delegated_cgroup_holding_the_caller_warns() {
	local b
	rlc_setup
	delegate
	# The session right in the delegated cgroup (its parent is root's): a cgroup with processes cannot pass
	# controllers to a child, so the limits cannot be honoured there.
	b=$(rl_bundle b '.linux.resources = {"pids": {"limit": 10}} | .process.args = ["echo", "ran"]')
	assert_eq ran "$(in_cgroup "$DELEG" "$POCKET" --root "$ROOT" run --bundle "$b" c1 2>"$T/err")" "the container runs ($(cat "$T/err"))"
	assert_eq 1 "$(wc -l <"$T/err")" "lines on stderr: $(cat "$T/err")"
	assert_match 'linux.resources: not applied.*pids' "$(cat "$T/err")" "the user is told the limit is not applied"
	assert_eq session "$(subdirs "$DELEG")" "cgroups in the delegated subtree after run"
}
