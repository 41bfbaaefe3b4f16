; SPDX-License-Identifier: MIT
; 4-level paging in long mode: 4 KiB, 2 MiB and 1 GiB pages (1 GiB only
; with CPUID pdpe1gb, else PS in a PDPTE is a reserved-bit fault), not
; present at every level, R/W with CR0.WP, U/S from ring 3 at the PT and
; PML4 levels, NX with EFER.NXE (and NX as a reserved bit without it),
; reserved physical-address bits, PS in a PML4E, accessed/dirty bits at
; every level, global pages across CR3 writes and INVLPG, SMEP, and the
; canonical-address checks: #GP(0) for data, #SS(0) for stack references
; (delivered on an IST stack), #GP at the branch for a non-canonical target,
; non-canonical FS base.
%include "lib.inc"
%include "lib64.inc"

; an alias region at PML4 slot 128: linear 0x4000_0000_0000
%define LBASE   0x400000000000
%define PDPT_A  0x13000
%define PD_A    0x14000
%define PT_A    0x15000
%define PD_B    0x16000
%define PHYS4K  0x100000        ; PT_A[i] maps PHYS4K + i * 4 KiB
%define L4K(i)  (LBASE + (i) * 0x1000)
%define L2M     (LBASE + 0x200000)
%define L1G     (LBASE + 0x40000000)
%define PTE(i)  (PT_A + (i) * 8)

start16:
    ENTER_PM32

bits 32
main32:
    ENTER_LONG64

bits 64
main64:
    ; ---- the alias tables ----
    mov edi, PDPT_A
    mov ecx, 0x4000 / 8
    xor eax, eax
    rep stosq
    mov qword [PML4 + 128 * 8], PDPT_A | 7
    mov qword [PDPT_A], PD_A | 7
    mov qword [PD_A], PT_A | 7
    mov qword [PD_A + 8], 0x200000 | 0x87           ; 2 MiB page -> 2 MiB
    xor ecx, ecx
.pt:
    mov eax, ecx
    shl eax, 12
    add eax, PHYS4K | 7
    mov [PT_A + rcx * 8], rax
    inc ecx
    cmp ecx, 64
    jb .pt
    mov rax, cr3
    mov cr3, rax

    ; ---- 4 KiB, 2 MiB and 1 GiB pages ----
    mov rax, 0x1122334455667788
    mov [PHYS4K + 3 * 0x1000 + 0x10], rax
    mov rbx, L4K(3)
    CHECK64 [rbx + 0x10], rax, "4 KiB page read"
    mov rcx, 0x0badc0ffee
    mov [rbx + 0x18], rcx
    CHECK64 [PHYS4K + 3 * 0x1000 + 0x18], rcx, "4 KiB page write"
    mov qword [0x200000 + 0x1234], 0x5a5a
    mov rbx, L2M
    CHECK64 [rbx + 0x1234], 0x5a5a, "2 MiB page read"

    mov eax, 0x80000001
    cpuid
    bt edx, 26                                      ; pdpe1gb
    setc [SCRATCH64]
    mov qword [PDPT_A + 8], 0x87                    ; 1 GiB page -> 0
    mov rax, cr3
    mov cr3, rax
    TRY64 .g1
    mov rbx, L1G
    mov rax, [rbx + PHYS4K + 3 * 0x1000 + 0x10]
.g1:
    cmp byte [SCRATCH64], 0
    je .no1g
    CHECK64 [EXC64_VEC], -1, "1 GiB page: no fault"
    mov rdx, 0x1122334455667788
    CHECK64 rax, rdx, "1 GiB page read"
    jmp .done1g
.no1g:
    EXPECT64 14, 9, "PS in a PDPTE without pdpe1gb: #PF P|RSVD"
.done1g:
    mov qword [PDPT_A + 8], 0

    ; ---- accessed and dirty bits ----
    and qword [PML4 + 128 * 8], ~0x60
    and qword [PDPT_A], ~0x60
    and qword [PD_A], ~0x60
    and qword [PTE(5)], ~0x60
    mov rax, cr3
    mov cr3, rax
    mov rbx, L4K(5)
    mov rax, [rbx]
    CHECK64 [PML4 + 128 * 8], PDPT_A | 0x27, "PML4E accessed"
    CHECK64 [PDPT_A], PD_A | 0x27, "PDPTE accessed"
    CHECK64 [PD_A], PT_A | 0x27, "PDE accessed"
    CHECK64 [PTE(5)], (PHYS4K + 5 * 0x1000) | 0x27, "PTE accessed, not dirty"
    mov [rbx], rax
    CHECK64 [PTE(5)], (PHYS4K + 5 * 0x1000) | 0x67, "PTE dirty after a write"
    and qword [PD_A + 8], ~0x60
    invlpg [L2M]
    mov rbx, L2M
    mov byte [rbx + 7], 1
    CHECK64 [PD_A + 8], 0x200000 | 0xe7, "2 MiB PDE accessed and dirty"

    ; ---- not present at each level ----
    mov qword [PTE(6)], 0
    invlpg [rbx]
    mov rbx, L4K(6)
    TRY64 .np1
    mov rax, [rbx]
