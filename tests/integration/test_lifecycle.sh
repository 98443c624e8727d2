# Lifecycle: create leaves the init waiting, start releases it, state/list tell the truth, kill and delete.

test_run_exit_status() {
	local b
	b=$(bundle b '.process.args = ["sh", "-c", "exit 7"]')
	pk run --bundle "$b" c1
	assert_eq 7 $? "exit status of run"
	assert_no_leftovers c1
}

test_run_killed_by_signal_is_128_plus_signal() {
	local b rp
	b=$(bundle b '.process.args = ["sleep", "100"]')
	"$POCKET" --root "$ROOT" run --bundle "$b" c1 &
	rp=$!
	for _ in $(seq 200); do [ "$(pk state c1 2>/dev/null | jq -r .status)" = running ] && break; sleep 0.1; done
	pk kill c1 KILL || fail "kill"
	wait $rp
	assert_eq 137 $? "exit status of run"
	assert_no_leftovers c1
}

test_run_forwards_signals() {
	local b rp
	mkdir -p "$T/out"
	# The shell says when its trap is in place, so the signal never comes before it.
	b=$(bundle b '.mounts += [{"destination": "/tmp", "type": "bind", "source": "'"$T"'/out", "options": ["rbind"]}] |
		.process.args = ["sh", "-c", "trap \"exit 42\" TERM; touch /tmp/ready; while :; do sleep 0.1; done"]')
	"$POCKET" --root "$ROOT" run --bundle "$b" c1 &
	rp=$!
	for _ in $(seq 100); do [ -e "$T/out/ready" ] && break; sleep 0.1; done
	[ -e "$T/out/ready" ] || fail "the container never became ready"
	kill -TERM $rp
	wait $rp
	assert_eq 42 $? "exit status after SIGTERM to pocket run"
}

test_create_start_state_delete() {
	local b out pid
	b=$(bundle b '.process.args = ["sleep", "100"]')
	pk create --bundle "$b" --pid-file "$T/pid" c1 || fail "create"
	out=$(pk state c1) || fail "state"
	assert_eq created "$(echo "$out" | jq -r .status)" "status after create"
	pid=$(echo "$out" | jq -r .pid)
	assert_eq "$pid" "$(cat "$T/pid")" "pid file"
	# The init is waiting: it has not exec'd sleep yet.
	assert_match pocket "$(cat /proc/$pid/cmdline | tr '\0' ' ')" "init before start"
	pk start c1 || fail "start"
	assert_eq running "$(pk state c1 | jq -r .status)" "status after start"
	assert_match '^sleep 100' "$(cat /proc/$pid/cmdline | tr '\0' ' ')" "program after start"
	pk start c1 2>"$T/err" && fail "second start succeeded"
	assert_match 'running' "$(cat "$T/err")" "second start error"
	pk delete c1 2>"$T/err" && fail "delete of a running container without --force succeeded"
	pk kill c1 KILL || fail "kill"
	for _ in $(seq 50); do [ "$(pk state c1 | jq -r .status)" = stopped ] && break; sleep 0.1; done
	assert_eq stopped "$(pk state c1 | jq -r .status)" "status after kill"
	pk delete c1 || fail "delete"
	pk state c1 2>/dev/null && fail "state of a deleted container succeeded"
	assert_no_leftovers c1
}
