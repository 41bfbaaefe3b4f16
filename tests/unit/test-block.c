/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the BlockBackend API and the raw driver (block/).
 *
 * Requests outside the image fail with -EIO/-EINVAL, never touch the file;
 * read-only drives refuse writes; empty drives answer -ENOMEDIUM and
 * report medium changes; a probed raw image refuses a write that would
 * make sector 0 look like qcow2; -snapshot leaves the image untouched;
 * -drive option parsing. Reference: include/kemu/block.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block/block-int.h"
#include "tap.h"

static char tmpdir[] = "/tmp/kemu-test-block-XXXXXX";

static char *tpath(const char *name)
{
    return xasprintf("%s/%s", tmpdir, name);
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(p);
}

static char *make_raw(const char *name, uint64_t size)
{
    BlockCreateOptions o = { .size = size };
    char *p = tpath(name);

    bdrv_create("raw", p, &o, NULL);
    return p;
}

static void test_open_errors(void)
{
    Error *err = NULL;
    char *p = tpath("missing.img");
    BlockBackend *blk = blk_open(p, NULL, &err);
    char *want = xasprintf("Could not open '%s': No such file or directory", p);

    ok(blk == NULL && err, "opening a missing file fails");
    is_str(err ? err->msg : NULL, want, "with QEMU's message");
    error_free(err);
    free(want);
    free(p);
}

static void test_bounds(void)
{
    BlockOpenOptions bo = { .format = "raw" };
    char *p = make_raw("bounds.img", 1 << 20);
    BlockBackend *blk = blk_open(p, &bo, NULL);
    uint8_t buf[1024] = { 0 };
    struct stat st;

    is_int(blk_getlength(blk), 1 << 20, "raw length");
    is_int(blk_pread(blk, (1 << 20) - 512, buf, 512), 0, "read of the last sector");
    is_int(blk_pread(blk, 1 << 20, buf, 1), -EIO, "read past the end: -EIO");
    is_int(blk_pread(blk, (1 << 20) - 512, buf, 1024), -EIO, "read across the end: -EIO");
    is_int(blk_pread(blk, -512, buf, 512), -EINVAL, "negative offset: -EINVAL");
    is_int(blk_pread(blk, 512, buf, SIZE_MAX), -EIO, "absurd length: -EIO");
    is_int(blk_pwrite(blk, 1 << 20, buf, 512), -EIO, "write past the end: -EIO");
    is_int(blk_pwrite(blk, INT64_MAX - 10, buf, 512), -EIO, "write at INT64_MAX: -EIO");
    blk_close(blk);
    stat(p, &st);
    is_int(st.st_size, 1 << 20, "refused writes did not grow the file");
    free(p);
}

static void test_odd_size(void)
{
    BlockOpenOptions bo = { .format = "raw" };
    char *p = tpath("odd.img");
    int fd = open(p, O_CREAT | O_RDWR | O_TRUNC, 0644);
    uint8_t buf[1024], ones[1000];
    BlockBackend *blk;

    memset(ones, 0xff, sizeof(ones));
    ok(write(fd, ones, sizeof(ones)) == 1000, "a 1000-byte raw file");
    close(fd);
    blk = blk_open(p, &bo, NULL);
    is_int(blk_getlength(blk), 1024, "length rounded up to whole sectors, as QEMU");
    memset(buf, 0x55, sizeof(buf));
    is_int(blk_pread(blk, 0, buf, 1024), 0, "read of the partial last sector");
    ok(buf[999] == 0xff && buf[1000] == 0 && buf[1023] == 0,
       "bytes past the end of the file read as zeros");
    blk_close(blk);
    free(p);
}

static void test_read_only(void)
{
    BlockOpenOptions bo = { .format = "raw", .read_only = true };
    char *p = make_raw("ro.img", 65536);
    BlockBackend *blk = blk_open(p, &bo, NULL);
    uint8_t buf[512] = { 1 };

    ok(blk && blk_is_read_only(blk), "read-only drive");
    is_int(blk_pwrite(blk, 0, buf, 512), -EPERM, "write to a read-only drive: -EPERM");
    is_int(blk_pread(blk, 0, buf, 512), 0, "reads work");
    is_int(blk_flush(blk), 0, "flush of a read-only drive");
    blk_close(blk);
    free(p);
}

static int media_events;
static bool media_loaded;

static void change_media(void *opaque, bool load)
{
    media_events++;
    media_loaded = load;
}

