; SPDX-License-Identifier: MIT
; A stand-in bzImage for tests/boot/test-linux-boot.sh (nasm -f bin).
;
; It has the setup header of the Linux x86 boot protocol (2.15 unless
; -DVERSION=...), three setup sectors, and a 4 KiB protected-mode "kernel" of
; a known pattern. Entered by the boot loader at setup_seg+0x20:0 in real
; mode, it records the registers, switches to 32-bit protected mode and
; reports on COM1, one "BZ-..." line each (hex): the segment registers, SP
; and FLAGS it was entered with, the header fields the loader fills in
; (type_of_loader, loadflags, heap_end_ptr, cmd_line_ptr, vid_mode,
; ramdisk_image, ramdisk_size), the command line, the byte sums of the
; kernel at code32_start and of the initrd, the RAM top INT 15h AX=E801h
; reports ("BZ-E801"), then "BZ-DONE" and exits
; through isa-debug-exit (port 0xf4) with 0x10 (exit status 33).
; -DCMDLINE_SIZE=n and -DINITRD_MAX=n set those header fields.
; Reference: Documentation/arch/x86/boot.rst.

%ifndef VERSION
%define VERSION 0x020f
%endif
%ifndef CMDLINE_SIZE
%define CMDLINE_SIZE 2047
%endif
%ifndef INITRD_MAX
%define INITRD_MAX 0x7fffffff
%endif
COM1            equ 0x3f8
DEBUG_EXIT      equ 0xf4
EXIT_OK         equ 0x10            ; kemu exits with (0x10 << 1) | 1 = 33
KERNEL_SIZE     equ 4096

    bits 16
    org 0
    times 0x1f1 db 0
setup_sects:    db 3
root_flags:     dw 0
syssize:        dd KERNEL_SIZE / 16
ram_size:       dw 0
vid_mode:       dw 0xffff
root_dev:       dw 0
boot_flag:      dw 0xaa55
; 0x200
                jmp short start
header:         db 'HdrS'
version:        dw VERSION
realmode_swtch: dd 0
start_sys_seg:  dw 0
kernel_version: dw 0
type_of_loader: db 0
loadflags:      db 0x01             ; LOADED_HIGH
setup_move_size: dw 0
code32_start:   dd 0x100000
ramdisk_image:  dd 0
ramdisk_size:   dd 0
bootsect_kludge: dd 0
heap_end_ptr:   dw 0
ext_loader_ver: db 0
ext_loader_type: db 0
cmd_line_ptr:   dd 0
initrd_addr_max: dd INITRD_MAX
kernel_alignment: dd 0x1000
relocatable_kernel: db 0
min_alignment:  db 0
xloadflags:     dw 0
cmdline_size:   dd CMDLINE_SIZE
hardware_subarch: dd 0
hardware_subarch_data: dq 0
payload_offset: dd 0
payload_length: dd 0
setup_data:     dq 0
pref_address:   dq 0x100000
init_size:      dd KERNEL_SIZE
handover_offset: dd 0
kernel_info_offset: dd 0

; Real mode: keep what the loader gave us, then protected mode.
start:
    pushf
    mov [entry_sp], sp              ; SP as it was before the pushf
    add word [entry_sp], 2
    pop word [entry_flags]
    mov [entry_cs], cs
    mov [entry_ds], ds
    mov [entry_es], es
    mov [entry_ss], ss
    call e801_top
    cli
    xor ebx, ebx
    mov bx, ds
    shl ebx, 4                      ; EBX = linear base of the setup
    lea eax, [ebx + gdt]
    mov [gdt_ptr + 2], eax
    o32 lgdt [gdt_ptr]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    lea eax, [ebx + pm_start]
    push dword 0x08
    push eax
    o32 retf

; The end of the RAM above 1 MiB as INT 15h AX=E801h reports it.
e801_top:
    mov ax, 0xe801
    xor bx, bx
    xor cx, cx
    xor dx, dx
    int 0x15
    jc .out
    or ax, ax
    jnz .have
    mov ax, cx
    mov bx, dx
.have:
    movzx eax, ax
    shl eax, 10
    add eax, 0x100000
    or bx, bx
    jz .store
    movzx eax, bx
    shl eax, 16
    add eax, 0x1000000
