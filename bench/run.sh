#!/bin/bash
# bench/run.sh POCKET BUNDLE FLOOR OUTDIR: pocket against crun and runc (and the floor, bench/floor.c).
# Started by `make bench`; bench/README.md says what each figure means. Environment knobs:
# BENCH_RUNS (hyperfine runs per command, 30), BENCH_BURST (containers per starter, 20),
# BENCH_ONLY (comma-separated figure names: measure only these, e.g. run_true,run_true_nonet;
# every figure of the table can be named, peak_rss, min_mem_limit and burst_1/2/4 included).
set -euo pipefail

# Every figure (BENCH_ONLY names some of them; a name not here is refused before anything runs).
FIGURES=(run_true run_true_nonet run_true_limits run_true_sealed_copy run_true_rootless create start delete
	state version exec_true peak_rss min_mem_limit burst_1 burst_2 burst_4)
want() { [[ -z ${BENCH_ONLY:-} || ,$BENCH_ONLY, == *,$1,* ]]; }
want_any() { local f; for f; do want "$f" && return 0; done; return 1; }
IFS=, read -ra only <<<"${BENCH_ONLY:-}"
for f in "${only[@]}"; do
	[[ " ${FIGURES[*]} " == *" $f "* ]] ||
		{ echo "BENCH_ONLY: unknown figure '$f' (expected some of: ${FIGURES[*]})" >&2; exit 2; }
done

