; SPDX-License-Identifier: MIT
; cpu-int: a bare-metal integer CPU benchmark, built as a 64 KiB BIOS image.
;
; The reset vector enters 32-bit flat protected mode, copies the payload to
; RAM at 1 MiB and runs four kernels, each REPS times: table-driven CRC32
; over a 64 KiB buffer, a sieve of Eratosthenes, a memory copy (an unrolled
; dword loop and REP MOVSD) and an MD5-style mixing function (64 steps of
; add/rotate/boolean functions per 64-byte block). Every basic block of a
; kernel starts with "lea ebp, [ebp + n]", n being the number of
; instructions in the block including the lea, so EBP counts the
; instructions retired exactly (each REP MOVSD iteration counts as one)
; without touching the flags. At the end the image prints the checksums and
; the 64-bit instruction total on the debug console (port 0xE9), with the
; TSC delta over the kernels (under -icount shift=0 the TSC counts retired
; instructions, a cross-check of the count), and leaves
; through isa-debug-exit (port 0xF4, value 0: exit status 1). SCALE sets
; the repetitions: the default (16) is about 0.9 billion instructions, in
; roughly equal parts per kernel.
; Build: nasm -f bin -o cpu-int.bin cpu-int.asm [-DSCALE=n]
; Reference: Intel SDM vol. 3A 9.9 (switching to protected mode); QEMU
; isa-debug-exit and isa-debugcon device documentation.

%ifndef SCALE
%define SCALE 16
%endif
CRC_REPS    equ 25 * SCALE
SIEVE_REPS  equ (5 * SCALE + 1) / 2
MEMCPY_REPS equ 188 * SCALE
MIX_REPS    equ 21 * SCALE

ROM_BASE    equ 0xf0000
PAYLOAD     equ 0x100000
STACK_TOP   equ 0x090000
BUF         equ 0x200000        ; 64 KiB source buffer
DST         equ 0x220000        ; 64 KiB destination
TABLE       equ 0x240000        ; CRC32 table (1 KiB)
SIEVE       equ 0x250000        ; sieve flags
SIEVE_N     equ 0x40000         ; numbers below 256 Ki
BUF_SIZE    equ 0x10000
DEBUGCON    equ 0xe9
DEBUGEXIT   equ 0xf4

%macro B 1                      ; count the instructions of a basic block
    lea ebp, [ebp + %1]
%endmacro

; ---------------------------------------------------------------------------
; 16-bit start-up, runs from the ROM at F000:xxxx
; ---------------------------------------------------------------------------
    section rom start=0 vstart=ROM_BASE
    bits 16
gdt:
    dq 0
    dq 0x00cf9a000000ffff       ; 0x08: code, flat, 32-bit
    dq 0x00cf92000000ffff       ; 0x10: data, flat
gdtr:
    dw gdtr - gdt - 1
    dd gdt
start16:
    cli
    cld
    in al, 0x92                 ; A20 on (fast A20 gate)
    or al, 2
    and al, 0xfe
    out 0x92, al
    o32 lgdt [cs:gdtr - $$]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword 0x08:pm32

    bits 32
pm32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
    mov esp, STACK_TOP
    mov esi, ROM_BASE + section.payload.start
    mov edi, PAYLOAD
    mov ecx, (payload_end - payload_start + 3) / 4
    rep movsd
    jmp PAYLOAD


; ---------------------------------------------------------------------------
; The payload, run from RAM
; ---------------------------------------------------------------------------
    section payload follows=rom vstart=PAYLOAD align=4
payload_start:
main:
    mov esi, msg_hello
    call puts
    mov dword [total], 0
    mov dword [total + 4], 0
    call fill_buffer
    rdtsc
    mov [tsc0], eax
    mov [tsc0 + 4], edx

    mov ebx, crc_kernel
    mov ecx, CRC_REPS
    call run_kernel
    mov esi, msg_crc
    call put_result

    mov ebx, sieve_kernel
    mov ecx, SIEVE_REPS
    call run_kernel
    mov esi, msg_sieve
    call put_result

    mov ebx, memcpy_kernel
    mov ecx, MEMCPY_REPS
    call run_kernel
    mov esi, msg_memcpy
    call put_result

    mov ebx, mix_kernel
    mov ecx, MIX_REPS
    call run_kernel
    mov esi, msg_mix
    call put_result

    rdtsc
    sub eax, [tsc0]
    sbb edx, [tsc0 + 4]
    push eax
    push edx
    mov esi, msg_tsc
    call puts
    pop eax
    call puthex
    pop eax
    call puthex
    mov al, 10
    out DEBUGCON, al
    mov esi, msg_total
    call puts
    mov eax, [total + 4]
    call puthex
    mov eax, [total]
    call puthex
    mov al, 10
    out DEBUGCON, al
    mov al, 0
    out DEBUGEXIT, al
