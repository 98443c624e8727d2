/* Unit tests for src/spec: config.json parsing, the name tables and pk_spec_validate(). TAP-style output. */
#include "spec/caps.h"
#include "spec/rlimits.h"
#include "spec/spec.h"
#include <jansson.h>
#include <linux/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

static int n_run, n_failed;

static void report(bool ok, const char *name, const char *detail)
{
	n_run++;
	if (!ok)
		n_failed++;
	printf("%sok %d - %s\n", ok ? "" : "not ", n_run, name);
	if (!ok && detail)
		printf("# %s\n", detail);
}

#define CHECK(cond) check_cond(cond, #cond, __LINE__, &all_ok)
static void check_cond(bool cond, const char *text, int line, bool *all_ok)
{
	if (!cond) {
		printf("# line %d: %s\n", line, text);
		*all_ok = false;
	}
}

/* Test JSON is written with ' for " to stay readable; dq() turns it into the real thing. Expected message
 * fragments are written the same way. */
static const char *dq(const char *text, char *buf, size_t size)
{
	snprintf(buf, size, "%s", text);
	for (char *p = buf; *p; p++)
		if (*p == '\'')
			*p = '"';
	return buf;
}

static int parse(pk_spec_t *s, const char *json, pk_err_t *err)
{
	char buf[8192];
	dq(json, buf, sizeof buf);
	return pk_spec_parse(s, buf, strlen(buf), err);
}

static bool has_fragments(const char *msg, const char *frag1, const char *frag2)
{
	char buf[512];
	return strstr(msg, dq(frag1, buf, sizeof buf)) && (!frag2 || strstr(msg, dq(frag2, buf, sizeof buf)));
}

/* Parse must fail with a one-line message containing the fragments (the field path and the complaint). */
static void expect_parse_error(const char *name, const char *json, const char *frag1, const char *frag2)
{
	static const pk_spec_t zero;
	pk_spec_t s;
	pk_err_t err = {0};
	char detail[1200];
	int r = parse(&s, json, &err);
	bool ok = r == -1 && has_fragments(err.msg, frag1, frag2) && !strchr(err.msg, '\n');
	/* A failed parse leaves nothing behind: the spec is zeroed. */
	ok = ok && memcmp(&s, &zero, sizeof s) == 0;
	snprintf(detail, sizeof detail, "r=%d msg: %s", r, err.msg);
	report(ok, name, detail);
	if (r == 0)
		pk_spec_free(&s);
}

/* Parse must succeed and validation must fail with the fragments. */
static void expect_invalid(const char *name, const char *json, const char *frag1, const char *frag2)
{
	pk_spec_t s;
	pk_err_t err = {0};
	char detail[1200];
	if (parse(&s, json, &err) < 0) {
		snprintf(detail, sizeof detail, "parse failed: %s", err.msg);
		report(false, name, detail);
		return;
	}
	int r = pk_spec_validate(&s, &err);
	snprintf(detail, sizeof detail, "r=%d msg: %s", r, r ? err.msg : "");
	report(r == -1 && has_fragments(err.msg, frag1, frag2), name, detail);
	pk_spec_free(&s);
}

static void expect_valid(const char *name, const char *json)
{
	pk_spec_t s;
	pk_err_t err = {0};
	int r = parse(&s, json, &err);
	if (r == 0)
		r = pk_spec_validate(&s, &err);
	report(r == 0, name, err.msg);
	pk_spec_free(&s);
}

static void write_file(const char *path, const char *json)
{
	char buf[1024];
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(dq(json, buf, sizeof buf), f);
		fclose(f);
	}
}

