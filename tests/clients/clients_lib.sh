# Sourced by tests/clients/test_*.sh (after tests/integration/lib.sh, which the runner sources first): helpers
# that drive pocket through real clients, Debian's podman 4.3 and containerd 1.6, each with state of its own under
# $T, and compare with Debian's runc.
#
# Provided:
#   $RUNC                   Debian's runc, the reference every scenario is compared with
#   need_pkgs CMD:PKG...    install the Debian packages whose command (or file) is missing, or fail
#   cg_mine TAG             the cgroup dirs (3 levels deep, every hierarchy) whose path mentions TAG
#   kill_procs_mentioning S kill (by pid) every process whose command line mentions S, but this shell
#   umount_under DIR        lazily unmount every mount point under DIR, deepest first
#   rm_cgroup_tree REL      thaw, kill what is left in, then remove the cgroup REL (and below) in every hierarchy
#   wait_for CMD...         poll CMD (10 s) until it succeeds, or fail
#   podman_setup            podman with its own containers.conf, storage.conf, graphroot, runroot, tmpdir, CNI dir,
#                           events log and cgroup parent, all under $P=$T/podman; cleaned up when the test ends
#   pm ARGS... / pm_rt RUNTIME ARGS...   podman with --runtime $POCKET / RUNTIME
#   podman_image            import the default rootfs (with $PROBE as /probe) as $IMG
#   podman_assert_clean     remove every container through podman, then check nothing of them is left behind
#   containerd_setup        containerd with its own config, root, state, socket, fifo dir and namespace, all under
#                           $C=$T/containerd; stopped and removed when the test ends
#   cx ARGS...              ctr on that socket and namespace
#   cx_run RUNTIME ARGS...  ctr run with that runtime binary (--runc-binary) and a runtime root under $C
#   containerd_image        import an OCI image layout tarball made from the default rootfs as $CIMG
#   containerd_assert_clean every task and container gone, and nothing of them left behind
set -u
CLIENTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUNC=${RUNC:-$(command -v runc 2>/dev/null || echo /usr/sbin/runc)}
# A name of this test alone (the runner's work dir and test number), for cgroups and namespaces.
TAG=pocket-clients-$(basename "$(dirname "${T:-/x/y}")" | tr -cd 'a-zA-Z0-9')-$(basename "${T:-/x/y}")

need_pkgs() {
	local cp cmd missing=()
	for cp in "$@"; do
		cmd=${cp%%:*}
		command -v "$cmd" >/dev/null 2>&1 || [ -e "$cmd" ] || missing+=("${cp#*:}")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "# installing ${missing[*]}" >&2
	# One apt at a time; the package lists are refreshed only when the install needs it.
	flock /tmp/pocket-clients-apt.lock sh -c '
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }' \
		sh "${missing[@]}" || fail "could not install ${missing[*]} from Debian"
	for cp in "$@"; do
		cmd=${cp%%:*}
		command -v "$cmd" >/dev/null 2>&1 || [ -e "$cmd" ] || fail "$cmd still missing after installing ${cp#*:}"
	done
}

cg_mine() {
	find /sys/fs/cgroup -maxdepth 3 -type d -path "*$1*" 2>/dev/null | sort
}

kill_procs_mentioning() {
	local s=$1 p c pids=
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = $$ ] || [ "${p#/proc/}" = "$BASHPID" ] && continue
		c=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		[[ $c == *"$s"* ]] && pids="$pids ${p#/proc/}"
	done
	[ -n "$pids" ] && kill -9 $pids 2>/dev/null
	return 0
}

