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
	on_exit "kill $lp"
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

# exec'd processes get the container's filter, and the listener is told of them as of the init: the state of
# the container and the process's own pid as the host sees it.
test_seccomp_notify_for_an_exec_tells_the_listener_its_pid() {
	local b out lp lp2 init epid
	"$HELPERS/seccomp_listener" "$T/agent.sock" "$T/agent.state" &
	lp=$!
	on_exit "kill $lp 2>/dev/null"
	for _ in $(seq 50); do [ -S "$T/agent.sock" ] && break; sleep 0.05; done
	b=$(bundle b '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'"$T"'/agent.sock",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]} | .process.args = ["sleep", "100"]')
	pk run --detach --bundle "$b" c1 || fail "run"
	on_exit "pk delete --force c1"
	init=$(pk state c1 | jq .pid)
	for _ in $(seq 50); do [ -s "$T/agent.state" ] && break; sleep 0.05; done
	# A second agent on the same path (the helper answers one connection) for the exec.
	rm -f "$T/agent.sock"
	"$HELPERS/seccomp_listener" "$T/agent.sock" "$T/agent2.state" &
	lp2=$!
	on_exit "kill $lp2 2>/dev/null"
	for _ in $(seq 50); do [ -S "$T/agent.sock" ] && break; sleep 0.05; done
	out=$(pk exec c1 sh -c 'mkdir /tmp/y 2>&1; echo pid $$; cat /proc/self/status | grep NSpid') || fail "exec"
	assert_match 'Invalid cross-device link' "$out" "the exec's mkdir answered by the agent (EXDEV)"
	assert_eq c1 "$(jq -r .state.id "$T/agent2.state")" "state.id"
	assert_eq running "$(jq -r .state.status "$T/agent2.state")" "state.status"
	assert_eq "$init" "$(jq -r .state.pid "$T/agent2.state")" "state.pid (the container's init)"
	epid=$(jq -r .pid "$T/agent2.state")
	[ "$epid" -gt 1 ] && [ "$epid" != "$init" ] || fail "the exec's pid as seen by the runtime: $epid (init $init)"
}

test_seccomp_notify_without_listener_is_refused() {
	local b
	b=$(bundle b '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'"$T"'/nobody.sock",
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}')
	pk create --bundle "$b" c1 2>"$T/err" && fail "create succeeded"
	assert_match 'listenerPath' "$(cat "$T/err")" "error names the field"
	assert_no_leftovers c1
}

test_io_priority_scheduler_personality() {
	local b out
	b=$(bundle b '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6} |
		.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7} | .linux.personality = {"domain": "LINUX32"} |
		.process.args = ["sh", "-c", "ionice -p $$; awk \"{print \\$19}\" /proc/$$/stat; grep -o \"^policy.*\" /proc/$$/sched | tr -s \" \"; uname -m"]')
	out=$(pk run --bundle "$b" c1) || fail "run: $out"
	assert_match 'best-effort: prio 6|best.effort.*6' "$(echo "$out" | sed -n 1p)" "io priority (ionice)"
	assert_eq 7 "$(echo "$out" | sed -n 2p)" "nice"
	assert_match 'policy : 3' "$(echo "$out" | sed -n 3p)" "SCHED_BATCH is policy 3"
	assert_match '^i[3-6]86$' "$(echo "$out" | sed -n 4p)" "uname -m under the LINUX32 personality"
}

test_bad_process_settings_are_refused() {
	local b bad
	for bad in '.process.ioPriority = {"class": "IOPRIO_CLASS_FAST", "priority": 1}' \
		'.process.scheduler = {"policy": "SCHED_NOW"}' '.linux.personality = {"domain": "WIN32"}' \
		'.process.rlimits += [{"type": "RLIMIT_FLY", "soft": 1, "hard": 1}]'; do
		b=$(bundle b "$bad")
		pk create --bundle "$b" c1 2>"$T/err" && fail "create accepted: $bad"
		assert_match '(ioPriority|scheduler|personality|rlimits)' "$(cat "$T/err")" "error for $bad"
		assert_no_leftovers c1
	done
}

test_lsm_labels_without_the_lsm_are_refused() {
	local b
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] || [ -e /sys/fs/selinux/enforce ]; then
		echo "an LSM is active on this host: the refusal cannot be shown here"; exit 77
	fi
	for bad in '.process.apparmorProfile = "docker-default"' '.process.selinuxLabel = "system_u:system_r:container_t:s0"' \
		'.linux.mountLabel = "system_u:object_r:container_file_t:s0"' '.linux.intelRdt = {"closID": "x"}'; do
		b=$(bundle b "$bad")
		pk create --bundle "$b" c1 2>"$T/err" && fail "create accepted $bad on a host without that LSM"
		assert_match '(apparmorProfile|selinuxLabel|mountLabel|intelRdt).*not' "$(cat "$T/err")" "error for $bad"
		assert_no_leftovers c1
	done
}

