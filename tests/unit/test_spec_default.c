/* pk_spec_default() and pk_features(): the documents `pocket spec` and `pocket features` print. TAP-style. */
#include "spec/caps.h"
#include "spec/spec.h"
#include "util/cleanup.h"
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STRV(...) ((const char *const[]){__VA_ARGS__, NULL})

typedef struct tap {
	int n, failed;
} tap_t;

__attribute__((format(printf, 3, 4))) static void check(tap_t *t, bool ok, const char *fmt, ...)
{
	va_list ap;
	printf("%sok %d - ", ok ? "" : "not ", ++t->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok)
		t->failed++;
}

/* The value at a dotted path such as "linux.uidMappings.0.hostID"; numeric parts index arrays. */
static json_t *at(json_t *root, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	json_t *v = root;
	for (char *save = NULL, *part = strtok_r(buf, ".", &save); v && part; part = strtok_r(NULL, ".", &save)) {
		char *end;
		unsigned long i = strtoul(part, &end, 10);
		v = json_is_array(v) && *end == '\0' ? json_array_get(v, i) : json_object_get(v, part);
	}
	return v;
}

static bool str_at(json_t *root, const char *path, const char *want)
{
	const char *s = json_string_value(at(root, path));
	return s && strcmp(s, want) == 0;
}

static bool int_at(json_t *root, const char *path, json_int_t want)
{
	json_t *v = at(root, path);
	return json_is_integer(v) && json_integer_value(v) == want;
}

/* The array at path holds exactly the strings of the NULL-terminated want, in order. */
static bool strv_at(json_t *root, const char *path, const char *const *want)
{
	json_t *a = at(root, path);
	size_t n = 0;
	if (!json_is_array(a))
		return false;
	for (; want[n]; n++) {
		const char *s = json_string_value(json_array_get(a, n));
		if (!s || strcmp(s, want[n]) != 0)
			return false;
	}
	return json_array_size(a) == n;
}

static bool array_has(json_t *a, const char *want)
{
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) {
		if (json_is_string(v) && strcmp(json_string_value(v), want) == 0)
			return true;
	}
	return false;
}

/* The mount whose destination is dest. */
static json_t *mount_at(json_t *spec, const char *dest)
{
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(spec, "mounts"), i, m) {
		if (str_at(m, "destination", dest))
			return m;
	}
	return NULL;
}

