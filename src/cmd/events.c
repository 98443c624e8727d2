/* `events [--stats] [--interval DURATION] ID`: runc's JSON lines — {"type":"stats","id":...,"data":...}
 * every interval (once with --stats) and {"type":"oom","id":...} when the OOM killer strikes in the
 * container — until the container stops. */
#include "cgroup/cgroup.h"
#include "cmd/cmd.h"
#include "container/container.h"
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
	bool stats;
	long interval_ms;
} events_flags_t;

/* Go durations as runc takes them: "5s", "500ms", "1m", "2s500ms" is not needed; a bare number is seconds. */
static int parse_duration(const char *v, long *ms, pk_err_t *err)
{
	char *end;
	double n = strtod(v, &end);
	double mult = !strcmp(end, "ms") ? 1 : !strcmp(end, "s") || !*end ? 1000 : !strcmp(end, "m") ? 60000 : -1;
	if (end == v || mult < 0 || n <= 0)
		return pk_fail(err, "--interval: \"%s\" is not a duration (e.g. 5s, 500ms)", v);
	*ms = (long)(n * mult);
	return 0;
}

static int on_events_opt(void *ctx, int id, const char *v, pk_err_t *err)
{
	events_flags_t *f = ctx;
	if (id == 0)
		f->stats = !strcmp(v, "true");
	else
		return parse_duration(v, &f->interval_ms, err);
	return 0;
}

static void emit(const char *type, const char *id, json_t *data)
{
	json_t *o = json_pack("{s:s,s:s}", "type", type, "id", id);
	if (data)
		json_object_set_new(o, "data", data);
	char *line = json_dumps(o, JSON_COMPACT);
	if (line) {
		puts(line);
		fflush(stdout);
	}
	free(line);
	json_decref(o);
}

int pk_cmd_events(const pk_global_t *g, int argc, char **argv, pk_err_t *err)
{
	static const pk_opt_t opts[] = {{"stats", 0, false, 0}, {"interval", 0, true, 1}};
	events_flags_t f = {.interval_ms = 5000};
	const char *id = NULL;
	if (pk_cmd_one_id(argc, argv, pk_args_parse(argc, argv, opts, 2, on_events_opt, &f, err), "events", &id, err) < 0)
		return -1;
	pk_cgroup_t cg;
	pk_status_t status;
	if (pk_container_cgroup(g->root, id, &cg, &status, err) < 0)
		return -1;
	if (status == PK_STATUS_STOPPED)
		return pk_fail(err, "events: container \"%s\" is not running", id);
	if (f.stats) {
		emit("stats", id, pk_cgroup_stats(&cg));
		return 0;
	}
	uint64_t ooms = pk_cgroup_oom_kills(&cg);
	const long tick = 100; /* OOM kills are noticed within a tenth of a second */
	for (long waited = f.interval_ms;; waited += tick) {
		if (waited >= f.interval_ms) {
			emit("stats", id, pk_cgroup_stats(&cg));
			waited = 0;
		}
		uint64_t now = pk_cgroup_oom_kills(&cg);
		if (now > ooms)
			emit("oom", id, NULL);
		ooms = now;
		struct timespec ts = {.tv_sec = 0, .tv_nsec = tick * 1000000L};
		nanosleep(&ts, NULL);
		pk_err_t ignored;
		if (pk_container_cgroup(g->root, id, &cg, &status, &ignored) < 0 || status == PK_STATUS_STOPPED)
			return 0;
	}
}