# CVE-2022-29162 class: runc exec gave processes inheritable capabilities the config never granted, so a
# program with file capabilities could gain them. Inheritable must be exactly the config's, in run and exec.
test_inheritable_capabilities_are_only_the_configs() {
	local b out
	b=$(bundle b '.process.args = ["sleep", "100"]')
	pk run --detach --bundle "$b" c1 || fail "run"
	out=$(pk exec c1 grep -E '^Cap(Inh|Amb):' /proc/self/status)
	assert_match 'CapInh:[[:space:]]+0000000000000000' "$out" "exec: no inheritable capabilities"
	assert_match 'CapAmb:[[:space:]]+0000000000000000' "$out" "exec: no ambient capabilities"
	out=$(pk exec --cap CAP_NET_ADMIN c1 grep -E '^CapInh:' /proc/self/status)
	assert_match 'CapInh:[[:space:]]+0000000000000000' "$out" "exec --cap does not add to the inheritable set"
}

test_default_config_masks_proc_and_sys_and_denies_host_devices() {
	local out
	out=$(pk run --bundle "$(bundle b '.process.args = ["sh", "-c",
		"echo kcore=$(cat /proc/kcore 2>/dev/null | wc -c); echo firmware=$(ls /sys/firmware | wc -l); echo 1 > /proc/sysrq-trigger 2>/dev/null && echo sysrq-written; touch /proc/sys/kernel/x 2>/dev/null && echo sys-written; mknod /tmp/sda b 8 0 2>/dev/null && echo mknod-ok; echo dev=$(ls /dev | tr \"\\n\" \" \")"]')" c1)
	assert_match 'kcore=0' "$out" "/proc/kcore reads empty (or is absent)"
	assert_match 'firmware=0' "$out" "/sys/firmware is empty"
	case $out in *sysrq-written* | *sys-written* | *mknod-ok*) fail "a host path was writable or a block device made: $out" ;; esac
	case $(echo "$out" | grep '^dev=') in *sda* | *vda* | *" mem "* | *kmsg*) fail "a host device is in /dev: $out" ;; esac
	return 0
}

test_seccomp_compiled_once_per_profile() {
	local b out
	b=$(bundle b '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]} |
		.process.args = ["sh", "-c", "mkdir /tmp/x 2>&1 | grep -c \"not permitted\""]')
	out=$(pk --debug run --bundle "$b" c1 2>"$T/log1")
	assert_eq 1 "$out" "filter works when compiled"
	grep -q 'from the cache' "$T/log1" && fail "first run claims a cached filter"
	out=$(pk --debug run --bundle "$b" c2 2>"$T/log2")
	assert_eq 1 "$out" "filter works from the cache"
	grep -q 'from the cache' "$T/log2" || fail "second run of the same profile compiled it again"
	# A damaged entry is never trusted: truncate it, and the filter is compiled again and still works.
	for f in "$ROOT"/.seccomp-cache/*.bpf; do truncate -s 20 "$f"; done
	out=$(pk --debug run --bundle "$b" c3 2>"$T/log3")
	assert_eq 1 "$out" "filter works after the cache entry was damaged"
	grep -q 'from the cache' "$T/log3" && fail "a damaged cache entry was used"
	return 0
}

test_seccomp_filter_flags_are_passed_to_the_kernel() {
	local b out
	b=$(bundle b '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 1,
		"flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_LOG"}, {"names": ["rmdir"], "action": "SCMP_ACT_ERRNO"}]} |
		.process.args = ["sh", "-c", "mkdir /dev/shm/d && echo mkdir-logged-and-allowed; rmdir /dev/shm/d 2>&1 | grep -c \"not permitted\"; grep ^Speculation_Store_Bypass /proc/self/status"]')
	out=$(pk run --bundle "$b" c1) || fail "run: $out"
	assert_match 'mkdir-logged-and-allowed' "$out" "SCMP_ACT_LOG lets the call through"
	assert_eq 1 "$(echo "$out" | sed -n 2p)" "rmdir denied with EPERM (errnoRet defaults to EPERM)"
	# Without SPEC_ALLOW the kernel forces speculative store bypass mitigation on for seccomp'd tasks.
	assert_match 'Speculation_Store_Bypass:.*(vulnerable|not vulnerable|thread mitigated|globally mitigated)' "$out" "status readable"
	case $out in *"thread force mitigated"*) fail "SECCOMP_FILTER_FLAG_SPEC_ALLOW was not passed: $out" ;; esac
	b=$(bundle b2 '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_BOGUS"]}')
	pk create --bundle "$b" c2 2>"$T/err" && fail "an unknown flag was accepted"
	assert_match 'linux.seccomp.flags\[0\]' "$(cat "$T/err")" "error names the flag"
}
