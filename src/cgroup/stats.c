/* Statistics of a container's cgroup in the shape runc's `events` prints them (its types.Stats JSON), read
 * from the v1 controllers' files or the v2 ones. */
#include "cgroup/cgroup.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_cg(const pk_cgroup_t *cg, const pk_cg_hier_t *h, const char *file)
{
	if (!h)
		return NULL;
	char p[PK_CGROUP_FILE_MAX];
	snprintf(p, sizeof p, "%s%s/%s", h->mount, cg->path, file);
	char *text = NULL;
	pk_err_t ignored;
	return pk_read_file(p, &text, NULL, &ignored) == 0 ? text : NULL;
}

/* A single number ("max" and missing files read as 0). */
static uint64_t num(const pk_cgroup_t *cg, const pk_cg_hier_t *h, const char *file)
{
	_cleanup_free_ char *t = read_cg(cg, h, file);
	return t ? strtoull(t, NULL, 10) : 0;
}

/* "key value" lines (cpu.stat, memory.stat, memory.events) into an object. */
static json_t *flat_keyed(const pk_cgroup_t *cg, const pk_cg_hier_t *h, const char *file)
{
	json_t *o = json_object();
	_cleanup_free_ char *t = read_cg(cg, h, file);
	char *save, *line;
	for (line = t ? strtok_r(t, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		char key[128];
		unsigned long long v;
		if (sscanf(line, "%127s %llu", key, &v) == 2)
			json_object_set_new(o, key, json_integer((json_int_t)v));
	}
	return o;
}

static uint64_t keyed(json_t *o, const char *key) { return (uint64_t)json_integer_value(json_object_get(o, key)); }

static json_t *stats_v1(const pk_cgroup_t *cg)
{
	const pk_cg_hier_t *cpuacct = pk_cgroup_find(cg, "cpuacct"), *cpu = pk_cgroup_find(cg, "cpu"),
			   *mem = pk_cgroup_find(cg, "memory"), *pids = pk_cgroup_find(cg, "pids");
	json_t *percpu = json_array();
	_cleanup_free_ char *pc = read_cg(cg, cpuacct, "cpuacct.usage_percpu");
	for (char *s = pc; s && *s;) {
		char *end;
		unsigned long long v = strtoull(s, &end, 10);
		if (end == s)
			break;
		json_array_append_new(percpu, json_integer((json_int_t)v));
		s = end;
	}
	json_t *acct = flat_keyed(cg, cpuacct, "cpuacct.stat"); /* user/system in USER_HZ ticks */
	json_t *thr = flat_keyed(cg, cpu, "cpu.stat");
	json_t *mstat = flat_keyed(cg, mem, "memory.stat");
	json_t *s = json_pack(
		"{s:{s:{s:I,s:o,s:I,s:I},s:{s:I,s:I,s:I}},s:{s:I,s:{s:I,s:I,s:I,s:I},s:{s:I,s:I,s:I,s:I},s:O},"
		"s:{s:I,s:I}}",
		"cpu", "usage", "total", (json_int_t)num(cg, cpuacct, "cpuacct.usage"), "percpu", percpu, "kernel",
		(json_int_t)(keyed(acct, "system") * 10000000ULL), "user", (json_int_t)(keyed(acct, "user") * 10000000ULL),
		"throttling", "periods", (json_int_t)keyed(thr, "nr_periods"), "throttledPeriods",
		(json_int_t)keyed(thr, "nr_throttled"), "throttledTime", (json_int_t)keyed(thr, "throttled_time"),
		"memory", "cache", (json_int_t)keyed(mstat, "cache"), "usage", "usage",
		(json_int_t)num(cg, mem, "memory.usage_in_bytes"), "max", (json_int_t)num(cg, mem, "memory.max_usage_in_bytes"),
		"limit", (json_int_t)num(cg, mem, "memory.limit_in_bytes"), "failcnt", (json_int_t)num(cg, mem, "memory.failcnt"),
		"swap", "usage", (json_int_t)num(cg, mem, "memory.memsw.usage_in_bytes"), "max",
		(json_int_t)num(cg, mem, "memory.memsw.max_usage_in_bytes"), "limit",
		(json_int_t)num(cg, mem, "memory.memsw.limit_in_bytes"), "failcnt",
		(json_int_t)num(cg, mem, "memory.memsw.failcnt"), "raw", mstat, "pids", "current",
		(json_int_t)num(cg, pids, "pids.current"), "limit", (json_int_t)num(cg, pids, "pids.max"));
	json_decref(acct);
	json_decref(thr);
	json_decref(mstat);
	return s;
}

static json_t *stats_v2(const pk_cgroup_t *cg)
{
	const pk_cg_hier_t *h = &cg->hier[0];
	json_t *cpu = flat_keyed(cg, h, "cpu.stat"), *mstat = flat_keyed(cg, h, "memory.stat");
	json_t *s = json_pack(
		"{s:{s:{s:I,s:[],s:I,s:I},s:{s:I,s:I,s:I}},s:{s:I,s:{s:I,s:I,s:I},s:{s:I,s:I},s:O},s:{s:I,s:I}}",
		"cpu", "usage", "total", (json_int_t)(keyed(cpu, "usage_usec") * 1000), "percpu", "kernel",
		(json_int_t)(keyed(cpu, "system_usec") * 1000), "user", (json_int_t)(keyed(cpu, "user_usec") * 1000),
		"throttling", "periods", (json_int_t)keyed(cpu, "nr_periods"), "throttledPeriods",
		(json_int_t)keyed(cpu, "nr_throttled"), "throttledTime", (json_int_t)(keyed(cpu, "throttled_usec") * 1000),
		"memory", "cache", (json_int_t)keyed(mstat, "file"), "usage", "usage",
		(json_int_t)num(cg, h, "memory.current"), "max", (json_int_t)num(cg, h, "memory.peak"), "limit",
		(json_int_t)num(cg, h, "memory.max"), "swap", "usage", (json_int_t)num(cg, h, "memory.swap.current"),
		"limit", (json_int_t)num(cg, h, "memory.swap.max"), "raw", mstat, "pids", "current",
		(json_int_t)num(cg, h, "pids.current"), "limit", (json_int_t)num(cg, h, "pids.max"));
	json_decref(cpu);
	json_decref(mstat);
	return s;
}

json_t *pk_cgroup_stats(const pk_cgroup_t *cg)
{
	return cg->unified ? stats_v2(cg) : stats_v1(cg);
}

uint64_t pk_cgroup_oom_kills(const pk_cgroup_t *cg)
{
	const pk_cg_hier_t *h = cg->unified ? &cg->hier[0] : pk_cgroup_find(cg, "memory");
	json_t *o = flat_keyed(cg, h, cg->unified ? "memory.events" : "memory.oom_control");
	uint64_t n = keyed(o, "oom_kill");
	json_decref(o);
	return n;
}
