/* The engine: a container's lifecycle (runtime.md "Lifecycle" and "Operations"). Front ends call these with
 * a parsed spec and flags already checked; nothing here reads argv. */
#pragma once
#include "cgroup/entry.h"
#include "cgroup/cgroup.h"
#include "container/state.h"
#include "spec/spec.h"

typedef struct pk_create_opts {
	const char *root;      /* runtime state root, e.g. /run/pocket */
	const char *id;
	const char *bundle;    /* absolute */
	const char *pid_file;  /* may be NULL */
	bool foreground;       /* `run` without --detach: the caller stays the init's parent and waits */
	bool no_pivot;         /* --no-pivot: MS_MOVE + chroot instead of pivot_root */
	bool systemd_cgroup;   /* --systemd-cgroup */
	const char *console_socket; /* process.terminal: where the pty master goes */
	int preserve_fds;      /* fds 3..3+N-1 of ours go on to the container's process */
	int *tty_master;       /* process.terminal without a console socket (foreground run): the master */
} pk_create_opts_t;

/* Build the container and leave its init waiting for start. On success *pid is the init's pid. On failure
 * nothing is left: no state directory, no process. */
int pk_container_create(const pk_create_opts_t *o, pk_spec_t *spec, pid_t *pid, pk_err_t *err);
/* spec: the container's config where the caller has it (`run`); NULL reads it from the bundle when it is
 * needed (hooks). */
int pk_container_start(const char *root, const char *id, const pk_spec_t *spec, pk_err_t *err);
int pk_container_kill(const char *root, const char *id, int sig, bool all, pk_err_t *err);
int pk_container_delete(const char *root, const char *id, bool force, const pk_spec_t *spec, pk_err_t *err);
typedef struct pk_exec_opts {
	const char *root, *id;
	const pk_process_t *process;   /* the whole process: the front end merged flags into the config's */
	const pk_seccomp_t *seccomp;   /* the container's filter, also for this process */
	int preserve_fds;
	const char *console_socket; /* process.terminal: where the pty master goes */
	bool ignore_paused;         /* --ignore-paused: a paused container takes the process (it starts frozen) */
	const char *const *cgroups; /* --cgroup [CONTROLLER:]SUB, each: sub-cgroups of the container's to enter */
	size_t n_cgroups;
} pk_exec_opts_t;

/* Start a process in the container; returns once it has exec'd (its pid in *pid, our child). With a
 * terminal and no console socket, *tty_master gets the pty master to relay (tty_master NULL: detached). */
int pk_container_exec(const pk_exec_opts_t *o, pid_t *pid, int *tty_master, pk_err_t *err);

/* The container's processes (its cgroup's members). */
int pk_container_pids(const char *root, const char *id, pid_t **pids, size_t *n, pk_err_t *err);
/* Freeze (pause) or thaw (resume) every process of the container. */
int pk_container_pause(const char *root, const char *id, bool pause, pk_err_t *err);
/* The container's cgroup, for `events`. */
int pk_container_cgroup(const char *root, const char *id, pk_cgroup_t *cg, pk_status_t *status, pk_err_t *err);
/* Change the limits of a live container (new device rules in r get the default devices after them). */
int pk_container_update(const char *root, const char *id, pk_resources_t *r, pk_err_t *err);

/* The state document of one container (caller frees). */
int pk_container_state(const char *root, const char *id, json_t **out, pk_err_t *err);
/* Run poststart/poststop hooks of a container from spec, or from its bundle's config when spec is NULL
 * (failures warn). */
void pk_container_hooks_warn(const pk_state_t *st, const pk_spec_t *spec, enum pk_hook_kind kind,
			     pk_status_t status);

/* The container's init (child side of clone3): see container/init.c. */
typedef struct pk_init_ctx {
	pk_spec_t *spec; /* the init's own copy (clone3 copied our memory): it may complete process.env */
	const char *rootfs;  /* absolute path on the host */
	const char *id, *bundle;
	int sync_fd;         /* our end of the sync socket */
	int fifo_fd;         /* exec.fifo, opened O_RDWR */
	int bundle_fd;
	int ns_fds[PK_NS_COUNT];
	bool new_userns;
	bool no_pivot;
	const struct pk_seccomp_prog *seccomp; /* compiled by the runtime */
	int unshare_flags;  /* CLONE_NEW* to unshare after joining (a joined user namespace owns them) */
	pid_t host_pid;     /* our pid as the runtime sees it (told by the runtime during set-up) */
	int console_fd;     /* connected --console-socket, or -1 */
	int preserve_fds;   /* fds 3..3+N-1 go on to the program */
	int *idmap_trees;   /* per entry of mounts: filled from the runtime's messages, -1 where none */
	int runtime_fds[2]; /* the runtime's own (state dir and its lock): closed by the init at once */
	int early_unshare;  /* CLONE_NEWNET/CLONE_NEWNS: unshared first thing (clone3 made the others) */
	bool runtime_hooks; /* the runtime has work once our namespaces exist: hooks, a network helper */
	bool send_ns;       /* with SYNC_RUN_HOOKS: our network namespace, and our user namespace if any */
	bool in_cgroups;    /* the init has entered its cgroups (and made its cgroup namespace) */
} pk_init_ctx_t;

__attribute__((noreturn)) void pk_init_main(pk_init_ctx_t *ctx);
