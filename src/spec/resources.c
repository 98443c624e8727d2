/* linux.resources into the model (blockIO, hugepageLimits, rdma and network: spec/resources_extras.c). A
 * limit the host cannot honour is refused by name by the cgroup backends rather than ignored: a limit
 * silently not applied is worse than an error. */
#include "spec/spec.h"
#include "util/cleanup.h"
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *where;
	pk_err_t *err;
} ctx_t;

static int get_i64(ctx_t *c, json_t *o, const char *obj, const char *key, pk_opt_i64_t *out)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return pk_fail(c->err, "%s.%s.%s: expected an integer", c->where, obj, key);
	out->set = true;
	out->v = json_integer_value(v);
	return 0;
}

static int get_bool(ctx_t *c, json_t *o, const char *obj, const char *key, bool *out, bool *has)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return pk_fail(c->err, "%s.%s.%s: expected true or false", c->where, obj, key);
	*out = json_is_true(v);
	*has = true;
	return 0;
}

static int get_str(ctx_t *c, json_t *o, const char *obj, const char *key, char **out)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return pk_fail(c->err, "%s.%s.%s: expected a string", c->where, obj, key);
	if (!(*out = strdup(json_string_value(v))))
		return pk_fail_errno(c->err, ENOMEM, "%s", c->where);
	return 0;
}

static int parse_memory(ctx_t *c, json_t *m, pk_resources_t *r)
{
	if (!json_is_object(m))
		return pk_fail(c->err, "%s.memory: expected an object", c->where);
	if (get_i64(c, m, "memory", "limit", &r->memory.limit) < 0 ||
	    get_i64(c, m, "memory", "reservation", &r->memory.reservation) < 0 ||
	    get_i64(c, m, "memory", "swap", &r->memory.swap) < 0 ||
	    get_i64(c, m, "memory", "kernel", &r->memory.kernel) < 0 ||
	    get_i64(c, m, "memory", "kernelTCP", &r->memory.kernel_tcp) < 0 ||
	    get_i64(c, m, "memory", "swappiness", &r->memory.swappiness) < 0 ||
	    get_bool(c, m, "memory", "disableOOMKiller", &r->memory.disable_oom_killer,
		     &r->memory.has_disable_oom_killer) < 0 ||
	    get_bool(c, m, "memory", "useHierarchy", &r->memory.use_hierarchy, &r->memory.has_use_hierarchy) < 0)
		return -1;
	static const struct {
		const char *name;
		size_t off;
	} limits[] = {{"limit", offsetof(pk_resources_t, memory.limit)},
		      {"reservation", offsetof(pk_resources_t, memory.reservation)},
		      {"swap", offsetof(pk_resources_t, memory.swap)}};
	for (size_t i = 0; i < PK_ARRAY_SIZE(limits); i++) {
		const pk_opt_i64_t *v = (const pk_opt_i64_t *)((const char *)r + limits[i].off);
		if (v->set && v->v < -1)
			return pk_fail(c->err, "%s.memory.%s: %lld is not a limit (bytes, or -1 for none)", c->where,
				       limits[i].name, (long long)v->v);
	}
	if (r->memory.swappiness.set && (r->memory.swappiness.v < 0 || r->memory.swappiness.v > 100)) {
		/* runc treats the all-ones value as "unset"; anything else must be 0..100. */
		if (r->memory.swappiness.v == -1)
			r->memory.swappiness.set = false;
		else
			return pk_fail(c->err, "%s.memory.swappiness: %lld is out of range (0-100)", c->where,
				       (long long)r->memory.swappiness.v);
	}
	if (r->memory.swap.set && r->memory.limit.set && r->memory.swap.v != -1 && r->memory.limit.v != -1 &&
	    r->memory.swap.v < r->memory.limit.v)
		return pk_fail(c->err, "%s.memory.swap: %lld is below memory.limit %lld (swap counts memory plus swap)",
			       c->where, (long long)r->memory.swap.v, (long long)r->memory.limit.v);
	return 0;
}

