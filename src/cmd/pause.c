#include "cmd/cmd.h"
#include "container/container.h"

static int toggle(const pk_global_t *g, int argc, char **argv, bool pause, pk_err_t *err)
{
	const char *id = NULL;
	if (pk_cmd_one_id(argc, argv, pk_args_parse(argc, argv, NULL, 0, NULL, NULL, err), pause ? "pause" : "resume",
			  &id, err) < 0)
		return -1;
	return pk_container_pause(g->root, id, pause, err);
}

int pk_cmd_pause(const pk_global_t *g, int argc, char **argv, pk_err_t *err) { return toggle(g, argc, argv, true, err); }
int pk_cmd_resume(const pk_global_t *g, int argc, char **argv, pk_err_t *err) { return toggle(g, argc, argv, false, err); }
