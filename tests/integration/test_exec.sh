# exec: a new process joins every namespace of the running container and gets its security settings.

start_sleeper() { # ID [JQ_FILTER]: a detached container running sleep
	local b
	b=$(bundle "b-$1" "${2:-.} | .process.args = [\"sleep\", \"100\"]")
	pk run --detach --bundle "$b" "$1" || fail "run --detach $1"
}

test_exec_joins_every_namespace_of_the_container() {
	local pid ns inside
	start_sleeper c1 '.linux.namespaces += [{"type": "user"}, {"type": "time"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	pid=$(pk state c1 | jq -r .pid)
	for ns in mnt pid net ipc uts user cgroup time; do
		inside=$(pk exec c1 readlink /proc/self/ns/$ns) || fail "exec readlink $ns"
		assert_eq "$(readlink /proc/$pid/ns/$ns)" "$inside" "$ns namespace of the exec'd process"
	done
	assert_eq "0 100000 65536" "$(pk exec c1 cat /proc/self/uid_map | awk '{print $1, $2, $3}')" "uid_map"
	assert_match '^ *1 +root +sleep 100' "$(pk exec c1 ps -o pid,user,args | sed -n 2p)" "the init is pid 1 in the exec'd process's view"
}

test_exec_exit_status_env_cwd_user() {
	local out
	start_sleeper c1
	pk exec c1 sh -c 'exit 9'
	assert_eq 9 $? "exit status"
	out=$(pk exec --env FOO=bar -e PATH=/bin --cwd /tmp --user 1000:1001 --additional-gids 7 c1 sh -c 'echo $FOO $PATH; pwd; id -u; id -g; id -G')
	assert_eq "bar /bin|/tmp|1000|1001|1001 7" "$(echo "$out" | tr '\n' '|' | sed 's/|$//')" "env, cwd, user, groups"
}

test_exec_gets_the_containers_capabilities_and_seccomp() {
	local out
	start_sleeper c1 '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
	out=$(pk exec c1 sh -c 'grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status; mkdir /tmp/x 2>&1')
	assert_match 'CapEff:[[:space:]]+0000000020000420' "$out" "CapEff as the config"
	assert_match 'CapBnd:[[:space:]]+0000000020000420' "$out" "CapBnd as the config"
	assert_match 'NoNewPrivs:[[:space:]]+1' "$out" "no_new_privs"
	assert_match 'Seccomp:[[:space:]]+2' "$out" "seccomp"
	assert_match 'Operation not permitted' "$out" "mkdir denied by the container's filter"
	out=$(pk exec --cap CAP_SYS_ADMIN c1 grep ^CapEff: /proc/self/status)
	assert_match '0000000020200420' "$out" "--cap adds CAP_SYS_ADMIN"
}

test_exec_process_file_and_detach_with_pid_file() {
	local pid
	start_sleeper c1
	cat >"$T/p.json" <<'JSON'
{"args": ["sh", "-c", "echo from-file > /dev/shm/marker; sleep 100"], "cwd": "/", "env": ["PATH=/bin"], "user": {"uid": 0, "gid": 0}}
JSON
	pk exec --detach --pid-file "$T/pid" --process "$T/p.json" c1 || fail "exec --detach"
	pid=$(cat "$T/pid")
	[ -d /proc/$pid ] || fail "pid file names no live process"
	assert_eq "$(readlink /proc/$(pk state c1 | jq -r .pid)/ns/mnt)" "$(readlink /proc/$pid/ns/mnt)" "exec'd process's mount ns"
	sleep 0.2
	assert_eq from-file "$(pk exec c1 cat /dev/shm/marker)" "the --process file's command ran"
	kill "$pid"
}

test_exec_leaks_no_fd() {
	local b out
	b=$(bundle b '.process.args = ["sleep", "100"]')
	own_rootfs "$b"
	pk run --detach --bundle "$b" c1 || fail "run"
	out=$(pk exec c1 /probe fds 3</etc/hostname 4</etc/hostname 7</etc/hostname)
	assert_eq "0 1 2" "$(echo "$out" | awk '{print $1}' | tr '\n' ' ' | sed 's/ $//')" "open fds in the exec'd process"
}

test_exec_bad_input() {
	local b
	pk exec nosuch true 2>"$T/err" && fail "exec into an unknown container succeeded"
	assert_match 'does not exist' "$(cat "$T/err")" "unknown container"
	b=$(bundle b '.process.args = ["true"]')
	pk run --detach --bundle "$b" c1 || fail "run --detach"
	for _ in $(seq 50); do [ "$(pk state c1 | jq -r .status)" = stopped ] && break; sleep 0.1; done
	pk exec c1 true 2>"$T/err" && fail "exec into a stopped container succeeded"
	assert_match 'stopped' "$(cat "$T/err")" "stopped container"
	start_sleeper c2
	pk exec c2 /no/such/binary 2>"$T/err" && fail "exec of a missing binary succeeded"
	assert_match '/no/such/binary' "$(cat "$T/err")" "missing binary named"
	echo '{"args": "not-a-list"}' >"$T/bad.json"
	pk exec --process "$T/bad.json" c2 2>"$T/err" && fail "malformed process.json accepted"
	assert_match 'process.args' "$(cat "$T/err")" "malformed process.json names the field"
	pk exec --cap CAP_FLY c2 true 2>"$T/err" && fail "unknown --cap accepted"
	assert_match 'CAP_FLY' "$(cat "$T/err")" "unknown capability named"
	# Nothing stray joined the container: its init (sleep) and this ps are all there is.
	assert_eq "sleep 100|ps -o args" "$(pk exec c2 ps -o args | tail -n +2 | tr '\n' '|' | sed 's/|$//')" "processes left in the container"
}

test_exec_into_a_paused_container() {
	local b ep out
	start_sleeper c1
	pk pause c1 || fail "pause"
	pk exec c1 true 2>"$T/err" && fail "exec into a paused container succeeded without --ignore-paused"
	assert_match 'paused' "$(cat "$T/err")" "error says the container is paused"
	# With --ignore-paused the process joins, frozen with the rest until resume.
	"$POCKET" --root "$ROOT" exec --ignore-paused c1 sh -c 'echo ran' >"$T/out" 2>&1 &
	ep=$!
	sleep 0.5
	pk resume c1 || fail "resume"
	wait $ep
	assert_eq ran "$(cat "$T/out")" "the exec'd process ran once resumed"
}

test_exec_lsm_flags_need_the_lsm() {
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] || [ -e /sys/fs/selinux/enforce ]; then
		echo "an LSM is active on this host: the refusal cannot be shown here"; exit 77
	fi
	start_sleeper c1
	pk exec --apparmor docker-default c1 true 2>"$T/err" && fail "--apparmor accepted without AppArmor"
	assert_match 'apparmorProfile.*not enabled' "$(cat "$T/err")" "--apparmor"
	pk exec --process-label system_u:system_r:container_t:s0 c1 true 2>"$T/err" && fail "--process-label accepted without SELinux"
	assert_match 'selinuxLabel.*not enabled' "$(cat "$T/err")" "--process-label"
}
