/* linux.resources.rdma: one rdma.max line per device ("mlx5_1 hca_handle=2 hca_object=max"), the same file
 * on v1 and v2. The kernel refuses a device it does not know: that error names the device's field. */
#include "cgroup/cgroup.h"
#include <stdio.h>

static void limit_str(const pk_opt_i64_t *v, char *out, size_t size)
{
	if (v->set)
		snprintf(out, size, "%lld", (long long)v->v);
	else
		snprintf(out, size, "max");
}

int pk_cgroup_rdma_apply(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err)
{
	if (!r->n_rdma)
		return 0;
	const pk_cg_hier_t *h = pk_cgroup_controller(cg, "rdma", "rdma");
	if (!h)
		return pk_fail(err, "linux.resources.rdma: the rdma controller is not available on this host");
	for (size_t i = 0; i < r->n_rdma; i++) {
		const pk_rdma_limit_t *l = &r->rdma[i];
		char handles[24], objects[24], line[300], field[300];
		limit_str(&l->hca_handles, handles, sizeof handles);
		limit_str(&l->hca_objects, objects, sizeof objects);
		snprintf(line, sizeof line, "%s hca_handle=%s hca_object=%s", l->device, handles, objects);
		snprintf(field, sizeof field, "rdma[\"%s\"]", l->device);
		if (pk_cgroup_put(cg, h, "rdma.max", line, field, err) < 0)
			return -1;
	}
	return 0;
}
