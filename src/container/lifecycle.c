/* start, kill, delete and state of an existing container. None of these re-executes the binary or enters
 * the container: they act on the init through a verified pidfd. */
#include "cgroup/cgroup.h"
#include "container/container.h"
#include "kernel/hooks.h"
#include "net/usernet.h"
#include "util/cleanup.h"
#include "util/log.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef struct opened {
	int dirfd;
	pk_state_t st;
} opened_t;

static void opened_release(opened_t *o)
{
	if (o->dirfd >= 0)
		close(o->dirfd);
	pk_state_free(&o->st);
}
#define _cleanup_opened_ __attribute__((cleanup(opened_release)))

static int open_container(const char *root, const char *id, bool exclusive, opened_t *o, pk_err_t *err)
{
	memset(o, 0, sizeof *o);
	o->dirfd = pk_state_open(root, id, exclusive, err);
	if (o->dirfd < 0)
		return -1;
	return pk_state_load(o->dirfd, &o->st, err);
}

void pk_container_hooks_warn(const pk_state_t *st, const pk_spec_t *spec, enum pk_hook_kind kind,
			     pk_status_t status)
{
	_cleanup_spec_ pk_spec_t loaded = {0};
	pk_err_t err;
	if (!spec) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/config.json", st->bundle);
		if (pk_spec_load(&loaded, path, &err) < 0) {
			pk_warn("%s hooks not run: %s", pk_hook_kind_name(kind), err.msg);
			return;
		}
		spec = &loaded;
	}
	if (spec->hooks[kind].n) {
		_cleanup_free_ char *state = pk_state_json_text(st, status);
		if (pk_hooks_run(spec, kind, state, &err) < 0)
			pk_warn("%s", err.msg);
	}
}

int pk_container_start(const char *root, const char *id, const pk_spec_t *spec, pk_err_t *err)
{
	_cleanup_opened_ opened_t c;
	if (open_container(root, id, true, &c, err) < 0)
		return -1;
	pk_status_t s = pk_state_status(c.dirfd, &c.st);
	if (s != PK_STATUS_CREATED)
		return pk_fail(err, "cannot start a container that is %s (it must be created)", pk_status_name(s));
	_cleanup_close_ int fifo = openat(c.dirfd, PK_STATE_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0)
		return pk_fail_errno(err, errno, "start %s: the container's init is not waiting", id);
	/* Gone from the directory before the init runs the program, so `state` never says "created" for a
	 * running container. */
	unlinkat(c.dirfd, PK_STATE_FIFO, 0);
	if (write(fifo, "1", 1) != 1)
		return pk_fail_errno(err, errno, "start %s", id);
	/* poststart hooks run once the program is running: the init holds the fifo's only read end until
	 * its execve closes it (close-on-exec), and a pipe's write end reports POLLERR, asked for or not,
	 * once no reader is left. */
	struct pollfd p = {.fd = fifo, .events = 0};
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	pk_container_hooks_warn(&c.st, spec, PK_HOOK_POSTSTART, PK_STATUS_RUNNING);
	return 0;
}

static int open_cgroup(const pk_state_t *st, pk_cgroup_t *cg, pk_err_t *err)
{
	if (!st->cgroup_path)
		return pk_fail(err, "container \"%s\" has no cgroup", st->id);
	return pk_cgroup_init(cg, st->cgroup_path, st->id, false, err);
}

int pk_container_pids(const char *root, const char *id, pid_t **pids, size_t *n, pk_err_t *err)
{
	_cleanup_opened_ opened_t c;
	if (open_container(root, id, false, &c, err) < 0)
		return -1;
	pk_cgroup_t cg;
	if (open_cgroup(&c.st, &cg, err) < 0)
		return -1;
	return pk_cgroup_pids(&cg, pids, n, err);
}

int pk_container_cgroup(const char *root, const char *id, pk_cgroup_t *cg, pk_status_t *status, pk_err_t *err)
{
	_cleanup_opened_ opened_t c;
	if (open_container(root, id, false, &c, err) < 0)
		return -1;
	*status = pk_state_status(c.dirfd, &c.st);
	return open_cgroup(&c.st, cg, err);
}

int pk_container_pause(const char *root, const char *id, bool pause, pk_err_t *err)
{
	_cleanup_opened_ opened_t c;
	if (open_container(root, id, true, &c, err) < 0)
		return -1;
	pk_status_t s = pk_state_status(c.dirfd, &c.st);
	if (s != (pause ? PK_STATUS_RUNNING : PK_STATUS_PAUSED) && !(pause && s == PK_STATUS_CREATED))
		return pk_fail(err, "cannot %s container \"%s\": it is %s", pause ? "pause" : "resume", id,
			       pk_status_name(s));
	pk_cgroup_t cg;
	if (open_cgroup(&c.st, &cg, err) < 0)
		return -1;
	return pk_cgroup_freeze(&cg, pause, err);
}

/* New device rules replace the old ones (on v2 the program is rebuilt from them alone), so they are followed,
 * as at create, by the devices every container may use and by the config's own linux.devices. */
static int add_default_devices(const pk_state_t *st, pk_resources_t *r, pk_err_t *err)
{
	if (!r->n_devices)
		return 0;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/config.json", st->bundle);
	pk_spec_t spec = {0};
	pk_err_t ignored;
	if (pk_spec_load(&spec, path, &ignored) < 0)
		pk_warn("update: the bundle's linux.devices are not in the new device rules: %s", ignored.msg);
	int rc = pk_resources_add_default_devices(r, spec.devices, spec.n_devices, err);
	pk_spec_free(&spec);
	return rc;
}

