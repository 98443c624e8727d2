/* recvtty SOCKET NAMEFILE [ROWS COLS]: the receiving end of --console-socket for tests (like runc's
 * recvtty). Accepts one connection, takes the pty master it carries, writes the pty's name (the message's
 * text) to NAMEFILE, sets the window size, then copies everything the container writes to stdout until the
 * last slave is closed. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 5)
		return fprintf(stderr, "usage: recvtty SOCKET NAMEFILE [ROWS COLS]\n"), 2;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof a.sun_path, "%s", argv[1]);
	unlink(a.sun_path);
	if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 1) < 0)
		return perror("listen"), 1;
	int c = accept(s, NULL, NULL);
	char name[256] = "";
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {name, sizeof name - 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof ctl.b};
	ssize_t n = recvmsg(c, &mh, 0);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (n <= 0 || !cm || cm->cmsg_type != SCM_RIGHTS)
		return fprintf(stderr, "recvtty: no fd received\n"), 1;
	int master;
	memcpy(&master, CMSG_DATA(cm), sizeof master);
	FILE *f = fopen(argv[2], "w");
	fprintf(f, "%s\n", name);
	fclose(f);
	if (argc == 5) {
		struct winsize ws = {.ws_row = (unsigned short)atoi(argv[3]), .ws_col = (unsigned short)atoi(argv[4])};
		ioctl(master, TIOCSWINSZ, &ws);
	}
	char buf[4096];
	for (;;) {
		ssize_t r = read(master, buf, sizeof buf);
		if (r <= 0)
			break; /* EIO: every slave is closed */
		fwrite(buf, 1, (size_t)r, stdout);
		fflush(stdout);
	}
	return 0;
}
