/* SPDX-License-Identifier: MIT */
/*
 * Unit test of core/device.c: class registry order, property defaults and
 * parsing (every type, range and error message), ids, "-device" parsing
 * with ",," escapes, help texts, realize/reset, gpio pins and the
 * savestate round trip.
 */
#include "kemu/device.h"
#include "kemu/isa.h"
#include "tap.h"

typedef struct TestDev {
    Device parent;
    bool flag;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    int32_t i32;
    uint64_t size;
    char *str;
    IrqLine *out[2];      /* output pins */
    uint32_t regs[4];     /* "guest-visible" state */
    uint16_t counter;
    int last_pin, last_level;
    int resets;
    int post_loads;
} TestDev;

static int reset_seq;
static char reset_order[16];

static const Property testdev_props[] = {
    DEFINE_PROP("flag", PROP_BOOL, TestDev, flag, true, "a switch"),
    DEFINE_PROP("u8", PROP_UINT8, TestDev, u8, 7, NULL),
    DEFINE_PROP("u16", PROP_UINT16, TestDev, u16, 0x3f8, "port"),
    DEFINE_PROP("u32", PROP_UINT32, TestDev, u32, 4294967295u, NULL),
    DEFINE_PROP("u64", PROP_UINT64, TestDev, u64, 0, NULL),
    DEFINE_PROP("i32", PROP_INT32, TestDev, i32, (uint64_t)-3, NULL),
    DEFINE_PROP("size", PROP_SIZE, TestDev, size, 4096, "buffer size"),
    { .name = "str", .type = PROP_STRING, .offset = offsetof(TestDev, str), .defstr = "dflt" },
    DEFINE_PROP_END,
};

static void testdev_pin(void *opaque, int n, int level)
{
    TestDev *s = opaque;

    s->last_pin = n;
    s->last_level = level;
}

static void testdev_init(Device *dev)
{
    TestDev *s = (TestDev *)dev;

    device_init_gpio_in(dev, testdev_pin, 3);
    device_init_gpio_out(dev, s->out, 2);
}

static bool testdev_realize(Device *dev, Error **errp)
{
    TestDev *s = (TestDev *)dev;

    if (s->u8 == 99) {
        error_setg(errp, "u8=99 is not allowed");
        return false;
    }
    return true;
}

static void testdev_reset(Device *dev)
{
    TestDev *s = (TestDev *)dev;

    s->resets++;
    if (reset_seq < (int)sizeof(reset_order) - 1)
        reset_order[reset_seq++] = s->u8 + '0';
}

static int testdev_post_load(Device *dev)
{
    ((TestDev *)dev)->post_loads++;
    return 0;
}

static const VMStateField testdev_fields[] = {
    VMSTATE_ARRAY(TestDev, regs),
    VMSTATE_FIELD(TestDev, counter),
    VMSTATE_FIELD(TestDev, flag),
    VMSTATE_END,
};

static const VMStateDesc testdev_vmsd = {
    .name = "testdev",
    .version = 2,
    .fields = testdev_fields,
    .post_load = testdev_post_load,
};

static const DeviceClass testdev_class = {
    .name = "testdev",
    .desc = "a test device",
    .category = "misc",
    .instance_size = sizeof(TestDev),
    .props = testdev_props,
    .user_creatable = true,
    .instance_init = testdev_init,
    .realize = testdev_realize,
    .reset = testdev_reset,
    .vmsd = &testdev_vmsd,
};
DEVICE_CLASS(testdev_class)

static const DeviceClass a_uart_class = {
    .name = "a-uart", .desc = "serial port", .category = "char", .bus = "isa",
    .instance_size = sizeof(Device), .user_creatable = true,
};
DEVICE_CLASS(a_uart_class)

static const DeviceClass hidden_class = {
    .name = "hidden", .category = "misc", .instance_size = sizeof(Device),
};
DEVICE_CLASS(hidden_class)

