/* clone3 for the runtime's children: a pidfd when asked for (pidfd != NULL), and born in a v2 cgroup
 * (CLONE_INTO_CGROUP) when given one's fd, with a plain clone3 where the kernel refuses that or
 * --debug-fallback=clone-into-cgroup forces it; *into_cgroup says which happened. Returns 0 in the child,
 * the child's pid in the parent, -1 on failure. */
#pragma once
#include "util/error.h"
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

pid_t pk_spawn(uint64_t flags, int cgroup_fd, int *pidfd, bool *into_cgroup, pk_err_t *err);
