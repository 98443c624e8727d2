/* linux.seccomp compiled to a BPF program by libseccomp in the runtime, and installed by the container's
 * init with seccomp(2) alone — the init needs no libseccomp and does no work after the filter is on but the
 * syscalls it must make to reach execve. */
#pragma once
#include "spec/spec.h"

typedef struct pk_seccomp_prog {
	void *insns; /* struct sock_filter[] */
	unsigned short len;
	unsigned flags; /* SECCOMP_FILTER_FLAG_* */
	int listener_sock;      /* SCMP_ACT_NOTIFY: connected to linux.seccomp.listenerPath by the runtime */
	const char *listener_metadata;
} pk_seccomp_prog_t;

/* Compiling a large profile costs milliseconds of libseccomp work; the result is kept in cache_dir (may be
 * NULL: no cache), keyed by the profile's canonical JSON and the libseccomp version, and checked against
 * the whole key when read back, so no two profiles can ever share an entry. */
int pk_seccomp_compile(const pk_seccomp_t *s, const char *cache_dir, pk_seccomp_prog_t *out, pk_err_t *err);
void pk_seccomp_prog_free(pk_seccomp_prog_t *p);
/* Load the program into the calling thread. Without no_new_privs this needs CAP_SYS_ADMIN. With a
 * listener, the notify fd goes to it with the container process state (config-linux.md "Seccomp"):
 * {"ociVersion", "fds": ["seccompFd"], "pid", "metadata", "state": <state_json>}. */
int pk_seccomp_install(const pk_seccomp_prog_t *p, pid_t pid, const char *state_json, pk_err_t *err);
