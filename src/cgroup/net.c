/* linux.resources.network: v1's net_cls.classid and net_prio.ifpriomap. cgroup v2 has neither controller
 * (its answer is matching the cgroup path in nftables or BPF), so there the field is an error. */
#include "cgroup/cgroup.h"
#include <stdio.h>

int pk_cgroup_net_apply(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err)
{
	const typeof(r->network) *n = &r->network;
	if (!n->class_id.set && !n->n_priorities)
		return 0;
	const char *field = n->class_id.set ? "network.classID" : "network.priorities";
	if (cg->unified)
		return pk_fail(err, "linux.resources.%s: cgroup v2 has no net_cls or net_prio controller (match the "
			       "container's cgroup path in nftables instead)", field);
	if (n->class_id.set) {
		const pk_cg_hier_t *h = pk_cgroup_controller(cg, "net_cls", NULL);
		if (!h)
			return pk_fail(err, "linux.resources.network.classID: the net_cls controller is not available on this host");
		char v[24];
		snprintf(v, sizeof v, "%lld", (long long)n->class_id.v);
		if (pk_cgroup_put(cg, h, "net_cls.classid", v, "network.classID", err) < 0)
			return -1;
	}
	if (n->n_priorities) {
		const pk_cg_hier_t *h = pk_cgroup_controller(cg, "net_prio", NULL);
		if (!h)
			return pk_fail(err, "linux.resources.network.priorities: the net_prio controller is not available on "
				       "this host");
		for (size_t i = 0; i < n->n_priorities; i++) {
			char v[64], f[64];
			snprintf(v, sizeof v, "%s %u", n->priorities[i].name, n->priorities[i].priority);
			snprintf(f, sizeof f, "network.priorities[%zu]", i);
			if (pk_cgroup_put(cg, h, "net_prio.ifpriomap", v, f, err) < 0)
				return -1;
		}
	}
	return 0;
}
