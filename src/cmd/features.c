#include "cmd/cmd.h"
#include "spec/spec.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

int pk_cmd_features(const pk_global_t *g, int argc, char **argv, pk_err_t *err)
{
	(void)g;
	int first = pk_args_parse(argc, argv, NULL, 0, NULL, NULL, err);
	if (first < 0)
		return -1;
	if (first != argc)
		return pk_fail(err, "features: takes no arguments");
	json_t *f = pk_features();
	char *text = f ? json_dumps(f, JSON_INDENT(4) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(f);
	if (!text)
		return pk_fail(err, "features: encode");
	puts(text);
	free(text);
	return 0;
}
