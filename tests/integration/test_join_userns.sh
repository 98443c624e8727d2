# Joining an existing user namespace while creating the others: they must belong to the joined user
# namespace, and a new pid namespace there takes a second process that becomes the init.

test_joined_user_namespace_with_new_pid_namespace() {
	local holder b out
	unshare -U --map-root-user sleep 300 &
	holder=$!
	on_exit "kill $holder"
	sleep 0.2
	b=$(bundle b '.linux.maskedPaths = [] | .linux.readonlyPaths = [] |
		.mounts = [.mounts[] | select(.type != "sysfs" and .type != "cgroup" and .type != "devpts")] |
		.linux.namespaces = [{"type": "mount"}, {"type": "pid"}, {"type": "uts"}, {"type": "ipc"}, {"type": "network"},
		                     {"type": "user", "path": "/proc/'"$holder"'/ns/user"}] |
		.process.args = ["sh", "-c", "echo $$; readlink /proc/self/ns/user; hostname; exec sleep 100"]')
	pk run --detach --bundle "$b" c1 >"$T/out" || fail "run"
	local pid
	pid=$(pk state c1 | jq -r .pid)
	assert_eq running "$(pk state c1 | jq -r .status)" "status"
	assert_eq "$(readlink /proc/$holder/ns/user)" "$(readlink /proc/$pid/ns/user)" "the init's user namespace is the joined one"
	[ "$(readlink /proc/$pid/ns/pid)" != "$(readlink /proc/self/ns/pid)" ] || fail "no pid namespace of its own"
	out=$(pk exec c1 sh -c 'echo $$; cat /proc/1/cmdline | tr "\0" " "')
	assert_match 'sleep 100|sh -c' "$(echo "$out" | tail -1)" "pid 1 is the container's program"
	pk kill c1 KILL || fail "kill"
	for _ in $(seq 50); do [ "$(pk state c1 | jq -r .status)" = stopped ] && break; sleep 0.1; done
	assert_eq stopped "$(pk state c1 | jq -r .status)" "status after kill: the state followed the second process"
	jq '.process.args = ["sh", "-c", "echo $$; readlink /proc/self/ns/user; hostname"]' "$b/config.json" >"$b/c" &&
		mv "$b/c" "$b/config.json"
	out=$(pk run --bundle "$b" c2 2>&1 | tr '\n' ' ')
	assert_eq "1 $(readlink /proc/$holder/ns/user) pocket " "$out" "foreground run: pid 1, joined user ns, own uts ns"
}
