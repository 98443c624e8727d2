#include "kernel/inroot.h"
#include "util/cleanup.h"
#include "util/fallback.h"

#define PROC_ROOT_INO 1
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>


/* openat2's RESOLVE_NO_MAGICLINKS for the walk: a symlink in a procfs directory other than /proc itself
 * (/proc/<pid>/fd/N, cwd, root, exe, ns/...) is a magic link, whose "target" is an object anywhere,
 * never text to resolve in the root. */
static bool is_magic_link(int rootfd, const char *parent)
{
	_cleanup_close_ int dir = openat(rootfd, *parent ? parent : ".", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct statfs sf;
	if (dir < 0 || fstatfs(dir, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
		return false;
	/* The proc root holds plain symlinks (self, thread-self, mounts, net): its inode is 1. */
	struct stat st;
	return fstat(dir, &st) < 0 || st.st_ino != PROC_ROOT_INO;
}

/* The fallback: resolve component by component, each opened O_NOFOLLOW relative to the directory resolved
 * so far. `resolved` holds the symlink-free path from the root, so ".." is lexical on it and a symlink is
 * expanded by splicing its target into the rest of the path (absolute targets restart at the root). */
static int walk_open(int rootfd, const char *path, int flags, pk_err_t *err)
{
	char rest[PATH_MAX * 2], resolved[PATH_MAX] = "";
	if (snprintf(rest, sizeof rest, "%s", path) >= (int)sizeof rest)
		return pk_fail(err, "%s: path too long", path);
	int links = 0;
	char *p = rest;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		char comp[NAME_MAX + 1];
		if (len > NAME_MAX)
			return pk_fail_errno(err, ENAMETOOLONG, "%s", path);
		memcpy(comp, p, len);
		comp[len] = '\0';
		p += len;
		bool last = !*p || !p[strspn(p, "/")];
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			char *s = strrchr(resolved, '/');
			if (s)
				*s = '\0';
			else
				resolved[0] = '\0';
			continue;
		}
		char next[PATH_MAX];
		if (snprintf(next, sizeof next, "%s%s%s", resolved, *resolved ? "/" : "", comp) >= (int)sizeof next)
			return pk_fail_errno(err, ENAMETOOLONG, "%s", path);
		struct stat st;
		if (fstatat(rootfd, next, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode) &&
		    !(last && (flags & O_NOFOLLOW))) {
			if (is_magic_link(rootfd, resolved))
				return pk_fail_errno(err, ELOOP, "%s: goes through a /proc magic link", path);
			if (++links > 40)
				return pk_fail_errno(err, ELOOP, "%s", path);
			char target[PATH_MAX];
			ssize_t n = readlinkat(rootfd, next, target, sizeof target - 1);
			if (n < 0)
				return pk_fail_errno(err, errno, "readlink %s", next);
			target[n] = '\0';
			char joined[PATH_MAX * 2];
			if (snprintf(joined, sizeof joined, "%s/%s", target, p) >= (int)sizeof joined)
				return pk_fail_errno(err, ENAMETOOLONG, "%s", path);
			if (target[0] == '/')
				resolved[0] = '\0';
			memcpy(rest, joined, sizeof joined);
			p = rest;
			continue;
		}
		memcpy(resolved, next, sizeof resolved);
	}
	/* Every component of `resolved` was checked above; opening it relative to rootfd with O_NOFOLLOW
	 * on the last one cannot leave the root unless the tree changes under us, which the caller rules
	 * out by doing this before any container process runs. */
	int fd = openat(rootfd, *resolved ? resolved : ".", flags | O_NOFOLLOW | O_CLOEXEC, 0);
	if (fd < 0)
		return pk_fail_errno(err, errno, "%s", path);
	return fd;
}

int pk_inroot_open(int rootfd, const char *path, int flags, pk_err_t *err)
{
	if (!pk_fallback_forced(PK_FALLBACK_OPENAT2)) {
		struct open_how how = {
			.flags = (uint64_t)(flags | O_CLOEXEC),
			.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};
		int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS && errno != EPERM)
			return pk_fail_errno(err, errno, "%s", path);
	}
	return walk_open(rootfd, path, flags, err);
}

