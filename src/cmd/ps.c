/* `ps [--format table|json] ID [PS_OPTIONS...]`: the container's processes (its cgroup's members). The
 * table is the host's ps(1) output (default -ef) with only the container's lines, as runc prints it. */
#include "cmd/cmd.h"
#include "container/container.h"
#include "util/cleanup.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int on_ps_opt(void *ctx, int id, const char *v, pk_err_t *err)
{
	(void)id;
	if (strcmp(v, "table") && strcmp(v, "json"))
		return pk_fail(err, "--format: expected table or json, got \"%s\"", v);
	*(const char **)ctx = v;
	return 0;
}

static bool member(pid_t pid, const pid_t *pids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

int pk_cmd_ps(const pk_global_t *g, int argc, char **argv, pk_err_t *err)
{
	static const pk_opt_t opts[] = {{"format", 'f', true, 0}};
	const char *format = "table";
	int first = pk_args_parse(argc, argv, opts, 1, on_ps_opt, &format, err);
	if (first < 0)
		return -1;
	if (first >= argc)
		return pk_fail(err, "ps: expected a container ID");
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	if (pk_container_pids(g->root, argv[first], &pids, &n, err) < 0)
		return -1;
	if (!strcmp(format, "json")) {
		printf("[");
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
		return 0;
	}
	/* ps(1) with the caller's options (default -ef); keep the header and our pids' lines. */
	char *ps_argv[64] = {"ps"};
	int k = 1;
	for (int i = first + 1; i < argc && k < 62; i++)
		ps_argv[k++] = argv[i];
	if (k == 1)
		ps_argv[k++] = "-ef";
	int pfd[2];
	if (pipe(pfd) < 0)
		return pk_fail_errno(err, errno, "ps: pipe");
	pid_t child = fork();
	if (child == 0) {
		dup2(pfd[1], STDOUT_FILENO);
		close(pfd[0]);
		close(pfd[1]);
		execvp("ps", ps_argv);
		_exit(127);
	}
	close(pfd[1]);
	_cleanup_fclose_ FILE *in = fdopen(pfd[0], "r");
	char line[4096];
	int pid_col = -1;
	while (in && fgets(line, sizeof line, in)) {
		char copy[4096], *save, *tok;
		snprintf(copy, sizeof copy, "%s", line);
		int col = 0;
		if (pid_col < 0) {
			for (tok = strtok_r(copy, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save), col++)
				if (!strcmp(tok, "PID"))
					pid_col = col;
			if (pid_col < 0) {
				waitpid(child, NULL, 0);
				return pk_fail(err, "ps: the ps output has no PID column");
			}
			fputs(line, stdout);
			continue;
		}
		for (tok = strtok_r(copy, " \t\n", &save); tok && col < pid_col; tok = strtok_r(NULL, " \t\n", &save))
			col++;
		if (tok && member((pid_t)atoi(tok), pids, n))
			fputs(line, stdout);
	}
	int status;
	waitpid(child, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return pk_fail(err, "ps: ps(1) failed (exit status %d)", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}
