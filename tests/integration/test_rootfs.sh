# Root filesystem, mounts, masked/readonly paths, sysctls, devices, propagation, --no-pivot and fd hygiene
# (config.md "Root", "Mounts"; config-linux.md "Default Filesystems", "Devices", "Default Devices", "Sysctl",
# "Masked Paths", "Readonly Paths", "Rootfs Mount Propagation"): what a process inside observes.

# The options field of the mount at DEST in /proc/mounts, e.g. "rw,nosuid,relatime,size=1024k,mode=700".
opts_of() { awk -v d="$2" '$2 == d {o = $4} END {print o}' <<<"$1"; }
# Fails unless the comma-separated option list $2 contains the option $1.
has_opt() { [[ ",$2," == *",$1,"* ]] || fail "mount options [$2] lack $1${3:+ ($3)}"; }

test_proc_is_mounted_procfs() {
	local b out
	b=$(bundle b '.process.args = ["sh", "-c", "cat /proc/mounts; echo; cat /proc/1/comm"]')
	out=$(pk run --bundle "$b" c1) || fail "run exited $?: $out"
	assert_eq "proc proc" "$(awk '$2 == "/proc" {print $1, $3}' <<<"$out" | head -1)" "source and type of /proc"
	assert_eq cat "$(tail -1 <<<"$out")" "/proc/1/comm inside (the container's own pid 1)"
}

test_tmpfs_mount_size_and_mode_options() {
	local b out o want
	b=$(bundle b '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
			"options": ["size=1m", "mode=700", "nosuid", "noexec", "nodev"]}]
		| .process.args = ["sh", "-c", "cat /proc/mounts; stat -c %a /tmp"]')
	out=$(pk run --bundle "$b" c1) || fail "run exited $?: $out"
	o=$(opts_of "$out" /tmp)
	assert_match . "$o" "a mount at /tmp"
	for want in rw size=1024k mode=700 nosuid noexec nodev; do has_opt $want "$o" /tmp; done
	assert_eq 700 "$(tail -1 <<<"$out")" "mode of /tmp"
}

