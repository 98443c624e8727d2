/* pocket: the command line. Global flags, then a verb from the table below. */
#include "cmd/cmd.h"
#include "util/fallback.h"
#include "kernel/selfexe.h"
#include "util/log.h"
#include <stdio.h>
#include <stdlib.h>
#include <jansson.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#ifndef POCKET_VERSION
#define POCKET_VERSION "unknown"
#endif

static const struct {
	const char *name;
	pk_cmd_fn fn;
	const char *help;
	const char *synopsis; /* what follows the verb */
} verbs[] = {
	{"create", pk_cmd_create, "create a container from a bundle, its program waiting for start", "[flags] ID"},
	{"start", pk_cmd_start, "start the program of a created container", "ID"},
	{"state", pk_cmd_state, "print the state of a container as JSON", "ID"},
	{"kill", pk_cmd_kill, "send a signal to a container's init (or all its processes)", "[flags] ID [SIGNAL]"},
	{"delete", pk_cmd_delete, "delete a container and everything it holds", "[flags] ID"},
	{"run", pk_cmd_run, "create and start a container, and wait for it", "[flags] ID"},
	{"exec", pk_cmd_exec, "run a new process in a running container", "[flags] ID [COMMAND [ARG...]]"},
	{"ps", pk_cmd_ps, "list the processes of a container", "[flags] ID [PS_ARGS...]"},
	{"pause", pk_cmd_pause, "freeze every process of a container", "ID"},
	{"resume", pk_cmd_resume, "thaw a paused container", "ID"},
	{"update", pk_cmd_update, "change the resource limits of a running container", "[flags] ID"},
	{"events", pk_cmd_events, "print resource statistics and OOM events of a container as JSON", "[flags] ID"},
	{"list", pk_cmd_list, "list containers", "[flags]"},
	{"spec", pk_cmd_spec, "write a default config.json", "[flags]"},
	{"features", pk_cmd_features, "print the features this runtime supports as JSON", ""},
	{"help", NULL, "print this help", "[COMMAND]"},
};

enum { G_ROOT, G_LOG, G_LOG_FORMAT, G_DEBUG, G_SYSTEMD, G_CGMGR, G_ROOTLESS, G_CRIU, G_VERSION, G_HELP,
       G_FALLBACK };

static const pk_opt_t global_opts[] = {
	{"root", 0, true, G_ROOT},
	{"log", 0, true, G_LOG},
	{"log-format", 0, true, G_LOG_FORMAT},
	{"debug", 0, false, G_DEBUG},
	{"systemd-cgroup", 0, false, G_SYSTEMD},
	{"cgroup-manager", 0, true, G_CGMGR},
	{"rootless", 0, true, G_ROOTLESS},
	{"criu", 0, true, G_CRIU},
	{"version", 'v', false, G_VERSION},
	{"help", 'h', false, G_HELP},
	/* Testing aid: force the fallbacks of the fast paths (see util/fallback.h). */
	{"debug-fallback", 0, true, G_FALLBACK},
};

typedef struct {
	pk_global_t g;
	bool version, help;
	const char *log_format;
} main_opts_t;

static int on_global(void *ctx, int id, const char *v, pk_err_t *err)
{
	main_opts_t *m = ctx;
	bool on = !strcmp(v, "true");
	switch (id) {
	case G_ROOT:
		m->g.root = v;
		break;
	case G_LOG:
		m->g.log_path = v;
		break;
	case G_LOG_FORMAT:
		if (strcmp(v, "text") && strcmp(v, "json"))
			return pk_fail(err, "--log-format: expected text or json, got \"%s\"", v);
		m->log_format = v;
		break;
	case G_DEBUG:
		m->g.debug = on;
		break;
	case G_SYSTEMD:
		m->g.systemd_cgroup = on;
		break;
	case G_CGMGR:
		if (strcmp(v, "cgroupfs") && strcmp(v, "systemd") && strcmp(v, "disabled"))
			return pk_fail(err, "--cgroup-manager: expected cgroupfs, systemd or disabled, got \"%s\"", v);
		m->g.cgroup_manager = v;
		break;
	case G_ROOTLESS:
	case G_CRIU:
		break;
	case G_VERSION:
		m->version = on;
		break;
	case G_HELP:
		m->help = on;
		break;
	case G_FALLBACK:
		return pk_fallback_set(v, err);
	}
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: pocket [global flags] COMMAND [flags] [ID]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		fprintf(out, "  %-10s %s\n", verbs[i].name, verbs[i].help);
	fprintf(out, "\nglobal flags:\n  --root DIR  --log FILE  --log-format text|json  --debug\n"
		     "  --systemd-cgroup  --cgroup-manager cgroupfs|systemd  --version\n"
		     "\n`pocket COMMAND --help` (or `pocket help COMMAND`) lists a command's flags.\n");
}

