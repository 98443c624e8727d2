/* linux.resources on cgroup v1 (and the v1 side of a hybrid host): the file names and units runc uses. */
#include "cgroup/cgroup.h"
#include "util/cleanup.h"
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int need(const pk_cgroup_t *cg, const char *controller, const char *field, const pk_cg_hier_t **h, pk_err_t *err)
{
	*h = pk_cgroup_find(cg, controller);
	if (!*h)
		return pk_fail(err, "linux.resources.%s: the %s controller is not available on this host", field,
			       controller);
	return 0;
}

static int write_i64(const pk_cgroup_t *cg, const pk_cg_hier_t *h, const char *file, int64_t v, pk_err_t *err)
{
	char s[32];
	snprintf(s, sizeof s, "%lld", (long long)v);
	return pk_cgroup_write(h, cg->path, file, s, err);
}

static int memory(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err)
{
	const typeof(r->memory) *m = &r->memory;
	if (!m->limit.set && !m->reservation.set && !m->swap.set && !m->swappiness.set && !m->has_disable_oom_killer &&
	    !m->kernel.set && !m->kernel_tcp.set)
		return 0;
	const pk_cg_hier_t *h;
	if (need(cg, "memory", "memory", &h, err) < 0)
		return -1;
	if (m->kernel.set || m->kernel_tcp.set)
		return pk_fail(err, "linux.resources.memory.kernel%s: kernel memory limits are not supported by this "
			       "kernel", m->kernel.set ? "" : "TCP");
	/* memsw must stay >= the limit at every step: raise the one that grows first. */
	if (m->swap.set && m->limit.set && m->swap.v != -1) {
		if (write_i64(cg, h, "memory.limit_in_bytes", m->limit.v, err) < 0 ||
		    write_i64(cg, h, "memory.memsw.limit_in_bytes", m->swap.v, err) < 0)
			return pk_err_wrap(err, "linux.resources.memory");
	} else {
		if (m->swap.set && write_i64(cg, h, "memory.memsw.limit_in_bytes", m->swap.v, err) < 0)
			return pk_err_wrap(err, "linux.resources.memory.swap");
		if (m->limit.set && write_i64(cg, h, "memory.limit_in_bytes", m->limit.v, err) < 0)
			return pk_err_wrap(err, "linux.resources.memory.limit");
	}
	if (m->reservation.set && write_i64(cg, h, "memory.soft_limit_in_bytes", m->reservation.v, err) < 0)
		return pk_err_wrap(err, "linux.resources.memory.reservation");
	if (m->swappiness.set && write_i64(cg, h, "memory.swappiness", m->swappiness.v, err) < 0)
		return pk_err_wrap(err, "linux.resources.memory.swappiness");
	if (m->has_disable_oom_killer && m->disable_oom_killer &&
	    pk_cgroup_write(h, cg->path, "memory.oom_control", "1", err) < 0)
		return pk_err_wrap(err, "linux.resources.memory.disableOOMKiller");
	return 0;
}