.np1:
    EXPECT64 14, 0, "PTE not present, read"
    CHECK64 [EXC64_CR2], rbx, "... CR2"
    TRY64 .np2
    mov [rbx], rax
.np2:
    EXPECT64 14, 2, "PTE not present, write"
    mov rbx, LBASE + 0x400000                       ; PD_A[2] = 0
    TRY64 .np3
    mov rax, [rbx]
.np3:
    EXPECT64 14, 0, "PDE not present"
    mov rbx, LBASE + 0x80000000                     ; PDPT_A[2] = 0
    TRY64 .np4
    mov rax, [rbx]
.np4:
    EXPECT64 14, 0, "PDPTE not present"
    mov rbx, 0x408000000000                         ; PML4[129] = 0
    TRY64 .np5
    mov [rbx + 8], rax
.np5:
    EXPECT64 14, 2, "PML4E not present, write"
    CHECK64 [EXC64_CR2], 0x408000000008, "... CR2"

    ; ---- read-only pages and CR0.WP ----
    and qword [PTE(7)], ~2
    mov rbx, L4K(7)
    invlpg [rbx]
    mov rax, [rbx]
    TRY64 .ro1
    mov [rbx], rax
.ro1:
    EXPECT64 14, 3, "write to a read-only PTE with WP"
    mov rax, cr0
    and eax, ~0x10000
    mov cr0, rax
    TRY64 .ro2
    mov qword [rbx], 0x77
.ro2:
    CHECK64 [EXC64_VEC], -1, "write to a read-only PTE without WP"
    CHECK64 [PHYS4K + 7 * 0x1000], 0x77, "... lands"
    mov rax, cr0
    or eax, 0x10000
    mov cr0, rax
    mov qword [PDPT_A + 3 * 8], PD_B | 5            ; read-only at the PDPT level
    mov qword [PD_B], 0x400000 | 0x87
    mov rbx, LBASE + 0xc0000000
    mov rax, [rbx]
    TRY64 .ro3
    mov [rbx], rax
.ro3:
    EXPECT64 14, 3, "write under a read-only PDPTE"

    ; ---- user/supervisor ----
    and qword [PTE(8)], ~4
    invlpg [L4K(8)]
    mov qword [PML4 + 130 * 8], PDPT_A | 3          ; supervisor at the PML4 level
    mov rax, cr3
    mov cr3, rax
    mov rax, user_read_pt
    TRY64 .us1
    jmp to_ring3_64
.us1:
    EXPECT64 14, 5, "ring-3 read of a supervisor PTE"
    CHECK64 [EXC64_CS], SEL_UCODE64 | 3, "... from ring 3"
    mov rax, user_write_pt
    TRY64 .us2
    jmp to_ring3_64
.us2:
    EXPECT64 14, 7, "ring-3 write of a supervisor PTE"
    mov rax, user_read_pml4
    TRY64 .us3
    jmp to_ring3_64
.us3:
    EXPECT64 14, 5, "ring-3 read under a supervisor PML4E"
    mov rax, user_read_ok
    TRY64 .us4
    jmp to_ring3_64
.us4:
    EXPECT64 6, -1, "ring-3 read of a user page (then ud2)"
    CHECK64 [SCRATCH64 + 8], 0x4242, "... read the value"

    ; ---- NX ----
    mov byte [PHYS4K + 9 * 0x1000], 0xc3            ; ret
    mov byte [PHYS4K + 10 * 0x1000], 0xc3
    mov rax, 1 << 63
    or [PTE(9)], rax
    or [PTE(11)], rax
    mov rbx, L4K(11)
    TRY64 .nx0
    mov rax, [rbx]
.nx0:
    EXPECT64 14, 9, "NX bit without EFER.NXE: reserved"
    mov ecx, 0xc0000080
    call rdmsr64
    or eax, 0x800                                   ; NXE
    call wrmsr64
    mov rbx, L4K(9)
    TRY64 .nx1
    call rbx
.nx1:
    EXPECT64 14, 0x11, "fetch from an NX page"
    CHECK64 [EXC64_RIP], rbx, "... RIP"
    CHECK64 [EXC64_CR2], rbx, "... CR2"
    TRY64 .nx2
    mov al, [rbx]
    mov rbx, L4K(10)
    call rbx
.nx2:
    CHECK64 [EXC64_VEC], -1, "read of an NX page, fetch from an executable one"

    ; ---- reserved bits ----
    mov rax, 1 << 51
    or [PTE(12)], rax
    mov rbx, L4K(12)
    TRY64 .rs1
    mov rax, [rbx]
.rs1:
    EXPECT64 14, 9, "reserved physical-address bit"
    mov qword [PML4 + 131 * 8], PDPT_A | 0x87
    mov rbx, 0x418000000000
    TRY64 .rs2
    mov [rbx], rax
