/* SPDX-License-Identifier: MIT */
/*
 * Unit test of core/opts.c: "key=value" groups, ",," escaping, implied
 * keys, bare booleans, numbers, sizes with suffixes, and every kind of bad
 * input the parser must refuse.
 */
#include "kemu/opts.h"
#include "tap.h"

static void test_groups(void)
{
    Error *err = NULL;
    Opts *o = opts_parse("a=1,b=two,c=", NULL, &err);

    ok(o && !err, "plain group parses");
    is_int(o->nr, 3, "three entries");
    is_str(opts_get(o, "a"), "1", "a=1");
    is_str(opts_get(o, "b"), "two", "b=two");
    is_str(opts_get(o, "c"), "", "c= is empty");
    ok(opts_get(o, "d") == NULL, "absent key is NULL");
    ok(opts_check_unused(o, &err), "all used");
    opts_free(o);

    o = opts_parse("a=1,a=2", NULL, NULL);
    is_str(opts_get(o, "a"), "2", "last occurrence wins");
    opts_free(o);

    o = opts_parse("a=1,", NULL, NULL);
    ok(o && o->nr == 1, "trailing comma accepted (as QEMU)");
    opts_free(o);

    o = opts_parse("", "size", NULL);
    ok(o && o->nr == 0, "empty string: no entries");
    opts_free(o);
}

static void test_escape(void)
{
    Opts *o = opts_parse("path=a,,b,,,,c,x=1", NULL, NULL);

    is_str(opts_get(o, "path"), "a,b,,c", ",, is a literal comma");
    is_str(opts_get(o, "x"), "1", "key after escaped value");
    opts_free(o);

    o = opts_parse("isa,,serial,id=s0", "driver", NULL);
    is_str(opts_get(o, "driver"), "isa,serial", ",, inside an implied value");
    is_str(opts_get(o, "id"), "s0", "then id");
    opts_free(o);

    o = opts_parse("v=a,,", NULL, NULL);
    is_str(opts_get(o, "v"), "a,", "trailing escaped comma");
    opts_free(o);
}

static void test_implied(void)
{
    Opts *o = opts_parse("512", "size", NULL);

    is_str(opts_get(o, "size"), "512", "-m 512 is size=512");
    opts_free(o);

    o = opts_parse("2,sockets=1", "cpus", NULL);
    is_str(opts_get(o, "cpus"), "2", "-smp 2 is cpus=2");
    is_str(opts_get(o, "sockets"), "1", "sockets=1 kept");
    opts_free(o);

    o = opts_parse("size=1G", "size", NULL);
    is_str(opts_get(o, "size"), "1G", "explicit key with implied key set");
    opts_free(o);

    o = opts_parse("x,y", "first", NULL);
    is_str(opts_get(o, "first"), "x", "only the first element is implied");
    is_str(opts_get(o, "y"), "on", "later bare element is a boolean");
    opts_free(o);
}

static void test_bare_bool(void)
{
    Error *err = NULL;
    Opts *o = opts_parse("server,nowait", NULL, NULL);
    bool b = false;

    ok(opts_get_bool(o, "server", false, &b, &err) && b, "bare key is on");
    ok(opts_get_bool(o, "wait", true, &b, &err) && !b, "bare noKEY is KEY=off");
    ok(opts_get_bool(o, "telnet", true, &b, &err) && b, "absent: default");
    opts_free(o);

    o = opts_parse("x=maybe", NULL, NULL);
    ok(!opts_get_bool(o, "x", false, &b, &err), "bad bool refused");
    is_str(err ? err->msg : NULL, "Parameter 'x' expects 'on' or 'off'", "bad bool message");
    error_free(err);
    opts_free(o);
}

static void test_unused(void)
{
    Error *err = NULL;
    Opts *o = opts_parse("size=1,foo=2", "size", NULL);

    opts_get(o, "size");
    ok(!opts_check_unused(o, &err), "unused key detected");
    is_str(err ? err->msg : NULL, "Invalid parameter 'foo'", "unused key message");
    error_free(err);
    opts_free(o);
}