static int parse_cpu(ctx_t *c, json_t *o, pk_resources_t *r)
{
	if (!json_is_object(o))
		return pk_fail(c->err, "%s.cpu: expected an object", c->where);
	if (get_i64(c, o, "cpu", "shares", &r->cpu.shares) < 0 || get_i64(c, o, "cpu", "quota", &r->cpu.quota) < 0 ||
	    get_i64(c, o, "cpu", "burst", &r->cpu.burst) < 0 || get_i64(c, o, "cpu", "period", &r->cpu.period) < 0 ||
	    get_i64(c, o, "cpu", "realtimeRuntime", &r->cpu.realtime_runtime) < 0 ||
	    get_i64(c, o, "cpu", "realtimePeriod", &r->cpu.realtime_period) < 0 ||
	    get_i64(c, o, "cpu", "idle", &r->cpu.idle) < 0 || get_str(c, o, "cpu", "cpus", &r->cpu.cpus) < 0 ||
	    get_str(c, o, "cpu", "mems", &r->cpu.mems) < 0)
		return -1;
	if (r->cpu.shares.set && r->cpu.shares.v < 0)
		return pk_fail(c->err, "%s.cpu.shares: %lld is negative", c->where, (long long)r->cpu.shares.v);
	if (r->cpu.period.set && r->cpu.period.v < 0)
		return pk_fail(c->err, "%s.cpu.period: %lld is negative", c->where, (long long)r->cpu.period.v);
	if (r->cpu.idle.set && r->cpu.idle.v != 0 && r->cpu.idle.v != 1)
		return pk_fail(c->err, "%s.cpu.idle: expected 0 or 1", c->where);
	for (const char *s = r->cpu.cpus; s && *s; s++)
		if (!strchr("0123456789,-", *s))
			return pk_fail(c->err, "%s.cpu.cpus: \"%s\" is not a CPU list (e.g. 0-1,3)", c->where, r->cpu.cpus);
	for (const char *s = r->cpu.mems; s && *s; s++)
		if (!strchr("0123456789,-", *s))
			return pk_fail(c->err, "%s.cpu.mems: \"%s\" is not a node list (e.g. 0)", c->where, r->cpu.mems);
	return 0;
}

static int parse_device(ctx_t *c, json_t *d, size_t i, pk_device_rule_t *out)
{
	if (!json_is_object(d))
		return pk_fail(c->err, "%s.devices[%zu]: expected an object", c->where, i);
	json_t *allow = json_object_get(d, "allow");
	if (!json_is_boolean(allow))
		return pk_fail(c->err, "%s.devices[%zu].allow: required, true or false", c->where, i);
	out->allow = json_is_true(allow);
	const char *type = json_string_value(json_object_get(d, "type"));
	out->type = type ? type[0] : 'a';
	if (type && (strlen(type) != 1 || !strchr("acb", type[0])))
		return pk_fail(c->err, "%s.devices[%zu].type: unknown device type \"%s\" (expected a, c or b)", c->where,
			       i, type);
	out->major = out->minor = -1;
	json_t *maj = json_object_get(d, "major"), *min = json_object_get(d, "minor");
	if ((maj && !json_is_null(maj) && !json_is_integer(maj)) || (min && !json_is_null(min) && !json_is_integer(min)))
		return pk_fail(c->err, "%s.devices[%zu]: major and minor must be integers", c->where, i);
	if (json_is_integer(maj))
		out->major = json_integer_value(maj);
	if (json_is_integer(min))
		out->minor = json_integer_value(min);
	const char *access = json_string_value(json_object_get(d, "access"));
	snprintf(out->access, sizeof out->access, "%s", access ? access : "rwm");
	if (!access && json_object_get(d, "access"))
		return pk_fail(c->err, "%s.devices[%zu].access: expected a string", c->where, i);
	if (!out->access[0] || strspn(out->access, "rwm") != strlen(out->access) || (access && strlen(access) > 3))
		return pk_fail(c->err, "%s.devices[%zu].access: \"%s\" is not some of r, w, m", c->where, i,
			       access ? access : "");
	return 0;
}

static int parse(ctx_t *c, json_t *j, pk_resources_t *r)
{
	if (!json_is_object(j))
		return pk_fail(c->err, "%s: expected an object", c->where);
	r->present = true;
	if (pk_resources_parse_extras(j, c->where, r, c->err) < 0)
		return -1;
	json_t *v;
	if ((v = json_object_get(j, "memory")) && !json_is_null(v) && parse_memory(c, v, r) < 0)
		return -1;
	if ((v = json_object_get(j, "cpu")) && !json_is_null(v) && parse_cpu(c, v, r) < 0)
		return -1;
	if ((v = json_object_get(j, "pids")) && !json_is_null(v)) {
		if (!json_is_object(v))
			return pk_fail(c->err, "%s.pids: expected an object", c->where);
		if (get_i64(c, v, "pids", "limit", &r->pids_limit) < 0)
			return -1;
	}
	if ((v = json_object_get(j, "devices")) && !json_is_null(v)) {
		if (!json_is_array(v))
			return pk_fail(c->err, "%s.devices: expected an array", c->where);
		r->devices = calloc(json_array_size(v) + 1, sizeof *r->devices);
		if (!r->devices)
			return pk_fail_errno(c->err, ENOMEM, "%s", c->where);
		size_t i;
		json_t *d;
		json_array_foreach(v, i, d)
		{
			if (parse_device(c, d, i, &r->devices[i]) < 0)
				return -1;
			r->n_devices++;
		}
	}
	if ((v = json_object_get(j, "unified")) && !json_is_null(v)) {
		if (!json_is_object(v))
			return pk_fail(c->err, "%s.unified: expected an object of strings", c->where);
		const char *k;
		json_t *s;
		json_object_foreach(v, k, s)
		{
			if (!json_is_string(s))
				return pk_fail(c->err, "%s.unified[\"%s\"]: expected a string", c->where, k);
			if (strchr(k, '/') || !strcmp(k, "..") || !strcmp(k, ".") || !strchr(k, '.'))
				return pk_fail(c->err, "%s.unified[\"%s\"]: not a cgroup v2 file name", c->where, k);
		}
		r->unified = json_incref(v);
	}
	return 0;
}