.store:
    mov [entry_e801], eax
.out:
    ret

    bits 32
pm_start:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    lea esp, [ebx + 0x8000]
    mov ebp, ebx                    ; EBP = setup base
    call newline                    ; after what the BIOS printed
    mov esi, s_segs
    call label
    movzx eax, word [ebp + entry_cs]
    call hex_sp
    movzx eax, word [ebp + entry_ds]
    call hex_sp
    movzx eax, word [ebp + entry_es]
    call hex_sp
    movzx eax, word [ebp + entry_ss]
    call hex_sp
    movzx eax, word [ebp + entry_sp]
    call hex_sp
    movzx eax, word [ebp + entry_flags]
    call hex_nl
    mov esi, s_loader
    call label
    movzx eax, byte [ebp + type_of_loader]
    call hex_sp
    movzx eax, byte [ebp + loadflags]
    call hex_sp
    movzx eax, word [ebp + heap_end_ptr]
    call hex_sp
    movzx eax, word [ebp + vid_mode]
    call hex_nl
    mov esi, s_cmdline
    call label
    mov eax, [ebp + cmd_line_ptr]
    call hex_sp
    mov esi, eax
    call print
    call newline
    mov esi, s_kernel
    call label
    mov esi, [ebp + code32_start]
    mov ecx, KERNEL_SIZE
    call sum
    call hex_nl
    mov esi, s_e801
    call label
    mov eax, [ebp + entry_e801]
    call hex_nl
    mov esi, s_initrd
    call label
    mov eax, [ebp + ramdisk_image]
    call hex_sp
    mov eax, [ebp + ramdisk_size]
    call hex_sp
    mov esi, [ebp + ramdisk_image]
    mov ecx, [ebp + ramdisk_size]
    call sum
    call hex_nl
    mov esi, s_done
    call label
    call newline
    mov al, EXIT_OK
    out DEBUG_EXIT, al
.hang:
    hlt
    jmp .hang

sum:                                ; EAX = byte sum of ECX bytes at ESI
    xor eax, eax
    xor edx, edx
.next:
    jecxz .out
    mov dl, [esi]
    add eax, edx
    inc esi
    dec ecx
    jmp .next
.out:
    ret

putc:
    push edx
    push eax
    mov dx, COM1 + 5
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    pop eax
    mov dx, COM1
    out dx, al
    pop edx
    ret

print:                              ; ESI = string (flat)
    push eax
.next:
    mov al, [esi]
    test al, al
    jz .out
    call putc
    inc esi
    jmp .next
.out:
    pop eax
    ret

label:                              ; ESI = string in the setup
    add esi, ebp
    jmp print

hex_sp:
    call hex
    push eax
    mov al, ' '
    call putc
    pop eax
    ret

hex_nl:
    call hex
newline:
    push eax
    mov al, 10
    call putc
    pop eax
    ret

hex:
    push ecx
    push eax
    mov ecx, 8
.digit:
    rol eax, 4
    push eax
    and al, 15
    add al, '0'
    cmp al, '9'
    jbe .put
    add al, 'A' - '9' - 1
.put:
    call putc
    pop eax
    loop .digit
    pop eax
    pop ecx
    ret

s_segs:    db 'BZ-SEGS ', 0
s_loader:  db 'BZ-LOADER ', 0
s_cmdline: db 'BZ-CMDLINE ', 0
s_kernel:  db 'BZ-KERNEL ', 0
s_initrd:  db 'BZ-INITRD ', 0
s_e801:    db 'BZ-E801 ', 0
s_done:    db 'BZ-DONE', 0
entry_cs:    dw 0
entry_ds:    dw 0
entry_es:    dw 0
entry_ss:    dw 0
entry_sp:    dw 0
entry_flags: dw 0
entry_e801:  dd 0
    align 8
gdt:
    dq 0
    dq 0x00cf9a000000ffff
    dq 0x00cf92000000ffff
gdt_ptr:
    dw 23
    dd 0

    times 2048 - ($ - $$) db 0      ; boot sector + 3 setup sectors
kernel:
%assign i 0
%rep KERNEL_SIZE
    db (i * 7 + 3) & 0xff
%assign i i + 1
%endrep
