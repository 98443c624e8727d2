#include "kernel/forward.h"
#include <errno.h>
#include <sys/wait.h>

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

void pk_forward_signals(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
		sigaddset(set, forwarded[i]);
}

static void waited_set(sigset_t *set)
{
	pk_forward_signals(set);
	sigaddset(set, SIGCHLD);
}

void pk_forward_block(void)
{
	sigset_t set;
	waited_set(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

int pk_wait_forwarding(pid_t pid)
{
	sigset_t set;
	waited_set(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (;;) {
		int status;
		pid_t r;
		/* Before waiting: the child may have ended before its SIGCHLD was blocked. */
		while ((r = waitpid(-1, &status, WNOHANG)) > 0)
			if (r == pid)
				return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (r < 0 && errno == ECHILD)
			return 255;
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);
		if (sig > 0 && sig != SIGCHLD)
			kill(pid, sig);
	}
}
