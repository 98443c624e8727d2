# containerd 1.6 (Debian's) driving pocket through its io.containerd.runc.v2 shim: containerd started by the test with
# its own config, root, state and socket under $T, `ctr run --runc-binary $POCKET` (the shim then runs
# `pocket --root DIR --log FILE --log-format json VERB ...`), images imported from a hand-made OCI layout tarball
# (tests/clients/clients_lib.sh). Each scenario runs with Debian's runc too and compares. Run by
# tests/integration/run.sh:
#   tests/integration/run.sh build/pocket build/bundle build/probe tests/clients/test_containerd.sh
source "$(dirname "${BASH_SOURCE[0]}")/clients_lib.sh"

assert_same_as_runc() {
	[ "$2" = "$3" ] || fail "$1 differs from runc's (- runc, + pocket):
$(diff -u <(printf '%s\n' "$3") <(printf '%s\n' "$2") | tail -n +3 | grep '^[-+]')"
}

# The state of task ID in `ctr task ls`: RUNNING, PAUSED, STOPPED...
task_status() { cx task ls | awk -v id="$1" '$1 == id {print $3}'; }
task_pid() { cx task ls | awk -v id="$1" '$1 == id {print $2}'; }

test_containerd_run_prints_output_and_exit_code() {
	containerd_setup
	containerd_image
	local rt out rc
	for rt in "$RUNC" "$POCKET"; do
		out=$(cx_run "$rt" --rm "$CIMG" r1 sh -c 'echo to-stdout; echo to-stderr >&2; grep memory /proc/self/cgroup; exit 3' 2>"$T/err")
		rc=$?
		assert_eq 3 "$rc" "exit code of ctr run ($rt): $(cat "$T/err")"
		assert_match '^to-stdout' "$out" "stdout ($rt)"
		assert_eq to-stderr "$(cat "$T/err")" "stderr ($rt)"
		assert_match ":memory:/$NS/r1\$" "$out" "the container's memory cgroup ($rt)"
		[ -z "$(cx container ls -q)" ] || fail "ctr run --rm left the container ($rt)"
	done
	containerd_assert_clean
}

test_containerd_detached_exec_kill_delete() {
	containerd_setup
	containerd_image
	local rt out rc pid root
	for rt in "$RUNC" "$POCKET"; do
		root=$(cx_root "$rt")/$NS
		cx_run "$rt" -d "$CIMG" d1 sh -c 'trap "echo got-term; exit 9" TERM; sleep 1000 & wait' >/dev/null 2>"$T/err" ||
			fail "ctr run -d ($rt): $(cat "$T/err")"
		assert_eq RUNNING "$(task_status d1)" "task status after ctr run -d ($rt)"
		pid=$(task_pid d1)
		assert_eq "$pid" "$("$rt" --root "$root" state d1 | jq -r .pid)" "the runtime's state pid vs ctr task ls ($rt)"
		# The shim passes --log FILE --log-format json: whatever the runtime logged there is JSON.
		if [ -s "$C/state/io.containerd.runtime.v2.task/$NS/d1/log.json" ]; then
			jq -e . "$C/state/io.containerd.runtime.v2.task/$NS/d1/log.json" >/dev/null ||
				fail "the runtime's log is not JSON ($rt): $(head -3 "$C/state/io.containerd.runtime.v2.task/$NS/d1/log.json")"
		fi
		out=$(cx task exec --fifo-dir "$C/fifo" --exec-id e1 --cwd /tmp d1 sh -c 'echo in-exec $(pwd); cat /proc/1/cmdline | tr "\0" " "; exit 4' 2>&1)
		rc=$?
		assert_eq 4 "$rc" "exit code of ctr task exec ($rt): $out"
		assert_match 'in-exec /tmp' "$out" "ctr task exec output and cwd ($rt)"
		assert_match 'trap' "$out" "ctr task exec sees the container's pid 1 ($rt)"
		out=$(cx task ps d1 | tail -n +2 | awk '{print $1}')
		assert_eq 2 "$(echo "$out" | wc -l)" "ctr task ps: pid 1 and its sleep ($rt): $out"
		assert_match "^$pid\$" "$out" "ctr task ps lists pid 1 ($rt)"
		cx task kill d1 || fail "ctr task kill ($rt)"
		for _ in $(seq 50); do [ "$(task_status d1)" = STOPPED ] && break; sleep 0.1; done
		assert_eq STOPPED "$(task_status d1)" "task status after SIGTERM ($rt)"
		out=$(cx task delete d1 2>&1) || fail "ctr task delete ($rt): $out"
		assert_match 'exit code 9' "$out" "ctr task delete reports the exit code ($rt)"
		cx container rm d1 || fail "ctr container rm ($rt)"
		[ -z "$(ls -A "$root" 2>/dev/null)" ] || fail "runtime state left in $root ($rt): $(ls "$root")"
		[ -z "$(cg_mine "$TAG" | grep "/$NS/d1$")" ] || fail "cgroup left for d1 ($rt)"
	done
	containerd_assert_clean
}

