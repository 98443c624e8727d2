/* Unit tests for the small parsers: runc-style flags, signal names, mount options, seccomp names. */
#include "kernel/mount_options.h"
#include "kernel/signals.h"
#include "spec/spec.h"
#include "util/args.h"
#include "util/timefmt.h"
#include <jansson.h>
#include <linux/mount.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include "tap.h"


enum { O_BUNDLE, O_DETACH, O_PIDFILE };
static const pk_opt_t opts[] = {{"bundle", 'b', true, O_BUNDLE}, {"detach", 'd', false, O_DETACH}, {"pid-file", 0, true, O_PIDFILE}};

typedef struct {
	const char *bundle, *pid_file;
	bool detach;
} seen_t;

static int on_opt(void *ctx, int id, const char *v, pk_err_t *err)
{
	(void)err;
	seen_t *s = ctx;
	if (id == O_BUNDLE)
		s->bundle = v;
	else if (id == O_DETACH)
		s->detach = !strcmp(v, "true");
	else
		s->pid_file = v;
	return 0;
}

static int parse(seen_t *s, int argc, char **argv, pk_err_t *err)
{
	memset(s, 0, sizeof *s);
	return pk_args_parse(argc, argv, opts, 3, on_opt, s, err);
}

static void test_args(void)
{
	seen_t s;
	pk_err_t err;
	char *a1[] = {"--bundle", "/b", "-d", "id"};
	check(parse(&s, 4, a1, &err) == 3 && !strcmp(s.bundle, "/b") && s.detach, "args: --flag value, short bool");
	char *a2[] = {"--bundle=/b", "--pid-file=/p", "id"};
	check(parse(&s, 3, a2, &err) == 2 && !strcmp(s.bundle, "/b") && !strcmp(s.pid_file, "/p"), "args: --flag=value");
	char *a3[] = {"-b", "/b", "id", "--detach"};
	check(parse(&s, 4, a3, &err) == 2 && !s.detach, "args: parsing stops at the first positional");
	char *a4[] = {"-bundle", "/b", "-detach=false", "id"};
	check(parse(&s, 4, a4, &err) == 3 && !strcmp(s.bundle, "/b") && !s.detach, "args: single-dash long flags");
	char *a5[] = {"--nope", "id"};
	check(parse(&s, 2, a5, &err) < 0 && strstr(err.msg, "--nope"), "args: unknown flag named");
	char *a6[] = {"--bundle"};
	check(parse(&s, 1, a6, &err) < 0 && strstr(err.msg, "--bundle"), "args: missing value named");
	char *a7[] = {"--", "-x"};
	check(parse(&s, 2, a7, &err) == 1, "args: -- ends the flags");
	char *a8[] = {"--detach=maybe"};
	check(parse(&s, 1, a8, &err) < 0, "args: bad boolean refused");
}

static void test_signals(void)
{
	pk_err_t err;
	int sig = 0;
	check(pk_signal_parse("KILL", &sig, &err) == 0 && sig == SIGKILL, "signal: KILL");
	check(pk_signal_parse("SIGTERM", &sig, &err) == 0 && sig == SIGTERM, "signal: SIGTERM");
	check(pk_signal_parse("sigusr1", &sig, &err) == 0 && sig == SIGUSR1, "signal: lower case");
	check(pk_signal_parse("9", &sig, &err) == 0 && sig == 9, "signal: number");
	check(pk_signal_parse("RTMIN+2", &sig, &err) == 0 && sig == SIGRTMIN + 2, "signal: RTMIN+2");
	check(pk_signal_parse("RTMAX-1", &sig, &err) == 0 && sig == SIGRTMAX - 1, "signal: RTMAX-1");
	check(pk_signal_parse("FOO", &sig, &err) < 0 && strstr(err.msg, "FOO"), "signal: unknown name refused");
	check(pk_signal_parse("0", &sig, &err) < 0 && pk_signal_parse("999", &sig, &err) < 0, "signal: out of range");
}

