; SPDX-License-Identifier: MIT
; Hardware task switching: JMP to a TSS (busy bits), CALL with the back
; link and NT then IRET back, CR0.TS, #GP for a busy TSS, and a double
; fault delivered through a task gate (#DE whose gate is not present gives
; #NP during delivery: both contributory, so #DF).
%include "lib.inc"

%define TSS_B 0x3000
%define TSS_C 0x3100
%define SEL_B 0x48
%define SEL_C 0x50
%define FLAG (SCRATCH + 0x20)

start16:
    ENTER_PM32

bits 32
; build_tss: EDI = TSS, EAX = EIP, EBX = ESP
build_tss:
    push eax
    push edi
    push ecx
    mov ecx, 104 / 4
    xor eax, eax
    rep stosd
    pop ecx
    pop edi
    pop eax
    mov [edi + 32], eax
    mov [edi + 56], ebx
    mov dword [edi + 36], 2
    mov word [edi + 72], SEL_DATA32
    mov word [edi + 76], SEL_CODE32
    mov word [edi + 80], SEL_DATA32
    mov word [edi + 84], SEL_DATA32
    mov word [edi + 88], SEL_DATA32
    mov word [edi + 92], SEL_DATA32
    mov word [edi + 102], 104
    ret

; busy bit of the TSS descriptor EAX -> EAX (0 or 1)
busy_of:
    movzx eax, byte [GDT_RAM + eax + 5]
    shr eax, 1
    and eax, 1
    ret

main32:
    mov edi, TSS_B
    mov eax, task_b
    mov ebx, 0x7000
    call build_tss
    mov eax, SEL_B
    mov ebx, TSS_B
    mov ecx, 103
    mov edx, 0x0089
    call set_desc
    mov edi, TSS_C
    mov eax, task_c
    mov ebx, 0x6000
    call build_tss
    mov eax, SEL_C
    mov ebx, TSS_C
    mov edx, 0x0089
    call set_desc

    ; ---- JMP ----
    mov dword [FLAG], 0
    mov ebx, 0x12345678
    jmp SEL_B:0
    CHECK [FLAG], 1, "task B ran"
    CHECKR ebx, 0x12345678, "EBX restored from the TSS"
    str ax
    movzx eax, ax
    CHECKR eax, SEL_TSS, "TR back to the first task"
    mov eax, SEL_B
    call busy_of
    CHECKR eax, 0, "JMP away cleared B's busy bit"
    mov eax, cr0
    test al, 8
    jz .no_ts
    clts

    ; ---- CALL and IRET ----
    mov edi, TSS_B
    mov eax, task_b2
    mov ebx, 0x7000
    call build_tss
    call SEL_B:0
    CHECK [FLAG], 2, "nested task B ran"
    CHECK [FLAG + 4], SEL_TSS, "back link"
    CHECK [FLAG + 8], 0x4000, "NT set in the called task"
    CHECK [FLAG + 12], 1, "caller still busy during the call"
    mov eax, SEL_B
    call busy_of
    CHECKR eax, 0, "IRET cleared B's busy bit"
    pushfd
    pop eax
    and eax, 0x4000
    CHECKR eax, 0, "NT clear after returning"

    ; ---- busy TSS ----
    TRY .busy
    jmp SEL_TSS:0
    jmp .nofault
.busy:
    EXPECT_EXC 13, SEL_TSS, "JMP to a busy TSS"

    ; ---- double fault through a task gate ----
    mov eax, 8
    xor ebx, ebx
    mov ecx, 0x85
    mov edx, SEL_C
    call set_gate
    mov eax, 0
    mov ebx, isr_0
    mov ecx, 0x0e                               ; #DE gate, not present
    mov edx, SEL_CODE32
    call set_gate
    xor ecx, ecx
    div ecx
    PRINT {"FAIL: no double fault", 10}
    EXIT 1

.no_ts:
    PRINT {"FAIL: task switch did not set CR0.TS", 10}
    EXIT 1
.nofault:
    PRINT {"FAIL: no exception", 10}
    EXIT 1

task_b:
    mov dword [FLAG], 1
    str ax
    cmp ax, SEL_B
    jne .bad
    mov eax, SEL_B
    call busy_of
    cmp eax, 1
    jne .bad
    mov ebx, 0xbad
    jmp SEL_TSS:0
.bad:
    PRINT {"FAIL: task B state", 10}
    EXIT 1

task_b2:
    mov dword [FLAG], 2
    movzx eax, word [TSS_B]
    mov [FLAG + 4], eax
    pushfd
    pop eax
    and eax, 0x4000
    mov [FLAG + 8], eax
    mov eax, SEL_TSS
    call busy_of
    mov [FLAG + 12], eax
    iretd

task_c:                         ; the #DF handler task
    pop eax                     ; error code
    CHECKR eax, 0, "#DF error code"
    movzx eax, word [TSS_C]
    CHECKR eax, SEL_TSS, "#DF task back link"
    str ax
    movzx eax, ax
    CHECKR eax, SEL_C, "TR in the #DF task"
    PASS

%include "tail.inc"
