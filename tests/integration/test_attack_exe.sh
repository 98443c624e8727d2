# CVE-2019-5736 class: a container process reopens the runtime's binary through /proc/<pid>/exe of a
# runtime process in its namespaces, waits for that process to end, and writes through the reopened file to
# replace the host's runtime. The attack runs against a copy of pocket, so a failure of the protection can
# never damage the binary under test; the assertion is that the copy's checksum never changes.

# The attacker: shares the host pid namespace (so the victim's death does not end it), holds
# CAP_SYS_PTRACE (so the victim being non-dumpable does not stop it), and reports into a host directory.
attack_config='del(.linux.namespaces[] | select(.type == "pid")) |
	.process.capabilities.bounding += ["CAP_SYS_PTRACE"] | .process.capabilities.effective += ["CAP_SYS_PTRACE"] |
	.process.capabilities.permitted += ["CAP_SYS_PTRACE"] |
	.mounts += [{"destination": "/tmp", "type": "bind", "source": "OUT", "options": ["rbind", "rw"]}] |
	.process.args = ["sleep", "100"]'

test_runtime_binary_cannot_be_rewritten_through_proc_exe() {
	local b victim sum attacker_pid
	cp "$POCKET" "$T/pocket" && chmod 755 "$T/pocket"
	sum=$(sha256sum <"$T/pocket")
	mkdir -p "$T/out"
	b=$(bundle b "${attack_config//OUT/$T/out}")
	# A created container: its init is pocket code, waiting for start, in the container's namespaces.
	"$T/pocket" --root "$ROOT" create --bundle "$b" c1 || fail "create"
	victim=$(pk state c1 | jq -r .pid)
	readlink /proc/$victim/exe >"$T/victim-exe"
	"$T/pocket" --root "$ROOT" exec --detach --pid-file "$T/attacker.pid" c1 sh -c "
		exec 3</proc/$victim/exe || { echo cannot-open >/tmp/result; exit; }
		while [ -e /proc/$victim/exe ]; do sleep 0.02; done
		if echo pwned >/proc/self/fd/3; then echo written >/tmp/result; else echo refused >/tmp/result; fi" ||
		fail "exec the attacker"
	attacker_pid=$(cat "$T/attacker.pid")
	sleep 0.3 # let it open the victim's exe
	pk kill c1 KILL
	for _ in $(seq 100); do [ -s "$T/out/result" ] && break; sleep 0.05; done
	kill "$attacker_pid" 2>/dev/null
	assert_eq "$sum" "$(sha256sum <"$T/pocket")" "checksum of the runtime binary"
	assert_match '^(refused|cannot-open)$' "$(cat "$T/out/result" 2>/dev/null)" "the attacker's write"
	assert_match '^/memfd:pocket' "$(cat "$T/victim-exe")" "the victim ran from a sealed copy"
}

test_default_container_needs_no_copy_and_its_init_is_not_dumpable() {
	local b victim
	b=$(bundle b '.process.args = ["sleep", "100"]')
	pk create --bundle "$b" c1 || fail "create"
	victim=$(pk state c1 | jq -r .pid)
	# No CAP_SYS_PTRACE and its own pid namespace: nothing in it can open the init's exe, so no copy.
	assert_eq "$POCKET" "$(readlink /proc/$victim/exe)" "the init's exe"
	# Non-dumpable: its /proc files belong to root, and a process without CAP_SYS_PTRACE cannot open exe.
	setpriv --reuid=65534 --regid=65534 --clear-groups cat /proc/$victim/exe >/dev/null 2>&1 &&
		fail "an unprivileged process read the init's exe"
	return 0
}
