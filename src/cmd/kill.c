#include "cmd/cmd.h"
#include "container/container.h"
#include "kernel/signals.h"
#include <signal.h>
#include <string.h>

int pk_cmd_kill(const pk_global_t *g, int argc, char **argv, pk_err_t *err)
{
	static const pk_opt_t opts[] = {{"all", 'a', false, 0}};
	bool all = false;
	int first = pk_args_parse(argc, argv, opts, 1, pk_args_one_bool, &all, err);
	if (first < 0)
		return -1;
	if (argc - first < 1 || argc - first > 2)
		return pk_fail(err, "kill: expected a container ID and an optional signal");
	int sig = SIGTERM;
	if (argc - first == 2 && pk_signal_parse(argv[first + 1], &sig, err) < 0)
		return -1;
	return pk_container_kill(g->root, argv[first], sig, all, err);
}
