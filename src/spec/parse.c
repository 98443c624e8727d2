/* config.json -> pk_spec_t.
 *
 * Objects are parsed from field tables: each entry names a JSON key, the parser for its value and where the
 * result goes in the target struct. A parser sees the JSON value and a pointer into the struct; the ctx
 * carries the JSON path ("linux.namespaces[2].type") so every error names the field it is about.
 *
 * Unknown keys are ignored (config.md requires it) and a JSON null counts as absent, as it does for the Go
 * runtimes that write most configs. */
#include "spec/caps.h"
#include "spec/rlimits.h"
#include "spec/spec.h"
#include "util/cleanup.h"
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <linux/sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static inline void pk_json_decrefp(json_t **j) { json_decref(*j); }
#define _cleanup_json_ __attribute__((cleanup(pk_json_decrefp)))

/* ---- names ---- */

static const struct {
	const char *oci, *proc;
	int clone_flag;
} ns_table[PK_NS_COUNT] = {
	[PK_NS_MOUNT] = {"mount", "mnt", CLONE_NEWNS},
	[PK_NS_PID] = {"pid", "pid", CLONE_NEWPID},
	[PK_NS_NETWORK] = {"network", "net", CLONE_NEWNET},
	[PK_NS_IPC] = {"ipc", "ipc", CLONE_NEWIPC},
	[PK_NS_UTS] = {"uts", "uts", CLONE_NEWUTS},
	[PK_NS_USER] = {"user", "user", CLONE_NEWUSER},
	[PK_NS_CGROUP] = {"cgroup", "cgroup", CLONE_NEWCGROUP},
	[PK_NS_TIME] = {"time", "time", CLONE_NEWTIME},
};

static const char *const hook_names[PK_HOOK_KIND_COUNT] = {
	[PK_HOOK_PRESTART] = "prestart",
	[PK_HOOK_CREATE_RUNTIME] = "createRuntime",
	[PK_HOOK_CREATE_CONTAINER] = "createContainer",
	[PK_HOOK_START_CONTAINER] = "startContainer",
	[PK_HOOK_POSTSTART] = "poststart",
	[PK_HOOK_POSTSTOP] = "poststop",
};

const char *pk_ns_name(enum pk_ns_type t) { return (unsigned)t < PK_NS_COUNT ? ns_table[t].oci : NULL; }
int pk_ns_clone_flag(enum pk_ns_type t) { return (unsigned)t < PK_NS_COUNT ? ns_table[t].clone_flag : 0; }
const char *pk_ns_proc_name(enum pk_ns_type t) { return (unsigned)t < PK_NS_COUNT ? ns_table[t].proc : NULL; }
const char *pk_hook_kind_name(enum pk_hook_kind k) { return (unsigned)k < PK_HOOK_KIND_COUNT ? hook_names[k] : NULL; }

static const struct {
	const char *name;
	unsigned long flags;
} propagations[] = {
	{"private", MS_PRIVATE},
	{"rprivate", MS_PRIVATE | MS_REC},
	{"slave", MS_SLAVE},
	{"rslave", MS_SLAVE | MS_REC},
	{"shared", MS_SHARED},
	{"rshared", MS_SHARED | MS_REC},
	{"unbindable", MS_UNBINDABLE},
	{"runbindable", MS_UNBINDABLE | MS_REC},
};

static const char device_types[] = "cbup";

/* ---- path and errors ---- */

struct ctx {
	pk_err_t *err;
	size_t len;
	char path[512];
};

