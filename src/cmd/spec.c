#include "cmd/cmd.h"
#include "spec/spec.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	const char *bundle;
	bool rootless;
} spec_flags_t;

static int on_spec_opt(void *ctx, int id, const char *v, pk_err_t *err)
{
	(void)err;
	spec_flags_t *f = ctx;
	if (id == 0)
		f->bundle = v;
	else
		f->rootless = !strcmp(v, "true");
	return 0;
}

int pk_cmd_spec(const pk_global_t *g, int argc, char **argv, pk_err_t *err)
{
	(void)g;
	static const pk_opt_t opts[] = {{"bundle", 'b', true, 0}, {"rootless", 0, false, 1}};
	spec_flags_t f = {.bundle = "."};
	int first = pk_args_parse(argc, argv, opts, 2, on_spec_opt, &f, err);
	if (first < 0)
		return -1;
	if (first != argc)
		return pk_fail(err, "spec: takes no arguments");
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/config.json", f.bundle);
	if (access(path, F_OK) == 0)
		return pk_fail(err, "spec: %s already exists; remove it first", path);
	json_t *cfg = pk_spec_default(f.rootless, getuid(), getgid());
	_cleanup_free_ char *text = cfg ? json_dumps(cfg, JSON_INDENT(8) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(cfg);
	if (!text)
		return pk_fail(err, "spec: encode");
	size_t len = strlen(text);
	text[len] = '\n';
	return pk_write_file_atomic(path, text, len + 1, 0644, err) < 0 ? -1 : 0;
}
