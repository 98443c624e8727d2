#include "kernel/hooks.h"
#include "util/cleanup.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int run_one(const pk_hook_t *h, const char *name, size_t idx, const char *state_json, pk_err_t *err)
{
	int in[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return pk_fail_errno(err, errno, "hooks.%s[%zu]: pipe", name, idx);
	pid_t pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		return pk_fail_errno(err, errno, "hooks.%s[%zu]: fork", name, idx);
	}
	if (pid == 0) {
		dup2(in[0], STDIN_FILENO);
		char *argv0[] = {h->path, NULL};
		char *empty[] = {NULL};
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execve(h->path, h->args && h->args[0] ? h->args : argv0, h->env ? h->env : empty);
		_exit(127);
	}
	close(in[0]);
	_cleanup_close_ int w = in[1];
	/* A hook that does not read its stdin must not block us: write what fits, ignore EPIPE. */
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	sigaction(SIGPIPE, &ign, &old);
	size_t len = strlen(state_json);
	(void)!write(w, state_json, len);
	sigaction(SIGPIPE, &old, NULL);
	close(pk_steal_fd(&w));

	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (h->timeout > 0 && pidfd >= 0) {
		struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
		int r;
		do
			r = poll(&pfd, 1, h->timeout * 1000);
		while (r < 0 && errno == EINTR);
		if (r == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return pk_fail(err, "hooks.%s[%zu] (%s): timed out after %d s", name, idx, h->path, h->timeout);
		}
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return pk_fail_errno(err, errno, "hooks.%s[%zu]: wait", name, idx);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return pk_fail(err, "hooks.%s[%zu] (%s): could not be executed", name, idx, h->path);
	if (WIFEXITED(status))
		return pk_fail(err, "hooks.%s[%zu] (%s): exit status %d", name, idx, h->path, WEXITSTATUS(status));
	return pk_fail(err, "hooks.%s[%zu] (%s): killed by signal %d", name, idx, h->path, WTERMSIG(status));
}

int pk_hooks_run(const pk_spec_t *spec, enum pk_hook_kind kind, const char *state_json, pk_err_t *err)
{
	const pk_hooks_t *hs = &spec->hooks[kind];
	for (size_t i = 0; i < hs->n; i++)
		if (run_one(&hs->list[i], pk_hook_kind_name(kind), i, state_json, err) < 0)
			return -1;
	return 0;
}
