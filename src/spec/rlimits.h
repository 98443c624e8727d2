/* Resource limit names as the OCI config spells them ("RLIMIT_NOFILE"), mapped to RLIMIT_* numbers. */
#pragma once

int pk_rlimit_from_name(const char *name); /* -1 if unknown */
const char *pk_rlimit_name(int resource);  /* NULL if unknown */
