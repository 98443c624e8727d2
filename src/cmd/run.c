/* `run`: create + start; without --detach, stay the init's parent, forward signals to it, wait, delete the
 * container (unless --keep) and exit with its status (128+signal when it was killed). */
#include "cmd/cmd.h"
#include "container/container.h"
#include "kernel/forward.h"
#include "kernel/terminal.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int pk_cmd_run(const pk_global_t *g, int argc, char **argv, pk_err_t *err)
{
	pk_create_flags_t f = {0};
	const char *id = NULL;
	if (pk_cmd_one_id(argc, argv, pk_cmd_parse_create_flags(argc, argv, &f, true, err), "run", &id, err) < 0)
		return -1;
	/* Block the signals we forward before the init exists, so none is lost in between; the init unblocks
	 * them before exec. */
	if (!f.detach)
		pk_forward_block();
	pid_t pid;
	int tty_master = -1;
	_cleanup_spec_ pk_spec_t spec = {0};
	if (pk_cmd_do_create(g, &f, id, f.detach ? NULL : &tty_master, &pid, &spec, err) < 0)
		return -1;
	if (pk_container_start(g->root, id, &spec, err) < 0) {
		if (tty_master >= 0)
			close(tty_master);
		pk_err_t ignored;
		pk_container_delete(g->root, id, true, &spec, &ignored);
		return -1;
	}
	if (f.detach)
		return 0;
	int status;
	if (tty_master >= 0) {
		sigset_t fwd;
		pk_forward_signals(&fwd);
		status = pk_tty_relay(tty_master, pid, &fwd);
		close(tty_master);
	} else {
		status = pk_wait_forwarding(pid);
	}
	if (!f.keep && pk_container_delete(g->root, id, true, &spec, err) < 0)
		return -1;
	return status;
}
