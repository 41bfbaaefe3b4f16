/* SPDX-License-Identifier: MIT */
/*
 * QEMU's option-value syntax: "key=value,key2=value2".
 *
 * A comma inside a value is written ",,". The first element may omit its
 * key ("-m 512" is "-m size=512", "-device isa-serial,..." is
 * "driver=isa-serial") when the caller names an implied key. A bare "key"
 * later in the list means "key=on", and a bare "noKEY" answers "off" when
 * KEY is asked for (QEMU's short-form booleans). Values "help" and "?" ask
 * for help. Sizes take an optional suffix B, K, M, G, T, P or E (any case)
 * and may be decimal fractions ("1.5G"). Reference: QEMU manual, "Invocation"
 * (option syntax) and qemu-options.hx.
 */
#ifndef KEMU_OPTS_H
#define KEMU_OPTS_H

#include "kemu/error.h"
#include "kemu/types.h"

typedef struct OptsEntry {
    char *key;
    char *value;
    bool bare;   /* written as a bare "key" (value is "on") */
    bool used;   /* read by an opts_get*() call */
} OptsEntry;

typedef struct Opts {
    OptsEntry *ent;
    int nr;
} Opts;

/* Parse str. implied_key (may be NULL) names a leading element without
 * '='. Returns NULL and sets errp on a syntax error. */
Opts *opts_parse(const char *str, const char *implied_key, Error **errp);
void opts_free(Opts *o);

/* The value of the last occurrence of key (NULL if absent); marks every
 * occurrence used. A bare "noKEY" gives "off". */
const char *opts_get(Opts *o, const char *key);
bool opts_has(Opts *o, const char *key);
/* Typed getters: def when the key is absent; false with errp set (message
 * "Parameter 'key' expects ...") when the value is malformed. */
bool opts_get_bool(Opts *o, const char *key, bool def, bool *out, Error **errp);
bool opts_get_uint(Opts *o, const char *key, uint64_t def, uint64_t *out, Error **errp);
bool opts_get_size(Opts *o, const char *key, uint64_t def, uint64_t *out, Error **errp);
/* Fail with "Invalid parameter 'key'" if some entry was never read. */
bool opts_check_unused(Opts *o, Error **errp);
/* Visit the entries in order (for pass-through options such as -device). */
#define OPTS_FOREACH(o, e) for (OptsEntry *e = (o)->ent; e < (o)->ent + (o)->nr; e++)

/* "help" or "?" */
bool opts_is_help(const char *value);
/* on/off, yes/no, true/false, y/n. */
bool parse_bool(const char *s, bool *out);
/* Decimal, 0x hex or 0 octal (strtoull base 0); whole string, no sign. */
bool parse_uint64(const char *s, uint64_t *out);
/* A size: a number with optional fraction and suffix. default_unit applies
 * when no suffix is given (1 for bytes, MiB for -m). */
bool parse_size(const char *s, uint64_t default_unit, uint64_t *out);
/* The standard message for a bad size value. */
void opts_error_size(Error **errp, const char *key);

#endif
