# podman 4.3 (Debian's, with conmon) driving pocket as its OCI runtime: `podman --runtime $POCKET`, the cgroupfs
# manager, its own containers.conf/storage.conf under $T (tests/clients/clients_lib.sh). Each scenario asserts what
# a user sees, and most run the same scenario with Debian's runc and compare. Run by tests/integration/run.sh:
#   tests/integration/run.sh build/pocket build/bundle build/probe tests/clients/test_podman.sh
source "$(dirname "${BASH_SOURCE[0]}")/clients_lib.sh"

# Where both runtimes must agree: WHAT, pocket's output, runc's output.
assert_same_as_runc() {
	[ "$2" = "$3" ] || fail "$1 differs from runc's (- runc, + pocket):
$(diff -u <(printf '%s\n' "$3") <(printf '%s\n' "$2") | tail -n +3 | grep '^[-+]')"
}

test_podman_run_prints_output_and_exit_code() {
	podman_setup
	podman_image
	local rt out err rc
	for rt in "$RUNC" "$POCKET"; do
		out=$(pm_rt "$rt" run --rm "$IMG" sh -c 'echo to-stdout; echo to-stderr >&2; grep memory /proc/self/cgroup; exit 3' 2>"$T/err")
		rc=$?
		err=$(cat "$T/err")
		assert_eq 3 "$rc" "exit code of podman run ($rt)"
		assert_match '^to-stdout' "$out" "stdout ($rt)"
		assert_eq to-stderr "$err" "stderr ($rt)"
		assert_match ":memory:$CGP/libpod-[0-9a-f]{64}\$" "$out" "the container's memory cgroup ($rt)"
	done
	# --rootfs: a plain directory as the container's root, written through.
	mkdir -p "$T/rootfs"
	cp -a "$BASE/rootfs/." "$T/rootfs/"
	out=$(pm run --rm --rootfs "$T/rootfs" sh -c 'echo written > /from-container; cat /etc/hostname; echo ok') ||
		fail "podman run --rootfs: $out"
	assert_match 'ok$' "$out" "output of podman run --rootfs"
	assert_eq written "$(cat "$T/rootfs/from-container" 2>/dev/null)" "file written in the --rootfs directory"
	podman_assert_clean
}

test_podman_runtime_errors_reach_the_user() {
	podman_setup
	podman_image
	local rt rc
	# podman turns the runtime's error (read from its --log-format json log) into the exit code: 127 for a
	# command not found, 126 for one that cannot be executed.
	for rt in "$RUNC" "$POCKET"; do
		pm_rt "$rt" run --rm "$IMG" /nonexistent >/dev/null 2>"$T/err"
		rc=$?
		assert_eq 127 "$rc" "podman run of a missing command ($rt): $(cat "$T/err")"
		assert_match '/nonexistent' "$(cat "$T/err")" "the error names the command ($rt)"
		pm_rt "$rt" run --rm "$IMG" /etc/passwd >/dev/null 2>"$T/err"
		rc=$?
		assert_eq 126 "$rc" "podman run of a file without x bit ($rt): $(cat "$T/err")"
		assert_match '[Pp]ermission denied' "$(cat "$T/err")" "the error says why ($rt)"
		pm_rt "$rt" run -d --name e1 "$IMG" sleep 100 >/dev/null || fail "podman run -d ($rt)"
		podman exec e1 /nonexistent 2>"$T/err"
		rc=$?
		assert_eq 127 "$rc" "podman exec of a missing command ($rt): $(cat "$T/err")"
		podman exec e1 sh -c 'exit 5'
		assert_eq 5 $? "exit code of podman exec ($rt)"
		podman rm -f -t 0 e1 >/dev/null
	done
	podman_assert_clean
}