static void test_mount_options(void)
{
	pk_err_t err;
	pk_mount_opts_t o;
	char *a[] = {"rbind", "ro", "nosuid", "rprivate", "size=64k", "mode=755"};
	check(pk_mount_opts_parse(a, 6, &o, &err) == 0 && o.bind && (o.flags & MS_REC) && (o.flags & MS_RDONLY) &&
		      (o.flags & MS_NOSUID) && o.propagation == (MS_PRIVATE | MS_REC) && !strcmp(o.data, "size=64k,mode=755"),
	      "mount options: flags, propagation, data");
	char *b[] = {"ro", "rw"};
	check(pk_mount_opts_parse(b, 2, &o, &err) == 0 && !(o.flags & MS_RDONLY), "mount options: later rw clears ro");
	char *c[] = {"rro", "rnosuid", "rnoatime"};
	check(pk_mount_opts_parse(c, 3, &o, &err) == 0 &&
		      o.rattr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME) &&
		      (o.rattr_clr & MOUNT_ATTR__ATIME),
	      "mount options: recursive attributes");
	char *d[] = {"idmap", "tmpcopyup"};
	check(pk_mount_opts_parse(d, 2, &o, &err) == 0 && o.idmap && o.tmpcopyup, "mount options: idmap, tmpcopyup");
}

static void test_seccomp(void)
{
	pk_err_t err;
	pk_seccomp_t s;
	json_t *j = json_loads("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
			       "\"architectures\":[\"SCMP_ARCH_X86_64\"],\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],"
			       "\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
			       "{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1,"
			       "\"args\":[{\"index\":1,\"value\":9,\"op\":\"SCMP_CMP_EQ\"}]}]}",
			       0, NULL);
	check(pk_seccomp_parse(j, &s, &err) == 0 && s.present && s.default_errno_ret == 38 && s.n_archs == 1 &&
		      s.archs[0] == SCMP_ARCH_X86_64 && s.n_rules == 2 && s.rules[1].n_args == 1 &&
		      s.rules[1].args[0].op == SCMP_CMP_EQ && s.rules[1].errno_ret == 1,
	      "seccomp: full profile");
	pk_seccomp_free(&s);
	json_decref(j);
	static const struct {
		const char *json, *needle;
	} bad[] = {
		{"{}", "defaultAction"},
		{"{\"defaultAction\":\"SCMP_ACT_NOPE\"}", "SCMP_ACT_NOPE"},
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_PDP11\"]}", "SCMP_ARCH_PDP11"},
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_FAST\"]}", "FLAG_FAST"},
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\","
		 "\"args\":[{\"index\":7,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		 "index"},
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\","
		 "\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_SORTA\"}]}]}",
		 "SCMP_CMP_SORTA"},
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
		 "listenerPath"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		j = json_loads(bad[i].json, 0, NULL);
		char name[128];
		snprintf(name, sizeof name, "seccomp: refused, naming %s", bad[i].needle);
		check(pk_seccomp_parse(j, &s, &err) < 0 && strstr(err.msg, bad[i].needle) &&
			      strstr(err.msg, "linux.seccomp"),
		      name);
		json_decref(j);
	}
}

/* The state's timestamps against dates a calendar gets wrong first: leap days, centuries, before 1970. */
static void test_rfc3339(void)
{
	static const struct {
		int64_t secs;
		long nsec;
		const char *want;
	} cases[] = {
		{0, 0, "1970-01-01T00:00:00.000000000Z"},
		{951782400, 5, "2000-02-29T00:00:00.000000005Z"},
		{4107542399, 999999999, "2100-02-28T23:59:59.999999999Z"},
		{1709164800, 0, "2024-02-29T00:00:00.000000000Z"},
		{-86400, 0, "1969-12-31T00:00:00.000000000Z"},
		{-1, 0, "1969-12-31T23:59:59.000000000Z"},
		{1795458385, 184232934, "2026-11-23T18:26:25.184232934Z"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[64], name[96];
		pk_time_rfc3339(cases[i].secs, cases[i].nsec, buf, sizeof buf);
		snprintf(name, sizeof name, "rfc3339 of %lld is %s", (long long)cases[i].secs, cases[i].want);
		check(!strcmp(buf, cases[i].want), name);
	}
}

int main(void)
{
	test_rfc3339();
	test_args();
	test_signals();
	test_mount_options();
	test_seccomp();
	return tap_done();
}
