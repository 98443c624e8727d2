#!/bin/bash
# tests/run-all.sh BUILD_DIR: every unit test, then every integration test; one summary line at the end.
set -u
build=$1
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0
count() { # parse "...: N passed, N failed" from a suite's last summary line
	local line
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$1" | tail -1)
	if [ -z "$line" ]; then # a suite that printed no summary (it crashed, say) counts as one failure
		echo "no \"N passed, N failed\" line from this suite"
		fail=$((fail + 1))
		return
	fi
	pass=$((pass + $(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')))
	fail=$((fail + $(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')))
}
log=$(mktemp)
for t in "$build"/tests/test_*; do
	echo "# unit: $t"
	"$t" >"$log" 2>&1 || fail=$((fail + 1))
	grep -v '^ok ' "$log" || true
	count "$log"
done
echo "# integration"
"$here/integration/run.sh" "$build/pocket" "$build/bundle" "$build/probe" | tee "$log"
count "$log"
# The fallbacks of the fast paths (openat2, CLONE_INTO_CGROUP, the v1 tasks entry, mount_setattr: see
# src/util/fallback.h), forced on this kernel, must pass the tests that exercise them.
echo "# integration, every fast path disabled (--debug-fallback=all)"
POCKET_GLOBAL_FLAGS=--debug-fallback=all "$here/integration/run.sh" "$build/pocket" "$build/bundle" "$build/probe" \
	"$here"/integration/test_escapes.sh "$here"/integration/test_rootfs.sh "$here"/integration/test_cgroups.sh | tee "$log"
count "$log"
# Real clients: podman and containerd driving pocket, each scenario compared with runc (tests/clients/).
if [ -n "${CLIENT_TESTS:-}" ]; then
	echo "# clients: podman and containerd"
	"$here/integration/run.sh" "$build/pocket" "$build/bundle" "$build/probe" $CLIENT_TESTS | tee "$log"
	count "$log"
fi
# guest ARGS...: tests/vm/run-in-guest.sh ARGS, its output into $log. An emulated guest that wedges as a whole
# (it happened once in many boots: no test's own time limit fired) is booted once more, and says so; a
# second wedge, or a guest that never ran the tests, is a failure.
guest() {
	local rc try
	for try in 1 2; do
		"$here/vm/run-in-guest.sh" "$@" | tee "$log"
		rc=${PIPESTATUS[0]}
		[ "$rc" -le 1 ] && return 0
		[ "$rc" = 124 ] && [ "$try" = 1 ] && { echo "# the guest wedged (time limit): booting it once more"; continue; }
		break
	done
	echo "the guest did not run the tests"
	fail=$((fail + 1))
}
# Most users run pure cgroup v2: the cgroup tests again, in a qemu guest booted with it (tests/vm/).
echo "# integration on a pure cgroup v2 host (qemu guest): ${VM_TESTS:-tests/integration/test_cgroups.sh}"
guest env POCKET_TEST_TIMEOUT=600 "$here/integration/run.sh" "$build/pocket" "$build/bundle" "$build/probe" \
	${VM_TESTS:-$here/integration/test_cgroups.sh}
count "$log"
# The systemd cgroup driver: the guest again, with the host's systemd as its PID 1 (about a minute; a
# shorter time limit than the guest's default, so that a wedge costs less).
if [ -n "${VM_SYSTEMD_TESTS:-}" ]; then
	echo "# integration under systemd as PID 1 (qemu guest, pure cgroup v2): $VM_SYSTEMD_TESTS"
	POCKET_VM_INIT=systemd POCKET_VM_TIMEOUT=400 guest env POCKET_TEST_TIMEOUT=300 "$here/integration/run.sh" \
		"$build/pocket" "$build/bundle" "$build/probe" $VM_SYSTEMD_TESTS
	count "$log"
fi
rm -f "$log"
echo "all: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