static const DeviceClass zz_class = {
    .name = "zz-odd", .instance_size = sizeof(Device), .user_creatable = true, .bus = "pci",
};
DEVICE_CLASS(zz_class)

static char *capture_help(bool (*fn)(FILE *, const char *, Error **), const char *name)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (fn)
        fn(f, name, NULL);
    else
        device_print_help(f);
    fclose(f);
    return buf;
}

static void test_registry(void)
{
    const DeviceClass *dc = device_class_next(NULL);

    is_str(dc ? dc->name : NULL, "a-uart", "first class in name order");
    dc = device_class_next(dc);
    is_str(dc ? dc->name : NULL, "hidden", "second");
    dc = device_class_next(dc);
    is_str(dc ? dc->name : NULL, "testdev", "third");
    dc = device_class_next(dc);
    is_str(dc ? dc->name : NULL, "zz-odd", "fourth");
    ok(device_class_next(dc) == NULL, "end of list");
    ok(device_class_find("testdev") == &testdev_class, "find by name");
    ok(device_class_find("nope") == NULL, "unknown class");
}

static void test_defaults(void)
{
    Error *err = NULL;
    TestDev *s = (TestDev *)device_new("testdev", &err);

    ok(s && !err, "device_new");
    ok(s->flag, "bool default");
    is_int(s->u8, 7, "uint8 default");
    is_int(s->u16, 0x3f8, "uint16 default");
    is_int(s->u32, 4294967295u, "uint32 default");
    is_int(s->i32, -3, "int32 default");
    is_int(s->size, 4096, "size default");
    is_str(s->str, "dflt", "string default");
    is_int(s->parent.nr_gpio_in, 3, "instance_init ran (gpio in)");
    ok(!s->parent.realized, "not realized yet");
    ok(device_new("nope", &err) == NULL, "unknown device refused");
    is_str(err ? err->msg : NULL, "'nope' is not a valid device model name", "unknown message");
    error_free(err);
}

static void check_set(Device *d, const char *p, const char *v, const char *want_err)
{
    Error *err = NULL;
    bool r = device_set_prop(d, p, v, &err);

    if (!want_err) {
        ok(r && !err, "set %s=%s", p, v);
    } else {
        ok(!r, "refused %s=%s", p, v);
        is_str(err ? err->msg : NULL, want_err, "message for %s=%s", p, v);
    }
    error_free(err);
}

static void test_props(void)
{
    TestDev *s = (TestDev *)device_new("testdev", NULL);
    Device *d = &s->parent;

    check_set(d, "flag", "off", NULL);
    ok(!s->flag, "flag off");
    check_set(d, "flag", "yes", NULL);
    ok(s->flag, "flag yes");
    check_set(d, "flag", "2", "Parameter 'flag' expects 'on' or 'off'");
    check_set(d, "u8", "255", NULL);
    is_int(s->u8, 255, "u8=255");
    check_set(d, "u8", "256", "Parameter 'u8' expects uint8_t");
    check_set(d, "u8", "-1", "Parameter 'u8' expects uint8_t");
    check_set(d, "u16", "0x2f8", NULL);
    is_int(s->u16, 0x2f8, "u16 hex");
    check_set(d, "u16", "0x10000", "Parameter 'u16' expects uint16_t");
    check_set(d, "u32", "0x1ffffffff", "Parameter 'u32' expects uint32_t");
    check_set(d, "u32", "xyz", "Parameter 'u32' expects integer");
    check_set(d, "u32", "", "Parameter 'u32' expects integer");
    check_set(d, "u64", "18446744073709551615", NULL);
    ok(s->u64 == UINT64_MAX, "u64 max");
    check_set(d, "i32", "-2147483648", NULL);
    is_int(s->i32, INT32_MIN, "i32 min");
    check_set(d, "i32", "2147483648", "Parameter 'i32' expects int32_t");
    check_set(d, "i32", "-2147483649", "Parameter 'i32' expects int32_t");
    check_set(d, "size", "64k", NULL);
    is_int(s->size, 65536, "size 64k");
    check_set(d, "size", "1Q",
              "Parameter 'size' expects a non-negative number below 2^64\n"
              "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n"
              "and exabytes, respectively.");
    check_set(d, "str", "hello", NULL);
    is_str(s->str, "hello", "string set");
    check_set(d, "nope", "1", "Property 'testdev.nope' not found");
    check_set(d, "id", "9x", "Parameter 'id' expects an identifier\nIdentifiers consist of "
                             "letters, digits, '-', '.', '_', starting with a letter.");
    check_set(d, "id", "t.x-1_", NULL);
    is_str(d->id, "t.x-1_", "id set");
    ok(device_realize(d, NULL), "realize");
    ok(d->realized, "realized flag");
    check_set(d, "u8", "1",
              "Attempt to set property 'u8' on device 'testdev' after it was realized");
    ok(device_find_by_id("t.x-1_") == d, "find by id");
    ok(device_find_by_class("testdev") == d, "find by class (first realized)");
}

