#include "kernel/seccomp.h"
#include "util/cleanup.h"
#include "util/fdpass.h"
#include "util/fs.h"
#include "util/log.h"
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void ctx_release(scmp_filter_ctx *c)
{
	if (*c)
		seccomp_release(*c);
}

static uint32_t with_errno(uint32_t action, bool has, uint32_t value)
{
	uint32_t e = has ? value : EPERM;
	if (action == SCMP_ACT_ERRNO(0))
		return SCMP_ACT_ERRNO(e);
	if (action == SCMP_ACT_TRACE(0))
		return SCMP_ACT_TRACE(e);
	return action;
}

static int add_rule(scmp_filter_ctx ctx, const pk_seccomp_rule_t *r, uint32_t action, const char *name, int nr,
		    pk_err_t *err)
{
	struct scmp_arg_cmp cmp[6];
	bool repeated = false;
	for (size_t i = 0; i < r->n_args && i < 6; i++) {
		cmp[i] = (struct scmp_arg_cmp){.arg = r->args[i].index,
					       .op = (enum scmp_compare)r->args[i].op,
					       .datum_a = r->args[i].value,
					       .datum_b = r->args[i].value_two};
		for (size_t j = 0; j < i; j++)
			repeated |= r->args[j].index == r->args[i].index;
	}
	int rc;
	if (r->n_args == 0) {
		rc = seccomp_rule_add(ctx, action, nr, 0);
	} else if (repeated) {
		/* libseccomp cannot AND two conditions on one argument; runc adds one rule per condition, which
		 * makes them alternatives. Do the same so profiles behave alike. */
		rc = 0;
		for (size_t i = 0; i < r->n_args && rc == 0; i++)
			rc = seccomp_rule_add_array(ctx, action, nr, 1, &cmp[i]);
	} else {
		rc = seccomp_rule_add_array(ctx, action, nr, (unsigned)(r->n_args > 6 ? 6 : r->n_args), cmp);
	}
	if (rc < 0)
		return pk_fail_errno(err, -rc, "linux.seccomp: rule for %s", name);
	return 0;
}

static int compile(const pk_seccomp_t *s, pk_seccomp_prog_t *out, pk_err_t *err);
static int finish(const pk_seccomp_t *s, pk_seccomp_prog_t *out, pk_err_t *err);

/* The cache entry: "POCKET-BPF 1\n", the key's length and bytes, then the instructions. */
#define CACHE_MAGIC "POCKET-BPF 1\n"

static char *cache_key(const pk_seccomp_t *s)
{
	const struct scmp_version *v = seccomp_version();
	char *key = NULL;
	if (asprintf(&key, "libseccomp %u.%u.%u\n%s", v->major, v->minor, v->micro, s->canonical) < 0)
		return NULL;
	return key;
}

static void cache_name(const char *key, char *name, size_t size)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a: a file name, not a proof (the key is compared whole) */
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	snprintf(name, size, "%016llx.bpf", (unsigned long long)h);
}

static bool cache_load(const char *dir, const char *key, pk_seccomp_prog_t *out)
{
	char name[32], path[PATH_MAX];
	cache_name(key, name, sizeof name);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	_cleanup_free_ char *data = NULL;
	size_t len;
	pk_err_t ignored;
	if (pk_read_file(path, &data, &len, &ignored) < 0)
		return false;
	size_t klen = strlen(key), head = sizeof CACHE_MAGIC - 1;
	if (len <= head + klen + 1 || memcmp(data, CACHE_MAGIC, head) || memcmp(data + head, key, klen) ||
	    data[head + klen] != '\0')
		return false;
	size_t off = head + klen + 1, n = len - off;
	if (n == 0 || n % sizeof(struct sock_filter) || n / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return false;
	if (!(out->insns = malloc(n)))
		return false;
	memcpy(out->insns, data + off, n);
	out->len = (unsigned short)(n / sizeof(struct sock_filter));
	return true;
}

static void cache_store(const char *dir, const char *key, const pk_seccomp_prog_t *p)
{
	char name[32];
	cache_name(key, name, sizeof name);
	size_t head = sizeof CACHE_MAGIC - 1, klen = strlen(key) + 1, n = (size_t)p->len * sizeof(struct sock_filter);
	_cleanup_free_ char *data = malloc(head + klen + n);
	pk_err_t ignored;
	if (!data || (mkdir(dir, 0700) < 0 && errno != EEXIST))
		return;
	memcpy(data, CACHE_MAGIC, head);
	memcpy(data + head, key, klen);
	memcpy(data + head + klen, p->insns, n);
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd >= 0)
		pk_write_file_atomic_at(dfd, name, data, head + klen + n, 0600, &ignored);
}

int pk_seccomp_compile(const pk_seccomp_t *s, const char *cache_dir, pk_seccomp_prog_t *out, pk_err_t *err)
{
	memset(out, 0, sizeof *out);
	out->listener_sock = -1;
	if (!s->present)
		return 0;
	_cleanup_free_ char *key = cache_dir ? cache_key(s) : NULL;
	if (key && cache_load(cache_dir, key, out)) {
		pk_debug("linux.seccomp: compiled filter from the cache");
	} else if (compile(s, out, err) < 0) {
		return -1;
	} else if (key) {
		cache_store(cache_dir, key, out);
	}
	return finish(s, out, err);
}

