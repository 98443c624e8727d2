/* `create`: the runtime's side. It does the work that needs the host's view (reading the bundle, opening
 * namespace paths, the state directory, cgroups, user mappings, createRuntime hooks) and clone3s the
 * container's init, which makes the dearest namespaces itself while the runtime finishes the cgroups
 * (container/sync.h). On any failure the init is killed and the state directory and cgroups removed, so a
 * refused create leaves nothing behind. */
#include "container/container.h"
#include "cgroup/cgroup.h"
#include "container/sync.h"
#include "kernel/hooks.h"
#include "kernel/caps.h"
#include "kernel/idmap_mount.h"
#include "kernel/lsm.h"
#include "kernel/namespaces.h"
#include "kernel/process.h"
#include "kernel/seccomp.h"
#include "kernel/spawn.h"
#include "kernel/terminal.h"
#include "net/usernet.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "util/users.h"
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The child starts with a copy of our memory (the parsed spec included) and runs pk_init_main().
 * CLONE_NEWTIME and CLONE_NEWCGROUP are left to the child: time offsets can only be written before a process
 * enters the namespace, and the cgroup namespace's root is the cgroup the child is in when it unshares. (So
 * are the network and mount namespaces, when do_create leaves them out of flags: see there.) */
static pid_t spawn_init(pk_init_ctx_t *ctx, int flags, int cgroup_fd, bool *into_cgroup, int *pidfd, pk_err_t *err)
{
	pid_t pid = pk_spawn((uint64_t)(flags & ~(CLONE_NEWTIME | CLONE_NEWCGROUP)), cgroup_fd, pidfd, into_cgroup, err);
	if (pid < 0)
		return pk_err_wrap(err, "the container's init");
	if (pid == 0)
		pk_init_main(ctx);
	return pid;
}

static int resolve_rootfs(const char *bundle, const pk_spec_t *spec, char out[PATH_MAX], pk_err_t *err)
{
	char joined[PATH_MAX];
	if (spec->root_path[0] == '/')
		snprintf(joined, sizeof joined, "%s", spec->root_path);
	else
		snprintf(joined, sizeof joined, "%s/%s", bundle, spec->root_path);
	if (!realpath(joined, out))
		return pk_fail_errno(err, errno, "root.path: %s", joined);
	struct stat st;
	if (stat(out, &st) < 0 || !S_ISDIR(st.st_mode))
		return pk_fail(err, "root.path: %s is not a directory", out);
	return 0;
}

/* Everything a half-made container holds, released by abort_create(). */
typedef struct create_job {
	const pk_create_opts_t *o;
	int statedir_fd, rootdir_fd;
	bool dir_made;
	pid_t pid;
	int pidfd;
	pk_seccomp_prog_t seccomp;
	int console_fd, tty_master;
	pk_cgroup_t cg;
	bool cgroup_made;
	int netns_fd, userns_fd; /* the container's, for its network helper */
	pk_usernet_t net;
} create_job_t;

static void abort_create(create_job_t *j)
{
	pk_usernet_stop(&j->net);
	if (j->pid > 0) {
		if (j->pidfd >= 0)
			syscall(SYS_pidfd_send_signal, j->pidfd, SIGKILL, NULL, 0);
		else
			kill(j->pid, SIGKILL);
		waitpid(j->pid, NULL, 0);
	}
	if (j->cgroup_made) {
		pk_err_t ignored;
		pk_cgroup_destroy(&j->cg, &ignored);
	}
	if (j->dir_made) {
		pk_err_t ignored;
		pk_rm_rf_at(j->rootdir_fd, j->o->id, &ignored);
	}
}

/* The init must be in its cgroups before it makes its cgroup namespace (whose root is the cgroup it is in),
 * before it makes device nodes, and long before it runs anything of the user's; clone3 put it in the v2 one.
 * The rest is done while it builds its mounts: the v1 hierarchies and the limits (rest), then the init is
 * sent the v1 `tasks` files to move itself in by (cgroup/entry.h), or moved by us where it cannot be. */
