; SPDX-License-Identifier: MIT
; A tiny multiboot (v1) kernel for tests/boot/test-multiboot.sh (nasm -f bin).
;
; Built as an a.out-kludge image (multiboot flag 16, the default) or, with
; -DELF, as an ELF32 executable whose one PT_LOAD segment has its virtual
; address 3 GiB above its physical one (so the loader must translate the
; entry point). With -DBADFLAGS the header asks for an unknown feature
; (flag 3), which a loader must refuse.
;
; It reports on COM1 what the boot loader handed over, one "MB-..." line
; per item (numbers in hex): the magic in EAX, the information structure's
; flags, mem_lower/mem_upper, command line, boot loader name, modules
; (address range, string, byte sum of the contents), memory map entries,
; and the CPU state (protected mode on, paging off, interrupts off), then
; "MB-DONE" and leaves through isa-debug-exit (port 0xf4) with 0x10 (exit status 33).
; Reference: the Multiboot Specification 0.6.96.

    bits 32
    org 0x100000

MB_MAGIC        equ 0x1badb002
%ifdef BADFLAGS
MB_FLAGS        equ 0x00010008      ; a.out kludge + unknown required bit 3
%elifdef ELF
MB_FLAGS        equ 0x00000003      ; page-align modules, memory info
%else
MB_FLAGS        equ 0x00010003      ; the same + a.out kludge
%endif
VOFF            equ 0xc0000000      ; ELF: virtual = physical + VOFF
COM1            equ 0x3f8
DEBUG_EXIT      equ 0xf4
EXIT_OK         equ 0x10            ; kemu exits with (0x10 << 1) | 1 = 33

image_start:
%ifdef ELF
    db 0x7f, 'ELF', 1, 1, 1, 0      ; 32-bit, little-endian, version 1
    times 8 db 0
    dw 2                            ; ET_EXEC
    dw 3                            ; EM_386
    dd 1
    dd entry + VOFF                 ; e_entry: virtual
    dd phdr - image_start           ; e_phoff
    dd 0                            ; e_shoff
    dd 0                            ; e_flags
    dw 52, 32, 1                    ; e_ehsize, e_phentsize, e_phnum
    dw 0, 0, 0
phdr:
    dd 1                            ; PT_LOAD
    dd 0                            ; p_offset
    dd image_start + VOFF           ; p_vaddr
    dd image_start                  ; p_paddr
    dd image_end - image_start      ; p_filesz
    dd bss_end - image_start        ; p_memsz
    dd 7, 0x1000
%endif
    align 4
mb_header:
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)
    dd mb_header                    ; header_addr
    dd image_start                  ; load_addr
    dd image_end                    ; load_end_addr
    dd bss_end                      ; bss_end_addr
    dd entry                        ; entry_addr

entry:
    mov esp, stack_top
    mov [magic], eax
    mov [mbi], ebx
    pushfd
    pop dword [eflags]
    mov eax, cr0
    mov [cr0_val], eax
    mov esi, s_magic
    mov eax, [magic]
    call print_hex_line
    mov ebx, [mbi]
    mov esi, s_flags
    mov eax, [ebx]
    call print_hex_line
    call report_mem
    mov esi, s_cmdline
    mov edi, [ebx + 16]
    call print_str_line
    mov esi, s_loader
    mov edi, [ebx + 64]
    call print_str_line
    call report_modules
    call report_mmap
    call report_cpu
    call report_bss
    mov esi, s_done
    call print_str
    call newline
    mov al, EXIT_OK
    out DEBUG_EXIT, al
.hang:
    hlt
    jmp .hang

report_mem:
    mov esi, s_mem
    call print_str
    mov eax, [ebx + 4]
    call print_hex
    call space
    mov eax, [ebx + 8]
    call print_hex
    jmp newline

; "MB-MODS n", then per module "MB-MOD start end SUM sum string"
report_modules:
    mov esi, s_mods
    mov eax, [ebx + 20]
    call print_hex_line
    mov ecx, [ebx + 20]
    mov ebp, [ebx + 24]
