; SPDX-License-Identifier: MIT
; Protected mode: entry from real mode, segment loads with their checks,
; limit/rights checks (read-only, expand-down, SS), exceptions and their
; error codes, LAR/LSL/VERR/VERW/ARPL, and the way back to real mode.
%include "lib.inc"

start16:
    ENTER_PM32

bits 32
main32:
    ; descriptors for the tests
    mov eax, 0x40               ; data, not present
    xor ebx, ebx
    mov ecx, 0xffff
    mov edx, 0x0013
    call set_desc
    mov eax, 0x48               ; code, execute-only
    mov edx, 0x0098
    call set_desc
    mov eax, 0x50               ; data, read-only, limit 0xfff
    mov ecx, 0xfff
    mov edx, 0x0091
    call set_desc
    mov eax, 0x58               ; data, expand-down, limit 0xfff, big
    mov edx, 0x4097
    call set_desc
    mov eax, 0x60               ; data, RW, limit 0xffff, 16-bit (for SS)
    mov ecx, 0xffff
    mov edx, 0x0093
    call set_desc

    ; ---- segment loads ----
    TRY .np
    mov ax, 0x40
    mov ds, ax
    jmp .nofault
.np:
    EXPECT_EXC 11, 0x40, "load of a not-present segment: #NP(sel)"

    TRY .xo
    mov ax, 0x48
    mov es, ax
    jmp .nofault
.xo:
    EXPECT_EXC 13, 0x48, "load of an execute-only code segment: #GP(sel)"

    TRY .rpl
    mov ax, SEL_DATA32 | 3
    mov ss, ax
    jmp .nofault
.rpl:
    EXPECT_EXC 13, SEL_DATA32, "SS with RPL != CPL: #GP(sel)"

    TRY .nullss
    xor ax, ax
    mov ss, ax
    jmp .nofault
.nullss:
    EXPECT_EXC 13, 0, "null SS: #GP(0)"

    TRY .beyond
    mov ax, 0x1f8               ; beyond the GDT limit
    mov ds, ax
    jmp .nofault
.beyond:
    EXPECT_EXC 13, 0x1f8, "selector beyond the GDT limit: #GP(sel)"

    ; a null selector loads, but using it faults
    xor ax, ax
    mov fs, ax
    TRY .nullfs
    mov eax, [fs:0]
    jmp .nofault
.nullfs:
    EXPECT_EXC 13, 0, "access through a null FS: #GP(0)"

    ; ---- limits and rights ----
    mov ax, 0x50
    mov fs, ax
    mov eax, [fs:0xffc]         ; last dword: fine
    TRY .ro
    mov dword [fs:0], 1
    jmp .nofault
.ro:
    EXPECT_EXC 13, 0, "write to a read-only segment: #GP(0)"
    mov ax, 0x50                ; (the handler reloaded FS)
    mov fs, ax
    TRY .lim
    mov eax, [fs:0xffd]
    jmp .nofault
.lim:
    EXPECT_EXC 13, 0, "dword read crossing the limit: #GP(0)"

    mov ax, 0x58
    mov gs, ax
    mov dword [gs:0x2000], 0x1234   ; expand-down: above the limit is valid
    TRY .ed
    mov eax, [gs:0x800]
    jmp .nofault
.ed:
    EXPECT_EXC 13, 0, "expand-down segment below its limit: #GP(0)"

    mov ebx, esp
    mov ax, 0x60
    mov ss, ax
    mov esp, 0x8000
    TRY .ss
    mov eax, [ebp + 0x20000]    ; EBP-based: SS
    jmp .nofault
.ss:
    EXPECT_EXC 12, 0, "stack segment limit: #SS(0)"
    mov ax, SEL_DATA32
    mov ss, ax
    mov esp, ebx

    ; ---- exceptions ----
    TRY .ud
    ud2
    jmp .nofault