static const char *const *const caps = STRV("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
static const char *const *const env =
	STRV("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm");
static const char *const cap_sets[] = {"bounding", "effective", "permitted"};
static const char *const *const masked =
	STRV("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
	     "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi", "/sys/devices/virtual/powercap");
static const char *const *const readonly =
	STRV("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

static const struct {
	const char *destination, *type, *source;
	const char *const *options, *const *rootless_options; /* NULL: no "options" key */
} want_mounts[] = {
	{"/proc", "proc", "proc", NULL, NULL},
	{"/dev", "tmpfs", "tmpfs", STRV("nosuid", "strictatime", "mode=755", "size=65536k"),
	 STRV("nosuid", "strictatime", "mode=755", "size=65536k")},
	{"/dev/pts", "devpts", "devpts",
	 STRV("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
	 STRV("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")},
	{"/dev/shm", "tmpfs", "shm", STRV("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"),
	 STRV("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")},
	{"/dev/mqueue", "mqueue", "mqueue", STRV("nosuid", "noexec", "nodev"), STRV("nosuid", "noexec", "nodev")},
	{"/sys", "sysfs", "sysfs", STRV("nosuid", "noexec", "nodev", "ro"),
	 STRV("rbind", "nosuid", "noexec", "nodev", "ro")},
	{"/sys/fs/cgroup", "cgroup", "cgroup", STRV("nosuid", "noexec", "nodev", "relatime", "ro"),
	 STRV("nosuid", "noexec", "nodev", "relatime", "ro")},
};

static void check_common(tap_t *t, json_t *s, const char *what, bool rootless)
{
	check(t, json_is_object(s), "%s: is an object", what);
	check(t, str_at(s, "ociVersion", "1.2.0"), "%s: ociVersion 1.2.0", what);
	check(t, json_is_false(at(s, "process.terminal")), "%s: process.terminal false", what);
	check(t, int_at(s, "process.user.uid", 0) && int_at(s, "process.user.gid", 0), "%s: process.user 0:0", what);
	check(t, strv_at(s, "process.args", STRV("sh")), "%s: process.args [sh]", what);
	check(t, strv_at(s, "process.env", env), "%s: process.env", what);
	check(t, str_at(s, "process.cwd", "/"), "%s: process.cwd /", what);
	for (size_t i = 0; i < PK_ARRAY_SIZE(cap_sets); i++) {
		char path[64];
		snprintf(path, sizeof path, "process.capabilities.%s", cap_sets[i]);
		check(t, strv_at(s, path, caps), "%s: %s", what, path);
	}
	check(t, json_object_size(at(s, "process.capabilities")) == 3,
	      "%s: no inheritable or ambient capabilities", what);
	check(t,
	      json_array_size(at(s, "process.rlimits")) == 1 && str_at(s, "process.rlimits.0.type", "RLIMIT_NOFILE") &&
		      int_at(s, "process.rlimits.0.soft", 1024) && int_at(s, "process.rlimits.0.hard", 1024),
	      "%s: process.rlimits RLIMIT_NOFILE 1024/1024", what);
	check(t, json_is_true(at(s, "process.noNewPrivileges")), "%s: process.noNewPrivileges", what);
	check(t, str_at(s, "root.path", "rootfs") && json_is_true(at(s, "root.readonly")), "%s: root rootfs, readonly",
	      what);
	check(t, str_at(s, "hostname", "pocket"), "%s: hostname pocket", what);

	check(t, json_array_size(at(s, "mounts")) == PK_ARRAY_SIZE(want_mounts), "%s: %zu mounts", what,
	      PK_ARRAY_SIZE(want_mounts));
	for (size_t i = 0; i < PK_ARRAY_SIZE(want_mounts); i++) {
		json_t *m = json_array_get(at(s, "mounts"), i);
		bool sys = rootless && strcmp(want_mounts[i].destination, "/sys") == 0;
		const char *const *opts = rootless ? want_mounts[i].rootless_options : want_mounts[i].options;
		check(t,
		      str_at(m, "destination", want_mounts[i].destination) &&
			      str_at(m, "type", sys ? "none" : want_mounts[i].type) &&
			      str_at(m, "source", sys ? "/sys" : want_mounts[i].source) &&
			      (opts ? strv_at(m, "options", opts) : !json_object_get(m, "options")) &&
			      json_object_size(m) == (opts ? 4u : 3u),
		      "%s: mount %zu is %s", what, i, want_mounts[i].destination);
	}
	check(t, strv_at(s, "linux.maskedPaths", masked), "%s: linux.maskedPaths", what);
	check(t, strv_at(s, "linux.readonlyPaths", readonly), "%s: linux.readonlyPaths", what);

	char *text = json_dumps(s, JSON_INDENT(2));
	json_t *back = text ? json_loads(text, 0, NULL) : NULL;
	check(t, back && json_equal(back, s), "%s: round-trips through text", what);
	json_decref(back);
	free(text);
}

static void check_default(tap_t *t)
{
	json_t *s = pk_spec_default(false, 0, 0);
	check_common(t, s, "default", false);
	static const char *const ns[] = {"pid", "network", "ipc", "uts", "mount", "cgroup"};
	bool ok = json_array_size(at(s, "linux.namespaces")) == PK_ARRAY_SIZE(ns);
	for (size_t i = 0; ok && i < PK_ARRAY_SIZE(ns); i++) {
		json_t *n = json_array_get(at(s, "linux.namespaces"), i);
		ok = str_at(n, "type", ns[i]) && json_object_size(n) == 1;
	}
	check(t, ok, "default: namespaces pid network ipc uts mount cgroup");
	check(t, !at(s, "linux.uidMappings") && !at(s, "linux.gidMappings"), "default: no id mappings");
	check(t,
	      json_array_size(at(s, "linux.resources.devices")) == 1 &&
		      json_is_false(at(s, "linux.resources.devices.0.allow")) &&
		      str_at(s, "linux.resources.devices.0.access", "rwm"),
	      "default: linux.resources denies all devices");
	json_decref(s);
}

static void check_rootless(tap_t *t)
{
	json_t *s = pk_spec_default(true, 1000, 1000);
	check_common(t, s, "rootless", true);
	static const char *const ns[] = {"pid", "ipc", "uts", "mount", "cgroup", "user"};
	bool ok = json_array_size(at(s, "linux.namespaces")) == PK_ARRAY_SIZE(ns);
	for (size_t i = 0; ok && i < PK_ARRAY_SIZE(ns); i++)
		ok = str_at(json_array_get(at(s, "linux.namespaces"), i), "type", ns[i]);
	check(t, ok, "rootless: namespaces pid ipc uts mount cgroup user (no network)");
	static const char *const maps[] = {"linux.uidMappings", "linux.gidMappings"};
	for (size_t i = 0; i < PK_ARRAY_SIZE(maps); i++) {
		json_t *m = at(s, maps[i]);
		check(t,
		      json_array_size(m) == 1 && int_at(m, "0.containerID", 0) && int_at(m, "0.hostID", 1000) &&
			      int_at(m, "0.size", 1),
		      "rootless: %s [{0, 1000, 1}]", maps[i]);
	}
	check(t, !at(s, "linux.resources"), "rootless: no linux.resources");
	check(t, mount_at(s, "/sys/fs/cgroup") != NULL, "rootless: /sys/fs/cgroup kept");
	json_decref(s);

	s = pk_spec_default(true, 123, 456);
	check(t, int_at(s, "linux.uidMappings.0.hostID", 123) && int_at(s, "linux.gidMappings.0.hostID", 456),
	      "rootless: uid and gid go to their own mappings");
	json_decref(s);
}

static int kernel_last_cap(void)
{
	int last = -1;
	_cleanup_fclose_ FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	if (f && fscanf(f, "%d", &last) != 1)
		last = -1;
	return last;
}

static void check_features(tap_t *t)
{
	json_t *f = pk_features();
	check(t, json_is_object(f), "features: is an object");
	check(t, str_at(f, "ociVersionMin", "1.0.0") && str_at(f, "ociVersionMax", "1.2.0"),
	      "features: ociVersionMin 1.0.0, ociVersionMax 1.2.0");
	check(t,
	      strv_at(f, "hooks",
		      STRV("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop")),
	      "features: hooks");

	json_t *opts = at(f, "mountOptions");
	bool sorted = json_array_size(opts) == 62;
	for (size_t i = 1; sorted && i < json_array_size(opts); i++)
		sorted = strcmp(json_string_value(json_array_get(opts, i - 1)),
				json_string_value(json_array_get(opts, i))) < 0;
	check(t, sorted, "features: 62 mountOptions, sorted, no duplicates");
	static const char *const some_opts[] = {"rbind", "rro", "idmap", "ridmap", "tmpcopyup", "nosymfollow"};
	bool has = true;
	for (size_t i = 0; i < PK_ARRAY_SIZE(some_opts); i++)
		has = has && array_has(opts, some_opts[i]);
	check(t, has, "features: mountOptions has rbind, rro, idmap, ridmap, tmpcopyup, ...");

	check(t,
	      strv_at(f, "linux.namespaces",
		      STRV("cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts")),
	      "features: linux.namespaces, all eight");
	json_t *c = at(f, "linux.capabilities");
	int last = kernel_last_cap();
	check(t, str_at(c, "0", "CAP_CHOWN") && array_has(c, "CAP_KILL") && array_has(c, "CAP_SYS_ADMIN"),
	      "features: linux.capabilities names CAP_CHOWN, CAP_KILL, CAP_SYS_ADMIN");
	int known = pk_cap_last_known();
	check(t, last < 0 || json_array_size(c) == (size_t)(last > known ? known : last) + 1,
	      "features: linux.capabilities up to the kernel's cap_last_cap (%d): %zu", last, json_array_size(c));
	check(t,
	      json_is_true(at(f, "linux.cgroup.v1")) && json_is_true(at(f, "linux.cgroup.v2")) &&
		      json_is_true(at(f, "linux.cgroup.systemd")) &&
		      json_is_false(at(f, "linux.cgroup.systemdUser")) &&
		      json_is_true(at(f, "linux.cgroup.rdma")),
	      "features: linux.cgroup");
	check(t,
	      json_is_boolean(at(f, "linux.seccomp.enabled")) && json_is_array(at(f, "linux.seccomp.actions")) &&
		      json_is_array(at(f, "linux.seccomp.operators")) && json_is_array(at(f, "linux.seccomp.archs")),
	      "features: linux.seccomp");
	check(t,
	      json_is_false(at(f, "linux.apparmor.enabled")) && json_is_false(at(f, "linux.selinux.enabled")) &&
		      json_is_false(at(f, "linux.intelRdt.enabled")),
	      "features: apparmor, selinux, intelRdt disabled");
	check(t, json_is_true(at(f, "linux.mountExtensions.idmap.enabled")), "features: mountExtensions.idmap");
	check(t, json_is_string(json_object_get(at(f, "annotations"), "io.github.pocket.version")),
	      "features: annotations io.github.pocket.version");
	json_decref(f);
}

int main(void)
{
	tap_t t = {0};
	check_default(&t);
	check_rootless(&t);
	check_features(&t);
	printf("%d passed, %d failed\n", t.n - t.failed, t.failed);
	return t.failed ? 1 : 0;
}
