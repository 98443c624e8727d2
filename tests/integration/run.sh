#!/bin/bash
# tests/integration/run.sh POCKET BUNDLE PROBE [FILE...]: run every test_* function of every
# tests/integration/test_*.sh (or the files given), each in its own subshell, as TAP lines, and a final
# "N passed, N failed" line. Exits 1 when a test failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export POCKET=$(realpath "$1") BASE=$(realpath "$2") PROBE=$(realpath "$3")
export HELPERS=$(dirname "$PROBE")
shift 3
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$here"/test_*.sh)
[ "$(id -u)" = 0 ] || { echo "integration tests run as root" >&2; exit 1; }

pass=0 failn=0 skip=0 n=0
work=$(mktemp -d /tmp/pocket-tests.XXXXXX)
chmod 711 "$work" # the rootless tests run as another user, who must reach their bundles
cleanup_test() {
	local root=$1
	for d in "$root"/*/; do
		[ -d "$d" ] && "$POCKET" --root "$root" delete --force "$(basename "$d")" >/dev/null 2>&1
	done
	return 0
}
# Seconds per test: generous, as a hung test must not hang the suite; a slow host (the emulated guest of
# tests/vm, 30-50 times slower) raises it.
limit=${POCKET_TEST_TIMEOUT:-120}
for f in "${files[@]}"; do
	for t in $(bash -c "source '$here/lib.sh'; source '$f'; declare -F" | awk '$3 ~ /^test_/ {print $3}'); do
		n=$((n + 1))
		T="$work/$n" ROOT="$work/$n/state"
		mkdir -p "$T"
		# Output goes to a file, not a pipe: a stray background process of a broken test cannot hang us.
		T=$T ROOT=$ROOT timeout -k 5 "$limit" bash -c "source '$here/lib.sh'; source '$f'; set -u; $t" >"$work/out" 2>&1
		rc=$?
		[ $rc -eq 124 ] || [ $rc -eq 137 ] && printf '\nFAIL: timed out after %s s (POCKET_TEST_TIMEOUT)\n' "$limit" >>"$work/out"
		out=$(cat "$work/out")
		cleanup_test "$ROOT"
		name="$(basename "$f" .sh):$t"
		if [ $rc -eq 0 ]; then
			pass=$((pass + 1)); echo "ok $n - $name"
		elif [ $rc -eq 77 ]; then
			skip=$((skip + 1)); echo "ok $n - $name # SKIP $(printf '%s' "$out" | tail -1)"
		else
			failn=$((failn + 1)); echo "not ok $n - $name"
			printf '%s\n' "$out" | sed 's/^/    /' | tail -20
		fi
		rm -rf "$T"
	done
done
rm -rf "$work"
echo "1..$n"
echo "integration: $pass passed, $failn failed, $skip skipped"
[ $failn -eq 0 ]