umount_under() {
	local dir=$1 m
	[ -n "$dir" ] || return 0
	# findmnt escapes blanks as \x20; our paths have none.
	for m in $(findmnt -rn -o TARGET | grep -E "^$dir(/|$)" | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	return 0
}

rm_cgroup_tree() {
	local rel=${1#/} h d p
	[ -n "$rel" ] || return 0
	for h in /sys/fs/cgroup/*/; do
		[ -d "$h$rel" ] || continue
		for d in $(find "$h$rel" -depth -type d); do
			# Thaw first: a frozen task does not die.
			[ -w "$d/freezer.state" ] && echo THAWED >"$d/freezer.state" 2>/dev/null
			for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		done
	done
	for h in /sys/fs/cgroup/*/; do
		[ -d "$h$rel" ] || continue
		for _ in $(seq 20); do
			find "$h$rel" -depth -type d -exec rmdir {} + 2>/dev/null
			[ -d "$h$rel" ] || break
			sleep 0.1
		done
	done
	return 0
}

wait_for() {
	for _ in $(seq 100); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "still false after 10 s: $*"
}

# ---------------------------------------------------------------------------------------------------------------
# podman

IMG=localhost/pocket-busybox:test

need_podman() {
	need_pkgs podman:podman conmon:conmon /usr/lib/cni/bridge:containernetworking-plugins newuidmap:uidmap \
		fuse-overlayfs:fuse-overlayfs iptables:iptables /usr/bin/catatonit:catatonit script:util-linux \
		useradd:passwd jq:jq
}

# The state dirs of pocket and runc under podman: podman passes them no --root, so their defaults. Only podman's
# ids (64 hex digits) count: other users of this machine may run pocket or runc with the default root.
POCKET_DEFAULT_ROOT=/run/pocket
RUNC_DEFAULT_ROOT=/run/runc
state_snapshot() {
	local d
	for d in "$POCKET_DEFAULT_ROOT" "$RUNC_DEFAULT_ROOT"; do
		[ -d "$d" ] && find "$d" -mindepth 1 -maxdepth 1 -type d -regextype egrep -regex '.*/[0-9a-f]{64}'
	done | sort
}

netns_snapshot() {
	ls /run/netns 2>/dev/null | sort
}

# Everything podman writes goes under $P: graphroot, runroot, tmpdir (exit files, locks), static dir, volumes, the
# CNI config dir, the events log. Containers go in the cgroup parent $CGP, which pm gives to every run and create:
# podman puts the container at $CGP/libpod-ID and conmon at $CGP/conmon. The default network is "none", and pm
# passes --network none unless told otherwise (or --pod): only a test inside a private network namespace asks for
# the bridge.
podman_vars() {
	P=$T/podman
	CGP=/$TAG
}

podman_setup() {
	need_podman
	podman_vars
	# podman gives the runtime no --root: pocket keeps its state (and its compiled seccomp filters) in
	# /run/pocket; if this test brought that directory, it takes it away again.
	PM_POCKET_ROOT_NEW=0
	[ -d "$POCKET_DEFAULT_ROOT" ] || PM_POCKET_ROOT_NEW=1
	mkdir -p "$P/cni" "$P/tmp" "$P/graph" "$P/run"
	cat >"$P/containers.conf" <<-EOF
		[containers]
		default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
		log_driver = "k8s-file"
		netns = "none"
		init_path = "/usr/bin/catatonit"

		[network]
		network_backend = "cni"
		network_config_dir = "$P/cni"
		cni_plugin_dirs = ["/usr/lib/cni"]

		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$P/events.log"
		tmp_dir = "$P/tmp"
		static_dir = "$P/graph/libpod"
		volume_path = "$P/graph/volumes"
		pull_policy = "never"
		runtime = "pocket"
		runtime_supports_json = ["crun", "runc", "pocket"]

		[engine.runtimes]
		pocket = ["$POCKET"]
		runc = ["$RUNC"]
	EOF
	cat >"$P/storage.conf" <<-EOF
		[storage]
		driver = "overlay"
		graphroot = "$P/graph"
		runroot = "$P/run"
	EOF
	: >"$P/registries.conf"
	export CONTAINERS_CONF=$P/containers.conf CONTAINERS_STORAGE_CONF=$P/storage.conf
	export CONTAINERS_REGISTRIES_CONF=$P/registries.conf
	PM_NETNS_BEFORE=$(netns_snapshot)
	PM_STATE_BEFORE=$(state_snapshot)
	# `podman import` keeps a blob cache in /var/lib/containers/cache whatever the storage.conf says.
	PM_VARLIB_NEW=0
	[ -e /var/lib/containers ] || PM_VARLIB_NEW=1
	on_exit podman_cleanup
}

pm_rt() {
	local rt=$1 verb=$2 net=
	shift 2
	case $verb in
	run | create)
		case " $* " in *" --network"* | *" --net "* | *" --net="* | *" --pod "* | *" --pod="*) ;; *) net="--network=none" ;; esac
		podman --runtime "$rt" "$verb" --cgroup-parent "$CGP" $net "$@"
		;;
	*) podman --runtime "$rt" "$verb" "$@" ;;
	esac
}

