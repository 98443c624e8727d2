#include "kernel/spawn.h"
#include "util/fallback.h"
#include "util/log.h"
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

pid_t pk_spawn(uint64_t flags, int cgroup_fd, int *pidfd, bool *into_cgroup, pk_err_t *err)
{
	struct clone_args args = {.flags = flags, .exit_signal = SIGCHLD};
	if (pidfd) {
		args.flags |= CLONE_PIDFD;
		args.pidfd = (uint64_t)(uintptr_t)pidfd;
	}
	/* Born in its v2 cgroup: no window in which it runs elsewhere, no write to cgroup.procs. */
	if (cgroup_fd >= 0 && !pk_fallback_forced(PK_FALLBACK_CLONE_INTO_CGROUP)) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
	if (pid < 0 && (args.flags & CLONE_INTO_CGROUP) && errno != ENOSYS) {
		pk_debug("clone3 into the cgroup: %s; placing the process through cgroup.procs instead", strerror(errno));
		args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
	}
	*into_cgroup = pid >= 0 && (args.flags & CLONE_INTO_CGROUP);
	if (pid < 0)
		return pk_fail_errno(err, errno, "clone3%s", errno == ENOSYS ? " (needs Linux 5.3 or later)" : "");
	return pid;
}