test_containerd_tty() {
	containerd_setup
	containerd_image
	local rt out rc
	for rt in "$RUNC" "$POCKET"; do
		# ctr sets the window size just after start, so the container waits a moment before it reads it.
		out=$(printf 'hello\n' | script -qec "stty rows 21 cols 66; ctr --address $C/containerd.sock --namespace $NS run --rm -t \
			--fifo-dir $C/fifo --runc-binary $rt --runc-root $(cx_root "$rt") $CIMG t1 \
			sh -c 'read l; echo got:\$l; tty; sleep 0.5; stty size; exit 3'" /dev/null)
		rc=$?
		out=$(printf '%s' "$out" | tr -d '\r')
		assert_eq 3 "$rc" "exit code of ctr run -t ($rt): $out"
		assert_match 'got:hello' "$out" "input relayed ($rt)"
		assert_match '^/dev/pts/0$' "$out" "the container's pty ($rt)"
		assert_match '^21 66$' "$out" "window size ($rt)"
		cx_run "$rt" -d "$CIMG" t2 sleep 1000 >/dev/null || fail "ctr run -d ($rt)"
		out=$(printf 'ping\n' | script -qec "stty rows 20 cols 70; ctr --address $C/containerd.sock --namespace $NS task exec -t \
			--fifo-dir $C/fifo --exec-id x1 t2 sh -c 'read l; echo got:\$l; tty; sleep 0.5; stty size; exit 5'" /dev/null)
		rc=$?
		out=$(printf '%s' "$out" | tr -d '\r')
		assert_eq 5 "$rc" "exit code of ctr task exec -t ($rt): $out"
		assert_match 'got:ping' "$out" "exec input relayed ($rt)"
		assert_match '^/dev/pts/[0-9]+$' "$out" "the exec's pty ($rt)"
		assert_match '^20 70$' "$out" "exec window size ($rt)"
		cx task kill -s KILL t2 >/dev/null
		for _ in $(seq 50); do [ "$(task_status t2)" = STOPPED ] && break; sleep 0.1; done
		cx task delete t2 >/dev/null 2>&1 || fail "ctr task delete ($rt)"
		cx container rm t2 || fail "ctr container rm ($rt)"
	done
	containerd_assert_clean
}

test_containerd_pause_resume() {
	containerd_setup
	containerd_image
	local rt a b rootfs
	for rt in "$RUNC" "$POCKET"; do
		cx_run "$rt" -d "$CIMG" p1 sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/n.new; mv /tmp/n.new /tmp/n; sleep 0.05; done' >/dev/null ||
			fail "ctr run -d ($rt)"
		rootfs=$C/state/io.containerd.runtime.v2.task/$NS/p1/rootfs
		sleep 0.3
		cx task pause p1 || fail "ctr task pause ($rt)"
		assert_eq PAUSED "$(task_status p1)" "status after pause ($rt)"
		assert_eq FROZEN "$(cat "/sys/fs/cgroup/freezer/$NS/p1/freezer.state")" "freezer.state ($rt)"
		a=$(cat "$rootfs/tmp/n")
		sleep 0.5
		b=$(cat "$rootfs/tmp/n")
		assert_eq "$a" "$b" "the counter stands still while paused ($rt)"
		cx task resume p1 || fail "ctr task resume ($rt)"
		assert_eq RUNNING "$(task_status p1)" "status after resume ($rt)"
		sleep 0.5
		b=$(cat "$rootfs/tmp/n")
		[ "$b" -gt "$a" ] || fail "the counter did not move after resume ($a, $b) ($rt)"
		cx task kill -s KILL p1
		for _ in $(seq 50); do [ "$(task_status p1)" = STOPPED ] && break; sleep 0.1; done
		cx task delete p1 >/dev/null 2>&1 || fail "ctr task delete ($rt)"
		cx container rm p1
	done
	containerd_assert_clean
}

test_containerd_resource_limits() {
	containerd_setup
	containerd_image
	local rt out=()
	# ctr 1.6 has no `task update`: only the limits given at run time.
	for rt in "$RUNC" "$POCKET"; do
		cx_run "$rt" -d --memory-limit 67108864 --cpu-shares 512 --cpus 0.5 "$CIMG" l1 sleep 1000 >/dev/null ||
			fail "ctr run -d ($rt)"
		out+=("$(cd "/sys/fs/cgroup" && grep -H . memory/"$NS"/l1/memory.limit_in_bytes cpu/"$NS"/l1/cpu.shares \
			cpu/"$NS"/l1/cpu.cfs_quota_us cpu/"$NS"/l1/cpu.cfs_period_us pids/"$NS"/l1/pids.max 2>&1)")
		cx task kill -s KILL l1
		for _ in $(seq 50); do [ "$(task_status l1)" = STOPPED ] && break; sleep 0.1; done
		cx task delete l1 >/dev/null 2>&1 || fail "ctr task delete ($rt)"
		cx container rm l1
	done
	assert_match 'memory.limit_in_bytes:67108864$' "${out[1]}" "memory limit"
	assert_match 'cpu.shares:512$' "${out[1]}" "cpu shares"
	assert_match 'cpu.cfs_quota_us:50000$' "${out[1]}" "cpu quota"
	assert_same_as_runc "the cgroup limits" "${out[1]}" "${out[0]}"
	containerd_assert_clean
}

