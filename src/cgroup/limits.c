/* What the per-controller files (io.c, hugetlb.c, rdma.c, net.c) share: where a controller's files are for
 * this container, and writing one of them with an error that names the config's field. */
#include "cgroup/cgroup.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Is controller in the container's own cgroup.controllers of the v2 hierarchy h? */
static bool v2_has(const pk_cgroup_t *cg, const pk_cg_hier_t *h, const char *controller)
{
	char p[PK_CGROUP_FILE_MAX];
	snprintf(p, sizeof p, "%s%s/cgroup.controllers", h->mount, cg->path);
	_cleanup_free_ char *list = NULL;
	pk_err_t ignored;
	if (pk_read_file(p, &list, NULL, &ignored) < 0)
		return false;
	char *save, *tok;
	for (tok = strtok_r(list, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, controller))
			return true;
	return false;
}

const pk_cg_hier_t *pk_cgroup_controller(const pk_cgroup_t *cg, const char *v1_name, const char *v2_name)
{
	if (!cg->unified && v1_name) {
		const pk_cg_hier_t *h = pk_cgroup_find(cg, v1_name);
		if (h)
			return h;
	}
	/* A pure v2 host, or the cgroup2 mount of a hybrid one (which may hold a controller no v1 hierarchy does,
	 * as hugetlb here). */
	for (size_t i = 0; v2_name && i < cg->n_hier; i++)
		if (cg->hier[i].v2 && v2_has(cg, &cg->hier[i], v2_name))
			return &cg->hier[i];
	return NULL;
}

bool pk_cgroup_has_file(const pk_cgroup_t *cg, const pk_cg_hier_t *h, const char *file)
{
	char p[PK_CGROUP_FILE_MAX];
	snprintf(p, sizeof p, "%s%s/%s", h->mount, cg->path, file);
	return access(p, F_OK) == 0;
}

int pk_cgroup_put(const pk_cgroup_t *cg, const pk_cg_hier_t *h, const char *file, const char *value, const char *field,
		  pk_err_t *err)
{
	if (!pk_cgroup_has_file(cg, h, file))
		return pk_fail(err, "linux.resources.%s: this host's cgroup has no %s", field, file);
	if (pk_cgroup_write(h, cg->path, file, value, err) < 0)
		return pk_err_wrap(err, "linux.resources.%s", field);
	return 0;
}
