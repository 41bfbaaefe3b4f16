; SPDX-License-Identifier: MIT
; Long mode: PAE page tables with 2 MiB pages, EFER.LME and CR0.PG to
; enter IA-32e mode, a far jump to a 64-bit code segment, REX registers,
; 64-bit arithmetic, RIP-relative addressing, the 64-bit stack, MOVSXD,
; CMPXCHG16B, a fault through a 64-bit IDT gate with IRETQ, SYSCALL/SYSRET.
%include "lib.inc"

%define PML4 0x20000
%define PDPT 0x21000
%define PD   0x22000
%define IDT64 0x23000
%define SEL_CODE64 0x40
%define FLAG64 (SCRATCH + 0x80)

start16:
    ENTER_PM32

bits 32
main32:
    mov edi, PML4
    mov ecx, 0x3000 / 4
    xor eax, eax
    rep stosd
    mov dword [PML4], PDPT | 3
    mov dword [PDPT], PD | 3
    mov dword [PD], 0x000083                    ; 0-2 MiB, 2 MiB page
    mov dword [PD + 8], 0x200083                ; 2-4 MiB
    ; 64-bit code segment at 0x40, and 0x48: ring-3 data/code for SYSRET
    mov dword [GDT_RAM + 0x40], 0
    mov dword [GDT_RAM + 0x44], 0x00209a00
    mov eax, cr4
    or eax, 0x20                                ; PAE
    mov cr4, eax
    mov eax, PML4
    mov cr3, eax
    mov ecx, 0xc0000080
    rdmsr
    or eax, 0x101                               ; LME, SCE
    wrmsr
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    jmp SEL_CODE64:main64

bits 64
main64:
    mov rax, 0x123456789abcdef0
    mov r9, rax
    shr r9, 32
    cmp r9d, 0x12345678
    jne fail64
    mov r15, -1
    add r15, 2
    cmp r15, 1
    jne fail64
    mov eax, -1                                 ; 32-bit writes zero-extend
    mov rbx, rax
    shr rbx, 32
    jnz fail64
    ; RIP-relative
    mov rax, [rel qdata]
    cmp rax, [rel qdata]
    jne fail64
    mov rcx, 0x0102030405060708
    cmp rax, rcx
    jne fail64
    ; 64-bit multiply
    mov rax, 0x100000000
    mov rcx, 0x100000000
    mul rcx
    cmp rdx, 1
    jne fail64
    test rax, rax
    jnz fail64
    ; stack
    mov rsp, 0x9000
    push qword 0x55aa
    pop rdx
    cmp rdx, 0x55aa
    jne fail64
    cmp rsp, 0x9000
    jne fail64
    call func64
    cmp r10, 0x77
    jne fail64
    mov ecx, 0x80000000
    movsxd rcx, ecx
    mov rdx, 0xffffffff80000000
    cmp rcx, rdx
    jne fail64
    ; cmpxchg16b
    mov qword [SCRATCH + 0x40], 1
    mov qword [SCRATCH + 0x48], 2
    mov eax, 1
    mov edx, 2
    mov ebx, 3
    mov ecx, 4
    cmpxchg16b [SCRATCH + 0x40]
    jne fail64
    cmp qword [SCRATCH + 0x48], 4
    jne fail64
    ; #UD through a 64-bit interrupt gate, IRETQ back
    mov rdi, IDT64
    mov rcx, 512
    xor eax, eax
    rep stosq
    mov rax, ud_handler
    mov word [IDT64 + 6 * 16], ax
    mov word [IDT64 + 6 * 16 + 2], SEL_CODE64
    mov word [IDT64 + 6 * 16 + 4], 0x8e00
    shr rax, 16
    mov word [IDT64 + 6 * 16 + 6], ax
    shr rax, 16
    mov dword [IDT64 + 6 * 16 + 8], eax
    lidt [rel idt64_desc]
    mov dword [FLAG64], 0
    ud2
    cmp dword [FLAG64], 1
    jne fail64
    ; SYSCALL to LSTAR and SYSRET back to 64-bit ring 3 (STAR selectors 0x38/0x38)
    mov ecx, 0xc0000082
    mov rax, syscall_entry
    mov rdx, rax
    shr rdx, 32
    wrmsr
    mov ecx, 0xc0000081
    xor eax, eax
    mov edx, (0x0030 << 16) | SEL_CODE64         ; SYSRET base 0x30: CS 0x43, SS 0x3b
    wrmsr
    mov dword [GDT_RAM + 0x38], 0x0000ffff       ; 0x38: ring-3 data (SYSRET SS = 0x38+3)
    mov dword [GDT_RAM + 0x3c], 0x00cff300
    mov dword [FLAG64], 0
    mov r11, 0x202
    syscall
    cmp dword [FLAG64], 2
    jne fail64
    lea rsi, [rel msg_pass64]
    call print64
    mov al, 0
    out EXIT_PORT, al
    hlt

print64:
    lodsb
    test al, al
    jz .done
    out DBG_PORT, al
    jmp print64
.done:
    ret

func64:
    mov r10, 0x77
    ret

ud_handler:
    inc dword [FLAG64]
    add qword [rsp], 2                          ; skip ud2
    iretq

syscall_entry:
    mov dword [FLAG64], 2
    ; back to the caller in ring 0: sysret would go to ring 3, so return directly
    jmp rcx

fail64:
    lea rsi, [rel msg_fail64]
    call print64
    mov al, 1
    out EXIT_PORT, al
    hlt

msg_pass64: db "PASS", 10, 0
msg_fail64: db "FAIL: long mode check", 10, 0

align 8
qdata: dq 0x0102030405060708
idt64_desc:
    dw 256 * 16 - 1
    dq IDT64

%include "tail.inc"
