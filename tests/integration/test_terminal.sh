# process.terminal: the container's stdio is a pty of its own devpts; the master goes to --console-socket
# (as runc sends it) or is relayed by a foreground `run`.

test_console_socket_receives_the_pty_master() {
	local b rp
	"$HELPERS/recvtty" "$T/console.sock" "$T/name" 30 100 >"$T/out" &
	rp=$!
	on_exit "kill $rp"
	for _ in $(seq 50); do [ -S "$T/console.sock" ] && break; sleep 0.05; done
	b=$(bundle b '.process.terminal = true | .process.args = ["sh", "-c", "tty; stty size; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-ttys; ps -o pid,tty,args | head -2"]')
	pk create --bundle "$b" --console-socket "$T/console.sock" c1 || fail "create"
	pk start c1 || fail "start"
	for _ in $(seq 50); do ! kill -0 $rp 2>/dev/null && break; sleep 0.1; done
	assert_match '^/dev/pts/[0-9]+$' "$(cat "$T/name")" "pty name sent with the master"
	assert_match '/dev/pts/0' "$(cat "$T/out")" "tty inside"
	assert_match '30 100' "$(cat "$T/out")" "window size set by the receiver"
	assert_match 'all-ttys' "$(cat "$T/out")" "stdin, stdout and stderr are the terminal"
}

test_foreground_run_relays_the_terminal() {
	local b out
	command -v script >/dev/null || { echo "script (util-linux) missing"; exit 77; }
	b=$(bundle b '.process.terminal = true | .process.args = ["sh", "-c", "read line; echo got:$line; tty; stty size"]')
	# script gives pocket a terminal of its own: pocket must put it in raw mode and relay both ways.
	out=$(printf 'hello\n' | script -qec "stty rows 25 cols 90; $POCKET --root $ROOT run --bundle $b c1" /dev/null)
	assert_match 'got:hello' "$out" "input relayed into the container"
	assert_match '/dev/pts/0' "$out" "the container's own pty"
	assert_match '25 90' "$out" "window size copied from the caller's terminal"
	assert_no_leftovers c1
}

test_detached_terminal_without_console_socket_is_refused() {
	local b
	b=$(bundle b '.process.terminal = true')
	pk create --bundle "$b" c1 2>"$T/err" && fail "create succeeded"
	assert_match 'console-socket' "$(cat "$T/err")" "error names --console-socket"
	assert_no_leftovers c1
	pk create --bundle "$b" --console-socket "$T/nobody.sock" c1 2>"$T/err" && fail "create with a dead socket succeeded"
	assert_match 'console-socket' "$(cat "$T/err")" "unreachable console socket"
	assert_no_leftovers c1
}

test_exec_tty_relayed_and_through_console_socket() {
	local b out rp
	b=$(bundle b '.process.args = ["sleep", "100"]')
	pk run --detach --bundle "$b" c1 || fail "run"
	out=$(printf 'ping\n' | script -qec "stty rows 20 cols 70; $POCKET --root $ROOT exec -t c1 sh -c 'read l; echo got:\$l; tty; stty size'" /dev/null)
	assert_match 'got:ping' "$out" "input relayed"
	assert_match '/dev/pts/[0-9]+' "$out" "a pty of the container's devpts"
	assert_match '20 70' "$out" "window size"
	"$HELPERS/recvtty" "$T/console.sock" "$T/name" >"$T/out" &
	rp=$!
	on_exit "kill $rp"
	for _ in $(seq 50); do [ -S "$T/console.sock" ] && break; sleep 0.05; done
	pk exec --tty --console-socket "$T/console.sock" --detach c1 sh -c 'tty; echo via-socket' || fail "exec --console-socket"
	for _ in $(seq 50); do ! kill -0 $rp 2>/dev/null && break; sleep 0.1; done
	assert_match 'via-socket' "$(cat "$T/out")" "output through the console socket"
	pk exec --tty --detach c1 true 2>"$T/err" && fail "detached exec -t without a console socket succeeded"
	assert_match 'console-socket' "$(cat "$T/err")" "error names --console-socket"
}
