#include "kernel/mounts.h"
#include "kernel/cgroupfs_mount.h"
#include "kernel/inroot.h"
#include "kernel/mount_options.h"
#include "util/cleanup.h"
#include "util/fallback.h"
#include "util/log.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

int pk_mount_at_fd(const char *source, int target_fd, const char *type, unsigned long flags, const char *data)
{
	char target[64];
	snprintf(target, sizeof target, "/proc/self/fd/%d", target_fd);
	return mount(source, target, type, flags, data);
}

/* mount_setattr, unless --debug-fallback=mount-setattr makes it the kernel before 5.12 that has none. */
static int set_attr(int fd, unsigned flags, struct mount_attr *attr)
{
	if (pk_fallback_forced(PK_FALLBACK_MOUNT_SETATTR))
		return errno = ENOSYS, -1;
	return (int)syscall(SYS_mount_setattr, fd, "", flags, attr, sizeof *attr);
}

int pk_mount_readonly(int fd)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	if (set_attr(fd, AT_EMPTY_PATH, &attr) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
	pk_debug("mount_setattr: %s; remounting through /proc/self/fd instead", strerror(errno));
	return pk_mount_at_fd(NULL, fd, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | pk_mount_locked_flags(fd), NULL);
}

/* open_tree and move_mount came with Linux 5.2, before clone3 (5.3), which pocket needs anyway. */
int pk_mount_bind_fd(int src, int target, bool recursive, bool readonly)
{
	unsigned rec = recursive ? AT_RECURSIVE : 0;
	_cleanup_close_ int tree =
		(int)syscall(SYS_open_tree, src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | rec);
	if (tree < 0)
		return -1;
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	bool ro_done = readonly && set_attr(tree, AT_EMPTY_PATH | rec, &attr) == 0;
	if (readonly && !ro_done && errno != ENOSYS)
		return -1;
	if (syscall(SYS_move_mount, tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -1;
	/* Without mount_setattr: the tree, now in place, remounted (its top mount only). */
	return readonly && !ro_done ? pk_mount_readonly(tree) : 0;
}

/* Flags a remount must keep: in a user namespace the kernel locks nosuid/nodev/noexec/ro/atime of a
 * mount that came from a more privileged namespace, and refuses a remount that would clear them. */
unsigned long pk_mount_locked_flags(int fd)
{
	struct statvfs sv;
	if (fstatvfs(fd, &sv) < 0)
		return 0;
	static const struct {
		unsigned long st, ms;
	} map[] = {
		{ST_NOSUID, MS_NOSUID},       {ST_NODEV, MS_NODEV},         {ST_NOEXEC, MS_NOEXEC},
		{ST_NOATIME, MS_NOATIME},     {ST_NODIRATIME, MS_NODIRATIME}, {ST_RELATIME, MS_RELATIME},
	};
	unsigned long f = 0;
	for (size_t i = 0; i < PK_ARRAY_SIZE(map); i++)
		if (sv.f_flag & map[i].st)
			f |= map[i].ms;
	return f;
}

static int apply_recursive_attrs(int fd, const pk_mount_opts_t *o, const char *dest, pk_err_t *err)
{
	if (!o->rattr_set && !o->rattr_clr)
		return 0;
	struct mount_attr attr = {.attr_set = o->rattr_set, .attr_clr = o->rattr_clr};
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
		return pk_fail_errno(err, errno, "mount %s: set recursive attributes", dest);
	return 0;
}

static int bind_entry(int rootfd, int bundlefd, const pk_mount_t *m, const pk_mount_opts_t *o, pk_err_t *err)
{
	if (!m->source)
		return pk_fail(err, "mount %s: bind mount needs a source", m->destination);
	/* The source is the host's, named by the config's author: resolved normally (relative to the bundle). */
	_cleanup_close_ int src = openat(bundlefd, m->source, O_PATH | O_CLOEXEC);
	if (src < 0)
		return pk_fail_errno(err, errno, "mount %s: source %s", m->destination, m->source);
	struct stat st;
	if (fstat(src, &st) < 0)
		return pk_fail_errno(err, errno, "mount %s: source %s", m->destination, m->source);
	_cleanup_close_ int dst = pk_inroot_mktarget(rootfd, m->destination, !S_ISDIR(st.st_mode), err);
	if (dst < 0)
		return pk_err_wrap(err, "mount %s: destination", m->destination);
	char srcpath[64];
	snprintf(srcpath, sizeof srcpath, "/proc/self/fd/%d", src);
	if (pk_mount_at_fd(srcpath, dst, NULL, MS_BIND | (o->flags & MS_REC), NULL) < 0)
		return pk_fail_errno(err, errno, "mount %s: bind %s", m->destination, m->source);
	/* Re-open the destination: it now resolves to the root of the new mount, which is what the remount
	 * and the propagation change must act on. */
	_cleanup_close_ int top = pk_inroot_open(rootfd, m->destination, O_PATH, err);
	if (top < 0)
		return pk_err_wrap(err, "mount %s", m->destination);
	unsigned long extra = o->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
	if (extra) {
		if (pk_mount_at_fd(NULL, top, NULL, MS_REMOUNT | MS_BIND | extra | pk_mount_locked_flags(top), NULL) < 0)
			return pk_fail_errno(err, errno, "mount %s: remount with options", m->destination);
	}
	if (o->propagation && pk_mount_at_fd(NULL, top, NULL, o->propagation, NULL) < 0)
		return pk_fail_errno(err, errno, "mount %s: set propagation", m->destination);
	return apply_recursive_attrs(top, o, m->destination, err);
}

/* The runtime made the tree (kernel/idmap_mount.c); it goes in place like a bind mount's. */
static int idmapped_entry(int rootfd, const pk_mount_t *m, const pk_mount_opts_t *o, int tree, pk_err_t *err)
{
	struct stat st;
	if (fstat(tree, &st) < 0)
		return pk_fail_errno(err, errno, "mount %s: idmapped tree", m->destination);
	_cleanup_close_ int dst = pk_inroot_mktarget(rootfd, m->destination, !S_ISDIR(st.st_mode), err);
	if (dst < 0)
		return pk_err_wrap(err, "mount %s: destination", m->destination);
	if (syscall(SYS_move_mount, tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return pk_fail_errno(err, errno, "mount %s: move the idmapped tree in place", m->destination);
	_cleanup_close_ int top = pk_inroot_open(rootfd, m->destination, O_PATH, err);
	if (top < 0)
		return pk_err_wrap(err, "mount %s", m->destination);
	unsigned long extra = o->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
	if (extra && pk_mount_at_fd(NULL, top, NULL, MS_REMOUNT | MS_BIND | extra | pk_mount_locked_flags(top), NULL) < 0)
		return pk_fail_errno(err, errno, "mount %s: remount with options", m->destination);
	if (o->propagation && pk_mount_at_fd(NULL, top, NULL, o->propagation, NULL) < 0)
		return pk_fail_errno(err, errno, "mount %s: set propagation", m->destination);
	return apply_recursive_attrs(top, o, m->destination, err);
}

static bool is_type(const pk_mount_t *m, const char *t) { return m->type && !strcmp(m->type, t); }

static int fs_entry(int rootfd, const pk_mount_t *m, pk_mount_opts_t *o, const char *label, pk_err_t *err)
{
	/* proc and sysfs take no context; every other file system we make is labelled for the container. */
	if (label && *label && !is_type(m, "proc") && !is_type(m, "sysfs")) {
		size_t used = strlen(o->data);
		int n = snprintf(o->data + used, sizeof o->data - used, "%scontext=\"%s\"", used ? "," : "", label);
		if (n < 0 || (size_t)n >= sizeof o->data - used)
			return pk_fail(err, "mount %s: linux.mountLabel too long", m->destination);
	}
	/* proc and sysfs give the container a view of the kernel: their destination must be a real directory
	 * of the rootfs, never a symlink the image planted (CVE-2019-16884, CVE-2019-19921 class). */
	if (is_type(m, "proc") || is_type(m, "sysfs")) {
		_cleanup_close_ int probe = pk_inroot_open(rootfd, m->destination, O_PATH | O_NOFOLLOW, err);
		struct stat st;
		if (probe >= 0 && fstat(probe, &st) == 0 && !S_ISDIR(st.st_mode))
			return pk_fail(err, "mount %s: destination of a %s mount must be a directory, not a symlink or file",
				       m->destination, m->type);
	}
	_cleanup_close_ int dst = pk_inroot_mktarget(rootfd, m->destination, false, err);
	if (dst < 0)
		return pk_err_wrap(err, "mount %s: destination", m->destination);
	const char *source = m->source ? m->source : m->type;
	if (pk_mount_at_fd(source, dst, m->type, o->flags & ~MS_REC, o->data[0] ? o->data : NULL) < 0) {
		if (errno == EINVAL && o->data[0])
			return pk_fail_errno(err, errno, "mount %s (type %s): options \"%s\" refused", m->destination,
					     m->type, o->data);
		return pk_fail_errno(err, errno, "mount %s (type %s)", m->destination, m->type);
	}
	if (o->propagation || o->rattr_set || o->rattr_clr) {
		_cleanup_close_ int top = pk_inroot_open(rootfd, m->destination, O_PATH, err);
		if (top < 0)
			return pk_err_wrap(err, "mount %s", m->destination);
		if (o->propagation && pk_mount_at_fd(NULL, top, NULL, o->propagation, NULL) < 0)
			return pk_fail_errno(err, errno, "mount %s: set propagation", m->destination);
		return apply_recursive_attrs(top, o, m->destination, err);
	}
	return 0;
}

int pk_mount_entry(const pk_mount_ctx_t *ctx, const pk_mount_t *m, size_t index, pk_err_t *err)
{
	pk_mount_opts_t o;
	if (pk_mount_opts_parse(m->options, m->n_options, &o, err) < 0)
		return pk_err_wrap(err, "mount %s", m->destination);
	if (ctx->idmap_trees && ctx->idmap_trees[index] >= 0)
		return idmapped_entry(ctx->rootfd, m, &o, ctx->idmap_trees[index], err);
	if (o.tmpcopyup)
		pk_warn("mount %s: tmpcopyup is not supported yet; the tmpfs starts empty", m->destination);
	if (o.bind || is_type(m, "bind"))
		return bind_entry(ctx->rootfd, ctx->bundlefd, m, &o, err);
	if (!m->type)
		return pk_fail(err, "mount %s: type is required unless the options ask for a bind mount",
			       m->destination);
	if ((is_type(m, "cgroup") || is_type(m, "cgroup2")) && ctx->before_cgroups &&
	    ctx->before_cgroups(ctx->hook_arg, err) < 0)
		return -1;
	if (is_type(m, "cgroup"))
		return pk_cgroupfs_mount(ctx->rootfd, m, &o, ctx->cgroupns, err);
	return fs_entry(ctx->rootfd, m, &o, ctx->mount_label, err);
}