static const char full_config[] = "{"
	"'ociVersion': '1.2.0',"
	"'root': {'path': 'rootfs', 'readonly': true},"
	"'hostname': 'box', 'domainname': 'example.org',"
	"'process': {"
	"  'terminal': true,"
	"  'user': {'uid': 1000, 'gid': 100, 'umask': 18, 'additionalGids': [5, 6, 7]},"
	"  'args': ['sh', '-c', 'echo hi'],"
	"  'env': ['PATH=/usr/bin:/bin', 'TERM=xterm', 'EMPTY='],"
	"  'cwd': '/home/user',"
	"  'noNewPrivileges': true,"
	"  'capabilities': {"
	"    'bounding': ['CAP_CHOWN', 'CAP_KILL', 'CAP_CHECKPOINT_RESTORE'],"
	"    'effective': ['CAP_KILL'], 'inheritable': [], 'permitted': ['CAP_KILL', 'CAP_NET_BIND_SERVICE']"
	"  },"
	"  'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1024, 'hard': 4096},"
	"              {'type': 'RLIMIT_MEMLOCK', 'soft': 18446744073709551615, 'hard': 18446744073709551615}],"
	"  'oomScoreAdj': -500,"
	"  'apparmorProfile': 'pocket-default', 'selinuxLabel': 'system_u:system_r:container_t:s0',"
	"  'consoleSize': {'height': 24, 'width': 80}"
	"},"
	"'mounts': ["
	"  {'destination': '/proc', 'type': 'proc', 'source': 'proc'},"
	"  {'destination': '/data', 'source': '/srv/data', 'options': ['rbind', 'ro'],"
	"   'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}],"
	"   'gidMappings': [{'containerID': 0, 'hostID': 100, 'size': 1}]}"
	"],"
	"'hooks': {"
	"  'prestart': [{'path': '/usr/bin/hook', 'args': ['hook', 'pre'], 'env': ['A=1'], 'timeout': 5}],"
	"  'poststop': [{'path': '/bin/true'}, {'path': '/bin/false'}]"
	"},"
	"'annotations': {'org.example.key': 'value'},"
	"'linux': {"
	"  'namespaces': [{'type': 'pid'}, {'type': 'network', 'path': '/proc/1/ns/net'}, {'type': 'ipc'},"
	"    {'type': 'uts'}, {'type': 'mount'}, {'type': 'user'}, {'type': 'cgroup'}, {'type': 'time'}],"
	"  'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1},"
	"                  {'containerID': 1, 'hostID': 100000, 'size': 65536}],"
	"  'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 65537}],"
	"  'timeOffsets': {'monotonic': {'secs': 86400, 'nanosecs': 5}, 'boottime': {'secs': -10}},"
	"  'devices': [{'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229, 'fileMode': 438,"
	"                'uid': 0, 'gid': 0}, {'path': '/dev/fifo', 'type': 'p'}],"
	"  'sysctl': {'net.ipv4.ip_forward': '1', 'kernel.shmmax': '4096'},"
	"  'maskedPaths': ['/proc/kcore', '/sys/firmware'],"
	"  'readonlyPaths': ['/proc/sys'],"
	"  'rootfsPropagation': 'rslave',"
	"  'cgroupsPath': '/pocket/box',"
	"  'mountLabel': 'system_u:object_r:container_file_t:s0',"
	"  'resources': {'pids': {'limit': 100}}"
	"}}";

static void test_full_config(void)
{
	pk_spec_t s;
	pk_err_t err = {0};
	bool all_ok = true;
	if (parse(&s, full_config, &err) < 0) {
		report(false, "full config parses", err.msg);
		return;
	}
	CHECK(strcmp(s.oci_version, "1.2.0") == 0);
	CHECK(strcmp(s.root_path, "rootfs") == 0 && s.root_readonly);
	CHECK(strcmp(s.hostname, "box") == 0 && strcmp(s.domainname, "example.org") == 0);

	const pk_process_t *p = &s.process;
	CHECK(s.has_process && p->terminal && p->uid == 1000 && p->gid == 100);
	CHECK(p->has_umask && p->umask == 022);
	CHECK(p->n_additional_gids == 3 && p->additional_gids[2] == 7);
	CHECK(p->args && strcmp(p->args[2], "echo hi") == 0 && p->args[3] == NULL);
	CHECK(p->env && strcmp(p->env[2], "EMPTY=") == 0 && p->env[3] == NULL);
	CHECK(strcmp(p->cwd, "/home/user") == 0 && p->no_new_privileges);
	CHECK(p->caps.present);
	CHECK(p->caps.bounding == ((1ULL << 0) | (1ULL << 5) | (1ULL << 40)));
	CHECK(p->caps.effective == 1ULL << 5 && p->caps.inheritable == 0 && p->caps.ambient == 0);
	CHECK(p->caps.permitted == ((1ULL << 5) | (1ULL << 10)));
	CHECK(p->n_rlimits == 2 && p->rlimits[0].resource == RLIMIT_NOFILE);
	CHECK(p->rlimits[0].soft == 1024 && p->rlimits[0].hard == 4096);
	CHECK(p->rlimits[1].resource == RLIMIT_MEMLOCK && p->rlimits[1].soft == UINT64_MAX);
	CHECK(p->has_oom_score_adj && p->oom_score_adj == -500);
	CHECK(strcmp(p->apparmor_profile, "pocket-default") == 0 && strncmp(p->selinux_label, "system_u", 8) == 0);

	CHECK(s.n_mounts == 2 && strcmp(s.mounts[0].destination, "/proc") == 0);
	CHECK(strcmp(s.mounts[0].type, "proc") == 0 && s.mounts[0].n_options == 0 && !s.mounts[0].options);
	CHECK(s.mounts[1].type == NULL && strcmp(s.mounts[1].source, "/srv/data") == 0);
	CHECK(s.mounts[1].n_options == 2 && strcmp(s.mounts[1].options[1], "ro") == 0 && !s.mounts[1].options[2]);
	CHECK(s.mounts[1].n_uid_mappings == 1 && s.mounts[1].uid_mappings[0].host_id == 1000);
	CHECK(s.mounts[1].n_gid_mappings == 1 && s.mounts[1].gid_mappings[0].host_id == 100);

	const pk_hooks_t *pre = &s.hooks[PK_HOOK_PRESTART], *post = &s.hooks[PK_HOOK_POSTSTOP];
	CHECK(pre->n == 1 && strcmp(pre->list[0].path, "/usr/bin/hook") == 0 && pre->list[0].timeout == 5);
	CHECK(strcmp(pre->list[0].args[1], "pre") == 0 && strcmp(pre->list[0].env[0], "A=1") == 0);
	CHECK(post->n == 2 && strcmp(post->list[1].path, "/bin/false") == 0 && post->list[1].timeout == 0);
	CHECK(post->list[0].args == NULL && s.hooks[PK_HOOK_CREATE_RUNTIME].n == 0);

	CHECK(json_is_object(s.annotations));
	CHECK(strcmp(json_string_value(json_object_get(s.annotations, "org.example.key")), "value") == 0);

	for (int t = 0; t < PK_NS_COUNT; t++)
		CHECK(s.ns[t].present);
	CHECK(s.ns[PK_NS_PID].path == NULL && strcmp(s.ns[PK_NS_NETWORK].path, "/proc/1/ns/net") == 0);
	CHECK(s.n_uid_mappings == 2 && s.uid_mappings[1].container_id == 1 && s.uid_mappings[1].size == 65536);
	CHECK(s.n_gid_mappings == 1 && s.gid_mappings[0].size == 65537);
	CHECK(s.has_time_offsets && s.time_offset_monotonic[0] == 86400 && s.time_offset_monotonic[1] == 5);
	CHECK(s.time_offset_boottime[0] == -10 && s.time_offset_boottime[1] == 0);
	CHECK(s.n_devices == 2 && s.devices[0].type == 'c' && s.devices[0].major == 10 && s.devices[0].minor == 229);
	CHECK(s.devices[0].has_file_mode && s.devices[0].file_mode == 0666 && s.devices[0].has_uid);
	CHECK(s.devices[1].type == 'p' && !s.devices[1].has_file_mode && !s.devices[1].has_uid);
	CHECK(s.n_sysctl == 2);
	for (size_t i = 0; i < s.n_sysctl; i++)
		if (strcmp(s.sysctl[i].key, "net.ipv4.ip_forward") == 0)
			CHECK(strcmp(s.sysctl[i].value, "1") == 0);
	CHECK(strcmp(s.masked_paths[1], "/sys/firmware") == 0 && s.masked_paths[2] == NULL);
	CHECK(strcmp(s.readonly_paths[0], "/proc/sys") == 0 && s.readonly_paths[1] == NULL);
	CHECK(s.rootfs_propagation == (MS_SLAVE | MS_REC));
	CHECK(strcmp(s.cgroups_path, "/pocket/box") == 0 && strncmp(s.mount_label, "system_u", 8) == 0);

	/* Fields not modeled yet stay reachable through raw. */
	json_t *pids = json_object_get(json_object_get(json_object_get(s.raw, "linux"), "resources"), "pids");
	CHECK(json_integer_value(json_object_get(pids, "limit")) == 100);
	report(all_ok, "full config: every modeled field", NULL);

	int r = pk_spec_validate(&s, &err);
	report(r == 0, "full config validates", r ? err.msg : NULL);

	pk_spec_free(&s);
	static const pk_spec_t zero;
	report(memcmp(&s, &zero, sizeof s) == 0, "pk_spec_free zeroes the spec", NULL);
	pk_spec_free(&s);
	report(true, "pk_spec_free twice is safe", NULL);
}

