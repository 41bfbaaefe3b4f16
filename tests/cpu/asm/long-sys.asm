; SPDX-License-Identifier: MIT
; Long-mode system interface: SYSCALL/SYSRET to and from 64-bit and
; compatibility-mode ring 3 (STAR, LSTAR, CSTAR, SFMASK, RCX/R11), the
; 64-bit interrupt frame (stack alignment, SS:RSP always pushed, RSP0 on a
; privilege change, IST stacks, error codes), IRETQ at the same privilege,
; a 64-bit call gate from ring 3 with RETFQ, SWAPGS and the FS/GS base
; MSRs, RDFSBASE/WRFSBASE, RDTSCP/TSC_AUX, LAHF/SAHF, CMPXCHG16B alignment,
; XSAVE/XRSTOR/XGETBV/XSETBV when CPUID offers them.
%include "lib.inc"
%include "lib64.inc"

%define MSR_EFER    0xc0000080
%define MSR_STAR    0xc0000081
%define MSR_LSTAR   0xc0000082
%define MSR_CSTAR   0xc0000083
%define MSR_FMASK   0xc0000084
%define MSR_FSBASE  0xc0000100
%define MSR_GSBASE  0xc0000101
%define MSR_KGSBASE 0xc0000102
%define MSR_TSCAUX  0xc0000103

%define SYS_RCX   (SCRATCH64 + 0x00)   ; what the SYSCALL handler saw
%define SYS_R11   (SCRATCH64 + 0x08)
%define SYS_RFL   (SCRATCH64 + 0x10)
%define SYS_CS    (SCRATCH64 + 0x18)
%define SYS_SS    (SCRATCH64 + 0x20)
%define SYS_COUNT (SCRATCH64 + 0x28)
%define U_CS      (SCRATCH64 + 0x30)   ; what ring 3 saw after SYSRET
%define U_SS      (SCRATCH64 + 0x38)
%define U_RFL     (SCRATCH64 + 0x40)
%define G_CS      (SCRATCH64 + 0x48)   ; call gate target
%define G_RSP     (SCRATCH64 + 0x50)
%define XAREA     0x14000               ; 64-byte aligned XSAVE area

start16:
    ENTER_PM32

bits 32
main32:
    ENTER_LONG64

bits 64
main64:
    ; ---- SYSCALL / SYSRET, 64-bit ring 3 ----
    mov ecx, MSR_STAR
    mov rax, (SEL_UCODE32 << 48) | (SEL_CODE64 << 32)
    call wrmsr64
    mov ecx, MSR_LSTAR
    mov rax, syscall64
    call wrmsr64
    mov ecx, MSR_CSTAR
    mov rax, syscall32
    call wrmsr64
    mov ecx, MSR_FMASK
    mov eax, 0x400 | 0x100000                       ; DF, VIP... (DF and bit 20)
    call wrmsr64
    mov rax, user64
    TRY64 .s1
    jmp to_ring3_64
.s1:
    EXPECT64 6, -1, "ring-3 code ends with ud2"
    CHECK64 [EXC64_CS], SEL_UCODE64 | 3, "... in 64-bit ring 3"
    CHECK64 [SYS_COUNT], 1, "SYSCALL reached LSTAR"
    CHECK64 [SYS_RCX], user64.after, "SYSCALL: RCX = return RIP"
    CHECK64 [SYS_R11], 0x4c7, "SYSCALL: R11 = RFLAGS (DF CF PF ZF SF set)"
    CHECK64 [SYS_RFL], 0x0c7, "SYSCALL: RFLAGS masked by SFMASK (DF clear)"
    CHECK64 [SYS_CS], SEL_CODE64, "SYSCALL: CS from STAR[47:32]"
    CHECK64 [SYS_SS], SEL_DATA64, "SYSCALL: SS = CS + 8"
    CHECK64 [U_CS], SEL_UCODE64 | 3, "SYSRETQ: CS = STAR[63:48] + 16"
    CHECK64 [U_SS], SEL_UDATA | 3, "SYSRETQ: SS = STAR[63:48] + 8"
    CHECK64 [U_RFL], 0x2d7, "SYSRETQ: RFLAGS from R11"

    ; ---- SYSCALL / SYSRET, compatibility-mode ring 3 ----
    mov qword [SYS_COUNT], 0
    push qword SEL_UDATA | 3
    push qword STACK3_TOP
    push qword 2
    push qword SEL_UCODE32 | 3
    push qword user32
    TRY64 .s2
    iretq
