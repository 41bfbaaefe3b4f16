; SPDX-License-Identifier: MIT
; Virtual-8086 mode: IRET into v86, real-mode addressing and stack, INT n
; through a protected-mode gate with the v86 frame (segments saved and
; nulled), IRET back, IOPL-sensitive instructions with IOPL 0 (#GP), the
; I/O bitmap in v86, and the way out.
%include "lib.inc"

%define FLAG (SCRATCH + 0x30)
%define V86_STACK_SEG 0x0800    ; stack at 0x8000-0x8ffe (linear)

start16:
    ENTER_PM32

bits 32
; enter_v86: EAX = IP (within F000), EBX = EFLAGS to use (VM is added)
enter_v86:
    push dword 0                ; GS
    push dword 0                ; FS
    push dword 0x0040           ; DS
    push dword 0                ; ES
    push dword V86_STACK_SEG    ; SS
    push dword 0x0ffe           ; SP
    or ebx, 0x20002
    push ebx                    ; EFLAGS
    push dword 0xf000           ; CS
    push eax                    ; IP
    iretd

main32:
    mov eax, 0x30
    mov ebx, svc30
    mov ecx, 0xee
    mov edx, SEL_CODE32
    call set_gate
    mov eax, 0x32
    mov ebx, done
    call set_gate
    mov byte [TSS_RAM + 104 + 0x10], 0x02      ; deny port 0x81
    mov dword [FLAG], 0

    ; IOPL 3 run
    TRY .gate33
    mov eax, R(v86_main)
    mov ebx, 0x3000
    jmp enter_v86
.gate33:
    EXPECT_EXC 13, 0x33 * 8 + 2, "v86 INT to an empty IDT slot"
    jmp after_iopl3

svc30:                          ; ring 0, from v86
    mov eax, [esp + 8]          ; EFLAGS
    test eax, 0x20000
    jz .bad
    mov ax, ds
    test ax, ax
    jnz .bad
    mov ax, SEL_DATA32          ; the v86 segments are in the frame
    mov ds, ax
    movzx eax, word [esp + 24]  ; saved DS in the frame
    cmp eax, 0x0040
    jne .bad
    inc dword [FLAG]
    iretd
.bad:
    PRINT {"FAIL: v86 interrupt frame", 10}
    EXIT 1

after_iopl3:
    ; IOPL 0: CLI faults
    TRY .cli
    mov eax, R(v86_cli)
    mov ebx, 0
    jmp enter_v86
.cli:
    EXPECT_EXC 13, 0, "cli in v86 with IOPL 0"
    CHECK [EXC_CS], 0xf000, "fault frame CS is the v86 segment"
    TRY .io
    mov eax, R(v86_io)
    mov ebx, 0x3000
    jmp enter_v86
.io:
    EXPECT_EXC 13, 0, "v86 port access denied by the bitmap (IOPL 3)"
    TRY .int
    mov eax, R(v86_int)
    mov ebx, 0
    jmp enter_v86
.int:
    EXPECT_EXC 13, 0, "INT n in v86 with IOPL 0"
    mov eax, R(v86_exit)
    mov ebx, 0x3000
    jmp enter_v86

done:
    mov esp, STACK_TOP
    mov ax, SEL_DATA32
    mov ds, ax
    mov es, ax
    CHECK [FLAG], 1, "v86 INT 30h handled once"
    CHECK [SCRATCH + 0x40], 0x5678, "v86 code ran with DS base 0x400"
    PASS

bits 16
v86_main:
    ; DS = 0x40 (base 0x400): SCRATCH+0x40 = 0x640 = 0x40:0x240
    mov word [0x240], 0x5678
    mov ax, 0x1234
    push ax
    pop bx
    cmp bx, 0x1234
    jne .bad
    mov ax, ss
    cmp ax, V86_STACK_SEG
    jne .bad
    pushf
    cli
    sti
    popf
    in al, 0x80
    int 0x30
    mov ax, ds                  ; restored by IRET
    cmp ax, 0x40
    jne .bad
    int 0x33                    ; -> #GP? no: gate 0x33 absent -> #GP(0x33*8+2)
.bad:
    hlt

v86_cli:
    cli
    hlt
v86_io:
    in al, 0x81
    hlt
v86_int:
    int 0x30
    hlt
v86_exit:
    int 0x32
    hlt

bits 32
%include "tail.inc"
