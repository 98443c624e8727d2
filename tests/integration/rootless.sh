# Sourced by the rootless tests (test_rootless.sh, test_usernet.sh): an unprivileged user of their own, with
# subordinate id ranges, made for one test and removed after it.
#   rootless_setup      make the user (RL_USER, RL_UID, RL_GID) and register its removal with on_exit
#   as_user CMD...      run CMD as that user, with a clean environment
#   rl_bundle NAME [JQ] a rootless config (pocket spec --rootless as the user) over the shared rootfs

RL_USER=pocket-rl
RL_SUB=300000

rootless_setup() {
	command -v newuidmap >/dev/null || { echo "newuidmap missing (package uidmap)"; exit 77; }
	userdel "$RL_USER" >/dev/null 2>&1
	sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
	useradd -M -d /nonexistent -s /bin/sh "$RL_USER" || fail "useradd"
	echo "$RL_USER:$RL_SUB:65536" >>/etc/subuid
	echo "$RL_USER:$RL_SUB:65536" >>/etc/subgid
	RL_UID=$(id -u "$RL_USER") RL_GID=$(id -g "$RL_USER")
	chmod 755 "$T"
	on_exit rootless_teardown
}

rootless_teardown() {
	# The user's containers first (its state dir is its own), then the user.
	for d in /tmp/pocket-"$RL_UID"/*/; do
		[ -d "$d" ] && as_user "$POCKET" delete --force "$(basename "$d")" >/dev/null 2>&1
	done
	rm -rf /tmp/pocket-"$RL_UID" "$T/xdg"
	pkill -KILL -u "$RL_USER" 2>/dev/null # only this test's user: nothing else runs as it
	userdel "$RL_USER" >/dev/null 2>&1
	sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
}

# The user's live processes (ps lines), zombies aside: a killed container's init may wait a moment for
# whoever inherited it to reap it.
rl_live_procs() { ps -o pid=,stat=,args= -u "$RL_USER" 2>/dev/null | awk '$2 !~ /^Z/'; }

as_user() { setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups --reset-env -- "$@"; }

# rl_bundle NAME [JQ]: a rootless config (pocket spec --rootless as the user) over the shared rootfs.
rl_bundle() {
	local dir="$T/$1"
	mkdir -p "$dir" && chown "$RL_UID:$RL_GID" "$dir"
	as_user "$POCKET" spec --rootless --bundle "$dir" || fail "spec --rootless"
	jq --arg root "$BASE/rootfs" ".root.path = \$root | ${2:-.}" "$dir/config.json" >"$dir/c" && mv "$dir/c" "$dir/config.json"
	chown "$RL_UID:$RL_GID" "$dir/config.json"
	echo "$dir"
}
