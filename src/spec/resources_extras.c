/* linux.resources.blockIO, hugepageLimits, rdma and network into the model. The shapes and ranges are
 * checked here; whether the host has the controller, the device or the page size is the cgroup backends'
 * question (cgroup/io.c, hugetlb.c, rdma.c, net.c). As in runc, a weight of 0 means "not set". */
#include "spec/spec.h"
#include "util/cleanup.h"
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *where;
	pk_err_t *err;
} ctx_t;

/* An integer at o.key into *out (absent or null: unset). Negative values stand for uint64 ones above
 * INT64_MAX (spec/parse.c widens those), so `max` bounds them as unsigned. */
static int get_uint(ctx_t *c, json_t *o, const char *key, const char *field, uint64_t max, pk_opt_i64_t *out)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || (uint64_t)json_integer_value(v) > max)
		return pk_fail(c->err, "%s.%s: expected an integer from 0 to %llu", c->where, field, (unsigned long long)max);
	out->set = true;
	out->v = json_integer_value(v);
	return 0;
}

/* blkio weights: 10-1000 (CFQ's and BFQ's range; v2's io.weight gets them converted), 0 for unset. */
static int get_weight(ctx_t *c, json_t *o, const char *key, const char *field, pk_opt_i64_t *out)
{
	if (get_uint(c, o, key, field, UINT16_MAX, out) < 0)
		return -1;
	if (out->set && out->v == 0)
		out->set = false;
	else if (out->set && (out->v < 10 || out->v > 1000))
		return pk_fail(c->err, "%s.%s: %lld is out of range (10-1000, or 0 for none)", c->where, field,
			       (long long)out->v);
	return 0;
}

static int get_devices(ctx_t *c, json_t *bio, const char *key, bool weights, pk_blkio_device_t **out, size_t *n)
{
	json_t *list = json_object_get(bio, key);
	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return pk_fail(c->err, "%s.blockIO.%s: expected an array", c->where, key);
	*out = calloc(json_array_size(list) + 1, sizeof **out);
	if (!*out)
		return pk_fail_errno(c->err, ENOMEM, "%s.blockIO.%s", c->where, key);
	size_t i;
	json_t *d;
	json_array_foreach(list, i, d)
	{
		char field[96];
		snprintf(field, sizeof field, "blockIO.%s[%zu]", key, i);
		pk_blkio_device_t *dev = &(*out)[i];
		json_t *maj = json_object_get(d, "major"), *min = json_object_get(d, "minor");
		if (!json_is_object(d) || !json_is_integer(maj) || !json_is_integer(min) || json_integer_value(maj) < 0 ||
		    json_integer_value(min) < 0)
			return pk_fail(c->err, "%s.%s: expected an object with the device's major and minor", c->where, field);
		dev->major = json_integer_value(maj);
		dev->minor = json_integer_value(min);
		char sub[128];
		if (weights) {
			snprintf(sub, sizeof sub, "%s.weight", field);
			if (get_weight(c, d, "weight", sub, &dev->weight) < 0)
				return -1;
			snprintf(sub, sizeof sub, "%s.leafWeight", field);
			if (get_weight(c, d, "leafWeight", sub, &dev->leaf_weight) < 0)
				return -1;
		} else {
			pk_opt_i64_t rate = {0};
			snprintf(sub, sizeof sub, "%s.rate", field);
			if (get_uint(c, d, "rate", sub, UINT64_MAX, &rate) < 0)
				return -1;
			if (!rate.set)
				return pk_fail(c->err, "%s.%s.rate: required (bytes or operations per second, 0 for none)",
					       c->where, field);
			dev->rate = (uint64_t)rate.v;
		}
		(*n)++;
	}
	return 0;
}