#define MIN_HEAD "'ociVersion': '1.0.2', 'root': {'path': 'rootfs'}"
#define MIN_PROCESS "'process': {'args': ['sh'], 'cwd': '/'}"
#define NS_MNT "{'type': 'mount'}"
#define USERNS_MAPS                                                                                          \
	"'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}],"                                \
	"'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]"

static void test_minimal(void)
{
	pk_spec_t s;
	pk_err_t err = {0};
	bool all_ok = true;
	if (parse(&s, "{" MIN_HEAD "}", &err) < 0) {
		report(false, "minimal config parses", err.msg);
		return;
	}
	CHECK(!s.has_process && s.process.args == NULL && s.n_mounts == 0 && s.annotations == NULL);
	CHECK(!s.ns[PK_NS_MOUNT].present && s.rootfs_propagation == 0 && !s.has_time_offsets);
	CHECK(pk_spec_validate(&s, &err) == 0);
	report(all_ok, "minimal config: no process, nothing optional", err.msg);
	pk_spec_free(&s);

	expect_valid("null counts as absent", "{" MIN_HEAD ", 'hostname': null, 'process': null, 'linux': null}");
	expect_valid("unknown fields are ignored", "{" MIN_HEAD ", 'vm': {}, 'linux': {'futureField': {}}}");
}