static void test_syntax_errors(void)
{
    static const char *const bad[] = { "=1", "a=1,,,=2", ",a=1", "a=1,,b,=3", "a=1,,,,,=2" };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        Error *err = NULL;
        Opts *o = opts_parse(bad[i], NULL, &err);

        ok(!o && err, "syntax error refused: \"%s\"", bad[i]);
        error_free(err);
    }
}

static void test_bool_parse(void)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };
    static const char *const bad[] = { "", "1", "ON", "maybe", "onn" };
    bool b;

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
        ok(parse_bool(yes[i], &b) && b, "bool %s", yes[i]);
    for (size_t i = 0; i < ARRAY_SIZE(no); i++)
        ok(parse_bool(no[i], &b) && !b, "bool %s", no[i]);
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        ok(!parse_bool(bad[i], &b), "bool refused: \"%s\"", bad[i]);
}

static void test_uint(void)
{
    static const char *const bad[] = { "", "-1", "+1", "x", "1x", "0x", "99999999999999999999" };
    uint64_t v;

    ok(parse_uint64("42", &v) && v == 42, "decimal");
    ok(parse_uint64("0x3f8", &v) && v == 0x3f8, "hex");
    ok(parse_uint64("010", &v) && v == 8, "octal (strtoull base 0)");
    ok(parse_uint64("18446744073709551615", &v) && v == UINT64_MAX, "UINT64_MAX");
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        ok(!parse_uint64(bad[i], &v), "uint refused: \"%s\"", bad[i]);
}

static void test_size(void)
{
    static const struct {
        const char *s;
        uint64_t unit, want;
    } good[] = {
        { "512", MiB, 512 * MiB },     { "512", 1, 512 },
        { "1G", MiB, GiB },            { "1g", 1, GiB },
        { "4k", 1, 4096 },             { "4K", 1, 4096 },
        { "2M", 1, 2 * MiB },          { "1T", 1, 1ULL << 40 },
        { "1P", 1, 1ULL << 50 },       { "1E", 1, 1ULL << 60 },
        { "100B", MiB, 100 },          { "1.5G", 1, 3 * GiB / 2 },
        { "0.5k", 1, 512 },            { "0x10M", 1, 16 * MiB },
        { "0", MiB, 0 },               { "15E", 1, 15ULL << 60 },
    };
    static const char *const bad[] = { "",    "foo", "1X",   "-5", "1GG", "1.",  ".5G",
                                       "16E", "1.5", "G",    " 1", "1 G", "0x1.8G" };
    uint64_t v;

    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        ok(parse_size(good[i].s, good[i].unit, &v) && v == good[i].want, "size \"%s\" (unit %llu)",
           good[i].s, (unsigned long long)good[i].unit);
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        ok(!parse_size(bad[i], 1, &v), "size refused: \"%s\"", bad[i]);
    ok(!parse_size("17179869184", GiB, &v), "overflow with default unit refused");
}

static void test_typed_getters(void)
{
    Error *err = NULL;
    Opts *o = opts_parse("n=7,s=2k,bad=zz", NULL, NULL);
    uint64_t v;

    ok(opts_get_uint(o, "n", 0, &v, &err) && v == 7, "opts_get_uint");
    ok(opts_get_size(o, "s", 0, &v, &err) && v == 2048, "opts_get_size");
    ok(opts_get_uint(o, "none", 99, &v, &err) && v == 99, "uint default");
    ok(!opts_get_size(o, "bad", 0, &v, &err), "bad size refused");
    ok(err && !strncmp(err->msg, "Parameter 'bad' expects a non-negative number below 2^64", 56),
       "size message");
    error_free(err);
    opts_free(o);
    ok(opts_is_help("help") && opts_is_help("?") && !opts_is_help("halp") && !opts_is_help(NULL),
       "help values");
}

int main(void)
{
    test_groups();
    test_escape();
    test_implied();
    test_bare_bool();
    test_unused();
    test_syntax_errors();
    test_bool_parse();
    test_uint();
    test_size();
    test_typed_getters();
    return done_testing();
}