/* "a/b/c" into "a/b/" (into dir) and "c" (into name); "c" alone into "." and "c". */
static int split_path(const char *path, char dir[PATH_MAX], char *name, size_t name_size, pk_err_t *err)
{
	if (snprintf(dir, PATH_MAX, "%s", path) >= PATH_MAX)
		return pk_fail_errno(err, ENAMETOOLONG, "%s", path);
	size_t l = strlen(dir);
	while (l > 1 && dir[l - 1] == '/')
		dir[--l] = '\0';
	char *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : dir;
	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		return pk_fail(err, "%s: not a valid file path", path);
	if (snprintf(name, name_size, "%s", base) >= (int)name_size)
		return pk_fail_errno(err, ENAMETOOLONG, "%s", path);
	if (slash)
		slash[1] = '\0';
	else
		strcpy(dir, ".");
	return 0;
}

int pk_inroot_parent(int rootfd, const char *path, bool create, char *name, size_t name_size, pk_err_t *err)
{
	char dir[PATH_MAX];
	if (split_path(path, dir, name, name_size, err) < 0)
		return -1;
	if (create)
		return pk_inroot_mkdir_p(rootfd, dir, 0755, err);
	return pk_inroot_open(rootfd, dir, O_PATH | O_DIRECTORY, err);
}

int pk_inroot_parent_cached(pk_inroot_dircache_t *c, int rootfd, const char *path, char *name, size_t name_size,
			    pk_err_t *err)
{
	char dir[PATH_MAX];
	if (split_path(path, dir, name, name_size, err) < 0)
		return -1;
	if (c->fd >= 0 && !strcmp(c->dir, dir))
		return c->fd;
	int fd = pk_inroot_mkdir_p(rootfd, dir, 0755, err);
	if (fd < 0)
		return -1;
	pk_inroot_dircache_release(c);
	c->fd = fd;
	memcpy(c->dir, dir, sizeof c->dir);
	return fd;
}

void pk_inroot_dircache_release(pk_inroot_dircache_t *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int pk_inroot_mkdir_p(int rootfd, const char *path, mode_t mode, pk_err_t *err)
{
	int fd = pk_inroot_open(rootfd, path, O_PATH | O_DIRECTORY, err);
	if (fd >= 0 || err->errnum != ENOENT)
		return fd;
	char name[NAME_MAX + 1];
	_cleanup_close_ int parent = pk_inroot_parent(rootfd, path, true, name, sizeof name, err);
	if (parent < 0)
		return -1;
	if (mkdirat(parent, name, mode) < 0 && errno != EEXIST)
		return pk_fail_errno(err, errno, "mkdir %s", path);
	/* Open the new directory relative to its parent, never again through the root: a symlink put in its
	 * place is refused by O_NOFOLLOW. */
	fd = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pk_fail_errno(err, errno, "open %s", path);
	return fd;
}

int pk_inroot_mktarget(int rootfd, const char *path, bool file, pk_err_t *err)
{
	if (!file)
		return pk_inroot_mkdir_p(rootfd, path, 0755, err);
	int fd = pk_inroot_open(rootfd, path, O_PATH, err);
	if (fd >= 0 || err->errnum != ENOENT)
		return fd;
	char name[NAME_MAX + 1];
	_cleanup_close_ int parent = pk_inroot_parent(rootfd, path, true, name, sizeof name, err);
	if (parent < 0)
		return -1;
	_cleanup_close_ int nf = openat(parent, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (nf < 0 && errno != EEXIST)
		return pk_fail_errno(err, errno, "create %s", path);
	fd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pk_fail_errno(err, errno, "open %s", path);
	return fd;
}