static void test_parse_errors(void)
{
	expect_parse_error("invalid JSON", "{'ociVersion': '1.0.0',\n 'root': }", "not valid JSON: ",
			   "at line 2 column");
	expect_parse_error("empty input", "", "not valid JSON: ", "at line 1");
	expect_parse_error("top level is not an object", "[1, 2]", "expected a JSON object", NULL);
	expect_parse_error("missing ociVersion", "{'root': {'path': 'rootfs'}}",
			   "ociVersion: required field is missing",
			   NULL);
	expect_parse_error("ociVersion not a string", "{'ociVersion': 1, 'root': {'path': 'r'}}",
			   "ociVersion: expected a version string", NULL);
	expect_parse_error("ociVersion 2.x", "{'ociVersion': '2.0.0', 'root': {'path': 'r'}}",
			   "ociVersion: unsupported version '2.0.0'", NULL);
	expect_parse_error("missing root", "{'ociVersion': '1.0.0'}", "root: required field is missing", NULL);
	expect_parse_error("missing root.path", "{'ociVersion': '1.0.0', 'root': {'readonly': true}}",
			   "root.path: required field is missing", NULL);
	expect_parse_error("root.readonly wrong type", "{" MIN_HEAD ", 'root': {'path': 'r', 'readonly': 1}}",
			   "root.readonly: expected true or false", NULL);
	expect_parse_error("process.args empty", "{" MIN_HEAD ", 'process': {'args': [], 'cwd': '/'}}",
			   "process.args: expected a non-empty array of strings", NULL);
	expect_parse_error("process.args missing", "{" MIN_HEAD ", 'process': {'cwd': '/'}}",
			   "process.args: required field is missing", NULL);
	expect_parse_error("process.args element type", "{" MIN_HEAD ", 'process': {'args': ['a', 2], 'cwd': '/'}}",
			   "process.args[1]: expected a string", NULL);
	expect_parse_error("process.cwd missing", "{" MIN_HEAD ", 'process': {'args': ['sh']}}",
			   "process.cwd: required field is missing", NULL);
	expect_parse_error("process.cwd relative", "{" MIN_HEAD ", 'process': {'args': ['sh'], 'cwd': 'tmp'}}",
			   "process.cwd: expected an absolute path", NULL);
	expect_parse_error("process.env without =",
			   "{" MIN_HEAD ", 'process': {'args': ['sh'], 'cwd': '/', 'env': ['A=1', 'B']}}",
			   "process.env[1]: expected 'NAME=value'", NULL);
	expect_parse_error("uid out of range",
			   "{" MIN_HEAD ", 'process': {'args': ['sh'], 'cwd': '/', 'user': {'uid': -1}}}",
			   "process.user.uid: expected an integer between 0 and 4294967295", NULL);
	expect_parse_error("additionalGids element",
			   "{" MIN_HEAD ", 'process': {'args': ['sh'], 'cwd': '/', 'user': "
			   "{'additionalGids': [1, 'x']}}}",
			   "process.user.additionalGids[1]: expected an integer", NULL);
	expect_parse_error("oomScoreAdj range",
			   "{" MIN_HEAD ", 'process': {'args': ['sh'], 'cwd': '/', 'oomScoreAdj': 1001}}",
			   "process.oomScoreAdj: expected an integer between -1000 and 1000", NULL);
	expect_parse_error("unknown capability",
			   "{" MIN_HEAD ", 'process': {'args': ['sh'], 'cwd': '/', 'capabilities': "
			   "{'bounding': ['CAP_CHOWN', 'CAP_KILL', 'CAP_SETUID', 'CAP_FOO']}}}",
			   "process.capabilities.bounding[3]: unknown capability 'CAP_FOO'", NULL);
	expect_parse_error("unknown rlimit",
			   "{" MIN_HEAD ", 'process': {'args': ['sh'], 'cwd': '/', 'rlimits': "
			   "[{'type': 'RLIMIT_NOFILE', 'soft': 1, 'hard': 1}, {'type': 'RLIMIT_BOGUS', "
			   "'soft': 1, 'hard': 1}]}}",
			   "process.rlimits[1].type: unknown resource limit 'RLIMIT_BOGUS'", NULL);
	expect_parse_error("rlimit without hard",
			   "{" MIN_HEAD ", 'process': {'args': ['sh'], 'cwd': '/', 'rlimits': "
			   "[{'type': 'RLIMIT_NOFILE', 'soft': 1}]}}",
			   "process.rlimits[0].hard: required field is missing", NULL);
	expect_parse_error("duplicate rlimit",
			   "{" MIN_HEAD ", 'process': {'args': ['sh'], 'cwd': '/', 'rlimits': "
			   "[{'type': 'RLIMIT_NOFILE', 'soft': 1, 'hard': 1}, {'type': 'RLIMIT_NOFILE', "
			   "'soft': 2, 'hard': 2}]}}",
			   "process.rlimits[1].type: duplicate RLIMIT_NOFILE", NULL);
	expect_parse_error("relative mount destination",
			   "{" MIN_HEAD ", 'mounts': [{'destination': '/a'}, {'destination': '/b'}, "
			   "{'destination': '/c'}, {'destination': 'data'}]}",
			   "mounts[3].destination: expected an absolute path", NULL);
	expect_parse_error("mount without destination", "{" MIN_HEAD ", 'mounts': [{'type': 'tmpfs'}]}",
			   "mounts[0].destination: required field is missing", NULL);
	expect_parse_error("mount options not strings",
			   "{" MIN_HEAD ", 'mounts': [{'destination': '/a', 'options': 'ro'}]}",
			   "mounts[0].options: expected an array of strings", NULL);
	expect_parse_error("mount idmap missing size",
			   "{" MIN_HEAD ", 'mounts': [{'destination': '/a', 'uidMappings': "
			   "[{'containerID': 0, 'hostID': 1}]}]}",
			   "mounts[0].uidMappings[0].size: required field is missing", NULL);
	expect_parse_error("hook timeout 0",
			   "{" MIN_HEAD ", 'hooks': {'poststart': [{'path': '/bin/true', 'timeout': 0}]}}",
			   "hooks.poststart[0].timeout: expected an integer between 1 and", NULL);
	expect_parse_error("hook without path", "{" MIN_HEAD ", 'hooks': {'createRuntime': [{'args': []}]}}",
			   "hooks.createRuntime[0].path: required field is missing", NULL);
	expect_parse_error("hook list not an array", "{" MIN_HEAD ", 'hooks': {'prestart': {}}}",
			   "hooks.prestart: expected an array", NULL);
	expect_parse_error("annotation value not a string", "{" MIN_HEAD ", 'annotations': {'a.b': 1}}",
			   "annotations['a.b']: expected a string", NULL);
	expect_parse_error("bad namespace type",
			   "{" MIN_HEAD ", 'linux': {'namespaces': [{'type': 'pid'}, {'type': 'mount'}, "
			   "{'type': 'foo'}]}}",
			   "linux.namespaces[2].type: unknown namespace type 'foo' "
			   "(expected one of mount, pid, network, ipc, uts, user, cgroup, time)",
			   NULL);
	expect_parse_error("duplicate namespace",
			   "{" MIN_HEAD ", 'linux': {'namespaces': [{'type': 'pid'}, {'type': 'uts'}, "
			   "{'type': 'pid', 'path': '/proc/1/ns/pid'}]}}",
			   "linux.namespaces[2].type: duplicate namespace type 'pid'", "index 0");
	expect_parse_error("control characters are escaped",
			   "{" MIN_HEAD ", 'linux': {'namespaces': [{'type': 'mo\\nt'}]}}",
			   "unknown namespace type 'mo\\x0at'", NULL);
	expect_parse_error("namespace without type", "{" MIN_HEAD ", 'linux': {'namespaces': [{}]}}",
			   "linux.namespaces[0].type: required field is missing", NULL);
	expect_parse_error("proc name is not a namespace type",
			   "{" MIN_HEAD ", 'linux': {'namespaces': [{'type': 'net'}]}}",
			   "linux.namespaces[0].type: unknown namespace type 'net'", NULL);
	expect_parse_error("namespace path relative",
			   "{" MIN_HEAD ", 'linux': {'namespaces': [{'type': 'network', 'path': 'ns/net'}]}}",
			   "linux.namespaces[0].path: expected an absolute path", NULL);
	expect_parse_error("device type", "{" MIN_HEAD ", 'linux': {'devices': [{'path': '/dev/x', 'type': 'x'}]}}",
			   "linux.devices[0].type: unknown device type 'x'", NULL);
	expect_parse_error("device without major",
			   "{" MIN_HEAD ", 'linux': {'devices': [{'path': '/dev/x', 'type': 'b', 'minor': 1}]}}",
			   "linux.devices[0].major: required for device type 'b'", NULL);
	expect_parse_error("device relative path",
			   "{" MIN_HEAD ", 'linux': {'devices': [{'path': 'dev/x', 'type': 'p'}]}}",
			   "linux.devices[0].path: expected an absolute path", NULL);
	expect_parse_error("sysctl value type", "{" MIN_HEAD ", 'linux': {'sysctl': {'net.core.somaxconn': 1024}}}",
			   "linux.sysctl['net.core.somaxconn']: expected a string", NULL);
	expect_parse_error("unknown propagation", "{" MIN_HEAD ", 'linux': {'rootfsPropagation': 'rshard'}}",
			   "linux.rootfsPropagation: unknown propagation 'rshard'", NULL);
	expect_parse_error("unknown clock", "{" MIN_HEAD ", 'linux': {'timeOffsets': {'realtime': {'secs': 1}}}}",
			   "linux.timeOffsets.realtime: unknown clock", NULL);
	expect_parse_error("nanosecs range",
			   "{" MIN_HEAD ", 'linux': {'timeOffsets': {'boottime': {'nanosecs': 1000000000}}}}",
			   "linux.timeOffsets.boottime.nanosecs: expected an integer between 0 and 999999999", NULL);
	expect_parse_error("maskedPaths relative", "{" MIN_HEAD ", 'linux': {'maskedPaths': ['/a', 'b']}}",
			   "linux.maskedPaths[1]: expected an absolute path", NULL);
	expect_parse_error("linux not an object", "{" MIN_HEAD ", 'linux': []}", "linux: expected an object", NULL);
	expect_parse_error("integer past uint64", "{" MIN_HEAD ", 'x': 184467440737095516150}", "not valid JSON: ",
			   NULL);
}

