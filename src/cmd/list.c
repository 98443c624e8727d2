#include "cmd/cmd.h"
#include "container/container.h"
#include "util/cleanup.h"
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *format;
	bool quiet;
} list_flags_t;

static int on_list_opt(void *ctx, int id, const char *v, pk_err_t *err)
{
	list_flags_t *f = ctx;
	if (id == 0) {
		if (strcmp(v, "table") && strcmp(v, "json"))
			return pk_fail(err, "--format: expected table or json, got \"%s\"", v);
		f->format = v;
	} else {
		f->quiet = !strcmp(v, "true");
	}
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

int pk_cmd_list(const pk_global_t *g, int argc, char **argv, pk_err_t *err)
{
	static const pk_opt_t opts[] = {{"format", 'f', true, 0}, {"quiet", 'q', false, 1}};
	list_flags_t f = {.format = "table"};
	int first = pk_args_parse(argc, argv, opts, 2, on_list_opt, &f, err);
	if (first < 0)
		return -1;
	if (first != argc)
		return pk_fail(err, "list: takes no arguments");
	json_t *all = json_array();
	struct dirent **names = NULL;
	int n = scandir(g->root, &names, NULL, by_name);
	if (n < 0 && errno != ENOENT) {
		json_decref(all);
		return pk_fail_errno(err, errno, "list %s", g->root);
	}
	for (int i = 0; i < n; i++) {
		const char *id = names[i]->d_name;
		pk_err_t ignored;
		json_t *st;
		if (id[0] != '.' && pk_container_state(g->root, id, &st, &ignored) == 0)
			json_array_append_new(all, st);
		free(names[i]);
	}
	free(names);

	size_t i;
	json_t *c;
	if (f.quiet) {
		json_array_foreach(all, i, c) puts(json_string_value(json_object_get(c, "id")));
	} else if (!strcmp(f.format, "json")) {
		char *text = json_dumps(all, JSON_COMPACT | JSON_PRESERVE_ORDER);
		puts(text ? text : "[]");
		free(text);
	} else {
		printf("%-12s %-8s %-10s %-40s %-31s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
		json_array_foreach(all, i, c)
		{
			printf("%-12s %-8lld %-10s %-40s %-31s %s\n", json_string_value(json_object_get(c, "id")),
			       json_integer_value(json_object_get(c, "pid")),
			       json_string_value(json_object_get(c, "status")),
			       json_string_value(json_object_get(c, "bundle")),
			       json_string_value(json_object_get(c, "created")),
			       json_string_value(json_object_get(c, "owner")));
		}
	}
	json_decref(all);
	return 0;
}
