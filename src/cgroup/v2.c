/* linux.resources on a pure cgroup v2 host, translated as runc and crun do (cgroup v2 "conversion"). */
#include "cgroup/cgroup.h"
#include "util/cleanup.h"
#include "util/log.h"
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int put(const pk_cgroup_t *cg, const char *file, const char *value, const char *field, pk_err_t *err)
{
	char p[PK_CGROUP_DIR_MAX];
	snprintf(p, sizeof p, "%s%s/%s", cg->hier[0].mount, cg->path, file);
	if (access(p, F_OK) < 0) {
		char ctl[64];
		snprintf(ctl, sizeof ctl, "%.*s", (int)strcspn(file, "."), file);
		pk_fail(err, "linux.resources.%s: the %s controller is not available here (%s missing)", field, ctl,
			file);
		err->errnum = ENOENT; /* rootless create tells this apart from a bad value (cgroup/delegated.c) */
		return -1;
	}
	if (pk_cgroup_write(&cg->hier[0], cg->path, file, value, err) < 0)
		return pk_err_wrap(err, "linux.resources.%s", field);
	return 0;
}

static void limit_str(int64_t v, char *out, size_t size)
{
	if (v < 0)
		snprintf(out, size, "max");
	else
		snprintf(out, size, "%lld", (long long)v);
}

static int memory(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err)
{
	const typeof(r->memory) *m = &r->memory;
	char v[32];
	if (m->kernel.set || m->kernel_tcp.set)
		pk_warn("linux.resources.memory.kernel%s: ignored, cgroup v2 accounts kernel memory with the rest",
			m->kernel.set ? "" : "TCP");
	if (m->limit.set) {
		limit_str(m->limit.v, v, sizeof v);
		if (put(cg, "memory.max", v, "memory.limit", err) < 0)
			return -1;
	}
	if (m->reservation.set) {
		limit_str(m->reservation.v, v, sizeof v);
		if (put(cg, "memory.low", v, "memory.reservation", err) < 0)
			return -1;
	}
	if (m->swap.set) {
		/* OCI's swap is memory+swap (v1 memsw); v2 limits swap alone. */
		if (m->swap.v == -1 || !m->limit.set || m->limit.v == -1)
			snprintf(v, sizeof v, "max");
		else
			snprintf(v, sizeof v, "%lld", (long long)(m->swap.v - m->limit.v));
		if (put(cg, "memory.swap.max", v, "memory.swap", err) < 0)
			return -1;
	}
	if (m->has_disable_oom_killer && m->disable_oom_killer)
		return pk_fail(err, "linux.resources.memory.disableOOMKiller: not available on cgroup v2");
	return 0;
}

static int cpu(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err)
{
	const typeof(r->cpu) *c = &r->cpu;
	char v[64];
	if (c->shares.set && c->shares.v) {
		/* runc's conversion of cpu.shares [2, 262144] to cpu.weight [1, 10000] */
		unsigned long long w = 1 + ((unsigned long long)(c->shares.v - 2) * 9999) / 262142;
		snprintf(v, sizeof v, "%llu", w);
		if (put(cg, "cpu.weight", v, "cpu.shares", err) < 0)
			return -1;
	}
	if ((c->quota.set && c->quota.v) || (c->period.set && c->period.v)) {
		char quota[32];
		if (c->quota.set && c->quota.v > 0)
			snprintf(quota, sizeof quota, "%lld", (long long)c->quota.v);
		else
			snprintf(quota, sizeof quota, "max");
		snprintf(v, sizeof v, "%s %lld", quota, (long long)(c->period.set && c->period.v ? c->period.v : 100000));
		if (put(cg, "cpu.max", v, "cpu.quota", err) < 0)
			return -1;
	}
	if (c->burst.set) {
		snprintf(v, sizeof v, "%lld", (long long)c->burst.v);
		if (put(cg, "cpu.max.burst", v, "cpu.burst", err) < 0)
			return -1;
	}
	if (c->idle.set) {
		snprintf(v, sizeof v, "%lld", (long long)c->idle.v);
		if (put(cg, "cpu.idle", v, "cpu.idle", err) < 0)
			return -1;
	}
	if ((c->realtime_runtime.set && c->realtime_runtime.v) || (c->realtime_period.set && c->realtime_period.v))
		return pk_fail(err, "linux.resources.cpu.realtimeRuntime: real-time scheduling limits need cgroup v1");
	if (c->cpus && *c->cpus && put(cg, "cpuset.cpus", c->cpus, "cpu.cpus", err) < 0)
		return -1;
	if (c->mems && *c->mems && put(cg, "cpuset.mems", c->mems, "cpu.mems", err) < 0)
		return -1;
	return 0;
}

int pk_cgroup_v2_apply(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err)
{
	if (memory(cg, r, err) < 0 || cpu(cg, r, err) < 0 || pk_cgroup_io_apply(cg, r, err) < 0 ||
	    pk_cgroup_hugetlb_apply(cg, r, err) < 0 || pk_cgroup_rdma_apply(cg, r, err) < 0 ||
	    pk_cgroup_net_apply(cg, r, err) < 0)
		return -1;
	if (r->pids_limit.set) {
		char v[32];
		limit_str(r->pids_limit.v > 0 ? r->pids_limit.v : -1, v, sizeof v);
		if (put(cg, "pids.max", v, "pids.limit", err) < 0)
			return -1;
	}
	if (r->n_devices && pk_cgroup_devices_bpf_apply(cg, r->devices, r->n_devices, err) < 0)
		return -1;
	const char *k;
	json_t *s;
	if (r->unified)
		json_object_foreach(r->unified, k, s)
		{
			char field[300];
			snprintf(field, sizeof field, "unified[\"%s\"]", k);
			if (put(cg, k, json_string_value(s), field, err) < 0)
				return -1;
		}
	return 0;
}
