/* The container process's own settings, applied by its init after pivot_root: rlimits, oom score, the
 * working directory (inside the rootfs only), credentials and capabilities, no_new_privs; then the
 * executable is found in process.env's PATH and exec'd with nothing but stdio open. */
#pragma once
#include "spec/spec.h"
#include <limits.h>

#include "kernel/seccomp.h"

/* Everything up to (not including) execve. Writes the resolved executable path to exe. Without
 * no_new_privs the seccomp filter must be loaded while we still hold CAP_SYS_ADMIN, so it is loaded here,
 * before the credentials change; with it, the caller loads it as the very last step before execve. */
int pk_process_setup(const pk_process_t *p, const pk_seccomp_prog_t *seccomp, bool setgroups_allowed,
		     char exe[PATH_MAX], pk_err_t *err);
/* Resolve args[0] through the PATH of env (execvp's rules, but with the container's PATH). */
int pk_process_find_exe(const pk_process_t *p, char exe[PATH_MAX], pk_err_t *err);
/* Run by the runtime on the waiting init (non-dumpable, so its own /proc files are not its own to open). */
int pk_process_set_oom_score(pid_t pid, const pk_process_t *p, pk_err_t *err);
/* Mark every fd above stdio close-on-exec (keep_from..: first fd to keep, for --preserve-fds; 0 = none). */
void pk_process_close_fds(int preserve_fds);
/* The final step: execve. Returns only on failure. */
int pk_process_exec(const pk_process_t *p, const char *exe, pk_err_t *err);
