/* How a new container process enters its cgroup without the runtime moving it.
 *
 * Moving a process by writing its pid to cgroup.procs (v1 or v2) takes the kernel's global
 * cgroup_threadgroup_rwsem for writing, and that writer waits for an RCU grace period: 8-12 ms on this
 * project's machines, more than everything else a container start costs together. Two ways around it:
 *   - v2: clone3(CLONE_INTO_CGROUP) creates the process in its cgroup (kernel/process.h);
 *   - v1: a single-threaded process that writes "0" to a hierarchy's `tasks` file moves its only thread,
 *     and the kernel takes no global lock for the calling thread (measured: 35 us instead of 10 ms).
 * The runtime opens the `tasks` files before it forks (the kernel checks the opener's credentials, so a
 * child already in a new user namespace may write them), and the child writes them first thing, before
 * it waits for anything of the runtime's. --debug-fallback=cgroup-tasks keeps the runtime-side cgroup.procs
 * write instead (pk_cgroup_enter). */
#pragma once
#include "cgroup/cgroup.h"

typedef struct pk_cgroup_entry {
	int fd[PK_CGROUP_MAX_HIER]; /* the `tasks` file of every v1 hierarchy, opened O_WRONLY|O_CLOEXEC */
	size_t n;
} pk_cgroup_entry_t;

#define PK_CGROUP_ENTRY_NONE ((pk_cgroup_entry_t){.n = 0})

/* Open the v1 hierarchies' `tasks` files of the container's cgroup; e->n stays 0 on a pure v2 host or when
 * the fallback is forced (the runtime then writes the pid into every hierarchy itself). */
int pk_cgroup_entry_open(const pk_cgroup_t *cg, pk_cgroup_entry_t *e, pk_err_t *err);
/* In the new, single-threaded process: move ourselves through every opened file, and close them all. */
int pk_cgroup_entry_join(pk_cgroup_entry_t *e, pk_err_t *err);
void pk_cgroup_entry_close(pk_cgroup_entry_t *e);
