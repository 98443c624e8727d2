/* `exec [flags] ID [COMMAND [ARG...]]`: runc's flags. The process is the container's config's process with
 * the flags applied (or the whole process from --process FILE), checked by the same parser as config.json. */
#include "cmd/cmd.h"
#include "container/container.h"
#include "kernel/forward.h"
#include "kernel/terminal.h"
#include "kernel/caps.h"
#include "kernel/lsm.h"
#include "kernel/selfexe.h"
#include "spec/caps.h"
#include "util/cleanup.h"
#include "util/env.h"
#include "util/fs.h"
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { X_CONSOLE, X_CWD, X_ENV, X_TTY, X_USER, X_GIDS, X_PROCESS, X_DETACH, X_PID_FILE, X_LABEL, X_APPARMOR,
       X_NNP, X_CAP, X_PRESERVE, X_CGROUP, X_IGNORE_PAUSED };

static const pk_opt_t exec_opts[] = {
	{"console-socket", 0, true, X_CONSOLE}, {"cwd", 0, true, X_CWD},
	{"env", 'e', true, X_ENV},              {"tty", 't', false, X_TTY},
	{"user", 'u', true, X_USER},            {"additional-gids", 'g', true, X_GIDS},
	{"process", 'p', true, X_PROCESS},      {"detach", 'd', false, X_DETACH},
	{"pid-file", 0, true, X_PID_FILE},      {"process-label", 0, true, X_LABEL},
	{"apparmor", 0, true, X_APPARMOR},      {"no-new-privs", 0, false, X_NNP},
	{"cap", 'c', true, X_CAP},              {"preserve-fds", 0, true, X_PRESERVE},
	{"cgroup", 0, true, X_CGROUP},          {"ignore-paused", 0, false, X_IGNORE_PAUSED},
};

typedef struct {
	const char *cwd, *user, *process_file, *pid_file, *console_socket, *apparmor, *process_label;
	const char *env[256], *caps[64], *cgroups[16];
	uint32_t gids[64];
	size_t n_env, n_caps, n_gids, n_cgroups;
	bool tty, detach, nnp, ignore_paused;
	unsigned long preserve_fds;
} exec_flags_t;

static int on_exec_opt(void *ctx, int id, const char *v, pk_err_t *err)
{
	exec_flags_t *f = ctx;
	bool on = !strcmp(v, "true");
	unsigned long n;
	switch (id) {
	case X_CONSOLE:
		f->console_socket = v;
		break;
	case X_CWD:
		f->cwd = v;
		break;
	case X_ENV:
		if (!strchr(v, '='))
			return pk_fail(err, "--env %s: expected NAME=VALUE", v);
		if (f->n_env == PK_ARRAY_SIZE(f->env))
			return pk_fail(err, "--env: too many");
		f->env[f->n_env++] = v;
		break;
	case X_TTY:
		f->tty = on;
		break;
	case X_USER:
		f->user = v;
		break;
	case X_GIDS:
		if (pk_args_uint("additional-gids", v, &n, err) < 0)
			return -1;
		if (f->n_gids == PK_ARRAY_SIZE(f->gids) || n > UINT32_MAX)
			return pk_fail(err, "--additional-gids: too many or too large");
		f->gids[f->n_gids++] = (uint32_t)n;
		break;
	case X_PROCESS:
		f->process_file = v;
		break;
	case X_DETACH:
		f->detach = on;
		break;
	case X_PID_FILE:
		f->pid_file = v;
		break;
	case X_NNP:
		f->nnp = on;
		break;
	case X_CAP:
		if (pk_cap_from_name(v) < 0)
			return pk_fail(err, "--cap: unknown capability \"%s\"", v);
		if (f->n_caps == PK_ARRAY_SIZE(f->caps))
			return pk_fail(err, "--cap: too many");
		f->caps[f->n_caps++] = v;
		break;
	case X_PRESERVE:
		return pk_args_uint("preserve-fds", v, &f->preserve_fds, err);
	case X_LABEL:
		f->process_label = v;
		break;
	case X_APPARMOR:
		f->apparmor = v;
		break;
	case X_CGROUP:
		if (f->n_cgroups == PK_ARRAY_SIZE(f->cgroups))
			return pk_fail(err, "--cgroup: at most %zu", PK_ARRAY_SIZE(f->cgroups));
		f->cgroups[f->n_cgroups++] = v;
		break;
	case X_IGNORE_PAUSED:
		f->ignore_paused = on;
		break;
	}
	return 0;
}

static char **strv_from(char **src, size_t n)
{
	char **v = calloc(n + 1, sizeof *v);
	for (size_t i = 0; v && i < n; i++)
		if (!(v[i] = strdup(src[i])))
			return NULL;
	return v;
}

static void strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

static int load_process_file(const char *path, pk_spec_t *tmp, pk_err_t *err)
{
	_cleanup_free_ char *text = NULL;
	if (pk_read_file(path, &text, NULL, err) < 0)
		return pk_err_wrap(err, "--process");
	json_error_t je;
	json_t *proc = json_loads(text, 0, &je);
	if (!proc)
		return pk_fail(err, "--process %s: not valid JSON: %s at line %d", path, je.text, je.line);
	/* One parser for every process: wrap it as a config's and let the config parser check it. */
	json_t *cfg = json_pack("{s:s,s:{s:s},s:o}", "ociVersion", "1.2.0", "root", "path", "/", "process", proc);
	_cleanup_free_ char *cfg_text = cfg ? json_dumps(cfg, JSON_COMPACT) : NULL;
	json_decref(cfg);
	if (!cfg_text)
		return pk_fail(err, "--process: encode");
	if (pk_spec_parse(tmp, cfg_text, strlen(cfg_text), err) < 0)
		return pk_err_wrap(err, "--process %s", path);
	return 0;
}

