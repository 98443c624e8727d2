# Bad input (config.md required fields, runtime.md "Operations" errors, runc's command line): every refusal
# exits 1 with one line on stderr naming the field or flag, and leaves nothing behind.

# expect_error REGEX CMD...: CMD exits 1, stderr is one line matching REGEX (extended, case-insensitive).
expect_error() {
	local re=$1 rc err
	shift
	"$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	err=$(cat "$T/err")
	echo "[$*] -> $rc: $err"
	assert_eq 1 $rc "exit status of [$*] (stderr: $err)"
	assert_eq 1 "$(wc -l <"$T/err")" "lines on stderr of [$*]: [$err]"
	printf '%s' "$err" | grep -Eqi -- "$re" || fail "error of [$*]: [$err] does not match /$re/"
}

# create_refused NAME REGEX JQ_FILTER: a create of that config is refused and leaves nothing.
create_refused() {
	local b
	b=$(bundle "$1" "$3")
	expect_error "$2" pk create --bundle "$b" "$1"
	assert_no_leftovers "$1"
}

test_config_that_is_not_json_is_refused() {
	mkdir "$T/b"
	echo '{"ociVersion": "1.2.0", "root": {' >"$T/b/config.json"
	expect_error 'config\.json|json' pk create --bundle "$T/b" c1
	assert_no_leftovers c1
	expect_error 'bundle|config\.json' pk create --bundle "$T/nonexistent" c2
	assert_no_leftovers c2
}

test_missing_oci_version_is_refused() { create_refused c1 'ociVersion' 'del(.ociVersion)'; }

test_missing_root_path_is_refused() { create_refused c1 'root\.path' 'del(.root.path)'; }

test_root_path_to_a_missing_directory_is_refused() {
	create_refused c1 "root\.path|$T/no-such-rootfs" '.root.path = "'"$T/no-such-rootfs"'"'
}

test_unknown_namespace_type_is_refused() {
	create_refused c1 'namespace.*bogus|bogus.*namespace' '.linux.namespaces += [{"type": "bogus"}]'
}

test_missing_process_args_is_refused() { create_refused c1 'process\.args' 'del(.process.args)'; }

test_unknown_capability_is_refused() {
	create_refused c1 'CAP_BOGUS' '.process.capabilities.bounding += ["CAP_BOGUS"]'
}

test_invalid_tmpfs_option_is_refused_naming_the_mount() {
	create_refused c1 '/tmp' '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["size=bogus"]}]'
}

test_existing_container_id_is_refused_and_the_first_is_unaffected() {
	local b pid
	b=$(bundle b '.process.args = ["sleep", "100"]')
	pk create --bundle "$b" c1 || fail "first create"
	pid=$(pk state c1 | jq -r .pid)
	expect_error 'c1.*(exist|in use)|(exist|in use).*c1' pk create --bundle "$b" c1
	assert_eq "created $pid" "$(pk state c1 | jq -r '"\(.status) \(.pid)"')" "the first container after the second create"
	[ -d /proc/$pid ] || fail "the first container's init died"
}

test_invalid_container_ids_are_refused() {
	local b id
	b=$(bundle b '.process.args = ["true"]')
	for id in "../x" "a/b" "" "." ".."; do
		expect_error 'id' pk create --bundle "$b" "$id"
		[ ! -e "$T/x" ] && [ ! -e "$ROOT/a" ] || fail "create [$id] left something behind"
	done
	assert_eq "" "$(ls -A "$ROOT" 2>/dev/null)" "state root after the refused creates"
	assert_no_procs
}

test_operations_on_an_unknown_id_say_it_does_not_exist() {
	local verb
	for verb in state start kill delete; do
		expect_error 'nosuch.*(does not exist|not exist|not found)|(does not exist|not exist|not found).*nosuch' \
			pk $verb nosuch
	done
}

test_unknown_signal_is_refused_and_the_container_is_unaffected() {
	local b
	b=$(bundle b '.process.args = ["sleep", "100"]')
	pk run -d --bundle "$b" c1 || fail "run -d"
	expect_error 'FOO' pk kill c1 FOO
	expect_error 'SIGFOO' pk kill c1 SIGFOO
	expect_error '99999|signal' pk kill c1 99999
	sleep 0.2
	assert_eq running "$(pk state c1 | jq -r .status)" "status after the refused kills"
}

test_signal_forms_KILL_SIGKILL_9_and_lowercase_sigterm_are_accepted() {
	local b sig i=0
	b=$(bundle b '.process.args = ["sh", "-c", "trap \"exit 0\" TERM; while :; do sleep 0.1; done"]')
	for sig in KILL SIGKILL 9 sigterm term 15; do
		i=$((i + 1))
		pk run -d --bundle "$b" "c$i" || fail "run -d c$i"
		sleep 0.2 # let the shell install its trap
		pk kill "c$i" "$sig" || fail "kill c$i $sig"
		wait_status "c$i" stopped
	done
}

test_log_json_on_a_failing_create_names_the_field() {
	local b line
	b=$(bundle b 'del(.ociVersion)')
	pk --log "$T/log.json" --log-format json create --bundle "$b" c1 2>/dev/null && fail "create succeeded"
	[ -s "$T/log.json" ] || fail "nothing written to --log"
	line=$(jq -c 'select(.level == "error")' "$T/log.json" 2>&1 | tail -1)
	[ -n "$line" ] || fail "no JSON line with \"level\":\"error\" in: $(cat "$T/log.json")"
	assert_match 'ociVersion' "$(jq -r .msg <<<"$line")" "msg of the error line"
	jq -e 'has("time")' <<<"$line" >/dev/null || fail "the error line has no time: $line"
	assert_no_leftovers c1
}

test_unknown_global_flag_and_unknown_verb_exit_1() {
	expect_error 'bogus' pk --bogus list
	expect_error 'frobnicate' pk frobnicate
	expect_error 'bogus' pk create --bogus c1
	assert_no_leftovers c1
}

test_relative_process_cwd_is_refused() { create_refused c1 'cwd' '.process.cwd = "relative/dir"'; }

test_duplicate_namespace_type_is_refused() {
	create_refused c1 'namespace.*(pid|duplicate)|(duplicate|pid).*namespace' '.linux.namespaces += [{"type": "pid"}]'
}
