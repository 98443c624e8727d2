#include "util/fdpass.h"
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef union fd_control {
	char buf[CMSG_SPACE(sizeof(int) * PK_FDPASS_MAX)];
	struct cmsghdr align;
} fd_control_t;

int pk_fds_send(int sock, const int *fds, size_t n, const void *data, size_t len, pk_err_t *err)
{
	if (n > PK_FDPASS_MAX)
		return pk_fail(err, "send fds: %zu fds in one message (at most %d)", n, PK_FDPASS_MAX);
	char dummy = 0;
	struct iovec iov = {.iov_base = len ? (void *)data : &dummy, .iov_len = len ? len : 1};
	fd_control_t ctl;
	memset(&ctl, 0, sizeof ctl);
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	if (n) {
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
	}
	ssize_t r;
	do
		r = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return pk_fail_errno(err, errno, "send fd");
	return 0;
}

long pk_fds_recv(int sock, int *fds, size_t max, size_t *n, void *data, size_t size, pk_err_t *err)
{
	fd_control_t ctl;
	struct iovec iov = {.iov_base = data, .iov_len = size};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
	*n = 0;
	ssize_t r;
	do
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return pk_fail_errno(err, errno, "receive fd");
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof fd);
			if (*n < max)
				fds[(*n)++] = fd;
			else
				close(fd);
		}
	}
	return (long)r;
}

int pk_fd_send(int sock, int fd, const void *data, size_t len, pk_err_t *err)
{
	return pk_fds_send(sock, &fd, 1, data, len, err);
}

long pk_fd_recv(int sock, int *fd, void *data, size_t size, pk_err_t *err)
{
	size_t n;
	*fd = -1;
	return pk_fds_recv(sock, fd, 1, &n, data, size, err);
}
