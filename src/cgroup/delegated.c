/* Rootless on pure cgroup v2: where an unprivileged user may make a container's cgroup.
 *
 * /pocket belongs to root, so a relative or absent cgroupsPath goes where the user has been given a subtree
 * (systemd's Delegate=yes, or an administrator's chown): as crun's cgroupfs manager does, next to the caller's
 * own cgroup when its parent is delegated, since a cgroup that holds processes (ours, the user's shell) cannot
 * pass controllers on to children of its own; else under the caller's own cgroup, which then tracks, freezes
 * and kills the container but gives it no controller (limits then fail, and the caller warns). An absolute
 * cgroupsPath is used as given: its deepest existing level must be writable (pk_cgroup_create checks). */
#include "cgroup/cgroup.h"
#include "util/cleanup.h"
#include "util/log.h"
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Our own cgroup in the unified hierarchy: the "0::/path" line of /proc/self/cgroup. */
static int own_v2_cgroup(char *out, size_t size)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return -1;
	char line[PATH_MAX + 16];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "0::/", 4)) {
			snprintf(out, size, "%.4000s", line + 3);
			return 0;
		}
	}
	return -1;
}

static bool writable(const char *dir, const char *file)
{
	char p[PK_CGROUP_DIR_MAX];
	snprintf(p, sizeof p, "%s%s%s", dir, *file ? "/" : "", file);
	return faccessat(AT_FDCWD, p, W_OK, AT_EACCESS) == 0;
}

/* Delegated to us as systemd delegates: the directory ours, and the files that create children, move
 * processes and hand controllers down writable by us. */
static bool delegated(const char *dir)
{
	struct stat st;
	return stat(dir, &st) == 0 && st.st_uid == geteuid() && writable(dir, "") && writable(dir, "cgroup.procs") &&
	       writable(dir, "cgroup.subtree_control");
}

/* The deepest existing level of mount+path is writable: the default place is usable as it is. */
static bool default_usable(const char *mount, const char *path)
{
	char dir[PK_CGROUP_DIR_MAX];
	snprintf(dir, sizeof dir, "%s%s", mount, path);
	while (access(dir, F_OK) < 0 && strlen(dir) > strlen(mount))
		*strrchr(dir, '/') = '\0';
	return writable(dir, "");
}

void pk_cgroup_delegated_place(pk_cgroup_t *cg, const char *rel)
{
	const char *mount = cg->hier[0].mount;
	if (default_usable(mount, cg->path))
		return;
	char own[PATH_MAX], dir[PK_CGROUP_DIR_MAX], parent[PATH_MAX];
	if (own_v2_cgroup(own, sizeof own) < 0 || !strcmp(own, "/"))
		return;
	snprintf(parent, sizeof parent, "%s", own);
	*strrchr(parent, '/') = '\0'; /* "" for a child of the root */
	snprintf(dir, sizeof dir, "%s%s", mount, parent);
	const char *base = NULL;
	if (*parent && delegated(dir)) {
		base = parent;
	} else {
		snprintf(dir, sizeof dir, "%s%s", mount, own);
		if (delegated(dir))
			base = own;
	}
	if (!base)
		return; /* pk_cgroup_create fails on /pocket with EACCES, and the caller says what that drops */
	char path[sizeof cg->path];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", base, rel) >= sizeof path)
		return;
	snprintf(cg->path, sizeof cg->path, "%s", path);
	cg->owned_parent = false; /* the levels above are the user's, not pocket's to remove */
	pk_debug("cgroup: %s, in the subtree delegated to uid %u", cg->path, (unsigned)geteuid());
}