pm() { pm_rt "$POCKET" "$@"; }

podman_image() {
	local tar=$T/image.tar
	mkdir -p "$T/image-root"
	cp -a "$BASE/rootfs/." "$T/image-root/" && cp "$PROBE" "$T/image-root/probe" || fail "copy the rootfs"
	tar -C "$T/image-root" --numeric-owner -cf "$tar" . || fail "tar the rootfs"
	podman import --change 'CMD=["/bin/sh"]' "$tar" "$IMG" >/dev/null 2>"$T/import.err" ||
		fail "podman import: $(cat "$T/import.err")"
	rm -rf "$T/image-root" "$tar"
}

podman_cleanup() {
	[ -n "${P:-}" ] && [ -d "$P" ] || return 0
	timeout 60 podman rm -af -t 0 >/dev/null 2>&1
	timeout 30 podman rmi -af >/dev/null 2>&1
	local d id
	for d in $(comm -13 <(echo "$PM_STATE_BEFORE") <(state_snapshot)); do
		id=$(basename "$d")
		case $d in
		"$POCKET_DEFAULT_ROOT"/*) "$POCKET" delete --force "$id" ;;
		*) "$RUNC" delete --force "$id" ;;
		esac >/dev/null 2>&1
	done
	kill_procs_mentioning "$P/"
	rm_cgroup_tree "$CGP"
	umount_under "$P"
	for id in $(comm -13 <(echo "$PM_NETNS_BEFORE") <(netns_snapshot)); do
		umount -l "/run/netns/$id" 2>/dev/null
		rm -f "/run/netns/$id"
	done
	if [ "${PM_POCKET_ROOT_NEW:-0}" = 1 ]; then
		rm -rf "$POCKET_DEFAULT_ROOT/.seccomp-cache"
		rmdir "$POCKET_DEFAULT_ROOT" 2>/dev/null
	fi
	if [ "$PM_VARLIB_NEW" = 1 ]; then
		rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb
		rmdir /var/lib/containers/cache /var/lib/containers 2>/dev/null
	fi
	rm -rf "$P"
}

# The end of a scenario: every container removed through podman, and nothing of them left behind.
# PM_PRIVATE_NET=1 (the bridge test) allows the bridge podman leaves in its own network namespace.
podman_assert_clean() {
	local left=''
	timeout 60 podman rm -af -t 0 >/dev/null 2>"$T/rm.err" || fail "podman rm -af: $(cat "$T/rm.err")"
	[ -z "$(podman ps -aq)" ] || fail "containers still listed: $(podman ps -a)"
	left="$left$(comm -13 <(echo "$PM_STATE_BEFORE") <(state_snapshot) | sed 's/^/ state:/' | tr '\n' ' ')"
	# podman leaves its cgroup parent and $CGP/conmon (with runc too); no container cgroup may stay.
	left="$left$(cg_mine "$TAG" | grep '/libpod-' | sed 's/^/ cgroup:/' | tr '\n' ' ')"
	left="$left$(findmnt -rn -o TARGET | grep -E "^$P/.*/(merged|shm)$" | sed 's/^/ mount:/' | tr '\n' ' ')"
	left="$left$(comm -13 <(echo "$PM_NETNS_BEFORE") <(netns_snapshot) | sed 's/^/ netns:/' | tr '\n' ' ')"
	if [ "${PM_PRIVATE_NET:-0}" = 1 ]; then
		left="$left$(ip -br link 2>/dev/null | awk '$1 ~ /^veth/ {print " link:" $1}' | tr '\n' ' ')"
	else
		left="$left$(ip -br link 2>/dev/null | awk '$1 ~ /^cni-podman|^veth/ {print " link:" $1}' | tr '\n' ' ')"
	fi
	left="$left$(pgrep -f "conmon .*$P/" | sed 's/^/ conmon:/' | tr '\n' ' ')"
	[ -z "${left// /}" ] || fail "left behind after podman rm -af:$left"
	rm_cgroup_tree "$CGP"
	left=$(cg_mine "$TAG")
	[ -z "$left" ] || fail "cgroups that cannot be removed: $left"
}

