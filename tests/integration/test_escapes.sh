# Container breakouts through symlinks and leaked fds: replays of the runc CVE classes. In every case pocket
# may refuse the config, or set the container up inside its rootfs, but never mount on, write into or give
# the container a handle on a host path.
#
# Detection: besides the host's own mount table and files, a createContainer hook (run in the container's
# mount namespace after the mounts, before pivot_root) dumps that namespace's mountinfo: a mount made at a
# host path outside the rootfs would be visible there, even though it disappears with the old root later.

# dump_mounts_hook: the jq filter adding that hook; the dump goes to $T/container-mountinfo.
dump_mounts_hook() {
	echo '.hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "cat /proc/self/mountinfo >'"$T"'/container-mountinfo"]}]'
}

# assert_never_mounted PATH: no mount point at or under PATH, in the host's mount table or the dump.
assert_never_mounted() {
	local p=$1 f
	for f in /proc/self/mountinfo "$T/container-mountinfo"; do
		[ -e "$f" ] || continue
		! awk -v p="$p" '$5 == p || index($5, p "/") == 1' "$f" | grep -q . ||
			fail "something was mounted at $p: $(awk -v p="$p" '$5 == p || index($5, p "/") == 1' "$f" | paste -sd'|') ($f)"
	done
}

# try_run VAR RUN_ARGS...: `pk run RUN_ARGS`, its output in VAR; logs whether pocket refused or accepted.
try_run() {
	local -n _out=$1
	shift
	_out=$(pk run "$@" 2>&1)
	local rc=$?
	echo "run $*: $([ $rc -eq 0 ] && echo accepted || echo "refused ($rc)"): $(paste -sd'|' <<<"$_out")"
	return $rc
}

# assert_empty_dir DIR
assert_empty_dir() {
	[ -d "$1" ] || fail "$1 is gone or no longer a directory"
	assert_eq "" "$(ls -A "$1")" "entries in the host directory $1"
}

