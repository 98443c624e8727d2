/* The runtime's log: --log FILE and --log-format text|json (runc's JSON lines: {"level","msg","time"}),
 * --debug for debug lines. Without --log, warnings and errors go to stderr. The sink is per process: it is
 * configured once by main(). */
#pragma once
#include <stdbool.h>

enum pk_log_level { PK_LOG_DEBUG, PK_LOG_INFO, PK_LOG_WARN, PK_LOG_ERROR };

int pk_log_open(const char *path, bool json, bool debug);
void pk_log(enum pk_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool pk_log_debug_enabled(void);
/* Report the final error of a command: to stderr always, and to the log file when one is set. */
void pk_log_fatal(const char *msg);

#define pk_debug(...) pk_log(PK_LOG_DEBUG, __VA_ARGS__)
#define pk_warn(...) pk_log(PK_LOG_WARN, __VA_ARGS__)
