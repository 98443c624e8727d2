/* Linux capability names as the OCI config spells them ("CAP_CHOWN"), mapped to their numbers. */
#pragma once

int pk_cap_from_name(const char *name); /* -1 if unknown */
const char *pk_cap_name(int cap);       /* NULL if unknown */
int pk_cap_last_known(void);            /* highest number in the table (CAP_CHECKPOINT_RESTORE) */
