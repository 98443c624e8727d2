#include "kernel/idmap_mount.h"
#include "kernel/mount_options.h"
#include "kernel/namespaces.h"
#include "util/cleanup.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

bool pk_idmap_mount_wanted(const pk_mount_t *m)
{
	pk_mount_opts_t o;
	pk_err_t ignored;
	return m->n_uid_mappings || m->n_gid_mappings ||
	       (pk_mount_opts_parse(m->options, m->n_options, &o, &ignored) == 0 && (o.idmap || o.ridmap));
}

/* A user namespace with the mount's own mappings: a short-lived child makes it, we map it, keep an fd. */
static int userns_with_maps(const pk_mount_t *m, pk_err_t *err)
{
	int go[2];
	if (pipe2(go, O_CLOEXEC) < 0)
		return pk_fail_errno(err, errno, "pipe");
	pid_t child = fork();
	if (child == 0) {
		char c;
		close(go[1]);
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		_exit(read(go[0], &c, 1) < 0); /* until the runtime has what it needs: EOF */
	}
	close(go[0]);
	if (child < 0) {
		close(go[1]);
		return pk_fail_errno(err, errno, "fork");
	}
	pk_spec_t maps = {.uid_mappings = m->uid_mappings,
			  .n_uid_mappings = m->n_uid_mappings,
			  .gid_mappings = m->gid_mappings,
			  .n_gid_mappings = m->n_gid_mappings};
	int fd = -1;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/user", (int)child);
	/* The child may not have unshared yet: wait until its user namespace is not ours. */
	for (int i = 0; i < 1000; i++) {
		char a[64] = "", b[64] = "";
		if (readlink(path, a, sizeof a - 1) > 0 && readlink("/proc/self/ns/user", b, sizeof b - 1) > 0 &&
		    strcmp(a, b))
			break;
		usleep(100);
	}
	if (pk_userns_write_maps(child, &maps, err) == 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			pk_fail_errno(err, errno, "open %s", path);
	}
	close(go[1]);
	waitpid(child, NULL, 0);
	return fd;
}

int pk_idmap_mount_prepare(const pk_mount_t *m, size_t index, int bundlefd, pid_t init_pid, pk_err_t *err)
{
	pk_mount_opts_t o;
	if (pk_mount_opts_parse(m->options, m->n_options, &o, err) < 0)
		return pk_err_wrap(err, "mounts[%zu]", index);
	if (!o.bind && !(m->type && !strcmp(m->type, "bind")))
		return pk_fail(err, "mounts[%zu] %s: idmapped mounts are bind mounts only", index, m->destination);
	if (!m->source)
		return pk_fail(err, "mounts[%zu] %s: a bind mount needs a source", index, m->destination);
	_cleanup_close_ int userns = -1;
	if (m->n_uid_mappings || m->n_gid_mappings) {
		userns = userns_with_maps(m, err);
	} else {
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/ns/user", (int)init_pid);
		userns = open(path, O_RDONLY | O_CLOEXEC);
		char ours[64] = "", theirs[64] = "";
		if (userns >= 0 && readlink(path, theirs, sizeof theirs - 1) > 0 &&
		    readlink("/proc/self/ns/user", ours, sizeof ours - 1) > 0 && !strcmp(ours, theirs))
			return pk_fail(err, "mounts[%zu] %s: idmap without uidMappings/gidMappings needs the container to "
				       "have a user namespace", index, m->destination);
		if (userns < 0)
			pk_fail_errno(err, errno, "open %s", path);
	}
	if (userns < 0)
		return pk_err_wrap(err, "mounts[%zu] %s: id mapping", index, m->destination);
	bool rec = (o.flags & MS_REC) || o.ridmap;
	int tree = (int)syscall(SYS_open_tree, bundlefd, m->source,
				OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0));
	if (tree < 0)
		return pk_fail_errno(err, errno, "mounts[%zu] %s: source %s", index, m->destination, m->source);
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (o.ridmap ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0) {
		int e = errno;
		close(tree);
		if (e == EINVAL)
			return pk_fail(err, "mounts[%zu] %s: the file system of %s does not support idmapped mounts", index,
				       m->destination, m->source);
		if (e == EPERM)
			return pk_fail(err, "mounts[%zu] %s: idmapping %s needs privileges over its file system that this "
				       "user lacks", index, m->destination, m->source);
		return pk_fail_errno(err, e, "mounts[%zu] %s: idmap %s", index, m->destination, m->source);
	}
	return tree;
}
