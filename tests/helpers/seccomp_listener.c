/* seccomp_listener SOCKET STATEFILE: a seccomp agent for tests (config-linux.md "Seccomp", listenerPath).
 * Accepts one connection, writes the container process state it receives to STATEFILE, then answers every
 * notified syscall with EXDEV until the container closes the notify fd. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return fprintf(stderr, "usage: seccomp_listener SOCKET STATEFILE\n"), 2;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof a.sun_path, "%s", argv[1]);
	unlink(a.sun_path);
	if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 1) < 0)
		return perror("listen"), 1;
	int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
	char buf[65536];
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {buf, sizeof buf - 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof ctl.b};
	ssize_t n = recvmsg(c, &mh, 0);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (n <= 0 || !cm || cm->cmsg_type != SCM_RIGHTS)
		return fprintf(stderr, "no fd received\n"), 1;
	buf[n] = '\0';
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof fd);
	FILE *f = fopen(argv[2], "w");
	fprintf(f, "%s\n", buf);
	fclose(f);
	for (;;) {
		struct seccomp_notif req = {0};
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR)
				continue;
			break; /* the filter's last user is gone */
		}
		struct seccomp_notif_resp resp = {.id = req.id, .error = -EXDEV};
		ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	return 0;
}