# CVE-2019-16884 / CVE-2019-19921 class: the image's /proc is a symlink, so that mounting procfs (and then
# masking/readonly paths and LSM labels written under /proc) lands somewhere the image chose: here a host
# directory, by absolute and by relative path.
test_proc_symlink_to_a_host_dir_never_mounts_or_writes_there() {
	local form b out target
	for form in absolute relative; do
		mkdir -p "$T/hostproc-$form"
		b=$(bundle_sh "b-$form" 'stat -f -c %T /proc/; cat /proc/self/comm' "$(dump_mounts_hook)
			| .mounts += [{\"destination\": \"/proc/sub\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]")
		own_rootfs "$b"
		rmdir "$b/rootfs/proc"
		target=$T/hostproc-$form
		[ $form = relative ] && target=../../../../../../../../..$T/hostproc-$form
		ln -s "$target" "$b/rootfs/proc"
		rm -f "$T/container-mountinfo"
		if try_run out --bundle "$b" "c-$form"; then
			# Accepted: then procfs must be the container's /proc, mounted inside the rootfs.
			assert_eq "proc|cat" "$(paste -sd'|' <<<"$out")" "/proc inside ($form symlink)"
		fi
		assert_never_mounted "$T/hostproc-$form"
		assert_empty_dir "$T/hostproc-$form"
	done
}

# CVE-2021-30465 class: a mount destination that is a symlink (in runc, swapped in by a racing container)
# pointing out of the rootfs with "../..": the bind must land inside the rootfs, never on the host path.
test_mount_destination_symlink_out_of_the_rootfs_stays_inside() {
	local b out
	mkdir -p "$T/outside" "$T/src"
	echo from-src >"$T/src/marker"
	b=$(bundle_sh b 'cat /data/marker; echo written >/data/new' "$(dump_mounts_hook)
		| .mounts += [{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$T/src\", \"options\": [\"rbind\"]}]")
	own_rootfs "$b"
	ln -s "../../../../../../../../../..$T/outside" "$b/rootfs/data"
	if try_run out --bundle "$b" c1; then
		assert_eq from-src "$out" "/data/marker inside"
		assert_eq written "$(cat "$T/src/new" 2>&1)" "file written through /data"
	fi
	assert_never_mounted "$T/outside"
	assert_empty_dir "$T/outside"
	# The same through an absolute symlink.
	b=$(bundle_sh b2 'cat /data/marker' "$(dump_mounts_hook)
		| .mounts += [{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$T/src\", \"options\": [\"rbind\"]}]")
	own_rootfs "$b"
	ln -s "$T/outside" "$b/rootfs/data"
	rm -f "$T/container-mountinfo"
	if try_run out --bundle "$b" c2; then
		assert_eq from-src "$out" "/data/marker inside (absolute symlink)"
	fi
	assert_never_mounted "$T/outside"
	assert_empty_dir "$T/outside"
}

# CVE-2021-30465 class again, on a default mount: /dev is not a tmpfs in the config (so the image's own /dev
# is used) and the image's /dev/shm is a symlink to a host directory.
test_dev_shm_symlink_to_a_host_dir_when_dev_is_not_tmpfs() {
	local b out
	mkdir -p "$T/hostshm"
	b=$(bundle_sh b 'stat -f -c %T /dev/shm/; touch /dev/shm/x && echo written' "$(dump_mounts_hook)
		| .mounts = [.mounts[] | select(.destination != \"/dev\")]")
	own_rootfs "$b"
	ln -s "$T/hostshm" "$b/rootfs/dev/shm"
	if try_run out --bundle "$b" c1; then
		assert_eq "tmpfs|written" "$(paste -sd'|' <<<"$out")" "/dev/shm inside"
	fi
	assert_never_mounted "$T/hostshm"
	assert_empty_dir "$T/hostshm"
}

# CVE-2024-21626 class: process.cwd = /proc/self/fd/N, where N is an fd the runtime (or its caller) leaked
# into the container's init: the process would start with a working directory on the host, and reach the
# host's / through "..". Here the caller of pocket also holds directory fds on the host (/, $T, /etc).
test_cwd_through_a_leaked_fd_never_lands_on_the_host() {
	local n b out rc
	for n in 3 4 5 6 7 8; do
		b=$(bundle_sh "b$n" "touch ../../../../../../../../../..$T/escaped-$n 2>/dev/null; /probe cwd; ls -a | head -3" \
			'.process.cwd = "/proc/self/fd/'$n'" | .root.readonly = false')
		own_rootfs "$b"
		out=$(pk run --bundle "$b" "c$n" 3</ 4<"$T" 5</etc 6</ 2>&1)
		rc=$?
		echo "cwd /proc/self/fd/$n: exit $rc: $(paste -sd'|' <<<"$out")"
		[ ! -e "$T/escaped-$n" ] || fail "cwd /proc/self/fd/$n: the container created $T/escaped-$n on the host"
		if [ $rc -eq 0 ]; then
			# Accepted: the working directory must be a directory of the container.
			assert_match '^/' "$(head -1 <<<"$out")" "getcwd inside with cwd /proc/self/fd/$n"
			case $(head -1 <<<"$out") in
			"$T"* | /tmp/pocket* | /work* | /etc | /sys/fs/cgroup*) fail "cwd /proc/self/fd/$n is a host path: $out" ;;
			esac
		fi
	done
	assert_no_procs
}

# CVE-2025-31133 class: maskedPaths are masked by bind-mounting the container's /dev/null; when the image's
# /dev/null is not the real device (here a symlink to a host file, and /dev is not a tmpfs), the mask would
# instead expose that file, or make the masked path writable. Either refuse, or mask with a real /dev/null.
test_masking_with_a_fake_dev_null_never_exposes_its_target() {
	local b out f=
	for f in /proc/kcore /proc/timer_list /proc/keys ""; do [ -e "$f" ] && break; done
	[ -n "$f" ] || { echo "none of /proc/kcore, /proc/timer_list, /proc/keys exists on this host"; exit 77; }
	echo host-secret >"$T/hostnull"
	b=$(bundle_sh b "cat $f | head -c 100; stat -c %t:%T $f" \
		"$(dump_mounts_hook) | .mounts = [.mounts[] | select(.destination != \"/dev\")]
		| .linux.maskedPaths = [\"$f\"]")
	own_rootfs "$b"
	rm -f "$b/rootfs/dev/null"
	ln -s "$T/hostnull" "$b/rootfs/dev/null"
	if try_run out --bundle "$b" c1; then
		assert_eq "1:3" "$(paste -sd'|' <<<"$out")" "masked $f inside (empty, the real /dev/null)"
	fi
	[ ! -e "$T/container-mountinfo" ] || ! grep -q "$T/hostnull" "$T/container-mountinfo" ||
		fail "the host file $T/hostnull was mounted in the container"
	assert_eq host-secret "$(cat "$T/hostnull")" "the host file the fake /dev/null points at"
}

# The same through a fake /dev/null that is a regular file of the image.
test_masking_with_a_regular_file_as_dev_null_never_exposes_it() {
	local b out f=
	for f in /proc/kcore /proc/timer_list /proc/keys ""; do [ -e "$f" ] && break; done
	[ -n "$f" ] || { echo "none of /proc/kcore, /proc/timer_list, /proc/keys exists on this host"; exit 77; }
	b=$(bundle_sh b "cat $f | head -c 100; stat -c %t:%T $f" \
		".mounts = [.mounts[] | select(.destination != \"/dev\")] | .linux.maskedPaths = [\"$f\"]")
	own_rootfs "$b"
	rm -f "$b/rootfs/dev/null"
	echo image-secret >"$b/rootfs/dev/null"
	if try_run out --bundle "$b" c1; then
		assert_eq "1:3" "$(paste -sd'|' <<<"$out")" "masked $f inside (empty, the real /dev/null)"
	fi
}
