/* SPDX-License-Identifier: MIT */
/*
 * screendump: the VGA picture written as a PPM or PNG file.
 *
 * The picture comes from vga_render() (0x00RRGGBB pixels of the current
 * mode, text modes included). PPM is the binary "P6" form with maxval
 * 255, QEMU's default; PNG is 8-bit RGB, every row with filter type 0,
 * compressed with zlib. Reference: netpbm ppm(5); PNG specification
 * (ISO/IEC 15948), sections 5 (datastream) and 11.2 (IHDR, IDAT, IEND).
 */
#include <errno.h>
#include <zlib.h>

#include "kemu/hw/vga.h"
#include "monitor-internal.h"

/* The picture as packed RGB bytes; false with errp set. */
static bool screendump_render(uint8_t **rgb, int *w, int *h, Error **errp)
{
    Device *vga = vga_find();
    uint32_t *fb = NULL;

    for (int tries = 0; vga && tries < 3; tries++) {
        int cw, ch;

        if (!vga_render(vga, NULL, &cw, &ch) || cw <= 0 || ch <= 0)
            break;
        fb = xrealloc(fb, sizeof(uint32_t) * (size_t)cw * (size_t)ch);
        *w = cw;
        *h = ch;
        if (vga_render(vga, fb, w, h)) {
            size_t n = (size_t)*w * (size_t)*h;

            *rgb = xmalloc(n * 3);
            for (size_t i = 0; i < n; i++) {
                (*rgb)[3 * i] = (uint8_t)(fb[i] >> 16);
                (*rgb)[3 * i + 1] = (uint8_t)(fb[i] >> 8);
                (*rgb)[3 * i + 2] = (uint8_t)fb[i];
            }
            free(fb);
            return true;
        }
    }
    free(fb);
    error_setg(errp, vga ? "The display mode cannot be captured"
                         : "There is no display device to screendump from");
    return false;
}

static bool screendump_ppm(FILE *f, const uint8_t *rgb, int w, int h)
{
    size_t n = (size_t)w * (size_t)h * 3;

    return fprintf(f, "P6\n%d %d\n255\n", w, h) > 0 && fwrite(rgb, 1, n, f) == n;
}

static bool png_chunk(FILE *f, const char *type, const uint8_t *data, size_t len)
{
    uint8_t be[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
                      (uint8_t)len };
    uLong crc = crc32(crc32(0, NULL, 0), (const Bytef *)type, 4);
    uint8_t crcb[4];

    if (len)
        crc = crc32(crc, data, (uInt)len);
    crcb[0] = (uint8_t)(crc >> 24), crcb[1] = (uint8_t)(crc >> 16);
    crcb[2] = (uint8_t)(crc >> 8), crcb[3] = (uint8_t)crc;
    return fwrite(be, 1, 4, f) == 4 && fwrite(type, 1, 4, f) == 4 &&
           (!len || fwrite(data, 1, len, f) == len) && fwrite(crcb, 1, 4, f) == 4;
}

static bool screendump_png(FILE *f, const uint8_t *rgb, int w, int h)
{
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    uint8_t ihdr[13] = { (uint8_t)(w >> 24), (uint8_t)(w >> 16), (uint8_t)(w >> 8), (uint8_t)w,
                         (uint8_t)(h >> 24), (uint8_t)(h >> 16), (uint8_t)(h >> 8), (uint8_t)h,
                         8, 2, 0, 0, 0 }; /* 8 bits, RGB, deflate, filter 0, no interlace */
    size_t row = (size_t)w * 3 + 1, raw_len = row * (size_t)h;
    uint8_t *raw = xmalloc(raw_len);
    uLongf zlen = compressBound((uLong)raw_len);
    uint8_t *z = xmalloc(zlen);
    bool ok;

    for (int y = 0; y < h; y++) {
        raw[row * (size_t)y] = 0; /* filter type None */
        memcpy(raw + row * (size_t)y + 1, rgb + (size_t)y * (size_t)w * 3, row - 1);
    }
    ok = compress2(z, &zlen, raw, (uLong)raw_len, Z_DEFAULT_COMPRESSION) == Z_OK &&
         fwrite(sig, 1, sizeof(sig), f) == sizeof(sig) && png_chunk(f, "IHDR", ihdr, 13) &&
         png_chunk(f, "IDAT", z, zlen) && png_chunk(f, "IEND", NULL, 0);
    free(raw);
    free(z);
    return ok;
}

bool mon_screendump(const char *file, const char *format, Error **errp)
{
    bool png = format && !strcmp(format, "png");
    uint8_t *rgb = NULL;
    int w = 0, h = 0;
    bool ok;
    FILE *f;

    if (format && !png && strcmp(format, "ppm")) {
        error_setg(errp, "Parameter 'format' does not accept value '%s'", format);
        return false;
    }
    if (!screendump_render(&rgb, &w, &h, errp))
        return false;
    f = fopen(file, "wb");
    if (!f) {
        error_setg_errno(errp, errno, "failed to open file '%s'", file);
        free(rgb);
        return false;
    }
    ok = png ? screendump_png(f, rgb, w, h) : screendump_ppm(f, rgb, w, h);
    ok = (fclose(f) == 0) && ok;
    free(rgb);
    if (!ok)
        error_setg(errp, "failed to write file '%s'", file);
    return ok;
}
