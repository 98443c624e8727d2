/* `exec`: a new process in a running container. The runtime joins the container's pid namespace for its
 * children only, clones one child that joins every other namespace the init has (through the init's pidfd,
 * all at once, user namespace first) and then becomes the process: rlimits, cwd, seccomp, credentials,
 * capabilities, execve — the same steps, from the same code, as the container's own init. */
#include "cgroup/cgroup.h"
#include "container/container.h"
#include "kernel/namespaces.h"
#include "kernel/process.h"
#include "kernel/seccomp.h"
#include "kernel/spawn.h"
#include "kernel/terminal.h"
#include "util/fdpass.h"
#include <sys/socket.h>
#include "util/cleanup.h"
#include "util/fs.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <linux/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The namespaces the init has that we do not: those are the container's, whatever the config says. */
static int container_ns_flags(pid_t pid, pk_err_t *err)
{
	int flags = 0;
	for (int t = 0; t < PK_NS_COUNT; t++) {
		char theirs[64], ours[64];
		snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", (int)pid, pk_ns_proc_name((enum pk_ns_type)t));
		snprintf(ours, sizeof ours, "/proc/self/ns/%s", pk_ns_proc_name((enum pk_ns_type)t));
		struct stat a, b;
		/* Fail closed: a namespace we cannot compare would otherwise be silently not joined. (A kind the
		 * kernel lacks altogether is in neither /proc.) */
		int theirs_errno = stat(theirs, &a) < 0 ? errno : 0;
		int ours_errno = stat(ours, &b) < 0 ? errno : 0;
		if (theirs_errno == ENOENT && ours_errno == ENOENT)
			continue;
		if (theirs_errno)
			return pk_fail_errno(err, theirs_errno, "exec: %s", theirs);
		if (ours_errno)
			return pk_fail_errno(err, ours_errno, "exec: %s", ours);
		if (a.st_ino != b.st_ino || a.st_dev != b.st_dev)
			flags |= pk_ns_clone_flag((enum pk_ns_type)t);
	}
	return flags;
}

static bool setgroups_allowed(void)
{
	_cleanup_free_ char *sg = NULL;
	pk_err_t ignored;
	return !(pk_read_file("/proc/self/setgroups", &sg, NULL, &ignored) == 0 && !strncmp(sg, "deny", 4));
}