.next:
    test ecx, ecx
    jz .out
    mov esi, s_mod
    call print_str
    mov eax, [ebp]
    call print_hex
    call space
    mov eax, [ebp + 4]
    call print_hex
    call space
    push ecx
    mov esi, [ebp]
    mov ecx, [ebp + 4]
    sub ecx, esi
    xor eax, eax
    xor edx, edx
.sum:
    jecxz .summed
    mov dl, [esi]
    add eax, edx
    inc esi
    dec ecx
    jmp .sum
.summed:
    pop ecx
    call print_hex
    call space
    mov esi, [ebp + 8]
    call print_str
    call newline
    add ebp, 16
    dec ecx
    jmp .next
.out:
    ret

; "MB-MMAP base_hi base_lo len_hi len_lo type" per entry
report_mmap:
    mov ebp, [ebx + 48]
    mov ecx, [ebx + 44]
    add ecx, ebp
.next:
    cmp ebp, ecx
    jae .out
    mov esi, s_mmap
    call print_str
    mov eax, [ebp + 8]
    call print_hex
    call space
    mov eax, [ebp + 4]
    call print_hex
    call space
    mov eax, [ebp + 16]
    call print_hex
    call space
    mov eax, [ebp + 12]
    call print_hex
    call space
    mov eax, [ebp + 20]
    call print_hex
    call newline
    mov eax, [ebp]
    lea ebp, [ebp + eax + 4]
    jmp .next
.out:
    ret

; "MB-CPU cr0 eflags cs ds ss"
report_cpu:
    mov esi, s_cpu
    call print_str
    mov eax, [cr0_val]
    call print_hex
    call space
    mov eax, [eflags]
    call print_hex
    call space
    xor eax, eax
    mov ax, cs
    call print_hex
    call space
    mov ax, ds
    call print_hex
    call space
    mov ax, ss
    call print_hex
    jmp newline

; "MB-BSS n": the number of non-zero bytes in the bss
report_bss:
    mov esi, s_bss
    mov edi, bss_check
    xor eax, eax
.scan:
    cmp edi, bss_check_end
    jae .done
    cmp byte [edi], 0
    je .zero
    inc eax
.zero:
    inc edi
    jmp .scan
.done:
    jmp print_hex_line

; ---- COM1 output ----

putc:                               ; AL
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

print_str:                          ; ESI = NUL-terminated string
    push eax
    push esi
.next:
    mov al, [esi]
    test al, al
    jz .out
    call putc
    inc esi
    jmp .next
.out:
    pop esi
    pop eax
    ret

print_hex:                          ; EAX, 8 digits
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

space:
    push eax
    mov al, ' '
    call putc
    pop eax
    ret

newline:
    push eax
    mov al, 10
    call putc
    pop eax
    ret

print_hex_line:                     ; ESI = label, EAX = value
    call print_str
    call print_hex
    jmp newline

print_str_line:                     ; ESI = label, EDI = string (or 0)
    call print_str
    test edi, edi
    jz newline
    mov esi, edi
    call print_str
    jmp newline

s_magic:   db 'MB-MAGIC ', 0
s_flags:   db 'MB-FLAGS ', 0
s_mem:     db 'MB-MEM ', 0
s_cmdline: db 'MB-CMDLINE ', 0
s_loader:  db 'MB-LOADER ', 0
s_mods:    db 'MB-MODS ', 0
s_mod:     db 'MB-MOD ', 0
s_mmap:    db 'MB-MMAP ', 0
s_cpu:     db 'MB-CPU ', 0
s_bss:     db 'MB-BSS ', 0
s_done:    db 'MB-DONE', 0

    align 4
image_end:

    absolute image_end
bss_start:
magic:     resd 1
mbi:       resd 1
eflags:    resd 1
cr0_val:   resd 1
bss_check: resb 8192                ; must arrive zeroed
bss_check_end:
           resb 4096
stack_top:
bss_end:
