; SPDX-License-Identifier: MIT
; Privilege levels: IRET to ring 3, interrupt gates with a stack switch from
; the TSS, gate DPL checks, IOPL-sensitive instructions, the TSS I/O
; permission bitmap, far CALL through a call gate with parameter copying
; and RETF to the outer level, SYSENTER/SYSEXIT.
%include "lib.inc"

%define FLAG3 (SCRATCH + 0x10)

start16:
    ENTER_PM32

bits 32
main32:
    ; gates: 0x30 DPL3 ring-0 service, 0x31 DPL0, 0x32 "back to ring 0"
    mov eax, 0x30
    mov ebx, svc30
    mov ecx, 0xee
    mov edx, SEL_CODE32
    call set_gate
    mov eax, 0x31
    mov ecx, 0x8e
    call set_gate
    mov eax, 0x32
    mov ebx, back_to_ring0
    mov ecx, 0xee
    call set_gate
    ; call gate at 0x40: DPL 3, 2 dword parameters, to ring-0 gate_func
    mov edi, GDT_RAM + 0x40
    mov eax, gate_func
    mov word [edi], ax
    mov word [edi + 2], SEL_CODE32
    mov byte [edi + 4], 2
    mov byte [edi + 5], 0xec
    shr eax, 16
    mov word [edi + 6], ax
    ; I/O bitmap: deny port 0x81
    mov byte [TSS_RAM + 104 + 0x10], 0x02
    ; SYSENTER MSRs
    mov ecx, 0x174
    mov eax, 0x18
    xor edx, edx
    wrmsr
    mov ecx, 0x175
    mov eax, STACK_TOP - 0x100
    wrmsr
    mov ecx, 0x176
    mov eax, sysenter_entry
    wrmsr

    mov eax, ring3
    jmp to_ring3

ring3:
    mov ax, cs
    and eax, 3
    CHECKR eax, 3, "CPL after iret"
    ; interrupt gate from ring 3: stack switch
    mov dword [FLAG3], 0
    mov ebx, esp
    int 0x30
    CHECK [FLAG3], 1, "ring-0 service ran"
    CHECK [FLAG3 + 4], STACK_TOP - 20, "ring-0 ESP after the stack switch"
    CHECK [FLAG3 + 8], SEL_DATA32U, "outer SS in the frame"
    CHECKR esp, ebx, "ring-3 ESP restored by iret"
    ; DPL 0 gate
    TRY3 .r1
    int 0x31
    jmp fail3
.r1:
    EXPECT_EXC 13, 0x31 * 8 + 2, "int to a DPL 0 gate from ring 3"
    TRY3 .r2
    cli
    jmp fail3
.r2:
    EXPECT_EXC 13, 0, "cli with IOPL 0 in ring 3"
    TRY3 .r3
    hlt
    jmp fail3
.r3:
    EXPECT_EXC 13, 0, "hlt in ring 3"
    in al, 0x80                 ; allowed by the bitmap
    TRY3 .r4
    in al, 0x81
    jmp fail3
.r4:
    EXPECT_EXC 13, 0, "port denied by the I/O bitmap"
    TRY3 .r5
    in ax, 0x80                 ; 0x80-0x81: the second byte is denied
    jmp fail3
.r5:
    EXPECT_EXC 13, 0, "word port access partly denied"
    TRY3 .r6
    mov ax, SEL_DATA32
    mov ds, ax
    jmp fail3
.r6:
    EXPECT_EXC 13, SEL_DATA32, "ring-0 data segment from ring 3"
    TRY3 .r7
    mov eax, cr0
    jmp fail3
.r7:
    EXPECT_EXC 13, 0, "mov from cr0 in ring 3"
    ; call gate with two parameters
    mov ebx, esp
    push dword 30
    push dword 12
    call 0x43:0
    CHECKR eax, 42, "call gate function result"
    CHECKR esp, ebx, "retf 8 released the parameters"
    mov ax, cs
    and eax, 3
    CHECKR eax, 3, "CPL after the far return"
    ; sysenter / sysexit
    mov dword [FLAG3], 0
    mov ecx, esp
    mov edx, .after_sysexit
    sysenter
.after_sysexit:
    CHECK [FLAG3], 2, "sysenter handler ran"
    mov eax, cs
    CHECKR eax, 0x2b, "CS after sysexit"
    int 0x32

fail3:
    PRINT {"FAIL: no exception in ring 3", 10}
    EXIT 1

svc30:                          ; ring 0: record and return
    mov dword [FLAG3], 1
    lea eax, [esp]
    mov [FLAG3 + 4], eax
    mov eax, [esp + 16]
    mov [FLAG3 + 8], eax
    iretd

gate_func:                      ; [esp] eip, cs, p1 (12), p2 (30), esp, ss
    mov ax, cs
    and eax, 3
    jnz .bad
    mov eax, [esp + 8]
    add eax, [esp + 12]
    retf 8
.bad:
    PRINT {"FAIL: call gate did not reach ring 0", 10}
    EXIT 1

sysenter_entry:
    mov ax, cs
    cmp ax, 0x18
    jne .bad
    mov dword [FLAG3], 2
    sysexit
.bad:
    PRINT {"FAIL: sysenter CS", 10}
    EXIT 1

back_to_ring0:
    mov esp, STACK_TOP
    mov ax, SEL_DATA32
    mov ds, ax
    mov es, ax
    PASS

%include "tail.inc"
