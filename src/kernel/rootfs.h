/* The container's filesystem view, built by its init before pivot_root:
 *   pk_rootfs_prepare: propagation of "/", the rootfs made a mount point, every `mounts` entry in order,
 *                      devices;
 *   pk_rootfs_pivot:   pivot_root into it (MS_MOVE + chroot where pivot_root cannot work), old root detached;
 *   pk_rootfs_finish:  sysctl, masked and readonly paths, root.readonly — in the container's own view. */
#pragma once
#include "spec/spec.h"

typedef struct pk_rootfs {
	int rootfd;   /* O_PATH fd of the rootfs directory (a mount point after prepare) */
	int bundlefd; /* the bundle directory */
	const char *root_path;
	bool no_pivot; /* move the rootfs over "/" and chroot, as where pivot_root is impossible */
	const int *idmap_trees; /* per entry of mounts: the runtime's detached idmapped tree, or -1 */
	/* Called before the first mount that shows cgroups (cgroup, cgroup2) and before device nodes are made:
	 * the init enters its cgroups there (container/init.c). Several calls must be harmless. */
	int (*before_cgroups)(void *arg, pk_err_t *err);
	void *hook_arg;
} pk_rootfs_t;

int pk_rootfs_prepare(pk_rootfs_t *r, const pk_spec_t *spec, bool in_userns, bool cgroupns, pk_err_t *err);
int pk_rootfs_pivot(pk_rootfs_t *r, pk_err_t *err);
int pk_rootfs_finish(const pk_spec_t *spec, pk_err_t *err);
