# Hooks (config.md "POSIX-platform Hooks", runtime.md "Lifecycle"): when each kind runs, what it is given on
# stdin, args/env, and what a failing or hanging hook does to the operation.
#
# Every hook appends "<kind> <status> <id> <pid>" to one log. The log lives in $T/hooks, which is also bind
# mounted at /tmp in the container (a directory the shared read-only rootfs has), so that startContainer
# (which runs inside the container, after pivot_root, and must resolve its path there) appends to the same
# file as the hooks running on the host.

# Host hook: parse the state on stdin with jq; $1 is the kind (the hook's args are passed).
host_hook() {
	mkdir -p "$T/hooks"
	cat >"$T/hooks/host.sh" <<-'EOF'
		#!/bin/sh
		st=$(cat)
		echo "$1 $(printf '%s' "$st" | jq -r '"\(.status) \(.id) \(.pid)"')" >>"$HOOKLOG"
	EOF
	cat >"$T/hooks/inside.sh" <<-'EOF'
		#!/bin/sh
		st=$(cat)
		f() { printf '%s' "$st" | tr -d '\n' | sed -n "s/.*\"$1\": *\"\{0,1\}\([^\",}]*\).*/\1/p"; }
		echo "$1 $(f status) $(f id) $(f pid)" >>/tmp/hooks.log
	EOF
	chmod 755 "$T/hooks/host.sh" "$T/hooks/inside.sh"
}

# A bundle whose hooks of the given kinds all log; startContainer uses the in-container script.
hooked_bundle() {
	local name=$1 args=$2
	shift 2
	host_hook
	local filter='.mounts += [{"destination": "/tmp", "type": "bind", "source": "'"$T/hooks"'", "options": ["rbind"]}]
		| .process.args = '"$args"
	local k
	for k in "$@"; do
		if [ "$k" = startContainer ]; then
			filter="$filter | .hooks.$k = [{\"path\": \"/tmp/inside.sh\", \"args\": [\"inside.sh\", \"$k\"]}]"
		else
			filter="$filter | .hooks.$k = [{\"path\": \"$T/hooks/host.sh\", \"args\": [\"host.sh\", \"$k\"],
				\"env\": [\"HOOKLOG=$T/hooks/hooks.log\", \"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"]}]"
		fi
	done
	bundle "$name" "$filter"
}

kinds_logged() { awk '{print $1}' "$T/hooks/hooks.log" 2>/dev/null | paste -sd' '; }

test_hooks_run_in_lifecycle_order_with_the_state_on_stdin() {
	local b pid line
	b=$(hooked_bundle b '["sleep", "100"]' prestart createRuntime createContainer startContainer poststart poststop)
	pk create --bundle "$b" c1 || fail "create"
	pid=$(pk state c1 | jq -r .pid)
	assert_eq "prestart createRuntime createContainer" "$(kinds_logged)" "hooks run by create"
	pk start c1 || fail "start"
	assert_eq "prestart createRuntime createContainer startContainer poststart" "$(kinds_logged)" "hooks run by start"
	pk kill c1 KILL || fail "kill"
	wait_status c1 stopped
	assert_eq "prestart createRuntime createContainer startContainer poststart" "$(kinds_logged)" \
		"hooks run by kill (none: poststop runs on delete)"
	pk delete c1 || fail "delete"
	assert_eq "prestart createRuntime createContainer startContainer poststart poststop" "$(kinds_logged)" \
		"hooks run by delete"
	# The state each hook got: status as runc passes it, the container ID, the init's pid (as the host sees
	# it, or 1 for the hooks that run inside the container's pid namespace, like runc's getpid()).
	echo "hooks log: $(paste -sd'|' "$T/hooks/hooks.log")"
	while read -r line; do
		case $line in
		prestart* | createRuntime*) assert_eq "creating c1 $pid" "${line#* }" "state given to ${line%% *}" ;;
		createContainer*) assert_match "^creating c1 ($pid|1)$" "${line#* }" "state given to createContainer" ;;
		startContainer*) assert_match "^created c1 ($pid|1)$" "${line#* }" "state given to startContainer" ;;
		poststart*) assert_eq "running c1 $pid" "${line#* }" "state given to poststart" ;;
		poststop*) assert_match "^stopped c1 " "${line#* }" "state given to poststop" ;;
		esac
	done <"$T/hooks/hooks.log"
	assert_no_leftovers c1
}

test_hooks_run_by_pocket_run_in_order() {
	local b
	b=$(hooked_bundle b '["true"]' prestart createRuntime createContainer startContainer poststart poststop)
	pk run --bundle "$b" c1 || fail "run exited $?"
	assert_eq "prestart createRuntime createContainer startContainer poststart poststop" "$(kinds_logged)" \
		"hooks run by run"
	assert_no_leftovers c1
}