static int finish_cgroups(create_job_t *j, const pk_spec_t *spec, bool rest, bool into_cgroup, int sync_fd,
			  pk_err_t *err)
{
	pk_cgroup_entry_t e = PK_CGROUP_ENTRY_NONE;
	if (j->cgroup_made) {
		if (rest && pk_cgroup_create_rest(&j->cg, &spec->resources, err) < 0)
			return -1;
		if (pk_cgroup_entry_open(&j->cg, &e, err) < 0)
			return -1;
		if (pk_cgroup_enter(&j->cg, j->pid, e.n == 0, !into_cgroup, err) < 0) {
			pk_cgroup_entry_close(&e);
			return -1;
		}
	}
	int r = pk_sync_send_fds(sync_fd, PK_SYNC_CGROUP, j->pid, e.fd, e.n, err);
	pk_cgroup_entry_close(&e);
	return r;
}

static int run_runtime_hooks(const pk_spec_t *spec, pk_state_t *st, pk_err_t *err)
{
	if (!spec->hooks[PK_HOOK_PRESTART].n && !spec->hooks[PK_HOOK_CREATE_RUNTIME].n)
		return 0;
	_cleanup_free_ char *state = pk_state_json_text(st, PK_STATUS_CREATING);
	if (pk_hooks_run(spec, PK_HOOK_PRESTART, state, err) < 0)
		return -1;
	return pk_hooks_run(spec, PK_HOOK_CREATE_RUNTIME, state, err);
}

static int write_pid_file(const char *path, pid_t pid, pk_err_t *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%d", (int)pid);
	if (pk_write_file_atomic(path, buf, (size_t)n, 0644, err) < 0)
		return pk_err_wrap(err, "--pid-file");
	return 0;
}

