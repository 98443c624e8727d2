#include "util/timefmt.h"
#include <stdio.h>
#include <time.h>

void pk_time_rfc3339(int64_t secs, long nsec, char *buf, size_t size)
{
	int64_t days = secs / 86400, rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	/* The civil date of a day count since 1970-01-01, proleptic Gregorian (Howard Hinnant's
	 * civil_from_days): eras of 400 years starting on March 1st. */
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09dZ", (int)(y % 10000), (int)m, (int)d, (int)(rem / 3600),
		 (int)(rem / 60 % 60), (int)(rem % 60), (int)(nsec % 1000000000));
}

void pk_time_now_rfc3339(char *buf, size_t size)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	pk_time_rfc3339(ts.tv_sec, ts.tv_nsec, buf, size);
}
