/* The container's init, from clone3 to execve. It runs in the new namespaces, builds the container's view
 * of the world and waits on exec.fifo for `start`. Past clone3 it fails closed: an error goes to the
 * runtime over the sync socket and the process exits; nothing here returns to the caller. */
#include "container/container.h"
#include "container/sync.h"
#include "kernel/hooks.h"
#include "kernel/idmap_mount.h"
#include "kernel/namespaces.h"
#include "kernel/process.h"
#include "kernel/rootfs.h"
#include "kernel/seccomp.h"
#include "kernel/terminal.h"
#include "util/fdpass.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <sched.h>
#include <sys/syscall.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_new(const pk_spec_t *s, enum pk_ns_type t) { return s->ns[t].present && !s->ns[t].path; }

static char *hook_state(const pk_init_ctx_t *c, pid_t pid, pk_status_t status)
{
	pk_state_t st = {.id = (char *)c->id,
			 .bundle = (char *)c->bundle,
			 .rootfs = (char *)c->rootfs,
			 .created = (char *)"",
			 .pid = pid,
			 .annotations = c->spec->annotations};
	return pk_state_json_text(&st, status);
}

static int load_seccomp(const pk_init_ctx_t *c, pk_err_t *err)
{
	_cleanup_free_ char *state = c->seccomp->listener_sock >= 0 ? hook_state(c, c->host_pid, PK_STATUS_CREATED) : NULL;
	return pk_seccomp_install(c->seccomp, c->host_pid, state ? state : "{}", err);
}

static int setup_terminal(pk_init_ctx_t *c, pk_err_t *err)
{
	char name[64];
	_cleanup_close_ int master = pk_tty_setup(c->spec->process.uid, name, sizeof name, err);
	if (master < 0)
		return -1;
	if (c->console_fd >= 0) {
		int r = pk_fd_send(c->console_fd, master, name, strlen(name), err);
		close(c->console_fd);
		c->console_fd = -1;
		return r < 0 ? pk_err_wrap(err, "--console-socket") : 0;
	}
	return pk_sync_send_fd(c->sync_fd, PK_SYNC_TTY, master, err);
}

static int join_namespaces(pk_init_ctx_t *c, pk_err_t *err)
{
	/* The user namespace first: the others are then joined with its credentials. */
	if (c->ns_fds[PK_NS_USER] >= 0 && pk_ns_join(PK_NS_USER, c->ns_fds[PK_NS_USER], err) < 0)
		return -1;
	for (int t = 0; t < PK_NS_COUNT; t++) {
		/* pid namespaces were joined by the runtime for its child: see create.c */
		if (t == PK_NS_USER || t == PK_NS_PID || c->ns_fds[t] < 0)
			continue;
		if (pk_ns_join((enum pk_ns_type)t, c->ns_fds[t], err) < 0)
			return -1;
	}
	pk_ns_close_fds(c->ns_fds);
	if (c->unshare_flags && unshare(c->unshare_flags) < 0)
		return pk_fail_errno(err, errno, "create namespaces in the joined user namespace");
	if (c->unshare_flags & CLONE_NEWPID) {
		/* unshare(CLONE_NEWPID) puts our children in the new pid namespace, not us: its first member
		 * becomes the init. CLONE_PARENT makes it the runtime's child, so `run` can wait for it. */
		struct clone_args args = {.flags = CLONE_PARENT};
		pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
		if (pid < 0)
			return pk_fail_errno(err, errno, "clone the container's init into its pid namespace");
		if (pid > 0)
			_exit(pk_sync_send(c->sync_fd, PK_SYNC_PID, pid, NULL, err) < 0);
	}
	return 0;
}

/* Into the container's cgroups, once the runtime has made them (SYNC_CGROUP): its cgroup namespace, whose
 * root is the cgroup we are in, comes after. Called before the first mount that shows cgroups and before
 * device nodes are made (kernel/rootfs.h), and in any case before the hooks run; once. */
static int enter_cgroups(void *arg, pk_err_t *err)
{
	pk_init_ctx_t *c = arg;
	if (c->in_cgroups)
		return 0;
	c->in_cgroups = true;
	pk_cgroup_entry_t e = PK_CGROUP_ENTRY_NONE;
	int64_t host_pid = 0;
	if (pk_sync_expect_fds(c->sync_fd, PK_SYNC_CGROUP, &host_pid, e.fd, PK_CGROUP_MAX_HIER, &e.n, err) < 0 ||
	    pk_cgroup_entry_join(&e, err) < 0)
		return -1;
	c->host_pid = (pid_t)host_pid;
	if (is_new(c->spec, PK_NS_CGROUP) && unshare(CLONE_NEWCGROUP) < 0)
		return pk_fail_errno(err, errno, "create cgroup namespace");
	return 0;
}

