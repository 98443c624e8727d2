/* The sync protocol between the runtime (parent) and the container's init (child): typed, fixed-size
 * messages over one SOCK_SEQPACKET socketpair. Never environment variables.
 *
 *   parent                                   child
 *   clone3 ----------------------------------> (new pid, ipc, uts, user namespaces; in its v2 cgroup)
 *   [new userns] write uid_map/gid_map         unshare its new mount and network namespaces (the dear
 *   [idmapped mounts] SYNC_IDMAP_TREE + fd -->  ones: made here, while the runtime goes on in parallel)
 *   SYNC_GO -------------------------------->
 *                                            [joined userns + new pid ns] unshare, clone3(CLONE_PARENT)
 *             <------------------------------ SYNC_PID (the new init's pid); the first one exits
 *                                            [new time ns with offsets] unshare(CLONE_NEWTIME)
 *             <------------------------------ SYNC_TIMENS_OFFSETS
 *   write /proc/<pid>/timens_offsets
 *   SYNC_TIMENS_DONE ------------------------>  enter it
 *   the v1 cgroups and the limits, while       join namespaces, hostname, lo, rootfs mounts up to the
 *   the child mounts                           first that shows cgroups
 *   SYNC_CGROUP + the v1 `tasks` fds -------->  move itself in, unshare its cgroup namespace; the rest
 *   (value: the init's pid as we see it)      of the mounts, devices
 *   [prestart or createRuntime hooks, or a network helper; both sides know from the config]
 *             <------------------------------ SYNC_RUN_HOOKS (+ its network and user namespaces when a
 *   start the helper, run the hooks in the       network helper is to start: an unprivileged runtime may not
 *   runtime's namespaces                         open them from /proc once the init is non-dumpable)
 *   SYNC_HOOKS_DONE ------------------------->
 *                                            createContainer hooks, pivot_root, masks, credentials
 *             <------------------------------ [terminal, no console socket] SYNC_TTY + pty master
 *             <------------------------------ SYNC_READY (value: pid as seen by the runtime, 0 = own)
 *   write state, exit (create) or wait (run)   block on exec.fifo until `start`, then execve
 *
 * Either side may send SYNC_ERROR (text: the one-line error) instead of its next message; the child then
 * exits. A closed socket means the other side died. */
#pragma once
#include "util/error.h"
#include "util/fdpass.h"
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PK_SYNC_VERSION 1

enum pk_sync_type {
	PK_SYNC_GO = 1,
	PK_SYNC_RUN_HOOKS,
	PK_SYNC_HOOKS_DONE,
	PK_SYNC_READY,
	PK_SYNC_ERROR,
	PK_SYNC_TIMENS_OFFSETS,
	PK_SYNC_TIMENS_DONE,
	PK_SYNC_TTY, /* carries the pty master (SCM_RIGHTS) when the runtime relays the terminal */
	PK_SYNC_PID, /* value: the pid of the init that replaces us (new pid namespace in a joined userns) */
	PK_SYNC_IDMAP_TREE, /* carries a detached idmapped mount tree (SCM_RIGHTS) for mounts[value] */
	PK_SYNC_CGROUP, /* the container's cgroups are ready; carries the v1 `tasks` files to enter them by */
};

typedef struct pk_sync_msg {
	uint32_t version;
	uint32_t type;
	int64_t value;
	char text[1024];
} pk_sync_msg_t;

int pk_sync_send(int fd, enum pk_sync_type type, int64_t value, const char *text, pk_err_t *err);
/* Receive the next message and require it to be `want`; a SYNC_ERROR is turned into err (its text). */
int pk_sync_expect(int fd, enum pk_sync_type want, int64_t *value, pk_err_t *err);
/* The same, with an fd attached. */
int pk_sync_send_fd(int fd, enum pk_sync_type type, int payload_fd, pk_err_t *err);
int pk_sync_expect_fd(int fd, enum pk_sync_type want, int *payload_fd, pk_err_t *err);
/* The same with n (up to PK_FDPASS_MAX) fds, none required. */
int pk_sync_send_fds(int fd, enum pk_sync_type type, int64_t value, const int *fds, size_t n, pk_err_t *err);
int pk_sync_expect_fds(int fd, enum pk_sync_type want, int64_t *value, int *fds, size_t max, size_t *n, pk_err_t *err);
