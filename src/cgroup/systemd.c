/* The systemd cgroup driver (--systemd-cgroup), as runc's: linux.cgroupsPath "slice:prefix:name" names the
 * transient scope <prefix>-<name>.scope in <slice> (system.slice when empty), which systemd makes over D-Bus
 * around the container's init with Delegate=yes and the limits it has properties for; pocket then writes every
 * limit into the scope's cgroup itself as well (what systemd has no property for, and the exact values where
 * its properties round). Only where systemd is PID 1, only on cgroup v2, and only as root (the system
 * manager: a user manager is not supported). */
#include "cgroup/cgroup.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define BUS_TIMEOUT_USEC (30ULL * 1000 * 1000)

static bool valid_part(const char *s)
{
	return !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

/* "a-b-c.slice" lives at /a.slice/a-b.slice/a-b-c.slice; "-.slice" is the root. */
static int slice_path(const char *slice, char *out, size_t size, pk_err_t *err)
{
	out[0] = '\0';
	size_t n = strlen(slice);
	if (n < 7 || strcmp(slice + n - 6, ".slice") || !valid_part(slice))
		return pk_fail(err, "linux.cgroupsPath: slice \"%s\" must be a name ending in .slice", slice);
	if (!strcmp(slice, "-.slice"))
		return 0;
	const char *stem_end = slice + n - 6;
	for (const char *p = slice;; p++) {
		if (p < stem_end && *p != '-')
			continue;
		if (p == slice || p[-1] == '-' || (p < stem_end && p + 1 == stem_end))
			return pk_fail(err, "linux.cgroupsPath: slice \"%s\" has an empty part between dashes", slice);
		size_t l = strlen(out);
		if ((size_t)snprintf(out + l, size - l, "/%.*s.slice", (int)(p - slice), slice) >= size - l)
			return pk_fail(err, "linux.cgroupsPath: slice \"%s\" is too long", slice);
		if (p == stem_end)
			return 0;
	}
}

int pk_cgroup_systemd_init(pk_cgroup_t *cg, const char *cgroups_path, const char *id, pk_err_t *err)
{
	if (access("/run/systemd/system", F_OK) < 0)
		return pk_fail(err, "--systemd-cgroup: systemd is not running as PID 1 here (no /run/systemd/system); "
			       "use the cgroupfs manager");
	if (geteuid() != 0)
		return pk_fail(err, "--systemd-cgroup: only as root (a user's systemd manager is not supported)");
	char buf[PATH_MAX];
	snprintf(buf, sizeof buf, "%s", cgroups_path && *cgroups_path ? cgroups_path : "");
	char *slice = buf, *prefix, *name;
	if (!*buf) {
		prefix = (char *)"pocket";
		name = (char *)id;
	} else {
		prefix = strchr(slice, ':');
		name = prefix ? strchr(prefix + 1, ':') : NULL;
		if (!name || strchr(name + 1, ':'))
			return pk_fail(err, "linux.cgroupsPath: \"%s\": the systemd cgroup driver expects slice:prefix:name",
				       cgroups_path);
		*prefix++ = '\0';
		*name++ = '\0';
	}
	if (!*name || !valid_part(name) || !valid_part(prefix))
		return pk_fail(err, "linux.cgroupsPath: \"%s\": prefix and name must be non-empty names without '/'",
			       cgroups_path ? cgroups_path : "");
	char sp[PATH_MAX];
	if (slice_path(*slice ? slice : "system.slice", sp, sizeof sp, err) < 0)
		return -1;
	int n = *prefix ? snprintf(cg->unit, sizeof cg->unit, "%s-%s.scope", prefix, name)
			: snprintf(cg->unit, sizeof cg->unit, "%s.scope", name);
	if (n < 0 || (size_t)n >= sizeof cg->unit)
		return pk_fail(err, "linux.cgroupsPath: the unit name for \"%s\" is too long", cgroups_path);
	snprintf(cg->slice, sizeof cg->slice, "%s", *slice ? slice : "system.slice");
	snprintf(cg->path, sizeof cg->path, "%s/%s", sp, cg->unit);
	cg->systemd = true;
	return 0;
}

/* The system manager: its private socket (no bus daemon needed, as systemctl does as root), else the bus. */
static int bus_open(sd_bus **bus, pk_err_t *err)
{
	int r = sd_bus_new(bus);
	if (r >= 0 && (r = sd_bus_set_address(*bus, "unix:path=/run/systemd/private")) >= 0 &&
	    (r = sd_bus_start(*bus)) >= 0)
		return 0;
	*bus = sd_bus_flush_close_unref(*bus);
	r = sd_bus_open_system(bus);
	if (r < 0)
		return pk_fail_errno(err, -r, "--systemd-cgroup: connect to systemd");
	return 0;
}

static void sleep_us(long us)
{
	struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000L};
	nanosleep(&ts, NULL);
}

