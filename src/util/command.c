#include "util/command.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

int pk_command_run(char *const argv[], char *out, size_t size, int *status, pk_err_t *err)
{
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return pk_fail_errno(err, errno, "run %s: pipe", argv[0]);
	pid_t child = fork();
	if (child == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(pipefd[1], STDOUT_FILENO) < 0 ||
		    dup2(pipefd[1], STDERR_FILENO) < 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	int fork_errno = errno;
	close(pipefd[1]);
	size_t used = 0;
	char sink[256];
	for (;;) { /* read to the end, so the program never blocks on a full pipe */
		char *dst = used + 1 < size ? out + used : sink;
		size_t room = used + 1 < size ? size - 1 - used : sizeof sink;
		ssize_t n = child > 0 ? read(pipefd[0], dst, room) : 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (dst == out + used)
			used += (size_t)n;
	}
	close(pipefd[0]);
	if (size)
		out[used] = '\0';
	if (child < 0)
		return pk_fail_errno(err, fork_errno, "run %s", argv[0]);
	while (waitpid(child, status, 0) < 0)
		if (errno != EINTR)
			return pk_fail_errno(err, errno, "wait for %s", argv[0]);
	return 0;
}