static int compile(const pk_seccomp_t *s, pk_seccomp_prog_t *out, pk_err_t *err)
{
	uint32_t def = with_errno(s->default_action, s->has_default_errno_ret, s->default_errno_ret);
	__attribute__((cleanup(ctx_release))) scmp_filter_ctx ctx = seccomp_init(def);
	if (!ctx)
		return pk_fail(err, "linux.seccomp: libseccomp refused the default action");
	for (size_t i = 0; i < s->n_archs; i++) {
		int rc = seccomp_arch_add(ctx, s->archs[i]);
		if (rc < 0 && rc != -EEXIST)
			return pk_fail_errno(err, -rc, "linux.seccomp.architectures[%zu]", i);
	}
	/* A binary tree of syscalls rather than a linear list: large profiles cost less per syscall. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (size_t i = 0; i < s->n_rules; i++) {
		const pk_seccomp_rule_t *r = &s->rules[i];
		uint32_t action = with_errno(r->action, r->has_errno_ret, r->errno_ret);
		if (action == def)
			continue; /* libseccomp refuses a rule that repeats the default, and it changes nothing */
		for (char **n = r->names; *n; n++) {
			int nr = seccomp_syscall_resolve_name(*n);
			if (nr == __NR_SCMP_ERROR) {
				pk_debug("linux.seccomp: syscall %s unknown to libseccomp; skipped", *n);
				continue;
			}
			if (add_rule(ctx, r, action, *n, nr, err) < 0)
				return pk_err_wrap(err, "linux.seccomp.syscalls[%zu]", i);
		}
	}
	_cleanup_close_ int fd = memfd_create("pocket-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return pk_fail_errno(err, errno, "linux.seccomp: memfd");
	int rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return pk_fail_errno(err, -rc, "linux.seccomp: export the filter");
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) ||
	    st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
		return pk_fail(err, "linux.seccomp: the compiled filter is empty or too large");
	out->insns = malloc((size_t)st.st_size);
	if (!out->insns || pread(fd, out->insns, (size_t)st.st_size, 0) != st.st_size) {
		pk_seccomp_prog_free(out);
		return pk_fail_errno(err, errno ? errno : EIO, "linux.seccomp: read the filter");
	}
	out->len = (unsigned short)(st.st_size / (off_t)sizeof(struct sock_filter));
	return 0;
}

/* What is not in the compiled program: the flags, and the listener's connection. */
static int finish(const pk_seccomp_t *s, pk_seccomp_prog_t *out, pk_err_t *err)
{
	out->flags = s->flags;
	if (s->listener_path) {
		/* Connected here, in the runtime's mount namespace, where listenerPath means what it says. */
		struct sockaddr_un addr = {.sun_family = AF_UNIX};
		if (strlen(s->listener_path) >= sizeof addr.sun_path) {
			pk_seccomp_prog_free(out);
			return pk_fail(err, "linux.seccomp.listenerPath: too long");
		}
		strcpy(addr.sun_path, s->listener_path);
		out->listener_sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (out->listener_sock < 0 || connect(out->listener_sock, (struct sockaddr *)&addr, sizeof addr) < 0) {
			int e = errno;
			pk_seccomp_prog_free(out);
			return pk_fail_errno(err, e, "linux.seccomp.listenerPath %s", s->listener_path);
		}
		out->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		out->listener_metadata = s->listener_metadata;
	}
	return 0;
}

void pk_seccomp_prog_free(pk_seccomp_prog_t *p)
{
	free(p->insns);
	if (p->listener_sock >= 0)
		close(p->listener_sock);
	memset(p, 0, sizeof *p);
	p->listener_sock = -1;
}

static int send_listener_fd(const pk_seccomp_prog_t *p, int notify_fd, pid_t pid, const char *state_json,
			    pk_err_t *err)
{
	json_error_t je;
	json_t *state = json_loads(state_json, 0, &je);
	json_t *msg = json_pack("{s:s,s:[s],s:I,s:s,s:o}", "ociVersion", "1.2.0", "fds", "seccompFd", "pid",
				(json_int_t)pid, "metadata", p->listener_metadata ? p->listener_metadata : "", "state",
				state ? state : json_object());
	_cleanup_free_ char *text = msg ? json_dumps(msg, JSON_COMPACT) : NULL;
	json_decref(msg);
	if (!text)
		return pk_fail(err, "linux.seccomp: encode the listener message");
	if (pk_fd_send(p->listener_sock, notify_fd, text, strlen(text), err) < 0)
		return pk_err_wrap(err, "linux.seccomp: listenerPath");
	return 0;
}

int pk_seccomp_install(const pk_seccomp_prog_t *p, pid_t pid, const char *state_json, pk_err_t *err)
{
	if (!p->insns)
		return 0;
	struct sock_fprog prog = {.len = p->len, .filter = p->insns};
	int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog);
	if (fd < 0)
		return pk_fail_errno(err, errno, "linux.seccomp: install the filter");
	if (!(p->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
		return 0;
	_cleanup_close_ int notify_fd = fd;
	return send_listener_fd(p, notify_fd, pid, state_json, err);
}