static void test_names(void)
{
	bool all_ok = true;
	CHECK(pk_cap_from_name("CAP_CHOWN") == 0 && pk_cap_from_name("CAP_SYS_ADMIN") == 21);
	CHECK(pk_cap_from_name("CAP_CHECKPOINT_RESTORE") == 40 && pk_cap_from_name("cap_chown") == -1);
	CHECK(pk_cap_last_known() == 40 && strcmp(pk_cap_name(39), "CAP_BPF") == 0 && pk_cap_name(41) == NULL);
	CHECK(pk_cap_name(-1) == NULL);
	for (int c = 0; c <= pk_cap_last_known(); c++)
		CHECK(pk_cap_from_name(pk_cap_name(c)) == c);
	CHECK(pk_rlimit_from_name("RLIMIT_AS") == RLIMIT_AS && pk_rlimit_from_name("RLIMIT_STACK") == RLIMIT_STACK);
	CHECK(pk_rlimit_from_name("RLIMIT_RTTIME") == RLIMIT_RTTIME && pk_rlimit_from_name("NOFILE") == -1);
	for (int r = 0; r < RLIM_NLIMITS; r++)
		CHECK(pk_rlimit_name(r) && pk_rlimit_from_name(pk_rlimit_name(r)) == r);
	CHECK(pk_rlimit_name(RLIM_NLIMITS) == NULL);
	CHECK(strcmp(pk_ns_name(PK_NS_NETWORK), "network") == 0 && strcmp(pk_ns_proc_name(PK_NS_NETWORK), "net") == 0);
	CHECK(strcmp(pk_ns_proc_name(PK_NS_MOUNT), "mnt") == 0 && pk_ns_clone_flag(PK_NS_MOUNT) == CLONE_NEWNS);
	CHECK(pk_ns_clone_flag(PK_NS_TIME) == CLONE_NEWTIME && pk_ns_clone_flag(PK_NS_USER) == CLONE_NEWUSER);
	CHECK(pk_ns_name(PK_NS_COUNT) == NULL);
	CHECK(strcmp(pk_hook_kind_name(PK_HOOK_CREATE_CONTAINER), "createContainer") == 0);
	CHECK(strcmp(pk_hook_kind_name(PK_HOOK_POSTSTOP), "poststop") == 0 && !pk_hook_kind_name(PK_HOOK_KIND_COUNT));
	report(all_ok, "capability, rlimit, namespace and hook name tables", NULL);
}

