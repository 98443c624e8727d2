#include "util/fs.h"
#include "util/cleanup.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pk_read_file_at(int dirfd, const char *name, char **out, size_t *len, pk_err_t *err)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pk_fail_errno(err, errno, "open %s", name);
	return pk_read_fd(fd, name, out, len, err);
}

int pk_read_fd(int fd, const char *name, char **out, size_t *len, pk_err_t *err)
{
	size_t cap = 4096, n = 0;
	_cleanup_free_ char *buf = malloc(cap);
	if (!buf)
		return pk_fail_errno(err, ENOMEM, "read %s", name);
	for (;;) {
		if (n + 1 >= cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb)
				return pk_fail_errno(err, ENOMEM, "read %s", name);
			buf = nb;
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return pk_fail_errno(err, errno, "read %s", name);
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	*out = pk_steal_ptr(&buf);
	return 0;
}

int pk_read_file(const char *path, char **out, size_t *len, pk_err_t *err)
{
	return pk_read_file_at(AT_FDCWD, path, out, len, err);
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int pk_write_file_atomic_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode, pk_err_t *err)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, ".%s.%d.tmp", name, (int)getpid());
	_cleanup_close_ int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return pk_fail_errno(err, errno, "create %s", name);
	if (write_all(fd, data, len) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return pk_fail_errno(err, e, "write %s", name);
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return pk_fail_errno(err, e, "rename %s", name);
	}
	return 0;
}

int pk_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode, pk_err_t *err)
{
	_cleanup_free_ char *copy = strdup(path);
	if (!copy)
		return pk_fail_errno(err, ENOMEM, "%s", path);
	char *slash = strrchr(copy, '/');
	const char *dir = ".", *name = copy;
	if (slash) {
		*slash = '\0';
		dir = slash == copy ? "/" : copy;
		name = slash + 1;
	}
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return pk_fail_errno(err, errno, "open directory of %s", path);
	if (pk_write_file_atomic_at(dfd, name, data, len, mode, err) < 0)
		return pk_err_wrap(err, "%s", path);
	return 0;
}

int pk_write_file(const char *path, const char *data, pk_err_t *err)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return pk_fail_errno(err, errno, "open %s", path);
	if (write_all(fd, data, strlen(data)) < 0)
		return pk_fail_errno(err, errno, "write %s", path);
	return 0;
}

int pk_mkdir_p(const char *path, mode_t mode, pk_err_t *err)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return pk_fail(err, "%s: path too long", path);
	/* Usually all there but the last level, or all of it: one call. */
	if (mkdir(buf, mode) == 0 || errno == EEXIST)
		return 0;
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return pk_fail_errno(err, errno, "mkdir %s", buf);
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

int pk_rm_rf_at(int dirfd, const char *name, pk_err_t *err)
{
	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return pk_fail_errno(err, errno, "remove %s", name);
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pk_fail_errno(err, errno, "open %s", name);
	DIR *d = fdopendir(fd);
	if (!d)
		return pk_fail_errno(err, errno, "open %s", name);
	int dfd = pk_steal_fd(&fd);
	_cleanup_closedir_ DIR *dir = d;
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (pk_rm_rf_at(dfd, de->d_name, err) < 0)
			return -1;
	}
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return pk_fail_errno(err, errno, "remove %s", name);
	return 0;
}
