/* CVE-2019-5736 class: a container process that can reach /proc/<pid>/exe of a runtime process that joined
 * its namespaces could reopen the runtime's binary for writing once that process is gone, and so rewrite
 * the host's runtime.
 *
 * Every runtime process that enters a container is non-dumpable from its first instruction (the runtime
 * makes itself non-dumpable before it clones), so its /proc/<pid>/exe opens only for a process holding
 * CAP_SYS_PTRACE in the user namespace of its memory, the host's. A container process can hold that only
 * when the container has no user namespace of its own and CAP_SYS_PTRACE is in its bounding set (or when
 * it shares a pid namespace with processes we know nothing of). In exactly those cases the command runs
 * from a sealed in-memory copy of the binary, so /proc/self/exe is a memfd nobody can write; in all others
 * the copy would cost a re-execution and buy nothing. Commands that never enter a container (state, list,
 * kill, delete) are never re-executed. */
#pragma once
#include "spec/spec.h"

/* Does a container with this config and a process with these capabilities need the sealed copy? */
bool pk_selfexe_needed(const pk_spec_t *spec, const pk_caps_t *process_caps);
/* Returns 0 when already running from a sealed copy; otherwise re-executes from one (and does not return
 * on success). */
int pk_selfexe_ensure_sealed(char **argv, pk_err_t *err);
/* The runtime's argv, for the re-execution (set once by main). */
void pk_selfexe_set_argv(char **argv);
int pk_selfexe_protect(const pk_spec_t *spec, const pk_caps_t *process_caps, pk_err_t *err);
