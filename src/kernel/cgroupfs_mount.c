#include "kernel/cgroupfs_mount.h"
#include "cgroup/host_mounts.h"
#include "kernel/inroot.h"
#include "kernel/mounts.h"
#include "util/cleanup.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define HOST_CGROUP_ROOT "/sys/fs/cgroup"

/* Our own cgroup path in the hierarchy whose /proc/self/cgroup line has `controllers` ("" for v2). */
static int own_cgroup(const char *controllers, char *out, size_t size)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return -1;
	char line[1024];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		if (!strcmp(c1 + 1, controllers)) {
			snprintf(out, size, "%s", c2 + 1);
			return 0;
		}
	}
	return -1;
}

/* in: the fresh tmpfs the v1 hierarchies go on (nothing of the image's is there: the host's name of a
 * hierarchy is made in it directly), or -1 for the destination itself (pure v2). */
static int mount_one(int rootfd, int in, const char *dest, const char *sub, const char *fstype, const char *ctl,
		     bool cgroupns, unsigned long flags, pk_err_t *err)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dest, sub);
	_cleanup_close_ int dst = -1;
	if (in < 0)
		dst = pk_inroot_mkdir_p(rootfd, path, 0755, err);
	else if ((mkdirat(in, sub, 0755) < 0 && errno != EEXIST) ||
		 (dst = openat(in, sub, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		pk_fail_errno(err, errno, "%s", path);
	if (dst < 0)
		return pk_err_wrap(err, "mount %s", path);
	bool v2 = !strcmp(fstype, "cgroup2");
	if (cgroupns) {
		if (pk_mount_at_fd(fstype, dst, fstype, flags, v2 ? NULL : ctl) == 0)
			return 0;
		/* A rootless config binds the host's /sys, and with it the host's cgroup2, on which the kernel
		 * refuses its own file system (EBUSY): the fresh one goes on a tmpfs over it. */
		if (v2 && errno == EBUSY) {
			if (pk_mount_at_fd("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
				return pk_fail_errno(err, errno, "mount %s (tmpfs over the host's cgroup2)", path);
			close(dst);
			dst = pk_inroot_open(rootfd, path, O_PATH, err);
			if (dst < 0)
				return pk_err_wrap(err, "mount %s", path);
			if (pk_mount_at_fd(fstype, dst, fstype, flags, NULL) == 0)
				return 0;
		}
		/* In a user namespace the kernel refuses a fresh cgroup v1 mount: bind our own cgroup instead,
		 * as crun and runc do for rootless containers. */
		if (errno != EPERM)
			return pk_fail_errno(err, errno, "mount %s (type %s)", path, fstype);
	}
	char own[PATH_MAX] = "/", src[PATH_MAX];
	own_cgroup(v2 ? "" : ctl, own, sizeof own);
	char mp[PATH_MAX];
	snprintf(mp, sizeof mp, "%s%s%s", HOST_CGROUP_ROOT, *sub ? "/" : "", sub);
	snprintf(src, sizeof src, "%s%s", mp, own);
	char target[64];
	snprintf(target, sizeof target, "/proc/self/fd/%d", dst);
	if (mount(src, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return pk_fail_errno(err, errno, "mount %s: bind %s", path, src);
	_cleanup_close_ int top = pk_inroot_open(rootfd, path, O_PATH, err);
	if (top < 0)
		return -1;
	if (pk_mount_at_fd(NULL, top, NULL, MS_REMOUNT | MS_BIND | flags, NULL) < 0)
		return pk_fail_errno(err, errno, "mount %s: remount", path);
	return 0;
}

int pk_cgroupfs_mount(int rootfd, const pk_mount_t *m, const pk_mount_opts_t *o, bool cgroupns, pk_err_t *err)
{
	unsigned long flags = o->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME);
	const pk_cgroup_mount_t *mounts;
	size_t n;
	if (pk_cgroup_host_mounts(&mounts, &n, err) < 0)
		return pk_err_wrap(err, "mount %s", m->destination);
	_cleanup_close_ int tmpfs = -1; /* the tmpfs for the v1 hierarchies, once mounted */
	for (size_t i = 0; i < n; i++) {
		const char *mp = mounts[i].path, *fstype = mounts[i].v2 ? "cgroup2" : "cgroup";
		if (!strcmp(mp, HOST_CGROUP_ROOT)) {
			/* pure v2: one mount, the container's own subtree */
			return mount_one(rootfd, -1, m->destination, "", fstype, "", cgroupns, flags, err);
		}
		/* On a hybrid host the v1 hierarchies are the container's view, as runc gives it; the bare
		 * cgroup2 mount beside them holds no controller a container could use. */
		if (!strcmp(fstype, "cgroup2"))
			continue;
		if (tmpfs < 0) {
			_cleanup_close_ int dst = pk_inroot_mkdir_p(rootfd, m->destination, 0755, err);
			if (dst < 0)
				return pk_err_wrap(err, "mount %s", m->destination);
			if (pk_mount_at_fd("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
				return pk_fail_errno(err, errno, "mount %s (tmpfs for cgroup v1)", m->destination);
			tmpfs = pk_inroot_open(rootfd, m->destination, O_PATH | O_DIRECTORY, err);
			if (tmpfs < 0)
				return pk_err_wrap(err, "mount %s", m->destination);
		}
		if (mount_one(rootfd, tmpfs, m->destination, mp + sizeof HOST_CGROUP_ROOT, fstype, mounts[i].options,
			      cgroupns, flags, err) < 0)
			return -1;
	}
	/* The tmpfs holding the hierarchies stays writable, as runc leaves it; "ro" is each hierarchy's. */
	return 0;
}
