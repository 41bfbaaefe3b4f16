; SPDX-License-Identifier: MIT
; Compatibility mode: far transfers between 64-bit and 32-bit code segments
; in IA-32e mode (JMP FAR m16:32, CALL FAR, RETF, IRETQ), 32-bit operand
; and address defaults, 40h-4Fh as INC/DEC (no REX), absolute disp32 (not
; RIP-relative), segment limits and rights enforced again (#GP, #SS for an
; expand-down stack), a null SS refused, interrupts from compatibility mode
; through the 64-bit IDT with the 64-bit frame, and a 16-bit code segment.
%include "lib.inc"
%include "lib64.inc"

%define SEL_LIMDATA  SEL_FREE64          ; data, DPL 0, limit 0xfff
%define SEL_CODE16C  (SEL_FREE64 + 8)    ; 16-bit code, base 0, limit 0xffff: not used for
                                          ; ROM code, which is above 64 KiB
%define SEL_SMALLSS  (SEL_FREE64 + 16)   ; 32-bit stack, limit 0x8fff
%define CVAL         0x100000
%define RES          SCRATCH64           ; results from 32-bit code
%define jptr         0x640               ; m16:32 far pointer (RAM: the ROM is read-only)
%define cptr         0x650               ; m16:64 far pointer

start16:
    ENTER_PM32

bits 32
main32:
    ENTER_LONG64

bits 64
main64:
    mov dword [GDT_RAM + SEL_LIMDATA], 0x00000fff
    mov dword [GDT_RAM + SEL_LIMDATA + 4], 0x00409200
    mov dword [GDT_RAM + SEL_SMALLSS], 0x00008fff
    mov dword [GDT_RAM + SEL_SMALLSS + 4], 0x00409200
    mov qword [CVAL], 0x5566778899aabbcc
    mov word [jptr + 4], SEL_CODE32C
    mov word [cptr + 8], SEL_CODE32C
    mov qword [EXC64_COUNT], 0

    ; ---- JMP FAR m16:32 into compatibility mode, back with RETF ----
    mov rax, compat1
    mov [jptr], eax
    mov rbx, rsp
    mov rax, (SEL_CODE64 << 32) + back1             ; a 32-bit RETF frame: EIP, CS
    push rax
    jmp far dword [jptr]
back1:
    mov rsp, rbx
    CHECK64 [RES], SEL_CODE32C, "CS in compatibility mode"
    CHECK64 [RES + 8], 0x22, "40h/48h are INC/DEC in compatibility mode"
    CHECK64 [RES + 16], 0x99aabbcc, "disp32 is absolute in compatibility mode"
    CHECK64 [RES + 24], 4, "PUSH is 32 bits"
    CHECK64 [RES + 32], 0xffffffff, "32-bit result zero-extends... in EAX"

    ; ---- CALL FAR m16:64 to compatibility mode, RETF to 64-bit ----
    mov rax, compat2
    mov [cptr], rax
    call far [cptr]                                 ; REX.W FF /3 m16:64
    CHECK64 [RES + 40], 0x77, "CALL FAR to compatibility mode, RETF back"

    ; ---- limits are checked again ----
    mov rax, compat_limit
    mov [jptr], eax
    TRY64 .l1
    jmp far dword [jptr]
.l1:
    EXPECT64 13, 0, "access beyond a data segment limit in compatibility mode"
    CHECK64 [EXC64_CS], SEL_CODE32C, "... raised in compatibility mode"
    CHECK64 [RES + 48], 0x1234, "... the access below the limit worked"
    mov rax, compat_nullds
    mov [jptr], eax
    TRY64 .l2
    jmp far dword [jptr]
.l2:
    EXPECT64 13, 0, "access through a null DS in compatibility mode"
    mov rax, compat_stack
    mov [jptr], eax
    TRY64 .l3
    jmp far dword [jptr]
.l3:
    EXPECT64 12, 0, "stack beyond the SS limit in compatibility mode: #SS(0)"
    mov rax, compat_nullss
    mov [jptr], eax
    TRY64 .l4
    jmp far dword [jptr]
.l4:
    EXPECT64 13, 0, "MOV SS, null in compatibility mode: #GP(0)"
    mov ax, SEL_DATA64
    mov ds, ax
    mov es, ax
    mov ss, ax

    ; ---- an interrupt from compatibility mode, IRETQ back ----
    mov eax, 0x42
    mov rbx, int42
    mov ecx, 0x8e
    xor edx, edx
    call set_gate64
    mov rax, compat_int
    mov [jptr], eax
    mov rbx, rsp
    mov rax, (SEL_CODE64 << 32) + back3
    push rax
    jmp far dword [jptr]