.halt:
    hlt
    jmp .halt

; Run the kernel at ebx ecx times; eax = the last result, ebp added to total.
run_kernel:
.rep:
    push ecx
    push ebx
    xor ebp, ebp
    call ebx
    add [total], ebp
    adc dword [total + 4], 0
    pop ebx
    pop ecx
    dec ecx
    jnz .rep
    ret

; A pseudo-random 64 KiB buffer (xorshift32), not counted.
fill_buffer:
    mov edi, BUF
    mov ecx, BUF_SIZE / 4
    mov eax, 2463534242
.l:
    mov edx, eax
    shl edx, 13
    xor eax, edx
    mov edx, eax
    shr edx, 17
    xor eax, edx
    mov edx, eax
    shl edx, 5
    xor eax, edx
    stosd
    dec ecx
    jnz .l
    ret

; ---- CRC32 (reflected, polynomial EDB88320), table built every time ----
crc_kernel:
    B 4
    xor ecx, ecx
    mov edi, TABLE
    nop
.i:
    B 3
    mov eax, ecx
    mov edx, 8
.b:
    B 7
    shr eax, 1
    sbb ebx, ebx
    and ebx, 0xedb88320
    xor eax, ebx
    dec edx
    jnz .b
    B 5
    mov [edi + ecx * 4], eax
    inc ecx
    cmp ecx, 256
    jb .i
    B 4
    mov esi, BUF
    mov ecx, BUF_SIZE
    mov eax, 0xffffffff
.l:
    B 8
    movzx edx, byte [esi]
    inc esi
    xor dl, al
    shr eax, 8
    xor eax, [TABLE + edx * 4]
    dec ecx
    jnz .l
    B 3
    not eax
    ret

; ---- sieve of Eratosthenes below SIEVE_N; returns the prime count ----
sieve_kernel:
    B 4
    mov edi, SIEVE
    mov ecx, SIEVE_N / 4
    mov eax, 0x01010101
.init:
    B 5
    mov [edi], eax
    add edi, 4
    dec ecx
    jnz .init
    B 2
    mov ebx, 2
.outer:
    B 5
    mov eax, ebx
    imul eax, ebx
    cmp eax, SIEVE_N
    jae .count
    B 3
    cmp byte [SIEVE + ebx], 0
    je .next
.inner:
    B 5
    mov byte [SIEVE + eax], 0
    add eax, ebx
    cmp eax, SIEVE_N
    jb .inner
.next:
    B 3
    inc ebx
    jmp .outer
.count:
    B 4
    mov esi, SIEVE + 2
    mov ecx, SIEVE_N - 2
    xor edx, edx
.c:
    B 6
    movzx eax, byte [esi]
    add edx, eax
    inc esi
    dec ecx
    jnz .c
    B 3
    mov eax, edx
    ret

; ---- memory copy: unrolled dword loop, then REP MOVSD back ----
memcpy_kernel:
    B 4
    mov esi, BUF
    mov edi, DST
    mov ecx, BUF_SIZE / 16
.l:
    B 13
    mov eax, [esi]
    mov edx, [esi + 4]
    mov [edi], eax
    mov [edi + 4], edx
    mov eax, [esi + 8]
    mov edx, [esi + 12]
    mov [edi + 8], eax
    mov [edi + 12], edx
    add esi, 16
    add edi, 16
    dec ecx
    jnz .l
    B 4 + BUF_SIZE / 4          ; the REP MOVSD counts one per dword
    mov esi, DST
    mov edi, BUF
    mov ecx, BUF_SIZE / 4
    rep movsd
    B 3
    mov eax, [BUF + 0x1234]
    ret

