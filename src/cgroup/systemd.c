/* The systemd cgroup driver (--systemd-cgroup), as runc's: linux.cgroupsPath "slice:prefix:name" names the
 * transient scope <prefix>-<name>.scope in <slice> (system.slice when empty), which systemd makes over D-Bus
 * around the container's init with Delegate=yes and the limits it has properties for; pocket then writes every
 * limit into the scope's cgroup itself as well (what systemd has no property for, and the exact values where
 * its properties round). Only where systemd is PID 1, only on cgroup v2, and only as root (the system
 * manager: a user manager is not supported).
 *
 * D-Bus is spoken by busctl(1), systemd's own client, which is there wherever systemd is: pocket stays one
 * static binary that maps no D-Bus library for the many commands and hosts that never use this driver. */
#include "cgroup/cgroup.h"
#include "util/cleanup.h"
#include "util/command.h"
#include "util/fs.h"
#include "util/log.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"

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

/* busctl ARGS... against the system manager, over the system bus (as runc: busctl cannot speak to systemd's
 * private socket, which is no bus). out gets what it printed (the reply, or the error). Returns its exit
 * status, or -1 when it could not be run. */
static int busctl(char *const *args, size_t n_args, char *out, size_t size, pk_err_t *err)
{
	char *argv[160];
	size_t k = 0;
	argv[k++] = (char *)"busctl";
	argv[k++] = (char *)"--system";
	argv[k++] = (char *)"--timeout=30";
	argv[k++] = (char *)"--"; /* a slice may begin with a dash ("-.slice") */
	for (size_t i = 0; i < n_args && k + 1 < PK_ARRAY_SIZE(argv); i++)
		argv[k++] = args[i];
	argv[k] = NULL;
	int status;
	if (pk_command_run(argv, out, size, &status, err) < 0)
		return -1;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	if (code == 127)
		return pk_fail(err, "--systemd-cgroup: busctl (systemd's D-Bus client) is not installed");
	out[strcspn(out, "\n")] = '\0';
	return code;
}

/* A unit's D-Bus object path: /org/freedesktop/systemd1/unit/ and the name with every byte that is not
 * [A-Za-z0-9] as _xx (sd_bus_path_encode's rule). */
static void unit_object(const char *unit, char *out, size_t size)
{
	size_t n = (size_t)snprintf(out, size, SD_PATH "/unit/");
	for (const unsigned char *p = (const unsigned char *)unit; *p && n + 4 < size; p++)
		n += (size_t)snprintf(out + n, size - n, ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
							  (*p >= '0' && *p <= '9')) ? "%c" : "_%02x", *p);
}

/* A string property of a unit, unquoted ("active" from `s "active"`); -1 when the unit is not loaded. */
static int unit_property(const char *unit, const char *iface, const char *prop, char *out, size_t size)
{
	char obj[PATH_MAX];
	unit_object(unit, obj, sizeof obj);
	char *args[] = {(char *)"get-property", (char *)SD_DEST, obj, (char *)iface, (char *)prop};
	char reply[PATH_MAX];
	pk_err_t ignored;
	if (busctl(args, PK_ARRAY_SIZE(args), reply, sizeof reply, &ignored) != 0 || strncmp(reply, "s \"", 3))
		return -1;
	snprintf(out, size, "%s", reply + 3);
	out[strcspn(out, "\"")] = '\0';
	return 0;
}

static void sleep_us(long us)
{
	struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000L};
	nanosleep(&ts, NULL);
}

/* Poll the unit's ActiveState ("unloaded" once systemd forgot it) until a start reached "active" (true) or
 * "failed"/"unloaded" (false), or a stop reached anything but "active"/"deactivating" (true); 30 s at most. */