static void test_removable(void)
{
    static const BlockDevOps ops = { .change_media = change_media };
    BlockOpenOptions bo = { .format = "raw" };
    BlockBackend *blk = blk_new_empty(true);
    char *p = make_raw("cd.iso", 2048 * 16);
    uint8_t buf[2048];

    blk_set_dev_ops(blk, &ops, NULL);
    ok(!blk_is_inserted(blk), "new empty drive has no medium");
    is_int(blk_pread(blk, 0, buf, 2048), -ENOMEDIUM, "read without medium: -ENOMEDIUM");
    is_int(blk_getlength(blk), -ENOMEDIUM, "length without medium: -ENOMEDIUM");
    ok(blk_filename(blk) == NULL, "no file name without medium");
    ok(blk_insert_medium(blk, p, &bo, NULL), "insert a medium");
    ok(media_events == 1 && media_loaded, "the device is told about the new medium");
    ok(blk_is_inserted(blk) && blk_is_read_only(blk), "inserted, still read-only");
    is_int(blk_getlength(blk), 2048 * 16, "length of the medium");
    is_int(blk_pread(blk, 2048, buf, 2048), 0, "read from the medium");
    is_str(blk_format_name(blk), "raw", "format name");
    blk_eject(blk);
    ok(media_events == 2 && !media_loaded && !blk_is_inserted(blk), "eject is reported");
    blk_close(blk);
    free(p);
}

static void test_probed_raw_block0(void)
{
    static const uint8_t magic[8] = { 'Q', 'F', 'I', 0xfb, 0, 0, 0, 3 };
    char *p = make_raw("probe.img", 65536);
    BlockOpenOptions raw = { .format = "raw" };
    BlockBackend *blk;
    int saved = dup(2), null = open("/dev/null", O_WRONLY);

    dup2(null, 2);   /* the probing warning */
    blk = blk_open(p, NULL, NULL);
    dup2(saved, 2);
    close(null);
    close(saved);
    is_str(blk_format_name(blk), "raw", "probed as raw");
    is_int(blk_pwrite(blk, 0, magic, sizeof(magic)), -EPERM,
           "probed raw: a qcow2 magic in sector 0 is refused (-EPERM)");
    is_int(blk_pwrite(blk, 4, magic + 4, 4), 0, "other writes to sector 0 are fine");
    is_int(blk_pwrite(blk, 512, magic, sizeof(magic)), 0, "the magic elsewhere is fine");
    blk_close(blk);
    blk = blk_open(p, &raw, NULL);
    is_int(blk_pwrite(blk, 0, magic, sizeof(magic)), 0, "explicit raw: no restriction");
    blk_close(blk);
    free(p);
}

static void test_snapshot(void)
{
    BlockOpenOptions bo = { .format = "raw", .snapshot = true };
    char *p = make_raw("snap.img", 1 << 20);
    uint8_t buf[4096], back[4096];
    BlockBackend *blk = blk_open(p, &bo, NULL);
    int fd;

    memset(buf, 0xab, sizeof(buf));
    ok(blk && !blk_is_read_only(blk), "snapshot drive is writable");
    is_int(blk_pwrite(blk, 8192, buf, sizeof(buf)), 0, "write under -snapshot");
    is_int(blk_pread(blk, 8192, back, sizeof(back)), 0, "read back");
    ok(!memcmp(buf, back, sizeof(buf)), "the write is visible");
    is_str(blk_filename(blk), p, "blk_filename names the image, not the overlay");
    is_str(blk_format_name(blk), "raw", "and its format");
    blk_close(blk);
    fd = open(p, O_RDONLY);
    ok(pread(fd, back, sizeof(back), 8192) == (ssize_t)sizeof(back) && back[0] == 0 &&
       back[4095] == 0, "the image file is unchanged");
    close(fd);
    free(p);
}

static void test_opts(void)
{
    Opts *o = opts_parse("file=x,format=qcow2,readonly=on,snapshot=on,cache=unsafe,if=ide", NULL,
                         NULL);
    BlockOpenOptions bo;
    Error *err = NULL;

    ok(block_opts_parse(o, &bo, NULL), "parse -drive block options");
    is_str(bo.format, "qcow2", "format=");
    ok(bo.read_only && bo.snapshot && bo.cache == BLOCK_CACHE_UNSAFE, "readonly, snapshot, cache");
    opts_free(o);
    o = opts_parse("format=vmdk", NULL, NULL);
    ok(!block_opts_parse(o, &bo, &err), "unknown format refused");
    is_str(err ? err->msg : NULL, "Unknown driver 'vmdk'", "QEMU's message");
    error_free(err);
    err = NULL;
    opts_free(o);
    o = opts_parse("cache=fast", NULL, NULL);
    ok(!block_opts_parse(o, &bo, &err), "bad cache mode refused");
    is_str(err ? err->msg : NULL, "invalid cache option", "QEMU's message");
    error_free(err);
    err = NULL;
    opts_free(o);
    o = opts_parse("readonly=maybe", NULL, NULL);
    ok(!block_opts_parse(o, &bo, &err), "bad boolean refused");
    is_str(err ? err->msg : NULL, "Parameter 'read-only' expects 'on' or 'off'", "QEMU's message");
    error_free(err);
    opts_free(o);
}

int main(void)
{
    if (!mkdtemp(tmpdir))
        return 1;
    test_open_errors();
    test_bounds();
    test_odd_size();
    test_read_only();
    test_removable();
    test_probed_raw_block0();
    test_snapshot();
    test_opts();
    nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    return done_testing();
}
