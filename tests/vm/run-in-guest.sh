#!/bin/bash
# tests/vm/run-in-guest.sh CMD [ARG...]: run CMD, from the current directory, inside a qemu guest that boots
# Debian's 6.1 kernel with a pure cgroup v2 hierarchy on the host's own files (see tests/vm/README.md).
# Streams CMD's output and exits with its status; 125 when the guest itself failed, 124 on time-out.
# Environment: POCKET_VM_KERNEL (default: the newest /boot/vmlinuz-6.1.*), POCKET_VM_TIMEOUT (s, default 900),
# POCKET_VM_BIND (host directories under /tmp, /var/tmp or /run the command needs, space-separated),
# POCKET_VM_INIT=systemd (boot the host's systemd as PID 1 and run CMD as a unit of it; default: no init).
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || { echo "usage: $0 CMD [ARG...]" >&2; exit 2; }
kernel=${POCKET_VM_KERNEL:-$(ls -v /boot/vmlinuz-6.1.* 2>/dev/null | tail -1)}
[ -r "$kernel" ] || { echo "run-in-guest: no 6.1 kernel in /boot: run make vm-deps" >&2; exit 2; }
limit=${POCKET_VM_TIMEOUT:-900}

tmp=$(mktemp -d /tmp/pocket-vm.XXXXXX)
qpid=
cleanup() {
	# qpid is timeout(1)'s, which passes the TERM on to qemu.
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
# The console's last lines, without \r and the firmware's terminal escapes (which would reset a terminal).
console_tail() { tail -n "$1" "$tmp/console" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g; s/\r//g' >&2; }
trap 'exit 130' INT
trap 'exit 143' TERM

"$here/mkinitramfs.sh" "${kernel##*/vmlinuz-}" "$tmp/initrd" || exit 125
# The guest reads the command from, and writes the status to, a second, writable 9p share.
mkdir "$tmp/share"
{ printf 'cd %q || exit 125; exec' "$PWD"; printf ' %q' "$@"; echo; } >"$tmp/share/cmd"
# The guest has fresh tmpfs on /tmp, /var/tmp and /run: a working directory there, and the directories
# named in POCKET_VM_BIND (space-separated), are shown read-only from the host's.
echo "${POCKET_VM_INIT:-none}" >"$tmp/share/init"
for d in "$PWD" ${POCKET_VM_BIND:-}; do
	case $(realpath -m "$d") in /tmp/* | /var/tmp/* | /run/*) realpath -m "$d" ;; esac
done >"$tmp/share/binds"

echo "run-in-guest: booting $(basename "$kernel") under qemu (tcg), time limit ${limit}s" >&2
start=$(date +%s)
: >"$tmp/console" # exists before tail looks for it
# The host's / read-only (multidevs=remap: inode numbers of other mounts must not collide); no network.
timeout -k 10 "$limit" qemu-system-x86_64 -accel tcg -m 2048 -smp 2 -nographic -no-reboot -nic none \
	-kernel "$kernel" -initrd "$tmp/initrd" -append "console=ttyS0 quiet panic=-1" \
	-virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$tmp/share",mount_tag=share,security_model=none \
	</dev/null >>"$tmp/console" 2>&1 &
qpid=$!
# Stream the console from the guest's BEGIN line to its EXIT line, without the serial line's \r. In the
# background, so that a signal to this script is handled at once (bash defers traps until a foreground
# command ends): `wait` returns on a trapped signal, and the trap kills qemu.
tail -n +1 -f --pid="$qpid" "$tmp/console" |
	sed -u -n -e 's/\r$//' -e '/POCKET-VM-BEGIN$/,/^POCKET-VM-EXIT /{/POCKET-VM-/!p}' &
spid=$!
wait "$qpid"
qrc=$?
qpid=
wait "$spid" # tail ends within a second of qemu, after the last line

if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
	echo "run-in-guest: TIMEOUT: the guest did not finish in ${limit}s; qemu killed. Last console lines:" >&2
	console_tail 20
	exit 124
fi
# The status file, not the console's EXIT line: it cannot be garbled by kernel messages.
if ! rc=$(cat "$tmp/share/rc" 2>/dev/null) || [ -z "$rc" ]; then
	echo "run-in-guest: the guest failed before reporting a status (qemu exit $qrc). Last console lines:" >&2
	console_tail 30
	exit 125
fi
echo "run-in-guest: guest exited $rc after $(($(date +%s) - start))s" >&2
exit "$rc"