# crun 1.8.1 refuses hybrid hosts ("cgroups in hybrid mode not supported"), so everything runs in a
# private mount namespace without the bare cgroup2 mount; the host's mounts stay as they are.
if [[ ${POCKET_BENCH_INNER:-} != 1 ]]; then
	[[ $# == 4 ]] || { echo "usage: $0 POCKET BUNDLE FLOOR OUTDIR" >&2; exit 2; }
	POCKET_BENCH_INNER=1 exec unshare -m --propagation private "$0" "$(realpath "$1")" \
		"$(realpath "$2")" "$(realpath "$3")" "$(realpath -m "$4")"
fi
# An empty tmpfs takes its place: crun's legacy mode still mkdirs and writes cgroup.procs under
# /sys/fs/cgroup/unified, which would otherwise litter the host's /sys/fs/cgroup tmpfs beneath the mount.
umount /sys/fs/cgroup/unified && mount -t tmpfs -o size=1m,mode=755 bench-unified /sys/fs/cgroup/unified
echo "note: every runtime runs in a private mount namespace (unshare -m) where /sys/fs/cgroup/unified"
echo "      (cgroup2) is replaced by an empty tmpfs, so crun accepts this hybrid cgroup host;"
echo "      the host's mounts are unchanged"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs; figures from a busy machine are noisy)"

POCKET=$1 BUNDLE=$2 FLOOR=$3 OUT=$4
RUNS=${BENCH_RUNS:-30} BURST=${BENCH_BURST:-20}
RUNTIMES=(pocket crun runc)
T=$(mktemp -d /tmp/pocket-bench.XXXXXX)
# Names of this run alone: two suites running at once (CI and an engineer) must not share a cgroup,
# nor a user whom one of them removes. Every container's cgroupsPath is /$CG/...: never under our own
# (forbidden) cgroup.
CG=pocket-bench-${T##*.}
export T FLOOR
mkdir -p "$OUT" "$T/bin" "$T/state" "$T/json"
rm -f "$OUT"/*.json "$OUT/results.tsv"
# Real hosts keep runtime state under /run, a tmpfs; /tmp here is ext4, where each state file
# replaced by rename costs a journal flush. This tmpfs lives in our private mount namespace only.
mount -t tmpfs -o mode=755,size=64m bench-state "$T/state"
echo "note: every runtime's --root state directory is on a tmpfs (as /run is on real hosts), not on /tmp"

rt() { "$T/bin/$1" --root "$T/state/$1" "${@:2}"; }
# The rootless figure's user (lower case, as useradd wants), its uid and gid, and whether this run
# created it (then it removes it).
RL_USER=${CG,,} RL_UID= RL_GID= RL_MADE=
# as_user CMD...: CMD as the bench user, with a runtime dir of its own (on the state tmpfs).
as_user() { setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups --reset-env \
	env XDG_RUNTIME_DIR="$T/state/xdg" "$@"; }
rl() { as_user "$T/bin/$1" --root "$T/state/rl-$1" "${@:2}"; }

cleanup() {
	local r id
	for r in "${RUNTIMES[@]}"; do
		for id in $(rt "$r" list -q 2>/dev/null); do rt "$r" delete --force "$id" >/dev/null 2>&1 || true; done
		[[ -z $RL_UID ]] && continue
		for id in $(rl "$r" list -q 2>/dev/null); do rl "$r" delete --force "$id" >/dev/null 2>&1 || true; done
	done
	if [[ $RL_MADE ]]; then # nothing else runs as the user this run made: its processes are ours
		for id in $(ps -o pid= -u "$RL_UID" || true); do kill -KILL "$id" 2>/dev/null || true; done
		for _ in {1..50}; do ps -u "$RL_UID" >/dev/null || break; sleep 0.1; done
		userdel "$RL_USER" || echo "warning: could not remove user $RL_USER" >&2
	fi
	# The runtimes remove their leaf cgroups on delete (not after a failure) and never our parent.
	find /sys/fs/cgroup/*/"$CG" -depth -type d -exec rmdir {} + 2>/dev/null || true
	umount -l "$T/state" 2>/dev/null || true
	rm -rf "$T"
	local left # our tmpfs on .../unified goes away with this mount namespace
	left=$(find /sys/fs/cgroup -maxdepth 3 -name "*$CG*" -not -path "/sys/fs/cgroup/unified/*")
	[[ -z $left ]] || echo "warning: cgroups left behind: $left" >&2
}
trap cleanup EXIT
trap 'exit 130' INT # after the running command: the cleanup above then runs too
trap 'exit 143' TERM

# Snapshots, not links: a rebuild of build/pocket during the run made its exec fail (EACCES) now and then.
cp "$POCKET" "$T/bin/pocket"
cp "$FLOOR" "$T/bin/floor"
FLOOR=$T/bin/floor
for r in crun runc; do cp "$(command -v $r)" "$T/bin/$r"; done
cp -a "$BUNDLE/rootfs" "$T/rootfs"
# The same config for all: pocket's default spec running /bin/true. ociVersion is lowered because
# crun 1.8.1 rejects "1.2.0" ("unknown version specified"); nothing in the config needs 1.2.
mkbundle() { # mkbundle NAME [JQ_FILTER]: $T/NAME/config.json, in cgroup /$CG/NAME
	mkdir -p "$T/$1"
	jq --arg root "$T/rootfs" --arg cg "/$CG/$1" '.ociVersion = "1.0.2" | .root.path = $root
		| .process.args = ["/bin/true"] | .process.terminal = false | .linux.cgroupsPath = $cg' \
		"$BUNDLE/config.json" | jq "${2:-.}" >"$T/$1/config.json"
}
mkbundle run
mkbundle nonet '.linux.namespaces |= map(select(.type != "network"))'
# CAP_SYS_PTRACE in the bounding set: pocket then runs from a sealed copy of itself (CVE-2019-5736 class).
mkbundle ptrace '.process.capabilities.bounding += ["CAP_SYS_PTRACE"]'
for r in "${RUNTIMES[@]}"; do
	mkbundle "state-$r" # runtimes must not share a cgroup while their containers live side by side
	mkbundle "exec-$r" '.process.args = ["/bin/sleep", "3600"]'
done
for ((s = 1; s <= 4; s++)); do mkbundle "burst$s"; done
# Limits of every kind a runtime applies through cgroups (memory with swap, cpu, pids), far above
# what /bin/true needs: run_true_limits is run_true plus the cost of writing them.
mkbundle limits '.linux.resources += {memory: {limit: 268435456, swap: 268435456},
	cpu: {shares: 512, quota: 100000, period: 100000}, pids: {limit: 256}}'