static void test_validation(void)
{
	expect_invalid("userns without mappings", "{" MIN_HEAD ", 'linux': {'namespaces': [{'type': 'user'}]}}",
		       "linux.uidMappings: required when a new user namespace is created", NULL);
	expect_invalid("userns without gid mappings",
		       "{" MIN_HEAD ", 'linux': {'namespaces': [{'type': 'user'}], "
		       "'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]}}",
		       "linux.gidMappings: required when a new user namespace is created", NULL);
	expect_valid("joined userns needs no mappings",
		     "{" MIN_HEAD ", 'linux': {'namespaces': [{'type': 'user', 'path': '/proc/1/ns/user'}]}}");
	expect_invalid("mappings without userns", "{" MIN_HEAD ", 'linux': {" USERNS_MAPS "}}",
		       "linux.uidMappings: requires a user namespace", NULL);
	expect_invalid("overlapping uid mappings",
		       "{" MIN_HEAD ", 'linux': {'namespaces': [{'type': 'user'}], 'uidMappings': ["
		       "{'containerID': 0, 'hostID': 1000, 'size': 1},"
		       "{'containerID': 100, 'hostID': 200000, 'size': 10},"
		       "{'containerID': 105, 'hostID': 300000, 'size': 10}],"
		       "'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]}}",
		       "linux.uidMappings[1] and linux.uidMappings[2]: overlapping containerID ranges", NULL);
	expect_invalid("overlapping host ranges",
		       "{" MIN_HEAD ", 'linux': {'namespaces': [{'type': 'user'}], 'uidMappings': "
		       "[{'containerID': 0, 'hostID': 1000, 'size': 1}], 'gidMappings': ["
		       "{'containerID': 0, 'hostID': 1000, 'size': 10}, {'containerID': 10, 'hostID': 1005, "
		       "'size': 1}]}}",
		       "linux.gidMappings[0] and linux.gidMappings[1]: overlapping hostID ranges", NULL);
	expect_invalid("mapping size 0",
		       "{" MIN_HEAD ", 'linux': {'namespaces': [{'type': 'user'}], 'uidMappings': "
		       "[{'containerID': 0, 'hostID': 1000, 'size': 0}], 'gidMappings': "
		       "[{'containerID': 0, 'hostID': 1000, 'size': 1}]}}",
		       "linux.uidMappings[0].size: must be greater than 0", NULL);
	expect_invalid("process uid not mapped",
		       "{" MIN_HEAD ", 'process': {'args': ['sh'], 'cwd': '/', 'user': {'uid': 5}}, "
		       "'linux': {'namespaces': [{'type': 'user'}], " USERNS_MAPS "}}",
		       "process.user.uid: 5 is not mapped", NULL);
	expect_valid("rootless-style userns", "{" MIN_HEAD ", " MIN_PROCESS ", 'linux': {'namespaces': "
					      "[{'type': 'user'}, " NS_MNT "], " USERNS_MAPS "}}");
	expect_invalid("hostname without uts ns", "{" MIN_HEAD ", 'hostname': 'box'}",
		       "hostname: requires a new UTS namespace", NULL);
	expect_invalid("hostname too long",
		       "{" MIN_HEAD ", 'hostname': '" "0123456789012345678901234567890123456789012345678901234567890123"
		       "4', 'linux': {'namespaces': [{'type': 'uts'}]}}",
		       "hostname: longer than 64 bytes", NULL);
	expect_valid("hostname with uts ns",
		     "{" MIN_HEAD ", 'hostname': 'box', 'linux': {'namespaces': [{'type': 'uts'}]}}");
	expect_invalid("timeOffsets without time ns",
		       "{" MIN_HEAD ", 'linux': {'timeOffsets': {'monotonic': {'secs': 1}}}}",
		       "linux.timeOffsets: requires a new time namespace", NULL);
	expect_invalid("timeOffsets with joined time ns",
		       "{" MIN_HEAD ", 'linux': {'namespaces': [{'type': 'time', 'path': '/proc/1/ns/time'}], "
		       "'timeOffsets': {'monotonic': {'secs': 1}}}}",
		       "linux.timeOffsets: cannot be set when joining", NULL);
	expect_invalid("sysctl with ..",
		       "{" MIN_HEAD ", 'linux': {'namespaces': [{'type': 'network'}], "
		       "'sysctl': {'net..ipv4': '1'}}}",
		       "linux.sysctl['net..ipv4']: not a valid sysctl name", NULL);
	expect_invalid("sysctl with leading /", "{" MIN_HEAD ", 'linux': {'sysctl': {'/etc/passwd': '1'}}}",
		       "linux.sysctl['/etc/passwd']: not a valid sysctl name", NULL);
	expect_invalid("net sysctl without network ns",
		       "{" MIN_HEAD ", 'linux': {'sysctl': {'net/ipv4/ip_forward': '1'}}}",
		       "linux.sysctl['net/ipv4/ip_forward']: requires a network namespace", NULL);
	expect_invalid("host-wide sysctl",
		       "{" MIN_HEAD ", 'linux': {'namespaces': [{'type': 'ipc'}], 'sysctl': {'vm.swappiness': '1'}}}",
		       "linux.sysctl['vm.swappiness']: not in a namespace the container owns", NULL);
	expect_invalid("device outside /dev",
		       "{" MIN_HEAD ", 'linux': {'devices': [{'path': '/dev/../etc/x', 'type': 'p'}]}}",
		       "linux.devices[0].path: must be a path under /dev/", NULL);
	expect_invalid("rlimit soft above hard",
		       "{" MIN_HEAD ", 'process': {'args': ['sh'], 'cwd': '/', 'rlimits': "
		       "[{'type': 'RLIMIT_CORE', 'soft': 2, 'hard': 1}]}}",
		       "process.rlimits[0]: soft limit 2 exceeds hard limit 1", NULL);
	expect_invalid("maskedPaths without mount ns", "{" MIN_HEAD ", 'linux': {'maskedPaths': ['/proc/kcore']}}",
		       "linux.maskedPaths: requires a mount namespace", NULL);
	expect_invalid("mount idmap with only uids",
		       "{" MIN_HEAD ", 'mounts': [{'destination': '/a', 'uidMappings': "
		       "[{'containerID': 0, 'hostID': 1, 'size': 1}]}], 'linux': {'namespaces': [" NS_MNT "]}}",
		       "mounts[0]: uidMappings and gidMappings must be given together", NULL);
}

