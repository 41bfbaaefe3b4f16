; SPDX-License-Identifier: MIT
; Paging: 32-bit 4 KiB and 4 MiB (PSE) pages, #PF error codes and CR2,
; CR0.WP, user/supervisor pages from ring 3, accessed/dirty bits, INVLPG,
; global pages across a CR3 reload, then PAE with NX and reserved bits.
%include "lib.inc"

%define PD    0x10000
%define PT0   0x11000
%define PDPT  0x12000
%define PAEPD 0x13000
%define PAEPT 0x14000
%define PTE(a) (PT0 + ((a) >> 12) * 4)
%define FLAG3 (SCRATCH + 0x10)

start16:
    ENTER_PM32

bits 32
main32:
    ; identity map 0-4 MiB with user-accessible 4 KiB pages, 4-8 MiB with a 4 MiB page
    mov edi, PT0
    mov eax, 0x007
    mov ecx, 1024
.fill:
    stosd
    add eax, 0x1000
    loop .fill
    mov edi, PD
    mov ecx, 1024
    xor eax, eax
    rep stosd
    mov dword [PD], PT0 | 0x007
    mov dword [PD + 4], 0x400000 | 0x087      ; PS, user, RW, P
    mov dword [PTE(0x200000)], 0                ; not present
    and dword [PTE(0x201000)], ~2               ; read-only
    and dword [PTE(0x202000)], ~4               ; supervisor only
    mov eax, cr4
    or eax, 0x10                                ; PSE
    mov cr4, eax
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax

    ; not present: read, then write
    TRY .p1
    mov eax, [0x200010]
    jmp nofault_pg
.p1:
    EXPECT_EXC 14, 0, "read of a not-present page"
    mov eax, cr2
    CHECKR eax, 0x200010, "CR2"
    TRY .p2
    mov dword [0x200ffe], 0     ; crosses into 0x201000 too, faults on the first page
    jmp nofault_pg
.p2:
    EXPECT_EXC 14, 2, "write to a not-present page"
    ; a write crossing into a not-present page must not write the first part
    mov dword [0x1ffffc], 0x11111111
    TRY .p3
    mov dword [0x1ffffe], 0x22222222
    jmp nofault_pg
.p3:
    EXPECT_EXC 14, 2, "write crossing into a not-present page"
    mov eax, cr2
    CHECKR eax, 0x200000, "CR2 is the first byte on the missing page"
    CHECK [0x1ffffc], 0x11111111, "no partial write before the page fault"

    ; read-only page: supervisor writes allowed while WP = 0
    mov dword [0x201000], 5
    mov eax, cr0
    or eax, 0x10000                             ; WP
    mov cr0, eax
    TRY .p4
    mov dword [0x201000], 6
    jmp nofault_pg
.p4:
    EXPECT_EXC 14, 3, "supervisor write to a read-only page with WP"
    CHECK [0x201000], 5, "the page kept its value"

    ; accessed and dirty bits
    and dword [PTE(0x203000)], ~0x60
    and dword [PTE(0x204000)], ~0x60
    invlpg [0x203000]
    invlpg [0x204000]
    mov dword [0x203000], 1
    mov eax, [0x204000]
    mov eax, [PTE(0x203000)]
    and eax, 0x60
    CHECKR eax, 0x60, "A and D after a write"
    mov eax, [PTE(0x204000)]
    and eax, 0x60
    CHECKR eax, 0x20, "A only after a read"
    mov dword [0x500000], 7                     ; 4 MiB page
    mov eax, [PD + 4]
    and eax, 0x60
    CHECKR eax, 0x60, "A and D on the 4 MiB PDE"
    CHECK [0x500000], 7, "4 MiB page read back"

    ; INVLPG: remap 0x205000 to the frame of 0x206000
    mov dword [0x206000], 0xabcdef01
    mov eax, [0x205000]                         ; cache the old translation
    mov dword [PTE(0x205000)], 0x206007
    invlpg [0x205000]
    CHECK [0x205000], 0xabcdef01, "new translation after invlpg"

    ; global pages survive a CR3 reload
    mov eax, cr4
    or eax, 0x80                                ; PGE
    mov cr4, eax
    mov dword [0x208000], 0x1111
    mov dword [0x209000], 0x2222
    or dword [PTE(0x207000)], 0x100             ; G
    mov dword [PTE(0x207000)], 0x208107
    invlpg [0x207000]
    mov eax, [0x207000]
    mov dword [PTE(0x207000)], 0x209107
    mov eax, cr3
    mov cr3, eax
    CHECK [0x207000], 0x1111, "global translation kept across mov cr3"
    invlpg [0x207000]
    CHECK [0x207000], 0x2222, "invlpg flushes a global translation"

    ; user/supervisor from ring 3
    mov eax, 0x32
    mov ebx, ring3_done
    mov ecx, 0xee
    mov edx, SEL_CODE32
    call set_gate
    mov eax, ring3
    jmp to_ring3
ring3:
    mov eax, [0x203000]                         ; user page
    TRY3 .u1
    mov eax, [0x202000]
    jmp .nofault3
.u1:
    EXPECT_EXC 14, 5, "ring-3 read of a supervisor page"
    TRY3 .u2
    mov dword [0x201000], 1
    jmp .nofault3
.u2:
    EXPECT_EXC 14, 7, "ring-3 write to a read-only page"
    int 0x32
.nofault3:
    PRINT {"FAIL: no page fault in ring 3", 10}
    EXIT 1

ring3_done:
    mov esp, STACK_TOP
    mov ax, SEL_DATA32
    mov ds, ax
    mov es, ax
    jmp pae

nofault_pg:
    PRINT {"FAIL: no page fault", 10}
    EXIT 1

    ; ---- PAE with NX ----
pae:
    mov eax, cr0
    and eax, 0x7fffffff
    mov cr0, eax
    mov edi, PDPT
    mov ecx, (0x3000) / 4
    xor eax, eax
    rep stosd
    mov dword [PDPT], PAEPD | 1
    mov dword [PAEPD], PAEPT | 7
    mov dword [PAEPD + 8], 0x200000 | 0x87      ; 2 MiB page 2-4 MiB
    mov dword [PAEPD + 8 + 4], 0x80000000       ; NX
    mov dword [PAEPD + 16], 0x400000 | 0x87     ; 2 MiB page 4-6 MiB, reserved bit 13 set
    or dword [PAEPD + 16], 0x2000
    mov edi, PAEPT
    mov eax, 7
    mov ecx, 512
.fill2:
    mov [edi], eax
    mov dword [edi + 4], 0
    add edi, 8
    add eax, 0x1000
    loop .fill2
    mov ecx, 0xc0000080                         ; EFER.NXE
    rdmsr
    or eax, 0x800
    wrmsr
    mov eax, cr4
    or eax, 0x20                                ; PAE
    mov cr4, eax
    mov eax, PDPT
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax

    mov byte [0x300000], 0xc3                   ; ret, on the NX page
    mov eax, [0x300000]                         ; reading is fine
    TRY .x1
    call 0x300000
    jmp nofault_pg
.x1:
    EXPECT_EXC 14, 0x11, "instruction fetch from an NX page"
    TRY .x2
    mov eax, [0x400000]
    jmp nofault_pg
.x2:
    EXPECT_EXC 14, 0x09, "reserved bit in a PDE"
    mov byte [0x80000], 0xc3                    ; ret, on an executable page
    call 0x80000
    PASS

%include "tail.inc"
