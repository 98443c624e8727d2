# Process security fields: capabilities, no_new_privs, seccomp (config-linux.md), seen from inside.

status_field() { # FIELD < /proc/self/status text
	grep "^$1:" | awk '{print $2}'
}

test_capabilities_are_exactly_the_configured_sets() {
	local b out
	b=$(bundle b '.process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
		"effective": ["CAP_CHOWN", "CAP_KILL"],
		"permitted": ["CAP_CHOWN", "CAP_KILL"],
		"inheritable": ["CAP_KILL"],
		"ambient": ["CAP_KILL"]} | .process.args = ["cat", "/proc/self/status"]')
	out=$(pk run --bundle "$b" c1) || fail "run"
	# CAP_CHOWN=0, CAP_KILL=5, CAP_NET_RAW=13. cat runs as root, so it keeps the permitted set.
	assert_eq 0000000000002021 "$(echo "$out" | status_field CapBnd)" CapBnd
	assert_eq 0000000000000021 "$(echo "$out" | status_field CapEff)" CapEff
	assert_eq 0000000000000021 "$(echo "$out" | status_field CapPrm)" CapPrm
	assert_eq 0000000000000020 "$(echo "$out" | status_field CapInh)" CapInh
	assert_eq 0000000000000020 "$(echo "$out" | status_field CapAmb)" CapAmb
}

test_non_root_user_keeps_only_ambient_capabilities() {
	local b out
	b=$(bundle b '.process.user = {"uid": 1000, "gid": 1000} | .process.capabilities = {
		"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"],
		"inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]} | .process.args = ["cat", "/proc/self/status"]')
	out=$(pk run --bundle "$b" c1) || fail "run"
	assert_match 'Uid:[[:space:]]+1000' "$out" "uid"
	assert_eq 0000000000000020 "$(echo "$out" | status_field CapEff)" "CapEff after exec as uid 1000"
	assert_eq 0000000000000020 "$(echo "$out" | status_field CapAmb)" CapAmb
}

test_unknown_capability_is_refused() {
	local b
	b=$(bundle b '.process.capabilities.bounding += ["CAP_FLY"]')
	pk create --bundle "$b" c1 2>"$T/err" && fail "create succeeded"
	assert_match 'CAP_FLY' "$(cat "$T/err")" "error"
	assert_no_leftovers c1
}

test_no_new_privileges_blocks_setuid_gain() {
	local b out
	b=$(bundle b '.process.user = {"uid": 1000, "gid": 1000} | .root.readonly = false | .process.args = ["/probe", "ids"]')
	own_rootfs "$b"
	chown 0:0 "$b/rootfs/probe" && chmod 4755 "$b/rootfs/probe"
	out=$(pk run --bundle "$b" c1) || fail "run"
	assert_eq "uid=1000 euid=1000 gid=1000 egid=1000" "$out" "setuid binary under noNewPrivileges"
	jq '.process.noNewPrivileges = false | .process.capabilities.bounding += ["CAP_SETUID"]' "$b/config.json" >"$b/c" &&
		mv "$b/c" "$b/config.json"
	out=$(pk run --bundle "$b" c2) || fail "run without noNewPrivileges"
	assert_eq "uid=1000 euid=0 gid=1000 egid=1000" "$out" "setuid binary without noNewPrivileges (the control)"
	assert_eq 1 "$(pk run --bundle "$(bundle n '.process.args = ["sh", "-c", "grep NoNewPrivs /proc/self/status"]')" c3 | awk '{print $2}')" NoNewPrivs
}

test_seccomp_errno_and_kill_actions() {
	local b out
	b=$(bundle b '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
		"syscalls": [
		  {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
		  {"names": ["rmdir"], "action": "SCMP_ACT_KILL_PROCESS"},
		  {"names": ["no_such_syscall_anywhere"], "action": "SCMP_ACT_ERRNO"}]}
		| .process.args = ["sh", "-c", "grep ^Seccomp: /proc/self/status; mkdir /tmp/d 2>&1; rmdir /tmp; echo rmdir=$?"]')
	out=$(pk run --bundle "$b" c1)
	assert_match 'Seccomp:[[:space:]]+2' "$out" "seccomp mode"
	assert_match 'Permission denied' "$out" "mkdir denied with errnoRet 13 (EACCES)"
	# SIGSYS (31) killed rmdir: its shell sees 128+31.
	assert_match 'rmdir=159' "$out" "rmdir killed"
}

test_seccomp_args_conditions() {
	local b out
	b=$(bundle b '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		  {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
		   "args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]}]}
		| .process.args = ["sh", "-c", "kill -USR1 $$ 2>&1; echo usr1=$?; kill -0 $$; echo zero=$?"]')
	out=$(pk run --bundle "$b" c1)
	assert_match 'usr1=1' "$out" "kill(pid, SIGUSR1=10) denied"
	assert_match 'zero=0' "$out" "kill(pid, 0) allowed"
}

test_seccomp_bad_values_are_refused() {
	local b
	for bad in '{"defaultAction": "SCMP_ACT_FLY"}' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_Z80"]}' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ALMOST"}]}]}'; do
		b=$(bundle b ".linux.seccomp = $bad")
		pk create --bundle "$b" c1 2>"$T/err" && fail "create accepted $bad"
		assert_match 'linux\.seccomp' "$(cat "$T/err")" "error for $bad"
		assert_no_leftovers c1
	done
}

test_seccomp_notify_hands_the_fd_to_the_listener() {
	local b out lp
	"$HELPERS/seccomp_listener" "$T/agent.sock" "$T/agent.state" &
	lp=$!
	trap 'kill $lp 2>/dev/null' EXIT
	for _ in $(seq 50); do [ -S "$T/agent.sock" ] && break; sleep 0.05; done
	b=$(bundle b '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'"$T"'/agent.sock",
		"listenerMetadata": "hello-agent", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}
		| .process.args = ["sh", "-c", "mkdir /tmp/x 2>&1; echo done"]')
	out=$(pk run --bundle "$b" c1) || fail "run"
	assert_match 'Invalid cross-device link' "$out" "mkdir answered by the agent (EXDEV)"
	assert_eq hello-agent "$(jq -r .metadata "$T/agent.state")" "metadata"
	assert_eq c1 "$(jq -r .state.id "$T/agent.state")" "state.id"
	assert_eq seccompFd "$(jq -r '.fds[0]' "$T/agent.state")" "fds"
	[ "$(jq -r .pid "$T/agent.state")" -gt 1 ] || fail "pid as seen by the runtime"
}

test_seccomp_notify_without_listener_is_refused() {
	local b
	b=$(bundle b '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'"$T"'/nobody.sock",
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}')
	pk create --bundle "$b" c1 2>"$T/err" && fail "create succeeded"
	assert_match 'listenerPath' "$(cat "$T/err")" "error names the field"
	assert_no_leftovers c1
}