/* In the child: fail closed, reporting over the error pipe. */
__attribute__((noreturn)) static void exec_child(const pk_exec_opts_t *o, int pidfd, int ns_flags, bool join_pid_here,
						 const pk_seccomp_prog_t *seccomp, const pk_cgroup_t *cg,
						 pk_cgroup_entry_t *cg_entry, bool into_cgroup, int console_fd, int errpipe,
						 const char *state_json)
{
	pk_err_t err = {0};
	char exe[PATH_MAX];
	/* Our pid as the host sees it, for a seccomp listener: /proc is still the host's here. (Where we must
	 * clone again to enter the pid namespace, the process that execs is our child: its host pid is not
	 * ours to know, and the listener gets 0.) */
	char self[32] = "";
	pid_t host_pid = join_pid_here || readlink("/proc/self", self, sizeof self - 1) <= 0 ? 0 : (pid_t)atoi(self);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		pk_fail_errno(&err, errno, "prctl(PR_SET_DUMPABLE)");
		goto fail;
	}
	/* Into the container's cgroup first, while we still see the host's cgroup file systems: clone3 put us
	 * in the v2 one, we move ourselves into the v1 ones (cgroup/entry.h), the slow way for the rest. */
	bool self_entry = cg_entry->n > 0;
	if (pk_cgroup_entry_join(cg_entry, &err) < 0 ||
	    (cg && pk_cgroup_enter(cg, getpid(), !self_entry, !into_cgroup, &err) < 0))
		goto fail;
	/* Every namespace in one call, the user namespace first. The pid namespace was joined by a root
	 * runtime for us; an unprivileged one cannot (it holds no CAP_SYS_ADMIN where it stands), so then we
	 * join it here for our child, which the runtime gets as its own (CLONE_PARENT) and waits for. */
	if (setns(pidfd, join_pid_here ? ns_flags : ns_flags & ~CLONE_NEWPID) < 0) {
		pk_fail_errno(&err, errno, "exec: join the container's namespaces");
		goto fail;
	}
	close(pidfd);
	if (join_pid_here) {
		struct clone_args args = {.flags = CLONE_PARENT}; /* its exit signal is ours: SIGCHLD */
		pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
		if (pid < 0) {
			pk_fail_errno(&err, errno, "exec: clone into the container's pid namespace");
			goto fail;
		}
		if (pid > 0) {
			char msg[32];
			int n = snprintf(msg, sizeof msg, "pid %d", (int)pid);
			_exit(write(errpipe, msg, (size_t)n) == n ? 0 : 1);
		}
	}
	if (ns_flags & CLONE_NEWUSER && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
		pk_fail_errno(&err, errno, "exec: become root in the container's user namespace");
		goto fail;
	}
	if (o->process->terminal) {
		char name[64];
		int master = pk_tty_setup(o->process->uid, name, sizeof name, &err);
		if (master < 0)
			goto fail;
		/* To the console socket, or to the runtime, which relays it. */
		int r = pk_fd_send(console_fd >= 0 ? console_fd : errpipe, master, name, strlen(name), &err);
		close(master);
		if (r < 0)
			goto fail;
	}
	/* Our copy of the process (fork copied the runtime's memory) may complete its environment. */
	if (pk_process_default_home((pk_process_t *)o->process, &err) < 0 || pk_process_prepare(o->process, exe, &err) < 0)
		goto fail;
	if (!o->process->no_new_privileges && pk_seccomp_install(seccomp, host_pid, state_json ? state_json : "{}", &err) < 0)
		goto fail;
	if (pk_process_drop_privileges(o->process, setgroups_allowed(), &err) < 0)
		goto fail;
	pk_process_clean_slate(o->preserve_fds);
	if (o->process->no_new_privileges && pk_seccomp_install(seccomp, host_pid, state_json ? state_json : "{}", &err) < 0)
		goto fail;
	pk_process_exec(o->process, exe, &err);
fail:
	(void)!write(errpipe, err.msg, strlen(err.msg));
	_exit(127);
}