.rs2:
    EXPECT64 14, 0xb, "PS in a PML4E: reserved"

    ; ---- global pages ----
    mov rax, cr4
    or eax, 0x80                                    ; PGE
    mov cr4, rax
    mov qword [PHYS4K + 20 * 0x1000], 0xaaaa
    mov qword [PHYS4K + 21 * 0x1000], 0xbbbb
    mov qword [PTE(13)], (PHYS4K + 20 * 0x1000) | 0x107   ; global
    mov qword [PTE(14)], (PHYS4K + 20 * 0x1000) | 0x7
    invlpg [L4K(13)]
    invlpg [L4K(14)]
    mov rbx, L4K(13)
    mov rcx, L4K(14)
    CHECK64 [rbx], 0xaaaa, "global page"
    CHECK64 [rcx], 0xaaaa, "non-global page"
    mov qword [PTE(13)], (PHYS4K + 21 * 0x1000) | 0x107
    mov qword [PTE(14)], (PHYS4K + 21 * 0x1000) | 0x7
    mov rax, cr3
    mov cr3, rax
    CHECK64 [rbx], 0xaaaa, "global entry survives a CR3 write"
    CHECK64 [rcx], 0xbbbb, "non-global entry does not"
    invlpg [rbx]
    CHECK64 [rbx], 0xbbbb, "INVLPG drops the global entry"
    mov rax, cr4
    and eax, ~0x80
    mov cr4, rax

    ; ---- SMEP (CPUID.7:EBX[7]) ----
    mov eax, 7
    xor ecx, ecx
    cpuid
    bt ebx, 7
    jnc .nosmep
    and qword [PD0], ~4                             ; ROM and stacks: supervisor
    mov rax, cr3
    mov cr3, rax
    mov rax, cr4
    or eax, 0x100000
    mov cr4, rax
    mov rbx, L4K(10)                                ; a user page holding "ret"
    TRY64 .sm1
    call rbx
.sm1:
    EXPECT64 14, 0x11, "SMEP: supervisor fetch from a user page"
    mov rax, cr4
    and eax, ~0x100000
    mov cr4, rax
    or qword [PD0], 4
    mov rax, cr3
    mov cr3, rax
.nosmep:

    ; ---- canonical addresses ----
    mov rbx, 0x0000800000000000
    TRY64 .c1
    mov rax, [rbx]
.c1:
    EXPECT64 13, 0, "non-canonical data address: #GP(0)"
    mov rbx, 0x00007ffffffffffc
    TRY64 .c2
    mov rax, [rbx]                                  ; crosses into non-canonical
.c2:
    EXPECT64 13, 0, "access crossing the canonical boundary: #GP(0)"
    mov eax, 12                                     ; #SS on IST1
    mov rbx, isr64_12
    mov ecx, 0x8e
    mov edx, 1
    call set_gate64
    mov rbp, 0xffff7fffffff0000
    TRY64 .c3
    mov rax, [rbp + 8]
.c3:
    EXPECT64 12, 0, "non-canonical stack reference: #SS(0)"
    CHECK64 [EXC64_FRAME], IST1_TOP - 40, "... delivered on the IST1 stack"
    TRY64 .c4
    mov rsp, 0x0000800000000010
    push rax
.c4:
    EXPECT64 12, 0, "PUSH with a non-canonical RSP: #SS(0)"
    CHECK64 [EXC64_RSP], 0x0000800000000010, "... frame holds the old RSP"
    mov rax, 0xffff000000000000
    TRY64 .c5
.jmp_nc:
    jmp rax
.c5:
    EXPECT64 13, 0, "jump to a non-canonical address: #GP(0)"
    CHECK64 [EXC64_RIP], .jmp_nc, "... at the jump"
    mov ecx, 0xc0000100                             ; FS_BASE
    mov rax, 0x0000800000000000
    TRY64 .c6
    call wrmsr64
.c6:
    EXPECT64 13, 0, "WRMSR FS_BASE non-canonical: #GP(0)"
    mov rax, 0x00007ffffffffff0
    call wrmsr64
    TRY64 .c7
    mov rax, [fs:0x10]
.c7:
    EXPECT64 13, 0, "FS base + offset non-canonical: #GP(0)"
    xor eax, eax
    call wrmsr64

    PASS64

; ring-3 pieces (the ROM pages are user pages)
user_read_pt:
    mov rbx, L4K(8)
    mov rax, [rbx]
    ud2
user_write_pt:
    mov rbx, L4K(8)
    mov [rbx], rax
    ud2
user_read_pml4:
    mov rbx, 0x410000000000
    mov rax, [rbx]
    ud2
user_read_ok:
    mov rbx, L4K(15)
    mov qword [rbx], 0x4242
    mov rax, [rbx]
    mov [SCRATCH64 + 8], rax
    ud2

%include "tail.inc"
