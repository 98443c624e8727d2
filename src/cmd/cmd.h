/* Front ends: one file per verb. Each turns its flags into engine calls; none does engine work itself.
 * A verb returns its exit status (0 on success), or -1 with err set (main prints it and exits 1). */
#pragma once
#include "spec/spec.h"
#include "util/args.h"
#include "util/error.h"
#include <stdbool.h>
#include <sys/types.h>

typedef struct pk_global {
	const char *root;
	const char *log_path;
	bool log_json;
	bool debug;
	bool systemd_cgroup;
	const char *cgroup_manager;
} pk_global_t;

typedef int (*pk_cmd_fn)(const pk_global_t *g, int argc, char **argv, pk_err_t *err);

int pk_cmd_create(const pk_global_t *g, int argc, char **argv, pk_err_t *err);
int pk_cmd_start(const pk_global_t *g, int argc, char **argv, pk_err_t *err);
int pk_cmd_state(const pk_global_t *g, int argc, char **argv, pk_err_t *err);
int pk_cmd_kill(const pk_global_t *g, int argc, char **argv, pk_err_t *err);
int pk_cmd_delete(const pk_global_t *g, int argc, char **argv, pk_err_t *err);
int pk_cmd_exec(const pk_global_t *g, int argc, char **argv, pk_err_t *err);
int pk_cmd_pause(const pk_global_t *g, int argc, char **argv, pk_err_t *err);
int pk_cmd_resume(const pk_global_t *g, int argc, char **argv, pk_err_t *err);
int pk_cmd_ps(const pk_global_t *g, int argc, char **argv, pk_err_t *err);
int pk_cmd_update(const pk_global_t *g, int argc, char **argv, pk_err_t *err);
int pk_cmd_events(const pk_global_t *g, int argc, char **argv, pk_err_t *err);
int pk_cmd_run(const pk_global_t *g, int argc, char **argv, pk_err_t *err);
int pk_cmd_list(const pk_global_t *g, int argc, char **argv, pk_err_t *err);
int pk_cmd_spec(const pk_global_t *g, int argc, char **argv, pk_err_t *err);
int pk_cmd_features(const pk_global_t *g, int argc, char **argv, pk_err_t *err);

/* Shared by create and run: load <bundle>/config.json and create the container. */
typedef struct pk_create_flags {
	const char *bundle, *pid_file, *console_socket;
	bool detach, keep, no_pivot, no_new_keyring;
	unsigned long preserve_fds;
} pk_create_flags_t;
int pk_cmd_parse_create_flags(int argc, char **argv, pk_create_flags_t *f, bool is_run, pk_err_t *err);
/* tty_master: NULL when detached; otherwise the caller stays the init's parent and gets the pty master
 * here when the config asks for a terminal and no --console-socket is given (-1 otherwise). */
/* keep: where the parsed config goes on success (for `run`, which starts and deletes the container with it:
 * the config as it was at create, as runc keeps it); NULL frees it. */
int pk_cmd_do_create(const pk_global_t *g, const pk_create_flags_t *f, const char *id, int *tty_master,
		     pid_t *pid, pk_spec_t *keep, pk_err_t *err);
/* systemd socket activation (LISTEN_FDS in our environment): how many fds to pass on, and the process's
 * environment told so. */
int pk_cmd_listen_fds(pk_process_t *p, unsigned long *n, pk_err_t *err);
/* The one positional argument a verb takes (the container ID). */
int pk_cmd_one_id(int argc, char **argv, int first, const char *verb, const char **id, pk_err_t *err);
