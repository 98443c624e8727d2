/* linux.resources.blockIO, as runc and crun translate it: v1 blkio (CFQ's blkio.weight or BFQ's
 * blkio.bfq.weight, blkio.leaf_weight, blkio.throttle.*_device), v2 io (io.bfq.weight as given where BFQ is
 * the scheduler, else io.weight converted to its 1-10000 range; io.max). A weight file the host lacks (no
 * weight-aware I/O scheduler) is an error naming the field, never a weight silently dropped. */
#include "cgroup/cgroup.h"
#include <inttypes.h>
#include <stdio.h>

static bool io_set(const pk_resources_t *r)
{
	bool any = r->blkio.weight.set || r->blkio.leaf_weight.set || r->blkio.n_weight_device;
	for (int t = 0; t < PK_THROTTLE_COUNT; t++)
		any |= r->blkio.n_throttle[t] > 0;
	return any;
}

/* runc's conversion of a blkio weight [10, 1000] to io.weight [1, 10000]. */
static unsigned long long io_weight(int64_t w)
{
	return 1 + ((unsigned long long)(w - 10) * 9999) / 990;
}

static const char *const throttle_keys[PK_THROTTLE_COUNT] = {
	[PK_THROTTLE_READ_BPS] = "throttleReadBpsDevice", [PK_THROTTLE_WRITE_BPS] = "throttleWriteBpsDevice",
	[PK_THROTTLE_READ_IOPS] = "throttleReadIOPSDevice", [PK_THROTTLE_WRITE_IOPS] = "throttleWriteIOPSDevice"};

static int v1(const pk_cgroup_t *cg, const pk_cg_hier_t *h, const pk_resources_t *r, pk_err_t *err)
{
	static const char *const throttle_files[PK_THROTTLE_COUNT] = {
		[PK_THROTTLE_READ_BPS] = "blkio.throttle.read_bps_device",
		[PK_THROTTLE_WRITE_BPS] = "blkio.throttle.write_bps_device",
		[PK_THROTTLE_READ_IOPS] = "blkio.throttle.read_iops_device",
		[PK_THROTTLE_WRITE_IOPS] = "blkio.throttle.write_iops_device"};
	bool bfq = !pk_cgroup_has_file(cg, h, "blkio.weight") && pk_cgroup_has_file(cg, h, "blkio.bfq.weight");
	char v[64];
	if (r->blkio.weight.set || r->blkio.n_weight_device) {
		if (!pk_cgroup_has_file(cg, h, "blkio.weight") && !bfq)
			return pk_fail(err, "linux.resources.blockIO.%s: this host's blkio controller has no weight file "
				       "(blkio.weight or blkio.bfq.weight: no CFQ or BFQ I/O scheduler in use)",
				       r->blkio.weight.set ? "weight" : "weightDevice");
	}
	if (r->blkio.weight.set) {
		snprintf(v, sizeof v, "%lld", (long long)r->blkio.weight.v);
		if (pk_cgroup_put(cg, h, bfq ? "blkio.bfq.weight" : "blkio.weight", v, "blockIO.weight", err) < 0)
			return -1;
	}
	if (r->blkio.leaf_weight.set) {
		snprintf(v, sizeof v, "%lld", (long long)r->blkio.leaf_weight.v);
		if (pk_cgroup_put(cg, h, "blkio.leaf_weight", v, "blockIO.leafWeight", err) < 0)
			return -1;
	}
	for (size_t i = 0; i < r->blkio.n_weight_device; i++) {
		const pk_blkio_device_t *d = &r->blkio.weight_device[i];
		char field[64];
		if (d->weight.set) {
			snprintf(v, sizeof v, "%lld:%lld %lld", (long long)d->major, (long long)d->minor, (long long)d->weight.v);
			snprintf(field, sizeof field, "blockIO.weightDevice[%zu].weight", i);
			if (pk_cgroup_put(cg, h, bfq ? "blkio.bfq.weight_device" : "blkio.weight_device", v, field, err) < 0)
				return -1;
		}
		if (d->leaf_weight.set) {
			snprintf(v, sizeof v, "%lld:%lld %lld", (long long)d->major, (long long)d->minor,
				 (long long)d->leaf_weight.v);
			snprintf(field, sizeof field, "blockIO.weightDevice[%zu].leafWeight", i);
			if (pk_cgroup_put(cg, h, "blkio.leaf_weight_device", v, field, err) < 0)
				return -1;
		}
	}
	for (int t = 0; t < PK_THROTTLE_COUNT; t++)
		for (size_t i = 0; i < r->blkio.n_throttle[t]; i++) {
			const pk_blkio_device_t *d = &r->blkio.throttle[t][i];
			char field[64];
			snprintf(v, sizeof v, "%lld:%lld %" PRIu64, (long long)d->major, (long long)d->minor, d->rate);
			snprintf(field, sizeof field, "blockIO.%s[%zu]", throttle_keys[t], i);
			if (pk_cgroup_put(cg, h, throttle_files[t], v, field, err) < 0)
				return -1;
		}
	return 0;
}