/* A job object exists until the job is done: poll for its end (no signal subscription to race with). */
static int wait_job(sd_bus *bus, const char *job, const char *unit, pk_err_t *err)
{
	for (long wait = 1000, total = 0; total < 30000000; total += wait, wait = wait < 100000 ? wait * 2 : wait) {
		sd_bus_error e = SD_BUS_ERROR_NULL;
		char *state = NULL;
		int r = sd_bus_get_property_string(bus, SD_DEST, job, "org.freedesktop.systemd1.Job", "State", &e, &state);
		free(state);
		bool gone = r < 0 && (sd_bus_error_has_name(&e, SD_BUS_ERROR_UNKNOWN_OBJECT) ||
				      sd_bus_error_has_name(&e, SD_BUS_ERROR_UNKNOWN_METHOD) ||
				      sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchJob"));
		sd_bus_error_free(&e);
		if (gone)
			return 0;
		if (r < 0)
			return pk_fail_errno(err, -r, "systemd: wait for the job of %s", unit);
		sleep_us(wait);
	}
	return pk_fail(err, "systemd: the job of %s did not finish in 30 s", unit);
}

static int unit_active_state(sd_bus *bus, const char *unit, char **state, pk_err_t *err)
{
	_cleanup_free_ char *path = NULL;
	if (sd_bus_path_encode(SD_PATH "/unit", unit, &path) < 0)
		return pk_fail_errno(err, ENOMEM, "systemd: unit path");
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = sd_bus_get_property_string(bus, SD_DEST, path, "org.freedesktop.systemd1.Unit", "ActiveState", &e,
					   state);
	if (r < 0)
		pk_fail_errno(err, -r, "systemd: state of %s: %s", unit, e.message ? e.message : "");
	sd_bus_error_free(&e);
	return r < 0 ? -1 : 0;
}

/* systemd's CPU set property: bit n of byte n/8, for "0-3,8". */
static int cpu_mask(const char *list, uint8_t *mask, size_t *len, size_t cap)
{
	*len = 0;
	memset(mask, 0, cap);
	for (const char *p = list; *p;) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;
		if (end == p)
			return -1;
		if (*end == '-') {
			p = end + 1;
			b = strtoul(p, &end, 10);
			if (end == p || b < a)
				return -1;
		}
		if (b / 8 >= cap)
			return -1;
		for (unsigned long i = a; i <= b; i++)
			mask[i / 8] |= (uint8_t)(1u << (i % 8));
		if (b / 8 + 1 > *len)
			*len = b / 8 + 1;
		p = end + (*end == ',');
		if (*end && *end != ',')
			return -1;
	}
	return 0;
}

static int append_u64(sd_bus_message *m, const char *name, uint64_t v)
{
	return sd_bus_message_append(m, "(sv)", name, "t", v);
}

/* The unit properties of the limits systemd has them for (runc's set). */
static int append_resources(sd_bus_message *m, const pk_resources_t *r)
{
	int rc = 0;
	const typeof(r->memory) *mem = &r->memory;
	uint64_t inf = UINT64_MAX;
	if (mem->limit.set)
		rc |= append_u64(m, "MemoryMax", mem->limit.v < 0 ? inf : (uint64_t)mem->limit.v);
	if (mem->reservation.set)
		rc |= append_u64(m, "MemoryLow", mem->reservation.v < 0 ? inf : (uint64_t)mem->reservation.v);
	if (mem->swap.set) /* OCI's swap is memory+swap; systemd's, as v2's, swap alone */
		rc |= append_u64(m, "MemorySwapMax",
				 mem->swap.v < 0 || !mem->limit.set || mem->limit.v < 0 || mem->swap.v < mem->limit.v
					 ? inf
					 : (uint64_t)(mem->swap.v - mem->limit.v));
	const typeof(r->cpu) *c = &r->cpu;
	if (c->shares.set && c->shares.v >= 2)
		rc |= append_u64(m, "CPUWeight", 1 + ((uint64_t)(c->shares.v - 2) * 9999) / 262142);
	if (c->period.set && c->period.v > 0)
		rc |= append_u64(m, "CPUQuotaPeriodUSec", (uint64_t)c->period.v);
	if (c->quota.set && c->quota.v > 0) {
		uint64_t period = c->period.set && c->period.v > 0 ? (uint64_t)c->period.v : 100000;
		uint64_t per_sec = (uint64_t)c->quota.v * 1000000 / period;
		per_sec = (per_sec + 9999) / 10000 * 10000; /* systemd keeps 10 ms steps: round up, as runc */
		rc |= append_u64(m, "CPUQuotaPerSecUSec", per_sec);
	} else if (c->quota.set && c->quota.v < 0) {
		rc |= append_u64(m, "CPUQuotaPerSecUSec", inf);
	}
	const struct {
		const char *prop, *list;
	} sets[] = {{"AllowedCPUs", c->cpus}, {"AllowedMemoryNodes", c->mems}};
	for (size_t i = 0; i < PK_ARRAY_SIZE(sets); i++) {
		uint8_t mask[128];
		size_t len;
		if (!sets[i].list || !*sets[i].list || cpu_mask(sets[i].list, mask, &len, sizeof mask) < 0)
			continue; /* a bad list is refused by the cpuset file written next, with its field named */
		rc |= sd_bus_message_open_container(m, 'r', "sv");
		rc |= sd_bus_message_append(m, "s", sets[i].prop);
		rc |= sd_bus_message_open_container(m, 'v', "ay");
		rc |= sd_bus_message_append_array(m, 'y', mask, len);
		rc |= sd_bus_message_close_container(m);
		rc |= sd_bus_message_close_container(m);
	}
	if (r->pids_limit.set)
		rc |= append_u64(m, "TasksMax", r->pids_limit.v <= 0 ? inf : (uint64_t)r->pids_limit.v);
	return rc < 0 ? -1 : 0;
}