.s2:
    EXPECT64 6, -1, "compatibility-mode code ends with ud2"
    CHECK64 [EXC64_CS], SEL_UCODE32 | 3, "... in 32-bit ring 3"
    CHECK64 [SYS_COUNT], 1, "SYSCALL from compatibility mode reached CSTAR"
    CHECK64 [SYS_RCX], user32.after, "... RCX = return EIP"
    CHECK64 [U_CS], SEL_UCODE32 | 3, "SYSRETL: CS = STAR[63:48]"
    CHECK64 [U_SS], SEL_UDATA | 3, "SYSRETL: SS = STAR[63:48] + 8"

    ; ---- the interrupt frame ----
    mov ax, SEL_DATA64          ; SS is null since the return from ring 3
    mov ss, ax
    mov eax, 0x40                                   ; INT 40h: no IST, DPL 3
    mov rbx, int_frame
    mov ecx, 0xee
    xor edx, edx
    call set_gate64
    mov eax, 0x41                                   ; INT 41h: IST2, DPL 0
    mov rbx, int_frame
    mov ecx, 0x8e
    mov edx, 2
    call set_gate64
    mov rbx, rsp
    mov rsp, 0x8ff8                                 ; misaligned
    int 0x40
    mov rsp, rbx
    CHECK64 [SCRATCH64 + 0x60], 0x8ff0 - 40, "same-CPL frame: RSP aligned down to 16"
    CHECK64 [SCRATCH64 + 0x68], 0x8ff8, "... old RSP pushed"
    CHECK64 [SCRATCH64 + 0x70], SEL_DATA64, "... old SS pushed"
    int 0x41
    CHECK64 [SCRATCH64 + 0x60], IST2_TOP - 40, "IST2 gate: frame on the IST2 stack"
    mov rax, user_int
    TRY64 .f1
    jmp to_ring3_64
.f1:
    EXPECT64 6, -1, "ring 3 after INT 40h"
    CHECK64 [SCRATCH64 + 0x60], RSP0_TOP - 40, "from ring 3: frame on the RSP0 stack"
    CHECK64 [SCRATCH64 + 0x68], STACK3_TOP, "... user RSP pushed"
    CHECK64 [SCRATCH64 + 0x70], SEL_UDATA | 3, "... user SS pushed"
    CHECK64 [SCRATCH64 + 0x78], SEL_UCODE64 | 3, "... user CS pushed"
    TRY64 .f2
    mov ax, 0xfff8
    mov ds, ax
.f2:
    EXPECT64 13, 0xfff8, "MOV DS beyond the GDT limit: #GP(selector)"
    mov ax, SEL_DATA64
    mov ds, ax
    mov rax, user_int41
    TRY64 .f3
    jmp to_ring3_64
.f3:
    EXPECT64 13, 0x41 * 8 + 2, "INT 41h (DPL 0) from ring 3: #GP(IDT index)"

    ; IRETQ to the same privilege level pops SS:RSP too
    mov rbx, rsp
    push qword SEL_DATA64
    push qword 0x8800
    push qword 0x202
    push qword SEL_CODE64
    push qword .iq
    iretq
.iq:
    mov rcx, rsp
    mov rsp, rbx
    CHECK64 rcx, 0x8800, "IRETQ to CPL 0 loads RSP"

    ; ---- a 64-bit call gate from ring 3 ----
    mov rax, gate_target
    mov word [GDT_RAM + SEL_GATE64], ax
    mov word [GDT_RAM + SEL_GATE64 + 2], SEL_CODE64
    mov word [GDT_RAM + SEL_GATE64 + 4], 0xec00    ; present, DPL 3, type 12
    shr rax, 16
    mov word [GDT_RAM + SEL_GATE64 + 6], ax
    shr rax, 16
    mov dword [GDT_RAM + SEL_GATE64 + 8], eax
    mov dword [GDT_RAM + SEL_GATE64 + 12], 0
    mov rax, user_gate
    TRY64 .g1
    jmp to_ring3_64
