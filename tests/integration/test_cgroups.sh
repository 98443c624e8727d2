# Resource control: the container's cgroup on this host's kind of hierarchy (v1, hybrid, or pure v2 in the
# qemu guest), its limits seen by what the container can and cannot do, pause/resume, update, ps, delete.

cg_v2() { [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; }

# The default cgroup of container ID under a state root other than /run/pocket: /pocket/ID-<root's inode>.
cg_leaf() { echo "$1-$(stat -c %i "$ROOT")"; }

# cg_file ID V1_CONTROLLER V1_FILE V2_FILE: the host-side file of a container in the default place.
cg_file() {
	if cg_v2; then echo "/sys/fs/cgroup/pocket/$(cg_leaf "$1")/$4"; else echo "/sys/fs/cgroup/$2/pocket/$(cg_leaf "$1")/$3"; fi
}

no_cgroup_left() {
	local left name=$1
	[ -d "$ROOT" ] && [ "${2:-}" != exact ] && name=$(cg_leaf "$1")
	left=$(find /sys/fs/cgroup -maxdepth 4 -path "*pocket/$name" 2>/dev/null)
	[ -z "$left" ] || fail "cgroup left behind: $left"
}

test_memory_limit_oom_kills_the_allocation() {
	local b out
	b=$(bundle b '.linux.resources = {"memory": {"limit": 33554432, "swap": 33554432}} |
		.process.args = ["sh", "-c", "dd if=/dev/zero of=/dev/shm/fill bs=1M count=128 2>/dev/null; echo dd=$?"]')
	out=$(pk run --bundle "$b" c1)
	# tmpfs pages are charged to the cgroup: past 32 MiB the OOM killer ends dd (SIGKILL: 137).
	assert_eq "dd=137" "$out" "dd past memory.limit"
	no_cgroup_left c1
}

test_pids_limit_stops_a_fork_bomb() {
	local b out started
	# The bomb runs in an inner shell, which dies when fork fails; the outer one counts what got through.
	local bomb='sh -c "i=0; while [ \$i -lt 30 ]; do sleep 5 & i=\$((i+1)); done" 2>/dev/null; set -- /proc/[0-9]*; echo started=$#'
	b=$(bundle b '.linux.resources = {"pids": {"limit": 10}}')
	jq --arg s "$bomb" '.process.args = ["sh", "-c", $s]' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	out=$(pk run --bundle "$b" c1)
	started=${out##*started=}
	[ "$started" -le 10 ] || fail "processes in the container: $started, limit 10"
	[ "$started" -ge 5 ] || fail "processes in the container: $started (the bomb did not start at all)"
}

test_limits_written_and_updated() {
	local b
	b=$(bundle b '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 40}, "cpu": {"shares": 512, "quota": 20000, "period": 100000}} |
		.process.args = ["sleep", "100"]')
	pk run --detach --bundle "$b" c1 || fail "run"
	assert_eq 67108864 "$(cat "$(cg_file c1 memory memory.limit_in_bytes memory.max)")" "memory limit"
	assert_eq 40 "$(cat "$(cg_file c1 pids pids.max pids.max)")" "pids limit"
	if cg_v2; then
		assert_eq "20000 100000" "$(cat "$(cg_file c1 cpu x cpu.max)")" "cpu.max"
		assert_eq 20 "$(cat "$(cg_file c1 cpu x cpu.weight)")" "cpu.weight from shares 512"
	else
		assert_eq 20000 "$(cat "$(cg_file c1 cpu cpu.cfs_quota_us x)")" "cfs quota"
		assert_eq 512 "$(cat "$(cg_file c1 cpu cpu.shares x)")" "cpu.shares"
	fi
	pk update --memory 100m --pids-limit 25 c1 || fail "update"
	assert_eq 104857600 "$(cat "$(cg_file c1 memory memory.limit_in_bytes memory.max)")" "memory limit after update"
	assert_eq 25 "$(cat "$(cg_file c1 pids pids.max pids.max)")" "pids limit after update"
	echo '{"pids": {"limit": 33}}' | pk update --resources - c1 || fail "update --resources -"
	assert_eq 33 "$(cat "$(cg_file c1 pids pids.max pids.max)")" "pids limit from --resources"
	pk delete --force c1 || fail "delete"
	no_cgroup_left c1
}

test_cpu_quota_throttles() {
	local b stat
	b=$(bundle b '.linux.resources = {"cpu": {"quota": 10000, "period": 100000}} |
		.process.args = ["sh", "-c", "end=$(($(date +%s) + 1)); while [ $(date +%s) -le $end ]; do :; done"]')
	pk run --detach --bundle "$b" c1 || fail "run"
	sleep 1
	stat=$(cat "$(cg_file c1 cpu cpu.stat cpu.stat)")
	local throttled
	throttled=$(echo "$stat" | awk '$1 == "nr_throttled" {print $2}')
	[ "${throttled:-0}" -gt 0 ] || fail "a busy loop under a 10% quota was never throttled: $stat"
}

test_pause_stops_a_busy_loop_and_resume_continues_it() {
	local b a1 a2 a3
	mkdir -p "$T/out"
	b=$(bundle b '.mounts += [{"destination": "/tmp", "type": "bind", "source": "'"$T"'/out", "options": ["rbind"]}] |
		.process.args = ["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /tmp/n.new; mv /tmp/n.new /tmp/n; done"]')
	pk run --detach --bundle "$b" c1 || fail "run"
	sleep 0.3
	pk pause c1 || fail "pause"
	assert_eq paused "$(pk state c1 | jq -r .status)" "status"
	a1=$(cat "$T/out/n"); sleep 0.3; a2=$(cat "$T/out/n")
	assert_eq "$a1" "$a2" "counter while paused"
	pk resume c1 || fail "resume"
	assert_eq running "$(pk state c1 | jq -r .status)" "status after resume"
	sleep 0.3; a3=$(cat "$T/out/n")
	[ "$a3" -gt "$a2" ] || fail "counter did not advance after resume ($a2 -> $a3)"
	pk pause c1 || fail "pause again"
	pk kill c1 KILL || fail "kill a paused container"
	for _ in $(seq 50); do [ "$(pk state c1 | jq -r .status)" = stopped ] && break; sleep 0.1; done
	assert_eq stopped "$(pk state c1 | jq -r .status)" "a killed paused container"
	pk delete c1 || fail "delete"
	no_cgroup_left c1
}

test_ps_and_kill_all_use_the_cgroup() {
	local b pids
	# No pid namespace: only the cgroup knows which host processes are the container's.
	b=$(bundle b 'del(.linux.namespaces[] | select(.type == "pid")) | .process.args = ["sh", "-c", "sleep 100 & sleep 100 & sleep 100"]')
	pk run --detach --bundle "$b" c1 || fail "run"
	sleep 0.3
	pids=$(pk ps --format json c1)
	assert_eq 3 "$(echo "$pids" | jq length)" "processes listed by ps --format json"
	assert_match 'sleep 100' "$(pk ps c1)" "ps table"
	pk kill --all c1 KILL || fail "kill --all"
	sleep 0.3
	for p in $(echo "$pids" | jq '.[]'); do
		[ -d /proc/$p ] && [ "$(awk '{print $3}' /proc/$p/stat)" != Z ] && fail "process $p survived kill --all"
	done
	pk delete --force c1
	no_cgroup_left c1
}

test_cgroups_path_relative_and_absolute() {
	local b
	b=$(bundle b '.linux.cgroupsPath = "team/c1" | .process.args = ["sleep", "100"]')
	pk run --detach --bundle "$b" c1 || fail "run"
	if cg_v2; then [ -d /sys/fs/cgroup/pocket/team/c1 ] || fail "relative cgroupsPath not under /pocket"
	else [ -d /sys/fs/cgroup/pids/pocket/team/c1 ] || fail "relative cgroupsPath not under /pocket"; fi
	pk delete --force c1
	no_cgroup_left team exact
	b=$(bundle b2 '.linux.cgroupsPath = "/pocket/abs-c2" | .process.args = ["sleep", "100"]')
	pk run --detach --bundle "$b" c2 || fail "run with an absolute cgroupsPath"
	assert_match '/pocket/abs-c2' "$(grep -E '^(0::|[0-9]+:pids:)' /proc/$(pk state c2 | jq -r .pid)/cgroup)" "the init's cgroup"
	pk delete --force c2
	no_cgroup_left abs-c2 exact
}

# Every hierarchy, v1 and v2 alike: the init (which moves itself into the v1 ones, cgroup/entry.h) and an
# exec'd process are in the container's cgroup, seen from the host; inside a cgroup namespace every line is /.
test_init_and_exec_are_in_every_hierarchy() {
	local b leaf pid line out
	b=$(bundle b '.process.args = ["sleep", "100"]')
	pk run --detach --bundle "$b" c1 || fail "run"
	leaf=$(cg_leaf c1)
	pid=$(pk state c1 | jq -r .pid)
	pk exec --detach --pid-file "$T/exec.pid" c1 sleep 100 || fail "exec"
	for p in "$pid" "$(cat "$T/exec.pid")"; do
		[ -n "$(cat /proc/"$p"/cgroup)" ] || fail "no /proc/$p/cgroup"
		while IFS= read -r line; do
			case "$line" in *":/pocket/$leaf") ;; *) fail "process $p is outside the container's cgroup: $line" ;; esac
		done </proc/"$p"/cgroup
	done
	out=$(pk exec c1 cat /proc/self/cgroup) || fail "exec cat"
	[ -n "$out" ] || fail "no cgroup lines inside"
	while IFS= read -r line; do
		case "$line" in *":/") ;; *) fail "inside the cgroup namespace, a hierarchy is not /: $line" ;; esac
	done <<<"$out"
	pk delete --force c1
	no_cgroup_left c1
}

# A container may make cgroups below its own (a systemd inside does): delete removes them all, deepest first,
# with the processes in them.
test_delete_removes_the_containers_own_sub_cgroups() {
	local b leaf d
	b=$(bundle b '(.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) |= map(if . == "ro" then "rw" else . end)
		| .process.args = ["sh", "-c", "for d in /sys/fs/cgroup/pids /sys/fs/cgroup; do [ -w $d/cgroup.procs ] && break; done; mkdir -p $d/sub/deeper; sleep 100 & echo $! > $d/sub/deeper/cgroup.procs; echo made; wait"]')
	pk run --detach --bundle "$b" c1 || fail "run"
	leaf=$(cg_leaf c1)
	d=$(cg_v2 && echo /sys/fs/cgroup/pocket/$leaf || echo /sys/fs/cgroup/pids/pocket/$leaf)
	on_exit "pk delete --force c1 2>/dev/null; find '$d' -depth -type d -exec rmdir {} + 2>/dev/null"
	for _ in $(seq 50); do [ -d "$d/sub/deeper" ] && [ -n "$(cat "$d/sub/deeper/cgroup.procs" 2>/dev/null)" ] && break; sleep 0.1; done
	[ -n "$(cat "$d/sub/deeper/cgroup.procs" 2>/dev/null)" ] || fail "the container made no populated sub-cgroup in $d"
	pk delete --force c1 || fail "delete --force"
	[ -d "$d" ] && fail "the container's cgroup (with its sub-cgroups) is still there: $(find "$d")"
	no_cgroup_left c1
}

# exec --cgroup [CONTROLLER:]SUB (runc's): the process goes into an existing sub-cgroup of the container's.
test_exec_cgroup_puts_the_process_in_a_sub_cgroup() {
	local b leaf d p line
	b=$(bundle b '.process.args = ["sleep", "100"]')
	pk run --detach --bundle "$b" c1 || fail "run"
	on_exit "pk delete --force c1 2>/dev/null; find /sys/fs/cgroup -path '*/pocket/$(cg_leaf c1)/*' -depth -type d -exec rmdir {} + 2>/dev/null"
	leaf=$(cg_leaf c1)
	for d in /sys/fs/cgroup/pocket/"$leaf" /sys/fs/cgroup/*/pocket/"$leaf"; do
		[ -d "$d" ] || continue
		mkdir "$d/sub" || fail "mkdir $d/sub"
		# a v1 cpuset takes no task before it has cpus and mems
		[ -f "$d/sub/cpuset.cpus" ] && cat "$d/cpuset.cpus" >"$d/sub/cpuset.cpus" && cat "$d/cpuset.mems" >"$d/sub/cpuset.mems"
	done
	pk exec --detach --pid-file "$T/p1" --cgroup sub c1 sleep 100 || fail "exec --cgroup sub"
	p=$(cat "$T/p1")
	while IFS= read -r line; do
		case "$line" in *":/pocket/$leaf/sub") ;; *) fail "exec --cgroup sub: outside the sub-cgroup: $line" ;; esac
	done </proc/"$p"/cgroup
	if ! cg_v2; then
		pk exec --detach --pid-file "$T/p2" --cgroup pids:sub c1 sleep 100 || fail "exec --cgroup pids:sub"
		p=$(cat "$T/p2")
		assert_match ":pids:/pocket/$leaf/sub\$" "$(grep ':pids:' /proc/"$p"/cgroup)" "pids hierarchy"
		assert_match ":memory:/pocket/$leaf\$" "$(grep ':memory:' /proc/"$p"/cgroup)" "memory hierarchy (not named)"
		pk exec --cgroup nosuch:sub c1 true 2>"$T/err" && fail "an unknown controller was accepted"
		assert_match 'nosuch' "$(cat "$T/err")" "error names the controller"
	else
		pk exec --cgroup memory:sub c1 true 2>"$T/err" && fail "cgroup v2 took a controller"
		assert_match 'cgroup v2' "$(cat "$T/err")" "error on v2"
	fi
	pk exec --cgroup missing c1 true 2>"$T/err" && fail "a missing sub-cgroup was accepted"
	assert_match -- '--cgroup missing: no sub-cgroup' "$(cat "$T/err")" "error for a missing sub-cgroup"
	pk exec --cgroup ../../escape c1 true 2>"$T/err" && fail "a .. path was accepted"
	assert_match -- '--cgroup' "$(cat "$T/err")" "error for .."
	assert_eq "$(cg_v2 && echo 2 || echo 3)" "$(pk ps --format json c1 | jq length)" \
		"processes: the init and the exec'd ones only (no stray from a refused exec)"
}

test_cgroup_namespace_shows_its_own_root() {
	local b out
	b=$(bundle b '.process.args = ["sh", "-c", "cat /proc/self/cgroup; ls /sys/fs/cgroup"]')
	out=$(pk run --bundle "$b" c1)
	assert_match '^0::/$' "$(echo "$out" | grep '^0::')" "own cgroup seen as /"
	b=$(bundle b2 'del(.linux.namespaces[] | select(.type == "cgroup")) | .process.args = ["cat", "/proc/self/cgroup"]')
	out=$(pk run --bundle "$b" c2)
	assert_match "/pocket/$(cg_leaf c2)" "$out" "without a cgroup namespace the real path shows"
}

test_bad_limits_are_refused_and_leave_nothing() {
	local b bad
	for bad in '{"memory": {"limit": -5}}' '{"cpu": {"cpus": "abc"}}' '{"cpu": {"cpus": "999"}}' \
		'{"devices": [{"allow": false, "type": "x", "access": "rwm"}]}' '{"pids": {"limit": "ten"}}' \
		'{"blockIO": {"weight": 5}}'; do
		b=$(bundle b ".linux.resources = $bad")
		pk create --bundle "$b" c1 2>"$T/err" && fail "create accepted $bad"
		assert_match 'linux\.resources' "$(cat "$T/err")" "error for $bad"
		assert_eq 1 "$(wc -l <"$T/err")" "one line for $bad"
		[ ! -e "$ROOT/c1" ] || fail "state directory left behind for $bad"
		no_cgroup_left c1
	done
	# Once for all: a scan of every process costs half a minute in the qemu guest.
	assert_no_procs
	if ! cg_v2; then
		b=$(bundle b '.linux.resources = {"unified": {"memory.high": "100000"}}')
		pk create --bundle "$b" c1 2>"$T/err" && fail "unified accepted on a v1 host"
		assert_match 'unified' "$(cat "$T/err")" "unified on v1"
		no_cgroup_left c1
	fi
}

# A block device the rules can name: loop0 (the host has loop0-7; the qemu guest loads the module).
loop0() {
	[ -e /sys/block/loop0 ] || { [ "${POCKET_VM:-}" = 1 ] && modprobe loop; }
	[ -e /sys/block/loop0 ] || { echo "no /sys/block/loop0 here"; exit 77; }
}

# try_open PATH MODE: in the container, "open" or the shell's error (busybox: "...: Operation not permitted").
try_open='t() { if [ "$2" = r ]; then (exec 3<"$1"); else (exec 3<>"$1"); fi 2>&1 && echo "$1 $2 open"; }'

mknod_bundle() {
	bundle "$1" '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] |
		.process.capabilities.permitted += ["CAP_MKNOD"] | '"$2"
}

# On v1 the devices controller, on v2 the eBPF device program: the container may mknod (rule "b *:* m")
# but not open what the rules deny; the default devices stay usable after a deny-all rule, as with runc.
test_device_rules_deny_what_they_deny() {
	local b out
	loop0
	local script="$try_open; mknod /dev/myloop b 7 0; t /dev/myloop r; t /dev/myloop rw; echo x > /dev/null && echo null-ok"
	b=$(mknod_bundle b '.linux.resources = {"devices": [{"allow": false, "access": "rwm"}]}')
	jq --arg s "$script" '.process.args = ["sh", "-c", $s]' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	out=$(pk run --bundle "$b" c1)
	assert_match 'myloop.*Operation not permitted' "$out" "a device the rules deny"
	assert_match 'null-ok' "$out" "a default device after deny-all"
	[[ $out != *"myloop r open"* ]] || fail "a denied device opened: $out"
	# Access bits: read allowed, write not.
	jq '.linux.resources.devices += [{"allow": true, "type": "b", "major": 7, "minor": 0, "access": "r"}]' \
		"$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	out=$(pk run --bundle "$b" c2)
	assert_match 'myloop r open' "$out" "read, which a rule allows"
	assert_match 'myloop.*Operation not permitted' "$out" "read-write, which no rule allows"
	[[ $out != *"myloop rw open"* ]] || fail "opened for writing with only r allowed: $out"
	# The last matching rule decides (an exact one: v1 lets a wildcard deny leave a narrower allow standing).
	jq '.linux.resources.devices += [{"allow": false, "type": "b", "major": 7, "minor": 0, "access": "r"}]' \
		"$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	out=$(pk run --bundle "$b" c3)
	[[ $out != *"myloop r open"* ]] || fail "a later deny did not win: $out"
	jq '.linux.resources.devices = [{"allow": true, "access": "rwm"}]' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	out=$(pk run --bundle "$b" c4)
	assert_match 'myloop rw open' "$out" "the same device when the rules allow it (the control)"
}

# wait_file FILE REGEX WHAT: poll FILE (rewritten by the container) until it matches REGEX (20 s: the guest is slow).
wait_file() {
	for _ in $(seq 200); do grep -Eq -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	fail "$3: [$(cat "$1" 2>/dev/null)] does not match /$2/"
}

test_device_rules_replaced_by_update() {
	local b
	loop0
	mkdir -p "$T/out"
	# The container itself keeps trying the device and writes what it saw (no exec: the probe is its own).
	local script="$try_open; mknod /dev/myloop b 7 0; while :; do { t /dev/myloop rw; echo x > /dev/null && echo null-ok; } >/out/r.new 2>&1; mv /out/r.new /out/r; sleep 0.1; done"
	b=$(mknod_bundle b '.linux.resources = {"devices": [{"allow": true, "access": "rwm"}]} |
		.mounts += [{"destination": "/out", "type": "bind", "source": "'"$T"'/out", "options": ["rbind"]}]')
	jq --arg s "$script" '.process.args = ["sh", "-c", $s]' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	pk run --detach --bundle "$b" c1 || fail "run"
	wait_file "$T/out/r" 'myloop rw open' "allowed before the update"
	echo '{"devices": [{"allow": false, "access": "rwm"}]}' | pk update --resources - c1 || fail "update"
	wait_file "$T/out/r" 'myloop.*Operation not permitted' "denied after the update"
	assert_match 'null-ok' "$(cat "$T/out/r")" "the default devices after the update"
	# On v2 this also shows the first update's program is gone: every attached program must allow.
	echo '{"devices": [{"allow": true, "type": "b", "major": 7, "minor": 0, "access": "rw"}]}' |
		pk update --resources - c1 || fail "update back"
	wait_file "$T/out/r" 'myloop rw open' "allowed again by a second update"
	pk delete --force c1
	no_cgroup_left c1
}

# cg_ctl_file ID V1_CONTROLLER FILE: FILE of a container's cgroup for a controller that may live on a v1 hierarchy
# or, on a hybrid host, on the unified mount (hugetlb here); the file's name is the caller's.
cg_ctl_file() {
	if cg_v2; then echo "/sys/fs/cgroup/pocket/$(cg_leaf "$1")/$3"
	elif [ -d "/sys/fs/cgroup/$2" ]; then echo "/sys/fs/cgroup/$2/pocket/$(cg_leaf "$1")/$3"
	else echo "/sys/fs/cgroup/unified/pocket/$(cg_leaf "$1")/$3"; fi
}

# refused ID RESOURCES REGEX WHAT: create fails with one line matching REGEX, and leaves no state or cgroup
# behind (the caller checks for processes once: assert_no_procs is slow in the qemu guest).
refused() {
	local b
	b=$(bundle "b-$1" ".linux.resources = $2")
	pk create --bundle "$b" "$1" 2>"$T/err" && fail "$4: create accepted $2"
	assert_match "$3" "$(cat "$T/err")" "$4"
	assert_eq 1 "$(wc -l <"$T/err")" "$4: one line"
	[ ! -e "$ROOT/$1" ] || fail "$4: state directory $ROOT/$1 left behind"
	no_cgroup_left "$1"
}

test_block_io_throttle_written_and_updated() {
	local b dev f
	loop0
	dev=$(cat /sys/block/loop0/dev)
	b=$(bundle b '.linux.resources = {"blockIO": {"throttleReadBpsDevice": [{"major": 7, "minor": 0, "rate": 1048576}],
		"throttleWriteIOPSDevice": [{"major": 7, "minor": 0, "rate": 100}]}} | .process.args = ["sleep", "100"]')
	pk run --detach --bundle "$b" c1 || fail "run"
	if cg_v2; then
		f=$(cg_file c1 x x io.max)
		assert_eq "$dev rbps=1048576 wbps=max riops=max wiops=100" "$(grep "^$dev " "$f")" "io.max"
	else
		assert_eq "$dev 1048576" "$(cat "$(cg_file c1 blkio blkio.throttle.read_bps_device x)")" "read_bps_device"
		assert_eq "$dev 100" "$(cat "$(cg_file c1 blkio blkio.throttle.write_iops_device x)")" "write_iops_device"
	fi
	echo '{"blockIO": {"throttleReadBpsDevice": [{"major": 7, "minor": 0, "rate": 2097152}], "throttleWriteIOPSDevice": [{"major": 7, "minor": 0, "rate": 0}]}}' |
		pk update --resources - c1 || fail "update --resources"
	if cg_v2; then
		assert_eq "$dev rbps=2097152 wbps=max riops=max wiops=max" "$(grep "^$dev " "$f")" "io.max after update (rate 0: no limit)"
	else
		assert_eq "$dev 2097152" "$(cat "$(cg_file c1 blkio blkio.throttle.read_bps_device x)")" "read_bps_device after update"
		assert_eq "" "$(cat "$(cg_file c1 blkio blkio.throttle.write_iops_device x)")" "write_iops_device after update (rate 0: no limit)"
	fi
	# A device the kernel does not have: the error names the entry.
	echo '{"blockIO": {"throttleReadBpsDevice": [{"major": 7, "minor": 1000000, "rate": 1}]}}' |
		pk update --resources - c1 2>"$T/err" && fail "a throttle for a device that does not exist was accepted"
	assert_match 'blockIO\.throttleReadBpsDevice\[0\]' "$(cat "$T/err")" "error names the entry"
	pk delete --force c1
	no_cgroup_left c1
}

# What a user sees of a read throttle: direct reads of a loop device of ours, at 1 MiB/s, take seconds.
test_block_io_throttle_slows_direct_reads() {
	local b dev maj min out
	loop0
	truncate -s 4M "$T/disk"
	dev=$(losetup -f --show "$T/disk") || fail "losetup"
	on_exit "losetup -d $dev"
	maj=$((16#$(stat -c %t "$dev"))) min=$((16#$(stat -c %T "$dev")))
	b=$(bundle_sh b 'start=$(date +%s); dd if=/dev/disk0 of=/dev/null bs=64k count=48 iflag=direct 2>/dev/null && echo read-ok; echo elapsed=$(($(date +%s) - start))' \
		'.linux.devices += [{"path": "/dev/disk0", "type": "b", "major": '"$maj"', "minor": '"$min"'}] |
		.linux.resources.blockIO = {"throttleReadBpsDevice": [{"major": '"$maj"', "minor": '"$min"', "rate": 1048576}]}')
	out=$(pk run --bundle "$b" c1)
	assert_match 'read-ok' "$out" "the read"
	[ "${out##*elapsed=}" -ge 2 ] || fail "3 MiB read at 1 MiB/s in ${out##*elapsed=} s: $out"
	no_cgroup_left c1
}

# The weight goes to the file the host's I/O scheduler offers (v1: blkio.weight or blkio.bfq.weight; v2:
# io.bfq.weight, or io.weight converted to 1-10000); without one, it is an error naming the field.
test_block_io_weight_written_and_updated() {
	local b d n f= want300=300 want500=500
	b=$(bundle b '.process.args = ["sleep", "100"]')
	pk run --detach --bundle "$b" c1 || fail "run"
	d=$(cg_file c1 blkio . .)
	for n in blkio.weight blkio.bfq.weight io.bfq.weight io.weight; do [ -e "$d/$n" ] && { f=$n; break; }; done
	pk delete --force c1
	b=$(bundle b2 '.linux.resources = {"blockIO": {"weight": 500}} | .process.args = ["sleep", "100"]')
	if [ -z "$f" ]; then
		pk run --detach --bundle "$b" c2 2>"$T/err" && fail "a weight was accepted without a weight file"
		assert_match 'linux\.resources\.blockIO\.weight: .*no weight file' "$(cat "$T/err")" "error without a weight file"
		no_cgroup_left c2
		return 0
	fi
	[ "$f" = io.weight ] && want500=4950 want300=2930
	pk run --detach --bundle "$b" c2 || fail "run with blockIO.weight"
	f=$(cg_file c2 blkio "$f" "$f")
	assert_match "^(default )?$want500\$" "$(head -1 "$f")" "$(basename "$f") for weight 500"
	pk update --blkio-weight 300 c2 || fail "update --blkio-weight"
	assert_match "^(default )?$want300\$" "$(head -1 "$f")" "$(basename "$f") after update --blkio-weight 300"
	pk delete --force c2
	no_cgroup_left c2
}

# hugetlb: on a hybrid host it may be on the unified mount (here it is), which pocket uses as it would a v1 one.
test_hugepage_limits_written() {
	local b size kb f
	kb=$(ls /sys/kernel/mm/hugepages 2>/dev/null | sed -n 's/^hugepages-\([0-9]*\)kB$/\1/p' | sort -n | head -1)
	[ -n "$kb" ] || { echo "no huge page sizes on this kernel"; exit 77; }
	if [ "$kb" -ge 1048576 ]; then size=$((kb / 1048576))GB; elif [ "$kb" -ge 1024 ]; then size=$((kb / 1024))MB; else size=${kb}KB; fi
	b=$(bundle b '.linux.resources = {"hugepageLimits": [{"pageSize": "'"$size"'", "limit": '"$((kb * 1024 * 2))"'}]} |
		.process.args = ["sleep", "100"]')
	pk run --detach --bundle "$b" c1 2>"$T/err" || {
		assert_match 'hugetlb controller is not available' "$(cat "$T/err")" "the only acceptable failure"
		echo "no hugetlb controller on this host"; exit 77
	}
	f=$(cg_ctl_file c1 hugetlb "hugetlb.$size.max")
	[ -e "$f" ] || f=$(cg_ctl_file c1 hugetlb "hugetlb.$size.limit_in_bytes")
	assert_eq $((kb * 1024 * 2)) "$(cat "$f")" "$(basename "$f")"
	[ -e "${f%/*}/hugetlb.$size.rsvd.max" ] && assert_eq $((kb * 1024 * 2)) "$(cat "${f%/*}/hugetlb.$size.rsvd.max")" "rsvd.max"
	pk delete --force c1
	no_cgroup_left c1
	refused c2 '{"hugepageLimits": [{"pageSize": "3MB", "limit": 1}]}' 'hugepageLimits\[0\]\.pageSize: "3MB"' "a page size the host lacks"
	assert_no_procs
}

# What a user sees of a hugetlb limit of one page: one page maps, two do not (the reservation limit refuses the
# mmap). Needs free huge pages: the qemu guest, a machine of its own, reserves some; the host is left as it is.
test_hugepage_limit_refuses_the_second_page() {
	local b kb size out
	kb=$(ls /sys/kernel/mm/hugepages 2>/dev/null | sed -n 's/^hugepages-\([0-9]*\)kB$/\1/p' | sort -n | head -1)
	[ -n "$kb" ] || { echo "no huge page sizes on this kernel"; exit 77; }
	[ "${POCKET_VM:-}" = 1 ] && echo 4 >"/sys/kernel/mm/hugepages/hugepages-${kb}kB/nr_hugepages"
	[ "$(cat "/sys/kernel/mm/hugepages/hugepages-${kb}kB/free_hugepages")" -ge 2 ] || { echo "fewer than 2 free huge pages"; exit 77; }
	if [ "$kb" -ge 1048576 ]; then size=$((kb / 1048576))GB; elif [ "$kb" -ge 1024 ]; then size=$((kb / 1024))MB; else size=${kb}KB; fi
	b=$(bundle_sh b "/probe hugepages 1 $kb; /probe hugepages 2 $kb" \
		'.linux.resources.hugepageLimits = [{"pageSize": "'"$size"'", "limit": '"$((kb * 1024))"'}]')
	own_rootfs "$b"
	out=$(pk run --bundle "$b" c1)
	assert_eq "ok ENOMEM" "$(echo $out)" "one huge page, then two, under a one-page limit"
	jq '.linux.resources.hugepageLimits[0].limit = '"$((kb * 1024 * 2))" "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	out=$(pk run --bundle "$b" c2)
	assert_eq "ok ok" "$(echo $out)" "the same under a two-page limit (the control)"
}

# rdma: without an RDMA device the kernel refuses any limit; the error names it. A host without the controller
# (this hybrid one) says so.
test_rdma_limit_of_a_missing_device_or_controller() {
	refused c1 '{"rdma": {"mlx5_0": {"hcaHandles": 2, "hcaObjects": 10}}}' \
		'linux\.resources\.rdma(\["mlx5_0"\]: .*rdma\.max|: the rdma controller is not available)' "rdma"
	assert_no_procs
}

# net_cls/net_prio exist only on v1: on v2, and on a host without them (this hybrid one), an error naming the field.
test_network_limits_where_there_is_no_controller() {
	if ! cg_v2 && [ -d /sys/fs/cgroup/net_cls ]; then echo "this host has net_cls"; exit 77; fi
	local want='the net_cls controller is not available'
	cg_v2 && want='cgroup v2 has no net_cls or net_prio controller'
	refused c1 '{"network": {"classID": 1048577}}' "linux\.resources\.network\.classID: $want" "network.classID"
	cg_v2 || want='the net_prio controller is not available'
	refused c2 '{"network": {"priorities": [{"name": "lo", "priority": 5}]}}' "linux\.resources\.network\.priorities: $want" "network.priorities"
	assert_no_procs
}

test_events_stats_and_oom() {
	local b out
	mkdir -p "$T/out"
	# The container waits for our word before it overruns its memory, so the stats come first however
	# slow the machine (the qemu guest is).
	b=$(bundle b '.linux.resources = {"memory": {"limit": 33554432, "swap": 33554432}, "pids": {"limit": 50}} |
		.mounts += [{"destination": "/tmp", "type": "bind", "source": "'"$T"'/out", "options": ["rbind"]}] |
		.process.args = ["sh", "-c", "while [ ! -e /tmp/go ]; do sleep 0.1; done; dd if=/dev/zero of=/dev/shm/fill bs=1M count=128; sleep 1"]')
	pk run --detach --bundle "$b" c1 || fail "run"
	out=$(pk events --stats c1) || fail "events --stats"
	assert_eq stats "$(echo "$out" | jq -r .type)" "type"
	assert_eq 33554432 "$(echo "$out" | jq -r .data.memory.usage.limit)" "memory limit in the stats"
	assert_eq 50 "$(echo "$out" | jq -r .data.pids.limit)" "pids limit in the stats"
	[ "$(echo "$out" | jq -r .data.pids.current)" -ge 1 ] || fail "pids.current"
	[ "$(echo "$out" | jq -r .data.memory.usage.usage)" -gt 0 ] || fail "memory usage"
	[ "$(echo "$out" | jq -r .data.cpu.usage.total)" -gt 0 ] || fail "cpu usage"
	# events ends by itself when the container does (after dd is OOM-killed); timeout is only a guard.
	timeout 120 "$POCKET" --root "$ROOT" events --interval 1s c1 >"$T/events" &
	local ev=$!
	sleep 0.5
	touch "$T/out/go"
	wait $ev
	out=$(cat "$T/events")
	assert_match '"type":"oom","id":"c1"' "$out" "an OOM event"
	assert_match '"type":"stats"' "$out" "periodic stats"
	pk events --interval 5x c1 2>"$T/err" && fail "a bad --interval was accepted"
	assert_match 'interval' "$(cat "$T/err")" "error names --interval"
}