# ---------------------------------------------------------------------------------------------------------------
# containerd

CIMG=docker.io/library/pocket-busybox:test

need_containerd() {
	need_pkgs containerd:containerd ctr:containerd containerd-shim-runc-v2:containerd script:util-linux jq:jq \
		sha256sum:coreutils
}

containerd_vars() {
	C=$T/containerd
	NS=$TAG
}

# containerd keeps its shim sockets in /run/containerd/s whatever its state dir: the clean-up removes that dir
# only when empty.
containerd_setup() {
	need_containerd
	containerd_vars
	mkdir -p "$C/root" "$C/state" "$C/fifo" "$C/opt"
	cat >"$C/config.toml" <<-EOF
		version = 2
		root = "$C/root"
		state = "$C/state"
		# Plugins this host cannot use or these tests do not need (CRI would want CNI and a pause image).
		disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.aufs",
		  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper",
		  "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp",
		  "io.containerd.internal.v1.tracing"]

		[grpc]
		  address = "$C/containerd.sock"
		[ttrpc]
		  address = "$C/containerd.sock.ttrpc"
		[debug]
		  level = "info"
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$C/opt"
	EOF
	CD_RUN_NEW=0
	[ -e /run/containerd ] || CD_RUN_NEW=1
	on_exit containerd_cleanup
	containerd --config "$C/config.toml" >"$C/containerd.log" 2>&1 &
	CD_PID=$!
	echo "$CD_PID" >"$C/containerd.pid"
	for _ in $(seq 100); do
		ctr --address "$C/containerd.sock" version >/dev/null 2>&1 && return 0
		kill -0 "$CD_PID" 2>/dev/null || fail "containerd died: $(tail -5 "$C/containerd.log")"
		sleep 0.1
	done
	fail "containerd does not answer on $C/containerd.sock: $(tail -5 "$C/containerd.log")"
}

cx() { ctr --address "$C/containerd.sock" --namespace "$NS" "$@"; }

# The runtime's root: containerd's shim passes --root ROOT/NAMESPACE to the runtime.
cx_root() { echo "$C/runtime-$(basename "$1")"; }

cx_run() {
	local rt=$1
	shift
	cx run --fifo-dir "$C/fifo" --runc-binary "$rt" --runc-root "$(cx_root "$rt")" "$@"
}

# An OCI image layout (oci-layout, index.json, blobs/sha256/...) of one uncompressed layer, made by hand.
make_oci_tar() {
	local rootfs=$1 name=$2 out=$3 w ld ls cd cs md ms
	w=$(mktemp -d "$T/oci.XXXXXX")
	mkdir -p "$w/blobs/sha256"
	tar -C "$rootfs" --numeric-owner -cf "$w/layer.tar" . || return 1
	ld=$(sha256sum "$w/layer.tar" | cut -d' ' -f1) ls=$(stat -c %s "$w/layer.tar")
	mv "$w/layer.tar" "$w/blobs/sha256/$ld"
	jq -cn --arg d "sha256:$ld" --arg arch "$(dpkg --print-architecture)" \
		'{architecture: $arch, os: "linux", rootfs: {type: "layers", diff_ids: [$d]},
		  config: {Cmd: ["/bin/sh"], Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}}' \
		>"$w/config.json"
	cd=$(sha256sum "$w/config.json" | cut -d' ' -f1) cs=$(stat -c %s "$w/config.json")
	mv "$w/config.json" "$w/blobs/sha256/$cd"
	jq -cn --arg c "sha256:$cd" --argjson cs "$cs" --arg l "sha256:$ld" --argjson ls "$ls" \
		'{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
		  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
		  layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]}' >"$w/manifest.json"
	md=$(sha256sum "$w/manifest.json" | cut -d' ' -f1) ms=$(stat -c %s "$w/manifest.json")
	mv "$w/manifest.json" "$w/blobs/sha256/$md"
	jq -cn --arg m "sha256:$md" --argjson ms "$ms" --arg n "$name" \
		'{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m,
		  size: $ms, annotations: {"io.containerd.image.name": $n, "org.opencontainers.image.ref.name": "test"}}]}' \
		>"$w/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$w/oci-layout"
	tar -C "$w" -cf "$out" oci-layout index.json blobs || return 1
	rm -rf "$w"
}