/* The devices every container may use whatever its rules (runc's and crun's defaults), then the config's
 * own linux.devices: appended after the config's rules, so a deny-all first rule leaves them usable. */
static const pk_device_rule_t default_allowed[] = {
	{true, 'c', -1, -1, "m"}, {true, 'b', -1, -1, "m"},   /* mknod of anything; using it is another rule */
	{true, 'c', 1, 3, "rwm"}, {true, 'c', 1, 5, "rwm"},   /* null, zero */
	{true, 'c', 1, 7, "rwm"}, {true, 'c', 1, 8, "rwm"},   /* full, random */
	{true, 'c', 1, 9, "rwm"}, {true, 'c', 5, 0, "rwm"},   /* urandom, tty */
	{true, 'c', 5, 1, "rwm"}, {true, 'c', 5, 2, "rwm"},   /* console, ptmx */
	{true, 'c', 136, -1, "rwm"}, {true, 'c', 10, 200, "rwm"}, /* pts, tun */
};

int pk_resources_add_default_devices(pk_resources_t *r, const pk_device_t *devices, size_t n_devices, pk_err_t *err)
{
	if (!r->n_devices)
		return 0; /* no rules: nothing is restricted */
	size_t n = r->n_devices + PK_ARRAY_SIZE(default_allowed) + n_devices;
	pk_device_rule_t *all = realloc(r->devices, (n + 1) * sizeof *all);
	if (!all)
		return pk_fail_errno(err, ENOMEM, "linux.resources.devices");
	r->devices = all;
	for (size_t i = 0; i < PK_ARRAY_SIZE(default_allowed); i++)
		all[r->n_devices++] = default_allowed[i];
	for (size_t i = 0; i < n_devices; i++) {
		if (devices[i].type == 'p')
			continue;
		all[r->n_devices++] = (pk_device_rule_t){true, devices[i].type == 'u' ? 'c' : devices[i].type,
							 devices[i].major, devices[i].minor, "rwm"};
	}
	return 0;
}

bool pk_resources_has_limits(const pk_resources_t *r)
{
	const typeof(r->memory) *m = &r->memory;
	const typeof(r->cpu) *c = &r->cpu;
	if (m->limit.set || m->reservation.set || m->swap.set || m->kernel.set || m->kernel_tcp.set ||
	    m->swappiness.set || (m->has_disable_oom_killer && m->disable_oom_killer))
		return true;
	if ((c->shares.set && c->shares.v) || (c->quota.set && c->quota.v > 0) || c->burst.set ||
	    c->realtime_runtime.set || c->idle.set || (c->cpus && *c->cpus) || (c->mems && *c->mems))
		return true;
	if ((r->pids_limit.set && r->pids_limit.v > 0) || (r->unified && json_object_size(r->unified)))
		return true;
	for (size_t i = 0; i < r->n_devices; i++)
		if (!r->devices[i].allow)
			return true;
	return pk_resources_has_extra_limits(r);
}

int pk_resources_parse(json_t *resources, const char *where, pk_resources_t *out, pk_err_t *err)
{
	memset(out, 0, sizeof *out);
	if (!resources || json_is_null(resources))
		return 0;
	ctx_t c = {.where = where, .err = err};
	if (parse(&c, resources, out) < 0) {
		pk_resources_free(out);
		return -1;
	}
	return 0;
}

void pk_resources_free(pk_resources_t *r)
{
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(r->devices);
	json_decref(r->unified);
	pk_resources_free_extras(r);
	memset(r, 0, sizeof *r);
}
