#include "container/state.h"
#include "cgroup/cgroup.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int pk_id_validate(const char *id, pk_err_t *err)
{
	if (!id || !*id)
		return pk_fail(err, "container ID: must not be empty");
	if (strlen(id) > 1024)
		return pk_fail(err, "container ID: longer than 1024 characters");
	if (!strcmp(id, ".") || !strcmp(id, ".."))
		return pk_fail(err, "container ID \"%s\": invalid", id);
	for (const char *p = id; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '-' || c == '.' || c == '+'))
			return pk_fail(err, "container ID \"%s\": invalid character '%c' (allowed: letters, digits, "
				       "and _ - . +)", id, c);
	}
	return 0;
}

int pk_state_open(const char *root, const char *id, bool exclusive, pk_err_t *err)
{
	if (pk_id_validate(id, err) < 0)
		return -1;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", root, id);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			err->errnum = ENOENT;
			snprintf(err->msg, sizeof err->msg, "container \"%s\" does not exist", id);
			return -1;
		}
		return pk_fail_errno(err, errno, "open state of %s", id);
	}
	if (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
		int e = errno;
		close(fd);
		return pk_fail_errno(err, e, "lock state of %s", id);
	}
	/* It may have been deleted while we waited for the lock. */
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_nlink == 0) {
		close(fd);
		err->errnum = ENOENT;
		snprintf(err->msg, sizeof err->msg, "container \"%s\" does not exist", id);
		return -1;
	}
	return fd;
}

static char *dup_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? strdup(s) : NULL;
}

int pk_state_load(int dirfd, pk_state_t *st, pk_err_t *err)
{
	_cleanup_free_ char *text = NULL;
	memset(st, 0, sizeof *st);
	if (pk_read_file_at(dirfd, "state.json", &text, NULL, err) < 0)
		return pk_err_wrap(err, "read container state");
	json_error_t je;
	json_t *o = json_loads(text, 0, &je);
	if (!o)
		return pk_fail(err, "container state is corrupt: %s", je.text);
	st->id = dup_str(o, "id");
	st->bundle = dup_str(o, "bundle");
	st->rootfs = dup_str(o, "rootfs");
	st->created = dup_str(o, "created");
	st->owner = dup_str(o, "owner");
	st->cgroup_path = dup_str(o, "cgroup_path");
	st->creating = json_is_true(json_object_get(o, "creating"));
	st->pid = (pid_t)json_integer_value(json_object_get(o, "pid"));
	st->pid_start = (unsigned long long)json_integer_value(json_object_get(o, "pid_start"));
	st->usernet_pid = (pid_t)json_integer_value(json_object_get(o, "usernet_pid"));
	st->usernet_start = (unsigned long long)json_integer_value(json_object_get(o, "usernet_pid_start"));
	json_t *a = json_object_get(o, "annotations");
	st->annotations = json_is_object(a) ? json_incref(a) : NULL;
	json_decref(o);
	return 0;
}

int pk_state_save(int dirfd, const pk_state_t *st, pk_err_t *err)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:I,s:I}", "id", st->id, "bundle", st->bundle, "rootfs",
			      st->rootfs, "created", st->created, "owner", st->owner ? st->owner : "", "creating",
			      st->creating, "pid", (json_int_t)st->pid, "pid_start", (json_int_t)st->pid_start);
	if (!o)
		return pk_fail(err, "encode container state");
	if (st->annotations)
		json_object_set(o, "annotations", st->annotations);
	if (st->cgroup_path)
		json_object_set_new(o, "cgroup_path", json_string(st->cgroup_path));
	if (st->usernet_pid > 0) {
		json_object_set_new(o, "usernet_pid", json_integer(st->usernet_pid));
		json_object_set_new(o, "usernet_pid_start", json_integer((json_int_t)st->usernet_start));
	}
	_cleanup_free_ char *text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!text)
		return pk_fail(err, "encode container state");
	if (pk_write_file_atomic_at(dirfd, "state.json", text, strlen(text), 0600, err) < 0)
		return pk_err_wrap(err, "write container state");
	return 0;
}

void pk_state_free(pk_state_t *st)
{
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->owner);
	free(st->cgroup_path);
	json_decref(st->annotations);
	memset(st, 0, sizeof *st);
}

unsigned long long pk_proc_start_time(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: fields resume after the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	char state;
	unsigned long long start = 0;
	if (sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu", &state,
		   &start) != 2)
		return 0;
	if (state == 'Z' || state == 'X')
		return 0; /* exited, not yet reaped: it is stopped */
	return start;
}

int pk_state_pidfd(const pk_state_t *st)
{
	return pk_proc_pidfd(st->pid, st->pid_start);
}

int pk_proc_pidfd(pid_t pid, unsigned long long start)
{
	if (pid <= 0) {
		errno = ESRCH;
		return -1;
	}
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return -1;
	/* The pidfd pins the process; checking the start time after opening it proves it is the one recorded
	 * and not a later process that got the same pid. */
	if (pk_proc_start_time(pid) != start) {
		close(fd);
		errno = ESRCH;
		return -1;
	}
	return fd;
}

pk_status_t pk_state_status(int dirfd, const pk_state_t *st)
{
	_cleanup_close_ int pidfd = pk_state_pidfd(st);
	if (pidfd < 0)
		return st->creating && st->pid == 0 ? PK_STATUS_CREATING : PK_STATUS_STOPPED;
	if (st->creating)
		return PK_STATUS_CREATING;
	if (faccessat(dirfd, PK_STATE_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return PK_STATUS_CREATED;
	if (st->cgroup_path) {
		pk_cgroup_t cg;
		pk_err_t ignored;
		if (pk_cgroup_init(&cg, st->cgroup_path, st->id, false, &ignored) == 0 && pk_cgroup_is_frozen(&cg))
			return PK_STATUS_PAUSED;
	}
	return PK_STATUS_RUNNING;
}

const char *pk_status_name(pk_status_t s)
{
	static const char *const names[] = {"creating", "created", "running", "paused", "stopped"};
	return names[s];
}

json_t *pk_state_json(const pk_state_t *st, pk_status_t status)
{
	json_t *o = json_pack("{s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:s}", "ociVersion", "1.2.0", "id", st->id, "pid",
			      (json_int_t)(status == PK_STATUS_STOPPED ? 0 : st->pid), "status",
			      pk_status_name(status), "bundle", st->bundle, "rootfs", st->rootfs, "created",
			      st->created, "owner", st->owner ? st->owner : "");
	if (o && st->annotations)
		json_object_set(o, "annotations", st->annotations);
	return o;
}

char *pk_state_json_text(const pk_state_t *st, pk_status_t status)
{
	json_t *o = pk_state_json(st, status);
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	return s;
}

int pk_state_remove(const char *root, const char *id, pk_err_t *err)
{
	_cleanup_close_ int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return pk_fail_errno(err, errno, "open %s", root);
	return pk_rm_rf_at(rootfd, id, err);
}