int pk_container_update(const char *root, const char *id, pk_resources_t *r, pk_err_t *err)
{
	_cleanup_opened_ opened_t c;
	if (open_container(root, id, true, &c, err) < 0)
		return -1;
	pk_status_t s = pk_state_status(c.dirfd, &c.st);
	if (s == PK_STATUS_STOPPED)
		return pk_fail(err, "cannot update container \"%s\": it is stopped", id);
	pk_cgroup_t cg;
	if (open_cgroup(&c.st, &cg, err) < 0 || add_default_devices(&c.st, r, err) < 0)
		return -1;
	if (pk_cgroup_systemd_update(&cg, r, err) < 0)
		return -1;
	return pk_cgroup_apply(&cg, r, err);
}

/* Processes in the container's pid namespace, as seen from ours (kill --all of a container without a
 * cgroup). */
static int signal_all(const pk_state_t *st, int sig, pk_err_t *err)
{
	char path[64];
	struct stat init_ns;
	snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)st->pid);
	if (stat(path, &init_ns) < 0)
		return pk_fail_errno(err, errno, "kill --all: %s", path);
	struct stat self_ns;
	if (stat("/proc/self/ns/pid", &self_ns) == 0 && self_ns.st_ino == init_ns.st_ino)
		return pk_fail(err, "kill --all: the container shares the host's pid namespace; "
			       "only its init can be signalled until cgroups track its processes");
	_cleanup_closedir_ DIR *d = opendir("/proc");
	if (!d)
		return pk_fail_errno(err, errno, "kill --all: /proc");
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		struct stat ns;
		snprintf(path, sizeof path, "/proc/%ld/ns/pid", pid);
		if (stat(path, &ns) == 0 && ns.st_ino == init_ns.st_ino && ns.st_dev == init_ns.st_dev)
			kill((pid_t)pid, sig);
	}
	return 0;
}

int pk_container_kill(const char *root, const char *id, int sig, bool all, pk_err_t *err)
{
	_cleanup_opened_ opened_t c;
	if (open_container(root, id, false, &c, err) < 0)
		return -1;
	_cleanup_close_ int pidfd = pk_state_pidfd(&c.st);
	if (pidfd < 0)
		return pk_fail(err, "container \"%s\" is not running", id);
	if (all) {
		pk_cgroup_t cg;
		pid_t *pids = NULL;
		size_t n = 0;
		if (open_cgroup(&c.st, &cg, err) == 0 && pk_cgroup_pids(&cg, &pids, &n, err) == 0) {
			for (size_t i = 0; i < n; i++)
				kill(pids[i], sig);
			free(pids);
		} else if (signal_all(&c.st, sig, err) < 0) {
			return -1;
		}
	}
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 && errno != ESRCH)
		return pk_fail_errno(err, errno, "kill %s", id);
	pk_cgroup_t cg;
	if (sig == SIGKILL && c.st.cgroup_path && pk_cgroup_init(&cg, c.st.cgroup_path, id, false, err) == 0 &&
	    pk_cgroup_is_frozen(&cg))
		return pk_cgroup_freeze(&cg, false, err); /* a frozen task dies only once thawed */
	return 0;
}

static void wait_gone(int pidfd)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	while (poll(&p, 1, 10000) < 0 && errno == EINTR)
		;
}

int pk_container_delete(const char *root, const char *id, bool force, const pk_spec_t *spec, pk_err_t *err)
{
	_cleanup_opened_ opened_t c;
	if (open_container(root, id, true, &c, err) < 0) {
		if (force && err->errnum == ENOENT)
			return 0; /* runc: delete --force of an unknown container succeeds */
		return -1;
	}
	pk_status_t s = pk_state_status(c.dirfd, &c.st);
	if ((s == PK_STATUS_RUNNING || s == PK_STATUS_PAUSED) && !force)
		return pk_fail(err, "cannot delete container \"%s\" that is %s: stop it first or use --force", id,
			       pk_status_name(s));
	pk_cgroup_t cg;
	bool has_cgroup = c.st.cgroup_path && pk_cgroup_init(&cg, c.st.cgroup_path, id, false, err) == 0;
	if (s != PK_STATUS_STOPPED) {
		/* A created container is ours to end: its program never ran. */
		_cleanup_close_ int pidfd = pk_state_pidfd(&c.st);
		if (pidfd >= 0) {
			syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
			if (has_cgroup && pk_cgroup_is_frozen(&cg))
				pk_cgroup_freeze(&cg, false, err); /* a frozen init cannot die */
			wait_gone(pidfd);
		}
	}
	pk_usernet_stop(&(pk_usernet_t){.pid = c.st.usernet_pid, .start = c.st.usernet_start});
	/* Whatever the init left behind (without a pid namespace, its children outlive it) goes with the
	 * cgroup. */
	if (has_cgroup && pk_cgroup_destroy(&cg, err) < 0)
		return -1;
	pk_container_hooks_warn(&c.st, spec, PK_HOOK_POSTSTOP, PK_STATUS_STOPPED);
	return pk_state_remove(root, id, err);
}

int pk_container_state(const char *root, const char *id, json_t **out, pk_err_t *err)
{
	_cleanup_opened_ opened_t c;
	if (open_container(root, id, false, &c, err) < 0)
		return -1;
	*out = pk_state_json(&c.st, pk_state_status(c.dirfd, &c.st));
	return *out ? 0 : pk_fail(err, "encode state of %s", id);
}
