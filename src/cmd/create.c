#include "cmd/cmd.h"
#include "container/container.h"
#include "util/env.h"
#include "kernel/selfexe.h"
#include "util/cleanup.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

enum { F_BUNDLE, F_PID_FILE, F_CONSOLE, F_DETACH, F_KEEP, F_NO_PIVOT, F_NO_KEYRING, F_PRESERVE_FDS, F_NO_SUBREAPER };

static const pk_opt_t create_opts[] = {
	{"bundle", 'b', true, F_BUNDLE},
	{"pid-file", 0, true, F_PID_FILE},
	{"console-socket", 0, true, F_CONSOLE},
	{"no-pivot", 0, false, F_NO_PIVOT},
	{"no-new-keyring", 0, false, F_NO_KEYRING},
	{"preserve-fds", 0, true, F_PRESERVE_FDS},
	{"no-subreaper", 0, false, F_NO_SUBREAPER},
	/* run only: */
	{"detach", 'd', false, F_DETACH},
	{"keep", 0, false, F_KEEP},
};

static int on_create_opt(void *ctx, int id, const char *v, pk_err_t *err)
{
	pk_create_flags_t *f = ctx;
	bool on = !strcmp(v, "true");
	switch (id) {
	case F_BUNDLE:
		f->bundle = v;
		break;
	case F_PID_FILE:
		f->pid_file = v;
		break;
	case F_CONSOLE:
		f->console_socket = v;
		break;
	case F_DETACH:
		f->detach = on;
		break;
	case F_KEEP:
		f->keep = on;
		break;
	case F_NO_PIVOT:
		f->no_pivot = on;
		break;
	case F_NO_KEYRING:
		f->no_new_keyring = on;
		break;
	case F_PRESERVE_FDS:
		return pk_args_uint("preserve-fds", v, &f->preserve_fds, err);
	case F_NO_SUBREAPER:
		break;
	}
	return 0;
}

int pk_cmd_parse_create_flags(int argc, char **argv, pk_create_flags_t *f, bool is_run, pk_err_t *err)
{
	int n = (int)(sizeof create_opts / sizeof create_opts[0]) - (is_run ? 0 : 2);
	return pk_args_parse(argc, argv, create_opts, n, on_create_opt, f, err);
}

int pk_cmd_one_id(int argc, char **argv, int first, const char *verb, const char **id, pk_err_t *err)
{
	if (first < 0)
		return -1;
	if (argc - first != 1)
		return pk_fail(err, "%s: expected exactly one container ID, got %d arguments", verb, argc - first);
	*id = argv[first];
	return 0;
}

int pk_cmd_do_create(const pk_global_t *g, const pk_create_flags_t *f, const char *id, int *tty_master,
		     pid_t *pid, pk_spec_t *keep, pk_err_t *err)
{
	char bundle[PATH_MAX];
	if (!realpath(f->bundle ? f->bundle : ".", bundle))
		return pk_fail_errno(err, errno, "--bundle %s", f->bundle ? f->bundle : ".");
	char config[PATH_MAX + 16];
	snprintf(config, sizeof config, "%s/config.json", bundle);
	pk_spec_t spec = {0};
	if (pk_spec_load(&spec, config, err) < 0)
		return -1;
	if (pk_spec_validate(&spec, err) < 0) {
		pk_spec_free(&spec);
		return -1;
	}
	unsigned long listen_fds = 0;
	if (pk_cmd_listen_fds(&spec.process, &listen_fds, err) < 0) {
		pk_spec_free(&spec);
		return -1;
	}
	if (pk_selfexe_protect(&spec, NULL, err) < 0) {
		pk_spec_free(&spec);
		return -1;
	}
	pk_create_opts_t o = {
		.root = g->root,
		.id = id,
		.bundle = bundle,
		.pid_file = f->pid_file,
		.foreground = tty_master != NULL,
		.no_pivot = f->no_pivot,
		.systemd_cgroup = g->systemd_cgroup || (g->cgroup_manager && !strcmp(g->cgroup_manager, "systemd")),
		.console_socket = f->console_socket,
		.preserve_fds = (int)(f->preserve_fds + listen_fds),
		.tty_master = tty_master,
	};
	int r = pk_container_create(&o, &spec, pid, err);
	if (r == 0 && keep)
		*keep = spec;
	else
		pk_spec_free(&spec);
	return r;
}

int pk_cmd_listen_fds(pk_process_t *p, unsigned long *n, pk_err_t *err)
{
	*n = 0;
	const char *v = getenv("LISTEN_FDS");
	if (!v || !*v)
		return 0;
	if (pk_args_uint("LISTEN_FDS", v, n, err) < 0)
		return -1;
	/* systemd socket activation, as runc does it: the fds go on to the container's process, which is
	 * told about them as its own (its pid inside is 1). */
	char kv[64];
	snprintf(kv, sizeof kv, "LISTEN_FDS=%lu", *n);
	if (pk_env_set(&p->env, kv) < 0 || pk_env_set(&p->env, "LISTEN_PID=1") < 0)
		return pk_fail_errno(err, ENOMEM, "LISTEN_FDS");
	return 0;
}

int pk_cmd_create(const pk_global_t *g, int argc, char **argv, pk_err_t *err)
{
	pk_create_flags_t f = {0};
	const char *id = NULL;
	if (pk_cmd_one_id(argc, argv, pk_cmd_parse_create_flags(argc, argv, &f, false, err), "create", &id, err) < 0)
		return -1;
	pid_t pid;
	return pk_cmd_do_create(g, &f, id, NULL, &pid, NULL, err) < 0 ? -1 : 0;
}
