#!/bin/sh
# tools/mkbundle.sh POCKET_BINARY OUTDIR [SPEC_ARGS...]
# Builds the default test bundle: OUTDIR/rootfs from Debian's busybox-static, OUTDIR/config.json from
# `POCKET spec --bundle OUTDIR SPEC_ARGS...` (e.g. --rootless). Safe to run again over an existing OUTDIR.
set -eu

die() {
	echo "mkbundle: $*" >&2
	exit 1
}

[ $# -ge 2 ] || die "usage: $0 POCKET_BINARY OUTDIR [SPEC_ARGS...]"
pocket=$1 out=$2
shift 2
busybox=${BUSYBOX:-/bin/busybox}

[ -x "$pocket" ] || die "$pocket: not an executable"
[ -x "$busybox" ] || die "$busybox not found: install busybox-static"
# The rootfs has no libc, so a dynamically linked busybox (Debian's plain "busybox" package) cannot run in it.
! ldd "$busybox" >/dev/null 2>&1 || die "$busybox is dynamically linked: install busybox-static"

root=$out/rootfs
mkdir -p "$root/bin" "$root/sbin" "$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/root"
chmod 1777 "$root/tmp"
chmod 700 "$root/root"

# Copy then rename, so that rebuilding works while a container still runs the old binary (ETXTBSY).
cp "$busybox" "$root/bin/.busybox.new"
chmod 755 "$root/bin/.busybox.new"
mv -f "$root/bin/.busybox.new" "$root/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -sfn busybox "$root/bin/$applet"
done

printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
	>"$root/etc/passwd"
printf '%s\n' 'root:x:0:' 'tty:x:5:' 'nobody:x:65534:' >"$root/etc/group"
echo pocket >"$root/etc/hostname"

# Like `runc spec`, `pocket spec` may refuse to overwrite; the config is regenerated on every run.
rm -f "$out/config.json"
"$pocket" spec --bundle "$out" "$@" || die "$pocket spec failed"
[ -s "$out/config.json" ] || die "$pocket spec wrote no $out/config.json"
