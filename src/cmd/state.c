#include "cmd/cmd.h"
#include "container/container.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

int pk_cmd_state(const pk_global_t *g, int argc, char **argv, pk_err_t *err)
{
	const char *id = NULL;
	if (pk_cmd_one_id(argc, argv, pk_args_parse(argc, argv, NULL, 0, NULL, NULL, err), "state", &id, err) < 0)
		return -1;
	json_t *st;
	if (pk_container_state(g->root, id, &st, err) < 0)
		return -1;
	char *text = json_dumps(st, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(st);
	if (!text)
		return pk_fail(err, "state: encode");
	puts(text);
	free(text);
	return 0;
}