static int parse_blkio(ctx_t *c, json_t *bio, pk_resources_t *r)
{
	if (!json_is_object(bio))
		return pk_fail(c->err, "%s.blockIO: expected an object", c->where);
	static const char *const throttles[PK_THROTTLE_COUNT] = {
		[PK_THROTTLE_READ_BPS] = "throttleReadBpsDevice", [PK_THROTTLE_WRITE_BPS] = "throttleWriteBpsDevice",
		[PK_THROTTLE_READ_IOPS] = "throttleReadIOPSDevice", [PK_THROTTLE_WRITE_IOPS] = "throttleWriteIOPSDevice"};
	if (get_weight(c, bio, "weight", "blockIO.weight", &r->blkio.weight) < 0 ||
	    get_weight(c, bio, "leafWeight", "blockIO.leafWeight", &r->blkio.leaf_weight) < 0 ||
	    get_devices(c, bio, "weightDevice", true, &r->blkio.weight_device, &r->blkio.n_weight_device) < 0)
		return -1;
	for (int t = 0; t < PK_THROTTLE_COUNT; t++)
		if (get_devices(c, bio, throttles[t], false, &r->blkio.throttle[t], &r->blkio.n_throttle[t]) < 0)
			return -1;
	return 0;
}

/* The kernel's names of huge page sizes: a number and KB, MB or GB ("2MB", "1GB", "64KB"). */
static bool page_size_ok(const char *s)
{
	size_t digits = strspn(s, "0123456789");
	return digits > 0 && digits < 12 && s[0] != '0' &&
	       (!strcmp(s + digits, "KB") || !strcmp(s + digits, "MB") || !strcmp(s + digits, "GB"));
}

static int parse_hugepages(ctx_t *c, json_t *list, pk_resources_t *r)
{
	if (!json_is_array(list))
		return pk_fail(c->err, "%s.hugepageLimits: expected an array", c->where);
	r->hugepages = calloc(json_array_size(list) + 1, sizeof *r->hugepages);
	if (!r->hugepages)
		return pk_fail_errno(c->err, ENOMEM, "%s.hugepageLimits", c->where);
	size_t i;
	json_t *h;
	json_array_foreach(list, i, h)
	{
		const char *size = json_string_value(json_object_get(h, "pageSize"));
		if (!size || !page_size_ok(size))
			return pk_fail(c->err, "%s.hugepageLimits[%zu].pageSize: expected a size such as \"2MB\" or \"1GB\"",
				       c->where, i);
		char field[64];
		snprintf(field, sizeof field, "hugepageLimits[%zu].limit", i);
		pk_opt_i64_t limit = {0};
		if (get_uint(c, h, "limit", field, UINT64_MAX, &limit) < 0)
			return -1;
		if (!limit.set)
			return pk_fail(c->err, "%s.%s: required (bytes)", c->where, field);
		if (!(r->hugepages[i].page_size = strdup(size)))
			return pk_fail_errno(c->err, ENOMEM, "%s.hugepageLimits", c->where);
		r->hugepages[i].limit = (uint64_t)limit.v;
		r->n_hugepages++;
	}
	return 0;
}

static int parse_rdma(ctx_t *c, json_t *obj, pk_resources_t *r)
{
	if (!json_is_object(obj))
		return pk_fail(c->err, "%s.rdma: expected an object of device names", c->where);
	r->rdma = calloc(json_object_size(obj) + 1, sizeof *r->rdma);
	if (!r->rdma)
		return pk_fail_errno(c->err, ENOMEM, "%s.rdma", c->where);
	const char *name;
	json_t *v;
	json_object_foreach(obj, name, v)
	{
		if (!*name || strpbrk(name, " \t\n=/"))
			return pk_fail(c->err, "%s.rdma: \"%s\" is not an RDMA device name", c->where, name);
		if (!json_is_object(v))
			return pk_fail(c->err, "%s.rdma[\"%s\"]: expected an object", c->where, name);
		pk_rdma_limit_t *l = &r->rdma[r->n_rdma];
		char f1[300], f2[300];
		snprintf(f1, sizeof f1, "rdma[\"%s\"].hcaHandles", name);
		snprintf(f2, sizeof f2, "rdma[\"%s\"].hcaObjects", name);
		if (get_uint(c, v, "hcaHandles", f1, INT32_MAX, &l->hca_handles) < 0 ||
		    get_uint(c, v, "hcaObjects", f2, INT32_MAX, &l->hca_objects) < 0)
			return -1;
		if (!(l->device = strdup(name)))
			return pk_fail_errno(c->err, ENOMEM, "%s.rdma", c->where);
		r->n_rdma++;
	}
	return 0;
}

