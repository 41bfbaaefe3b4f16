; SPDX-License-Identifier: MIT
; media-boot.asm: a boot program that checks the BIOS disk services.
;
; 1 KiB: a boot sector (no partition table, so that QEMU-style geometry
; guessing finds none) that loads its second half from CHS 0/0/2, and the
; checks. The same image boots from a hard disk (DL = 80h), a floppy
; (DL = 00h) or an El Torito no-emulation CD (DL = E0h or above; the BIOS
; then loads 4 virtual sectors, both halves). It prints on COM1 (0x3f8,
; polled) one "KEMU-<NAME> value" line per check, then leaves through
; isa-debug-exit (port 0xf4, value 0: exit status 1; 3 when the second
; half could not be loaded):
;
;   KEMU-DRIVE   the boot drive number (DL)
;   KEMU-GEOM    INT 13h AH=08h: CH CL DH (max cylinder low, sectors |
;                cylinder high, max head) and the drive count DL
;   KEMU-FIRST   INT 13h AH=02h, CHS 0/0/3: the stamp at the sector start
;   KEMU-LAST    AH=02h at the last CHS of AH=08h's geometry: its stamp
;   KEMU-EXT     AH=42h at LBA 5 (disk and CD only; CD sectors are 2 KiB)
;   KEMU-WRITE   AH=03h of a pattern to CHS 0/0/4, read back and compared
;                (disk and floppy): "ok" or "bad"
;   KEMU-FAIL    the AH status of the first failing call
;
; Assembled with -DRESET_ON_CD, a boot from CD resets the machine (port
; 0xcf9) instead of exiting, for the -boot once= test.
;
; The test script stamps each 512-byte sector from LBA 2 (each 2 KiB
; sector of the CD's system area) with "S" and its LBA as a 32-bit
; little-endian number; stamps are printed as 8 hex digits, "?" when the
; sector has none. Reference: Ralf Brown's Interrupt List (INT 13h
; functions 02h, 03h, 08h, 42h), El Torito 1.0.
bits 16
org 0x7c00

%define COM1 0x3f8
%define BUF 0x8000
%define BUF2 0xa000

start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7c00
    sti
    cld
    jmp 0:stage1                ; CS = 0 whatever the loader used
stage1:
    mov [drive], dl
    cmp dl, 0xe0                ; a CD loaded both halves already
    jae main
    mov ax, 0x0201              ; the second half: CHS 0/0/2 at 0x7e00
    mov cx, 0x0002
    xor dh, dh
    mov bx, 0x7e00
    int 0x13
    jnc main
    mov al, 1                   ; cannot load: exit status 3
    out 0xf4, al
    cli
    hlt

drive:  db 0

    ; no partition table: QEMU guesses a disk's geometry from one
    times 446 - ($ - $$) db 0
    times 64 db 0
    dw 0xaa55

main:
    mov dl, [drive]
    mov si, s_drive
    call label
    mov al, dl
    call puthex8
    call newline
    test byte [drive], 0x80
    jz .chs
    cmp byte [drive], 0xe0
    jae .cd
.chs:
    call geometry
    call read_first
    call read_last
    test byte [drive], 0x80
    jz .write
    mov dword [dap_lba], 5
    call read_ext
.write:
    call write_check
    jmp done
.cd:
    mov dword [dap_lba], 5
    call read_ext
%ifdef RESET_ON_CD
    mov dx, 0xcf9               ; -DRESET_ON_CD: reset the PC (-boot once=)
    mov al, 0x06
    out dx, al
    cli                         ; the reset takes effect after the write
.wait:
    hlt
    jmp .wait
%endif
done:
    xor al, al
    out 0xf4, al
    cli
    hlt
    jmp done

; AH=08h: print CH CL DH DL, keep the last CHS for read_last.
geometry:
    mov ah, 0x08
    mov dl, [drive]
    xor di, di                  ; ES:DI = 0 (floppy parameter table pointer)
    int 0x13
    jc fail
    push ds                     ; a floppy's ES:DI points at its table
    pop es
    mov [geo_ch], ch
    mov [geo_cl], cl
    mov [geo_dh], dh
    mov [geo_dl], dl
    mov si, s_geom
    call label
    mov bx, geo_ch
    mov cx, 4
