#include "cmd/cmd.h"
#include "container/container.h"

int pk_cmd_start(const pk_global_t *g, int argc, char **argv, pk_err_t *err)
{
	const char *id = NULL;
	if (pk_cmd_one_id(argc, argv, pk_args_parse(argc, argv, NULL, 0, NULL, NULL, err), "start", &id, err) < 0)
		return -1;
	return pk_container_start(g->root, id, NULL, err);
}
