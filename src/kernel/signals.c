#include "kernel/signals.h"
#include "util/cleanup.h"
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	int sig;
} names[] = {
	{"HUP", SIGHUP},     {"INT", SIGINT},       {"QUIT", SIGQUIT},     {"ILL", SIGILL},   {"TRAP", SIGTRAP},
	{"ABRT", SIGABRT},   {"IOT", SIGIOT},       {"BUS", SIGBUS},       {"FPE", SIGFPE},   {"KILL", SIGKILL},
	{"USR1", SIGUSR1},   {"SEGV", SIGSEGV},     {"USR2", SIGUSR2},     {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},
	{"TERM", SIGTERM},   {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},     {"CONT", SIGCONT}, {"STOP", SIGSTOP},
	{"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},     {"URG", SIGURG},   {"XCPU", SIGXCPU},
	{"XFSZ", SIGXFSZ},   {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},     {"WINCH", SIGWINCH}, {"IO", SIGIO},
	{"POLL", SIGPOLL},   {"PWR", SIGPWR},       {"SYS", SIGSYS},
};

static int parse_number(const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end)
		return -1;
	*out = v;
	return 0;
}

int pk_signal_parse(const char *text, int *sig, pk_err_t *err)
{
	long n;
	if (parse_number(text, &n) == 0) {
		if (n <= 0 || n >= NSIG)
			return pk_fail(err, "signal: %s is out of range (1-%d)", text, NSIG - 1);
		*sig = (int)n;
		return 0;
	}
	const char *name = strncasecmp(text, "SIG", 3) ? text : text + 3;
	for (size_t i = 0; i < PK_ARRAY_SIZE(names); i++)
		if (!strcasecmp(name, names[i].name)) {
			*sig = names[i].sig;
			return 0;
		}
	if (!strncasecmp(name, "RTMIN", 5) || !strncasecmp(name, "RTMAX", 5)) {
		bool min = !strncasecmp(name, "RTMIN", 5);
		long off = 0;
		if (name[5] && (parse_number(name + 5 + (name[5] == '+'), &off) < 0 || (name[5] != '+' && name[5] != '-')))
			goto bad;
		int s = min ? SIGRTMIN + (int)off : SIGRTMAX + (int)off;
		if (s < SIGRTMIN || s > SIGRTMAX)
			goto bad;
		*sig = s;
		return 0;
	}
bad:
	return pk_fail(err, "signal: unknown signal \"%s\"", text);
}