/* jansson seeds its hash tables (against collisions an attacker could force) from /dev/urandom on first use,
 * three syscalls where getrandom is one. */
static void seed_json(void)
{
	size_t seed = 0;
	if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed)
		seed = 0; /* jansson then reads /dev/urandom itself */
	json_object_seed(seed);
}

int main(int argc, char **argv)
{
	seed_json();
	main_opts_t m = {.g.root = getuid() == 0 ? "/run/pocket" : NULL};
	pk_err_t err = {0};
	int first = pk_args_parse(argc - 1, argv + 1, global_opts, sizeof global_opts / sizeof global_opts[0],
				  on_global, &m, &err);
	if (first < 0) {
		pk_log_fatal(err.msg);
		return 1;
	}
	m.g.log_json = m.log_format && !strcmp(m.log_format, "json");
	if (pk_log_open(m.g.log_path, m.g.log_json, m.g.debug) < 0) {
		fprintf(stderr, "pocket: --log %s: cannot open\n", m.g.log_path);
		return 1;
	}
	if (m.version) {
		printf("pocket version %s\nspec: 1.2.0\n", POCKET_VERSION);
		return 0;
	}
	int rest = argc - 1 - first;
	char **rargv = argv + 1 + first;
	if (m.help || rest == 0) {
		usage(m.help ? stdout : stderr);
		return m.help ? 0 : 1;
	}
	char runtime_dir[4096];
	if (!m.g.root) {
		/* Unprivileged: state lives with the user, never in a shared directory. */
		const char *xdg = getenv("XDG_RUNTIME_DIR");
		if (xdg && *xdg)
			snprintf(runtime_dir, sizeof runtime_dir, "%s/pocket", xdg);
		else
			snprintf(runtime_dir, sizeof runtime_dir, "/tmp/pocket-%u", (unsigned)getuid());
		m.g.root = runtime_dir;
	}
	/* `help VERB` is `VERB --help`. */
	char *help_argv[] = {NULL, (char *)"--help", NULL};
	if (!strcmp(rargv[0], "help") && rest > 1) {
		help_argv[0] = rargv[1];
		rargv = help_argv;
		rest = 2;
	}
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		if (strcmp(verbs[i].name, rargv[0]))
			continue;
		if (!verbs[i].fn) {
			usage(stdout);
			return 0;
		}
		pk_selfexe_set_argv(argv);
		int r = verbs[i].fn(&m.g, rest - 1, rargv + 1, &err);
		if (r < 0 && err.errnum == PK_ARGS_HELP) {
			printf("usage: pocket [global flags] %s%s%s\n\n%s\n", verbs[i].name, *verbs[i].synopsis ? " " : "",
			       verbs[i].synopsis, verbs[i].help);
			if (err.msg[0])
				printf("\nflags:\n%s\n", err.msg);
			return 0;
		}
		if (r < 0) {
			pk_log_fatal(err.msg);
			return 1;
		}
		return r;
	}
	snprintf(err.msg, sizeof err.msg, "unknown command \"%s\" (see pocket --help)", rargv[0]);
	pk_log_fatal(err.msg);
	return 1;
}
