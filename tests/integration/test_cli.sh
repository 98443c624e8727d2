# The command line as runc users and tools (containerd, podman, docker) drive it: version, help, spec,
# features, list, kill --all, run --detach/--keep, delete --force, and every flag spelling runc accepts.

test_version_flag() {
	local out flag
	for flag in --version -v; do
		out=$("$POCKET" $flag) || fail "$flag exited $?"
		assert_match '^pocket version [0-9]+\.[0-9]+\.[0-9]+' "$(head -1 <<<"$out")" "first line of $flag"
		assert_match '^spec: 1\.[0-9]+\.[0-9]+' "$(sed -n 2p <<<"$out")" "spec line of $flag"
	done
}

test_help_flag_prints_usage_and_exits_0() {
	local out flag
	for flag in --help -h help; do
		out=$("$POCKET" $flag 2>&1) || fail "pocket $flag exited $? ($(head -1 <<<"$out"))"
		assert_match '^usage: pocket' "$out" "output of pocket $flag"
	done
}

# Every command answers --help, -h and `help COMMAND` with its own usage and flags, exit 0, and touches
# nothing; a command pocket lacks gets no help.
test_every_command_has_its_own_help() {
	local v out form
	for v in create start state kill delete run exec ps pause resume update events list spec features; do
		for form in "$v --help" "$v -h" "help $v"; do
			out=$(pk $form 2>&1) || fail "pocket $form exited $? ($(head -1 <<<"$out"))"
			assert_match "^usage: pocket \\[global flags\\] $v( |\$)" "$(head -1 <<<"$out")" "first line of pocket $form"
		done
	done
	assert_match '^  -f, --force$' "$(pk delete --help)" "delete's flags"
	assert_match '^      --pid-file VALUE$' "$(pk exec --help)" "exec's flags"
	[ -e "$ROOT" ] && [ -n "$(ls -A "$ROOT")" ] && fail "help left state behind: $(ls -A "$ROOT")"
	pk checkpoint --help >/dev/null 2>&1 && fail "checkpoint --help exited 0: podman would think pocket can checkpoint"
	return 0
}

test_spec_writes_config_json_and_refuses_to_overwrite() {
	local sum
	mkdir "$T/s"
	pk spec --bundle "$T/s" || fail "spec --bundle"
	jq -e '.ociVersion and .process.args == ["sh"] and .root.path == "rootfs"
		and ([.linux.namespaces[].type] | index("user") == null)' "$T/s/config.json" >/dev/null ||
		fail "spec wrote an unexpected config: $(head -c 300 "$T/s/config.json")"
	sum=$(md5sum <"$T/s/config.json")
	pk spec --bundle "$T/s" 2>"$T/err" && fail "a second spec overwrote config.json"
	assert_match 'config\.json.*exist|exist.*config\.json' "$(cat "$T/err")" "error of the second spec"
	assert_eq "$sum" "$(md5sum <"$T/s/config.json")" "config.json after the refused spec"
	# Without --bundle: the current directory.
	mkdir "$T/cwd"
	(cd "$T/cwd" && pk spec) || fail "spec in the current directory"
	[ -s "$T/cwd/config.json" ] || fail "spec without --bundle wrote no ./config.json"
}

test_spec_rootless_maps_the_calling_user() {
	local d
	mkdir "$T/r"
	pk spec --rootless --bundle "$T/r" || fail "spec --rootless"
	jq -e '[.linux.namespaces[].type] | index("user") != null' "$T/r/config.json" >/dev/null ||
		fail "spec --rootless has no user namespace"
	assert_eq "0 0 1|0 0 1" "$(jq -r '[.linux.uidMappings[0], .linux.gidMappings[0]] | map("\(.containerID) \(.hostID) \(.size)") | join("|")' \
		"$T/r/config.json")" "uid|gid mapping (as root)"
	# As an unprivileged user: the mapping is of that user's uid and gid.
	d=$(mktemp -d /tmp/pocket-cli-rootless.XXXXXX)
	on_exit "rm -rf '$d'"
	chown 65534:65534 "$d"
	setpriv --reuid 65534 --regid 65534 --clear-groups "$POCKET" spec --rootless --bundle "$d" ||
		fail "spec --rootless as uid 65534"
	assert_eq "0 65534 1|0 65534 1" "$(jq -r '[.linux.uidMappings[0], .linux.gidMappings[0]] | map("\(.containerID) \(.hostID) \(.size)") | join("|")' \
		"$d/config.json")" "uid|gid mapping (as uid 65534)"
}

