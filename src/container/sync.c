#include "container/sync.h"
#include "util/fdpass.h"
#include <unistd.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int pk_sync_send(int fd, enum pk_sync_type type, int64_t value, const char *text, pk_err_t *err)
{
	pk_sync_msg_t m = {.version = PK_SYNC_VERSION, .type = type, .value = value};
	if (text)
		snprintf(m.text, sizeof m.text, "%s", text);
	ssize_t n;
	do
		n = send(fd, &m, sizeof m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof m)
		return pk_fail_errno(err, n < 0 ? errno : EPIPE, "sync: send");
	return 0;
}

int pk_sync_expect(int fd, enum pk_sync_type want, int64_t *value, pk_err_t *err)
{
	pk_sync_msg_t m;
	ssize_t n;
	do
		n = recv(fd, &m, sizeof m, 0);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return pk_fail(err, "container init exited during set-up");
	if (n != (ssize_t)sizeof m || m.version != PK_SYNC_VERSION)
		return pk_fail_errno(err, n < 0 ? errno : EPROTO, "sync: receive");
	if (m.type == PK_SYNC_ERROR) {
		m.text[sizeof m.text - 1] = '\0';
		err->errnum = (int)m.value;
		snprintf(err->msg, sizeof err->msg, "%s", m.text);
		return -1;
	}
	if (m.type != (uint32_t)want)
		return pk_fail(err, "sync: expected message %d, got %u", want, m.type);
	if (value)
		*value = m.value;
	return 0;
}

int pk_sync_send_fd(int fd, enum pk_sync_type type, int payload_fd, pk_err_t *err)
{
	pk_sync_msg_t m = {.version = PK_SYNC_VERSION, .type = type};
	return pk_fd_send(fd, payload_fd, &m, sizeof m, err);
}

int pk_sync_expect_fd(int fd, enum pk_sync_type want, int *payload_fd, pk_err_t *err)
{
	pk_sync_msg_t m;
	long n = pk_fd_recv(fd, payload_fd, &m, sizeof m, err);
	if (n < 0)
		return -1;
	if (n == 0)
		return pk_fail(err, "container init exited during set-up");
	if (n != (long)sizeof m || m.version != PK_SYNC_VERSION)
		return pk_fail(err, "sync: malformed message");
	if (m.type == PK_SYNC_ERROR) {
		m.text[sizeof m.text - 1] = '\0';
		err->errnum = (int)m.value;
		snprintf(err->msg, sizeof err->msg, "%s", m.text);
	} else if (m.type != (uint32_t)want) {
		pk_fail(err, "sync: expected message %d, got %u", want, m.type);
	} else if (*payload_fd >= 0) {
		return 0;
	} else {
		pk_fail(err, "sync: message %d came without its fd", want);
	}
	if (*payload_fd >= 0) {
		close(*payload_fd);
		*payload_fd = -1;
	}
	return -1;
}
