/* The host's cgroup file systems: what is mounted at /sys/fs/cgroup and directly below it. */
#pragma once
#include "util/error.h"
#include <stdbool.h>
#include <stddef.h>

#define PK_CGROUP_MAX_MOUNTS 16

typedef struct pk_cgroup_mount {
	char path[256];    /* /sys/fs/cgroup (pure v2), /sys/fs/cgroup/memory, /sys/fs/cgroup/unified, ... */
	bool v2;           /* cgroup2, else a cgroup v1 hierarchy */
	char options[256]; /* a v1 hierarchy's controllers and name as /proc/self/cgroup names them ("cpu,cpuacct",
			    * "name=systemd"); "" for cgroup2 */
} pk_cgroup_mount_t;

/* The cgroup and cgroup2 mounts, in mountinfo order. /proc/self/mountinfo is read once per process (the
 * kernel formats every mount of the namespace anew for each read, a dear file) and the answer remembered:
 * the container's init, forked after the runtime's first call, has it in its copy of our memory, from the
 * host's mount namespace. */
int pk_cgroup_host_mounts(const pk_cgroup_mount_t **mounts, size_t *n, pk_err_t *err);
