/* SPDX-License-Identifier: MIT */
/*
 * test-drive: the command line's drives (core/drive.c) without a machine.
 *
 * Positions from index=/bus=/unit= and the first free unit, QEMU's
 * generated ids, legacy options (-hda, -cdrom, -fda, a bare image) and
 * file names with commas, the board's default drives and what suppresses
 * them, claims by -device front-ends, orphan drives, -snapshot, and the
 * error messages, each checked against qemu-system-x86_64 7.2.
 */
#include <stdio.h>
#include <unistd.h>

#include "kemu/drive.h"
#include "tap.h"

static char *last_error;

/* Record drive_add() + drive_open_all(); NULL on success, else the message. */
static const char *run(bool (*step)(Error **))
{
    Error *err = NULL;

    free(last_error);
    last_error = NULL;
    if (!step(&err)) {
        last_error = xstrdup(err->msg);
        error_free(err);
    }
    return last_error;
}

static bool open_all(Error **errp)
{
    return drive_open_all(errp);
}

static bool orphans(Error **errp)
{
    return drive_check_orphans(errp);
}

static const char *add(DriveOption kind, const char *arg)
{
    Error *err = NULL;

    free(last_error);
    last_error = NULL;
    if (!drive_add(kind, arg, &err)) {
        last_error = xstrdup(err->msg);
        error_free(err);
    }
    return last_error;
}

static const char *where(DriveInterface type, int bus, int unit)
{
    DriveInfo *d = drive_get(type, bus, unit);

    return d ? d->id : "(none)";
}

static void test_positions(void)
{
    add(DRIVE_OPT_DRIVE, "media=cdrom");             /* first free: ide0-cd0 */
    add(DRIVE_OPT_DRIVE, "if=ide,index=3");          /* ide1 slave */
    add(DRIVE_OPT_DRIVE, "if=ide,bus=1,unit=0,media=cdrom");
    add(DRIVE_OPT_DRIVE, "if=ide");                  /* next free: ide0 slave */
    add(DRIVE_OPT_DRIVE, "if=floppy");
    add(DRIVE_OPT_DRIVE, "if=floppy");
    add(DRIVE_OPT_DRIVE, "if=none");
    add(DRIVE_OPT_DRIVE, "if=none,id=mine");
    ok(run(open_all) == NULL, "empty drives open");
    is_str(where(IF_IDE, 0, 0), "ide0-cd0", "media=cdrom without index: ide0-cd0");
    is_str(where(IF_IDE, 0, 1), "ide0-hd1", "the next free unit: ide0-hd1");
    is_str(where(IF_IDE, 1, 0), "ide1-cd0", "bus=1,unit=0: ide1-cd0");
    is_str(where(IF_IDE, 1, 1), "ide1-hd1", "index=3: bus 1 unit 1");
    is_str(where(IF_FLOPPY, 0, 0), "floppy0", "first floppy: floppy0");
    is_str(where(IF_FLOPPY, 0, 1), "floppy1", "second floppy: floppy1");
    is_str(where(IF_NONE, 0, 0), "none0", "if=none: none0");
    ok(drive_find("mine") && drive_find("mine")->type == IF_NONE, "id= names the drive");
    ok(drive_get(IF_IDE, 0, 0)->cdrom && blk_is_read_only(drive_get(IF_IDE, 0, 0)->blk),
       "media=cdrom: read-only");
    ok(!blk_is_inserted(drive_get(IF_IDE, 0, 1)->blk), "no file=: no medium");
    is_int(drive_get_max_bus(IF_IDE), 1, "highest IDE bus used: 1");
    ok(drive_add_default(IF_IDE, 2, true) == NULL, "default CD-ROM: index 2 is taken");
    ok(drive_add_default(IF_FLOPPY, 0, false) == NULL, "default floppy: A: is taken");

    is_str(run(orphans), "-drive media=cdrom: machine type does not support if=ide,bus=0,unit=0",
           "nobody took ide0-cd0: QEMU's message with the option");
    for (DriveInfo *d = drive_first(); d; d = d->next) {
        if (d->type != IF_NONE)
            drive_mark_claimed(d);
    }
    ok(run(orphans) == NULL, "if=none drives are never orphans");
    ok(drive_claim("mine", "ide-hd", NULL) != NULL, "-device takes an if=none drive");
    drive_cleanup();
}

static void test_claims(void)
{
    Error *err = NULL;

    add(DRIVE_OPT_DRIVE, "if=none,id=d0");
    add(DRIVE_OPT_DRIVE, "if=ide,index=0,media=cdrom");
    run(open_all);
    ok(drive_claim("d0", "ide-cd", &err) != NULL, "claim d0");
    ok(drive_claim("d0", "ide-cd", &err) == NULL, "claim d0 twice fails");
    is_str(err ? err->msg : "", "Drive 'd0' is already in use by another device",
           "twice: QEMU's message");
    error_free(err);
    err = NULL;
    ok(drive_claim("d9", "floppy", &err) == NULL, "unknown id fails");
    is_str(err ? err->msg : "", "Property 'floppy.drive' can't find value 'd9'",
           "unknown id: QEMU's message");
    error_free(err);
    err = NULL;
    drive_mark_claimed(drive_get(IF_IDE, 0, 0));
    ok(drive_claim("ide0-cd0", "ide-cd", &err) == NULL, "a board's drive cannot be claimed");
    is_str(err ? err->msg : "",
           "Drive 'ide0-cd0' is already in use because it has been automatically connected "
           "to another device (did you need 'if=none' in the drive options?)",
           "board's drive: QEMU's message");
    error_free(err);
    drive_cleanup();
}

