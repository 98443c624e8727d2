#include "kernel/devices.h"
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
#include <sys/sysmacros.h>
#include <unistd.h>

static const pk_device_t default_devices[] = {
	{.path = "/dev/null", .type = 'c', .major = 1, .minor = 3, .file_mode = 0666, .has_file_mode = true},
	{.path = "/dev/zero", .type = 'c', .major = 1, .minor = 5, .file_mode = 0666, .has_file_mode = true},
	{.path = "/dev/full", .type = 'c', .major = 1, .minor = 7, .file_mode = 0666, .has_file_mode = true},
	{.path = "/dev/random", .type = 'c', .major = 1, .minor = 8, .file_mode = 0666, .has_file_mode = true},
	{.path = "/dev/urandom", .type = 'c', .major = 1, .minor = 9, .file_mode = 0666, .has_file_mode = true},
	{.path = "/dev/tty", .type = 'c', .major = 5, .minor = 0, .file_mode = 0666, .has_file_mode = true},
};

static const struct {
	const char *target, *path;
} default_links[] = {
	{"/proc/self/fd", "/dev/fd"},
	{"/proc/self/fd/0", "/dev/stdin"},
	{"/proc/self/fd/1", "/dev/stdout"},
	{"/proc/self/fd/2", "/dev/stderr"},
	{"pts/ptmx", "/dev/ptmx"},
};

static int bind_host_node(int parent, const char *name, const pk_device_t *d, pk_err_t *err)
{
	_cleanup_close_ int t = openat(parent, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0000);
	if (t < 0 && errno != EEXIST)
		return pk_fail_errno(err, errno, "device %s: create mount target", d->path);
	_cleanup_close_ int target = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return pk_fail_errno(err, errno, "device %s", d->path);
	/* The source is the host's node of the same path: it must be the device the config names. */
	_cleanup_close_ int src = open(d->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (src < 0 || fstat(src, &st) < 0)
		return pk_fail_errno(err, errno, "device %s: no host node to bind", d->path);
	if (st.st_rdev != makedev((unsigned)d->major, (unsigned)d->minor))
		return pk_fail(err, "device %s: host node is not %lld:%lld", d->path, (long long)d->major,
			       (long long)d->minor);
	char s[64];
	snprintf(s, sizeof s, "/proc/self/fd/%d", src);
	if (pk_mount_at_fd(s, target, NULL, MS_BIND, NULL) < 0)
		return pk_fail_errno(err, errno, "device %s: bind from host", d->path);
	return 0;
}

static int create_device(int rootfd, pk_inroot_dircache_t *dirs, const pk_device_t *d, bool in_userns, pk_err_t *err)
{
	char name[NAME_MAX + 1];
	int parent = pk_inroot_parent_cached(dirs, rootfd, d->path, name, sizeof name, err);
	if (parent < 0)
		return pk_err_wrap(err, "device %s", d->path);
	mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
	mode_t mode = d->has_file_mode ? d->file_mode & 07777 : 0666;
	if (in_userns && d->type != 'p')
		return bind_host_node(parent, name, d, err);
	unlinkat(parent, name, 0); /* replace whatever the image had there */
	if (mknodat(parent, name, type | mode, makedev((unsigned)d->major, (unsigned)d->minor)) < 0) {
		if (errno == EPERM)
			return bind_host_node(parent, name, d, err);
		return pk_fail_errno(err, errno, "device %s: mknod", d->path);
	}
	/* mknod honours the umask; the config's mode is exact. */
	if (fchmodat(parent, name, mode, 0) < 0)
		return pk_fail_errno(err, errno, "device %s: chmod", d->path);
	if ((d->has_uid || d->has_gid) &&
	    fchownat(parent, name, d->has_uid ? d->uid : (uid_t)-1, d->has_gid ? d->gid : (gid_t)-1,
		     AT_SYMLINK_NOFOLLOW) < 0)
		return pk_fail_errno(err, errno, "device %s: chown", d->path);
	return 0;
}

static void dircache_release(pk_inroot_dircache_t *c) { pk_inroot_dircache_release(c); }

int pk_devices_create(int rootfd, const pk_spec_t *spec, bool in_userns, pk_err_t *err)
{
	__attribute__((cleanup(dircache_release))) pk_inroot_dircache_t dirs = PK_INROOT_DIRCACHE_INIT;
	for (size_t i = 0; i < PK_ARRAY_SIZE(default_devices); i++) {
		bool overridden = false;
		for (size_t j = 0; j < spec->n_devices; j++)
			overridden |= !strcmp(spec->devices[j].path, default_devices[i].path);
		if (!overridden && create_device(rootfd, &dirs, &default_devices[i], in_userns, err) < 0)
			return -1;
	}
	for (size_t j = 0; j < spec->n_devices; j++)
		if (create_device(rootfd, &dirs, &spec->devices[j], in_userns, err) < 0)
			return -1;
	for (size_t i = 0; i < PK_ARRAY_SIZE(default_links); i++) {
		char name[NAME_MAX + 1];
		int parent = pk_inroot_parent_cached(&dirs, rootfd, default_links[i].path, name, sizeof name, err);
		if (parent < 0)
			return -1;
		if (!strcmp(name, "ptmx"))
			unlinkat(parent, name, 0); /* an image's ptmx node would bypass the container's devpts */
		if (symlinkat(default_links[i].target, parent, name) < 0 && errno != EEXIST)
			return pk_fail_errno(err, errno, "symlink %s", default_links[i].path);
	}
	_cleanup_close_ int shm = pk_inroot_mkdir_p(rootfd, "/dev/shm", 01777, err);
	return shm < 0 ? -1 : 0;
}