test_hook_args_and_env_are_passed_exactly() {
	local b
	mkdir -p "$T/hooks"
	cat >"$T/hooks/args.sh" <<-'EOF'
		#!/bin/sh
		{ printf '[%s]' "$@"; echo; echo "FOO=$FOO"; echo "T=${T-unset}"; env | grep -c . ; } >"$OUT"
	EOF
	chmod 755 "$T/hooks/args.sh"
	b=$(bundle b '.process.args = ["true"] | .hooks.prestart = [{"path": "'"$T/hooks/args.sh"'",
		"args": ["args.sh", "one", "two words", ""], "env": ["FOO=bar baz", "OUT='"$T/hooks/out"'"]}]')
	pk run --bundle "$b" c1 || fail "run exited $?"
	# env: only what the hook's env lists (sh adds PWD, SHLVL and _ at most), nothing of pocket's caller.
	assert_eq "[one][two words][]|FOO=bar baz|T=unset" "$(head -3 "$T/hooks/out" | paste -sd'|')" "args | env in the hook"
	[ "$(tail -1 "$T/hooks/out")" -le 5 ] || fail "the hook inherited an environment: $(tail -1 "$T/hooks/out") variables"
}

test_failing_prestart_createRuntime_createContainer_hooks_fail_create_and_leave_nothing() {
	local b k out rc
	mkdir -p "$T/hooks"
	printf '#!/bin/sh\necho hook-said-no >&2\nexit 3\n' >"$T/hooks/fail.sh"
	chmod 755 "$T/hooks/fail.sh"
	for k in prestart createRuntime createContainer; do
		b=$(bundle "b-$k" '.process.args = ["sleep", "100"] | .hooks.'$k' = [{"path": "'"$T/hooks/fail.sh"'"}]')
		pk create --bundle "$b" "c-$k" 2>"$T/err"
		rc=$?
		out=$(cat "$T/err")
		assert_eq 1 $rc "exit status of create with a failing $k hook ($out)"
		assert_match "$k|fail\.sh" "$out" "error of create with a failing $k hook"
		assert_no_leftovers "c-$k"
		if pk state "c-$k" >/dev/null 2>&1; then fail "state of c-$k succeeded after the failed create"; fi
	done
}

test_failing_poststart_hook_only_warns() {
	local b rc
	mkdir -p "$T/hooks"
	printf '#!/bin/sh\nexit 3\n' >"$T/hooks/fail.sh"
	chmod 755 "$T/hooks/fail.sh"
	b=$(bundle b '.process.args = ["sleep", "100"] | .hooks.poststart = [{"path": "'"$T/hooks/fail.sh"'"}]')
	pk create --bundle "$b" c1 || fail "create"
	pk start c1 2>"$T/err"
	rc=$?
	assert_eq 0 $rc "exit status of start with a failing poststart hook ($(cat "$T/err"))"
	assert_match 'poststart|fail\.sh' "$(cat "$T/err")" "warning of start"
	assert_eq running "$(pk state c1 | jq -r .status)" "status after start"
}

test_failing_poststop_hook_only_warns() {
	local b
	mkdir -p "$T/hooks"
	printf '#!/bin/sh\nexit 3\n' >"$T/hooks/fail.sh"
	chmod 755 "$T/hooks/fail.sh"
	b=$(bundle b '.process.args = ["true"] | .hooks.poststop = [{"path": "'"$T/hooks/fail.sh"'"}]')
	pk create --bundle "$b" c1 || fail "create"
	pk start c1 || fail "start"
	wait_status c1 stopped
	pk delete c1 2>"$T/err" || fail "delete with a failing poststop hook: $(cat "$T/err")"
	assert_no_leftovers c1
}

test_hook_timeout_fails_create_in_time_and_kills_the_hook() {
	local b t0 t1 rc
	b=$(bundle b '.process.args = ["sleep", "100"] | .hooks.prestart = [{"path": "/bin/sh",
		"args": ["sh", "-c", "sleep 10; : '"$T"'"], "timeout": 1}]')
	t0=$(date +%s%N)
	pk create --bundle "$b" c1 2>"$T/err"
	rc=$?
	t1=$(date +%s%N)
	assert_eq 1 $rc "exit status of create with a hook over its timeout ($(cat "$T/err"))"
	[ $(((t1 - t0) / 1000000)) -lt 4000 ] || fail "create took $(((t1 - t0) / 1000000)) ms with a 1 s hook timeout"
	[ $(((t1 - t0) / 1000000)) -ge 900 ] || fail "create gave up after $(((t1 - t0) / 1000000)) ms, before the 1 s timeout"
	assert_match 'prestart|timeout|timed out' "$(cat "$T/err")" "error"
	sleep 0.2
	assert_no_leftovers c1
}