test_bind_mount_is_read_write_and_shared_with_the_host() {
	local b out
	mkdir "$T/data"
	echo from-host >"$T/data/in"
	b=$(bundle b '.mounts += [{"destination": "/tmp", "type": "bind", "source": "'"$T/data"'", "options": ["bind"]}]
		| .process.args = ["sh", "-c", "cat /tmp/in && echo from-container >/tmp/out"]')
	out=$(pk run --bundle "$b" c1 2>&1) || fail "run exited $?: $out"
	assert_eq from-host "$out" "host file read inside"
	assert_eq from-container "$(cat "$T/data/out" 2>&1)" "file written inside, read on the host"
}

test_bind_mount_ro_cannot_be_written() {
	local b out
	mkdir "$T/data"
	b=$(bundle b '.mounts += [{"destination": "/tmp", "type": "bind", "source": "'"$T/data"'", "options": ["bind", "ro"]}]
		| .process.args = ["sh", "-c", "cat /proc/mounts; touch /tmp/x 2>&1 && echo WROTE"]')
	out=$(pk run --bundle "$b" c1)
	has_opt ro "$(opts_of "$out" /tmp)" "ro bind at /tmp"
	assert_match 'Read-only file system' "$out" "touch in a ro bind mount"
	[ ! -e "$T/data/x" ] || fail "a file was written through a ro bind mount"
}

test_rbind_carries_submounts_and_bind_does_not() {
	local b out
	mkdir -p "$T/data/sub"
	mount -t tmpfs -o size=1m pocket-test-sub "$T/data/sub" || fail "mount the host submount"
	on_exit "umount -l '$T/data/sub'"
	echo in-submount >"$T/data/sub/f"
	b=$(bundle b '.mounts += [{"destination": "/tmp", "type": "bind", "source": "'"$T/data"'", "options": ["rbind"]},
			{"destination": "/root", "type": "bind", "source": "'"$T/data"'", "options": ["bind"]}]
		| .process.args = ["sh", "-c", "cat /tmp/sub/f; ls -A /root/sub | wc -l"]')
	out=$(pk run --bundle "$b" c1 2>&1) || fail "run exited $?: $out"
	assert_eq "in-submount|0" "$(paste -sd'|' <<<"$out")" "submount through rbind | entries of the submount through bind"
}

test_bind_mount_nosuid_noexec_nodev_ro_flags_apply() {
	local b out o want
	mkdir "$T/data"
	b=$(bundle b '.mounts += [{"destination": "/tmp", "type": "bind", "source": "'"$T/data"'",
			"options": ["rbind", "nosuid", "noexec", "nodev", "ro"]}]
		| .process.args = ["cat", "/proc/mounts"]')
	out=$(pk run --bundle "$b" c1) || fail "run exited $?: $out"
	o=$(opts_of "$out" /tmp)
	for want in ro nosuid noexec nodev; do has_opt $want "$o" "bind at /tmp"; done
}

test_missing_mount_destination_is_created_in_the_rootfs() {
	local b out
	b=$(bundle b '.mounts += [{"destination": "/new/deep/dir", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}]
		| .process.args = ["sh", "-c", "cat /proc/mounts; touch /new/deep/dir/f && echo WROTE"]')
	own_rootfs "$b"
	out=$(pk run --bundle "$b" c1) || fail "run exited $?: $out"
	assert_eq tmpfs "$(awk '$2 == "/new/deep/dir" {print $3}' <<<"$out")" "type of the mount at /new/deep/dir"
	assert_eq WROTE "$(tail -1 <<<"$out")" "write into the new tmpfs"
	[ -d "$b/rootfs/new/deep/dir" ] || fail "the destination was not created in the rootfs"
}

test_bind_of_a_file_onto_a_missing_file_destination() {
	local b out
	echo file-content >"$T/hostfile"
	b=$(bundle b '.mounts += [{"destination": "/etc/newdir/myfile", "type": "bind", "source": "'"$T/hostfile"'",
			"options": ["bind", "ro"]}]
		| .process.args = ["sh", "-c", "cat /etc/newdir/myfile; stat -c %F /etc/newdir/myfile"]')
	own_rootfs "$b"
	out=$(pk run --bundle "$b" c1 2>&1) || fail "run exited $?: $out"
	assert_eq "file-content|regular file" "$(paste -sd'|' <<<"$out")" "content|type of the bound file"
	[ -f "$b/rootfs/etc/newdir/myfile" ] || fail "the file destination was not created as a file in the rootfs"
}

test_readonly_root_refuses_writes() {
	local b out
	b=$(bundle b '.root.readonly = true | .process.args = ["sh", "-c", "touch /x 2>&1 && echo WROTE"]')
	out=$(pk run --bundle "$b" c1)
	assert_match 'Read-only file system' "$out" "touch /x with root.readonly"
	[ ! -e "$BASE/rootfs/x" ] || { rm -f "$BASE/rootfs/x"; fail "wrote into the shared rootfs"; }
}

test_writable_root_writes_land_in_the_rootfs_dir() {
	local b out
	b=$(bundle b '.root.readonly = false | .process.args = ["sh", "-c", "echo hello >/x && cat /x"]')
	own_rootfs "$b"
	out=$(pk run --bundle "$b" c1 2>&1) || fail "run exited $?: $out"
	assert_eq hello "$out" "file written and read back inside"
	assert_eq hello "$(cat "$b/rootfs/x" 2>&1)" "the file in the rootfs dir on the host"
}

test_masked_file_reads_empty_and_masked_dir_is_empty_and_read_only() {
	local b out f=
	[ -n "$(ls -A /sys/firmware 2>/dev/null)" ] || { echo "/sys/firmware is empty on this host"; exit 77; }
	for f in /proc/kcore /proc/timer_list /proc/keys ""; do [ -e "$f" ] && break; done
	[ -n "$f" ] || { echo "none of /proc/kcore, /proc/timer_list, /proc/keys exists on this host"; exit 77; }
	b=$(bundle_sh b "wc -c <$f; stat -c %t:%T $f; ls -A /sys/firmware | wc -l; touch /sys/firmware/x 2>&1 || true" \
		'.linux.maskedPaths += ["'"$f"'", "/proc/no-such-file"]')
	out=$(pk run --bundle "$b" c1) || fail "run exited $?: $out"
	assert_eq 0 "$(sed -n 1p <<<"$out" | tr -d ' ')" "bytes read from the masked $f"
	assert_eq 1:3 "$(sed -n 2p <<<"$out")" "device numbers of $f (masked by /dev/null)"
	assert_eq 0 "$(sed -n 3p <<<"$out" | tr -d ' ')" "entries in the masked /sys/firmware"
	assert_match 'Read-only file system' "$(sed -n 4p <<<"$out")" "touch in the masked /sys/firmware"
}

# Every masked directory shows one empty read-only file system; a write into any of them fails, and none
# shows what another was given.
test_several_masked_dirs_are_each_empty_and_read_only() {
	local b out d
	b=$(bundle_sh b 'for d in /sys/firmware /tmp/m1 /tmp/m2; do
			echo "$d $(ls -A $d | wc -l | tr -d " ") $(touch $d/x 2>&1 | grep -c Read-only)"; done' \
		'.root.readonly = false | .linux.maskedPaths += ["/tmp/m1", "/tmp/m2"]')
	own_rootfs "$b"
	mkdir -p "$b/rootfs/tmp/m1/a" "$b/rootfs/tmp/m2/b"
	out=$(pk run --bundle "$b" c1) || fail "run exited $?: $out"
	for d in /sys/firmware /tmp/m1 /tmp/m2; do
		assert_eq "$d 0 1" "$(grep "^$d " <<<"$out")" "masked $d: entries, and whether a write was refused read-only"
	done
	[ -e "$b/rootfs/tmp/m1/a" ] && [ ! -e "$b/rootfs/tmp/m1/x" ] || fail "the masked directory's own contents changed"
}

# Nothing after pivot_root needs a /proc in the container: a config without one still gets its read-only root
# and its masks.
test_container_without_proc_gets_readonly_root_and_masks() {
	local b out
	# Without mount_setattr (before Linux 5.12) a remount goes through /proc/self/fd.
	case ${POCKET_GLOBAL_FLAGS:-} in *mount-setattr* | *=all*) echo "the mount-setattr fallback needs /proc"; exit 77 ;; esac
	b=$(bundle_sh b 'touch /x 2>&1; ls -A /sys/firmware | wc -l; ls /proc | wc -l' \
		'.root.readonly = true | .mounts |= map(select(.destination != "/proc"))')
	out=$(pk run --bundle "$b" c1) || fail "run exited $?: $out"
	assert_match 'Read-only file system' "$(sed -n 1p <<<"$out")" "touch /x with root.readonly and no /proc"
	assert_eq 0 "$(sed -n 2p <<<"$out" | tr -d ' ')" "entries in the masked /sys/firmware"
	assert_eq 0 "$(sed -n 3p <<<"$out" | tr -d ' ')" "entries in /proc, which nothing mounted"
}

test_readonly_paths_cannot_be_opened_for_writing() {
	local b out p
	b=$(bundle_sh b '/probe open-write /proc/sys/vm/drop_caches; cat /proc/self/mountinfo')
	own_rootfs "$b"
	out=$(pk run --bundle "$b" c1)
	assert_eq EROFS "$(head -1 <<<"$out")" "open for writing of /proc/sys/vm/drop_caches"
	for p in $(jq -r '.linux.readonlyPaths[]' "$b/config.json"); do
		[ -e "$p" ] || continue
		has_opt ro "$(awk -v p="$p" '$5 == p {o = $6} END {print o}' <<<"$out")" "readonly path $p"
	done
}

test_sysctl_is_set_inside_only() {
	local b out host
	host=$(cat /proc/sys/net/ipv4/ip_forward)
	b=$(bundle b '.linux.sysctl = {"net.ipv4.ip_forward": "1", "net.ipv4.ping_group_range": "0 0"}
		| .process.args = ["sh", "-c", "cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/ping_group_range"]')
	out=$(pk run --bundle "$b" c1 2>&1) || fail "run exited $?: $out"
	assert_eq "1|0	0" "$(paste -sd'|' <<<"$out")" "ip_forward | ping_group_range inside"
	assert_eq "$host" "$(cat /proc/sys/net/ipv4/ip_forward)" "the host's ip_forward"
}

test_sysctl_outside_the_container_namespaces_is_refused() {
	local b out host
	host=$(cat /proc/sys/kernel/panic)
	b=$(bundle b '.linux.sysctl = {"kernel.panic": "77"} | .process.args = ["true"]')
	pk run --bundle "$b" c1 2>"$T/err" && fail "run with sysctl kernel.panic succeeded"
	out=$(cat "$T/err")
	assert_match 'linux\.sysctl' "$out" "error"
	assert_match 'kernel\.panic' "$out" "error"
	assert_eq "$host" "$(cat /proc/sys/kernel/panic)" "the host's kernel.panic"
	assert_no_leftovers c1
}

test_default_devices_exist_with_the_right_numbers() {
	local b out want
	b=$(bundle_sh b '
		for d in null zero full random urandom tty; do echo "$d $(stat -c "%F %t:%T" /dev/$d)"; done
		for l in fd stdin stdout stderr ptmx; do echo "$l $(readlink /dev/$l)"; done
		echo "shm $(stat -c %F /dev/shm) $(awk '\''$2 == "/dev/shm" {print $3}'\'' /proc/mounts)"
		echo data >/dev/null && echo null-written
		echo "zero $(head -c 3 /dev/zero | od -An -tx1 | tr -d " ")"
		echo x 2>/dev/null >/dev/full || echo full-refused')
	out=$(pk run --bundle "$b" c1 2>&1) || fail "run exited $?: $out"
	for want in "null character special file 1:3" "zero character special file 1:5" \
		"full character special file 1:7" "random character special file 1:8" \
		"urandom character special file 1:9" "tty character special file 5:0" \
		"fd /proc/self/fd" "stdin /proc/self/fd/0" "stdout /proc/self/fd/1" "stderr /proc/self/fd/2" \
		"ptmx pts/ptmx" "shm directory tmpfs" null-written "zero 000000" full-refused; do
		grep -qxF -- "$want" <<<"$out" || fail "expected a line [$want] in: $(paste -sd'|' <<<"$out")"
	done
}

test_linux_devices_creates_a_device_with_mode_and_owner() {
	local b out
	b=$(bundle b '.linux.devices = [{"path": "/dev/mydev", "type": "c", "major": 1, "minor": 3,
			"fileMode": 384, "uid": 1000, "gid": 1000}] | .process.user = {"uid": 1000, "gid": 1000}
		| .linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]
		| .process.args = ["sh", "-c", "stat -c \"%F %t:%T %a %u:%g\" /dev/mydev; echo x >/dev/mydev && echo written"]')
	out=$(pk run --bundle "$b" c1 2>&1) || fail "run exited $?: $out"
	assert_eq "character special file 1:3 600 1000:1000|written" "$(paste -sd'|' <<<"$out")" "/dev/mydev"
}

test_rootfs_propagation_private_and_rslave_are_accepted() {
	local b p out
	for p in private rslave slave rprivate; do
		b=$(bundle "b-$p" '.linux.rootfsPropagation = "'$p'" | .process.args = ["ls", "/bin/sh"]')
		out=$(pk run --bundle "$b" "c-$p" 2>&1) || fail "rootfsPropagation $p: run exited $?: $out"
		assert_eq /bin/sh "$out" "rootfsPropagation $p"
	done
}

# rslave: a mount made on the host under the rootfs after start shows up inside; private: it does not.
test_rootfs_propagation_rslave_receives_host_mounts_private_does_not() {
	local p b pid
	for p in rslave private; do
		b=$(bundle "b-$p" '.linux.rootfsPropagation = "'$p'" | .process.args = ["sleep", "30"]')
		own_rootfs "$b"
		mkdir "$b/rootfs/mnt"
		mount --bind "$b/rootfs" "$b/rootfs" || fail "bind the rootfs onto itself"
		on_exit "umount -l '$b/rootfs'"
		mount --make-rshared "$b/rootfs" || fail "make the rootfs shared"
		pk run --detach --bundle "$b" "c-$p" || fail "run --detach with rootfsPropagation $p"
		pid=$(pk state "c-$p" | jq -r .pid)
		mount -t tmpfs pocket-test-late "$b/rootfs/mnt" || fail "mount on the host after start"
		on_exit "umount -l '$b/rootfs/mnt'"
		if [ $p = rslave ]; then
			grep -q ' /mnt .*pocket-test-late' /proc/$pid/mountinfo || fail "rslave: the host's new mount is not seen inside"
		else
			! grep -q ' /mnt .*pocket-test-late' /proc/$pid/mountinfo || fail "private: the host's new mount leaked inside"
		fi
		pk delete --force "c-$p"
	done
}

test_no_pivot_gives_a_working_container() {
	local b out
	b=$(bundle b '.process.args = ["sh", "-c", "ls /; echo; cat /proc/self/mountinfo | awk '"'"'$5 == \"/\"'"'"' | wc -l; ls /work 2>&1 || true"]')
	out=$(pk run --no-pivot --bundle "$b" c1 2>&1) || fail "run --no-pivot exited $?: $out"
	assert_eq "$(ls "$BASE/rootfs" | paste -sd'|')" "$(sed '/^$/q' <<<"$out" | sed '/^$/d' | paste -sd'|')" "ls / inside"
	assert_match 'No such file' "$(tail -1 <<<"$out")" "a host directory seen from inside"
	pk create --no-pivot --bundle "$b" c2 || fail "create --no-pivot"
	pk start c2 || fail "start"
	wait_status c2 stopped
}

test_only_stdio_fds_are_open_inside_even_when_the_caller_leaks_fds() {
	local b out
	b=$(bundle b '.process.args = ["/probe", "fds"]')
	own_rootfs "$b"
	out=$(pk run --bundle "$b" c1 3</etc/hostname 4</etc/hostname 5>"$T/leak" 2>&1) || fail "run exited $?: $out"
	assert_eq "0|1|2" "$(awk '{print $1}' <<<"$out" | sort -n | paste -sd'|')" "open fds inside ($(paste -sd'|' <<<"$out"))"
	# Through create/start, too: the init waits between the two with whatever fds it kept.
	b=$(bundle b2 '.process.args = ["sh", "-c", "/probe fds >/fds.out"] | .root.readonly = false')
	own_rootfs "$b"
	pk create --bundle "$b" c2 3</etc/hostname 4</etc/hostname 5>"$T/leak" </dev/null >/dev/null 2>&1 || fail "create"
	pk start c2 || fail "start"
	wait_status c2 stopped
	assert_eq "0|1|2" "$(awk '{print $1}' "$b/rootfs/fds.out" | sort -n | paste -sd'|')" \
		"open fds inside after create/start ($(paste -sd'|' <"$b/rootfs/fds.out"))"
}

test_process_cwd_is_used_and_created_when_missing() {
	local b out
	b=$(bundle_sh b '/probe cwd; pwd' '.process.cwd = "/work/dir"')
	own_rootfs "$b"
	out=$(pk run --bundle "$b" c1 2>&1) || fail "run exited $?: $out"
	assert_eq "/work/dir|/work/dir" "$(paste -sd'|' <<<"$out")" "getcwd | pwd inside"
	[ -d "$b/rootfs/work/dir" ] || fail "the missing cwd was not created in the rootfs"
}