; ---- MD5-style mixing: 64 steps per 64-byte block over the buffer ----
; a = b + rol(a + f(b, c, d) + m[g] + k, s), registers rotating a,b,c,d.
%assign mixcount 0
%macro STEP 7                   ; f, a, b, c, d, g, s
%if %1 == 0                     ; F = (b & c) | (~b & d)
    mov edi, %3
    and edi, %4
    mov ebx, %3
    not ebx
    and ebx, %5
    or edi, ebx
%assign mixcount mixcount + 6
%elif %1 == 1                   ; G = (b & d) | (c & ~d)
    mov edi, %3
    and edi, %5
    mov ebx, %5
    not ebx
    and ebx, %4
    or edi, ebx
%assign mixcount mixcount + 6
%elif %1 == 2                   ; H = b ^ c ^ d
    mov edi, %3
    xor edi, %4
    xor edi, %5
%assign mixcount mixcount + 3
%else                           ; I = c ^ (b | ~d)
    mov edi, %5
    not edi
    or edi, %3
    xor edi, %4
%assign mixcount mixcount + 4
%endif
    add %2, edi
    add %2, [esi + 4 * %6]
    add %2, (0x5a827999 * (%6 + 1) + %7 * 0x6ed9eba1) & 0xffffffff
    rol %2, %7
    add %2, %3
%assign mixcount mixcount + 5
%endmacro

%macro ROUND 2                  ; f, g step multiplier
%assign i 0
%rep 4
    STEP %1, eax, ecx, edx, ebp_, ((i * 4 + 0) * %2 + %1) % 16, 7 + %1
    STEP %1, ebp_, eax, ecx, edx, ((i * 4 + 1) * %2 + %1) % 16, 12 + %1
    STEP %1, edx, ebp_, eax, ecx, ((i * 4 + 2) * %2 + %1) % 16, 17 + %1
    STEP %1, ecx, edx, ebp_, eax, ((i * 4 + 3) * %2 + %1) % 16, 22 + %1
%assign i i + 1
%endrep
%endmacro

%define ebp_ ebp

; EBP is the fourth state word here; the count lives in count_save.
mix_kernel:
    mov [count_save], ebp
    mov esi, BUF
    mov eax, 0x67452301
    mov ecx, 0xefcdab89
    mov edx, 0x98badcfe
    mov ebp, 0x10325476
.blk:
    ROUND 0, 1
    ROUND 1, 5
    ROUND 2, 3
    ROUND 3, 7
    mov [state_d], ebp
    mov ebp, [count_save]
    lea ebp, [ebp + mixcount + 8]
    mov [count_save], ebp
    mov ebp, [state_d]
    add esi, 64
    cmp esi, BUF + BUF_SIZE
    jb .blk
    mov [state_d], ebp
    mov ebp, [count_save]
    B 13                        ; the 6 set-up instructions, these 2, this block (5)
    xor eax, ecx
    xor eax, edx
    xor eax, [state_d]
    ret

; ---- output to the debug console ----
puts:
    lodsb
    test al, al
    jz .done
    out DEBUGCON, al
    jmp puts
.done:
    ret

puthex:
    mov ecx, 8
.l:
    rol eax, 4
    push eax
    and al, 15
    add al, '0'
    cmp al, '9'
    jbe .d
    add al, 'a' - '9' - 1
.d:
    out DEBUGCON, al
    pop eax
    dec ecx
    jnz .l
    ret

put_result:
    push eax
    call puts
    pop eax
    call puthex
    mov al, 10
    out DEBUGCON, al
    ret

msg_hello:  db "cpu-int: bare-metal integer benchmark", 10, 0
msg_crc:    db "crc32 ", 0
msg_sieve:  db "sieve ", 0
msg_memcpy: db "memcpy ", 0
msg_mix:    db "mix ", 0
msg_tsc:    db "tsc-delta 0x", 0
msg_total:  db "instructions 0x", 0
    align 4
total:      dd 0, 0
count_save: dd 0
tsc0:       dd 0, 0
state_d:    dd 0
payload_end:

; ---------------------------------------------------------------------------
; The reset vector at F000:FFF0
; ---------------------------------------------------------------------------
    section reset start=0xfff0 vstart=0xffff0
    bits 16
    jmp 0xf000:start16 - ROM_BASE
    times 16 - ($ - $$) db 0xf4
