/* Times as the state document writes them. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* secs (since the epoch) and nsec as RFC 3339 in UTC, "2026-11-23T18:26:25.184232934Z". Computed here:
 * glibc's gmtime_r first reads /etc/localtime, which UTC never needs. */
void pk_time_rfc3339(int64_t secs, long nsec, char *buf, size_t size);
/* The same for now (CLOCK_REALTIME). */
void pk_time_now_rfc3339(char *buf, size_t size);