static int cpu(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err)
{
	const typeof(r->cpu) *c = &r->cpu;
	const pk_cg_hier_t *h;
	if (c->shares.set || c->quota.set || c->period.set || c->burst.set || c->realtime_runtime.set ||
	    c->realtime_period.set || c->idle.set) {
		if (need(cg, "cpu", "cpu", &h, err) < 0)
			return -1;
		if (c->shares.set && c->shares.v && write_i64(cg, h, "cpu.shares", c->shares.v, err) < 0)
			return pk_err_wrap(err, "linux.resources.cpu.shares");
		if (c->period.set && c->period.v && write_i64(cg, h, "cpu.cfs_period_us", c->period.v, err) < 0)
			return pk_err_wrap(err, "linux.resources.cpu.period");
		if (c->quota.set && c->quota.v && write_i64(cg, h, "cpu.cfs_quota_us", c->quota.v, err) < 0)
			return pk_err_wrap(err, "linux.resources.cpu.quota");
		if (c->burst.set && write_i64(cg, h, "cpu.cfs_burst_us", c->burst.v, err) < 0)
			return pk_err_wrap(err, "linux.resources.cpu.burst");
		if (c->realtime_period.set && write_i64(cg, h, "cpu.rt_period_us", c->realtime_period.v, err) < 0)
			return pk_err_wrap(err, "linux.resources.cpu.realtimePeriod");
		if (c->realtime_runtime.set && write_i64(cg, h, "cpu.rt_runtime_us", c->realtime_runtime.v, err) < 0)
			return pk_err_wrap(err, "linux.resources.cpu.realtimeRuntime");
		if (c->idle.set && c->idle.v)
			return pk_fail(err, "linux.resources.cpu.idle: needs cgroup v2");
	}
	if (c->cpus || c->mems) {
		if (need(cg, "cpuset", "cpu.cpus", &h, err) < 0)
			return -1;
		if (c->cpus && *c->cpus && pk_cgroup_write(h, cg->path, "cpuset.cpus", c->cpus, err) < 0)
			return pk_err_wrap(err, "linux.resources.cpu.cpus");
		if (c->mems && *c->mems && pk_cgroup_write(h, cg->path, "cpuset.mems", c->mems, err) < 0)
			return pk_err_wrap(err, "linux.resources.cpu.mems");
	}
	return 0;
}

static int devices(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err)
{
	if (!r->n_devices)
		return 0;
	const pk_cg_hier_t *h;
	if (need(cg, "devices", "devices", &h, err) < 0)
		return -1;
	_cleanup_close_ int allow = -1, deny = -1;
	for (size_t i = 0; i < r->n_devices; i++) {
		const pk_device_rule_t *d = &r->devices[i];
		char rule[96], maj[24] = "*", min[24] = "*";
		if (d->major >= 0)
			snprintf(maj, sizeof maj, "%lld", (long long)d->major);
		if (d->minor >= 0)
			snprintf(min, sizeof min, "%lld", (long long)d->minor);
		if (d->type == 'a' && d->major < 0 && d->minor < 0)
			snprintf(rule, sizeof rule, "a");
		else
			snprintf(rule, sizeof rule, "%c %s:%s %s", d->type, maj, min, d->access);
		/* One open per file: the kernel takes one rule per write. */
		int *fd = d->allow ? &allow : &deny;
		const char *name = d->allow ? "devices.allow" : "devices.deny";
		if (*fd < 0) {
			char p[PK_CGROUP_FILE_MAX];
			snprintf(p, sizeof p, "%s%s/%s", h->mount, cg->path, name);
			*fd = open(p, O_WRONLY | O_CLOEXEC);
			if (*fd < 0)
				return pk_fail_errno(err, errno, "linux.resources.devices[%zu]: cgroup %s", i, p);
		}
		if (write(*fd, rule, strlen(rule)) != (ssize_t)strlen(rule))
			return pk_fail_errno(err, errno, "linux.resources.devices[%zu]: cgroup %s%s/%s = %s", i, h->mount,
					     cg->path, name, rule);
	}
	return 0;
}

int pk_cgroup_v1_apply(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err)
{
	if (r->unified && json_object_size(r->unified))
		return pk_fail(err, "linux.resources.unified: needs a cgroup v2 host (this one is v1 or hybrid)");
	if (memory(cg, r, err) < 0 || cpu(cg, r, err) < 0 || devices(cg, r, err) < 0 ||
	    pk_cgroup_io_apply(cg, r, err) < 0 || pk_cgroup_hugetlb_apply(cg, r, err) < 0 ||
	    pk_cgroup_rdma_apply(cg, r, err) < 0 || pk_cgroup_net_apply(cg, r, err) < 0)
		return -1;
	if (r->pids_limit.set) {
		const pk_cg_hier_t *h;
		if (need(cg, "pids", "pids", &h, err) < 0)
			return -1;
		char v[32];
		if (r->pids_limit.v > 0)
			snprintf(v, sizeof v, "%lld", (long long)r->pids_limit.v);
		else
			snprintf(v, sizeof v, "max");
		if (pk_cgroup_write(h, cg->path, "pids.max", v, err) < 0)
			return pk_err_wrap(err, "linux.resources.pids.limit");
	}
	return 0;
}