static void test_load(void)
{
	char dir[] = "/tmp/pocket-test-XXXXXX", path[64];
	pk_spec_t s;
	pk_err_t err = {0};
	if (!mkdtemp(dir)) {
		report(false, "pk_spec_load", "mkdtemp failed");
		return;
	}
	snprintf(path, sizeof path, "%s/config.json", dir);

	int r = pk_spec_load(&s, path, &err);
	report(r == -1 && strstr(err.msg, path) && strstr(err.msg, "No such file") && err.errnum != 0,
	       "pk_spec_load: missing file names the path", err.msg);

	write_file(path, "{" MIN_HEAD ", " MIN_PROCESS "}");
	r = pk_spec_load(&s, path, &err);
	report(r == 0 && strcmp(s.process.args[0], "sh") == 0, "pk_spec_load: reads a file", r ? err.msg : NULL);
	pk_spec_free(&s);

	write_file(path, "{" MIN_HEAD ", 'process': {'args': [], 'cwd': '/'}}");
	r = pk_spec_load(&s, path, &err);
	char want[128];
	snprintf(want, sizeof want, "%s: process.args: expected a non-empty array of strings", path);
	report(r == -1 && strcmp(err.msg, want) == 0, "pk_spec_load: error is prefixed with the path", err.msg);

	unlink(path);
	rmdir(dir);
}

