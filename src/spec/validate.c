/* Cross-field checks on a parsed spec: things each field is fine with on its own but the kernel or the engine
 * would reject (or worse, carry out on the host) in combination. Modeled on runc's libcontainer validator. */
#include "spec/spec.h"
#include "util/cleanup.h"
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#define IDMAP_MAX_RANGES 340 /* UID_GID_MAP_MAX_EXTENTS since Linux 4.15 */


static bool ns_new(const pk_spec_t *s, enum pk_ns_type t) { return s->ns[t].present && !s->ns[t].path; }

static int fail_no_ns(pk_err_t *err, const char *field, const char *what, enum pk_ns_type t)
{
	return pk_fail(err, "%s: requires %s (linux.namespaces has no \"%s\" entry)", field, what, pk_ns_name(t));
}

static bool ranges_overlap(uint64_t a, uint64_t b, uint64_t size_a, uint64_t size_b)
{
	return a < b + size_b && b < a + size_a;
}

static int check_idmaps(const char *field, const pk_idmap_t *m, size_t n, pk_err_t *err)
{
	if (n > IDMAP_MAX_RANGES)
		return pk_fail(err, "%s: %zu ranges given, the kernel accepts at most %d", field, n, IDMAP_MAX_RANGES);
	for (size_t i = 0; i < n; i++) {
		if (m[i].size == 0)
			return pk_fail(err, "%s[%zu].size: must be greater than 0", field, i);
		if ((uint64_t)m[i].container_id + m[i].size - 1 > UINT32_MAX ||
		    (uint64_t)m[i].host_id + m[i].size - 1 > UINT32_MAX)
			return pk_fail(err, "%s[%zu]: range extends past ID 4294967295", field, i);
		for (size_t j = 0; j < i; j++) {
			if (ranges_overlap(m[i].container_id, m[j].container_id, m[i].size, m[j].size))
				return pk_fail(err, "%s[%zu] and %s[%zu]: overlapping containerID ranges", field, j,
					       field, i);
			/* The kernel rejects overlapping host ranges too: two container IDs would own one host ID. */
			if (ranges_overlap(m[i].host_id, m[j].host_id, m[i].size, m[j].size))
				return pk_fail(err, "%s[%zu] and %s[%zu]: overlapping hostID ranges", field, j,
					       field, i);
		}
	}
	return 0;
}

static bool id_mapped(const pk_idmap_t *m, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container_id && (uint64_t)id < (uint64_t)m[i].container_id + m[i].size)
			return true;
	return false;
}

/* setuid()/setgroups() inside the container fail with a bare EINVAL for unmapped IDs; say which one instead. */
static int check_process_ids_mapped(const pk_spec_t *s, pk_err_t *err)
{
	const pk_process_t *p = &s->process;
	if (!id_mapped(s->uid_mappings, s->n_uid_mappings, p->uid))
		return pk_fail(err, "process.user.uid: %" PRIu32 " is not mapped by linux.uidMappings", p->uid);
	if (!id_mapped(s->gid_mappings, s->n_gid_mappings, p->gid))
		return pk_fail(err, "process.user.gid: %" PRIu32 " is not mapped by linux.gidMappings", p->gid);
	for (size_t i = 0; i < p->n_additional_gids; i++)
		if (!id_mapped(s->gid_mappings, s->n_gid_mappings, p->additional_gids[i]))
			return pk_fail(err, "process.user.additionalGids[%zu]: %" PRIu32 " is not mapped by %s", i,
				       p->additional_gids[i], "linux.gidMappings");
	return 0;
}