static bool wait_state(const char *unit, bool stopping, char *state, size_t size)
{
	for (long wait = 500, total = 0; total < 30000000; total += wait, wait = wait < 100000 ? wait * 2 : wait) {
		if (unit_property(unit, "org.freedesktop.systemd1.Unit", "ActiveState", state, size) < 0)
			snprintf(state, size, "unloaded");
		if (stopping && strcmp(state, "active") && strcmp(state, "deactivating"))
			return true;
		if (!stopping && !strcmp(state, "active"))
			return true;
		if (!stopping && (!strcmp(state, "failed") || !strcmp(state, "unloaded")))
			return false;
		sleep_us(wait);
	}
	return false;
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

/* The arguments of StartTransientUnit's properties, busctl's way: NAME TYPE VALUE... each. */
typedef struct props {
	char *argv[128];
	char buf[128][24];
	size_t n, count; /* argv entries; properties */
} props_t;

/* s must outlive the call (a literal, the cgroup's names); numbers go through num(). */
static void arg(props_t *p, const char *s)
{
	if (p->n < PK_ARRAY_SIZE(p->argv))
		p->argv[p->n++] = (char *)s;
}

static void num(props_t *p, unsigned long long v)
{
	if (p->n < PK_ARRAY_SIZE(p->argv)) {
		snprintf(p->buf[p->n], sizeof p->buf[p->n], "%llu", v);
		p->argv[p->n] = p->buf[p->n];
		p->n++;
	}
}

static void prop(props_t *p, const char *name, const char *type, const char *value)
{
	arg(p, name);
	arg(p, type);
	arg(p, value);
	p->count++;
}

static void prop_u64(props_t *p, const char *name, uint64_t v)
{
	arg(p, name);
	arg(p, "t");
	num(p, v);
	p->count++;
}

/* The unit properties of the limits systemd has them for (runc's set). */
static void add_resources(props_t *p, const pk_resources_t *r)
{
	const typeof(r->memory) *mem = &r->memory;
	uint64_t inf = UINT64_MAX;
	if (mem->limit.set)
		prop_u64(p, "MemoryMax", mem->limit.v < 0 ? inf : (uint64_t)mem->limit.v);
	if (mem->reservation.set)
		prop_u64(p, "MemoryLow", mem->reservation.v < 0 ? inf : (uint64_t)mem->reservation.v);
	if (mem->swap.set) /* OCI's swap is memory+swap; systemd's, as v2's, swap alone */
		prop_u64(p, "MemorySwapMax",
			 mem->swap.v < 0 || !mem->limit.set || mem->limit.v < 0 || mem->swap.v < mem->limit.v
				 ? inf
				 : (uint64_t)(mem->swap.v - mem->limit.v));
	const typeof(r->cpu) *c = &r->cpu;
	if (c->shares.set && c->shares.v >= 2)
		prop_u64(p, "CPUWeight", 1 + ((uint64_t)(c->shares.v - 2) * 9999) / 262142);
	if (c->period.set && c->period.v > 0)
		prop_u64(p, "CPUQuotaPeriodUSec", (uint64_t)c->period.v);
	if (c->quota.set && c->quota.v > 0) {
		uint64_t period = c->period.set && c->period.v > 0 ? (uint64_t)c->period.v : 100000;
		uint64_t per_sec = (uint64_t)c->quota.v * 1000000 / period;
		per_sec = (per_sec + 9999) / 10000 * 10000; /* systemd keeps 10 ms steps: round up, as runc */
		prop_u64(p, "CPUQuotaPerSecUSec", per_sec);
	} else if (c->quota.set && c->quota.v < 0) {
		prop_u64(p, "CPUQuotaPerSecUSec", inf);
	}
	const struct {
		const char *prop, *list;
	} sets[] = {{"AllowedCPUs", c->cpus}, {"AllowedMemoryNodes", c->mems}};
	for (size_t i = 0; i < PK_ARRAY_SIZE(sets); i++) {
		uint8_t mask[16];
		size_t len;
		if (!sets[i].list || !*sets[i].list || cpu_mask(sets[i].list, mask, &len, sizeof mask) < 0)
			continue; /* a bad (or too large) list is refused by the cpuset file written next, field named */
		arg(p, sets[i].prop);
		arg(p, "ay");
		num(p, len);
		for (size_t b = 0; b < len; b++)
			num(p, mask[b]);
		p->count++;
	}
	if (r->pids_limit.set)
		prop_u64(p, "TasksMax", r->pids_limit.v <= 0 ? inf : (uint64_t)r->pids_limit.v);
}

int pk_cgroup_systemd_start(const pk_cgroup_t *cg, pid_t pid, const pk_resources_t *r, pk_err_t *err)
{
	props_t *p = calloc(1, sizeof *p);
	if (!p)
		return pk_fail_errno(err, ENOMEM, "systemd");
	char desc[300];
	snprintf(desc, sizeof desc, "pocket container %.200s", cg->unit);
	static const char *const head[] = {"call", SD_DEST, SD_PATH, SD_MANAGER, "StartTransientUnit",
					   "ssa(sv)a(sa(sv))"};
	for (size_t i = 0; i < PK_ARRAY_SIZE(head); i++)
		arg(p, head[i]);
	arg(p, cg->unit);
	arg(p, "fail");
	size_t count_at = p->n;
	num(p, 0); /* the number of properties, known at the end */
	prop(p, "Description", "s", desc);
	prop(p, "Slice", "s", cg->slice);
	prop(p, "Delegate", "b", "true");
	prop(p, "DefaultDependencies", "b", "false");
	arg(p, "PIDs"), arg(p, "au"), num(p, 1), num(p, (unsigned long long)pid), p->count++;
	prop(p, "MemoryAccounting", "b", "true");
	prop(p, "CPUAccounting", "b", "true");
	prop(p, "IOAccounting", "b", "true");
	prop(p, "TasksAccounting", "b", "true");
	if (r->present)
		add_resources(p, r);
	arg(p, "0"); /* no auxiliary units */
	snprintf(p->buf[count_at], sizeof p->buf[count_at], "%zu", p->count);
	p->argv[count_at] = p->buf[count_at];
	char reply[1024];
	int code = p->n < PK_ARRAY_SIZE(p->argv) ? busctl(p->argv, p->n, reply, sizeof reply, err) : -2;
	free(p);
	if (code == -2)
		return pk_fail(err, "systemd: too many unit properties");
	if (code < 0)
		return -1;
	if (code != 0)
		return pk_fail(err, "systemd: start the scope %s in %s: %s", cg->unit, cg->slice, reply);
	char state[64];
	if (!wait_state(cg->unit, false, state, sizeof state))
		return pk_fail(err, "systemd: the scope %s did not start (%s)", cg->unit, state);
	pk_debug("systemd: scope %s started with pid %d", cg->unit, (int)pid);
	/* Every limit into the scope's cgroup too: those systemd has no property for, exact values for the rest. */
	return pk_cgroup_apply(cg, r, err);
}

/* The unit name when cg is a scope the systemd driver made (only that scope: a cgroupfs container's path may
 * end in .scope too, so systemd must say the scope's cgroup is this one); NULL otherwise. */
static const char *systemd_scope(const pk_cgroup_t *cg)
{
	const char *base = strrchr(cg->path, '/');
	size_t n = base ? strlen(base) : 0;
	if (!base || n < 7 || strcmp(base + n - 6, ".scope") || !cg->unified || access("/run/systemd/system", F_OK) < 0)
		return NULL;
	char group[PATH_MAX];
	if (unit_property(base + 1, "org.freedesktop.systemd1.Scope", "ControlGroup", group, sizeof group) < 0 ||
	    strcmp(group, cg->path))
		return NULL;
	return base + 1;
}

int pk_cgroup_systemd_update(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err)
{
	const char *unit = systemd_scope(cg);
	if (!unit || !r->present)
		return 0;
	props_t *p = calloc(1, sizeof *p);
	if (!p)
		return pk_fail_errno(err, ENOMEM, "systemd");
	static const char *const head[] = {"call", SD_DEST, SD_PATH, SD_MANAGER, "SetUnitProperties", "sba(sv)"};
	for (size_t i = 0; i < PK_ARRAY_SIZE(head); i++)
		arg(p, head[i]);
	arg(p, unit);
	arg(p, "true"); /* runtime: not written to /etc */
	size_t count_at = p->n;
	num(p, 0);
	add_resources(p, r);
	snprintf(p->buf[count_at], sizeof p->buf[count_at], "%zu", p->count);
	p->argv[count_at] = p->buf[count_at];
	char reply[1024];
	int code = p->count && p->n < PK_ARRAY_SIZE(p->argv) ? busctl(p->argv, p->n, reply, sizeof reply, err) : 0;
	free(p);
	if (code < 0)
		return -1;
	if (code != 0)
		return pk_fail(err, "systemd: set the new limits on %s: %s", unit, reply);
	return 0;
}

void pk_cgroup_systemd_stop(const pk_cgroup_t *cg)
{
	const char *unit = systemd_scope(cg);
	if (!unit)
		return;
	char killf[PK_CGROUP_FILE_MAX];
	snprintf(killf, sizeof killf, "%s%s/cgroup.kill", cg->hier[0].mount, cg->path);
	pk_err_t ignored;
	if (access(killf, F_OK) == 0)
		pk_write_file(killf, "1", &ignored); /* dead already, the scope stops at once, whatever its init ignores */
	char *args[] = {(char *)"call", (char *)SD_DEST, (char *)SD_PATH, (char *)SD_MANAGER, (char *)"StopUnit",
			(char *)"ss", (char *)unit, (char *)"replace"};
	char reply[1024], state[64];
	if (busctl(args, PK_ARRAY_SIZE(args), reply, sizeof reply, &ignored) == 0)
		wait_state(unit, true, state, sizeof state);
	else
		pk_debug("systemd: stop %s: %s", unit, reply);
}