/* linux.resources.blockIO, hugepageLimits, rdma, network into the model; bad shapes name their field. */
static void test_resources_extras(void)
{
	pk_spec_t s;
	pk_err_t err;
	bool all_ok = true;
	int r = parse(&s, "{" MIN_HEAD ", 'linux': {'resources': {"
			  "'blockIO': {'weight': 500, 'leafWeight': 0, 'weightDevice': [{'major': 8, 'minor': 0, 'weight': 200}],"
			  " 'throttleReadBpsDevice': [{'major': 8, 'minor': 0, 'rate': 1048576}],"
			  " 'throttleWriteIOPSDevice': [{'major': 8, 'minor': 16, 'rate': 18446744073709551615}]},"
			  "'hugepageLimits': [{'pageSize': '2MB', 'limit': 4194304}],"
			  "'rdma': {'mlx5_1': {'hcaHandles': 3}},"
			  "'network': {'classID': 1048577, 'priorities': [{'name': 'eth0', 'priority': 5}]}}}}",
		      &err);
	report(r == 0, "resources extras parse", r ? err.msg : NULL);
	if (r)
		return;
	CHECK(s.resources.blkio.weight.set && s.resources.blkio.weight.v == 500);
	CHECK(!s.resources.blkio.leaf_weight.set); /* 0: unset, as in runc */
	CHECK(s.resources.blkio.n_weight_device == 1 && s.resources.blkio.weight_device[0].weight.v == 200 &&
	      !s.resources.blkio.weight_device[0].leaf_weight.set);
	CHECK(s.resources.blkio.n_throttle[PK_THROTTLE_READ_BPS] == 1 &&
	      s.resources.blkio.throttle[PK_THROTTLE_READ_BPS][0].rate == 1048576);
	CHECK(s.resources.blkio.n_throttle[PK_THROTTLE_WRITE_IOPS] == 1 &&
	      s.resources.blkio.throttle[PK_THROTTLE_WRITE_IOPS][0].minor == 16 &&
	      s.resources.blkio.throttle[PK_THROTTLE_WRITE_IOPS][0].rate == UINT64_MAX);
	CHECK(s.resources.blkio.n_throttle[PK_THROTTLE_WRITE_BPS] == 0);
	CHECK(s.resources.n_hugepages == 1 && !strcmp(s.resources.hugepages[0].page_size, "2MB") &&
	      s.resources.hugepages[0].limit == 4194304);
	CHECK(s.resources.n_rdma == 1 && !strcmp(s.resources.rdma[0].device, "mlx5_1") &&
	      s.resources.rdma[0].hca_handles.v == 3 && !s.resources.rdma[0].hca_objects.set);
	CHECK(s.resources.network.class_id.v == 1048577 && s.resources.network.n_priorities == 1 &&
	      !strcmp(s.resources.network.priorities[0].name, "eth0") && s.resources.network.priorities[0].priority == 5);
	CHECK(pk_resources_has_limits(&s.resources));
	report(all_ok, "resources extras: every field modeled", NULL);
	pk_spec_free(&s);

	expect_parse_error("blockIO.weight out of range",
			   "{" MIN_HEAD ", 'linux': {'resources': {'blockIO': {'weight': 1001}}}}",
			   "linux.resources.blockIO.weight: 1001 is out of range", NULL);
	expect_parse_error("throttle without rate",
			   "{" MIN_HEAD ", 'linux': {'resources': {'blockIO': {'throttleReadIOPSDevice': [{'major': 8, 'minor': 0}]}}}}",
			   "linux.resources.blockIO.throttleReadIOPSDevice[0].rate: required", NULL);
	expect_parse_error("throttle without minor",
			   "{" MIN_HEAD ", 'linux': {'resources': {'blockIO': {'throttleReadBpsDevice': [{'major': 8, 'rate': 1}]}}}}",
			   "linux.resources.blockIO.throttleReadBpsDevice[0]: expected an object with the device", NULL);
	expect_parse_error("hugepage size",
			   "{" MIN_HEAD ", 'linux': {'resources': {'hugepageLimits': [{'pageSize': '2M', 'limit': 1}]}}}",
			   "linux.resources.hugepageLimits[0].pageSize", NULL);
	expect_parse_error("hugepage limit missing",
			   "{" MIN_HEAD ", 'linux': {'resources': {'hugepageLimits': [{'pageSize': '2MB'}]}}}",
			   "linux.resources.hugepageLimits[0].limit: required", NULL);
	expect_parse_error("rdma not an object", "{" MIN_HEAD ", 'linux': {'resources': {'rdma': []}}}",
			   "linux.resources.rdma: expected an object", NULL);
	expect_parse_error("rdma hcaHandles", "{" MIN_HEAD ", 'linux': {'resources': {'rdma': {'m': {'hcaHandles': -1}}}}}",
			   "linux.resources.rdma['m'].hcaHandles: expected an integer", NULL);
	expect_parse_error("network classID", "{" MIN_HEAD ", 'linux': {'resources': {'network': {'classID': 'x'}}}}",
			   "linux.resources.network.classID: expected an integer", NULL);
	expect_parse_error("network priority name",
			   "{" MIN_HEAD ", 'linux': {'resources': {'network': {'priorities': [{'priority': 1}]}}}}",
			   "linux.resources.network.priorities[0].name", NULL);
}

int main(void)
{
	test_full_config();
	test_minimal();
	test_parse_errors();
	test_names();
	test_validation();
	test_load();
	test_resources_extras();
	printf("1..%d\n%d passed, %d failed\n", n_run, n_run - n_failed, n_failed);
	return n_failed ? 1 : 0;
}
