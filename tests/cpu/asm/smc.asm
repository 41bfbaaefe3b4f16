; SPDX-License-Identifier: MIT
; Self-modifying code: a store that changes the very next instruction in
; the same decoded block, code rewritten by REP MOVSB/STOSB after it ran,
; code changed through another segment (alias) mapping, and the same in
; real mode.
%include "lib.inc"

%define CODE 0x20000

start16:
    cli
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000
    mov ax, 0x2000
    mov es, ax
    mov ds, ax
    ; copy the real-mode snippet to 2000:0000 and run it twice, patched in between
    mov si, R(rm_snippet)
    xor di, di
    mov cx, rm_snippet_end - rm_snippet
    cs rep movsb
    call 0x2000:0
    CHECK16 al, 0x42, "real mode: store patched the next instruction"
    mov byte [rm_imm - rm_snippet], 0x77
    call 0x2000:0
    CHECK16 al, 0x42, "real mode: the snippet patches itself again"
    CHECK16 bl, 0x77, "real mode: patch from outside seen"
    ENTER_PM32

rm_snippet:
    mov byte [rm_target - rm_snippet + 1], 0x42
rm_target:
    mov al, 0
    db 0xb3                     ; mov bl, imm8
rm_imm:
    db 0x11
    mov byte [rm_target - rm_snippet + 1], 0  ; restore for the next run
    retf
rm_snippet_end:

bits 32
main32:
    ; 1. the next instruction in the same block
    mov esi, snippet
    mov edi, CODE
    mov ecx, snippet_end - snippet
    rep movsb
    call CODE
    CHECKR eax, 0x42, "store patched the next instruction"

    ; 2. rewrite a function that already ran with REP STOSB / MOVSB
    mov edi, CODE + 0x100
    mov esi, ret1
    mov ecx, 6
    rep movsb
    call CODE + 0x100
    CHECKR eax, 1, "first version"
    mov edi, CODE + 0x100
    mov esi, ret2
    mov ecx, 6
    rep movsb
    call CODE + 0x100
    CHECKR eax, 2, "rewritten by rep movsb"
    mov edi, CODE + 0x101
    mov al, 0x03
    mov ecx, 1
    rep stosb
    call CODE + 0x100
    CHECKR eax, 3, "immediate rewritten by rep stosb"

    ; 3. through an alias: segment with base CODE
    mov eax, 0x40
    mov ebx, CODE
    mov ecx, 0xffff
    mov edx, 0x0093
    call set_desc
    mov ax, 0x40
    mov es, ax
    mov byte [es:0x101], 4
    call CODE + 0x100
    CHECKR eax, 4, "rewritten through another segment"

    ; 4. a loop whose body is patched while it runs
    mov esi, loop_code
    mov edi, CODE + 0x200
    mov ecx, loop_code_end - loop_code
    push ds
    pop es
    rep movsb
    call CODE + 0x200
    CHECKR ebx, 5 + 1 + 9 * 9, "loop body patched on the first iteration"
    PASS

snippet:                        ; position independent
    call .here
.here:
    pop ebx
    mov byte [ebx + (.target - .here) + 1], 0x42
.target:
    mov eax, 0
    ret
snippet_end:

ret1:
    mov eax, 1
    ret
ret2:
    mov eax, 2
    ret

loop_code:                      ; ebx = 5 + 1 + 9 x 9: the first pass patches "add ebx, 1" into "add ebx, 9"
    call .here
.here:
    pop esi
    mov ebx, 5
    mov ecx, 10
.body:
    add ebx, 1
    mov byte [esi + (.body - .here) + 2], 9
    loop .body
    ret
loop_code_end:

%include "tail.inc"