static size_t path_push(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static size_t path_push(struct ctx *c, const char *fmt, ...)
{
	size_t mark = c->len, room = sizeof c->path - c->len;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(c->path + c->len, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->len += (size_t)n < room ? (size_t)n : room - 1;
	return mark;
}

static size_t push_key(struct ctx *c, const char *key) { return path_push(c, c->len ? ".%s" : "%s", key); }
static size_t push_index(struct ctx *c, size_t i) { return path_push(c, "[%zu]", i); }
/* Keys that are data (sysctl names, annotation keys) may contain dots themselves. */
static size_t push_quoted(struct ctx *c, const char *key) { return path_push(c, "[\"%s\"]", key); }

static void path_pop(struct ctx *c, size_t mark)
{
	c->len = mark;
	c->path[mark] = '\0';
}

static int fail(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct ctx *c, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return pk_fail(c->err, "%s: %s", c->len ? c->path : "(top level)", msg);
}


static int fail_oom(struct ctx *c) { return pk_fail_errno(c->err, ENOMEM, "%s", c->len ? c->path : "config"); }

/* ---- field tables ---- */

/* dst points at the struct member the field names; n at its count member for array fields, else NULL. */
typedef int (*parse_fn)(struct ctx *c, json_t *v, void *dst, size_t *n);

enum {
	F_REQUIRED = 1 << 0,
	F_HAS = 1 << 1,   /* aux is the offset of a bool set when the field is present */
	F_COUNT = 1 << 2, /* aux is the offset of the size_t count of an array field */
};

struct field {
	const char *key;
	parse_fn parse;
	size_t off, aux;
	unsigned flags;
};

#define FIELD(T, key, fn, member) {key, fn, offsetof(T, member), 0, 0}
#define REQUIRED(T, key, fn, member) {key, fn, offsetof(T, member), 0, F_REQUIRED}
#define OPTIONAL(T, key, fn, member, has) {key, fn, offsetof(T, member), offsetof(T, has), F_HAS}
#define ARRAY(T, key, fn, member, count) {key, fn, offsetof(T, member), offsetof(T, count), F_COUNT}

static int parse_fields(struct ctx *c, json_t *obj, const struct field *fields, size_t n_fields, void *base)
{
	if (!json_is_object(obj))
		return fail(c, "expected an object");
	for (const struct field *f = fields; f < fields + n_fields; f++) {
		json_t *v = json_object_get(obj, f->key);
		size_t mark = push_key(c, f->key);
		if (!v || json_is_null(v)) {
			if (f->flags & F_REQUIRED)
				return fail(c, "required field is missing");
			path_pop(c, mark);
			continue;
		}
		size_t *count = (f->flags & F_COUNT) ? (size_t *)((char *)base + f->aux) : NULL;
		if (f->parse(c, v, (char *)base + f->off, count) < 0)
			return -1;
		if (f->flags & F_HAS)
			*(bool *)((char *)base + f->aux) = true;
		path_pop(c, mark);
	}
	return 0;
}

#define PARSE_FIELDS(c, obj, table, base) parse_fields(c, obj, table, PK_ARRAY_SIZE(table), base)

/* Arrays of structs: the array is stored (zeroed) before its elements are parsed, so pk_spec_free() can release
 * a partly parsed one. */
static int parse_array(struct ctx *c, json_t *v, size_t size, parse_fn parse, void *dst, size_t *n)
{
	if (!json_is_array(v))
		return fail(c, "expected an array");
	size_t len = json_array_size(v);
	if (len == 0)
		return 0;
	char *arr = calloc(len, size);
	if (!arr)
		return fail_oom(c);
	*(void **)dst = arr;
	*n = len;
	for (size_t i = 0; i < len; i++) {
		size_t mark = push_index(c, i);
		if (parse(c, json_array_get(v, i), arr + i * size, NULL) < 0)
			return -1;
		path_pop(c, mark);
	}
	return 0;
}

/* ---- scalars ---- */

/* The out-parameters are set even on failure: GCC's -Wmaybe-uninitialized cannot follow fail()'s result through
 * the partial inlining it does at -O2. */
static int get_int(struct ctx *c, json_t *v, json_int_t min, json_int_t max, json_int_t *out)
{
	*out = 0;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return fail(c, "expected an integer between %" JSON_INTEGER_FORMAT " and %" JSON_INTEGER_FORMAT, min,
			    max);
	*out = json_integer_value(v);
	return 0;
}

static int get_string(struct ctx *c, json_t *v, const char *what, const char **out)
{
	*out = "";
	if (!json_is_string(v))
		return fail(c, "expected %s", what);
	*out = json_string_value(v);
	return 0;
}

static int set_string(struct ctx *c, const char *s, char **dst)
{
	*dst = strdup(s);
	return *dst ? 0 : fail_oom(c);
}

static int p_str(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	const char *s;
	return get_string(c, v, "a string", &s) < 0 ? -1 : set_string(c, s, dst);
}

static int p_nonempty_str(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	const char *s;
	if (get_string(c, v, "a non-empty string", &s) < 0)
		return -1;
	if (!*s)
		return fail(c, "expected a non-empty string");
	return set_string(c, s, dst);
}

static int check_abspath(struct ctx *c, const char *s)
{
	return s[0] == '/' ? 0 : fail(c, "expected an absolute path, got \"%s\"", s);
}

static int p_abspath(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	const char *s;
	if (get_string(c, v, "an absolute path", &s) < 0 || check_abspath(c, s) < 0)
		return -1;
	return set_string(c, s, dst);
}

static int p_bool(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	if (!json_is_boolean(v))
		return fail(c, "expected true or false");
	*(bool *)dst = json_is_true(v);
	return 0;
}

static int p_u32(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	json_int_t i;
	if (get_int(c, v, 0, UINT32_MAX, &i) < 0)
		return -1;
	*(uint32_t *)dst = (uint32_t)i;
	return 0;
}

/* uint64 values above INT64_MAX reach us as negative integers (see widen_big_ints()); casting restores them. */
static int p_u64(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	if (!json_is_integer(v))
		return fail(c, "expected an integer between 0 and %" PRIu64, UINT64_MAX);
	*(uint64_t *)dst = (uint64_t)json_integer_value(v);
	return 0;
}

static int p_i64(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	json_int_t i;
	if (get_int(c, v, INT64_MIN, INT64_MAX, &i) < 0)
		return -1;
	*(int64_t *)dst = i;
	return 0;
}

static int p_u32s(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	return parse_array(c, v, sizeof(uint32_t), p_u32, dst, n);
}

/* ---- string arrays (NULL-terminated, with an optional count) ---- */

typedef int (*check_fn)(struct ctx *c, const char *s);

static int strv_parse(struct ctx *c, json_t *v, char ***dst, size_t *n, bool nonempty, check_fn check)
{
	const char *what = nonempty ? "a non-empty array of strings" : "an array of strings";
	if (!json_is_array(v) || (nonempty && json_array_size(v) == 0))
		return fail(c, "expected %s", what);
	size_t len = json_array_size(v);
	char **strv = calloc(len + 1, sizeof *strv);
	if (!strv)
		return fail_oom(c);
	*dst = strv;
	if (n)
		*n = len;
	for (size_t i = 0; i < len; i++) {
		size_t mark = push_index(c, i);
		const char *s;
		if (get_string(c, json_array_get(v, i), "a string", &s) < 0 || (check && check(c, s) < 0))
			return -1;
		if (set_string(c, s, &strv[i]) < 0)
			return -1;
		path_pop(c, mark);
	}
	return 0;
}

static int check_env(struct ctx *c, const char *s)
{
	const char *eq = strchr(s, '=');
	return eq && eq != s ? 0 : fail(c, "expected \"NAME=value\", got \"%s\"", s);
}

static int p_strv(struct ctx *c, json_t *v, void *dst, size_t *n) { return strv_parse(c, v, dst, n, false, NULL); }
static int p_args(struct ctx *c, json_t *v, void *dst, size_t *n) { return strv_parse(c, v, dst, n, true, NULL); }
static int p_env(struct ctx *c, json_t *v, void *dst, size_t *n) { return strv_parse(c, v, dst, n, false, check_env); }
static int p_abspaths(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	return strv_parse(c, v, dst, n, false, check_abspath);
}

/* ---- top level and root ---- */

static int p_version(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	const char *s;
	if (get_string(c, v, "a version string such as \"1.2.0\"", &s) < 0)
		return -1;
	/* Minor versions only add fields, which we ignore when unknown; a new major may change meanings. */
	if (strncmp(s, "1.", 2) != 0)
		return fail(c, "unsupported version \"%s\" (expected 1.x)", s);
	return set_string(c, s, dst);
}

static const struct field root_fields[] = {
	REQUIRED(pk_spec_t, "path", p_nonempty_str, root_path),
	FIELD(pk_spec_t, "readonly", p_bool, root_readonly),
};

static int p_root(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	return PARSE_FIELDS(c, v, root_fields, dst);
}

static int p_annotations(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	if (!json_is_object(v))
		return fail(c, "expected an object of string values");
	const char *key;
	json_t *val;
	json_object_foreach(v, key, val) {
		size_t mark = push_quoted(c, key);
		if (!*key)
			return fail(c, "annotation keys must not be empty");
		if (!json_is_string(val))
			return fail(c, "expected a string");
		path_pop(c, mark);
	}
	*(json_t **)dst = json_incref(v);
	return 0;
}

/* ---- process ---- */

static int p_capset(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	uint64_t mask = 0;
	if (!json_is_array(v))
		return fail(c, "expected an array of capability names");
	for (size_t i = 0; i < json_array_size(v); i++) {
		size_t mark = push_index(c, i);
		const char *name;
		if (get_string(c, json_array_get(v, i), "a capability name such as \"CAP_CHOWN\"", &name) < 0)
			return -1;
		int cap = pk_cap_from_name(name);
		if (cap < 0)
			return fail(c, "unknown capability \"%s\"", name);
		mask |= UINT64_C(1) << cap;
		path_pop(c, mark);
	}
	*(uint64_t *)dst = mask;
	return 0;
}

static const struct field caps_fields[] = {
	FIELD(pk_caps_t, "bounding", p_capset, bounding),
	FIELD(pk_caps_t, "effective", p_capset, effective),
	FIELD(pk_caps_t, "inheritable", p_capset, inheritable),
	FIELD(pk_caps_t, "permitted", p_capset, permitted),
	FIELD(pk_caps_t, "ambient", p_capset, ambient),
};

static int p_caps(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	return PARSE_FIELDS(c, v, caps_fields, dst);
}

static int p_rlimit_type(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	const char *name;
	if (get_string(c, v, "a resource limit name such as \"RLIMIT_NOFILE\"", &name) < 0)
		return -1;
	int r = pk_rlimit_from_name(name);
	if (r < 0)
		return fail(c, "unknown resource limit \"%s\"", name);
	*(int *)dst = r;
	return 0;
}

static const struct field rlimit_fields[] = {
	REQUIRED(pk_rlimit_t, "type", p_rlimit_type, resource),
	REQUIRED(pk_rlimit_t, "soft", p_u64, soft),
	REQUIRED(pk_rlimit_t, "hard", p_u64, hard),
};

static int p_rlimit(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	return PARSE_FIELDS(c, v, rlimit_fields, dst);
}

static int p_rlimits(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	if (parse_array(c, v, sizeof(pk_rlimit_t), p_rlimit, dst, n) < 0)
		return -1;
	const pk_rlimit_t *rl = *(pk_rlimit_t **)dst;
	for (size_t i = 0; i < *n; i++)
		for (size_t j = 0; j < i; j++)
			if (rl[i].resource == rl[j].resource) {
				path_push(c, "[%zu].type", i);
				return fail(c, "duplicate %s (also at index %zu)", pk_rlimit_name(rl[i].resource), j);
			}
	return 0;
}

static int p_oom_score_adj(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	json_int_t i;
	if (get_int(c, v, -1000, 1000, &i) < 0)
		return -1;
	*(int *)dst = (int)i;
	return 0;
}

static const struct field user_fields[] = {
	FIELD(pk_process_t, "uid", p_u32, uid),
	FIELD(pk_process_t, "gid", p_u32, gid),
	OPTIONAL(pk_process_t, "umask", p_u32, umask, has_umask),
	ARRAY(pk_process_t, "additionalGids", p_u32s, additional_gids, n_additional_gids),
};

static int p_user(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	return PARSE_FIELDS(c, v, user_fields, dst);
}

static const struct field process_fields[] = {
	FIELD(pk_process_t, "terminal", p_bool, terminal),
	{"user", p_user, 0, 0, 0},
	REQUIRED(pk_process_t, "args", p_args, args),
	FIELD(pk_process_t, "env", p_env, env),
	REQUIRED(pk_process_t, "cwd", p_abspath, cwd),
	FIELD(pk_process_t, "noNewPrivileges", p_bool, no_new_privileges),
	OPTIONAL(pk_process_t, "capabilities", p_caps, caps, caps.present),
	ARRAY(pk_process_t, "rlimits", p_rlimits, rlimits, n_rlimits),
	OPTIONAL(pk_process_t, "oomScoreAdj", p_oom_score_adj, oom_score_adj, has_oom_score_adj),
	FIELD(pk_process_t, "apparmorProfile", p_str, apparmor_profile),
	FIELD(pk_process_t, "selinuxLabel", p_str, selinux_label),
};

static int p_process(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	return PARSE_FIELDS(c, v, process_fields, dst);
}

/* ---- mounts ---- */

static const struct field idmap_fields[] = {
	REQUIRED(pk_idmap_t, "containerID", p_u32, container_id),
	REQUIRED(pk_idmap_t, "hostID", p_u32, host_id),
	REQUIRED(pk_idmap_t, "size", p_u32, size),
};

static int p_idmap(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	return PARSE_FIELDS(c, v, idmap_fields, dst);
}

static int p_idmaps(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	return parse_array(c, v, sizeof(pk_idmap_t), p_idmap, dst, n);
}

static const struct field mount_fields[] = {
	REQUIRED(pk_mount_t, "destination", p_abspath, destination),
	FIELD(pk_mount_t, "type", p_str, type),
	FIELD(pk_mount_t, "source", p_str, source),
	ARRAY(pk_mount_t, "options", p_strv, options, n_options),
	ARRAY(pk_mount_t, "uidMappings", p_idmaps, uid_mappings, n_uid_mappings),
	ARRAY(pk_mount_t, "gidMappings", p_idmaps, gid_mappings, n_gid_mappings),
};

static int p_mount(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	return PARSE_FIELDS(c, v, mount_fields, dst);
}

static int p_mounts(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	return parse_array(c, v, sizeof(pk_mount_t), p_mount, dst, n);
}

/* ---- hooks ---- */

static int p_timeout(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	json_int_t i;
	if (get_int(c, v, 1, INT_MAX, &i) < 0)
		return -1;
	*(int *)dst = (int)i;
	return 0;
}

static const struct field hook_fields[] = {
	REQUIRED(pk_hook_t, "path", p_abspath, path),
	FIELD(pk_hook_t, "args", p_strv, args),
	FIELD(pk_hook_t, "env", p_env, env),
	FIELD(pk_hook_t, "timeout", p_timeout, timeout),
};

static int p_hook(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	return PARSE_FIELDS(c, v, hook_fields, dst);
}

static int p_hooks(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	pk_hooks_t *hooks = dst;
	if (!json_is_object(v))
		return fail(c, "expected an object");
	for (int k = 0; k < PK_HOOK_KIND_COUNT; k++) {
		json_t *list = json_object_get(v, hook_names[k]);
		if (!list || json_is_null(list))
			continue;
		size_t mark = push_key(c, hook_names[k]);
		if (parse_array(c, list, sizeof(pk_hook_t), p_hook, &hooks[k].list, &hooks[k].n) < 0)
			return -1;
		path_pop(c, mark);
	}
	return 0;
}

/* ---- linux ---- */

static int ns_from_name(const char *name)
{
	for (int t = 0; t < PK_NS_COUNT; t++)
		if (strcmp(ns_table[t].oci, name) == 0)
			return t;
	return -1;
}

static int fail_ns_type(struct ctx *c, const char *name)
{
	char list[128] = "";
	for (int t = 0; t < PK_NS_COUNT; t++)
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", t ? ", " : "", ns_table[t].oci);
	return fail(c, "unknown namespace type \"%s\" (expected one of %s)", name, list);
}

static int p_namespace(struct ctx *c, json_t *v, pk_namespace_t *table, size_t *first_index, size_t index)
{
	if (!json_is_object(v))
		return fail(c, "expected an object");
	json_t *jtype = json_object_get(v, "type"), *jpath = json_object_get(v, "path");
	const char *name, *path = NULL;
	size_t mark = push_key(c, "type");
	if (!jtype || json_is_null(jtype))
		return fail(c, "required field is missing");
	if (get_string(c, jtype, "a namespace type", &name) < 0)
		return -1;
	int t = ns_from_name(name);
	if (t < 0)
		return fail_ns_type(c, name);
	if (table[t].present)
		return fail(c, "duplicate namespace type \"%s\" (also at index %zu)", name, first_index[t]);
	path_pop(c, mark);
	table[t].present = true;
	first_index[t] = index;
	if (jpath && !json_is_null(jpath)) {
		mark = push_key(c, "path");
		if (get_string(c, jpath, "an absolute path", &path) < 0)
			return -1;
		/* An empty path means "create one", as in the Go runtimes where it is the zero value. */
		if (*path && (check_abspath(c, path) < 0 || set_string(c, path, &table[t].path) < 0))
			return -1;
		path_pop(c, mark);
	}
	return 0;
}

static int p_namespaces(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	size_t first_index[PK_NS_COUNT] = {0};
	if (!json_is_array(v))
		return fail(c, "expected an array");
	for (size_t i = 0; i < json_array_size(v); i++) {
		size_t mark = push_index(c, i);
		if (p_namespace(c, json_array_get(v, i), dst, first_index, i) < 0)
			return -1;
		path_pop(c, mark);
	}
	return 0;
}

static int p_nanosecs(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	json_int_t i;
	if (get_int(c, v, 0, 999999999, &i) < 0)
		return -1;
	*(int64_t *)dst = i;
	return 0;
}

static const struct field timespec_fields[] = {
	{"secs", p_i64, 0, 0, 0},
	{"nanosecs", p_nanosecs, sizeof(int64_t), 0, 0},
};

static int p_timespec(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	return PARSE_FIELDS(c, v, timespec_fields, dst);
}

static const struct field time_offset_fields[] = {
	FIELD(pk_spec_t, "monotonic", p_timespec, time_offset_monotonic),
	FIELD(pk_spec_t, "boottime", p_timespec, time_offset_boottime),
};

static int p_time_offsets(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	if (PARSE_FIELDS(c, v, time_offset_fields, dst) < 0)
		return -1;
	/* Only these two clocks can be offset; anything else would be silently ignored by us and the kernel. */
	const char *key;
	json_t *val;
	json_object_foreach(v, key, val) {
		if (strcmp(key, "monotonic") != 0 && strcmp(key, "boottime") != 0) {
			push_key(c, key);
			return fail(c, "unknown clock (expected monotonic or boottime)");
		}
	}
	return 0;
}

static int p_device_type(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	const char *s;
	if (get_string(c, v, "a device type", &s) < 0)
		return -1;
	if (strlen(s) != 1 || !strchr(device_types, s[0]))
		return fail(c, "unknown device type \"%s\" (expected one of c, b, u, p)", s);
	*(char *)dst = s[0];
	return 0;
}

static int p_devnum(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	json_int_t i;
	if (get_int(c, v, 0, UINT32_MAX, &i) < 0)
		return -1;
	*(int64_t *)dst = i;
	return 0;
}

static const struct field device_fields[] = {
	REQUIRED(pk_device_t, "path", p_abspath, path),
	REQUIRED(pk_device_t, "type", p_device_type, type),
	FIELD(pk_device_t, "major", p_devnum, major),
	FIELD(pk_device_t, "minor", p_devnum, minor),
	OPTIONAL(pk_device_t, "fileMode", p_u32, file_mode, has_file_mode),
	OPTIONAL(pk_device_t, "uid", p_u32, uid, has_uid),
	OPTIONAL(pk_device_t, "gid", p_u32, gid, has_gid),
};

static int p_device(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	const pk_device_t *dev = dst;
	if (PARSE_FIELDS(c, v, device_fields, dst) < 0)
		return -1;
	if (dev->type == 'p')
		return 0;
	static const char *const numbers[] = {"major", "minor"};
	for (size_t i = 0; i < PK_ARRAY_SIZE(numbers); i++) {
		json_t *num = json_object_get(v, numbers[i]);
		if (!num || json_is_null(num)) {
			push_key(c, numbers[i]);
			return fail(c, "required for device type \"%c\"", dev->type);
		}
	}
	return 0;
}

static int p_devices(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	return parse_array(c, v, sizeof(pk_device_t), p_device, dst, n);
}

static int p_sysctl(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	if (!json_is_object(v))
		return fail(c, "expected an object of string values");
	size_t len = json_object_size(v);
	if (len == 0)
		return 0;
	pk_sysctl_t *arr = calloc(len, sizeof *arr);
	if (!arr)
		return fail_oom(c);
	*(pk_sysctl_t **)dst = arr;
	*n = len;
	const char *key;
	json_t *val;
	json_object_foreach(v, key, val) {
		size_t mark = push_quoted(c, key);
		if (!json_is_string(val))
			return fail(c, "expected a string");
		if (set_string(c, key, &arr->key) < 0 || set_string(c, json_string_value(val), &arr->value) < 0)
			return -1;
		arr++;
		path_pop(c, mark);
	}
	return 0;
}

static int p_propagation(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	const char *s;
	if (get_string(c, v, "a propagation mode", &s) < 0)
		return -1;
	if (!*s) /* the Go zero value: keep the default */
		return 0;
	for (size_t i = 0; i < PK_ARRAY_SIZE(propagations); i++)
		if (strcmp(propagations[i].name, s) == 0) {
			*(unsigned long *)dst = propagations[i].flags;
			return 0;
		}
	return fail(c, "unknown propagation \"%s\" (expected one of private, rprivate, slave, rslave, shared, "
		       "rshared, unbindable, runbindable)",
		    s);
}

static const struct field linux_fields[] = {
	FIELD(pk_spec_t, "namespaces", p_namespaces, ns),
	ARRAY(pk_spec_t, "uidMappings", p_idmaps, uid_mappings, n_uid_mappings),
	ARRAY(pk_spec_t, "gidMappings", p_idmaps, gid_mappings, n_gid_mappings),
	{"timeOffsets", p_time_offsets, 0, offsetof(pk_spec_t, has_time_offsets), F_HAS},
	ARRAY(pk_spec_t, "devices", p_devices, devices, n_devices),
	ARRAY(pk_spec_t, "sysctl", p_sysctl, sysctl, n_sysctl),
	FIELD(pk_spec_t, "maskedPaths", p_abspaths, masked_paths),
	FIELD(pk_spec_t, "readonlyPaths", p_abspaths, readonly_paths),
	FIELD(pk_spec_t, "rootfsPropagation", p_propagation, rootfs_propagation),
	FIELD(pk_spec_t, "cgroupsPath", p_str, cgroups_path),
	FIELD(pk_spec_t, "mountLabel", p_str, mount_label),
};

static int p_linux(struct ctx *c, json_t *v, void *dst, size_t *n)
{
	(void)n;
	return PARSE_FIELDS(c, v, linux_fields, dst);
}

static const struct field top_fields[] = {
	REQUIRED(pk_spec_t, "ociVersion", p_version, oci_version),
	{"root", p_root, 0, 0, F_REQUIRED},
	FIELD(pk_spec_t, "hostname", p_str, hostname),
	FIELD(pk_spec_t, "domainname", p_str, domainname),
	OPTIONAL(pk_spec_t, "process", p_process, process, has_process),
	ARRAY(pk_spec_t, "mounts", p_mounts, mounts, n_mounts),
	FIELD(pk_spec_t, "hooks", p_hooks, hooks),
	FIELD(pk_spec_t, "annotations", p_annotations, annotations),
	{"linux", p_linux, 0, 0, 0},
};

/* ---- entry points ---- */

/* jansson rejects integers beyond int64, but runtime-spec has uint64 fields (rlimits, cpu.shares, hugepage
 * limits) and Docker writes RLIM_INFINITY as 18446744073709551615. Rewrite such literals to the int64 with the
 * same bits; readers of uint64 fields cast them back. Only used after a numeric-overflow failure. */
static char *widen_big_ints(const char *text, size_t len, size_t *out_len)
{
	char *out = malloc(len + len / 19 + 1); /* each rewrite grows a literal by at most one byte */
	if (!out)
		return NULL;
	size_t o = 0;
	bool in_string = false;
	for (size_t i = 0; i < len;) {
		char ch = text[i];
		if (in_string) {
			if (ch == '\\' && i + 1 < len)
				out[o++] = text[i++];
			else if (ch == '"')
				in_string = false;
			out[o++] = text[i++];
			continue;
		}
		if (ch == '"')
			in_string = true;
		bool number_start = ch >= '0' && ch <= '9' && (i == 0 || !strchr("-+.eE0123456789", text[i - 1]));
		if (!number_start) {
			out[o++] = text[i++];
			continue;
		}
		size_t end = i;
		while (end < len && text[end] >= '0' && text[end] <= '9')
			end++;
		char digits[24];
		bool integer = end == len || !strchr(".eE", text[end]);
		if (integer && text[i] != '0' && end - i < sizeof digits) {
			memcpy(digits, text + i, end - i);
			digits[end - i] = '\0';
			errno = 0;
			unsigned long long u = strtoull(digits, NULL, 10);
			if (errno == 0 && u > INT64_MAX) {
				o += (size_t)sprintf(out + o, "%" PRId64, (int64_t)u);
				i = end;
				continue;
			}
		}
		memcpy(out + o, text + i, end - i);
		o += end - i;
		i = end;
	}
	*out_len = o;
	return out;
}

int pk_spec_parse(pk_spec_t *spec, const char *json_text, size_t len, pk_err_t *err)
{
	memset(spec, 0, sizeof *spec);
	json_error_t jerr;
	_cleanup_json_ json_t *root = json_loadb(json_text, len, 0, &jerr);
	if (!root && json_error_code(&jerr) == json_error_numeric_overflow) {
		size_t wide_len;
		_cleanup_free_ char *wide = widen_big_ints(json_text, len, &wide_len);
		if (!wide)
			return pk_fail_errno(err, ENOMEM, "config");
		root = json_loadb(wide, wide_len, 0, &jerr);
	}
	if (!root) {
		pk_fail(err, "not valid JSON: %s at line %d column %d", jerr.text, jerr.line, jerr.column);
		return pk_err_one_line(err);
	}
	struct ctx c = {.err = err};
	if (!json_is_object(root))
		return fail(&c, "expected a JSON object");
	spec->raw = json_incref(root);
	if (PARSE_FIELDS(&c, root, top_fields, spec) < 0 ||
	    pk_seccomp_parse(json_object_get(json_object_get(root, "linux"), "seccomp"), &spec->seccomp, err) < 0 ||
	    pk_resources_parse(json_object_get(json_object_get(root, "linux"), "resources"), "linux.resources",
			       &spec->resources, err) < 0 ||
	    pk_resources_add_default_devices(&spec->resources, spec->devices, spec->n_devices, err) < 0 ||
	    pk_spec_parse_process_extras(root, spec, err) < 0) {
		pk_spec_free(spec);
		return pk_err_one_line(err);
	}
	return 0;
}

static int load(pk_spec_t *spec, const char *path, pk_err_t *err)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f)
		return pk_fail_errno(err, errno, "cannot open %s", path);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16384;
			char *nbuf = realloc(buf, cap);
			if (!nbuf)
				return pk_fail_errno(err, ENOMEM, "cannot read %s", path);
			buf = nbuf;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0) {
			if (ferror(f))
				return pk_fail_errno(err, errno, "cannot read %s", path);
			break;
		}
	}
	if (pk_spec_parse(spec, buf, len, err) < 0)
		return pk_err_wrap(err, "%s", path);
	return 0;
}

int pk_spec_load(pk_spec_t *spec, const char *path, pk_err_t *err)
{
	memset(spec, 0, sizeof *spec);
	return load(spec, path, err) < 0 ? pk_err_one_line(err) : 0;
}