int pk_cgroup_systemd_start(const pk_cgroup_t *cg, pid_t pid, const pk_resources_t *r, pk_err_t *err)
{
	__attribute__((cleanup(sd_bus_flush_close_unrefp))) sd_bus *bus = NULL;
	if (bus_open(&bus, err) < 0)
		return -1;
	__attribute__((cleanup(sd_bus_message_unrefp))) sd_bus_message *m = NULL, *reply = NULL;
	char desc[PATH_MAX];
	snprintf(desc, sizeof desc, "pocket container %.200s", cg->unit);
	int rc = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StartTransientUnit");
	if (rc >= 0)
		rc = sd_bus_message_append(m, "ss", cg->unit, "fail");
	if (rc >= 0)
		rc = sd_bus_message_open_container(m, 'a', "(sv)");
	if (rc >= 0)
		rc = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)", "Description", "s", desc, "Slice", "s",
					   cg->slice, "Delegate", "b", 1, "DefaultDependencies", "b", 0, "PIDs", "au", 1,
					   (uint32_t)pid, "MemoryAccounting", "b", 1, "CPUAccounting", "b", 1,
					   "IOAccounting", "b", 1, "TasksAccounting", "b", 1);
	if (rc >= 0 && r->present)
		rc = append_resources(m, r);
	if (rc >= 0)
		rc = sd_bus_message_close_container(m);
	if (rc >= 0)
		rc = sd_bus_message_append(m, "a(sa(sv))", 0);
	if (rc < 0)
		return pk_fail_errno(err, rc == -1 ? EINVAL : -rc, "systemd: build the StartTransientUnit call");
	sd_bus_error e = SD_BUS_ERROR_NULL;
	rc = sd_bus_call(bus, m, BUS_TIMEOUT_USEC, &e, &reply);
	if (rc < 0) {
		pk_fail(err, "systemd: start the scope %s in %s: %s", cg->unit, cg->slice, e.message ? e.message : strerror(-rc));
		sd_bus_error_free(&e);
		return -1;
	}
	const char *job;
	if (sd_bus_message_read(reply, "o", &job) < 0)
		return pk_fail(err, "systemd: StartTransientUnit of %s: no job in the reply", cg->unit);
	if (wait_job(bus, job, cg->unit, err) < 0)
		return -1;
	_cleanup_free_ char *state = NULL;
	if (unit_active_state(bus, cg->unit, &state, err) < 0)
		return -1;
	if (strcmp(state, "active"))
		return pk_fail(err, "systemd: the scope %s did not start (%s)", cg->unit, state);
	pk_debug("systemd: scope %s started with pid %d", cg->unit, (int)pid);
	/* Every limit into the scope's cgroup too: those systemd has no property for, exact values for the rest. */
	return pk_cgroup_apply(cg, r, err);
}

void pk_cgroup_systemd_stop(const pk_cgroup_t *cg)
{
	const char *base = strrchr(cg->path, '/');
	size_t n = base ? strlen(base) : 0;
	if (!base || n < 7 || strcmp(base + n - 6, ".scope") || !cg->unified || access("/run/systemd/system", F_OK) < 0)
		return;
	char killf[PATH_MAX * 3];
	snprintf(killf, sizeof killf, "%s%s/cgroup.kill", cg->hier[0].mount, cg->path);
	pk_err_t ignored;
	if (access(killf, F_OK) == 0)
		pk_write_file(killf, "1", &ignored); /* dead already, the scope stops at once, whatever its init ignores */
	__attribute__((cleanup(sd_bus_flush_close_unrefp))) sd_bus *bus = NULL;
	if (bus_open(&bus, &ignored) < 0)
		return;
	__attribute__((cleanup(sd_bus_message_unrefp))) sd_bus_message *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	const char *unit = base + 1, *job;
	/* Only the scope that is this cgroup: a cgroupfs container's path may end in .scope too. */
	_cleanup_free_ char *path = NULL, *group = NULL;
	if (sd_bus_path_encode(SD_PATH "/unit", unit, &path) < 0 ||
	    sd_bus_get_property_string(bus, SD_DEST, path, "org.freedesktop.systemd1.Scope", "ControlGroup", NULL,
				       &group) < 0 ||
	    strcmp(group, cg->path))
		return;
	if (sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit", &e, &reply, "ss", unit, "replace") >= 0 &&
	    sd_bus_message_read(reply, "o", &job) >= 0)
		wait_job(bus, job, unit, &ignored);
	else
		pk_debug("systemd: stop %s: %s", unit, e.message ? e.message : "failed"); /* not a scope of systemd's */
	sd_bus_error_free(&e);
}
