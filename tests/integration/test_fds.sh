# fds into the container: only stdio, plus exactly what --preserve-fds or LISTEN_FDS hand on (as runc).

fd_list() { awk '{print $1}' | tr '\n' ' ' | sed 's/ $//'; }

test_preserve_fds_passes_exactly_n_fds() {
	local b out
	b=$(bundle b '.process.args = ["/probe", "fds"]')
	own_rootfs "$b"
	out=$(pk run --preserve-fds 2 --bundle "$b" c1 3</etc/hostname 4<"$T" 5</etc/hostname) || fail "run"
	assert_eq "0 1 2 3 4" "$(echo "$out" | fd_list)" "fds in the container with --preserve-fds 2"
	assert_match '^3 /etc/hostname' "$(echo "$out" | grep '^3 ')" "fd 3 is the one we passed"
	out=$(pk run --bundle "$b" c2 3</etc/hostname 4<"$T") || fail "run without --preserve-fds"
	assert_eq "0 1 2" "$(echo "$out" | fd_list)" "fds in the container without --preserve-fds"
}

test_exec_preserve_fds() {
	local b out
	b=$(bundle b '.process.args = ["sleep", "100"]')
	own_rootfs "$b"
	pk run --detach --bundle "$b" c1 || fail "run"
	out=$(pk exec --preserve-fds 1 c1 /probe fds 3</etc/hostname 4</etc/hostname) || fail "exec"
	assert_eq "0 1 2 3" "$(echo "$out" | fd_list)" "fds in the exec'd process with --preserve-fds 1"
}

test_listen_fds_socket_activation() {
	local b out
	b=$(bundle b '.process.args = ["sh", "-c", "echo LISTEN_FDS=$LISTEN_FDS LISTEN_PID=$LISTEN_PID; /probe fds"]')
	own_rootfs "$b"
	out=$(LISTEN_FDS=1 LISTEN_PID=$$ "$POCKET" --root "$ROOT" run --bundle "$b" c1 3</etc/hostname 4</etc/hostname) || fail "run"
	assert_eq "LISTEN_FDS=1 LISTEN_PID=1" "$(echo "$out" | head -1)" "socket activation environment"
	assert_eq "0 1 2 3" "$(echo "$out" | tail -n +2 | fd_list)" "fds in the container with LISTEN_FDS=1"
}