static int check_userns(const pk_spec_t *s, pk_err_t *err)
{
	if (!s->ns[PK_NS_USER].present) {
		if (s->n_uid_mappings)
			return fail_no_ns(err, "linux.uidMappings", "a user namespace", PK_NS_USER);
		if (s->n_gid_mappings)
			return fail_no_ns(err, "linux.gidMappings", "a user namespace", PK_NS_USER);
		return 0;
	}
	if (check_idmaps("linux.uidMappings", s->uid_mappings, s->n_uid_mappings, err) < 0 ||
	    check_idmaps("linux.gidMappings", s->gid_mappings, s->n_gid_mappings, err) < 0)
		return -1;
	/* When joining an existing namespace its mappings are already set; the engine ignores ours. */
	if (!ns_new(s, PK_NS_USER))
		return 0;
	if (!s->n_uid_mappings)
		return pk_fail(err, "linux.uidMappings: required when a new user namespace is created");
	if (!s->n_gid_mappings)
		return pk_fail(err, "linux.gidMappings: required when a new user namespace is created");
	return s->has_process ? check_process_ids_mapped(s, err) : 0;
}

static int check_mount_idmaps(const pk_spec_t *s, pk_err_t *err)
{
	char field[64];
	for (size_t i = 0; i < s->n_mounts; i++) {
		const pk_mount_t *m = &s->mounts[i];
		if (!m->n_uid_mappings && !m->n_gid_mappings)
			continue;
		if (!m->n_uid_mappings || !m->n_gid_mappings)
			return pk_fail(err, "mounts[%zu]: uidMappings and gidMappings must be given together", i);
		snprintf(field, sizeof field, "mounts[%zu].uidMappings", i);
		if (check_idmaps(field, m->uid_mappings, m->n_uid_mappings, err) < 0)
			return -1;
		snprintf(field, sizeof field, "mounts[%zu].gidMappings", i);
		if (check_idmaps(field, m->gid_mappings, m->n_gid_mappings, err) < 0)
			return -1;
	}
	return 0;
}

static int check_mountns(const pk_spec_t *s, pk_err_t *err)
{
	if (s->ns[PK_NS_MOUNT].present)
		return 0;
	/* Without a mount namespace these would be carried out on the host's mount table. */
	const struct {
		const char *field;
		bool used;
	} needs[] = {
		{"mounts", s->n_mounts > 0},
		{"linux.maskedPaths", s->masked_paths && s->masked_paths[0]},
		{"linux.readonlyPaths", s->readonly_paths && s->readonly_paths[0]},
		{"linux.rootfsPropagation", s->rootfs_propagation != 0},
	};
	for (size_t i = 0; i < PK_ARRAY_SIZE(needs); i++)
		if (needs[i].used)
			return fail_no_ns(err, needs[i].field, "a mount namespace", PK_NS_MOUNT);
	return 0;
}

static int check_uts_and_time(const pk_spec_t *s, pk_err_t *err)
{
	/* sethostname() would only say EINVAL, deep inside the container setup. */
	if (s->hostname && strlen(s->hostname) > HOST_NAME_MAX)
		return pk_fail(err, "hostname: longer than %d bytes", HOST_NAME_MAX);
	if (s->domainname && strlen(s->domainname) > HOST_NAME_MAX)
		return pk_fail(err, "domainname: longer than %d bytes", HOST_NAME_MAX);
	/* Like runc, a joined UTS namespace is accepted: its owner may have asked for the name to be set. */
	if (s->hostname && *s->hostname && !s->ns[PK_NS_UTS].present)
		return fail_no_ns(err, "hostname", "a new UTS namespace", PK_NS_UTS);
	if (s->domainname && *s->domainname && !s->ns[PK_NS_UTS].present)
		return fail_no_ns(err, "domainname", "a new UTS namespace", PK_NS_UTS);
	/* Offsets can only be written before the first process enters the namespace, so a joined one won't do. */
	if (s->has_time_offsets && !ns_new(s, PK_NS_TIME)) {
		if (s->ns[PK_NS_TIME].present)
			return pk_fail(err, "linux.timeOffsets: cannot be set when joining an existing time namespace");
		return fail_no_ns(err, "linux.timeOffsets", "a new time namespace", PK_NS_TIME);
	}
	return 0;
}

static bool sysctl_key_valid(const char *key)
{
	if (!*key || *key == '/' || *key == '.')
		return false;
	/* Components are separated by '.' or '/' (net/ipv4/ip_forward); an empty one would walk /proc/sys oddly. */
	for (const char *p = key; *p; p++)
		if ((*p == '.' || *p == '/') && (p[1] == '.' || p[1] == '/' || p[1] == '\0'))
			return false;
	return true;
}