static void test_defaults(void)
{
    drive_note_device("ide-hd,drive=x");
    ok(drive_add_default(IF_IDE, 2, true) == NULL, "-device ide-hd: no default CD-ROM");
    ok(drive_add_default(IF_FLOPPY, 0, false) != NULL, "... but the default floppy drive");
    is_str(where(IF_FLOPPY, 0, 0), "floppy0", "default floppy: floppy0");
    drive_cleanup();
    drive_note_device("floppy,unit=1");
    ok(drive_add_default(IF_FLOPPY, 0, false) == NULL, "-device floppy: no default floppy");
    ok(drive_add_default(IF_IDE, 2, true) != NULL, "... but the default CD-ROM");
    is_str(where(IF_IDE, 1, 0), "ide1-cd0", "default CD-ROM: ide1-cd0, index 2");
    ok(drive_get(IF_IDE, 1, 0)->is_default && drive_get(IF_IDE, 1, 0)->cdrom,
       "default CD-ROM: marked, a CD-ROM");
    drive_cleanup();
}

static void test_legacy(const char *dir)
{
    char *comma = xasprintf("%s/a,b.img", dir), *plain = xasprintf("%s/p.img", dir);
    FILE *f;

    f = fopen(comma, "w");
    fclose(f);
    f = fopen(plain, "w");
    fclose(f);
    if (truncate(comma, 1474560) < 0 || truncate(plain, 1048576) < 0)
        diag("truncate failed");
    ok(add(DRIVE_OPT_FDA, comma) == NULL, "-fda with a comma in the file name");
    ok(add(DRIVE_OPT_CDROM, plain) == NULL, "-cdrom");
    ok(add(DRIVE_OPT_DRIVE, "file=x,if=ide,index=0,format=raw,bogus=1") == NULL,
       "-drive is only parsed at first");
    ok(run(open_all) != NULL, "... and fails when opened");
    is_str(last_error, "-drive file=x,if=ide,index=0,format=raw,bogus=1: Could not open 'x': "
                       "No such file or directory",
           "the first failure has its option and value");
    is_str(where(IF_FLOPPY, 0, 0), "floppy0", "-fda: floppy0");
    ok(blk_getlength(drive_get(IF_FLOPPY, 0, 0)->blk) == 1474560, "-fda: the comma file opened");
    is_str(where(IF_IDE, 1, 0), "ide1-cd0", "-cdrom: ide1-cd0");
    drive_cleanup();

    ok(add(DRIVE_OPT_IMAGE, plain) == NULL, "a bare image");
    run(open_all);
    is_str(where(IF_IDE, 0, 0), "ide0-hd0", "a bare image is ide0-hd0");
    drive_cleanup();

    add(DRIVE_OPT_DRIVE, "if=none,id=s,format=raw,file=");
    drive_set_snapshot(true);
    ok(run(open_all) == NULL, "-snapshot with an empty drive");
    drive_cleanup();

    unlink(comma);
    unlink(plain);
    free(comma);
    free(plain);
}

static void test_errors(void)
{
    static const struct {
        const char *first, *second, *msg;
    } cases[] = {
        { "if=none,id=a", "if=none,id=a", "-drive if=none,id=a: Duplicate ID 'a' for drive" },
        { "if=none,id=1a", NULL,
          "-drive if=none,id=1a: Parameter 'id' expects an identifier\nIdentifiers consist of "
          "letters, digits, '-', '.', '_', starting with a letter." },
        { "if=ide,index=0", "if=ide,bus=0,unit=0",
          "-drive if=ide,bus=0,unit=0: drive with bus=0, unit=0 (index=0) exists" },
        { "if=ide,unit=2", NULL, "-drive if=ide,unit=2: unit 2 too big (max is 1)" },
        { "if=foo", NULL, "-drive if=foo: unsupported bus type 'foo'" },
        { "media=tape", NULL, "-drive media=tape: 'tape' invalid media" },
        { "index=1,bus=0", NULL, "-drive index=1,bus=0: index cannot be used with bus and unit" },
        { "index=x", NULL, "-drive index=x: Parameter 'index' expects a number" },
        { "if=virtio", NULL, "-drive if=virtio: if=virtio: not supported yet" },
        { "if=floppy,media=cdrom,cache=bad", NULL,
          "-drive if=floppy,media=cdrom,cache=bad: invalid cache option" },
        { "aio=native", NULL,
          "-drive aio=native: aio=native was specified, but it requires cache.direct=on, "
          "which was not specified." },
        { "werror=stop", NULL, "-drive werror=stop: werror=stop: not supported yet" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const char *msg = add(DRIVE_OPT_DRIVE, cases[i].first);

        if (!msg && cases[i].second)
            msg = add(DRIVE_OPT_DRIVE, cases[i].second);
        if (!msg)
            msg = run(open_all);
        is_str(msg, cases[i].msg, "error for -drive %s", cases[i].first);
        drive_cleanup();
    }
    add(DRIVE_OPT_DRIVE, "if=scsi");
    run(open_all);
    is_str(run(orphans), "-drive if=scsi: machine type does not support if=scsi,bus=0,unit=0",
           "if=scsi on a board without SCSI");
    drive_cleanup();
}

int main(void)
{
    char dir[] = "/tmp/test-drive-XXXXXX";

    if (!mkdtemp(dir))
        return 1;
    test_positions();
    test_claims();
    test_defaults();
    test_legacy(dir);
    test_errors();
    rmdir(dir);
    free(last_error);
    return done_testing();
}
