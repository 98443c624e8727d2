/* The container process's own settings, applied by its init after pivot_root: rlimits, oom score, the
 * working directory (inside the rootfs only), credentials and capabilities, no_new_privs; then the
 * executable is found in process.env's PATH and exec'd with nothing but stdio open. */
#pragma once
#include "spec/spec.h"
#include <limits.h>

/* Before the credentials change: rlimits, the working directory, and the executable found (into exe). */
int pk_process_prepare(const pk_process_t *p, char exe[PATH_MAX], pk_err_t *err);
/* The credentials: bounding set, groups, gid, uid, capability sets, no_new_privs, umask. */
int pk_process_drop_privileges(const pk_process_t *p, bool setgroups_allowed, pk_err_t *err);
/* Resolve args[0] through the PATH of env (execvp's rules, but with the container's PATH). */
int pk_process_find_exe(const pk_process_t *p, char exe[PATH_MAX], pk_err_t *err);
/* Run by the runtime on the waiting init (non-dumpable, so its own /proc files are not its own to open). */
int pk_process_set_oom_score(pid_t pid, const pk_process_t *p, pk_err_t *err);
/* HOME, when the process's environment has none: from the (container's) /etc/passwd, as runc does. */
int pk_process_default_home(pk_process_t *p, pk_err_t *err);
/* What the program starts with: default signal handling, nothing blocked, and every fd above stdio and the
 * preserve_fds after it (--preserve-fds, LISTEN_FDS) close-on-exec. */
void pk_process_clean_slate(int preserve_fds);
/* The final step: execve. Returns only on failure. */
int pk_process_exec(const pk_process_t *p, const char *exe, pk_err_t *err);
