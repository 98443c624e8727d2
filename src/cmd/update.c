/* `update [--resources FILE|-] [per-field flags] ID`: new limits for a live container. The flags and the
 * file become one linux.resources object, checked by the same parser as config.json's. */
#include "cmd/cmd.h"
#include "container/container.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	const char *section, *key; /* where the flag goes in linux.resources */
	bool is_string;
} field_t;

static const struct {
	pk_opt_t opt;
	field_t field;
} flags[] = {
	{{"memory", 'm', true, 0}, {"memory", "limit", false}},
	{{"memory-reservation", 0, true, 1}, {"memory", "reservation", false}},
	{{"memory-swap", 0, true, 2}, {"memory", "swap", false}},
	{{"kernel-memory", 0, true, 3}, {"memory", "kernel", false}},
	{{"kernel-memory-tcp", 0, true, 4}, {"memory", "kernelTCP", false}},
	{{"cpu-shares", 0, true, 5}, {"cpu", "shares", false}},
	{{"cpu-quota", 0, true, 6}, {"cpu", "quota", false}},
	{{"cpu-period", 0, true, 7}, {"cpu", "period", false}},
	{{"cpu-burst", 0, true, 8}, {"cpu", "burst", false}},
	{{"cpu-rt-runtime", 0, true, 9}, {"cpu", "realtimeRuntime", false}},
	{{"cpu-rt-period", 0, true, 10}, {"cpu", "realtimePeriod", false}},
	{{"cpuset-cpus", 0, true, 11}, {"cpu", "cpus", true}},
	{{"cpuset-mems", 0, true, 12}, {"cpu", "mems", true}},
	{{"pids-limit", 0, true, 13}, {"pids", "limit", false}},
	{{"cpu-idle", 0, true, 14}, {"cpu", "idle", false}},
	{{"resources", 'r', true, 15}, {NULL, NULL, false}},
	{{"blkio-weight", 0, true, 16}, {"blockIO", "weight", false}},
};

typedef struct {
	json_t *res;
	const char *file;
} update_t;

/* runc's flags take sizes as plain numbers or with a unit suffix (k, m, g). */
static int parse_size(const char *flag, const char *v, json_int_t *out, pk_err_t *err)
{
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || end == v)
		return pk_fail(err, "--%s: \"%s\" is not a number", flag, v);
	long long mult = 1;
	switch (*end) {
	case 'k': case 'K': mult = 1LL << 10; end++; break;
	case 'm': case 'M': mult = 1LL << 20; end++; break;
	case 'g': case 'G': mult = 1LL << 30; end++; break;
	default: break;
	}
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end)
		return pk_fail(err, "--%s: \"%s\" is not a number", flag, v);
	*out = n * mult;
	return 0;
}

static int on_update_opt(void *ctx, int id, const char *v, pk_err_t *err)
{
	update_t *u = ctx;
	const field_t *f = &flags[id].field;
	if (!f->section) {
		u->file = v;
		return 0;
	}
	json_t *sec = json_object_get(u->res, f->section);
	if (!sec) {
		sec = json_object();
		json_object_set_new(u->res, f->section, sec);
	}
	if (f->is_string)
		return json_object_set_new(sec, f->key, json_string(v)) < 0 ? pk_fail(err, "--%s", flags[id].opt.name) : 0;
	json_int_t n = 0;
	if (parse_size(flags[id].opt.name, v, &n, err) < 0)
		return -1;
	json_object_set_new(sec, f->key, json_integer(n));
	return 0;
}

int pk_cmd_update(const pk_global_t *g, int argc, char **argv, pk_err_t *err)
{
	pk_opt_t opts[PK_ARRAY_SIZE(flags)];
	for (size_t i = 0; i < PK_ARRAY_SIZE(flags); i++)
		opts[i] = flags[i].opt;
	update_t u = {.res = json_object()};
	int first = pk_args_parse(argc, argv, opts, PK_ARRAY_SIZE(opts), on_update_opt, &u, err);
	const char *id = NULL;
	if (pk_cmd_one_id(argc, argv, first, "update", &id, err) < 0) {
		json_decref(u.res);
		return -1;
	}
	if (u.file) {
		_cleanup_free_ char *text = NULL;
		int rc = !strcmp(u.file, "-") ? pk_read_fd(STDIN_FILENO, "stdin", &text, NULL, err)
					      : pk_read_file(u.file, &text, NULL, err);
		if (rc < 0) {
			json_decref(u.res);
			return pk_err_wrap(err, "--resources");
		}
		json_error_t je;
		json_t *j = json_loads(text, 0, &je);
		if (!json_is_object(j)) {
			json_decref(j);
			json_decref(u.res);
			return pk_fail(err, "--resources %s: not a JSON object (%s)", u.file, j ? "wrong type" : je.text);
		}
		/* The flags win over the file, as in runc. */
		json_object_update_recursive(j, u.res);
		json_decref(u.res);
		u.res = j;
	}
	pk_resources_t r;
	int rc = pk_resources_parse(u.res, "update", &r, err);
	json_decref(u.res);
	if (rc < 0)
		return -1;
	rc = pk_container_update(g->root, id, &r, err);
	pk_resources_free(&r);
	return rc;
}