static int do_create(create_job_t *j, pk_spec_t *spec, pk_err_t *err)
{
	const pk_create_opts_t *o = j->o;
	char rootfs[PATH_MAX];
	if (resolve_rootfs(o->bundle, spec, rootfs, err) < 0)
		return -1;
	if (!spec->ns[PK_NS_MOUNT].present)
		return pk_fail(err, "linux.namespaces: a mount namespace is required");
	if (!spec->has_process)
		return pk_fail(err, "process: required to create a container");
	if (pk_lsm_check(spec, err) < 0)
		return -1;
	pk_usernet_cfg_t net;
	if (pk_usernet_config(spec, &net, err) < 0)
		return -1;
	pk_caps_drop_unknown_to_kernel(&spec->process.caps);

	int ns_fds[PK_NS_COUNT];
	if (pk_ns_open_paths(spec, ns_fds, err) < 0)
		return -1;
	_cleanup_close_ int bundle_fd = open(o->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (bundle_fd < 0) {
		pk_ns_close_fds(ns_fds);
		return pk_fail_errno(err, errno, "bundle %s", o->bundle);
	}

	if (pk_mkdir_p(o->root, 0711, err) < 0) {
		pk_ns_close_fds(ns_fds);
		return pk_err_wrap(err, "--root");
	}
	j->rootdir_fd = open(o->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (j->rootdir_fd < 0 || mkdirat(j->rootdir_fd, o->id, 0711) < 0) {
		int e = errno;
		pk_ns_close_fds(ns_fds);
		if (e == EEXIST)
			return pk_fail(err, "container \"%s\" already exists", o->id);
		return pk_fail_errno(err, e, "create state directory for %s", o->id);
	}
	j->dir_made = true;
	j->statedir_fd = openat(j->rootdir_fd, o->id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (j->statedir_fd < 0 || flock(j->statedir_fd, LOCK_EX) < 0 ||
	    mkfifoat(j->statedir_fd, PK_STATE_FIFO, 0600) < 0) {
		pk_ns_close_fds(ns_fds);
		return pk_fail_errno(err, errno, "prepare state directory for %s", o->id);
	}
	char created[64];
	pk_time_now_rfc3339(created, sizeof created);
	char owner[256];
	pk_user_name(geteuid(), owner, sizeof owner);
	pk_state_t st = {.id = (char *)o->id,
			 .bundle = (char *)o->bundle,
			 .rootfs = rootfs,
			 .created = created,
			 .owner = owner,
			 .creating = true,
			 .annotations = spec->annotations};

	if (spec->process.terminal) {
		if (o->console_socket) {
			j->console_fd = pk_tty_console_connect(o->console_socket, err);
			if (j->console_fd < 0) {
				pk_ns_close_fds(ns_fds);
				return -1;
			}
		} else if (!o->tty_master) {
			pk_ns_close_fds(ns_fds);
			return pk_fail(err, "process.terminal: a detached container needs --console-socket to hand "
				       "its terminal to");
		}
	}
	char cg_name[PATH_MAX];
	pk_cgroup_default_name(o->root, o->id, cg_name, sizeof cg_name);
	if (pk_cgroup_init(&j->cg, spec->cgroups_path, cg_name, o->systemd_cgroup, err) < 0) {
		pk_ns_close_fds(ns_fds);
		return -1;
	}
	/* As root, only the cgroup clone3 puts the init into is made now; the rest is done while the init builds
	 * its mounts (finish_cgroups). Unprivileged, everything is made first: a cgroup that cannot take the
	 * limits is then given up before the init is in it. */
	bool split_cgroup = geteuid() == 0;
	if ((split_cgroup ? pk_cgroup_create_first(&j->cg, &spec->resources, err)
			  : pk_cgroup_create(&j->cg, &spec->resources, err)) == 0) {
		j->cgroup_made = true;
		st.cgroup_path = j->cg.path;
	} else if (geteuid() != 0 && (err->errnum == EACCES || err->errnum == EPERM || err->errnum == EROFS ||
				      err->errnum == ENOENT || err->errnum == EBUSY)) {
		/* Unprivileged without a delegated cgroup, or with one that cannot pass on the controllers the
		 * limits need: run without one, and say so when that drops limits. */
		if (pk_resources_has_limits(&spec->resources))
			pk_warn("linux.resources: not applied: no cgroup delegated to uid %u here can take them (%s)",
				(unsigned)geteuid(), err->msg);
		else
			pk_debug("no cgroup for this unprivileged container: %s", err->msg);
	} else {
		pk_ns_close_fds(ns_fds);
		return -1;
	}
	/* The first state, written once the cgroup exists: a `delete` after a crash from here on finds all
	 * there is to remove. (Until then the locked directory says "creating".) */
	if (pk_state_save(j->statedir_fd, &st, err) < 0) {
		pk_ns_close_fds(ns_fds);
		return -1;
	}
	char cache[PATH_MAX];
	snprintf(cache, sizeof cache, "%s/.seccomp-cache", o->root);
	if (pk_seccomp_compile(&spec->seccomp, cache, &j->seccomp, err) < 0) {
		pk_ns_close_fds(ns_fds);
		return -1;
	}
	_cleanup_close_ int fifo = openat(j->statedir_fd, PK_STATE_FIFO, O_RDWR | O_CLOEXEC);
	int sv[2];
	if (fifo < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		pk_ns_close_fds(ns_fds);
		return pk_fail_errno(err, errno, "prepare sync with the container's init");
	}
	_cleanup_close_ int sync_fd = sv[0];
	int ctx_unshare_flags = 0;
	int flags = pk_ns_new_flags(spec);
	/* Namespaces created next to a joined user namespace must belong to it: the init joins it first and
	 * unshares them itself. A new pid namespace then takes a second process (see init.c). Otherwise the
	 * dear ones, network (half a millisecond) and mount, are the init's to unshare first thing, while we go
	 * on with the cgroups: clone3 makes the cheap ones. */
	int clone_flags = flags, early_unshare = 0;
	if (ns_fds[PK_NS_USER] >= 0) {
		clone_flags = 0;
		ctx_unshare_flags = flags;
	} else {
		early_unshare = flags & (CLONE_NEWNET | CLONE_NEWNS);
		clone_flags &= ~early_unshare;
	}
	/* Room for the idmapped trees the init receives (our copy is unused; the child's is filled). */
	_cleanup_free_ int *idmap_trees = malloc((spec->n_mounts + 1) * sizeof *idmap_trees);
	if (!idmap_trees) {
		pk_ns_close_fds(ns_fds);
		close(sv[1]);
		return pk_fail_errno(err, ENOMEM, "create");
	}
	for (size_t i = 0; i < spec->n_mounts; i++)
		idmap_trees[i] = -1;
	pk_init_ctx_t ctx = {.spec = spec,
			     .idmap_trees = idmap_trees,
			     .rootfs = rootfs,
			     .id = o->id,
			     .bundle = o->bundle,
			     .sync_fd = sv[1],
			     .fifo_fd = fifo,
			     .bundle_fd = bundle_fd,
			     .new_userns = flags & CLONE_NEWUSER,
			     .early_unshare = early_unshare,
			     .runtime_hooks = net.mode != PK_USERNET_NONE || spec->hooks[PK_HOOK_PRESTART].n ||
					      spec->hooks[PK_HOOK_CREATE_RUNTIME].n,
			     .send_ns = net.mode != PK_USERNET_NONE,
			     .no_pivot = o->no_pivot,
			     .seccomp = &j->seccomp,
			     .console_fd = j->console_fd,
			     .preserve_fds = o->preserve_fds,
			     .runtime_fds = {j->statedir_fd, j->rootdir_fd}};
	memcpy(ctx.ns_fds, ns_fds, sizeof ns_fds);
	/* Joining a pid namespace applies to children only: the runtime joins it for the init it spawns. */
	if (ns_fds[PK_NS_PID] >= 0 && pk_ns_join(PK_NS_PID, ns_fds[PK_NS_PID], err) < 0) {
		pk_ns_close_fds(ns_fds);
		close(sv[1]);
		return -1;
	}
	ctx.unshare_flags = ctx_unshare_flags & ~(CLONE_NEWTIME | CLONE_NEWCGROUP);
	bool into_cgroup = false;
	_cleanup_close_ int cgroup_fd = j->cgroup_made ? pk_cgroup_v2_fd(&j->cg) : -1;
	j->pid = spawn_init(&ctx, clone_flags, cgroup_fd, &into_cgroup, &j->pidfd, err);
	close(sv[1]);
	pk_ns_close_fds(ns_fds);
	if (j->pid < 0) {
		j->pid = 0;
		return -1;
	}
	st.pid = j->pid;

	if (ctx.new_userns && pk_userns_write_maps(j->pid, spec, err) < 0)
		return -1;
	if (pk_process_set_oom_score(j->pid, &spec->process, err) < 0)
		return -1;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		if (!pk_idmap_mount_wanted(&spec->mounts[i]))
			continue;
		_cleanup_close_ int tree = pk_idmap_mount_prepare(&spec->mounts[i], i, bundle_fd, j->pid, err);
		if (tree < 0 || pk_sync_send_fd(sync_fd, PK_SYNC_IDMAP_TREE, tree, err) < 0)
			return -1;
	}
	if (pk_sync_send(sync_fd, PK_SYNC_GO, 0, NULL, err) < 0)
		return -1;
	if (ctx.unshare_flags & CLONE_NEWPID) {
		/* The first process made the pid namespace and handed over to its first member, our child by
		 * CLONE_PARENT: that one is the container's init from here on. */
		int64_t init_pid;
		if (pk_sync_expect(sync_fd, PK_SYNC_PID, &init_pid, err) < 0)
			return -1;
		waitpid(j->pid, NULL, 0);
		close(j->pidfd);
		j->pid = st.pid = (pid_t)init_pid;
		j->pidfd = (int)syscall(SYS_pidfd_open, j->pid, 0);
		if (j->pidfd < 0)
			return pk_fail_errno(err, errno, "pidfd of the container's init");
	}
	if (spec->ns[PK_NS_TIME].present && !spec->ns[PK_NS_TIME].path && spec->has_time_offsets) {
		if (pk_sync_expect(sync_fd, PK_SYNC_TIMENS_OFFSETS, NULL, err) < 0)
			return -1;
		if (pk_timens_write_offsets(j->pid, spec, err) < 0) {
			pk_err_t ignored;
			pk_sync_send(sync_fd, PK_SYNC_ERROR, err->errnum, err->msg, &ignored);
			return -1;
		}
		if (pk_sync_send(sync_fd, PK_SYNC_TIMENS_DONE, 0, NULL, err) < 0)
			return -1;
	}
	if (finish_cgroups(j, spec, split_cgroup, into_cgroup, sync_fd, err) < 0) {
		pk_err_t ignored;
		pk_sync_send(sync_fd, PK_SYNC_ERROR, err->errnum, err->msg, &ignored);
		return -1;
	}
	/* With a network helper, the init sends its network (and user) namespace along: an unprivileged runtime
	 * may not open the /proc files of an init that has turned non-dumpable. */
	int ns[2] = {-1, -1};
	size_t n_ns = 0;
	if (ctx.runtime_hooks &&
	    pk_sync_expect_fds(sync_fd, PK_SYNC_RUN_HOOKS, NULL, ns, ctx.send_ns ? 2 : 0, &n_ns, err) < 0)
		return -1;
	j->netns_fd = ns[0];
	j->userns_fd = ns[1];
	/* Every namespace is made: the network helper starts, and is recorded before anything else can fail,
	 * so that the hooks already see the container's network. */
	if (net.mode != PK_USERNET_NONE) {
		if ((j->netns_fd < 0 || (spec->ns[PK_NS_USER].present && j->userns_fd < 0)) &&
		    pk_fail(err, "%s: the container's init sent no namespaces", PK_USERNET_ANNOTATION) < 0) {
			pk_err_t ignored;
			pk_sync_send(sync_fd, PK_SYNC_ERROR, err->errnum, err->msg, &ignored);
			return -1;
		}
		if (pk_usernet_start(&net, j->netns_fd, j->userns_fd, j->statedir_fd, &j->net, err) < 0) {
			pk_err_t ignored;
			pk_sync_send(sync_fd, PK_SYNC_ERROR, err->errnum, err->msg, &ignored);
			return -1;
		}
		st.usernet_pid = j->net.pid;
		st.usernet_start = j->net.start;
		if (pk_state_save(j->statedir_fd, &st, err) < 0)
			return -1;
	}
	if (run_runtime_hooks(spec, &st, err) < 0) {
		pk_err_t ignored;
		pk_sync_send(sync_fd, PK_SYNC_ERROR, err->errnum, err->msg, &ignored);
		return -1;
	}
	if (ctx.runtime_hooks && pk_sync_send(sync_fd, PK_SYNC_HOOKS_DONE, j->pid, NULL, err) < 0)
		return -1;
	if (spec->process.terminal && j->console_fd < 0 &&
	    pk_sync_expect_fd(sync_fd, PK_SYNC_TTY, &j->tty_master, err) < 0)
		return -1;
	if (pk_sync_expect(sync_fd, PK_SYNC_READY, NULL, err) < 0)
		return -1;

	st.creating = false;
	st.pid_start = pk_proc_start_time(j->pid);
	if (pk_state_save(j->statedir_fd, &st, err) < 0)
		return -1;
	if (o->pid_file && write_pid_file(o->pid_file, j->pid, err) < 0)
		return -1;
	return 0;
}

int pk_container_create(const pk_create_opts_t *o, pk_spec_t *spec, pid_t *pid, pk_err_t *err)
{
	if (pk_id_validate(o->id, err) < 0)
		return -1;
	create_job_t j = {.o = o,
			  .statedir_fd = -1,
			  .rootdir_fd = -1,
			  .pidfd = -1,
			  .console_fd = -1,
			  .tty_master = -1,
			  .netns_fd = -1,
			  .userns_fd = -1};
	int r = do_create(&j, spec, err);
	if (r < 0)
		abort_create(&j);
	else
		*pid = j.pid;
	if (r == 0 && o->tty_master)
		*o->tty_master = pk_steal_fd(&j.tty_master);
	if (j.tty_master >= 0)
		close(j.tty_master);
	if (j.console_fd >= 0)
		close(j.console_fd);
	if (j.statedir_fd >= 0)
		close(j.statedir_fd);
	if (j.rootdir_fd >= 0)
		close(j.rootdir_fd);
	if (j.pidfd >= 0)
		close(j.pidfd);
	if (j.netns_fd >= 0)
		close(j.netns_fd);
	if (j.userns_fd >= 0)
		close(j.userns_fd);
	pk_seccomp_prog_free(&j.seccomp);
	return r;
}