/* The dear namespaces first, while the runtime makes our cgroups (container/sync.h): the mount namespace, and
 * the network one unless clone3 made it (container/create.c). */
static int unshare_early(const pk_init_ctx_t *c, pk_err_t *err)
{
	if (!c->early_unshare || unshare(c->early_unshare) == 0)
		return 0;
	return pk_fail_errno(err, errno, "create the container's %s",
			     c->early_unshare & CLONE_NEWNET ? "network and mount namespaces" : "mount namespace");
}

/* SYNC_RUN_HOOKS, with our network and user namespaces for the runtime's network helper when it has one
 * (/proc is still the host's here, and a process may always open its own namespaces). */
static int send_run_hooks(const pk_init_ctx_t *c, pk_err_t *err)
{
	static const char *const paths[] = {"/proc/self/ns/net", "/proc/self/ns/user"};
	int fds[2] = {-1, -1};
	size_t n = 0;
	int rc = 0;
	for (size_t i = 0; c->send_ns && i < (c->spec->ns[PK_NS_USER].present ? 2 : 1); i++) {
		if ((fds[n] = open(paths[i], O_RDONLY | O_CLOEXEC)) < 0) {
			rc = pk_fail_errno(err, errno, "%s", paths[i]);
			break;
		}
		n++;
	}
	if (rc == 0)
		rc = pk_sync_send_fds(c->sync_fd, PK_SYNC_RUN_HOOKS, 0, fds, n, err);
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	return rc;
}

static int setup(pk_init_ctx_t *c, char exe[PATH_MAX], pk_err_t *err)
{
	const pk_spec_t *s = c->spec;
	umask(022);
	/* The runtime's idmapped trees come first, one per such entry of mounts, in order. */
	for (size_t i = 0; i < s->n_mounts; i++)
		if (pk_idmap_mount_wanted(&s->mounts[i]) &&
		    pk_sync_expect_fd(c->sync_fd, PK_SYNC_IDMAP_TREE, &c->idmap_trees[i], err) < 0)
			return -1;
	if (pk_sync_expect(c->sync_fd, PK_SYNC_GO, NULL, err) < 0)
		return -1;
	if (c->new_userns) {
		/* Become the namespace's root; without this we would act as the unmapped overflow id. */
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
			return pk_fail_errno(err, errno, "become root in the new user namespace");
	}
	if (join_namespaces(c, err) < 0)
		return -1;
	/* An unprivileged creator of our user namespace had to deny setgroups(2) for good. */
	bool setgroups_ok = true;
	{
		_cleanup_free_ char *sg = NULL;
		pk_err_t ignored;
		if (pk_read_file("/proc/self/setgroups", &sg, NULL, &ignored) == 0 && !strncmp(sg, "deny", 4))
			setgroups_ok = false;
	}
	if (is_new(s, PK_NS_TIME)) {
		if (pk_timens_unshare(err) < 0)
			return -1;
		if (s->has_time_offsets && (pk_sync_send(c->sync_fd, PK_SYNC_TIMENS_OFFSETS, 0, NULL, err) < 0 ||
					    pk_sync_expect(c->sync_fd, PK_SYNC_TIMENS_DONE, NULL, err) < 0))
			return -1;
		if (pk_timens_enter(err) < 0)
			return -1;
	}
	/* No process of the container may reach our fds or memory through /proc, even one already in a pid
	 * namespace we were born into: a root runtime made us non-dumpable before clone3 (it can still open
	 * our /proc files for the user and time set-up); under an unprivileged runtime we turn so here, once
	 * it has written our mappings and time offsets, before we touch anything of the container's. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return pk_fail_errno(err, errno, "prctl(PR_SET_DUMPABLE)");
	if (is_new(s, PK_NS_UTS)) {
		if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
			return pk_fail_errno(err, errno, "hostname \"%s\"", s->hostname);
		if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
			return pk_fail_errno(err, errno, "domainname \"%s\"", s->domainname);
	}
	if (is_new(s, PK_NS_NETWORK) && pk_net_loopback_up(err) < 0)
		return -1;

	bool own_mounts = is_new(s, PK_NS_MOUNT);
	pk_rootfs_t r = {.rootfd = -1,
			 .bundlefd = c->bundle_fd,
			 .root_path = c->rootfs,
			 .no_pivot = c->no_pivot,
			 .idmap_trees = c->idmap_trees,
			 .before_cgroups = enter_cgroups,
			 .hook_arg = c};
	if (own_mounts && pk_rootfs_prepare(&r, s, c->new_userns || s->ns[PK_NS_USER].path, is_new(s, PK_NS_CGROUP),
					    err) < 0) {
		if (r.rootfd >= 0)
			close(r.rootfd);
		return -1;
	}

	if (enter_cgroups(c, err) < 0)
		goto fail;
	/* prestart and createRuntime run in the runtime's namespaces, as does a network helper's start: the
	 * runtime does that now, when there is any. */
	if (c->runtime_hooks && (send_run_hooks(c, err) < 0 || pk_sync_expect(c->sync_fd, PK_SYNC_HOOKS_DONE, NULL, err) < 0))
		goto fail;
	if (s->hooks[PK_HOOK_CREATE_CONTAINER].n) {
		_cleanup_free_ char *state = hook_state(c, c->host_pid, PK_STATUS_CREATING);
		if (pk_hooks_run(s, PK_HOOK_CREATE_CONTAINER, state, err) < 0)
			goto fail;
	}
	if (own_mounts) {
		if (pk_rootfs_pivot(&r, err) < 0 || pk_rootfs_finish(s, err) < 0)
			goto fail;
	}
	if (r.rootfd >= 0)
		close(r.rootfd);
	close(c->bundle_fd);
	c->bundle_fd = -1;

	if (c->new_userns && setgroups_ok) {
		/* Drop the host's supplementary groups before anything of the user's runs. */
		if (setgroups(0, NULL) < 0 && errno != EPERM)
			return pk_fail_errno(err, errno, "setgroups");
	}
	if (s->process.terminal && setup_terminal(c, err) < 0)
		return -1;
	if (pk_process_default_home(&c->spec->process, err) < 0 || pk_process_prepare(&s->process, exe, err) < 0)
		return -1;
	if (s->has_personality && personality(s->personality) < 0)
		return pk_fail_errno(err, errno, "linux.personality");
	/* Without no_new_privs the filter can only be loaded while we still hold CAP_SYS_ADMIN: before the
	 * credentials change (as runc). With it, it is the very last step before execve (pk_init_main). */
	if (!s->process.no_new_privileges && load_seccomp(c, err) < 0)
		return -1;
	return pk_process_drop_privileges(&s->process, setgroups_ok, err);
fail:
	if (r.rootfd >= 0)
		close(r.rootfd);
	return -1;
}

