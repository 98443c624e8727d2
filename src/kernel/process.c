#include "kernel/process.h"
#include "kernel/caps.h"
#include "kernel/inroot.h"
#include "kernel/lsm.h"
#include "util/env.h"
#include "util/cleanup.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <linux/ioprio.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* struct sched_attr as sched_setattr(2) takes it (glibc 2.36 has no wrapper). */
struct sched_attr_v1 {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

static const char *env_get(char **env, const char *name)
{
	size_t l = strlen(name);
	for (char **e = env; e && *e; e++)
		if (!strncmp(*e, name, l) && (*e)[l] == '=')
			return *e + l + 1;
	return NULL;
}

static bool is_exe(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int pk_process_find_exe(const pk_process_t *p, char exe[PATH_MAX], pk_err_t *err)
{
	const char *name = p->args[0];
	if (strchr(name, '/')) {
		snprintf(exe, PATH_MAX, "%s", name);
		if (!is_exe(exe))
			return pk_fail_errno(err, errno ? errno : EACCES, "process.args[0]: exec \"%s\"", name);
		return 0;
	}
	const char *path = env_get(p->env, "PATH");
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (*path) {
		size_t l = strcspn(path, ":");
		snprintf(exe, PATH_MAX, "%.*s%s%s", (int)l, l ? path : ".", "/", name);
		if (is_exe(exe))
			return 0;
		path += l + (path[l] == ':');
	}
	return pk_fail(err, "process.args[0]: exec: \"%s\": executable file not found in $PATH", name);
}

static int enter_cwd(const char *cwd, pk_err_t *err)
{
	/* Resolved inside the container's root with magic links refused: a cwd of /proc/self/fd/N cannot
	 * reach a directory outside the root through a leaked fd (CVE-2024-21626 class). */
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return pk_fail_errno(err, errno, "open /");
	_cleanup_close_ int dir = pk_inroot_mkdir_p(root, cwd, 0755, err);
	if (dir < 0)
		return pk_err_wrap(err, "process.cwd %s", cwd);
	if (fchdir(dir) < 0)
		return pk_fail_errno(err, errno, "process.cwd %s", cwd);
	char buf[PATH_MAX];
	if (!getcwd(buf, sizeof buf) || buf[0] != '/')
		return pk_fail(err, "process.cwd %s: lies outside the container's root", cwd);
	return 0;
}

int pk_process_prepare(const pk_process_t *p, char exe[PATH_MAX], pk_err_t *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};
		if (setrlimit(p->rlimits[i].resource, &rl) < 0)
			return pk_fail_errno(err, errno, "process.rlimits[%zu]", i);
	}
	if (p->has_io_priority &&
	    syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(p->io_class, p->io_priority)) < 0)
		return pk_fail_errno(err, errno, "process.ioPriority");
	if (p->has_scheduler) {
		struct sched_attr_v1 attr = {
			.size = sizeof attr,
			.sched_policy = (uint32_t)p->sched_policy,
			.sched_flags = p->sched_flags,
			.sched_nice = p->sched_nice,
			.sched_priority = (uint32_t)p->sched_priority,
			.sched_runtime = p->sched_runtime,
			.sched_deadline = p->sched_deadline,
			.sched_period = p->sched_period,
		};
		if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
			return pk_fail_errno(err, errno, "process.scheduler");
	}
	if (enter_cwd(p->cwd ? p->cwd : "/", err) < 0)
		return -1;
	return pk_process_find_exe(p, exe, err);
}

int pk_process_drop_privileges(const pk_process_t *p, bool setgroups_allowed, pk_err_t *err)
{
	if (pk_caps_prepare(&p->caps, err) < 0)
		return -1;
	if (setgroups_allowed && setgroups(p->n_additional_gids, p->additional_gids) < 0)
		return pk_fail_errno(err, errno, "process.user.additionalGids");
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		return pk_fail_errno(err, errno, "process.user.gid %u", p->gid);
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		return pk_fail_errno(err, errno, "process.user.uid %u", p->uid);
	if (pk_caps_apply(&p->caps, err) < 0)
		return -1;
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return pk_fail_errno(err, errno, "process.noNewPrivileges");
	umask(p->has_umask ? p->umask : 022);
	return 0;
}

int pk_process_set_oom_score(pid_t pid, const pk_process_t *p, pk_err_t *err)
{
	if (!p->has_oom_score_adj)
		return 0;
	char v[32], path[64];
	snprintf(v, sizeof v, "%d", p->oom_score_adj);
	snprintf(path, sizeof path, "/proc/%d/oom_score_adj", (int)pid);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, v, strlen(v)) < 0)
		return pk_fail_errno(err, errno, "process.oomScoreAdj %d", p->oom_score_adj);
	return 0;
}

int pk_process_default_home(pk_process_t *p, pk_err_t *err)
{
	if (env_get(p->env, "HOME"))
		return 0;
	/* As runc: HOME from the container's /etc/passwd entry for the uid, else "/". */
	char home[PATH_MAX] = "/", line[1024];
	_cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
	while (f && fgets(line, sizeof line, f)) {
		char *fields[7] = {0}, *save = NULL, *s = line;
		int n = 0;
		for (char *tok; n < 7 && (tok = strsep(&s, ":")); n++)
			fields[n] = tok;
		(void)save;
		if (n >= 6 && fields[2] && (uint32_t)strtoul(fields[2], NULL, 10) == p->uid && fields[5][0] == '/') {
			snprintf(home, sizeof home, "%s", fields[5]);
			break;
		}
	}
	char kv[PATH_MAX + 8];
	snprintf(kv, sizeof kv, "HOME=%s", home);
	if (pk_env_set(&p->env, kv) < 0)
		return pk_fail_errno(err, ENOMEM, "HOME");
	return 0;
}

void pk_process_clean_slate(int preserve_fds)
{
	sigset_t none;
	sigemptyset(&none);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	unsigned int first = 3 + (unsigned)preserve_fds;
	if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	/* Kernels before 5.11: walk the fds one by one. */
	long max = sysconf(_SC_OPEN_MAX);
	for (long fd = first; fd < max; fd++)
		fcntl((int)fd, F_SETFD, FD_CLOEXEC);
}

int pk_process_exec(const pk_process_t *p, const char *exe, pk_err_t *err)
{
	char *empty[] = {NULL};
	if (pk_lsm_set_exec_label(p, err) < 0)
		return -1;
	execve(exe, p->args, p->env ? p->env : empty);
	return pk_fail_errno(err, errno, "exec %s", exe);
}
