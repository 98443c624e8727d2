/* The config.json that `pocket spec` writes: runc's `spec` (and `spec --rootless`) output, field for field,
 * except for the hostname and process.terminal. */
#include "spec/spec.h"
#include "util/cleanup.h"
#include <jansson.h>
#include <stdbool.h>
#include <string.h>

#define STRV(...) ((const char *const[]){__VA_ARGS__, NULL})

struct mount_def {
	const char *destination, *type, *source;
	const char *const *options; /* NULL-terminated; NULL: no "options" key */
};

static const struct mount_def default_mounts[] = {
	{"/proc", "proc", "proc", NULL},
	{"/dev", "tmpfs", "tmpfs", STRV("nosuid", "strictatime", "mode=755", "size=65536k")},
	{"/dev/pts", "devpts", "devpts",
	 STRV("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")},
	{"/dev/shm", "tmpfs", "shm", STRV("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")},
	{"/dev/mqueue", "mqueue", "mqueue", STRV("nosuid", "noexec", "nodev")},
	{"/sys", "sysfs", "sysfs", STRV("nosuid", "noexec", "nodev", "ro")},
	{"/sys/fs/cgroup", "cgroup", "cgroup", STRV("nosuid", "noexec", "nodev", "relatime", "ro")},
};

/* Rootless keeps the host's network namespace, and sysfs can only be mounted by a user that owns the network
 * namespace, so the host's /sys is bound instead. */
static const struct mount_def rootless_sys = {"/sys", "none", "/sys", STRV("rbind", "nosuid", "noexec", "nodev", "ro")};

static const struct {
	const char *type;
	bool rootless; /* kept by --rootless: an unprivileged user cannot set up a network namespace's links */
} default_namespaces[] = {
	{"pid", true}, {"network", false}, {"ipc", true}, {"uts", true}, {"mount", true}, {"cgroup", true},
};

static const char *const default_args[] = {"sh", NULL};
static const char *const default_env[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
					  "TERM=xterm", NULL};
static const char *const default_caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL};
static const char *const masked_paths[] = {
	"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
	"/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi", "/sys/devices/virtual/powercap", NULL,
};
static const char *const readonly_paths[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
					     NULL};

/* A JSON array of the strings in v. drop_ids leaves out uid=/gid= options: a rootless container maps only one
 * id, so e.g. devpts' gid=5 names a group that does not exist in it and the mount would fail. */
static json_t *strv_json(const char *const *v, bool drop_ids)
{
	json_t *a = json_array();
	for (; a && *v; v++) {
		if (drop_ids && (strncmp(*v, "uid=", 4) == 0 || strncmp(*v, "gid=", 4) == 0))
			continue;
		if (json_array_append_new(a, json_string(*v)) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *process_json(void)
{
	/* terminal is false (runc: true) so that `pocket run` works from scripts and CI, without a tty. */
	return json_pack("{s:b, s:{s:i, s:i}, s:o, s:o, s:s, s:{s:o, s:o, s:o}, s:[{s:s, s:i, s:i}], s:b}",
			 "terminal", 0, "user", "uid", 0, "gid", 0, "args", strv_json(default_args, false), "env",
			 strv_json(default_env, false), "cwd", "/", "capabilities", "bounding",
			 strv_json(default_caps, false), "effective", strv_json(default_caps, false), "permitted",
			 strv_json(default_caps, false), "rlimits", "type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024,
			 "noNewPrivileges", 1);
}

static json_t *mounts_json(bool rootless)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < PK_ARRAY_SIZE(default_mounts); i++) {
		const struct mount_def *d = &default_mounts[i];
		if (rootless && strcmp(d->destination, rootless_sys.destination) == 0)
			d = &rootless_sys;
		json_t *m = json_pack("{s:s, s:s, s:s}", "destination", d->destination, "type", d->type, "source",
				      d->source);
		if (m && d->options && json_object_set_new(m, "options", strv_json(d->options, rootless)) < 0) {
			json_decref(m);
			m = NULL;
		}
		if (json_array_append_new(a, m) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *namespaces_json(bool rootless)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < PK_ARRAY_SIZE(default_namespaces); i++) {
		if (rootless && !default_namespaces[i].rootless)
			continue;
		if (json_array_append_new(a, json_pack("{s:s}", "type", default_namespaces[i].type)) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	if (rootless && json_array_append_new(a, json_pack("{s:s}", "type", "user")) < 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static json_t *linux_json(bool rootless, uid_t uid, gid_t gid)
{
	json_t *l = json_object();
	int r = 0;
	if (rootless) {
		r |= json_object_set_new(l, "uidMappings", json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
								      (json_int_t)uid, "size", 1));
		r |= json_object_set_new(l, "gidMappings", json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
								      (json_int_t)gid, "size", 1));
	} else {
		/* Deny every device in the devices cgroup but the defaults; rootless has no cgroup to write to. */
		r |= json_object_set_new(l, "resources",
					 json_pack("{s:[{s:b, s:s}]}", "devices", "allow", 0, "access", "rwm"));
	}
	r |= json_object_set_new(l, "namespaces", namespaces_json(rootless));
	r |= json_object_set_new(l, "maskedPaths", strv_json(masked_paths, false));
	r |= json_object_set_new(l, "readonlyPaths", strv_json(readonly_paths, false));
	if (r < 0) {
		json_decref(l);
		return NULL;
	}
	return l;
}

json_t *pk_spec_default(bool rootless, uid_t uid, gid_t gid)
{
	return json_pack("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o}", "ociVersion", "1.2.0", "process", process_json(),
			 "root", "path", "rootfs", "readonly", 1, "hostname", "pocket", "mounts", mounts_json(rootless),
			 "linux", linux_json(rootless, uid, gid));
}
