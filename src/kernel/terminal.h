/* process.terminal: the container's stdio is the slave of a new pty made in the container's own devpts;
 * the master goes to the --console-socket (as runc sends it, with the pty's name), or back to the runtime,
 * which relays it to its own terminal. */
#pragma once
#include "util/error.h"
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

/* In the container, after pivot_root: make the pty, make its slave our controlling terminal and stdio
 * (owned by uid), return the master. */
int pk_tty_setup(uid_t uid, char *name, size_t name_size, pk_err_t *err);
/* Connect to a --console-socket (in the runtime's mount namespace, before entering the container). */
int pk_tty_console_connect(const char *path, pk_err_t *err);
/* In the runtime: copy stdin to master and master to stdout, keep the window size in step (SIGWINCH),
 * forward the signals in `forward` to pid, until pid exits; returns its exit status (128+signal). stdin is
 * put in raw mode while this runs when it is a terminal. */
int pk_tty_relay(int master, pid_t pid, const sigset_t *forward);
