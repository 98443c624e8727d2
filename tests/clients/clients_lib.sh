# Sourced by tests/clients/test_*.sh (after tests/integration/lib.sh, which the runner sources): helpers that drive
# pocket through real clients, Debian's podman 4.3 and containerd 1.6, each with state of its own under $T.
#
# Provided:
#   $RUNC                   Debian's runc, the reference the scenarios are compared with
#   need_pkgs CMD:PKG...    install the Debian packages whose command (or file) is missing, or fail
#   cg_snapshot             every cgroup dir named *pocket* or libpod* (3 levels deep), sorted
#   netns_snapshot          the entries of /run/netns
#   kill_procs_mentioning S kill (by pid) every process whose command line mentions S
#   umount_under DIR        lazily unmount every mount point under DIR, deepest first
#   rm_cgroup_tree REL      kill what is left in, then remove, the cgroup REL (and below) in every hierarchy
#   wait_for CMD...         poll CMD (5 s) until it succeeds, or fail
#   podman_setup            podman with its own containers.conf, storage.conf, graphroot, runroot, tmpdir, CNI dir,
#                           events log and cgroup parent under $T/podman (see below); cleaned up on exit
#   pm ARGS... / pm_rt RUNTIME ARGS...   podman with --runtime $POCKET / RUNTIME (the state of podman_setup)
#   podman_image            import the default rootfs (plus $PROBE as /probe) as $IMG, once per test
#   podman_assert_clean     remove every container, then check nothing of them is left (processes, pocket and
#                           runc state, cgroups, mounts, network namespaces, bridges)
set -u
CLIENTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUNC=${RUNC:-$(command -v runc 2>/dev/null || echo /usr/sbin/runc)}

need_pkgs() {
	local cp cmd missing=()
	for cp in "$@"; do
		cmd=${cp%%:*}
		command -v "$cmd" >/dev/null 2>&1 || [ -e "$cmd" ] || missing+=("${cp#*:}")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "# installing ${missing[*]}" >&2
	# One apt at a time, and the list refreshed only when the install needs it.
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

cg_snapshot() {
	find /sys/fs/cgroup -maxdepth 3 \( -name '*pocket*' -o -name 'libpod*' \) 2>/dev/null | sort
}

netns_snapshot() {
	ls /run/netns 2>/dev/null | sort
}

kill_procs_mentioning() {
	local s=$1 p c pids=
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = $$ ] && continue
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
	local rel=$1 h d p
	[ -n "$rel" ] && [ "$rel" != / ] || return 0
	for h in /sys/fs/cgroup/*/; do
		[ -d "$h$rel" ] || continue
		# Thaw first: a frozen task cannot die.
		for d in $(find "$h$rel" -depth -type d); do
			[ -w "$d/freezer.state" ] && echo THAWED >"$d/freezer.state" 2>/dev/null
			for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		done
	done
	for h in /sys/fs/cgroup/*/; do
		[ -d "$h$rel" ] || continue
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			find "$h$rel" -depth -type d -exec rmdir {} + 2>/dev/null
			[ -d "$h$rel" ] || break
			sleep 0.1
		done
	done
	return 0
}

wait_for() {
	for _ in $(seq 50); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "still false after 5 s: $*"
}

# ---------------------------------------------------------------------------------------------------------------
# podman

IMG=localhost/pocket-busybox:test

need_podman() {
	need_pkgs podman:podman conmon:conmon /usr/lib/cni/bridge:containernetworking-plugins newuidmap:uidmap \
		fuse-overlayfs:fuse-overlayfs iptables:iptables /usr/bin/catatonit:catatonit script:util-linux
}

# Everything podman writes goes under $P: graphroot, runroot, tmpdir (exit files, locks), static dir, volumes, the
# CNI config dir, the events log. Its containers go in the cgroup $CGP (a parent of our own, given to every run and
# create): podman puts the container at $CGP/libpod-ID and conmon at $CGP/conmon. The default network is "none"
# (and pm passes --network none unless told otherwise): only a test that runs in a private network namespace may
# ask for the bridge.
podman_setup() {
	need_podman
	P=$T/podman
	CGP=/pocket-clients-$$-$(basename "$T")
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
	PM_CG_BEFORE=$(cg_snapshot)
	PM_NETNS_BEFORE=$(netns_snapshot)
	PM_STATE_BEFORE=$(state_snapshot)
	on_exit podman_cleanup
}

pm_rt() {
	local rt=$1 verb=$2 net=
	shift 2
	case $verb in
	run | create)
		case " $* " in *" --network"* | *" --net "* | *" --net="*) ;; *) net="--network none" ;; esac
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
	tar -C "$T/image-root" -cf "$tar" . || fail "tar the rootfs"
	podman import --change 'CMD=["/bin/sh"]' "$tar" "$IMG" >/dev/null 2>"$T/import.err" ||
		fail "podman import: $(cat "$T/import.err")"
	rm -rf "$T/image-root" "$tar"
}

# The state dirs of pocket and runc under podman: it passes no --root, so their defaults. Tests run one at a time,
# so what appears there during a test is the test's own.
POCKET_DEFAULT_ROOT=/run/pocket
RUNC_DEFAULT_ROOT=/run/runc
# Only podman's ids (64 hex digits): other users of this machine may run pocket or runc with the default root.
state_snapshot() {
	local d
	for d in "$POCKET_DEFAULT_ROOT" "$RUNC_DEFAULT_ROOT"; do
		[ -d "$d" ] && find "$d" -mindepth 1 -maxdepth 1 -type d -regextype egrep -regex '.*/[0-9a-f]{64}'
	done | sort
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
	rm -rf "$P"
}

# The end of a scenario: every container removed through podman, and nothing of them left behind.
podman_assert_clean() {
	local left=
	timeout 60 podman rm -af -t 0 >/dev/null 2>"$T/rm.err" || fail "podman rm -af: $(cat "$T/rm.err")"
	[ -z "$(podman ps -aq)" ] || fail "containers still listed: $(podman ps -a)"
	left="$left$(comm -13 <(echo "$PM_STATE_BEFORE") <(state_snapshot) | sed 's/^/ state:/' | tr '\n' ' ')"
	# podman itself leaves its cgroup parent and $CGP/conmon (with runc too); no container cgroup may stay.
	left="$left$(find /sys/fs/cgroup/*/"${CGP#/}" -name 'libpod-*' -type d 2>/dev/null | sed 's/^/ cgroup:/' | tr '\n' ' ')"
	left="$left$(findmnt -rn -o TARGET | grep -E "^$P/.*/(merged|shm)$" | sed 's/^/ mount:/' | tr '\n' ' ')"
	left="$left$(comm -13 <(echo "$PM_NETNS_BEFORE") <(netns_snapshot) | sed 's/^/ netns:/' | tr '\n' ' ')"
	left="$left$(ip -br link 2>/dev/null | awk '$1 ~ /^cni-podman|^veth/ {print " link:" $1}' | tr '\n' ' ')"
	left="$left$(pgrep -f "conmon .*$P/" | sed 's/^/ conmon:/' | tr '\n' ' ')"
	[ -z "${left// /}" ] || fail "left behind after podman rm:$left"
	rm_cgroup_tree "$CGP"
	local after
	after=$(cg_snapshot)
	[ "$after" = "$PM_CG_BEFORE" ] || fail "cgroups differ after the test: $(diff <(echo "$PM_CG_BEFORE") <(echo "$after") | grep '^[<>]' | tr '\n' ' ')"
}
