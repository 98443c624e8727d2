/* Signal names as kill(1) and runc take them: "KILL", "SIGKILL", "9", "RTMIN+3". */
#pragma once
#include "util/error.h"

int pk_signal_parse(const char *text, int *sig, pk_err_t *err);