.ud:
    EXPECT_EXC 6, -1, "ud2"
    CHECK [EXC_EIP], .ud - 0 - 2 - 5, "ud2 EIP" ; "jmp .nofault" is 5 bytes after ud2
    TRY .de
    xor ecx, ecx
    div ecx
    jmp .nofault
.de:
    EXPECT_EXC 0, -1, "divide by zero"
    TRY .int3
    int3
    jmp .nofault
.int3:
    EXPECT_EXC 3, -1, "int3"
    TRY .br
    mov eax, 10
    bound eax, [bounds]
    jmp .nofault
.br:
    EXPECT_EXC 5, -1, "bound"
    TRY .of
    mov al, 0x7f
    add al, 1
    into
    jmp .nofault
.of:
    EXPECT_EXC 4, -1, "into"
    mov eax, 0x80               ; interrupt gate, not present
    mov ebx, isr_0
    mov ecx, 0x0e
    mov edx, SEL_CODE32
    call set_gate
    TRY .gatenp
    int 0x80
    jmp .nofault
.gatenp:
    EXPECT_EXC 11, 0x80 * 8 + 2, "int through a not-present gate: #NP(vec*8+2)"
    TRY .gatebad
    int 0x81                    ; empty IDT slot: not a gate
    jmp .nofault
.gatebad:
    EXPECT_EXC 13, 0x81 * 8 + 2, "int through an invalid gate type: #GP(vec*8+2)"
    mov eax, 0x82               ; DPL 0 gate: INT n from CPL 0 is fine; see ring3.asm for CPL 3
    TRY .toolong
    db 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66
    add eax, 1                  ; 3 bytes: 17 in all
    jmp .nofault
.toolong:
    EXPECT_EXC 13, 0, "instruction longer than 15 bytes: #GP(0)"
    TRY .lock
    db 0xf0, 0x90               ; lock nop
    jmp .nofault
.lock:
    EXPECT_EXC 6, -1, "lock nop: #UD"
    TRY .lockreg
    db 0xf0, 0x01, 0xc0         ; lock add eax, eax
    jmp .nofault
.lockreg:
    EXPECT_EXC 6, -1, "lock with a register destination: #UD"
    lock add dword [SCRATCH], 1 ; fine

    ; ---- access-rights instructions ----
    mov eax, SEL_CODE32
    lar ebx, eax
    jnz .fail_lar
    CHECKR ebx, 0x00cf9b00, "lar code32 (limit bits 19:16 included, as the host)"
    mov eax, 0x50
    lsl ebx, eax
    CHECKR ebx, 0xfff, "lsl"
    verw ax
    jz .fail_verw
    mov ax, 0x48
    verr ax
    jz .fail_verr
    xor eax, eax
    lar ebx, eax
    jz .fail_lar
    mov ax, 0x0010
    mov bx, 0x0003
    arpl ax, bx
    jnz .fail_arpl
    movzx eax, ax
    CHECKR eax, 0x0013, "arpl"

    ; ---- back to real mode ----
    jmp SEL_CODE16:R(back16)

.nofault:
    PRINT {"FAIL: no exception", 10}
    EXIT 1
.fail_lar:
    PRINT {"FAIL: lar ZF", 10}
    EXIT 1
.fail_verw:
    PRINT {"FAIL: verw on a read-only segment", 10}
    EXIT 1
.fail_verr:
    PRINT {"FAIL: verr on an execute-only segment", 10}
    EXIT 1
.fail_arpl:
    PRINT {"FAIL: arpl ZF", 10}
    EXIT 1

bounds: dd 0, 5

bits 16
back16:
    mov ax, SEL_DATA16
    mov ds, ax
    mov ss, ax
    mov eax, cr0
    and al, 0xfe
    mov cr0, eax
    jmp 0xf000:R(real_again)
real_again:
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7000
    push word 0x4242
    pop bx
    CHECK16 bx, 0x4242, "real mode after protected mode"
    PASS16

%include "tail.inc"