test_features_is_json_with_versions_and_all_eight_namespaces() {
	local out
	out=$(pk features) || fail "features exited $?"
	jq -e . <<<"$out" >/dev/null || fail "features is not JSON: $(head -c 200 <<<"$out")"
	assert_match '^1\.[0-9]+\.[0-9]+$' "$(jq -r .ociVersionMin <<<"$out")" "ociVersionMin"
	assert_match '^1\.[0-9]+\.[0-9]+$' "$(jq -r .ociVersionMax <<<"$out")" "ociVersionMax"
	assert_eq "cgroup ipc mount network pid time user uts" "$(jq -r '.linux.namespaces | sort | join(" ")' <<<"$out")" \
		"linux.namespaces"
	assert_eq "createContainer createRuntime poststart poststop prestart startContainer" \
		"$(jq -r '.hooks | sort | join(" ")' <<<"$out")" "hooks"
	# The network annotations start a helper on the host and bind its ports: engines are told to filter them.
	assert_eq "run.pocket.network run.pocket.network.ports" \
		"$(jq -r '.potentiallyUnsafeConfigAnnotations | sort | join(" ")' <<<"$out")" "potentiallyUnsafeConfigAnnotations"
	assert_eq "pasta,slirp4netns,none" "$(jq -r '.annotations["run.pocket.network"]' <<<"$out")" "annotations"
}

test_list_table_json_and_quiet() {
	local b p1 p2 out
	b=$(bundle b '.process.args = ["sleep", "100"]')
	out=$(pk list) || fail "list on an empty root"
	assert_match '^ID +PID +STATUS +BUNDLE +CREATED +OWNER$' "$out" "list on an empty root"
	assert_eq "[]" "$(pk list --format json | jq -c .)" "list --format json on an empty root"
	pk create --bundle "$b" c1 || fail "create c1"
	pk run -d --bundle "$b" c2 || fail "run -d c2"
	p1=$(pk state c1 | jq -r .pid)
	p2=$(pk state c2 | jq -r .pid)
	out=$(pk list) || fail "list"
	assert_match '^ID +PID +STATUS +BUNDLE +CREATED +OWNER$' "$(head -1 <<<"$out")" "list header"
	assert_eq "c1 $p1 created $b root|c2 $p2 running $b root" \
		"$(sed 1d <<<"$out" | awk '{print $1, $2, $3, $4, $6}' | paste -sd'|')" "list rows (without CREATED)"
	assert_match '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)$' "$(sed -n 2p <<<"$out" | awk '{print $5}')" \
		"CREATED column"
	out=$(pk list --format json) || fail "list --format json"
	assert_eq "c1 created $p1 $b|c2 running $p2 $b" \
		"$(jq -r 'sort_by(.id)[] | "\(.id) \(.status) \(.pid) \(.bundle)"' <<<"$out" | paste -sd'|')" "list --format json"
	assert_eq "$(jq -c 'sort_by(.id)' <<<"$out")" "$(pk list -f json | jq -c 'sort_by(.id)')" "list -f json"
	assert_eq "c1|c2" "$(pk list -q | paste -sd'|')" "list -q"
	assert_eq "c1|c2" "$(pk list --quiet | paste -sd'|')" "list --quiet"
}

# The pids of the processes running "sleep 100" in the pid namespace of process $1.
sleepers_of() {
	local ns p
	ns=$(readlink /proc/$1/ns/pid) || return 0
	for p in /proc/[0-9]*; do
		[ "$(readlink $p/ns/pid 2>/dev/null)" = "$ns" ] && [ "$(tr '\0' ' ' 2>/dev/null <$p/cmdline)" = "sleep 100 " ] &&
			echo "${p#/proc/}"
	done
	return 0
}

test_kill_all_signals_every_process_and_plain_kill_only_the_init() {
	local b pid
	# The init survives SIGUSR1 (a handler); its sleep children do not (exec resets handlers).
	b=$(bundle b '.process.args = ["sh", "-c", "trap : USR1; sleep 100 & sleep 100 & while :; do sleep 0.1; done"]')
	pk run -d --bundle "$b" c1 || fail "run -d"
	pid=$(pk state c1 | jq -r .pid)
	for _ in $(seq 30); do [ "$(sleepers_of $pid | wc -l)" = 2 ] && break; sleep 0.1; done
	assert_eq 2 "$(sleepers_of $pid | wc -l)" "sleep 100 processes in the container"
	pk kill c1 USR1 || fail "kill c1 USR1"
	sleep 0.3
	assert_eq 2 "$(sleepers_of $pid | wc -l)" "sleep 100 processes after kill (init only)"
	pk kill --all c1 USR1 || fail "kill --all c1 USR1"
	for _ in $(seq 30); do [ "$(sleepers_of $pid | wc -l)" = 0 ] && break; sleep 0.1; done
	assert_eq 0 "$(sleepers_of $pid | wc -l)" "sleep 100 processes after kill --all"
	assert_eq running "$(pk state c1 | jq -r .status)" "the init after kill --all USR1"
	pk kill -a c1 KILL || fail "kill -a c1 KILL"
	wait_status c1 stopped
}

