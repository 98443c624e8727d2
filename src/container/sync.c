#include "container/sync.h"
#include "util/fdpass.h"
#include <unistd.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* A send found the other side gone: it may have said why before it went (SYNC_ERROR, still queued for us),
 * which is the error to report rather than the broken pipe. */
static int gone(int fd, int rc, pk_err_t *err)
{
	if (rc == 0 || (err->errnum != EPIPE && err->errnum != ECONNRESET))
		return rc;
	pk_sync_msg_t m;
	ssize_t n = recv(fd, &m, sizeof m, MSG_DONTWAIT);
	if (n == (ssize_t)sizeof m && m.version == PK_SYNC_VERSION && m.type == PK_SYNC_ERROR) {
		m.text[sizeof m.text - 1] = '\0';
		err->errnum = (int)m.value;
		snprintf(err->msg, sizeof err->msg, "%s", m.text);
	}
	return rc;
}

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
		return gone(fd, pk_fail_errno(err, n < 0 ? errno : EPIPE, "sync: send"), err);
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

int pk_sync_send_fds(int fd, enum pk_sync_type type, int64_t value, const int *fds, size_t n, pk_err_t *err)
{
	pk_sync_msg_t m = {.version = PK_SYNC_VERSION, .type = type, .value = value};
	return gone(fd, pk_fds_send(fd, fds, n, &m, sizeof m, err), err);
}

int pk_sync_send_fd(int fd, enum pk_sync_type type, int payload_fd, pk_err_t *err)
{
	return pk_sync_send_fds(fd, type, 0, &payload_fd, 1, err);
}

int pk_sync_expect_fds(int fd, enum pk_sync_type want, int64_t *value, int *fds, size_t max, size_t *n, pk_err_t *err)
{
	pk_sync_msg_t m;
	long len = pk_fds_recv(fd, fds, max, n, &m, sizeof m, err);
	if (len < 0)
		return -1;
	if (len == 0)
		pk_fail(err, "container init exited during set-up");
	else if (len != (long)sizeof m || m.version != PK_SYNC_VERSION)
		pk_fail(err, "sync: malformed message");
	else if (m.type == PK_SYNC_ERROR) {
		m.text[sizeof m.text - 1] = '\0';
		err->errnum = (int)m.value;
		snprintf(err->msg, sizeof err->msg, "%s", m.text);
	} else if (m.type != (uint32_t)want)
		pk_fail(err, "sync: expected message %d, got %u", want, m.type);
	else {
		if (value)
			*value = m.value;
		return 0;
	}
	for (size_t i = 0; i < *n; i++)
		close(fds[i]);
	*n = 0;
	return -1;
}

int pk_sync_expect_fd(int fd, enum pk_sync_type want, int *payload_fd, pk_err_t *err)
{
	size_t n;
	*payload_fd = -1;
	if (pk_sync_expect_fds(fd, want, NULL, payload_fd, 1, &n, err) < 0)
		return -1;
	if (n == 1)
		return 0;
	return pk_fail(err, "sync: message %d came without its fd", want);
}
