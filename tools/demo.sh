#!/bin/sh
# tools/demo.sh POCKET BUNDLE: run one container from the default bundle and show, from inside, what it
# cannot see of the host.
set -eu
pocket=$(realpath "$1") bundle=$(realpath "$2")
work=$(mktemp -d /tmp/pocket-demo.XXXXXX)
trap '"$pocket" --root "$work/state" delete --force demo >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir -p "$work/bundle"
jq --arg root "$bundle/rootfs" '.root.path = $root | .process.args = ["sh", "-c",
  "echo \"== inside the pocket ==\"; echo \"my pid: $$ (PID 1 of my own pid namespace)\";
   echo \"processes I can see:\"; ps -o pid,user,comm;
   echo \"hostname: $(hostname)\"; echo \"network interfaces:\"; ip -o link | cut -d: -f2;
   echo \"mounts:\"; cut -d\" \" -f2,3 /proc/mounts | sed \"s/^/  /\";
   echo \"uid: $(id -u), capabilities: $(grep CapEff /proc/self/status)\""]' \
   "$bundle/config.json" >"$work/bundle/config.json"
echo "== on the host: $(hostname), $(ip -o link | wc -l) network interfaces, $(wc -l </proc/mounts) mounts, $(ls /proc | grep -c '^[0-9]') processes =="
"$pocket" --root "$work/state" run --bundle "$work/bundle" demo