static int v2(const pk_cgroup_t *cg, const pk_cg_hier_t *h, const pk_resources_t *r, pk_err_t *err)
{
	static const char *const io_max_keys[PK_THROTTLE_COUNT] = {
		[PK_THROTTLE_READ_BPS] = "rbps", [PK_THROTTLE_WRITE_BPS] = "wbps",
		[PK_THROTTLE_READ_IOPS] = "riops", [PK_THROTTLE_WRITE_IOPS] = "wiops"};
	bool bfq = pk_cgroup_has_file(cg, h, "io.bfq.weight");
	char v[96];
	if (r->blkio.leaf_weight.set)
		return pk_fail(err, "linux.resources.blockIO.leafWeight: cgroup v2 has no leaf weight");
	if ((r->blkio.weight.set || r->blkio.n_weight_device) && !bfq && !pk_cgroup_has_file(cg, h, "io.weight"))
		return pk_fail(err, "linux.resources.blockIO.%s: this host's io controller has no weight file "
			       "(io.weight or io.bfq.weight: neither io.cost nor the BFQ I/O scheduler)",
			       r->blkio.weight.set ? "weight" : "weightDevice");
	if (r->blkio.weight.set) {
		snprintf(v, sizeof v, "default %llu",
			 bfq ? (unsigned long long)r->blkio.weight.v : io_weight(r->blkio.weight.v));
		if (pk_cgroup_put(cg, h, bfq ? "io.bfq.weight" : "io.weight", v, "blockIO.weight", err) < 0)
			return -1;
	}
	for (size_t i = 0; i < r->blkio.n_weight_device; i++) {
		const pk_blkio_device_t *d = &r->blkio.weight_device[i];
		char field[64];
		if (d->leaf_weight.set)
			return pk_fail(err, "linux.resources.blockIO.weightDevice[%zu].leafWeight: cgroup v2 has no leaf weight", i);
		if (!d->weight.set)
			continue;
		snprintf(v, sizeof v, "%lld:%lld %llu", (long long)d->major, (long long)d->minor,
			 bfq ? (unsigned long long)d->weight.v : io_weight(d->weight.v));
		snprintf(field, sizeof field, "blockIO.weightDevice[%zu].weight", i);
		if (pk_cgroup_put(cg, h, bfq ? "io.bfq.weight" : "io.weight", v, field, err) < 0)
			return -1;
	}
	for (int t = 0; t < PK_THROTTLE_COUNT; t++)
		for (size_t i = 0; i < r->blkio.n_throttle[t]; i++) {
			const pk_blkio_device_t *d = &r->blkio.throttle[t][i];
			char field[64], rate[24] = "max"; /* 0: no limit, as a 0 removes one on v1 */
			if (d->rate)
				snprintf(rate, sizeof rate, "%" PRIu64, d->rate);
			snprintf(v, sizeof v, "%lld:%lld %s=%s", (long long)d->major, (long long)d->minor, io_max_keys[t], rate);
			snprintf(field, sizeof field, "blockIO.%s[%zu]", throttle_keys[t], i);
			if (pk_cgroup_put(cg, h, "io.max", v, field, err) < 0)
				return -1;
		}
	return 0;
}

int pk_cgroup_io_apply(const pk_cgroup_t *cg, const pk_resources_t *r, pk_err_t *err)
{
	if (!io_set(r))
		return 0;
	const pk_cg_hier_t *h = pk_cgroup_controller(cg, "blkio", "io");
	if (!h)
		return pk_fail(err, "linux.resources.blockIO: the %s controller is not available on this host",
			       cg->unified ? "io" : "blkio");
	return h->v2 ? v2(cg, h, r, err) : v1(cg, h, r, err);
}