static int apply_flags(pk_process_t *p, const exec_flags_t *f, int argc, char **argv, pk_err_t *err)
{
	if (argc > 0) {
		char **args = strv_from(argv, (size_t)argc);
		if (!args)
			return pk_fail_errno(err, ENOMEM, "exec");
		strv_free(p->args);
		p->args = args;
	}
	if (!p->args || !p->args[0])
		return pk_fail(err, "exec: no command given (arguments after the container ID, or --process FILE)");
	for (size_t i = 0; i < f->n_env; i++)
		if (pk_env_set(&p->env, f->env[i]) < 0)
			return pk_fail_errno(err, ENOMEM, "--env");
	if (f->cwd) {
		if (f->cwd[0] != '/')
			return pk_fail(err, "--cwd %s: expected an absolute path", f->cwd);
		free(p->cwd);
		p->cwd = strdup(f->cwd);
	}
	if (f->user) {
		char *end;
		unsigned long uid = strtoul(f->user, &end, 10), gid = p->gid;
		if (end == f->user || (*end && *end != ':'))
			return pk_fail(err, "--user %s: expected uid[:gid] (numbers)", f->user);
		if (*end == ':') {
			char *gend;
			gid = strtoul(end + 1, &gend, 10);
			if (gend == end + 1 || *gend)
				return pk_fail(err, "--user %s: expected uid[:gid] (numbers)", f->user);
		}
		p->uid = (uint32_t)uid;
		p->gid = (uint32_t)gid;
	}
	if (f->n_gids) {
		uint32_t *g = malloc(f->n_gids * sizeof *g);
		if (!g)
			return pk_fail_errno(err, ENOMEM, "--additional-gids");
		memcpy(g, f->gids, f->n_gids * sizeof *g);
		free(p->additional_gids);
		p->additional_gids = g;
		p->n_additional_gids = f->n_gids;
	}
	for (size_t i = 0; i < f->n_caps; i++) {
		uint64_t bit = 1ULL << pk_cap_from_name(f->caps[i]);
		p->caps.present = true;
		p->caps.bounding |= bit;
		p->caps.effective |= bit;
		p->caps.permitted |= bit;
	}
	if (f->nnp)
		p->no_new_privileges = true;
	if (f->tty)
		p->terminal = true;
	if (f->apparmor) {
		free(p->apparmor_profile);
		p->apparmor_profile = strdup(f->apparmor);
	}
	if (f->process_label) {
		free(p->selinux_label);
		p->selinux_label = strdup(f->process_label);
	}
	return 0;
}

int pk_cmd_exec(const pk_global_t *g, int argc, char **argv, pk_err_t *err)
{
	exec_flags_t f = {0};
	int first = pk_args_parse(argc, argv, exec_opts, PK_ARRAY_SIZE(exec_opts), on_exec_opt, &f, err);
	if (first < 0)
		return -1;
	if (first >= argc)
		return pk_fail(err, "exec: expected a container ID");
	const char *id = argv[first];

	/* The container's own config gives the defaults and the seccomp filter. */
	json_t *state;
	if (pk_container_state(g->root, id, &state, err) < 0)
		return -1;
	char config[PATH_MAX];
	snprintf(config, sizeof config, "%s/config.json", json_string_value(json_object_get(state, "bundle")));
	json_decref(state);
	pk_spec_t spec = {0}, from_file = {0};
	int rc = -1;
	pid_t pid = 0;
	if (pk_spec_load(&spec, config, err) < 0)
		goto out;
	pk_process_t *p = &spec.process;
	if (f.process_file) {
		if (load_process_file(f.process_file, &from_file, err) < 0)
			goto out;
		p = &from_file.process;
	}
	if (apply_flags(p, &f, argc - first - 1, argv + first + 1, err) < 0)
		goto out;
	pk_caps_drop_unknown_to_kernel(&p->caps);
	/* The labels the process asks for must be enforceable here (kernel/lsm.h). */
	pk_spec_t labels = {.process = *p};
	if (pk_lsm_check(&labels, err) < 0)
		goto out;
	if (pk_selfexe_protect(&spec, &p->caps, err) < 0)
		goto out;
	unsigned long listen_fds = 0;
	if (pk_cmd_listen_fds(p, &listen_fds, err) < 0)
		goto out;
	pk_exec_opts_t o = {.root = g->root,
			    .id = id,
			    .process = p,
			    .seccomp = &spec.seccomp,
			    .console_socket = f.console_socket,
			    .preserve_fds = (int)(f.preserve_fds + listen_fds),
			    .ignore_paused = f.ignore_paused,
			    .cgroups = f.cgroups,
			    .n_cgroups = f.n_cgroups};
	int tty_master = -1;
	if (pk_container_exec(&o, &pid, f.detach ? NULL : &tty_master, err) < 0)
		goto out;
	if (f.pid_file) {
		char buf[32];
		int n = snprintf(buf, sizeof buf, "%d", (int)pid);
		if (pk_write_file_atomic(f.pid_file, buf, (size_t)n, 0644, err) < 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			goto out;
		}
	}
	if (f.detach) {
		rc = 0;
	} else if (tty_master >= 0) {
		sigset_t fwd;
		pk_forward_signals(&fwd);
		rc = pk_tty_relay(tty_master, pid, &fwd);
		close(tty_master);
	} else {
		rc = pk_wait_forwarding(pid);
	}
out:
	pk_spec_free(&from_file);
	pk_spec_free(&spec);
	return rc;
}