static int parse_network(ctx_t *c, json_t *net, pk_resources_t *r)
{
	if (!json_is_object(net))
		return pk_fail(c->err, "%s.network: expected an object", c->where);
	if (get_uint(c, net, "classID", "network.classID", UINT32_MAX, &r->network.class_id) < 0)
		return -1;
	json_t *list = json_object_get(net, "priorities");
	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return pk_fail(c->err, "%s.network.priorities: expected an array", c->where);
	r->network.priorities = calloc(json_array_size(list) + 1, sizeof *r->network.priorities);
	if (!r->network.priorities)
		return pk_fail_errno(c->err, ENOMEM, "%s.network", c->where);
	size_t i;
	json_t *p;
	json_array_foreach(list, i, p)
	{
		const char *name = json_string_value(json_object_get(p, "name"));
		if (!name || !*name || strlen(name) >= 16 || strpbrk(name, " \t\n/"))
			return pk_fail(c->err, "%s.network.priorities[%zu].name: expected an interface name", c->where, i);
		char field[64];
		snprintf(field, sizeof field, "network.priorities[%zu].priority", i);
		pk_opt_i64_t prio = {0};
		if (get_uint(c, p, "priority", field, UINT32_MAX, &prio) < 0)
			return -1;
		if (!prio.set)
			return pk_fail(c->err, "%s.%s: required", c->where, field);
		pk_net_priority_t *np = &r->network.priorities[i];
		if (!(np->name = strdup(name)))
			return pk_fail_errno(c->err, ENOMEM, "%s.network", c->where);
		np->priority = (uint32_t)prio.v;
		r->network.n_priorities++;
	}
	return 0;
}

int pk_resources_parse_extras(json_t *j, const char *where, pk_resources_t *r, pk_err_t *err)
{
	ctx_t c = {.where = where, .err = err};
	json_t *v;
	if ((v = json_object_get(j, "blockIO")) && !json_is_null(v) && parse_blkio(&c, v, r) < 0)
		return -1;
	if ((v = json_object_get(j, "hugepageLimits")) && !json_is_null(v) && parse_hugepages(&c, v, r) < 0)
		return -1;
	if ((v = json_object_get(j, "rdma")) && !json_is_null(v) && parse_rdma(&c, v, r) < 0)
		return -1;
	if ((v = json_object_get(j, "network")) && !json_is_null(v) && parse_network(&c, v, r) < 0)
		return -1;
	return 0;
}

bool pk_resources_has_extra_limits(const pk_resources_t *r)
{
	size_t throttles = 0;
	for (int t = 0; t < PK_THROTTLE_COUNT; t++)
		throttles += r->blkio.n_throttle[t];
	return r->blkio.weight.set || r->blkio.leaf_weight.set || r->blkio.n_weight_device || throttles ||
	       r->n_hugepages || r->n_rdma || r->network.class_id.set || r->network.n_priorities;
}

void pk_resources_free_extras(pk_resources_t *r)
{
	free(r->blkio.weight_device);
	for (int t = 0; t < PK_THROTTLE_COUNT; t++)
		free(r->blkio.throttle[t]);
	for (size_t i = 0; i < r->n_hugepages; i++)
		free(r->hugepages[i].page_size);
	free(r->hugepages);
	for (size_t i = 0; i < r->n_rdma; i++)
		free(r->rdma[i].device);
	free(r->rdma);
	for (size_t i = 0; i < r->network.n_priorities; i++)
		free(r->network.priorities[i].name);
	free(r->network.priorities);
}