# The runtime's errors come back to the user from its --log-format json log (the shim reads the last error).
test_containerd_runtime_errors_reach_the_user() {
	containerd_setup
	containerd_image
	local rt out
	for rt in "$RUNC" "$POCKET"; do
		out=$(cx_run "$rt" --rm "$CIMG" e1 /nonexistent 2>&1) && fail "ctr run of a missing command succeeded ($rt)"
		assert_match 'OCI runtime create failed: .*/nonexistent.*[Nn]o such file or directory' "$out" "ctr run error ($rt)"
		cx container rm e1 >/dev/null 2>&1
		cx_run "$rt" -d "$CIMG" e2 sleep 1000 >/dev/null || fail "ctr run -d ($rt)"
		out=$(cx task exec --fifo-dir "$C/fifo" --exec-id x e2 /nonexistent 2>&1) && fail "ctr task exec of a missing command succeeded ($rt)"
		assert_match 'OCI runtime exec failed: .*/nonexistent.*[Nn]o such file or directory' "$out" "ctr task exec error ($rt)"
		jq -e . "$C/state/io.containerd.runtime.v2.task/$NS/e2/log.json" >/dev/null ||
			fail "the runtime's --log is not JSON ($rt): $(head -3 "$C/state/io.containerd.runtime.v2.task/$NS/e2/log.json")"
		assert_eq RUNNING "$(task_status e2)" "the task survives a failed exec ($rt)"
		cx task kill -s KILL e2
		for _ in $(seq 50); do [ "$(task_status e2)" = STOPPED ] && break; sleep 0.1; done
		cx task delete e2 >/dev/null 2>&1 || fail "ctr task delete ($rt)"
		cx container rm e2
	done
	containerd_assert_clean
}

# The process ctr's default spec describes (no HOME in it, no /etc/hosts...), options on top, as runc runs it.
test_containerd_process_attributes_match_runc() {
	containerd_setup
	containerd_image
	local rt out=() script
	script='touch /x 2>&1; env | sort; pwd; id; grep -E "^(Cap|NoNewPrivs|Seccomp:)" /proc/self/status; ulimit -n
		ls /proc/self/fd | wc -l; hostname; awk "{split(\$4, o, \",\"); print \$2, \$3, o[1]}" /proc/self/mounts | sort
		ls -l /dev | awk "{print \$1, \$5, \$6, \$NF}"'
	for rt in "$RUNC" "$POCKET"; do
		out+=("$(cx_run "$rt" --rm --read-only --env FOO=bar --cwd /tmp --cap-drop CAP_CHOWN "$CIMG" a1 sh -c "$script" 2>&1)") ||
			fail "ctr run ($rt): ${out[-1]}"
	done
	assert_match 'Read-only file system' "${out[1]}" "--read-only"
	assert_match '^FOO=bar$' "${out[1]}" "--env"
	assert_match '^/tmp$' "${out[1]}" "--cwd"
	assert_match 'CapEff:	00000000a80425fa' "${out[1]}" "--cap-drop CAP_CHOWN"
	assert_same_as_runc "the process's attributes" "${out[1]}" "${out[0]}"
	containerd_assert_clean
}

# ctr run --with-ns: the spec names an existing namespace by path, which the runtime must join (setns).
test_containerd_join_namespaces_by_path() {
	containerd_setup
	containerd_image
	local rt pid out ns
	for rt in "$RUNC" "$POCKET"; do
		cx_run "$rt" -d "$CIMG" n1 sh -c 'mkdir -p /www; echo joined > /www/index.html; exec httpd -f -p 8080 -h /www' >/dev/null ||
			fail "ctr run -d ($rt)"
		pid=$(task_pid n1)
		out=$(cx_run "$rt" --rm --with-ns "network:/proc/$pid/ns/net" --with-ns "uts:/proc/$pid/ns/uts" "$CIMG" n2 sh -c \
			'ip link set lo up 2>/dev/null; for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://127.0.0.1:8080/ 2>/dev/null && break; sleep 0.3; done
			 for n in net uts pid; do echo $n $(readlink /proc/self/ns/$n); done' 2>&1) ||
			fail "ctr run --with-ns ($rt): $out"
		for ns in net uts; do
			assert_match "^$ns $(readlink "/proc/$pid/ns/$ns" | sed 's/[][]/\\&/g')\$" "$out" "joined the $ns namespace ($rt)"
		done
		printf '%s\n' "$out" | grep -q "^pid $(readlink "/proc/$pid/ns/pid" | sed 's/[][]/\\&/g')\$" &&
			fail "the pid namespace was shared too ($rt)"
		assert_match '^joined$' "$out" "reached the other container over the shared loopback ($rt)"
		cx task kill -s KILL n1
		for _ in $(seq 50); do [ "$(task_status n1)" = STOPPED ] && break; sleep 0.1; done
		cx task delete n1 >/dev/null 2>&1 || fail "ctr task delete ($rt)"
		cx container rm n1
	done
	containerd_assert_clean
}
