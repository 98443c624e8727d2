/* The process settings runc added after 1.0: process.ioPriority, process.scheduler, linux.personality (and
 * whether linux.intelRdt is asked for). Names are mapped here; the kernel judges the values. */
#include "spec/spec.h"
#include "util/cleanup.h"
#include <jansson.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <string.h>
#include <sys/personality.h>

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

#define LOOKUP(table, key, out)                                                                                \
	({                                                                                                     \
		bool _found = false;                                                                           \
		for (size_t _i = 0; key && _i < PK_ARRAY_SIZE(table); _i++)                                    \
			if (!strcmp(table[_i].name, key)) {                                                    \
				*(out) = table[_i].value;                                              \
				_found = true;                                                         \
			}                                                                                      \
		_found;                                                                                        \
	})

static const struct {
	const char *name;
	int value;
} io_classes[] = {{"IOPRIO_CLASS_RT", IOPRIO_CLASS_RT}, {"IOPRIO_CLASS_BE", IOPRIO_CLASS_BE},
		  {"IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE}},
  policies[] = {{"SCHED_OTHER", SCHED_OTHER}, {"SCHED_FIFO", SCHED_FIFO},   {"SCHED_RR", SCHED_RR},
		{"SCHED_BATCH", SCHED_BATCH}, {"SCHED_ISO", 4},             {"SCHED_IDLE", SCHED_IDLE},
		{"SCHED_DEADLINE", SCHED_DEADLINE}},
  sched_flags[] = {{"SCHED_FLAG_RESET_ON_FORK", 0x01}, {"SCHED_FLAG_RECLAIM", 0x02}, {"SCHED_FLAG_DL_OVERRUN", 0x04},
		   {"SCHED_FLAG_KEEP_POLICY", 0x08}, {"SCHED_FLAG_KEEP_PARAMS", 0x10},
		   {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20}, {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40}},
  domains[] = {{"LINUX", PER_LINUX}, {"LINUX32", PER_LINUX32}};

static int get_int(json_t *o, const char *key, const char *where, int *out, pk_err_t *err)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return pk_fail(err, "%s.%s: expected an integer", where, key);
	*out = (int)json_integer_value(v);
	return 0;
}

static int get_u64(json_t *o, const char *key, const char *where, uint64_t *out, pk_err_t *err)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return pk_fail(err, "%s.%s: expected an integer", where, key);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int io_priority(json_t *v, pk_process_t *p, pk_err_t *err)
{
	if (!json_is_object(v))
		return pk_fail(err, "process.ioPriority: expected an object");
	const char *cls = json_string_value(json_object_get(v, "class"));
	if (!LOOKUP(io_classes, cls, &p->io_class))
		return pk_fail(err, "process.ioPriority.class: unknown class \"%s\" (IOPRIO_CLASS_RT, _BE or _IDLE)",
			       cls ? cls : "");
	if (get_int(v, "priority", "process.ioPriority", &p->io_priority, err) < 0)
		return -1;
	if (p->io_priority < 0 || p->io_priority > 7)
		return pk_fail(err, "process.ioPriority.priority: %d is out of range (0-7)", p->io_priority);
	p->has_io_priority = true;
	return 0;
}

static int scheduler(json_t *v, pk_process_t *p, pk_err_t *err)
{
	const char *w = "process.scheduler";
	if (!json_is_object(v))
		return pk_fail(err, "%s: expected an object", w);
	const char *policy = json_string_value(json_object_get(v, "policy"));
	if (!LOOKUP(policies, policy, &p->sched_policy))
		return pk_fail(err, "%s.policy: unknown policy \"%s\"", w, policy ? policy : "");
	if (get_int(v, "nice", w, &p->sched_nice, err) < 0 || get_int(v, "priority", w, &p->sched_priority, err) < 0 ||
	    get_u64(v, "runtime", w, &p->sched_runtime, err) < 0 || get_u64(v, "deadline", w, &p->sched_deadline, err) < 0 ||
	    get_u64(v, "period", w, &p->sched_period, err) < 0)
		return -1;
	if (p->sched_nice < -20 || p->sched_nice > 19)
		return pk_fail(err, "%s.nice: %d is out of range (-20 to 19)", w, p->sched_nice);
	json_t *flags = json_object_get(v, "flags"), *f;
	size_t i;
	if (flags && !json_is_null(flags)) {
		if (!json_is_array(flags))
			return pk_fail(err, "%s.flags: expected an array", w);
		json_array_foreach(flags, i, f)
		{
			int bit;
			if (!LOOKUP(sched_flags, json_string_value(f), &bit))
				return pk_fail(err, "%s.flags[%zu]: unknown flag", w, i);
			p->sched_flags |= (uint64_t)bit;
		}
	}
	p->has_scheduler = true;
	return 0;
}

static int personality_of(json_t *v, pk_spec_t *spec, pk_err_t *err)
{
	if (!json_is_object(v))
		return pk_fail(err, "linux.personality: expected an object");
	const char *domain = json_string_value(json_object_get(v, "domain"));
	int d;
	if (!LOOKUP(domains, domain, &d))
		return pk_fail(err, "linux.personality.domain: unknown domain \"%s\" (LINUX or LINUX32)",
			       domain ? domain : "");
	json_t *flags = json_object_get(v, "flags");
	if (flags && !json_is_null(flags) && (!json_is_array(flags) || json_array_size(flags)))
		return pk_fail(err, "linux.personality.flags: no flags are defined yet");
	spec->personality = (unsigned long)d;
	spec->has_personality = true;
	return 0;
}

int pk_spec_parse_process_extras(json_t *root, pk_spec_t *spec, pk_err_t *err)
{
	json_t *process = json_object_get(root, "process"), *lin = json_object_get(root, "linux"), *v;
	if ((v = json_object_get(process, "ioPriority")) && !json_is_null(v) && io_priority(v, &spec->process, err) < 0)
		return -1;
	if ((v = json_object_get(process, "scheduler")) && !json_is_null(v) && scheduler(v, &spec->process, err) < 0)
		return -1;
	if ((v = json_object_get(lin, "personality")) && !json_is_null(v) && personality_of(v, spec, err) < 0)
		return -1;
	spec->has_intel_rdt = (v = json_object_get(lin, "intelRdt")) && !json_is_null(v);
	return 0;
}