# The container's process: identity, capabilities, seccomp, limits, environment, cwd, as runc gives them.
test_podman_process_attributes_match_runc() {
	podman_setup
	podman_image
	local script out=() rt
	script='id; pwd; umask; grep -E "^(Cap|NoNewPrivs|Seccomp:)" /proc/self/status; ulimit -a; env | grep -v ^HOSTNAME= | sort
		[ "$(hostname)" = "$(cat /etc/hostname)" ] && echo hostname-ok; cat /proc/self/oom_score_adj
		ls /proc/self/fd | wc -l; readlink /proc/1/exe; ls -l /dev | awk "{print \$1, \$5, \$6, \$NF}"'
	for rt in "$RUNC" "$POCKET"; do
		out+=("$(pm_rt "$rt" run --rm -e FOO=bar "$IMG" sh -c "$script" 2>&1)") || fail "podman run ($rt): ${out[-1]}"
	done
	assert_match 'hostname-ok' "${out[1]}" "hostname"
	assert_match 'FOO=bar' "${out[1]}" "environment"
	assert_same_as_runc "the process's attributes" "${out[1]}" "${out[0]}"
	podman_assert_clean
}

# The container's mount table (mount point, type, ro/rw), as runc makes it from podman's config.
test_podman_mounts_match_runc() {
	podman_setup
	podman_image
	local out=() rt
	for rt in "$RUNC" "$POCKET"; do
		out+=("$(pm_rt "$rt" run --rm "$IMG" sh -c \
			'awk "{split(\$4, o, \",\"); print \$2, \$3, o[1]}" /proc/self/mounts | sort' 2>&1)") ||
			fail "podman run ($rt): ${out[-1]}"
	done
	assert_match '^/ overlay rw' "${out[1]}" "the root"
	assert_same_as_runc "the mount table" "${out[1]}" "${out[0]}"
	podman_assert_clean
}

test_podman_detached_exec_stop_rm() {
	podman_setup
	podman_image
	local rt id out st t0
	for rt in "$RUNC" "$POCKET"; do
		id=$(pm_rt "$rt" run -d --name c1 "$IMG" sh -c 'trap "echo got-term; exit 7" TERM; echo started; while :; do sleep 0.1; done') ||
			fail "podman run -d ($rt): $id"
		assert_match '^[0-9a-f]{64}$' "$id" "podman run -d prints the id ($rt)"
		assert_eq running "$(podman inspect -f '{{.State.Status}}' c1)" "status after run -d ($rt)"
		[ "$rt" = "$POCKET" ] && { [ -d "$POCKET_DEFAULT_ROOT/$id" ] || fail "no pocket state for $id"; }
		out=$(podman exec c1 sh -c 'echo in-exec; cat /proc/1/cmdline | tr "\0" " "') || fail "podman exec ($rt): $out"
		assert_match 'in-exec' "$out" "podman exec output ($rt)"
		assert_match 'trap' "$out" "podman exec sees the container's pid 1 ($rt)"
		out=$(podman exec -e FOO=bar -w /tmp -u 65534:65534 c1 sh -c 'echo $FOO $(pwd) $(id -u) $(id -g)')
		assert_eq "bar /tmp 65534 65534" "$out" "podman exec -e -w -u ($rt)"
		out=$(printf 'piped-in\n' | podman exec -i c1 cat)
		assert_eq piped-in "$out" "podman exec -i stdin ($rt)"
		t0=$(date +%s)
		podman stop -t 10 c1 >/dev/null || fail "podman stop ($rt)"
		[ $(($(date +%s) - t0)) -lt 8 ] || fail "podman stop waited for the timeout: SIGTERM not delivered ($rt)"
		st=$(podman inspect -f '{{.State.Status}} {{.State.ExitCode}}' c1)
		assert_eq "exited 7" "$st" "status after podman stop ($rt)"
		out=$(podman logs c1)
		assert_eq "started
got-term" "$out" "podman logs ($rt)"
		podman rm c1 >/dev/null || fail "podman rm ($rt)"
		[ -e "$POCKET_DEFAULT_ROOT/$id" ] && fail "pocket state $POCKET_DEFAULT_ROOT/$id left after podman rm"
		[ -e "$RUNC_DEFAULT_ROOT/$id" ] && fail "runc state $RUNC_DEFAULT_ROOT/$id left after podman rm"
		find /sys/fs/cgroup/*/"${CGP#/}" -name "libpod-$id" 2>/dev/null | grep -q . && fail "cgroup of $id left after podman rm ($rt)"
	done
	podman_assert_clean
}

test_podman_run_interactive_tty() {
	podman_setup
	podman_image
	local rt out rc
	for rt in "$RUNC" "$POCKET"; do
		# script gives podman a terminal: -it puts the container on a pty of its own (pocket gets --console-socket
		# from conmon), podman copies the window size and relays both ways.
		out=$(printf 'hello\n' | script -qec "stty rows 25 cols 90; podman --runtime $rt run -it --rm --network none \
			--cgroup-parent $CGP $IMG sh -c 'read l; echo got:\$l; tty; stty size; [ -t 0 ] && [ -t 1 ] && echo on-a-tty; exit 4'" /dev/null)
		rc=$?
		out=$(printf '%s' "$out" | tr -d '\r')
		assert_eq 4 "$rc" "exit code through the terminal ($rt): $out"
		assert_match 'got:hello' "$out" "input relayed into the container ($rt)"
		assert_match '/dev/pts/0' "$out" "the container's own pty ($rt)"
		assert_match '25 90' "$out" "window size ($rt)"
		assert_match 'on-a-tty' "$out" "stdin and stdout are the terminal ($rt)"
		pm_rt "$rt" run -d --name c2 "$IMG" sleep 1000 >/dev/null || fail "podman run -d ($rt)"
		out=$(printf 'ping\n' | script -qec "stty rows 20 cols 70; podman exec -it c2 sh -c 'read l; echo got:\$l; tty; stty size; exit 6'" /dev/null)
		rc=$?
		out=$(printf '%s' "$out" | tr -d '\r')
		assert_eq 6 "$rc" "exit code of podman exec -it ($rt): $out"
		assert_match 'got:ping' "$out" "podman exec -it input ($rt)"
		assert_match '/dev/pts/[0-9]+' "$out" "podman exec -it pty ($rt)"
		assert_match '20 70' "$out" "podman exec -it window size ($rt)"
		podman rm -f -t 0 c2 >/dev/null
	done
	podman_assert_clean
}

test_podman_network_none() {
	podman_setup
	podman_image
	local rt out=() hostns
	hostns=$(readlink /proc/self/ns/net)
	for rt in "$RUNC" "$POCKET"; do
		out+=("$(pm_rt "$rt" run --rm --network none "$IMG" sh -c 'ip link | grep -o "^[0-9]*: [^:]*"; ip addr | grep -o "inet [0-9./]*"; readlink /proc/self/ns/net' 2>&1)") ||
			fail "podman run --network none ($rt): ${out[-1]}"
	done
	assert_match '^1: lo' "${out[1]}" "loopback only"
	assert_match 'inet 127.0.0.1/8' "${out[1]}" "loopback is up"
	printf '%s' "${out[1]}" | grep -q "$hostns" && fail "the container shares the host's network namespace"
	assert_same_as_runc "the network of --network none" "$(echo "${out[1]}" | grep -v net:)" "$(echo "${out[0]}" | grep -v net:)"
	podman_assert_clean
}

# podman's default network (CNI bridge cni-podman0, 10.88.0.0/16, portmap) in a network namespace of the test's
# own, with a mount namespace in which /var/lib/cni and /run/netns are private tmpfs: nothing reaches the host's
# network or CNI state.
test_podman_bridge_network_in_a_private_netns() {
	need_podman
	podman_vars
	local d
	for d in /var/lib/cni /run/netns; do
		[ -e "$d" ] || { mkdir -p "$d" && on_exit "rmdir $d"; }
	done
	on_exit "kill_procs_mentioning '$T/'; rm_cgroup_tree '$CGP'; umount_under '$T'"
	unshare -n -m --propagation private bash -c "
		source '$CLIENTS_DIR/../integration/lib.sh'
		source '$CLIENTS_DIR/test_podman.sh'
		set -u
		_bridge_in_private_netns" || fail "the bridge scenario failed (see above)"
}

_bridge_in_private_netns() {
	mount -t tmpfs tmpfs /var/lib/cni || fail "tmpfs on /var/lib/cni"
	mount -t tmpfs tmpfs /run/netns || fail "tmpfs on /run/netns"
	ip link set lo up || fail "lo up"
	podman_setup
	PM_PRIVATE_NET=1
	podman_image
	local rt ip out port
	for rt in "$RUNC" "$POCKET"; do
		port=$((18080 + ${#rt} % 7))
		pm_rt "$rt" run -d --name srv --network podman -p "127.0.0.1:$port:8080" "$IMG" \
			sh -c 'mkdir -p /www; echo hello-from-httpd > /www/index.html; exec httpd -f -p 8080 -h /www' >/dev/null ||
			fail "podman run -d --network podman ($rt)"
		ip=$(podman inspect -f '{{.NetworkSettings.IPAddress}}' srv)
		assert_match '^10\.88\.[0-9]+\.[0-9]+$' "$ip" "the server's address on the bridge ($rt)"
		out=$(pm_rt "$rt" run --rm --network podman "$IMG" sh -c \
			"ip addr show eth0 | grep -o 'inet 10[.]88[.][0-9.]*'; ip route | grep default; for i in 1 2 3 4 5 6 7 8 9 10; do timeout 3 wget -qO- http://$ip:8080/ && break; sleep 0.3; done") ||
			fail "client container on the bridge ($rt): $out"
		assert_match 'inet 10\.88\.' "$out" "the client's address ($rt)"
		assert_match 'default via 10\.88\.0\.1' "$out" "the default route through the bridge ($rt)"
		assert_match 'hello-from-httpd' "$out" "container to container over the bridge ($rt)"
		out=
		for _ in $(seq 20); do
			out=$(timeout 3 "$BASE/rootfs/bin/busybox" wget -qO- "http://127.0.0.1:$port/" 2>/dev/null) && break
			sleep 0.2
		done
		assert_eq hello-from-httpd "$out" "published port 127.0.0.1:$port from the (private) host side ($rt)"
		podman rm -f -t 0 srv >/dev/null || fail "podman rm srv ($rt)"
	done
	podman_assert_clean
}

test_podman_memory_limit() {
	podman_setup
	podman_image
	local rt id out rc
	for rt in "$RUNC" "$POCKET"; do
		id=$(pm_rt "$rt" run -d --name m1 --memory 48m "$IMG" sleep 100) || fail "podman run --memory ($rt): $id"
		assert_eq 50331648 "$(cat /sys/fs/cgroup/memory/"${CGP#/}"/libpod-"$id"/memory.limit_in_bytes)" "memory.limit_in_bytes on the host ($rt)"
		assert_eq 50331648 "$(podman exec m1 cat /sys/fs/cgroup/memory/memory.limit_in_bytes)" "the limit seen inside ($rt)"
		assert_eq 50331648 "$(podman inspect -f '{{.HostConfig.Memory}}' m1)" "podman inspect ($rt)"
		podman rm -f -t 0 m1 >/dev/null
		# pid 1 itself grows past the limit (a 100 MiB shell variable): the kernel kills it, podman reports 137.
		out=$(pm_rt "$rt" run --rm --memory 32m --memory-swap 32m "$IMG" sh -c 'x=$(head -c 100m /dev/zero | tr "\0" a); echo survived' 2>&1)
		rc=$?
		assert_eq 137 "$rc" "exit code of a container over its memory limit ($rt): $out"
	done
	podman_assert_clean
}

test_podman_pids_limit() {
	podman_setup
	podman_image
	local rt id out
	for rt in "$RUNC" "$POCKET"; do
		id=$(pm_rt "$rt" run -d --name p1 --pids-limit 10 "$IMG" sleep 100) || fail "podman run --pids-limit ($rt): $id"
		assert_eq 10 "$(cat /sys/fs/cgroup/pids/"${CGP#/}"/libpod-"$id"/pids.max)" "pids.max on the host ($rt)"
		out=$(podman exec p1 sh -c 'for i in $(seq 15); do sleep 5 & done 2>&1')
		assert_match "can't fork" "$out" "forks past the limit fail ($rt)"
		assert_match '^(9|10)$' "$(cat /sys/fs/cgroup/pids/"${CGP#/}"/libpod-"$id"/pids.current)" "pids.current at the limit ($rt)"
		podman rm -f -t 0 p1 >/dev/null
	done
	podman_assert_clean
}

test_podman_read_only() {
	podman_setup
	podman_image
	local rt out=()
	for rt in "$RUNC" "$POCKET"; do
		out+=("$(pm_rt "$rt" run --rm --read-only "$IMG" sh -c 'touch /x 2>&1; echo root=$?; for d in /tmp /run /var/tmp /dev/shm; do touch $d/x && echo $d writable; done; awk "\$2 == \"/\" {split(\$4, o, \",\"); print o[1]}" /proc/self/mounts' 2>&1)") ||
			fail "podman run --read-only ($rt): ${out[-1]}"
	done
	assert_match 'Read-only file system' "${out[1]}" "writing to / fails"
	assert_match 'root=1' "${out[1]}" "touch / fails"
	assert_match '/tmp writable' "${out[1]}" "podman's tmpfs on /tmp"
	assert_match '^ro$' "${out[1]}" "/ mounted ro"
	assert_same_as_runc "--read-only" "${out[1]}" "${out[0]}"
	podman_assert_clean
}

test_podman_cap_drop() {
	podman_setup
	podman_image
	local rt out=()
	for rt in "$RUNC" "$POCKET"; do
		out+=("$(pm_rt "$rt" run --rm --cap-drop CHOWN --cap-drop NET_RAW "$IMG" sh -c 'grep ^Cap /proc/self/status; chown 65534 /tmp 2>&1; echo chown=$?' 2>&1)")
		out+=("$(pm_rt "$rt" run --rm --cap-drop all "$IMG" sh -c 'grep ^Cap /proc/self/status; chown 65534 /tmp 2>&1; echo chown=$?' 2>&1)")
		out+=("$(pm_rt "$rt" run --rm --cap-add SYS_ADMIN --cap-add NET_ADMIN "$IMG" grep ^Cap /proc/self/status 2>&1)")
	done
	assert_match 'CapEff:	00000000a80405fa' "${out[3]}" "CapEff without CHOWN (bit 0) and NET_RAW (bit 13)"
	assert_match 'Operation not permitted' "${out[3]}" "chown without CAP_CHOWN"
	assert_match 'CapEff:	0000000000000000' "${out[4]}" "CapEff with --cap-drop all"
	assert_match 'CapBnd:	0000000000000000' "${out[4]}" "CapBnd with --cap-drop all"
	assert_match 'CapEff:	00000000a82435fb' "${out[5]}" "CapEff with SYS_ADMIN and NET_ADMIN added"
	assert_same_as_runc "--cap-drop CHOWN --cap-drop NET_RAW" "${out[3]}" "${out[0]}"
	assert_same_as_runc "--cap-drop all" "${out[4]}" "${out[1]}"
	assert_same_as_runc "--cap-add" "${out[5]}" "${out[2]}"
	podman_assert_clean
}

test_podman_uidmap() {
	podman_setup
	podman_image
	local rt out=() top
	for rt in "$RUNC" "$POCKET"; do
		out+=("$(pm_rt "$rt" run --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$IMG" sh -c \
			'cat /proc/self/uid_map /proc/self/gid_map; id; stat -c "%u:%g %n" / /bin/busybox /etc/passwd; touch /root/f && echo write-ok; ls -ln /proc/1/ns/user >/dev/null && echo ns-ok' 2>&1)") ||
			fail "podman run --uidmap ($rt): ${out[-1]}"
		pm_rt "$rt" run -d --name u1 --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$IMG" sleep 100 >/dev/null ||
			fail "podman run -d --uidmap ($rt)"
		top=$(podman top u1 user huser | tail -n +2 | awk '{print $1, $2}')
		assert_eq "root 100000" "$top" "podman top user huser ($rt)"
		podman rm -f -t 0 u1 >/dev/null
	done
	assert_match '^ +0 +100000 +65536' "${out[1]}" "uid_map"
	assert_match 'uid=0\(root\) gid=0\(root\)' "${out[1]}" "root inside"
	assert_match '0:0 /bin/busybox' "${out[1]}" "image files owned by the container's root"
	assert_match 'write-ok' "${out[1]}" "the container's root writes its rootfs"
	assert_same_as_runc "--uidmap" "${out[1]}" "${out[0]}"
	podman_assert_clean
}

# --userns=auto as root takes ranges from /etc/subuid and /etc/subgid entries for the user "containers": the test
# adds the user and its ranges, and removes them when it ends.
test_podman_userns_auto() {
	podman_setup
	podman_image
	local rt out=() top
	if ! id containers >/dev/null 2>&1; then
		useradd --system --no-create-home --shell /usr/sbin/nologin containers || fail "useradd containers"
		on_exit "userdel containers"
	fi
	if ! grep -q '^containers:' /etc/subuid; then
		echo "containers:400000:200000" >>/etc/subuid && on_exit "sed -i '/^containers:400000:200000\$/d' /etc/subuid"
	fi
	if ! grep -q '^containers:' /etc/subgid; then
		echo "containers:400000:200000" >>/etc/subgid && on_exit "sed -i '/^containers:400000:200000\$/d' /etc/subgid"
	fi
	for rt in "$RUNC" "$POCKET"; do
		pm_rt "$rt" run -d --name a1 --userns=auto "$IMG" sh -c 'sleep 1000' >/dev/null || fail "podman run --userns=auto ($rt)"
		out+=("$(podman exec a1 sh -c 'cat /proc/self/uid_map; id -u; touch /root/f && echo write-ok' 2>&1)")
		top=$(podman top a1 huser | tail -n +2)
		assert_match '^[0-9]+$' "$top" "podman top huser ($rt)"
		[ "$top" -ge 400000 ] && [ "$top" -lt 600000 ] || fail "host uid $top outside containers' subuid range ($rt)"
		podman rm -f -t 0 a1 >/dev/null
	done
	assert_match '^ +0 +[0-9]+ +[0-9]+' "${out[1]}" "a uid_map"
	assert_match 'write-ok' "${out[1]}" "the container's root writes its rootfs"
	assert_same_as_runc "--userns=auto (without the host range)" \
		"$(echo "${out[1]}" | awk 'NR==1 {print $1, $3; next} {print}')" "$(echo "${out[0]}" | awk 'NR==1 {print $1, $3; next} {print}')"
	podman_assert_clean
}

test_podman_ps_and_top() {
	podman_setup
	podman_image
	local rt id ps top pid spid
	for rt in "$RUNC" "$POCKET"; do
		id=$(pm_rt "$rt" run -d --name t1 "$IMG" sh -c 'sleep 1000 & sleep 2000 & wait') || fail "podman run -d ($rt)"
		ps=$(podman ps --no-trunc --format '{{.ID}} {{.Names}} {{.Status}}')
		assert_match "^$id t1 Up " "$ps" "podman ps ($rt)"
		wait_for sh -c "[ \$(podman top t1 pid | tail -n +2 | wc -l) -eq 3 ]"
		top=$(podman top t1 pid user args | tail -n +2 | awk '{$1=$1; print}')
		assert_match '^1 root sh -c sleep 1000' "$top" "podman top: pid 1 ($rt)"
		assert_match '^[0-9]+ root sleep 2000' "$top" "podman top: the children ($rt)"
		pid=$(podman inspect -f '{{.State.Pid}}' t1)
		assert_match "^$pid\$" "$(podman top t1 hpid | tail -n +2 | tr -d ' ')" "podman top hpid has pid 1's host pid ($rt)"
		if [ "$rt" = "$POCKET" ]; then
			spid=$("$POCKET" state "$id" | jq -r .pid)
			assert_eq "$pid" "$spid" "pocket state pid vs podman inspect"
		fi
		pm_rt "$rt" run --name t2 "$IMG" sh -c 'exit 3' >/dev/null 2>&1
		ps=$(podman ps -a --format '{{.Names}} {{.Status}}')
		assert_match '^t2 Exited \(3\)' "$ps" "podman ps -a ($rt)"
		podman rm -f -t 0 t1 t2 >/dev/null
	done
	podman_assert_clean
}

test_podman_pause_unpause() {
	podman_setup
	podman_image
	local rt id a b
	for rt in "$RUNC" "$POCKET"; do
		id=$(pm_rt "$rt" run -d --name z1 "$IMG" sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/n.new; mv /tmp/n.new /tmp/n; sleep 0.05; done') ||
			fail "podman run -d ($rt)"
		sleep 0.3
		podman pause z1 >/dev/null || fail "podman pause ($rt)"
		assert_eq paused "$(podman inspect -f '{{.State.Status}}' z1)" "status after pause ($rt)"
		assert_eq FROZEN "$(cat /sys/fs/cgroup/freezer/"${CGP#/}"/libpod-"$id"/freezer.state)" "freezer.state ($rt)"
		assert_match "^z1 Paused" "$(podman ps -a --filter status=paused --format '{{.Names}} {{.Status}}')" "podman ps ($rt)"
		a=$(cat "$(podman inspect -f '{{.GraphDriver.Data.MergedDir}}' z1)/tmp/n")
		sleep 0.5
		b=$(cat "$(podman inspect -f '{{.GraphDriver.Data.MergedDir}}' z1)/tmp/n")
		assert_eq "$a" "$b" "the counter stands still while paused ($rt)"
		podman unpause z1 >/dev/null || fail "podman unpause ($rt)"
		assert_eq running "$(podman inspect -f '{{.State.Status}}' z1)" "status after unpause ($rt)"
		sleep 0.5
		b=$(podman exec z1 cat /tmp/n)
		[ "$b" -gt "$a" ] || fail "the counter did not move after unpause ($a, $b) ($rt)"
		podman rm -f -t 0 z1 >/dev/null
	done
	podman_assert_clean
}

test_podman_update_restart_kill() {
	podman_setup
	podman_image
	local rt id out
	for rt in "$RUNC" "$POCKET"; do
		id=$(pm_rt "$rt" run -d --name u1 --memory 64m --cpu-shares 512 "$IMG" sh -c 'trap "exit 12" USR1; while :; do sleep 0.1; done') ||
			fail "podman run -d ($rt)"
		podman update --memory 96m --cpu-shares 256 u1 >/dev/null 2>"$T/err" || fail "podman update ($rt): $(cat "$T/err")"
		assert_eq 100663296 "$(cat /sys/fs/cgroup/memory/"${CGP#/}"/libpod-"$id"/memory.limit_in_bytes)" "memory after podman update ($rt)"
		assert_eq 256 "$(cat /sys/fs/cgroup/cpu/"${CGP#/}"/libpod-"$id"/cpu.shares)" "cpu.shares after podman update ($rt)"
		podman kill -s USR1 u1 >/dev/null || fail "podman kill -s USR1 ($rt)"
		out=$(timeout 20 podman wait u1)
		assert_eq 12 "$out" "podman wait after the signal ($rt)"
		podman start u1 >/dev/null || fail "podman start of an exited container ($rt)"
		assert_eq running "$(podman inspect -f '{{.State.Status}}' u1)" "status after podman start ($rt)"
		podman restart -t 1 u1 >/dev/null || fail "podman restart ($rt)"
		assert_eq running "$(podman inspect -f '{{.State.Status}}' u1)" "status after podman restart ($rt)"
		out=$(podman exec u1 cat /proc/1/cmdline | tr '\0' ' ')
		assert_match 'trap' "$out" "podman exec after restart ($rt)"
		podman kill u1 >/dev/null || fail "podman kill ($rt)"
		assert_eq 137 "$(timeout 20 podman wait u1)" "podman wait after SIGKILL ($rt)"
		podman rm u1 >/dev/null
	done
	podman_assert_clean
}

# A pod: an infra container holds the network, ipc and uts namespaces; its members join them by path.
test_podman_pod_shares_namespaces() {
	podman_setup
	podman_image
	local rt out=() infra
	for rt in "$RUNC" "$POCKET"; do
		podman --runtime "$rt" pod create --name p1 --network none --cgroup-parent "$CGP" >/dev/null ||
			fail "podman pod create ($rt)"
		pm_rt "$rt" run -d --pod p1 --name srv "$IMG" \
			sh -c 'mkdir -p /www; echo pod-local > /www/index.html; exec httpd -f -p 8080 -h /www' >/dev/null ||
			fail "podman run --pod ($rt)"
		infra=$(podman pod inspect -f '{{.InfraContainerID}}' p1)
		out+=("$(pm_rt "$rt" run --rm --pod p1 "$IMG" sh -c \
			'for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://127.0.0.1:8080/ 2>/dev/null && break; sleep 0.3; done
			 hostname; for n in net ipc uts pid mnt; do echo $n $(readlink /proc/self/ns/$n); done' 2>&1)") ||
			fail "podman run --pod ($rt): ${out[-1]}"
		local pid ns
		pid=$(podman inspect -f '{{.State.Pid}}' "$infra")
		for ns in net ipc uts; do
			assert_match "^$ns $(readlink "/proc/$pid/ns/$ns" | sed 's/[][]/\\&/g')\$" "${out[-1]}" "the member is in the infra's $ns namespace ($rt)"
		done
		printf '%s\n' "${out[-1]}" | grep -q "^pid $(readlink "/proc/$pid/ns/pid" | sed 's/[][]/\\&/g')\$" &&
			fail "the member shares the infra's pid namespace ($rt)"
		assert_match '^pod-local$' "${out[-1]}" "a member reaches another over the pod's loopback ($rt)"
		assert_match '^p1$' "${out[-1]}" "the pod's hostname ($rt)"
		assert_eq Running "$(podman pod ps --format '{{.Status}}' --filter name=p1)" "podman pod ps ($rt)"
		podman pod rm -f -t 0 p1 >/dev/null || fail "podman pod rm ($rt)"
	done
	podman_assert_clean
}

test_podman_volumes_and_tmpfs() {
	podman_setup
	podman_image
	local rt out=()
	mkdir -p "$T/vol"
	echo host-file >"$T/vol/f"
	for rt in "$RUNC" "$POCKET"; do
		out+=("$(pm_rt "$rt" run --rm -v "$T/vol:/data" -v "$T/vol:/ro:ro" --tmpfs /scratch:size=1m -v named:/named "$IMG" sh -c \
			'cat /data/f; echo from-$0 > /data/c; touch /ro/x 2>&1; touch /named/n /scratch/s && echo writable
			 df -k /scratch | awk "NR == 2 {print \$2}"
			 awk "\$2 ~ \"^/(data|ro|scratch|named)\$\" {split(\$4, o, \",\"); print \$2, \$3, o[1]}" /proc/self/mounts | sort' 2>&1)") ||
			fail "podman run -v ($rt): ${out[-1]}"
		assert_eq from-sh "$(cat "$T/vol/c")" "a file written in the volume, seen on the host ($rt)"
		rm -f "$T/vol/c"
	done
	assert_match '^host-file$' "${out[1]}" "a host file through the bind mount"
	assert_match 'Read-only file system' "${out[1]}" ":ro volume"
	assert_match '^1024$' "${out[1]}" "--tmpfs size"
	assert_same_as_runc "volumes" "${out[1]}" "${out[0]}"
	podman_assert_clean
}

test_podman_init_sysctl_and_large_output() {
	podman_setup
	podman_image
	local rt out=() n
	for rt in "$RUNC" "$POCKET"; do
		out+=("$(pm_rt "$rt" run --rm --init --sysctl net.ipv4.ip_forward=1 --sysctl kernel.msgmax=4096 "$IMG" sh -c \
			'tr "\0" " " </proc/1/cmdline; echo; cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax' 2>&1)") ||
			fail "podman run --init --sysctl ($rt): ${out[-1]}"
		# 3 MB through conmon's pipe: nothing lost when the container exits at once.
		n=$(pm_rt "$rt" run --rm "$IMG" sh -c 'head -c 3000000 /dev/zero | tr "\0" x' | wc -c)
		assert_eq 3000000 "$n" "bytes of output received ($rt)"
	done
	assert_match '^/run/podman-init -- sh -c' "${out[1]}" "catatonit as pid 1 with --init"
	assert_same_as_runc "--init and --sysctl" "${out[1]}" "${out[0]}"
	podman_assert_clean
}
