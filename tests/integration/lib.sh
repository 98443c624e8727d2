# Sourced by tests/integration/run.sh for every test file. Each test is a shell function named test_*; it runs
# in its own subshell with a fresh temp dir $T and state root $ROOT, and passes when it returns 0.
#
# Provided:
#   $POCKET        the pocket binary (absolute)
#   $BASE          the default bundle built by tools/mkbundle.sh (config.json + rootfs, read-only: never write)
#   $PROBE         a static helper binary (tests/helpers/probe.c) to copy into a rootfs
#   $HELPERS       the directory of the test helpers (probe, seccomp_listener)
#   $T, $ROOT      the test's temp dir and its pocket --root (both removed after the test)
#   pk ARGS...     "$POCKET" --root "$ROOT" ARGS...
#   bundle NAME [JQ_FILTER]   make $T/NAME/config.json from the default config, root.path pointing at the
#                  shared read-only rootfs, with the jq filter applied; prints the bundle dir
#   bundle_sh NAME SCRIPT [JQ_FILTER]   the same, running ["sh", "-c", SCRIPT] (no quoting through jq)
#   own_rootfs DIR copy the default rootfs to DIR/rootfs (with $PROBE as /probe) and point DIR's config at it
#   fail MSG       print MSG and fail the test (ends it at once: the EXIT trap, see on_exit, still runs)
#   assert_eq WANT GOT [WHAT], assert_match REGEX TEXT [WHAT], assert_no_leftovers ID
#   on_exit CMD    run the shell command CMD when the test ends, pass or fail (last registered runs first);
#                  use it for anything outside $T: holder processes, mounts, netns
#   wait_status ID STATUS     poll `state` until the container has that status (5 s), or fail
#   assert_no_procs           no process whose command line mentions $T
set -u

# POCKET_GLOBAL_FLAGS: e.g. --debug-fallback=all, when the suite reruns with every fast path disabled.
pk() { "$POCKET" ${POCKET_GLOBAL_FLAGS:-} --root "$ROOT" "$@"; }

# A test is a function run at the top level of its own shell: without `exit`, a failed assertion in the middle
# of a test would be forgotten by the next command. Inside $(...) this exits only that subshell.
fail() {
	echo "    FAIL: $*" >&2
	exit 1
}

assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: expected [$1], got [$2]"
}

assert_match() {
	printf '%s' "$2" | grep -Eq -- "$1" || fail "${3:-text}: [$2] does not match /$1/"
}

bundle() {
	local name=$1 filter=${2:-.}
	mkdir -p "$T/$name"
	jq --arg root "$BASE/rootfs" ".root.path = \$root | $filter" "$BASE/config.json" >"$T/$name/config.json" ||
		fail "jq filter: $filter"
	echo "$T/$name"
}

bundle_sh() {
	local b
	b=$(bundle "$1" "${3:-.}") || exit 1
	jq --arg s "$2" '.process.args = ["sh", "-c", $s]' "$b/config.json" >"$b/config.json.new" &&
		mv "$b/config.json.new" "$b/config.json" || fail "jq: set process.args"
	echo "$b"
}

own_rootfs() {
	local dir=$1
	cp -a "$BASE/rootfs" "$dir/rootfs"
	cp "$PROBE" "$dir/rootfs/probe"
	jq '.root.path = "rootfs"' "$dir/config.json" >"$dir/config.json.new" && mv "$dir/config.json.new" "$dir/config.json"
}

_on_exit_cmds=()
_run_on_exit() {
	local i
	for ((i = ${#_on_exit_cmds[@]} - 1; i >= 0; i--)); do eval "${_on_exit_cmds[i]}" >/dev/null 2>&1; done
	return 0
}
on_exit() {
	_on_exit_cmds+=("$1")
	trap '_rc=$?; _run_on_exit; exit $_rc' EXIT
}

wait_status() {
	local id=$1 want=$2 got=
	for _ in $(seq 50); do
		got=$(pk state "$id" 2>/dev/null | jq -r .status)
		[ "$got" = "$want" ] && return 0
		sleep 0.1
	done
	fail "container $id: status $want expected, still [$got] after 5 s"
}

assert_no_procs() {
	local f c left=
	# One grep over every cmdline (a process per /proc entry took half a minute in the emulated guest); the
	# pattern comes through a file, so grep's own command line does not match it.
	for f in $(grep -lsF -f <(printf '%s\n' "$T") /proc/[0-9]*/cmdline); do
		c=$(tr '\0' ' ' 2>/dev/null <"$f") || continue
		[[ $c == *"$T"* ]] && left="$left [$(basename "$(dirname "$f")"): $c]"
	done
	[ -z "$left" ] || fail "processes left behind:$left"
}

# Nothing of container ID may remain: no state dir, no process whose cmdline mentions the test dir.
assert_no_leftovers() {
	[ ! -e "$ROOT/$1" ] || fail "state directory $ROOT/$1 left behind"
	assert_no_procs
}