# For the rootless figure: an unprivileged user, made for the bench if missing, who runs each runtime on
# the same rootfs with pocket's rootless config (user namespace mapping the user to 0, no cgroupsPath).
# All three runtimes can make a network namespace rootless, so it stays, as in run_true.
# Its errors are left in $T/err.
rootless_setup() {
	if ! id -u "$RL_USER" >/dev/null 2>&1; then
		useradd --system -M -d /nonexistent -s /usr/sbin/nologin "$RL_USER" 2>"$T/err" || return 1
		RL_MADE=1
	fi
	RL_UID=$(id -u "$RL_USER") RL_GID=$(id -g "$RL_USER")
	chmod 755 "$T" # the user reads the rootfs and the bundle, and runs the binaries' copies
	mkdir -m 700 "$T/state/xdg" "$T/rootless"
	for r in "${RUNTIMES[@]}"; do mkdir -m 700 "$T/state/rl-$r"; done
	chown "$RL_UID:$RL_GID" "$T/state/xdg" "$T/state/rl-"* "$T/rootless" "$T/json"
	as_user "$T/bin/pocket" spec --rootless --bundle "$T/rootless" 2>"$T/err" || return 1
	jq --arg root "$T/rootfs" '.ociVersion = "1.0.2" | .root.path = $root | .process.args = ["/bin/true"]
		| .process.terminal = false | del(.linux.cgroupsPath) | .linux.namespaces += [{type: "network"}]' \
		"$T/rootless/config.json" >"$T/rootless/c" && mv "$T/rootless/c" "$T/rootless/config.json"
}

# For hyperfine's --prepare: puts container bench-ph of runtime $1 where phase $2 starts from.
phase_prep() {
	local r=$1 phase=$2 id=bench-ph
	rt "$r" delete --force $id >/dev/null 2>&1 || true
	[[ $phase == create ]] && return 0
	rt "$r" create --bundle "$T/run" $id </dev/null >/dev/null || return 1
	[[ $phase == start ]] && return 0
	rt "$r" start $id || return 1
	# A plain delete needs a stopped container; /bin/true stops on its own, a moment after start.
	for _ in {1..500}; do
		[[ $(rt "$r" state $id | jq -r .status) == stopped ]] && return 0
		sleep 0.01
	done
	return 1
}
# Containers per second: $2 concurrent starters, each running $3 containers one after another.
burst() {
	local r=$1 k=$2 n=$3 s pids=()
	for ((s = 1; s <= k; s++)); do
		(
			for ((i = 0; i < n; i++)); do
				if [[ $r == floor ]]; then "$FLOOR" "$T/rootfs"
				else rt "$r" run --bundle "$T/burst$s" "b$$-$s-$i" </dev/null >/dev/null; fi 2>"$T/burst$s.err" ||
					{ echo "starter $s, container $i: $(cat "$T/burst$s.err")" >"$T/last-$r.err"; exit 1; }
			done
		) &
		pids+=($!)
	done
	for s in "${pids[@]}"; do wait "$s" || return 1; done
}
export -f rt phase_prep burst

RESULTS=$OUT/results.tsv # figure unit runtime median min max (n/a where not measured)
result() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"; }
na() { result "$1" "$2" "$3" n/a n/a n/a; NOTES+=("$1 $3: n/a, $4"); echo "  $3: n/a ($4)"; }
NOTES=()

AS=() # a command prefix for hyperfine and its trial runs: as_user for the rootless figure
# try CMDFN R: R's --prepare (if any) and command, once; their stderr is left in $T/err.
try() {
	{ [[ -z ${PREP:-} ]] || bash -c "$($PREP "$2")"; } 2>"$T/err" &&
		"${AS[@]}" bash -c "$($1 "$2")" </dev/null >/dev/null 2>>"$T/err"
}
err() { tr '\n' ' ' <"$T/err" | cut -c1-240; }

