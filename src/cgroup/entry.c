/* The container process's own way into its v1 cgroups: see entry.h for why. */
#include "cgroup/entry.h"
#include "util/fallback.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int pk_cgroup_entry_open(const pk_cgroup_t *cg, pk_cgroup_entry_t *e, pk_err_t *err)
{
	e->n = 0;
	if (pk_fallback_forced(PK_FALLBACK_CGROUP_TASKS))
		return 0;
	for (size_t i = 0; i < cg->n_hier; i++) {
		if (cg->hier[i].v2)
			continue;
		char dir[PK_CGROUP_DIR_MAX], p[PK_CGROUP_DIR_MAX + 8];
		pk_cgroup_entry_dir(cg, &cg->hier[i], dir, sizeof dir);
		snprintf(p, sizeof p, "%s/tasks", dir);
		int fd = open(p, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			int e2 = errno;
			pk_cgroup_entry_close(e);
			return pk_fail_errno(err, e2, "cgroup %s", p);
		}
		e->fd[e->n++] = fd;
	}
	return 0;
}

int pk_cgroup_entry_join(pk_cgroup_entry_t *e, pk_err_t *err)
{
	int r = 0;
	for (size_t i = 0; i < e->n && r == 0; i++)
		if (write(e->fd[i], "0", 1) != 1)
			r = pk_fail_errno(err, errno, "enter the container's cgroup (v1 tasks)");
	pk_cgroup_entry_close(e);
	return r;
}

void pk_cgroup_entry_close(pk_cgroup_entry_t *e)
{
	for (size_t i = 0; i < e->n; i++)
		close(e->fd[i]);
	e->n = 0;
}
