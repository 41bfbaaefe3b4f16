/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of monitor/json.c: the values, the parser and its error
 * messages, the compact and pretty writers (QEMU's layout) and the stream
 * splitter that cuts QMP input into requests.
 */
#include "monitor/json.h"
#include "tests/unit/tap.h"

/* Parse and print back in compact form (NULL on a parse error). */
static char *roundtrip(const char *text)
{
    Json *v = json_parse(text, strlen(text), NULL);
    char *out = v ? json_to_string(v, false) : NULL;

    json_free(v);
    return out;
}

static void check_roundtrip(const char *in, const char *want, const char *desc)
{
    char *got = roundtrip(in);

    is_str(got, want, "%s", desc);
    free(got);
}

static void check_error(const char *in, const char *want)
{
    char *err = NULL;
    Json *v = json_parse(in, strlen(in), &err);

    ok(v == NULL, "'%s' is refused", in);
    is_str(err, want, "'%s': error message", in);
    json_free(v);
    free(err);
}

static void test_values(void)
{
    check_roundtrip("{\"a\":1,\"b\":[true,false,null],\"c\":\"x\",\"d\":-5}",
                    "{\"a\": 1, \"b\": [true, false, null], \"c\": \"x\", \"d\": -5}",
                    "object, array, literals: QEMU's separators");
    check_roundtrip(" [ ] ", "[]", "empty array");
    check_roundtrip("{}", "{}", "empty object");
    check_roundtrip("\"q\\\"b\\\\s\\/n\\n\\t\\u0001\"", "\"q\\\"b\\\\s/n\\n\\t\\u0001\"",
                    "escapes: / is not escaped, control characters are");
    check_roundtrip("\"\\u00e9\"", "\"\\u00e9\"", "\\u00e9 decoded and re-escaped");
    check_roundtrip("\"\\ud83d\\ude00\"", "\"\\ud83d\\ude00\"", "surrogate pair kept");
    check_roundtrip("\"\xc3\xa9\"", "\"\\u00e9\"", "raw UTF-8 is written as \\u escape");
    check_roundtrip("9223372036854775807", "9223372036854775807", "int64 max stays an integer");
    check_roundtrip("1.5", "1.5", "a fraction is a double");
    check_roundtrip("99999999999999999999", "1e+20", "an integer overflow becomes a double");

    Json *o = json_object();
    json_set(o, "x", json_int(1));
    json_set(o, "y", json_int(2));
    json_set(o, "x", json_string("again"));
    char *s = json_to_string(o, false);
    is_str(s, "{\"x\": \"again\", \"y\": 2}", "json_set replaces in place, order kept");
    free(s);
    is_str(json_get_str(o, "x"), "again", "json_get_str");
    ok(json_get(o, "z") == NULL, "json_get of a missing member");
    json_free(o);
}

static void test_pretty(void)
{
    Json *o = json_object(), *r = json_object(), *a = json_array();
    char *s;

    json_set(o, "return", r);
    s = json_to_string(o, true);
    is_str(s, "{\n    \"return\": {\n    }\n}", "pretty: empty object as QEMU prints it");
    free(s);
    json_set(r, "status", json_string("running"));
    json_append(a, json_int(1));
    json_set(r, "list", a);
    s = json_to_string(o, true);
    is_str(s,
           "{\n    \"return\": {\n        \"status\": \"running\",\n        \"list\": [\n"
           "            1\n        ]\n    }\n}",
           "pretty: nested members indented by four spaces");
    free(s);
    json_free(o);
}

static void test_errors(void)
{
    check_error("garbage", "JSON parse error, invalid keyword 'garbage'");
    check_error("", "JSON parse error, expecting value");
    check_error("[1 2]", "JSON parse error, expected separator in list");
    check_error("{\"a\" 1}", "JSON parse error, missing : in object pair");
    check_error("{1: 2}", "JSON parse error, key is not a string in object");
    check_error("{\"a\": 1 \"b\": 2}", "JSON parse error, expected separator in dict");
    check_error("\"abc", "JSON parse error, missing closing quote in string");
    check_error("\"\\q\"", "JSON parse error, invalid escape sequence in string");
    check_error("}", "JSON parse error, expecting value");
    check_error("1 2", "JSON parse error, trailing characters after value");
}

/* ---- stream splitting ---- */

typedef struct Texts {
    char got[8][64];
    int n, errors;
} Texts;

static void collect(void *opaque, const char *text, size_t len, const char *error)
{
    Texts *t = opaque;

    if (error) {
        t->errors++;
        return;
    }
    if (t->n < 8)
        snprintf(t->got[t->n++], sizeof(t->got[0]), "%.*s", (int)len, text);
}

static void test_stream(void)
{
    const char *input = "{\"a\":1}{\"b\":[1,{\"c\":\"}\"}]}  garbage\n{\"x\"";
    JsonStreamer js;
    Texts t = { .n = 0 };

    json_stream_init(&js);
    for (const char *p = input; *p; p++)
        json_stream_feed(&js, (const uint8_t *)p, 1, collect, &t);
    is_int(t.n, 3, "byte by byte: three complete texts so far");
    is_str(t.got[0], "{\"a\":1}", "first object");
    is_str(t.got[1], "{\"b\":[1,{\"c\":\"}\"}]}", "a '}' inside a string does not end the object");
    is_str(t.got[2], "garbage", "a bare word ends at white space");
    json_stream_feed(&js, (const uint8_t *)":2}", 3, collect, &t);
    is_int(t.n, 4, "the split object completes");
    is_str(t.got[3], "{\"x\":2}", "... with both halves");

    char deep[JSON_MAX_DEPTH + 10];
    memset(deep, '[', sizeof(deep));
    json_stream_feed(&js, (const uint8_t *)deep, sizeof(deep), collect, &t);
    memset(deep, ']', sizeof(deep));
    json_stream_feed(&js, (const uint8_t *)deep, sizeof(deep), collect, &t);
    is_int(t.errors, 1, "nesting deeper than JSON_MAX_DEPTH: one error");
    json_stream_feed(&js, (const uint8_t *)"[7]", 3, collect, &t);
    is_str(t.got[4], "[7]", "the stream recovers after the error");
    json_stream_reset(&js);
}

int main(void)
{
    test_values();
    test_pretty();
    test_errors();
    test_stream();
    return done_testing();
}
