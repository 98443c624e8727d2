/* linux.seccomp: OCI names to libseccomp values. Unknown actions, operators, architectures and flags are
 * errors naming the field; syscall names are left for the compiler (linux/seccomp.c) to resolve. */
#include "spec/spec.h"
#include "util/cleanup.h"
#include <errno.h>
#include <jansson.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	uint32_t action;
} actions[] = {
	{"SCMP_ACT_KILL", SCMP_ACT_KILL},
	{"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
	{"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
	{"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
	{"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0)},
	{"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0)},
	{"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
	{"SCMP_ACT_LOG", SCMP_ACT_LOG},
	{"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
};

static const struct {
	const char *name;
	int op;
} operators[] = {
	{"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
	{"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
	{"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const struct {
	const char *name;
	unsigned flag;
} flags[] = {
	{"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
	{"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
	{"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
	{"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

#define LOOKUP(table, key, field, out)                                                                         \
	({                                                                                                     \
		bool _found = false;                                                                           \
		for (size_t _i = 0; _i < PK_ARRAY_SIZE(table); _i++)                                           \
			if (!strcmp(table[_i].name, key)) {                                                    \
				*(out) = table[_i].field;                                              \
				_found = true;                                                         \
				break;                                                                 \
			}                                                                                      \
		_found;                                                                                        \
	})

static int get_str(json_t *o, const char *key, const char *where, const char **out, bool required, pk_err_t *err)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return pk_fail(err, "%s.%s: required", where, key);
		return 0;
	}
	if (!json_is_string(v))
		return pk_fail(err, "%s.%s: expected a string", where, key);
	*out = json_string_value(v);
	return 0;
}

static int get_action(json_t *o, const char *key, const char *where, uint32_t *out, bool required, pk_err_t *err)
{
	const char *name;
	if (get_str(o, key, where, &name, required, err) < 0)
		return -1;
	if (name && !LOOKUP(actions, name, action, out))
		return pk_fail(err, "%s.%s: unknown action \"%s\"", where, key, name);
	return 0;
}

static int get_errno(json_t *o, const char *key, const char *where, uint32_t *out, bool *has, pk_err_t *err)
{
	json_t *v = json_object_get(o, key);
	*has = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 4095)
		return pk_fail(err, "%s.%s: expected an errno number (0-4095)", where, key);
	*out = (uint32_t)json_integer_value(v);
	*has = true;
	return 0;
}

static int parse_arg(json_t *a, const char *where, pk_seccomp_arg_t *out, pk_err_t *err)
{
	if (!json_is_object(a))
		return pk_fail(err, "%s: expected an object", where);
	json_t *index = json_object_get(a, "index"), *value = json_object_get(a, "value"),
	       *two = json_object_get(a, "valueTwo");
	if (!json_is_integer(index) || json_integer_value(index) < 0 || json_integer_value(index) > 5)
		return pk_fail(err, "%s.index: expected 0-5", where);
	if (!json_is_integer(value))
		return pk_fail(err, "%s.value: expected an integer", where);
	if (two && !json_is_null(two) && !json_is_integer(two))
		return pk_fail(err, "%s.valueTwo: expected an integer", where);
	out->index = (unsigned)json_integer_value(index);
	/* 64-bit values above 2^63 arrive as negative numbers (see parse.c): keep their bits. */
	out->value = (uint64_t)json_integer_value(value);
	out->value_two = two ? (uint64_t)json_integer_value(two) : 0;
	const char *op;
	if (get_str(a, "op", where, &op, true, err) < 0)
		return -1;
	if (!LOOKUP(operators, op, op, &out->op))
		return pk_fail(err, "%s.op: unknown operator \"%s\"", where, op);
	return 0;
}

static int parse_rule(json_t *r, const char *where, pk_seccomp_rule_t *out, pk_err_t *err)
{
	if (!json_is_object(r))
		return pk_fail(err, "%s: expected an object", where);
	json_t *names = json_object_get(r, "names");
	if (!json_is_array(names) || json_array_size(names) == 0)
		return pk_fail(err, "%s.names: expected a non-empty array of syscall names", where);
	out->names = calloc(json_array_size(names) + 1, sizeof(char *));
	if (!out->names)
		return pk_fail_errno(err, ENOMEM, "%s", where);
	size_t i;
	json_t *n;
	json_array_foreach(names, i, n)
	{
		if (!json_is_string(n))
			return pk_fail(err, "%s.names[%zu]: expected a string", where, i);
		if (!(out->names[i] = strdup(json_string_value(n))))
			return pk_fail_errno(err, ENOMEM, "%s", where);
	}
	if (get_action(r, "action", where, &out->action, true, err) < 0 ||
	    get_errno(r, "errnoRet", where, &out->errno_ret, &out->has_errno_ret, err) < 0)
		return -1;
	json_t *args = json_object_get(r, "args");
	if (args && !json_is_null(args)) {
		if (!json_is_array(args))
			return pk_fail(err, "%s.args: expected an array", where);
		out->args = calloc(json_array_size(args) + 1, sizeof *out->args);
		if (!out->args)
			return pk_fail_errno(err, ENOMEM, "%s", where);
		json_t *a;
		json_array_foreach(args, i, a)
		{
			char w[256];
			snprintf(w, sizeof w, "%s.args[%zu]", where, i);
			if (parse_arg(a, w, &out->args[i], err) < 0)
				return -1;
			out->n_args++;
		}
	}
	return 0;
}

static int parse(json_t *j, pk_seccomp_t *s, pk_err_t *err)
{
	const char *where = "linux.seccomp";
	if (!json_is_object(j))
		return pk_fail(err, "%s: expected an object", where);
	s->present = true;
	if (get_action(j, "defaultAction", where, &s->default_action, true, err) < 0 ||
	    get_errno(j, "defaultErrnoRet", where, &s->default_errno_ret, &s->has_default_errno_ret, err) < 0)
		return -1;
	json_t *v, *e;
	size_t i;
	if ((v = json_object_get(j, "architectures")) && !json_is_null(v)) {
		if (!json_is_array(v))
			return pk_fail(err, "%s.architectures: expected an array", where);
		s->archs = calloc(json_array_size(v) + 1, sizeof *s->archs);
		if (!s->archs)
			return pk_fail_errno(err, ENOMEM, "%s", where);
		json_array_foreach(v, i, e)
		{
			const char *name = json_string_value(e);
			char lower[64];
			if (!name || strncmp(name, "SCMP_ARCH_", 10))
				return pk_fail(err, "%s.architectures[%zu]: expected SCMP_ARCH_<name>", where, i);
			size_t k = 0;
			for (const char *p = name + 10; *p && k < sizeof lower - 1; p++)
				lower[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
			lower[k] = '\0';
			uint32_t arch = seccomp_arch_resolve_name(lower);
			if (!arch)
				return pk_fail(err, "%s.architectures[%zu]: unknown architecture \"%s\"", where, i, name);
			s->archs[s->n_archs++] = arch;
		}
	}
	if ((v = json_object_get(j, "flags")) && !json_is_null(v)) {
		if (!json_is_array(v))
			return pk_fail(err, "%s.flags: expected an array", where);
		json_array_foreach(v, i, e)
		{
			unsigned f;
			if (!json_is_string(e) || !LOOKUP(flags, json_string_value(e), flag, &f))
				return pk_fail(err, "%s.flags[%zu]: unknown flag %s%s%s", where, i, e && json_is_string(e) ? "\"" : "",
					       json_is_string(e) ? json_string_value(e) : "(not a string)",
					       json_is_string(e) ? "\"" : "");
			s->flags |= f;
		}
	}
	const char *lp, *lm;
	if (get_str(j, "listenerPath", where, &lp, false, err) < 0 ||
	    get_str(j, "listenerMetadata", where, &lm, false, err) < 0)
		return -1;
	if ((lp && !(s->listener_path = strdup(lp))) || (lm && !(s->listener_metadata = strdup(lm))))
		return pk_fail_errno(err, ENOMEM, "%s", where);
	if ((v = json_object_get(j, "syscalls")) && !json_is_null(v)) {
		if (!json_is_array(v))
			return pk_fail(err, "%s.syscalls: expected an array", where);
		s->rules = calloc(json_array_size(v) + 1, sizeof *s->rules);
		if (!s->rules)
			return pk_fail_errno(err, ENOMEM, "%s", where);
		json_array_foreach(v, i, e)
		{
			char w[128];
			snprintf(w, sizeof w, "%s.syscalls[%zu]", where, i);
			s->n_rules++;
			if (parse_rule(e, w, &s->rules[i], err) < 0)
				return -1;
		}
	}
	bool notify = s->default_action == SCMP_ACT_NOTIFY;
	for (i = 0; i < s->n_rules; i++)
		notify |= s->rules[i].action == SCMP_ACT_NOTIFY;
	if (notify && !s->listener_path)
		return pk_fail(err, "%s.listenerPath: required when an action is SCMP_ACT_NOTIFY", where);
	if (s->default_action == SCMP_ACT_NOTIFY)
		return pk_fail(err, "%s.defaultAction: SCMP_ACT_NOTIFY cannot be the default action", where);
	return 0;
}

int pk_seccomp_parse(json_t *seccomp, pk_seccomp_t *out, pk_err_t *err)
{
	memset(out, 0, sizeof *out);
	if (!seccomp || json_is_null(seccomp))
		return 0;
	if (parse(seccomp, out, err) < 0) {
		pk_seccomp_free(out);
		return -1;
	}
	if (!(out->canonical = json_dumps(seccomp, JSON_COMPACT | JSON_SORT_KEYS))) {
		pk_seccomp_free(out);
		return pk_fail_errno(err, ENOMEM, "linux.seccomp");
	}
	return 0;
}

void pk_seccomp_free(pk_seccomp_t *s)
{
	for (size_t i = 0; i < s->n_rules; i++) {
		for (char **n = s->rules[i].names; n && *n; n++)
			free(*n);
		free(s->rules[i].names);
		free(s->rules[i].args);
	}
	free(s->rules);
	free(s->archs);
	free(s->listener_path);
	free(s->listener_metadata);
	free(s->canonical);
	memset(s, 0, sizeof *s);
}

json_t *pk_seccomp_features(void)
{
	static const char *const archs[] = {
		"SCMP_ARCH_X86",    "SCMP_ARCH_X86_64",  "SCMP_ARCH_X32",      "SCMP_ARCH_ARM",
		"SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",   "SCMP_ARCH_MIPS64",   "SCMP_ARCH_MIPS64N32",
		"SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
		"SCMP_ARCH_PPC64",  "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390",     "SCMP_ARCH_S390X",
		"SCMP_ARCH_RISCV64",
	};
	json_t *o = json_pack("{s:b,s:[],s:[],s:[],s:[],s:[]}", "enabled", 1, "actions", "operators", "archs",
			      "knownFlags", "supportedFlags");
	if (!o)
		return NULL;
	for (size_t i = 0; i < PK_ARRAY_SIZE(actions); i++)
		if (actions[i].action != SCMP_ACT_NOTIFY)
			json_array_append_new(json_object_get(o, "actions"), json_string(actions[i].name));
	for (size_t i = 0; i < PK_ARRAY_SIZE(operators); i++)
		json_array_append_new(json_object_get(o, "operators"), json_string(operators[i].name));
	for (size_t i = 0; i < PK_ARRAY_SIZE(archs); i++)
		json_array_append_new(json_object_get(o, "archs"), json_string(archs[i]));
	for (size_t i = 0; i < PK_ARRAY_SIZE(flags); i++) {
		json_array_append_new(json_object_get(o, "knownFlags"), json_string(flags[i].name));
		json_array_append_new(json_object_get(o, "supportedFlags"), json_string(flags[i].name));
	}
	return o;
}
