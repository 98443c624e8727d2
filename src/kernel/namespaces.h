/* Namespaces: joining the ones the config names by path, and the set-up that follows creating new ones
 * (user mappings, time offsets, the loopback interface of a new network namespace). */
#pragma once
#include "spec/spec.h"

/* CLONE_NEW* flags of the namespaces the config asks to create (no path). */
int pk_ns_new_flags(const pk_spec_t *spec);
/* Open every namespace path of the config (in the runtime, before clone3), so a bad path fails early and the
 * child joins by fd. fds[t] = -1 where nothing is joined. */
int pk_ns_open_paths(const pk_spec_t *spec, int fds[PK_NS_COUNT], pk_err_t *err);
void pk_ns_close_fds(int fds[PK_NS_COUNT]);
int pk_ns_join(enum pk_ns_type t, int fd, pk_err_t *err);
/* Write /proc/<pid>/{setgroups,uid_map,gid_map} for a child in a new user namespace. */
int pk_userns_write_maps(pid_t pid, const pk_spec_t *spec, pk_err_t *err);
/* A new time namespace is made in two steps: the child unshares it (it applies to the child's children
 * only), the runtime writes linux.timeOffsets into /proc/<pid>/timens_offsets (possible only while no
 * process is in it; the child is non-dumpable, so only the runtime may open that file), and the child
 * enters it itself. */
int pk_timens_unshare(pk_err_t *err);
int pk_timens_write_offsets(pid_t pid, const pk_spec_t *spec, pk_err_t *err);
int pk_timens_enter(pk_err_t *err);
/* In the child, in a new network namespace: bring "lo" up. */
int pk_net_loopback_up(pk_err_t *err);
