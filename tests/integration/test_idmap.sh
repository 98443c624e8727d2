# Idmapped mounts (mounts[].uidMappings/gidMappings, options idmap and ridmap): a host directory's files
# appear with the owners the mapping says, without chown, and files made inside land with the mapped owner.

userns_config='.linux.namespaces += [{"type": "user"}] |
	.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
	.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'

test_idmap_with_its_own_mapping_shows_a_users_dir_as_root() {
	local b out
	mkdir -p "$T/vol" && echo hi >"$T/vol/f" && chown -R 1000:1000 "$T/vol" && chmod 755 "$T"
	b=$(bundle b "$userns_config"' | .mounts += [{"destination": "/tmp", "type": "bind", "source": "'"$T"'/vol",
		"options": ["bind", "idmap"], "uidMappings": [{"containerID": 1000, "hostID": 100000, "size": 1}],
		"gidMappings": [{"containerID": 1000, "hostID": 100000, "size": 1}]}] |
		.process.args = ["sh", "-c", "stat -c %u:%g /tmp/f; touch /tmp/made-inside"]')
	out=$(pk run --bundle "$b" c1) || fail "run: $out"
	assert_eq 0:0 "$out" "owner inside of a host file owned by 1000"
	assert_eq 1000:1000 "$(stat -c %u:%g "$T/vol/made-inside")" "owner on the host of a file made by root inside"
}

test_idmap_without_mappings_uses_the_containers() {
	local b out
	mkdir -p "$T/vol" && echo hi >"$T/vol/f" && chmod 755 "$T"
	b=$(bundle b "$userns_config"' | .mounts += [{"destination": "/tmp", "type": "bind", "source": "'"$T"'/vol", "options": ["rbind", "idmap"]}] |
		.process.args = ["stat", "-c", "%u", "/tmp/f"]')
	out=$(pk run --bundle "$b" c1) || fail "run: $out"
	assert_eq 0 "$out" "a host file owned by root, through the container's own mapping"
	jq '.mounts[-1].options = ["rbind"]' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	assert_eq 65534 "$(pk run --bundle "$b" c2)" "the same file without idmap: the overflow uid (the control)"
}

test_idmap_refusals_name_the_mount() {
	local b
	mkdir -p "$T/vol"
	b=$(bundle b '.mounts += [{"destination": "/tmp", "type": "bind", "source": "'"$T"'/vol", "options": ["bind", "idmap"]}]')
	pk create --bundle "$b" c1 2>"$T/err" && fail "idmap without any user namespace or mapping was accepted"
	assert_match 'mounts\[[0-9]+\].*user namespace' "$(cat "$T/err")" "error without a user namespace"
	assert_no_leftovers c1
	b=$(bundle b2 "$userns_config"' | .mounts += [{"destination": "/tmp", "type": "bind", "source": "/proc/sys", "options": ["bind", "idmap"]}]')
	pk create --bundle "$b" c2 2>"$T/err" && fail "an idmapped mount of procfs was accepted"
	assert_match 'mounts\[[0-9]+\].*(does not support idmapped|idmap)' "$(cat "$T/err")" "error for a file system without idmap support"
	assert_no_leftovers c2
}
