#include "cmd/cmd.h"
#include "container/container.h"
#include <string.h>

int pk_cmd_delete(const pk_global_t *g, int argc, char **argv, pk_err_t *err)
{
	static const pk_opt_t opts[] = {{"force", 'f', false, 0}};
	bool force = false;
	const char *id = NULL;
	if (pk_cmd_one_id(argc, argv, pk_args_parse(argc, argv, opts, 1, pk_args_one_bool, &force, err), "delete", &id,
			  err) < 0)
		return -1;
	return pk_container_delete(g->root, id, force, NULL, err);
}
