#include "kernel/rootfs.h"
#include "kernel/devices.h"
#include "kernel/inroot.h"
#include "kernel/mounts.h"
#include "kernel/sysctl.h"
#include "util/cleanup.h"
#include "util/log.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

int pk_rootfs_prepare(pk_rootfs_t *r, const pk_spec_t *spec, bool in_userns, bool cgroupns, pk_err_t *err)
{
	/* Nothing we mount may propagate back to the host: make our copy of the host's tree a slave (or what
	 * linux.rootfsPropagation says) before the first mount. */
	unsigned long prop = spec->rootfs_propagation ? spec->rootfs_propagation : MS_SLAVE | MS_REC;
	unsigned long first = (prop & MS_SHARED) ? MS_SLAVE | MS_REC : prop;
	if (mount(NULL, "/", NULL, first | MS_REC, NULL) < 0)
		return pk_fail_errno(err, errno, "make / %s", "non-shared");
	/* pivot_root needs the new root to be a mount point. */
	if (mount(r->root_path, r->root_path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return pk_fail_errno(err, errno, "root.path %s: bind", r->root_path);
	int fd = open(r->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pk_fail_errno(err, errno, "root.path %s", r->root_path);
	close(r->rootfd);
	r->rootfd = fd;
	pk_mount_ctx_t ctx = {.rootfd = r->rootfd,
			      .bundlefd = r->bundlefd,
			      .cgroupns = cgroupns,
			      .mount_label = spec->mount_label,
			      .idmap_trees = r->idmap_trees,
			      .before_cgroups = r->before_cgroups,
			      .hook_arg = r->hook_arg};
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (pk_mount_entry(&ctx, &spec->mounts[i], i, err) < 0)
			return pk_err_wrap(err, "mounts[%zu]", i);
	if (r->before_cgroups && r->before_cgroups(r->hook_arg, err) < 0)
		return -1;
	if (pk_devices_create(r->rootfd, spec, in_userns, err) < 0)
		return -1;
	/* process.cwd is made here, while the rootfs may still be written (root.readonly comes later). */
	if (spec->process.cwd) {
		int cwd = pk_inroot_mkdir_p(r->rootfd, spec->process.cwd, 0755, err);
		if (cwd < 0)
			return pk_err_wrap(err, "process.cwd %s", spec->process.cwd);
		close(cwd);
	}
	if (spec->rootfs_propagation & MS_SHARED) {
		if (pk_mount_at_fd(NULL, r->rootfd, NULL, spec->rootfs_propagation, NULL) < 0)
			return pk_fail_errno(err, errno, "linux.rootfsPropagation");
	}
	return 0;
}

int pk_rootfs_pivot(pk_rootfs_t *r, pk_err_t *err)
{
	_cleanup_close_ int oldroot = open("/", O_DIRECTORY | O_PATH | O_CLOEXEC);
	if (oldroot < 0)
		return pk_fail_errno(err, errno, "open /");
	if (fchdir(r->rootfd) < 0)
		return pk_fail_errno(err, errno, "chdir to rootfs");
	/* pivot_root(".", ".") stacks the old root under the new one; unmounting "." afterwards (from the old
	 * root's point of view) detaches it without needing a directory for it in the image. */
	int rc = r->no_pivot ? (errno = EINVAL, -1) : (int)syscall(SYS_pivot_root, ".", ".");
	if (rc == 0) {
		if (fchdir(oldroot) < 0)
			return pk_fail_errno(err, errno, "chdir to old root");
		if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			return pk_fail_errno(err, errno, "make old root a slave");
		if (umount2(".", MNT_DETACH) < 0)
			return pk_fail_errno(err, errno, "detach old root");
	} else if (errno == EINVAL) {
		/* The rootfs lives on the initramfs (ramfs), which cannot be pivoted away from: move it over
		 * "/" and chroot, as the kernel's own switch_root does. */
		pk_debug("pivot_root: %s; falling back to MS_MOVE and chroot",
			 r->no_pivot ? "--no-pivot given" : strerror(errno));
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
			return pk_fail_errno(err, errno, "move rootfs over /");
		if (chroot(".") < 0)
			return pk_fail_errno(err, errno, "chroot");
	} else {
		return pk_fail_errno(err, errno, "pivot_root");
	}
	if (chdir("/") < 0)
		return pk_fail_errno(err, errno, "chdir /");
	return 0;
}

/* Every masked directory shows the same empty read-only tmpfs, made once (with the new mount API: the
 * container may have no /proc to name a target through) and bound over each: a mount where each would
 * otherwise make, and later tear down, a file system of its own. */
static int mask_dir(int target, int *shared, const char *path, pk_err_t *err)
{
	if (*shared < 0) {
		_cleanup_close_ int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
		if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", "0", 0) < 0 ||
		    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 ||
		    syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 ||
		    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
		    (*shared = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
					    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)) < 0)
			return pk_fail_errno(err, errno, "linux.maskedPaths: %s: make the empty file system", path);
		/* The first directory gets the new mount itself: a kernel before 6.15 clones only mounts of our
		 * own namespace (EINVAL for a detached one), and this one is ours once it is in place. */
		if (syscall(SYS_move_mount, *shared, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return pk_fail_errno(err, errno, "linux.maskedPaths: %s", path);
		return 0;
	}
	if (pk_mount_bind_fd(*shared, target, false, false) < 0)
		return pk_fail_errno(err, errno, "linux.maskedPaths: %s", path);
	return 0;
}

static int mask_path(const char *path, int devnull, int *shared_dir, pk_err_t *err)
{
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return pk_fail_errno(err, errno, "linux.maskedPaths: %s", path);
	}
	_cleanup_close_ int target = fd;
	struct stat st;
	if (fstat(target, &st) < 0)
		return pk_fail_errno(err, errno, "linux.maskedPaths: %s", path);
	if (S_ISDIR(st.st_mode))
		return mask_dir(target, shared_dir, path, err);
	if (pk_mount_bind_fd(devnull, target, false, false) < 0)
		return pk_fail_errno(err, errno, "linux.maskedPaths: %s", path);
	return 0;
}

/* A read-only bind of the path over itself, its submounts included. */
static int readonly_path(const char *path, pk_err_t *err)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return pk_fail_errno(err, errno, "linux.readonlyPaths: %s", path);
	}
	if (pk_mount_bind_fd(fd, fd, true, true) < 0)
		return pk_fail_errno(err, errno, "linux.readonlyPaths: %s", path);
	return 0;
}

int pk_rootfs_finish(const pk_spec_t *spec, pk_err_t *err)
{
	if (pk_sysctl_apply(spec, err) < 0)
		return -1;
	if (spec->masked_paths && spec->masked_paths[0]) {
		/* The mask is the container's /dev/null only once it is proven to be the null device: an image
		 * could have put a symlink or another file there (CVE-2025-31133 class). */
		_cleanup_close_ int devnull = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (devnull < 0 || fstat(devnull, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
			return pk_fail(err, "linux.maskedPaths: /dev/null in the container is not the null device");
		_cleanup_close_ int shared_dir = -1;
		for (char **p = spec->masked_paths; *p; p++)
			if (mask_path(*p, devnull, &shared_dir, err) < 0)
				return -1;
	}
	for (char **p = spec->readonly_paths; p && *p; p++)
		if (readonly_path(*p, err) < 0)
			return -1;
	if (spec->root_readonly) {
		_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0 || pk_mount_readonly(root) < 0)
			return pk_fail_errno(err, errno, "root.readonly: remount / read-only");
	}
	return 0;
}