int pk_container_exec(const pk_exec_opts_t *o, pid_t *pid_out, int *tty_master, pk_err_t *err)
{
	int statedir = pk_state_open(o->root, o->id, false, err);
	if (statedir < 0)
		return -1;
	pk_state_t st;
	if (pk_state_load(statedir, &st, err) < 0) {
		close(statedir);
		return -1;
	}
	pk_status_t status = pk_state_status(statedir, &st);
	_cleanup_close_ int pidfd = pk_state_pidfd(&st);
	/* The lock goes now: the process may wait for a resume (--ignore-paused) or run for hours, and the
	 * container's other commands must not wait for it. The pidfd keeps us on the right init. */
	close(statedir);
	pid_t init = st.pid;
	pk_cgroup_t cg;
	bool has_cgroup = st.cgroup_path && pk_cgroup_init(&cg, st.cgroup_path, o->id, false, err) == 0;
	if (o->n_cgroups && !has_cgroup) {
		pk_state_free(&st);
		return pk_fail(err, "--cgroup: the container has no cgroup of its own");
	}
	for (size_t i = 0; i < o->n_cgroups; i++)
		if (pk_cgroup_set_sub(&cg, o->cgroups[i], err) < 0) {
			pk_state_free(&st);
			return -1;
		}
	/* What a seccomp listener is told of the container (runc: its state, as `state` prints it). */
	_cleanup_free_ char *state_json = o->seccomp->listener_path ? pk_state_json_text(&st, status) : NULL;
	pk_state_free(&st);
	if (status == PK_STATUS_PAUSED && !o->ignore_paused)
		return pk_fail(err, "cannot exec in a container that is paused (--ignore-paused to do it anyway)");
	if (status != PK_STATUS_RUNNING && status != PK_STATUS_CREATED && status != PK_STATUS_PAUSED)
		return pk_fail(err, "cannot exec in a container that is %s", pk_status_name(status));
	if (pidfd < 0)
		return pk_fail(err, "cannot exec in a container that is stopped");
	int ns_flags = container_ns_flags(init, err);
	if (ns_flags < 0)
		return -1;
	pk_seccomp_prog_t seccomp;
	char cache[PATH_MAX];
	snprintf(cache, sizeof cache, "%s/.seccomp-cache", o->root);
	if (pk_seccomp_compile(o->seccomp, cache, &seccomp, err) < 0)
		return -1;
	_cleanup_close_ int console_fd = -1;
	if (o->process->terminal && o->console_socket) {
		console_fd = pk_tty_console_connect(o->console_socket, err);
		if (console_fd < 0) {
			pk_seccomp_prog_free(&seccomp);
			return -1;
		}
	} else if (o->process->terminal && !tty_master) {
		pk_seccomp_prog_free(&seccomp);
		return pk_fail(err, "--tty: a detached exec needs --console-socket to hand its terminal to");
	}
	/* The child reports back here: the pty master (when we relay it), then an error, or nothing at all
	 * when execve succeeded and closed its end. */
	int errp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, errp) < 0) {
		pk_seccomp_prog_free(&seccomp);
		return pk_fail_errno(err, errno, "exec: socketpair");
	}
	/* Joining a pid namespace applies to our children only: do it here, for the one we clone. */
	bool join_pid_here = false;
	if ((ns_flags & CLONE_NEWPID) && setns(pidfd, CLONE_NEWPID) < 0) {
		if (errno != EPERM || !(ns_flags & CLONE_NEWUSER)) {
			close(errp[0]);
			close(errp[1]);
			pk_seccomp_prog_free(&seccomp);
			return pk_fail_errno(err, errno, "exec: join the container's pid namespace");
		}
		join_pid_here = true;
	}
	pk_cgroup_entry_t cg_entry = PK_CGROUP_ENTRY_NONE;
	_cleanup_close_ int cgroup_fd = has_cgroup ? pk_cgroup_v2_fd(&cg) : -1;
	bool into_cgroup = false;
	pid_t pid = -1;
	if (!has_cgroup || pk_cgroup_entry_open(&cg, &cg_entry, err) == 0)
		pid = pk_spawn(0, cgroup_fd, NULL, &into_cgroup, err);
	if (pid == 0) {
		close(errp[0]);
		exec_child(o, pidfd, ns_flags, join_pid_here, &seccomp, has_cgroup ? &cg : NULL, &cg_entry, into_cgroup,
			   console_fd, errp[1], state_json);
	}
	pk_cgroup_entry_close(&cg_entry);
	close(errp[1]);
	pk_seccomp_prog_free(&seccomp);
	_cleanup_close_ int rd = errp[0];
	if (pid < 0)
		return pk_err_wrap(err, "exec");
	char msg[sizeof err->msg];
	int fd = -1;
	long n = pk_fd_recv(rd, &fd, msg, sizeof msg - 1, err);
	if (join_pid_here) {
		/* The first word is the pid of the process that will exec, our child by CLONE_PARENT. */
		waitpid(pid, NULL, 0);
		if (n > 4 && !strncmp(msg, "pid ", 4)) {
			msg[n] = '\0';
			pid = (pid_t)atoi(msg + 4);
			n = pk_fd_recv(rd, &fd, msg, sizeof msg - 1, err);
		}
	}
	if (fd >= 0) {
		/* The pty master came first; what follows is an error or the end. */
		if (tty_master && console_fd < 0)
			*tty_master = fd;
		else
			close(fd);
		n = pk_fd_recv(rd, &fd, msg, sizeof msg - 1, err);
	}
	if (n > 0) {
		msg[n] = '\0';
		waitpid(pid, NULL, 0);
		if (tty_master && *tty_master >= 0) {
			close(*tty_master);
			*tty_master = -1;
		}
		return pk_fail(err, "%s", msg);
	}
	/* End of file without a word: execve succeeded. */
	*pid_out = pid;
	return 0;
}