back3:
    mov rsp, rbx
    CHECK64 [RES + 56], SEL_CODE32C, "interrupt frame: CS of compatibility mode"
    CHECK64 [RES + 64], compat_int.after, "... RIP"
    CHECK64 [RES + 72], SEL_DATA64, "... SS"
    CHECK64 [RES + 80], 0x5a5a, "IRETQ back to compatibility mode"

    ; ---- MOV to CR0 clearing PG in 64-bit mode: #GP ----
    TRY64 .p1
    mov rax, cr0
    btr eax, 31
    mov cr0, rax
.p1:
    EXPECT64 13, 0, "clearing CR0.PG in 64-bit mode: #GP(0)"
    ; ---- and CR4.PAE while in long mode ----
    TRY64 .p2
    mov rax, cr4
    btr eax, 5
    mov cr4, rax
.p2:
    EXPECT64 13, 0, "clearing CR4.PAE in long mode: #GP(0)"

    ; ---- leave long mode from compatibility mode, back to protected mode ----
    mov rax, compat_leave
    mov [jptr], eax
    jmp far dword [jptr]

int42:
    mov rax, [rsp + 8]
    mov [RES + 56], rax
    mov rax, [rsp]
    mov [RES + 64], rax
    mov rax, [rsp + 32]
    mov [RES + 72], rax
    iretq


bits 32
compat1:
    mov [RES], cs
    mov eax, 0x20
    db 0x40                                         ; inc eax
    db 0x40                                         ; inc eax
    db 0x40                                         ; inc eax
    db 0x48                                         ; dec eax
    mov [RES + 8], eax
    mov dword [RES + 12], 0
    mov eax, [CVAL]                                 ; mod 00 rm 101: disp32
    mov [RES + 16], eax
    mov dword [RES + 20], 0
    mov ecx, esp
    push eax
    sub ecx, esp
    pop eax
    mov [RES + 24], ecx
    mov dword [RES + 28], 0
    mov eax, -1
    mov [RES + 32], eax
    mov dword [RES + 36], 0
    retf                                            ; 32-bit: pops EIP, CS

compat2:                                            ; called with a 64-bit frame: RIP, CS
    mov dword [RES + 40], 0x77
    mov eax, [esp]
    mov ecx, [esp + 8]
    add esp, 16
    push ecx                                        ; a 32-bit frame for RETF
    push eax
    retf

compat_limit:
    mov ax, SEL_LIMDATA
    mov ds, ax
    mov word [0xffe], 0x1234
    movzx eax, word [0xffe]
    mov cx, SEL_DATA64
    mov ds, cx
    mov [RES + 48], eax
    mov ax, SEL_LIMDATA
    mov ds, ax
    mov eax, [0xffe + 2]                            ; crosses the limit
    ud2

compat_nullds:
    xor eax, eax
    mov ds, ax
    mov eax, [0x1000]
    ud2

compat_stack:
    mov ax, SEL_SMALLSS
    mov ss, ax
    mov esp, 0x9002
    push eax
    ud2

compat_nullss:
    xor eax, eax
    mov ss, ax
    ud2

compat_int:
    int 0x42
.after:
    mov dword [RES + 80], 0x5a5a
    retf

; Leave long mode: paging off from compatibility mode (CR0.PG, then EFER.LME),
; then continue in 32-bit protected mode and pass.
compat_leave:
    mov ax, SEL_DATA64
    mov ds, ax
    mov ss, ax
    mov eax, cr0
    btr eax, 31
    mov cr0, eax                                    ; LMA becomes 0
    mov ecx, 0xc0000080
    rdmsr
    test eax, 0x400
    jnz .bad
    btr eax, 8                                      ; LME off
    wrmsr
    jmp SEL_CODE32:pm_again
.bad:
    mov al, 1
    out EXIT_PORT, al
    hlt
pm_again:
    mov esp, STACK_TOP
    mov eax, [CVAL]
    cmp eax, 0x99aabbcc
    jne .bad
    PRINT {"PASS", 10}
    EXIT 0
.bad:
    EXIT 1
bits 64

%include "tail.inc"
