; SPDX-License-Identifier: MIT
; kemu-multiboot: the option ROM that boots a multiboot (v1) -kernel (nasm).
;
; kemu (hw/pc/multiboot.c) lays the kernel, its bss, the modules and their
; strings out as one image and hands it over as fw_cfg items: the image at
; KERNEL_ADDR, the multiboot information structure at INITRD_ADDR (below
; 1 MiB, 16-byte aligned) and the entry point in KERNEL_ENTRY. This ROM,
; booted first by SeaBIOS, copies both, fills the memory map the structure
; points to from INT 15h AX=E820h (with mem_lower/mem_upper taken from the
; RAM at 0 and at 1 MiB), switches to 32-bit protected mode with flat
; segments and jumps to the entry point with EAX = 0x2BADB002 and EBX = the
; structure, interrupts off, A20 on, paging off.
;
; Reference: the Multiboot Specification 0.6.96, "Boot information format"
; and "Machine state".

%include "optionrom.inc"

MB_BOOTLOADER_MAGIC     equ 0x2badb002
MBI_FLAGS               equ 0
MBI_MEM_LOWER           equ 4
MBI_MEM_UPPER           equ 8
MBI_MMAP_LENGTH         equ 44  ; kemu stores the buffer's capacity here
MBI_MMAP_ADDR           equ 48
MBI_FLAG_MEM            equ 0x01
MBI_FLAG_MMAP           equ 0x40
E820_RAM                equ 1
SMAP                    equ 0x534d4150
CODE_SEL                equ 0x08
DATA_SEL                equ 0x10

    ROM_HEADER "kemu multiboot loader"
%include "fwcfg.inc"

rom_bev:
    cld
    call a20_enable
    mov ax, FW_CFG_KERNEL_ADDR
    call fw_cfg_read32
    mov edi, eax
    mov ax, FW_CFG_KERNEL_SIZE
    call fw_cfg_read32
    mov ecx, eax
    mov ax, FW_CFG_KERNEL_DATA
    call fw_cfg_read_blob
    mov ax, FW_CFG_INITRD_ADDR
    call fw_cfg_read32
    mov esi, eax            ; ESI = the information structure
    mov edi, eax
    mov ax, FW_CFG_INITRD_SIZE
    call fw_cfg_read32
    mov ecx, eax
    mov ax, FW_CFG_INITRD_DATA
    call fw_cfg_read_blob
    call build_mmap
    mov ax, FW_CFG_KERNEL_ENTRY
    call fw_cfg_read32
    mov edi, eax            ; EDI = entry point
    jmp enter_kernel

; build_mmap: the E820 map into the buffer at mbi.mmap_addr (capacity
; mbi.mmap_length on entry, bytes used on return), each entry preceded by
; its size (20); mem_lower/mem_upper from the RAM entries at 0 and 1 MiB.
build_mmap:
    push fs
    push es
    mov eax, esi
    shr eax, 4
    mov fs, ax              ; FS:0 = the structure
    mov eax, [fs:MBI_MMAP_ADDR]
    mov edx, eax
    shr eax, 4
    mov es, ax
    and dx, 15
    mov di, dx              ; ES:DI = the buffer
    xor ebx, ebx            ; E820 continuation
    xor ebp, ebp            ; bytes stored
.next:
    lea eax, [ebp + 24]
    cmp eax, [fs:MBI_MMAP_LENGTH]
    ja .end
    mov dword [es:di], 20
    add di, 4
    mov eax, 0xe820
    mov edx, SMAP
    mov ecx, 20
    int 0x15
    jc .end
    cmp eax, SMAP
    jne .end
    call mem_fields
    add di, 20
    add ebp, 24
    test ebx, ebx
    jnz .next
.end:
    mov [fs:MBI_MMAP_LENGTH], ebp
    test ebp, ebp
    jnz .done
    and dword [fs:MBI_FLAGS], ~MBI_FLAG_MMAP
.done:
    pop es
    pop fs
    ret

; mem_fields: ES:DI = an E820 entry {base, length, type}; RAM at 0 sets
; mem_lower, RAM at 1 MiB mem_upper (KiB, capped below 4 GiB).
mem_fields:
    cmp dword [es:di + 16], E820_RAM
    jne .out
    cmp dword [es:di + 4], 0
    jne .out
    mov eax, [es:di + 8]
    cmp dword [es:di + 12], 0
    je .len
    mov eax, 0xfff00000
.len:
    shr eax, 10
    cmp dword [es:di], 0
    jne .upper
    mov [fs:MBI_MEM_LOWER], eax
    or dword [fs:MBI_FLAGS], MBI_FLAG_MEM
    ret
.upper:
    cmp dword [es:di], 0x100000
    jne .out
    mov [fs:MBI_MEM_UPPER], eax
.out:
    ret

; enter_kernel: ESI = information structure, EDI = entry point.
enter_kernel:
    cli
    xor edx, edx            ; EDX = flat stack pointer for later
    mov dx, ss
    shl edx, 4
    movzx eax, sp
    add edx, eax
    xor ebx, ebx            ; EBX = this ROM's linear base
    mov bx, cs
    shl ebx, 4
    lea eax, [ebx + gdt]
    push eax
    push word gdt_end - gdt - 1
    mov bp, sp
    o32 lgdt [bp]
    add sp, 6
    mov eax, cr0
    and eax, 0x7ffffffe     ; paging off
    or al, 1
    mov cr0, eax
    lea eax, [ebx + pm_entry]
    push dword CODE_SEL
    push eax
    o32 retf

    bits 32
pm_entry:
    mov ax, DATA_SEL
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov esp, edx
    mov eax, MB_BOOTLOADER_MAGIC
    mov ebx, esi
    jmp edi

    align 8
gdt:
    dq 0
    dq 0x00cf9a000000ffff   ; CODE_SEL: 32-bit code, base 0, limit 4 GiB
    dq 0x00cf92000000ffff   ; DATA_SEL: data, base 0, limit 4 GiB
gdt_end:
