#include "kernel/terminal.h"
#include "util/cleanup.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int pk_tty_setup(uid_t uid, char *name, size_t name_size, pk_err_t *err)
{
	/* /dev/ptmx is the container's (a link to its devpts' ptmx): the pty belongs to the container. */
	_cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return pk_fail_errno(err, errno, "process.terminal: open /dev/ptmx");
	int unlock = 0;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return pk_fail_errno(err, errno, "process.terminal: unlock pty");
	/* The slave through the master, not by name: nothing in /dev/pts can be swapped in between. */
	_cleanup_close_ int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (slave < 0)
		return pk_fail_errno(err, errno, "process.terminal: open the pty's slave");
	int n;
	if (ioctl(master, TIOCGPTN, &n) < 0)
		return pk_fail_errno(err, errno, "process.terminal: pty number");
	snprintf(name, name_size, "/dev/pts/%d", n);
	if (fchown(slave, uid, (gid_t)-1) < 0 && errno != EINVAL && errno != EPERM)
		return pk_fail_errno(err, errno, "process.terminal: chown %s", name);
	if (setsid() < 0 && errno != EPERM)
		return pk_fail_errno(err, errno, "process.terminal: setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return pk_fail_errno(err, errno, "process.terminal: make %s the controlling terminal", name);
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return pk_fail_errno(err, errno, "process.terminal: stdio");
	return pk_steal_fd(&master);
}

int pk_tty_console_connect(const char *path, pk_err_t *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof addr.sun_path)
		return pk_fail(err, "--console-socket %s: path too long", path);
	strcpy(addr.sun_path, path);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof addr) < 0) {
		int e = errno;
		if (s >= 0)
			close(s);
		return pk_fail_errno(err, e, "--console-socket %s", path);
	}
	return s;
}

static void copy_winsize(int from, int to)
{
	struct winsize ws;
	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

/* Write all of buf, or give up quietly: the other end went away. */
static void write_all(int fd, const char *buf, ssize_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, (size_t)n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += w;
		n -= w;
	}
}

int pk_tty_relay(int master, pid_t pid, const sigset_t *forward)
{
	sigset_t set = *forward;
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, NULL);
	_cleanup_close_ int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	struct termios saved;
	bool raw = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	if (raw) {
		struct termios t = saved;
		cfmakeraw(&t);
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
		copy_winsize(STDIN_FILENO, master);
	}
	int status = -1;
	bool stdin_open = true;
	char buf[16384];
	while (status < 0) {
		struct pollfd p[3] = {{.fd = master, .events = POLLIN},
				      {.fd = sfd, .events = POLLIN},
				      {.fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN}};
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN) {
			ssize_t n = read(master, buf, sizeof buf);
			if (n > 0)
				write_all(STDOUT_FILENO, buf, n);
		}
		if (p[2].revents & (POLLIN | POLLHUP)) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
			if (n > 0)
				write_all(master, buf, n);
			else
				stdin_open = false; /* EOF on our stdin: the program keeps its terminal */
		}
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof si) != sizeof si)
				continue;
			if (si.ssi_signo == SIGWINCH) {
				copy_winsize(STDIN_FILENO, master);
			} else if (si.ssi_signo != SIGCHLD) {
				kill(pid, (int)si.ssi_signo);
			} else {
				int ws;
				pid_t r;
				while ((r = waitpid(-1, &ws, WNOHANG)) > 0)
					if (r == pid)
						status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
			}
		}
	}
	/* What the program wrote just before it ended is still in the pty. */
	for (;;) {
		struct pollfd p = {.fd = master, .events = POLLIN};
		if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))
			break;
		ssize_t n = read(master, buf, sizeof buf);
		if (n <= 0)
			break;
		write_all(STDOUT_FILENO, buf, n);
	}
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return status < 0 ? 255 : status;
}