static const char *const ipc_sysctls[] = {
	"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

static bool is_ipc_sysctl(const char *key)
{
	if (strncmp(key, "fs.mqueue.", 10) == 0)
		return true;
	for (size_t i = 0; i < PK_ARRAY_SIZE(ipc_sysctls); i++)
		if (strcmp(key, ipc_sysctls[i]) == 0)
			return true;
	return false;
}

/* Only sysctls that live in a namespace the container owns may be set; anything else changes the host. */
static int check_sysctl_ns(const pk_spec_t *s, const char *field, const char *key, pk_err_t *err)
{
	if (is_ipc_sysctl(key))
		return s->ns[PK_NS_IPC].present ? 0 : fail_no_ns(err, field, "an IPC namespace", PK_NS_IPC);
	if (strncmp(key, "net.", 4) == 0)
		return s->ns[PK_NS_NETWORK].present ? 0 : fail_no_ns(err, field, "a network namespace", PK_NS_NETWORK);
	if (strcmp(key, "kernel.hostname") == 0)
		return pk_fail(err, "%s: not allowed; set the hostname field instead", field);
	if (strcmp(key, "kernel.domainname") == 0)
		return s->ns[PK_NS_UTS].present ? 0 : fail_no_ns(err, field, "a UTS namespace", PK_NS_UTS);
	return pk_fail(err, "%s: not in a namespace the container owns; setting it would change the host", field);
}

static int check_sysctl(const pk_spec_t *s, pk_err_t *err)
{
	char field[300], key[256];
	for (size_t i = 0; i < s->n_sysctl; i++) {
		const char *raw = s->sysctl[i].key;
		snprintf(field, sizeof field, "linux.sysctl[\"%s\"]", raw);
		if (!sysctl_key_valid(raw) || strlen(raw) >= sizeof key)
			return pk_fail(err, "%s: not a valid sysctl name", field);
		strcpy(key, raw);
		for (char *p = key; *p; p++)
			if (*p == '/')
				*p = '.';
		if (check_sysctl_ns(s, field, key, err) < 0)
			return -1;
	}
	return 0;
}

static bool has_dotdot(const char *path)
{
	for (const char *p = strstr(path, ".."); p; p = strstr(p + 1, ".."))
		if ((p == path || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return true;
	return false;
}

static int check_devices(const pk_spec_t *s, pk_err_t *err)
{
	for (size_t i = 0; i < s->n_devices; i++) {
		const char *path = s->devices[i].path;
		if (strncmp(path, "/dev/", 5) != 0 || !path[5] || has_dotdot(path))
			return pk_fail(err, "linux.devices[%zu].path: must be a path under /dev/, got \"%s\"", i, path);
		for (size_t j = 0; j < i; j++)
			if (strcmp(path, s->devices[j].path) == 0)
				return pk_fail(err, "linux.devices[%zu].path: \"%s\" is already listed at index %zu", i,
					       path, j);
	}
	return 0;
}

static int check_rlimits(const pk_spec_t *s, pk_err_t *err)
{
	for (size_t i = 0; i < s->process.n_rlimits; i++) {
		const pk_rlimit_t *rl = &s->process.rlimits[i];
		if (rl->soft > rl->hard)
			return pk_fail(err, "process.rlimits[%zu]: soft limit %" PRIu64 " exceeds hard limit %" PRIu64,
				       i, rl->soft, rl->hard);
	}
	return 0;
}

int pk_spec_validate(const pk_spec_t *spec, pk_err_t *err)
{
	static int (*const checks[])(const pk_spec_t *, pk_err_t *) = {
		check_userns, check_mount_idmaps, check_mountns, check_uts_and_time,
		check_sysctl, check_devices,      check_rlimits,
	};
	for (size_t i = 0; i < PK_ARRAY_SIZE(checks); i++)
		if (checks[i](spec, err) < 0)
			return pk_err_one_line(err);
	return 0;
}
