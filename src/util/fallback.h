/* Every fast path (openat2, CLONE_INTO_CGROUP, ...) has a fallback for kernels without it. To test the
 * fallbacks on a kernel that has everything, the hidden global flag --debug-fallback=LIST forces them. The
 * set is per process, fixed by main() before any work. */
#pragma once
#include "util/error.h"
#include <stdbool.h>

enum pk_fallback {
	PK_FALLBACK_OPENAT2 = 1 << 0,           /* resolve in the rootfs by walking, not openat2 */
	PK_FALLBACK_CLONE_INTO_CGROUP = 1 << 1, /* place the init through cgroup.procs */
	PK_FALLBACK_CGROUP_TASKS = 1 << 2,      /* the runtime moves a new process into v1 cgroups (cgroup/entry.h) */
	PK_FALLBACK_MOUNT_SETATTR = 1 << 3,     /* read-only by remounting through /proc/self/fd (kernel/mounts.h) */
};

/* Parse "openat2,clone-into-cgroup,cgroup-tasks,mount-setattr" (or "all"). */
int pk_fallback_set(const char *list, pk_err_t *err);
bool pk_fallback_forced(enum pk_fallback f);
