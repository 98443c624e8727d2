/* A process environment (NULL-terminated, heap strings). */
#pragma once

/* Set NAME=VALUE in *env, replacing an earlier NAME; -1 when out of memory. */
int pk_env_set(char ***env, const char *kv);
