/* linux.resources.hugepageLimits: hugetlb.<size>.limit_in_bytes on v1, hugetlb.<size>.max on v2 (also the
 * unified mount of a hybrid host, which may hold hugetlb when no v1 hierarchy does). As runc, the
 * reservation limit (rsvd) gets the same value where the kernel has it, so a mapping cannot reserve past
 * the limit either. */
#include "cgroup/cgroup.h"
#include <inttypes.h>
#include <stdio.h>

int pk_cgroup_hugetlb_apply(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err)
{
	if (!r->n_hugepages)
		return 0;
	const pk_cg_hier_t *h = pk_cgroup_controller(cg, "hugetlb", "hugetlb");
	if (!h)
		return pk_fail(err, "linux.resources.hugepageLimits: the hugetlb controller is not available on this host");
	for (size_t i = 0; i < r->n_hugepages; i++) {
		const pk_hugepage_limit_t *l = &r->hugepages[i];
		char limit[64], rsvd[64], v[32], field[64];
		snprintf(limit, sizeof limit, "hugetlb.%s.%s", l->page_size, h->v2 ? "max" : "limit_in_bytes");
		snprintf(rsvd, sizeof rsvd, "hugetlb.%s.rsvd.%s", l->page_size, h->v2 ? "max" : "limit_in_bytes");
		snprintf(v, sizeof v, "%" PRIu64, l->limit);
		snprintf(field, sizeof field, "hugepageLimits[%zu]", i);
		if (!pk_cgroup_has_file(cg, h, limit))
			return pk_fail(err, "linux.resources.%s.pageSize: \"%s\" is not a huge page size of this host (no %s)",
				       field, l->page_size, limit);
		if (pk_cgroup_put(cg, h, limit, v, field, err) < 0 ||
		    (pk_cgroup_has_file(cg, h, rsvd) && pk_cgroup_put(cg, h, rsvd, v, field, err) < 0))
			return -1;
	}
	return 0;
}