.g1:
    EXPECT64 6, -1, "ring 3 after the call gate"
    CHECK64 [G_CS], SEL_CODE64, "call gate: target runs in ring 0"
    CHECK64 [G_RSP], RSP0_TOP - 32, "... on the RSP0 stack with SS:RSP, CS:RIP"
    CHECK64 [SCRATCH64 + 0x58], 0x99, "RETFQ back to ring 3"
    mov dword [GDT_RAM + SEL_GATE64 + 12], 0x100    ; upper half type must be 0
    mov rax, user_gate
    TRY64 .g2
    jmp to_ring3_64
.g2:
    EXPECT64 13, SEL_GATE64, "call gate with a bad upper half: #GP(gate)"

    ; ---- SWAPGS, FS/GS bases ----
    mov qword [0x100000], 0x1111
    mov qword [0x200000], 0x2222
    mov ecx, MSR_GSBASE
    mov eax, 0x100000
    call wrmsr64
    mov ecx, MSR_KGSBASE
    mov eax, 0x200000
    call wrmsr64
    CHECK64 [gs:0], 0x1111, "GS base MSR"
    swapgs
    CHECK64 [gs:0], 0x2222, "SWAPGS: KERNEL_GS_BASE is the GS base"
    mov ecx, MSR_KGSBASE
    call rdmsr64
    CHECK64 rax, 0x100000, "... and the old base is in KERNEL_GS_BASE"
    swapgs
    mov ecx, MSR_FSBASE
    mov eax, 0x200000
    call wrmsr64
    CHECK64 [fs:0], 0x2222, "FS base MSR"
    mov ax, SEL_DATA64
    mov fs, ax
    mov ecx, MSR_FSBASE
    call rdmsr64
    CHECK64 rax, 0, "MOV FS loads the base from the descriptor"
    mov rax, user_swapgs
    TRY64 .w1
    jmp to_ring3_64
.w1:
    EXPECT64 13, 0, "SWAPGS in ring 3: #GP(0)"

    mov eax, 7
    xor ecx, ecx
    cpuid
    bt ebx, 0                                       ; FSGSBASE
    jnc .nofsgs
    TRY64 .fs1
    rdfsbase rax
.fs1:
    EXPECT64 6, -1, "RDFSBASE without CR4.FSGSBASE: #UD"
    mov rax, cr4
    or eax, 0x10000
    mov cr4, rax
    mov rax, 0x123456789a
    wrfsbase rax
    mov ecx, MSR_FSBASE
    call rdmsr64
    mov rdx, 0x123456789a
    CHECK64 rax, rdx, "WRFSBASE sets the FS base MSR"
    mov ecx, MSR_GSBASE
    mov eax, 0x300000
    call wrmsr64
    rdgsbase rbx
    CHECK64 rbx, 0x300000, "RDGSBASE"
    rdfsbase eax
    CHECK64 rax, 0x3456789a, "RDFSBASE r32 zero-extends"
    mov rax, 0x0000900000000000
    TRY64 .fs2
    wrgsbase rax
.fs2:
    EXPECT64 13, 0, "WRGSBASE non-canonical: #GP(0)"
    xor eax, eax
    wrfsbase rax
.nofsgs:

    ; ---- RDTSCP, LAHF/SAHF ----
    mov eax, 0x80000001
    cpuid
    bt edx, 27
    jnc .nordtscp
    mov ecx, MSR_TSCAUX
    mov eax, 0x1234
    call wrmsr64
    xor ecx, ecx
    rdtscp
    CHECK64 rcx, 0x1234, "RDTSCP: ECX = TSC_AUX"
.nordtscp:
    mov ah, 0xd5
    sahf
    mov eax, 0
    lahf
    CHECK64 rax, 0xd700, "SAHF/LAHF in 64-bit mode"

    ; ---- CMPXCHG16B alignment ----
    TRY64 .cx
    cmpxchg16b [SCRATCH64 + 8]
.cx:
    EXPECT64 13, 0, "CMPXCHG16B misaligned: #GP(0)"

    ; ---- XSAVE ----
    mov eax, 1
    cpuid
    bt ecx, 26
    jnc .noxsave
    TRY64 .x1
    xgetbv
.x1:
    EXPECT64 6, -1, "XGETBV without CR4.OSXSAVE: #UD"
    mov rax, cr4
    or eax, 0x40000 | 0x200                         ; OSXSAVE, OSFXSR
    mov cr4, rax
    mov eax, 1
    cpuid
    bt ecx, 27
    setc al
    movzx eax, al
    CHECK64 rax, 1, "CPUID.1:ECX.OSXSAVE follows CR4"
    xor ecx, ecx
    xgetbv
    CHECK64 rax, 1, "XCR0 after reset: x87"
    mov eax, 2
    xor edx, edx
    TRY64 .x2
    xsetbv