test_run_detach_returns_at_once_with_the_container_running() {
	local b t0 ms flag i=0
	b=$(bundle b '.process.args = ["sleep", "100"]')
	for flag in --detach -d; do
		i=$((i + 1))
		t0=$(date +%s%N)
		pk run $flag --bundle "$b" "c$i" </dev/null >"$T/out" 2>&1 || fail "run $flag: $(cat "$T/out")"
		ms=$((($(date +%s%N) - t0) / 1000000))
		[ $ms -lt 2000 ] || fail "run $flag took $ms ms"
		assert_eq running "$(pk state "c$i" | jq -r .status)" "status after run $flag"
		[ -d /proc/$(pk state "c$i" | jq -r .pid) ] || fail "the init of c$i is not alive"
	done
}

test_run_keep_keeps_the_stopped_container_until_delete() {
	local b
	b=$(bundle b '.process.args = ["sh", "-c", "exit 3"]')
	pk run --keep --bundle "$b" c1
	assert_eq 3 $? "exit status of run --keep"
	assert_eq stopped "$(pk state c1 | jq -r .status)" "status after run --keep"
	assert_eq c1 "$(pk list -q)" "list after run --keep"
	pk delete c1 || fail "delete"
	assert_no_leftovers c1
	# Without --keep, run removes it.
	pk run --bundle "$b" c2
	assert_no_leftovers c2
}

test_delete_force_kills_a_running_container() {
	local b pid
	b=$(bundle b '.process.args = ["sleep", "100"]')
	pk run -d --bundle "$b" c1 || fail "run -d"
	pid=$(pk state c1 | jq -r .pid)
	pk delete --force c1 || fail "delete --force"
	assert_no_leftovers c1
	for _ in $(seq 20); do [ -d /proc/$pid ] || break; sleep 0.1; done
	[ ! -d /proc/$pid ] || fail "the init ($pid) survived delete --force"
	pk create --bundle "$b" c2 || fail "create"
	pk delete -f c2 || fail "delete -f of a created container"
	assert_no_leftovers c2
}

test_delete_force_of_an_unknown_id_succeeds() {
	pk delete --force nosuch 2>"$T/err" || fail "delete --force nosuch exited $?: $(cat "$T/err")"
	pk delete -f nosuch || fail "delete -f nosuch"
}

test_create_flags_in_every_runc_spelling() {
	local b i=0 form
	b=$(bundle b '.process.args = ["sleep", "100"]')
	# Each line: the create arguments before the ID.
	while IFS= read -r form; do
		i=$((i + 1))
		eval "pk create $form c$i" || fail "create $form"
		assert_eq "created $b" "$(pk state "c$i" | jq -r '"\(.status) \(.bundle)"')" "state after create $form"
		pk delete -f "c$i"
	done <<-EOF
		--bundle "$b"
		--bundle="$b"
		-b "$b"
		-b="$b"
		-bundle "$b"
		-bundle="$b"
		--bundle "$b" --pid-file="$T/pid" --no-pivot=false
	EOF
	assert_match '^[0-9]+$' "$(cat "$T/pid")" "--pid-file=FILE"
	# The default bundle is the current directory; state reports it absolute.
	(cd "$b" && pk create c-cwd) || fail "create in the bundle directory"
	assert_eq "$b" "$(pk state c-cwd | jq -r .bundle)" "bundle of a create without --bundle"
	# A relative --bundle is made absolute too.
	(cd "$T" && pk create --bundle b c-rel) || fail "create --bundle b (relative)"
	assert_eq "$b" "$(pk state c-rel | jq -r .bundle)" "bundle of a relative --bundle"
}

test_global_root_flag_forms_before_the_verb() {
	local b r form
	b=$(bundle b '.process.args = ["sleep", "100"]')
	for form in "--root R" "--root=R" "-root R" "-root=R"; do
		r=$T/root-${form//[ =]/_}
		on_exit "'$POCKET' --root '$r' delete -f c1"
		"$POCKET" ${form//R/$r} create --bundle "$b" c1 || fail "pocket $form create"
		[ -d "$r/c1" ] || fail "pocket $form create: no state in $r"
		assert_eq c1 "$("$POCKET" ${form//R/$r} list -q)" "pocket $form list -q"
		"$POCKET" ${form//R/$r} delete -f c1 || fail "pocket $form delete"
		[ ! -e "$r/c1" ] || fail "pocket $form delete left $r/c1"
	done
}
