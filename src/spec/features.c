/* The OCI features document (runtime-spec features.md, features-linux.md): what this build of pocket
 * recognises, independent of what the host supports, except for the capability list. */
#include "net/usernet.h"
#include "spec/caps.h"
#include "spec/spec.h"
#include "util/cleanup.h"
#include <jansson.h>
#include <stdio.h>

#ifndef POCKET_VERSION
#define POCKET_VERSION "unknown"
#endif

static const char *const hook_names[] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

static const char *const mount_options[] = {
	"async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "idmap", "iversion", "lazytime",
	"loud", "mand", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand",
	"norelatime", "nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev", "rdiratime",
	"relatime", "remount", "rexec", "ridmap", "rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime",
	"rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate", "rrelatime", "rro", "rrw", "rshared",
	"rslave", "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw", "shared", "silent", "slave",
	"strictatime", "suid", "symfollow", "sync", "tmpcopyup", "unbindable",
};

static const char *const namespace_names[] = {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"};

static json_t *names_json(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++) {
		if (json_array_append_new(a, json_string(v[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* The highest capability both the running kernel and our name table know. */
static int last_cap(void)
{
	int known = pk_cap_last_known(), kernel = -1;
	_cleanup_fclose_ FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	if (!f || fscanf(f, "%d", &kernel) != 1 || kernel < 0)
		return known; /* no /proc (e.g. in a minimal chroot): claim what we can name */
	return kernel < known ? kernel : known;
}

static json_t *capabilities_json(void)
{
	json_t *a = json_array();
	for (int cap = 0, last = last_cap(); a && cap <= last; cap++) {
		const char *name = pk_cap_name(cap);
		if (name && json_array_append_new(a, json_string(name)) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *pk_features(void)
{
	json_t *linux_features = json_pack(
		"{s:o, s:o, s:{s:b, s:b, s:b, s:b, s:b}, s:o, s:{s:b}, s:{s:b}, s:{s:b},"
		" s:{s:{s:b}}}",
		"namespaces", names_json(namespace_names, PK_ARRAY_SIZE(namespace_names)), "capabilities",
		capabilities_json(), "cgroup", "v1", 1, "v2", 1, "systemd", 1, "systemdUser", 0, "rdma", 1, "seccomp",
		pk_seccomp_features(), "apparmor", "enabled", 0, "selinux", "enabled", 0,
		"intelRdt", "enabled", 0, "mountExtensions", "idmap", "enabled", 1);
	/* The network annotations (net/usernet.h) make the runtime start a helper on the host and bind host
	 * ports: an engine that passes pods' annotations through should know to filter them. */
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:{s:s, s:s}, s:[s, s]}", "ociVersionMin", "1.0.0", "ociVersionMax",
			 "1.2.0", "hooks", names_json(hook_names, PK_ARRAY_SIZE(hook_names)), "mountOptions",
			 names_json(mount_options, PK_ARRAY_SIZE(mount_options)), "linux", linux_features,
			 "annotations", "io.github.pocket.version", POCKET_VERSION, PK_USERNET_ANNOTATION,
			 "pasta,slirp4netns,none", "potentiallyUnsafeConfigAnnotations", PK_USERNET_ANNOTATION,
			 PK_USERNET_PORTS_ANNOTATION);
}