static void test_opts(void)
{
    Error *err = NULL;
    TestDev *s = (TestDev *)device_create_from_opts("testdev,str=a,,b,u8=5,id=t1,flag=off", &err);

    ok(s && !err, "device_create_from_opts");
    if (!s)
        return;
    is_str(s->str, "a,b", ",, in a property value");
    is_int(s->u8, 5, "u8 from opts");
    ok(!s->flag && s->parent.realized, "flag off, realized");
    ok(device_create_from_opts("driver=testdev,id=t1", &err) == NULL, "duplicate id refused");
    is_str(err ? err->msg : NULL, "Duplicate ID 't1' for device", "duplicate id message");
    error_free(err);
    err = NULL;
    ok(device_create_from_opts("testdev,u8=99,id=t2", &err) == NULL, "realize failure");
    is_str(err ? err->msg : NULL, "u8=99 is not allowed", "realize error passed up");
    ok(device_find_by_id("t2") == NULL, "failed device discarded");
    error_free(err);
    err = NULL;
    ok(device_create_from_opts("hidden", &err) == NULL, "not user creatable");
    is_str(err ? err->msg : NULL, "Parameter 'driver' expects a pluggable device type",
           "not user creatable message");
    error_free(err);
    err = NULL;
    ok(device_create_from_opts("id=x", &err) == NULL, "no driver");
    is_str(err ? err->msg : NULL, "Parameter 'driver' is missing", "no driver message");
    error_free(err);
    err = NULL;
    ok(device_create_from_opts("a-uart", &err) == NULL, "ISA device without a bus");
    is_str(err ? err->msg : NULL, "No 'ISA' bus found for device 'a-uart'", "no bus message");
    error_free(err);
    err = NULL;
    ok(device_create_from_opts("testdev,bogus=1", &err) == NULL, "unknown property");
    is_str(err ? err->msg : NULL, "Property 'testdev.bogus' not found", "property message");
    error_free(err);
}

static void test_help(void)
{
    char *h = capture_help(NULL, NULL);

    is_str(h,
           "Input devices:\n"
           "name \"a-uart\", bus ISA, desc \"serial port\"\n"
           "\n"
           "Misc devices:\n"
           "name \"testdev\", desc \"a test device\"\n"
           "\n"
           "Uncategorized devices:\n"
           "name \"zz-odd\", bus PCI\n",
           "-device help text");
    free(h);
    h = capture_help(device_print_class_help, "testdev");
    is_str(h,
           "testdev options:\n"
           "  flag=<bool>            - a switch (default: true)\n"
           "  i32=<int32>            -  (default: -3)\n"
           "  size=<size>            - buffer size (default: 4096)\n"
           "  str=<str>              -  (default: \"dflt\")\n"
           "  u16=<uint16>           - port (default: 1016)\n"
           "  u32=<uint32>           -  (default: 4294967295)\n"
           "  u64=<uint64>           -  (default: 0)\n"
           "  u8=<uint8>             -  (default: 7)\n",
           "-device testdev,help text");
    free(h);
    h = capture_help(device_print_class_help, "a-uart");
    is_str(h, "There are no options for a-uart.\n", "class without properties");
    free(h);
    ok(!device_print_class_help(stdout, "nope", NULL), "help for unknown class fails");
}