.next:
    call space
    mov al, [bx]
    call puthex8
    inc bx
    loop .next
    jmp newline

; AH=02h of one sector at CH/CL/DH into BUF; print its stamp after SI.
read_chs:
    push si
    mov ax, 0x0201
    mov dl, [drive]
    mov bx, BUF
    int 0x13
    jc fail
    pop si
    call label
    jmp stamp

read_first:
    mov cx, 0x0003
    xor dh, dh
    mov si, s_first
    jmp read_chs

read_last:
    mov ch, [geo_ch]
    mov cl, [geo_cl]
    mov dh, [geo_dh]
    mov si, s_last
    jmp read_chs

; AH=42h of one sector at dap_lba into BUF.
read_ext:
    mov ah, 0x42
    mov dl, [drive]
    mov si, dap
    int 0x13
    jc fail
    mov si, s_ext
    call label
    jmp stamp

; Write a pattern to CHS 0/0/4, read it back into BUF2 and compare.
write_check:
    mov di, BUF
    mov cx, 512
    xor al, al
.fill:
    stosb
    add al, 7
    loop .fill
    mov ax, 0x0301
    mov bx, BUF
    call sector4
    mov ax, 0x0201
    mov bx, BUF2
    call sector4
    mov si, BUF
    mov di, BUF2
    mov cx, 256
    repe cmpsw
    mov si, s_write_ok
    je .print
    mov si, s_write_bad
.print:
    call label
    jmp newline

; AX = function and count, ES:BX = buffer: CHS 0/0/4.
sector4:
    mov cx, 0x0004
    xor dh, dh
    mov dl, [drive]
    int 0x13
    jc fail
    ret

fail:
    push ax
    mov si, s_fail
    call label
    pop ax
    mov al, ah
    call puthex8
    call newline
    jmp done

; The stamp of BUF: "S" then a 32-bit LBA, printed as 8 hex digits.
stamp:
    cmp byte [BUF], 'S'
    jne .bad
    mov eax, [BUF + 1]
    call puthex32
    jmp newline
.bad:
    mov al, '?'
    call putc
    jmp newline

; ---- COM1 output ----

putc:
    push dx
    push ax
    mov dx, COM1 + 5
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    pop ax
    mov dx, COM1
    out dx, al
    pop dx
    ret

; "KEMU-" and the NUL-terminated string at SI.
label:
    push si
    mov si, s_kemu
    call puts
    pop si
puts:
    lodsb
    test al, al
    jz .end
    call putc
    jmp puts
.end:
    ret

space:
    mov al, ' '
    jmp putc

newline:
    mov al, 10
    jmp putc

puthex32:
    push eax
    shr eax, 16
    call puthex16
    pop eax
puthex16:
    push ax
    mov al, ah
    call puthex8
    pop ax
puthex8:
    push ax
    shr al, 4
    call .digit
    pop ax
.digit:
    and al, 0x0f
    add al, '0'
    cmp al, '9'
    jbe .out
    add al, 'A' - '9' - 1
.out:
    jmp putc

s_kemu:      db "KEMU-", 0
s_drive:     db "DRIVE ", 0
s_geom:      db "GEOM", 0
s_first:     db "FIRST ", 0
s_last:      db "LAST ", 0
s_ext:       db "EXT ", 0
s_write_ok:  db "WRITE ok", 0
s_write_bad: db "WRITE bad", 0
s_fail:      db "FAIL ", 0

align 4
dap:     db 16, 0              ; size, reserved
         dw 1                  ; sectors
         dw BUF, 0             ; buffer offset, segment
dap_lba: dd 0, 0

geo_ch: db 0
geo_cl: db 0
geo_dh: db 0
geo_dl: db 0

    times 1024 - ($ - $$) db 0