void pk_init_main(pk_init_ctx_t *c)
{
	pk_err_t err = {0};
	char exe[PATH_MAX];
	/* The state directory's flock belongs to the runtime: holding it would block `start`. */
	for (size_t i = 0; i < PK_ARRAY_SIZE(c->runtime_fds); i++)
		if (c->runtime_fds[i] >= 0)
			close(c->runtime_fds[i]);
	if (unshare_early(c, &err) < 0 || setup(c, exe, &err) < 0) {
		pk_err_t ignored;
		pk_sync_send(c->sync_fd, PK_SYNC_ERROR, err.errnum, err.msg, &ignored);
		_exit(1);
	}
	if (pk_sync_send(c->sync_fd, PK_SYNC_READY, 0, NULL, &err) < 0)
		_exit(1);
	close(c->sync_fd);

	/* Wait for `start`: it writes one byte into the fifo. We hold the fifo open for reading and writing
	 * so the read blocks rather than seeing end-of-file while no `start` has opened it. */
	char go;
	ssize_t n;
	do
		n = read(c->fifo_fd, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(1);
	/* The fifo stays open (close-on-exec) until execve: `start` waits for its last reader to go, so that
	 * the startContainer hooks have run, and the program is the container's, when start returns. */

	if (c->spec->hooks[PK_HOOK_START_CONTAINER].n) {
		_cleanup_free_ char *state = hook_state(c, getpid(), PK_STATUS_CREATED);
		if (pk_hooks_run(c->spec, PK_HOOK_START_CONTAINER, state, &err) < 0) {
			dprintf(STDERR_FILENO, "pocket: %s\n", err.msg);
			_exit(1);
		}
	}
	/* The program starts with default signal handling and nothing but stdio open. */
	pk_process_clean_slate(c->preserve_fds);
	if (c->spec->process.no_new_privileges && load_seccomp(c, &err) < 0) {
		dprintf(STDERR_FILENO, "pocket: %s\n", err.msg);
		_exit(127);
	}
	pk_process_exec(&c->spec->process, exe, &err);
	dprintf(STDERR_FILENO, "pocket: %s\n", err.msg);
	_exit(127);
}