containerd_image() {
	mkdir -p "$T/image-root"
	cp -a "$BASE/rootfs/." "$T/image-root/" && cp "$PROBE" "$T/image-root/probe" || fail "copy the rootfs"
	make_oci_tar "$T/image-root" "$CIMG" "$T/oci.tar" || fail "could not build the OCI image tarball"
	cx image import "$T/oci.tar" >"$T/import.out" 2>&1 || fail "ctr image import: $(cat "$T/import.out")"
	rm -rf "$T/image-root" "$T/oci.tar"
}

containerd_cleanup() {
	[ -n "${C:-}" ] && [ -d "$C" ] || return 0
	local t rt d ids
	# Shim sockets are /run/containerd/s/SHA256(ADDRESS/NAMESPACE/ID): those of a killed shim stay behind.
	ids=$(ls "$C/state/io.containerd.runtime.v2.task/$NS" 2>/dev/null)
	if [ -S "$C/containerd.sock" ] && kill -0 "$(cat "$C/containerd.pid" 2>/dev/null)" 2>/dev/null; then
		ids="$ids $(timeout 10 cx container ls -q 2>/dev/null)"
		for t in $(timeout 10 ctr --address "$C/containerd.sock" --namespace "$NS" task ls -q 2>/dev/null); do
			timeout 10 cx task resume "$t"
			timeout 10 cx task kill -a -s KILL "$t"
			timeout 10 cx task delete -f "$t"
		done >/dev/null 2>&1
		for t in $(timeout 10 cx container ls -q 2>/dev/null); do timeout 10 cx container rm "$t"; done >/dev/null 2>&1
		timeout 10 cx image rm "$CIMG" >/dev/null 2>&1
		kill "$(cat "$C/containerd.pid")" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$(cat "$C/containerd.pid")" 2>/dev/null || break; sleep 0.1; done
	fi
	kill -9 "$(cat "$C/containerd.pid" 2>/dev/null)" 2>/dev/null
	for rt in "$POCKET" "$RUNC"; do
		for d in "$(cx_root "$rt")/$NS"/*/; do
			[ -d "$d" ] && "$rt" --root "$(cx_root "$rt")/$NS" delete --force "$(basename "$d")" >/dev/null 2>&1
		done
	done
	kill_procs_mentioning "$C/"
	for t in $ids; do
		rm -f "/run/containerd/s/$(printf '%s' "$C/containerd.sock/$NS/$t" | sha256sum | cut -d' ' -f1)"
	done
	rm_cgroup_tree "/$NS"
	umount_under "$C"
	if [ "$CD_RUN_NEW" = 1 ]; then
		rmdir /run/containerd/s /run/containerd/fifo /run/containerd 2>/dev/null
	fi
	rm -rf "$C"
}

containerd_assert_clean() {
	local left='' rt
	[ -z "$(cx task ls -q)" ] || fail "tasks still listed: $(cx task ls)"
	[ -z "$(cx container ls -q)" ] || fail "containers still listed: $(cx container ls)"
	for rt in "$POCKET" "$RUNC"; do
		left="$left$(find "$(cx_root "$rt")/$NS" -mindepth 1 -maxdepth 1 2>/dev/null | sed 's/^/ state:/' | tr '\n' ' ')"
	done
	left="$left$(cg_mine "$TAG" | grep "/$NS/" | sed 's/^/ cgroup:/' | tr '\n' ' ')"
	left="$left$(findmnt -rn -o TARGET | grep -E "^$C/" | sed 's/^/ mount:/' | tr '\n' ' ')"
	left="$left$(pgrep -f "containerd-shim.*$C/" | sed 's/^/ shim:/' | tr '\n' ' ')"
	[ -z "${left// /}" ] || fail "left behind after the tasks and containers were deleted:$left"
	rm_cgroup_tree "/$NS"
	left=$(cg_mine "$TAG")
	[ -z "$left" ] || fail "cgroups that cannot be removed: $left"
}
