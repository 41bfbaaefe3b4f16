; SPDX-License-Identifier: MIT
; Real mode basics: arithmetic and flags, stack, far call/return, INT/IRET
; through the IVT, string instructions, operand/address-size prefixes,
; segment wrap faults, and unreal mode (cached limits survive PE=0).
%define NO_MAIN32
%include "lib.inc"

gdt_desc_rom:
    dw gdt_rom_end - gdt_rom - 1
    dd gdt_rom

start16:
    cli
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000
    mov ds, ax
    mov es, ax

    ; arithmetic and flags
    mov ax, 0x7fff
    add ax, 1
    pushf
    pop bx
    and bx, 0x08d5
    CHECK16 bx, 0x0894, "add 7fff+1 flags (OF SF AF PF)"
    mov al, 0x35
    add al, 0x48
    daa
    CHECK16 al, 0x83, "daa"
    mov ax, 1234
    mov cx, 10
    xor dx, dx
    div cx
    CHECK16 ax, 123, "div quotient"
    CHECK16 dx, 4, "div remainder"
    mov eax, 0x12345678
    rol eax, 8
    CHECK16 eax, 0x34567812, "32-bit rol in real mode"
    mov ecx, 0x80000000
    bsr edx, ecx
    CHECK16 edx, 31, "bsr"

    ; 32-bit addressing in real mode
    mov ebx, 0x100
    mov dword [ebx + ebx*2 + 4], 0xdeadbeef
    CHECK16 dword [0x304], 0xdeadbeef, "32-bit address"

    ; stack and far calls
    push word 0x1234
    pop ax
    CHECK16 ax, 0x1234, "push imm / pop"
    call 0xf000:R(farfunc)
    CHECK16 ax, 0x5555, "far call/ret"
    CHECK16 sp, 0x7000, "stack balanced after retf"

    ; INT n through the IVT
    mov word [0x80 * 4], R(int80)
    mov word [0x80 * 4 + 2], 0xf000
    mov ax, 1
    int 0x80
    CHECK16 ax, 2, "int 80h handler ran"
    CHECK16 sp, 0x7000, "stack balanced after iret"

    ; divide error: #DE pushes the faulting IP
    mov word [0], R(de_handler)
    mov word [2], 0xf000
    xor cx, cx
    mov ax, 5
de_insn:
    div cl
    CHECK16 bx, R(de_insn), "#DE pushed the DIV's address"

    ; string instructions
    mov di, 0x2000
    mov ax, 0xabcd
    mov cx, 100
    cld
    rep stosw
    CHECK16 di, 0x2000 + 200, "rep stosw DI"
    CHECK16 word [0x2000 + 198], 0xabcd, "rep stosw data"
    mov si, 0x2000
    mov di, 0x3000
    mov cx, 200
    rep movsb
    mov si, 0x2000
    mov di, 0x3000
    mov cx, 200
    repe cmpsb
    CHECK16 cx, 0, "repe cmpsb ran to the end"
    mov byte [0x3000 + 150], 0
    mov si, 0x2000
    mov di, 0x3000
    mov cx, 200
    repe cmpsb
    CHECK16 si, 0x2000 + 151, "repe cmpsb stopped after the mismatch"

    ; a word access at offset FFFF faults (#GP, vector 13)
    mov word [13 * 4], R(gp_handler)
    mov word [13 * 4 + 2], 0xf000
    mov bx, 0
    mov si, 0xffff
    mov ax, [si]
    CHECK16 bx, 1, "word read at FFFF raised #GP"

    ; unreal mode: load a 4 GiB limit in protected mode, come back
    o32 lgdt [cs:R(gdt_desc_rom)]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    mov bx, SEL_DATA32
    mov fs, bx
    and al, 0xfe
    mov cr0, eax
    xor ax, ax
    mov fs, ax
    mov ebx, 0x200000
    mov dword [fs:ebx], 0x600dda7a
    CHECK16 dword [fs:ebx], 0x600dda7a, "unreal mode access above 1 MiB"

    PASS16

farfunc:
    mov ax, 0x5555
    retf

int80:
    inc ax
    iret

de_handler:
    push bp
    mov bp, sp
    mov bx, [bp + 2]          ; faulting IP
    add word [bp + 2], 2      ; skip "div cl"
    pop bp
    iret

gp_handler:
    push bp
    mov bp, sp
    mov bx, 1
    add word [bp + 2], 2      ; skip "mov ax, [si]"
    pop bp
    iret

%include "tail.inc"
