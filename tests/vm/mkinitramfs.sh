#!/bin/sh
# tests/vm/mkinitramfs.sh KERNEL_VERSION OUT: pack the test guest's initramfs (gzip'd newc cpio) into OUT:
# tests/vm/init as /init, Debian's static busybox, and the modules 9p and overlayfs need, uncompressed.
set -eu
kver=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
busybox=/bin/busybox
[ -d "/lib/modules/$kver" ] || { echo "mkinitramfs: no /lib/modules/$kver: run make vm-deps" >&2; exit 1; }
# A dynamic busybox would find no libc in the initramfs.
! ldd "$busybox" >/dev/null 2>&1 || { echo "mkinitramfs: $busybox is not static: install busybox-static" >&2; exit 1; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/pocket-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/proc" "$stage/sys" "$stage/dev" "$stage/modules"
cp "$busybox" "$stage/bin/busybox"
cp "$here/init" "$stage/init"
chmod 755 "$stage/init" "$stage/bin/busybox"

# kmod resolves the dependency order for the guest's kernel (virtio_ring ... 9p); "builtin" lines need nothing.
modprobe -S "$kver" --show-depends -a virtio_pci 9pnet_virtio 9p overlay |
	awk '$1 == "insmod" && !seen[$2]++ { print $2 }' |
	while read -r ko; do
		name=$(basename "$ko")
		# Debian 12 ships them plain; later kernels compress them, and busybox insmod may not decompress.
		case $ko in
		*.xz) xz -dc "$ko" >"$stage/modules/${name%.xz}"; name=${name%.xz} ;;
		*.zst) zstd -qdc "$ko" >"$stage/modules/${name%.zst}"; name=${name%.zst} ;;
		*.gz) gzip -dc "$ko" >"$stage/modules/${name%.gz}"; name=${name%.gz} ;;
		*) cp "$ko" "$stage/modules/$name" ;;
		esac
		echo "$name" >>"$stage/modules/order"
	done
[ -s "$stage/modules/order" ] || { echo "mkinitramfs: found no 9p modules for $kver" >&2; exit 1; }

(cd "$stage" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
