/* `run` and `exec` in the foreground: the caller's signals (runc's set: INT, TERM, HUP, QUIT, USR1, USR2)
 * go on to the container's process, and its exit status comes back (128+signal when it was killed). */
#pragma once
#include <signal.h>
#include <sys/types.h>

/* The forwarded signals (without SIGCHLD). */
void pk_forward_signals(sigset_t *set);
/* Block the forwarded signals and SIGCHLD (before the process exists, so none is lost in between). */
void pk_forward_block(void);
/* Wait for pid, our child, forwarding the signals; children reparented to us are reaped on the way. */
int pk_wait_forwarding(pid_t pid);
