#include "util/log.h"
#include "util/timefmt.h"
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* One log sink per process, set once by main() before any work starts. */
static struct {
	int fd;
	bool json, debug;
} sink = {.fd = -1};

int pk_log_open(const char *path, bool json, bool debug)
{
	sink.json = json;
	sink.debug = debug;
	if (!path)
		return 0;
	sink.fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	return sink.fd < 0 ? -errno : 0;
}

bool pk_log_debug_enabled(void) { return sink.debug; }

static const char *level_name(enum pk_log_level l)
{
	static const char *const names[] = {"debug", "info", "warning", "error"};
	return names[l];
}

static void emit(enum pk_log_level level, const char *msg)
{
	int fd = sink.fd >= 0 ? sink.fd : STDERR_FILENO;
	if (sink.json) {
		char when[64];
		pk_time_now_rfc3339(when, sizeof when);
		json_t *o = json_pack("{s:s,s:s,s:s}", "level", level_name(level), "msg", msg, "time", when);
		char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
		if (line)
			dprintf(fd, "%s\n", line);
		free(line);
		json_decref(o);
	} else if (sink.fd >= 0) {
		dprintf(fd, "%s: %s\n", level_name(level), msg);
	} else {
		dprintf(fd, "pocket: %s%s\n", level == PK_LOG_ERROR ? "" : level == PK_LOG_WARN ? "warning: " : "",
			msg);
	}
}

void pk_log(enum pk_log_level level, const char *fmt, ...)
{
	if (level == PK_LOG_DEBUG && !sink.debug)
		return;
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	emit(level, msg);
}

void pk_log_fatal(const char *msg)
{
	emit(PK_LOG_ERROR, msg);
	/* With a log file the error is written there for the engine, and to stderr for a person. */
	if (sink.fd >= 0)
		dprintf(STDERR_FILENO, "pocket: %s\n", msg);
}