# figure NAME CMDFN RUNTIME...: one hyperfine run over every runtime (and floor) that passes one trial
# run. CMDFN R prints R's command; $PREP (a function printing R's --prepare) and $CLEAN are optional.
figure() {
	local fig=$1 cmdfn=$2 r args=() unit=ms hf=(--warmup 3 --runs "$RUNS") failed
	shift 2
	want "$fig" || return 0
	# A burst sample is already K*BURST containers: fewer samples keep the suite to minutes.
	[[ $fig == burst_* ]] && unit=cps hf=(--warmup 1 --runs 10)
	[[ -z ${CLEAN:-} ]] || hf+=(--cleanup "$CLEAN")
	echo "$fig: $*"
	for r in "$@"; do
		if ! try "$cmdfn" "$r"; then na "$fig" $unit "$r" "FAILED: $(err)"; continue; fi
		args+=(-n "$r" "$($cmdfn "$r")")
		[[ -z ${PREP:-} ]] || args+=(--prepare "$($PREP "$r")")
	done
	[[ -z ${CLEAN:-} ]] || bash -c "$CLEAN" >/dev/null 2>&1
	[[ ${#args[@]} -gt 0 ]] || return 0
	# -i: a runtime failing now and then must not take the other runtimes' figures down with it.
	# Exported to $T/json first: the bench user (rootless figure) may write there, not to $OUT.
	if ! "${AS[@]}" hyperfine -N -i --style none "${hf[@]}" --export-json "$T/json/$fig.json" "${args[@]}" \
		2>"$T/hf.err"; then
		cat "$T/hf.err" >&2
		for r in "$@"; do na "$fig" $unit "$r" "FAILED: hyperfine: $(tail -1 "$T/hf.err")"; done
		return 0
	fi
	cp "$T/json/$fig.json" "$OUT/$fig.json"
	mapfile -t failed < <(jq -r '.results[] | (.exit_codes | map(select(. != 0))) as $bad | select($bad != [])
		| "\(.command) \($bad | length) of \(.exit_codes | length) runs (exit \($bad | unique | join(",")))"' \
		"$OUT/$fig.json")
	for r in "${failed[@]}"; do # a few more tries, for the error message
		local got=
		for _ in 1 2 3 4 5; do try "$cmdfn" "${r%% *}" || { got=1; break; }; done
		# Not again: a burst leaves its last failure in $T/last-R.err
		[[ $got ]] || cat "$T/last-${r%% *}.err" >"$T/err" 2>/dev/null || echo "(did not fail again)" >"$T/err"
		[[ -z ${CLEAN:-} ]] || bash -c "$CLEAN" >/dev/null 2>&1
		na "$fig" $unit "${r%% *}" "FAILED in ${r#* }: $(err)"
	done
	# containers/s from the elapsed time of K*BURST containers: higher is better
	jq -r --arg f "$fig" --arg u $unit --argjson c $((${K:-0} * BURST)) '.results[]
		| select(all(.exit_codes[]; . == 0)) | [$f, $u, .command] + if $u == "cps"
		then [$c / .median, $c / .max, $c / .min] else [.median, .min, .max] | map(. * 1e3) end
		| @tsv' "$OUT/$fig.json" >>"$RESULTS"
}

want_any run_true run_true_nonet run_true_limits run_true_sealed_copy run_true_rootless &&
	echo "== 1. run /bin/true, sequential: as root; with limits; with a sealed copy; rootless"
c_run() { [[ $1 == floor ]] && echo "$FLOOR $T/rootfs" || echo "$T/bin/$1 --root $T/state/$1 run --bundle $T/run bench-run"; }
c_nonet() { [[ $1 == floor ]] && echo "$FLOOR -n $T/rootfs" || echo "$T/bin/$1 --root $T/state/$1 run --bundle $T/nonet bench-run"; }
figure run_true c_run floor "${RUNTIMES[@]}"
figure run_true_nonet c_nonet floor "${RUNTIMES[@]}"
# What applying cgroup limits costs (issue #4): run_true with memory, cpu and pids limits. The floor
# sets up no cgroup at all, so it is run_true's.
c_limits() { [[ $1 == floor ]] && echo "$FLOOR $T/rootfs" || echo "$T/bin/$1 --root $T/state/$1 run --bundle $T/limits bench-run"; }
figure run_true_limits c_limits floor "${RUNTIMES[@]}"
# What the CVE-2019-5736 protection costs where it applies: pocket re-executes from a sealed copy of itself
# only for containers that could hold CAP_SYS_PTRACE over the host. Both runs are pocket's, in one hyperfine run.
c_sealed() {
	case $1 in
	pocket) echo "$T/bin/pocket --root $T/state/pocket run --bundle $T/run bench-run" ;;
	pocket-sealed) echo "$T/bin/pocket --root $T/state/pocket run --bundle $T/ptrace bench-run" ;;
	esac
}
figure run_true_sealed_copy c_sealed pocket pocket-sealed
# Rootless: hyperfine itself runs as the bench user, so no setpriv is timed. The floor is floor -u.
c_rootless() { [[ $1 == floor ]] && echo "$FLOOR -u $T/rootfs" ||
	echo "$T/bin/$1 --root $T/state/rl-$1 run --bundle $T/rootless bench-rl"; }
if ! want run_true_rootless; then :
elif ! rootless_setup; then
	echo "run_true_rootless: floor ${RUNTIMES[*]}"
	for r in floor "${RUNTIMES[@]}"; do na run_true_rootless ms "$r" "FAILED to set up: $(err)"; done
else
	AS=(as_user)
	figure run_true_rootless c_rootless floor "${RUNTIMES[@]}"
	AS=()
	NOTES+=("run_true_rootless: run as user $RL_USER (uid $RL_UID, mapped to 0 in a user namespace), no cgroups")
fi

want_any create start delete && echo "== 2. the phases of a container's life, each timed alone (hyperfine --prepare sets up the phase)"
# The command of phase $PHASE for runtime $1, and the --prepare that brings container bench-ph to it.
c_phase() { echo "$T/bin/$1 --root $T/state/$1 $PHASE $([[ $PHASE == create ]] && echo "--bundle $T/run ")bench-ph"; }
p_phase() { echo "bash -c 'phase_prep $1 $PHASE'"; }
for PHASE in create start delete; do
	PREP=p_phase CLEAN="bash -c 'for r in ${RUNTIMES[*]}; do rt \$r delete --force bench-ph; done 2>/dev/null; true'" \
		figure "$PHASE" c_phase "${RUNTIMES[@]}"
done

want_any state version && echo "== 3. bare invocations: state of a created container, --version (floor: a static binary's --version)"
# Setup failures are not fatal here: the figure's trial run reports them.
want state && for r in "${RUNTIMES[@]}"; do
	rt "$r" create --bundle "$T/state-$r" bench-state </dev/null >/dev/null || true
done
c_state() { [[ $1 == floor ]] && echo "$FLOOR --version" || echo "$T/bin/$1 --root $T/state/$1 state bench-state"; }
c_version() { [[ $1 == floor ]] && echo "$FLOOR --version" || echo "$T/bin/$1 --version"; }
figure state c_state floor "${RUNTIMES[@]}"
figure version c_version floor "${RUNTIMES[@]}"
want state && for r in "${RUNTIMES[@]}"; do rt "$r" delete --force bench-state || true; done

# pocket is measured as soon as it has the feature (exec, cgroups), and reported n/a until then.
if want exec_true; then
	echo "== 4. exec /bin/true into a running container (floor: join its namespaces, fork, exec)"
	if rt pocket --help 2>&1 | grep -Eq '^ +exec +'; then EXECS=("${RUNTIMES[@]}"); else
		EXECS=(crun runc); na exec_true ms pocket "no exec yet"; fi
	for r in "${EXECS[@]}"; do
		rt "$r" create --bundle "$T/exec-$r" bench-exec </dev/null >/dev/null && rt "$r" start bench-exec || true
	done
	c_exec() { [[ $1 == floor ]] && echo "$FLOOR -e $(rt crun state bench-exec | jq .pid)" ||
		echo "$T/bin/$1 --root $T/state/$1 exec bench-exec /bin/true"; }
	figure exec_true c_exec floor "${EXECS[@]}"
	for r in "${EXECS[@]}"; do rt "$r" delete --force bench-exec || true; done
fi

want_any peak_rss min_mem_limit &&
	echo "== 5. memory: peak RSS during run (GNU time %M), smallest memory.limit that runs 3 times in a row"
want peak_rss && for r in floor "${RUNTIMES[@]}"; do
	rss=()
	for i in 1 2 3 4 5 6 7; do
		/usr/bin/time -f %M -o "$T/rss" $(c_run "$r") </dev/null >/dev/null 2>"$T/err" || break
		rss+=("$(cat "$T/rss")")
	done
	if [[ ${#rss[@]} != 7 ]]; then na peak_rss mib "$r" "FAILED: $(err)"; continue; fi
	printf '%s\n' "${rss[@]}" | sort -n | awk -v r="$r" 'BEGIN { OFS = "\t" } { v[NR] = $1 / 1024 }
		END { print "peak_rss", "mib", r, v[4], v[1], v[7] }' >>"$RESULTS"
	echo "  $r: $(printf '%s\n' "${rss[@]}" | sort -n | sed -n 4p) KiB"
done
runs3() { # runs3 RUNTIME BYTES: does run succeed three times in a row under that memory limit?
	local i id
	for i in 1 2 3; do
		id=mem-$1-$2-$i # a fresh cgroup each time: charges left in a reused one would skew the next try
		mkbundle "$id" ".linux.resources.memory = {limit: $2, swap: $2}"
		timeout 20 "$T/bin/$1" --root "$T/state/$1" run --bundle "$T/$id" "$id" </dev/null >/dev/null 2>&1 ||
			{ rt "$1" delete --force "$id" >/dev/null 2>&1; return 1; }
	done
}
LIMITS=()
if ! want min_mem_limit; then :
elif rt pocket features | jq -e .linux.cgroup.v1 >/dev/null 2>&1; then LIMITS=("${RUNTIMES[@]}"); else
	LIMITS=(crun runc); na min_mem_limit mib pocket "no cgroup support yet"; fi
for r in "${LIMITS[@]}"; do
	lo=0 hi=$((256 << 20)) # bisect to one page: fails at lo, succeeds at hi
	if ! runs3 "$r" $hi; then na min_mem_limit mib "$r" "FAILED even at 256 MiB"; continue; fi
	while ((hi - lo > 4096)); do
		mid=$(((lo + hi) / 2 / 4096 * 4096))
		if runs3 "$r" $mid; then hi=$mid; else lo=$mid; fi
	done
	mib=$(awk -v b=$hi 'BEGIN { print b / 1048576 }')
	result min_mem_limit mib "$r" "$mib" "$mib" "$mib"
	echo "  $r: $hi bytes"
done

want_any burst_1 burst_2 burst_4 && echo "== 6. containers per second, 1, 2 and 4 concurrent starters x $BURST containers each ($(nproc) CPUs)"
c_burst() { echo "bash -c 'burst $1 $K $BURST'"; }
for K in 1 2 4; do figure "burst_$K" c_burst floor "${RUNTIMES[@]}"; done

# The table: ratios are cost ratios everywhere (time, memory, or seconds per container for the
# containers/s figures): 2.00 means twice crun's (or the floor's) cost; lower is better.
report() {
	awk -F'\t' -v want="$1" '
	{ if (!(($1, $3) in row)) { if (!($1 in seen)) { seen[$1] = 1; figs[++nf] = $1 }; row[$1, $3] = NR }
	  fig[NR] = $1; unit[NR] = $2; r[NR] = $3; med[NR] = $4; lo[NR] = $5; hi[NR] = $6
	  if ($4 != "n/a") ref[$1, $3] = $4 }
	function ratio(v, base, u) {
		if (v == "n/a" || base == "") return "n/a"
		return sprintf("%.2f", u == "cps" ? base / v : v / base) }
	function num(v) { return v == "n/a" ? v : sprintf("%.2f", v) }
	END {
		if (want == "table") printf "%-20s %-13s %5s %9s %9s %9s %7s %8s\n",
			"figure", "runtime", "unit", "median", "min", "max", "x crun", "x floor"
		nr = split("floor pocket pocket-sealed crun runc", rts, " ")
		for (x = 1; x <= nf; x++) for (y = 1; y <= nr; y++) {
			if (!((figs[x], rts[y]) in row)) continue
			i = row[figs[x], rts[y]]; f = fig[i]; u = unit[i]
			# The phases have no floor of their own: their floor is a whole container life.
			fl = ((f, "floor") in ref) ? ref[f, "floor"] : (f ~ /^(create|start|delete)$/ ? ref["run_true", "floor"] : "")
			# The sealed copy is measured against pocket without it (the figure has no crun).
			base = (f, "crun") in ref ? ref[f, "crun"] : ref[f, "pocket"]
			rc = ratio(med[i], base, u); rf = ratio(med[i], fl, u)
			if (want == "table") printf "%-20s %-13s %5s %9s %9s %9s %7s %8s\n",
				f, r[i], u, num(med[i]), num(lo[i]), num(hi[i]), rc, rf
			else printf "BENCH figure=%s runtime=%s median_%s=%s min_%s=%s max_%s=%s ratio_crun=%s ratio_floor=%s\n",
				f, r[i], u, num(med[i]), u, num(lo[i]), u, num(hi[i]), rc, rf
		}
	}' "$RESULTS"
}

# The chart: one panel per unit, runtimes side by side per figure; -1 (below the axis) is "not measured".
# run_true_sealed_copy is pocket against itself, no runtime of the chart: the table has it.
for u in ms cps mib; do
	awk -F'\t' -v u="$u" '$2 == u && $1 != "run_true_sealed_copy" { if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
		v[$1, $3] = $4 == "n/a" ? -1 : $4 }
		END { print "figure floor pocket crun runc"
		      for (i = 1; i <= n; i++) { f = order[i]; printf "%s", f
		        split("floor pocket crun runc", rs, " ")
		        for (j = 1; j <= 4; j++) printf " %s", ((f, rs[j]) in v) ? v[f, rs[j]] : -1; print "" } }' \
		"$RESULTS" >"$OUT/medians-$u.dat"
done
# panel UNIT TITLE: gnuplot commands for one panel, or an empty one saying so when none of its figures
# has a value (BENCH_ONLY, or every runtime n/a): gnuplot would only print errors for it.
panel() {
	echo "set title \"$2\""
	if awk 'NR > 1 { for (i = 2; i <= NF; i++) if ($i >= 0) found = 1 } END { exit !found }' "$OUT/medians-$1.dat"; then
		echo "eval \"plot \".bars(\"$OUT/medians-$1.dat\")"
	else
		echo 'set label 1 "not measured in this run" at graph 0.5, 0.5 center'
		echo 'unset xtics; unset ytics; plot [0:1] [0:1] NaN notitle'
		echo 'unset label 1; set xtics; set ytics; set yrange [0:*]'
	fi
}
# Bars of a cluster sit 0.2 apart (4 runtimes + a gap of 1); labels carry the values and the n/a's
# (none for a missing floor: most figures without a floor have none by nature).
gnuplot <<EOF
set terminal pngcairo size 1400,1000 font "sans,11"
set output "$OUT/medians.png"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set key top left autotitle columnheader
set grid ytics
set xtics noenhanced font ",9"
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set linetype 1 lc rgb "#999999"
set linetype 2 lc rgb "#1b9e77"
set linetype 3 lc rgb "#7570b3"
set linetype 4 lc rgb "#d95f02"
ok(c) = column(c) >= 0
# A label is never left undefined (1/0): gnuplot 5.4.4 crashes on a one-figure panel with one.
bars(f) = sprintf("for [c=2:5] '%s' using c:xtic(1), for [c=2:5] '' using (\$0+(c-3.5)*0.2):(ok(c) ? column(c) : 0):(ok(c) ? sprintf('%%.3g', column(c)) : c > 2 ? 'n/a' : '') with labels offset 0,0.6 font ',8' notitle", f)
set multiplot title "pocket bench: medians ($(uname -r), $(nproc) CPUs; kernel floor in grey)" font ",13"
set size 1,0.47; set origin 0,0.48
$(panel ms "time per operation (ms, lower is better)")
set size 0.5,0.47; set origin 0,0
$(panel cps "containers per second, 1, 2, 4 concurrent starters (higher is better)")
set origin 0.5,0
$(panel mib "peak RSS during run; smallest memory limit for run (MiB, lower is better)")
unset multiplot
EOF

echo
report table
echo
for n in "${NOTES[@]}"; do echo "note: $n"; done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "raw results: $OUT/*.json (hyperfine --export-json), $RESULTS; chart: $OUT/medians.png"
report bench