static void test_gpio(void)
{
    TestDev *a = (TestDev *)device_new("testdev", NULL);
    TestDev *b = (TestDev *)device_new("testdev", NULL);

    device_realize(&a->parent, NULL);
    device_realize(&b->parent, NULL);
    ok(device_gpio_in(&b->parent, 3) == NULL && device_gpio_in(&b->parent, -1) == NULL,
       "gpio in out of range is NULL");
    device_connect_gpio_out(&a->parent, 1, device_gpio_in(&b->parent, 2));
    ok(a->out[1] == device_gpio_in(&b->parent, 2), "out pin wired to the sink line");
    irq_raise(a->out[1]);
    is_int(b->last_pin, 2, "sink saw pin 2");
    is_int(b->last_level, 1, "level 1");
    irq_lower(a->out[1]);
    is_int(b->last_level, 0, "level 0");
    device_init_gpio_in(&b->parent, testdev_pin, 1);
    irq_raise(device_gpio_in(&b->parent, 3));
    is_int(b->last_pin, 3, "second gpio_in block numbered after the first");
    ok(a->out[0] == NULL, "unconnected output stays NULL");
    irq_raise(a->out[0]);
    ok(1, "raising an unconnected line is a no-op");
}

static void test_savestate(void)
{
    TestDev *a = (TestDev *)device_new("testdev", NULL);
    TestDev *b = (TestDev *)device_new("testdev", NULL);
    Error *err = NULL;
    size_t n = device_save_size(&a->parent);
    uint8_t *buf = xzalloc(n);

    is_int(n, 4 + 16 + 2 + 1, "save size: version + fields");
    for (int i = 0; i < 4; i++)
        a->regs[i] = 0x11111111u * (i + 1);
    a->counter = 0xbeef;
    a->flag = false;
    device_save(&a->parent, buf);
    is_int(ldl_le(buf), 2, "version first");
    is_int(ldl_le(buf + 4), 0x11111111, "regs[0] little-endian");
    ok(device_load(&b->parent, buf, n, &err), "load");
    ok(!memcmp(a->regs, b->regs, sizeof(a->regs)), "regs restored");
    is_int(b->counter, 0xbeef, "counter restored");
    ok(!b->flag, "flag restored");
    is_int(b->post_loads, 1, "post_load ran");
    ok(!device_load(&b->parent, buf, n - 1, &err), "short buffer refused");
    is_str(err ? err->msg : NULL, "testdev: savestate is 22 bytes, expected 23", "length message");
    error_free(err);
    err = NULL;
    stl_le(buf, 1);
    ok(!device_load(&b->parent, buf, n, &err), "wrong version refused");
    is_int(b->post_loads, 1, "post_load not run on failure");
    error_free(err);
    free(buf);
}

static void test_reset(void)
{
    reset_seq = 0;
    memset(reset_order, 0, sizeof(reset_order));
    devices_reset_all();
    /* Realized testdevs in creation order: u8 255 (prop test), 5 (opts),
     * 7, 7 (gpio); unrealized ones (savestate) are skipped. */
    is_str(reset_order, "/577", "reset runs on realized devices in creation order");
}

int main(void)
{
    test_registry();
    test_defaults();
    test_props();
    test_opts();
    test_help();
    test_gpio();
    test_savestate();
    test_reset();
    return done_testing();
}
