/* Carrying out the config's `mounts` inside the rootfs, before pivot_root. */
#pragma once
#include "spec/spec.h"

typedef struct pk_mount_ctx {
	int rootfd;   /* the rootfs, everything is resolved inside it */
	int bundlefd; /* relative bind sources are taken from the bundle */
	bool cgroupns; /* the container has a new cgroup namespace */
	const char *mount_label; /* linux.mountLabel: the SELinux context of the file systems we mount */
	const int *idmap_trees;  /* per entry of mounts: a detached idmapped tree to move in place, or -1 */
	int (*before_cgroups)(void *arg, pk_err_t *err); /* see kernel/rootfs.h */
	void *hook_arg;
} pk_mount_ctx_t;

/* Mount one entry of `mounts` at its destination inside the rootfs. */
int pk_mount_entry(const pk_mount_ctx_t *ctx, const pk_mount_t *m, size_t index, pk_err_t *err);
/* The flags a bind remount of the mount at fd must repeat (nosuid, nodev, noexec, atime): in a user
 * namespace the kernel locks them, and refuses a remount that would clear them. */
unsigned long pk_mount_locked_flags(int fd);
/* mount(2) on an fd: the target is /proc/self/fd/N, which the kernel resolves to the object itself. */
int pk_mount_at_fd(const char *source, int target_fd, const char *type, unsigned long flags, const char *data);
/* With the new mount API, which needs no /proc (the steps after pivot_root run in a container that may have
 * none), falling back to mount(2) through /proc/self/fd where the kernel lacks mount_setattr (before 5.12;
 * those steps then need a /proc in the container):
 *   pk_mount_bind_fd:  bind what src is (recursively: with its submounts) over target, read-only if asked;
 *   pk_mount_readonly: make the mount at fd read-only, keeping its other flags. */
int pk_mount_bind_fd(int src, int target, bool recursive, bool readonly);
int pk_mount_readonly(int fd);
