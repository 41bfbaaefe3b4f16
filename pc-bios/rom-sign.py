#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# rom-sign: finish an option ROM image assembled by nasm.
#
# Pads the image to a multiple of 512 bytes (keeping one byte for the
# checksum), stores the size in 512-byte blocks at offset 2, makes the
# PnP expansion header (pointed to by the word at 0x1a) sum to zero over
# its length, then makes the whole ROM sum to zero with its last byte.
# Reference: BIOS Boot Specification 1.01, appendices A and C.
#   rom-sign.py INPUT OUTPUT
import sys


def sign(rom):
    if rom[0:2] != b'\x55\xaa':
        sys.exit('rom-sign: no 0x55 0xAA signature')
    size = (len(rom) + 1 + 511) // 512 * 512
    if size > 255 * 512:
        sys.exit('rom-sign: ROM too large')
    rom = bytearray(rom) + bytes(size - len(rom))
    rom[2] = size // 512
    pnp = rom[0x1a] | rom[0x1b] << 8
    if pnp:
        if rom[pnp:pnp + 4] != b'$PnP':
            sys.exit('rom-sign: no $PnP header at 0x%x' % pnp)
        length = rom[pnp + 5] * 16
        rom[pnp + 9] = 0
        rom[pnp + 9] = -sum(rom[pnp:pnp + length]) & 0xff
    rom[-1] = 0
    rom[-1] = -sum(rom) & 0xff
    return rom


def main():
    with open(sys.argv[1], 'rb') as f:
        rom = sign(f.read())
    with open(sys.argv[2], 'wb') as f:
        f.write(rom)


if __name__ == '__main__':
    main()
