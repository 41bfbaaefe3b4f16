/* SPDX-License-Identifier: MIT */
/*
 * A small JSON value type with a parser, a writer and a stream splitter.
 *
 * QMP speaks JSON (RFC 8259) in both directions: requests are objects read
 * from a byte stream that may split or join them arbitrarily, replies and
 * events are objects written one per line. Objects keep their members in
 * insertion order, so replies print in the order the code builds them.
 * Numbers are 64-bit integers when they have no fraction or exponent,
 * doubles otherwise. Strings are UTF-8; \uXXXX escapes (with surrogate
 * pairs) are decoded on input, and control characters are escaped on
 * output. Private to monitor/.
 */
#ifndef MONITOR_JSON_H
#define MONITOR_JSON_H

#include "kemu/types.h"

typedef enum JsonType {
    JSON_NULL,
    JSON_BOOL,
    JSON_INT,
    JSON_DOUBLE,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT,
} JsonType;

typedef struct Json Json;
struct Json {
    JsonType type;
    bool b;          /* JSON_BOOL */
    int64_t i;       /* JSON_INT */
    double d;        /* JSON_DOUBLE */
    char *s;         /* JSON_STRING */
    Json **items;    /* JSON_ARRAY elements, JSON_OBJECT values */
    char **keys;     /* JSON_OBJECT member names */
    unsigned n, cap;
};

Json *json_null(void);
Json *json_bool(bool b);
Json *json_int(int64_t i);
Json *json_double(double d);
Json *json_string(const char *s);
/* A string of len bytes (may hold NUL bytes, which are escaped as \u0000). */
Json *json_string_len(const char *s, size_t len);
Json *json_array(void);
Json *json_object(void);
void json_free(Json *v);

/* Append v (taking ownership) to an array. */
void json_append(Json *arr, Json *v);
/* Set member key of an object to v (taking ownership); replaces an
 * existing member of the same name in place. */
void json_set(Json *obj, const char *key, Json *v);
/* Member lookup: NULL if obj is no object or has no such member. */
Json *json_get(const Json *obj, const char *key);
/* Typed lookups: the member's value, or def when absent or mistyped. */
const char *json_get_str(const Json *obj, const char *key);

/* "string", "number", "boolean", "null", "array", "object" */
const char *json_type_name(JsonType t);

/* Serialise: compact ("a": 1, "b": 2 with QEMU's ", " and ": ") or pretty
 * (four-space indent, as QEMU's pretty=on). Returns a malloc'd string. */
char *json_to_string(const Json *v, bool pretty);

/* Parse exactly one value from text[0..len) (surrounding white space
 * allowed). Returns NULL and a malloc'd message in *err on failure, worded
 * as QEMU's "JSON parse error, ..." descriptions. */
Json *json_parse(const char *text, size_t len, char **err);

/*
 * Splits a byte stream into top-level JSON texts: objects and arrays end
 * at their closing bracket, scalars at the next white space or bracket.
 * json_stream_feed() calls fn for every complete text (NUL-terminated);
 * texts over JSON_STREAM_MAX bytes or nested deeper than JSON_MAX_DEPTH
 * are reported as errors (fn gets text NULL and an error message).
 */
#define JSON_STREAM_MAX (1 << 20)
#define JSON_MAX_DEPTH 1024

typedef void JsonStreamFn(void *opaque, const char *text, size_t len, const char *error);

typedef struct JsonStreamer {
    char *buf;
    size_t len, cap;
    int depth;
    bool in_string, escape;
    bool overflow;          /* dropping the rest of an oversized text */
} JsonStreamer;

void json_stream_init(JsonStreamer *js);
void json_stream_reset(JsonStreamer *js);
void json_stream_feed(JsonStreamer *js, const uint8_t *data, size_t len, JsonStreamFn *fn,
                      void *opaque);

#endif