.x2:
    EXPECT64 13, 0, "XSETBV without the x87 bit: #GP(0)"
    mov eax, 7
    TRY64 .x3
    xsetbv
.x3:
    EXPECT64 13, 0, "XSETBV with AVX (unsupported): #GP(0)"
    mov eax, 3
    xsetbv
    mov edi, XAREA
    mov ecx, 576 / 8
    xor eax, eax
    rep stosq
    mov rax, 0x0102030405060708
    movq xmm0, rax
    mov rax, 0x1f80 | 0x6000
    mov [SCRATCH64 + 0x60], eax
    ldmxcsr [SCRATCH64 + 0x60]
    mov eax, 3
    xor edx, edx
    xsave [XAREA]
    CHECK64 [XAREA + 512], 3, "XSAVE: XSTATE_BV = x87 | SSE"
    mov eax, [XAREA + 24]
    CHECK64 rax, 0x7f80, "XSAVE: MXCSR"
    mov rdx, 0x0102030405060708
    CHECK64 [XAREA + 160], rdx, "XSAVE: XMM0"
    mov byte [XAREA + 160], 0x99
    pxor xmm0, xmm0
    mov eax, 3
    xor edx, edx
    xrstor [XAREA]
    movq rax, xmm0
    mov rdx, 0x0102030405060799
    CHECK64 rax, rdx, "XRSTOR: XMM0 back"
    mov qword [XAREA + 512], 1                      ; SSE not in XSTATE_BV: init
    mov eax, 3
    xor edx, edx
    xrstor [XAREA]
    movq rax, xmm0
    CHECK64 rax, 0, "XRSTOR: SSE component initialised"
    mov qword [XAREA + 520], 1                      ; XCOMP_BV: compacted form
    TRY64 .x4
    xrstor [XAREA]
.x4:
    EXPECT64 13, 0, "XRSTOR with XCOMP_BV set: #GP(0)"
    TRY64 .x5
    xsave [XAREA + 16]
.x5:
    EXPECT64 13, 0, "XSAVE misaligned: #GP(0)"
.noxsave:

    PASS64

; ---- SYSCALL entry points (ring 0) ----
syscall64:
    mov [SYS_RCX], rcx
    mov [SYS_R11], r11
    pushfq
    pop qword [SYS_RFL]
    mov [SYS_CS], cs
    mov [SYS_SS], ss
    inc qword [SYS_COUNT]
    mov r11, 0x2d7
    o64 sysret

syscall32:
    mov [SYS_RCX], rcx
    inc qword [SYS_COUNT]
    mov r11, 0x202
    sysret                                          ; to compatibility mode

; ---- interrupt handler: records the frame ----
int_frame:
    mov [SCRATCH64 + 0x60], rsp                     ; RIP slot
    mov rax, [rsp + 24]
    mov [SCRATCH64 + 0x68], rax                     ; old RSP
    mov rax, [rsp + 32]
    mov [SCRATCH64 + 0x70], rax                     ; old SS
    mov rax, [rsp + 8]
    mov [SCRATCH64 + 0x78], rax                     ; old CS
    iretq

gate_target:
    mov [G_CS], cs
    mov [G_RSP], rsp
    o64 retf

; ---- ring-3 pieces ----
user64:
    pushfq
    or qword [rsp], 0x4c7 & ~2                      ; DF CF PF ZF SF
    popfq
    syscall
.after:
    mov [U_CS], cs
    mov [U_SS], ss
    pushfq
    pop rax
    and eax, 0x3fffff
    mov [U_RFL], rax
    ud2

user_int:
    int 0x40
    ud2

user_int41:
    int 0x41
    ud2

user_gate:
    call far [rel gate_ptr]
    mov qword [SCRATCH64 + 0x58], 0x99
    ud2
align 8
gate_ptr:
    dq 0
    dw SEL_GATE64 | 3

user_swapgs:
    swapgs
    ud2

bits 32
user32:
    syscall
.after:
    mov ax, SEL_UDATA | 3       ; IRETQ to ring 3 nulled DS (DPL 0)
    mov ds, ax
    mov [U_CS], cs
    mov [U_SS], ss
    ud2
bits 64

%include "tail.inc"
