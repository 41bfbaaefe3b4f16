; SPDX-License-Identifier: MIT
; kemu-linuxboot: the option ROM that boots -kernel/-initrd/-append (nasm).
;
; kemu (hw/pc/pc-linux.c) prepares a bzImage for the Linux x86 boot
; protocol 2.02+ and hands it over as fw_cfg items: the real-mode setup
; (with its header already filled in: loader type, heap, command line and
; initrd pointers) at SETUP_ADDR, the protected-mode kernel at KERNEL_ADDR,
; the command line at CMDLINE_ADDR and the initrd. SeaBIOS runs this ROM's
; boot entry first; it copies the four items to their places (the initrd
; at the top of the RAM the BIOS reports, INT 15h AX=E801h, or below
; initrd_addr_max), and enters the setup code as a boot loader does:
; DS = ES = FS = GS = SS = the setup segment, SP just below the command
; line, interrupts off, a far jump to setup_seg+0x20:0.
;
; Reference: the Linux kernel's Documentation/arch/x86/boot.rst ("Loading
; the rest of the kernel", "Running the kernel").

%include "optionrom.inc"

HDR_VERSION             equ 0x206
HDR_RAMDISK_IMAGE       equ 0x218
HDR_INITRD_ADDR_MAX     equ 0x22c
HDR_XLOADFLAGS          equ 0x236
XLF_CAN_BE_LOADED_ABOVE_4G equ 0x02

    ROM_HEADER "kemu Linux loader"
%include "fwcfg.inc"

rom_bev:
    cld
    call a20_enable
    mov ax, FW_CFG_SETUP_ADDR
    call fw_cfg_read32
    mov esi, eax            ; ESI = setup (real-mode kernel) address
    mov ax, FW_CFG_CMDLINE_ADDR
    call fw_cfg_read32
    mov ebp, eax            ; EBP = command line address
    mov edi, esi
    mov ax, FW_CFG_SETUP_SIZE
    mov bx, FW_CFG_SETUP_DATA
    call load_item
    mov edi, ebp
    mov ax, FW_CFG_CMDLINE_SIZE
    mov bx, FW_CFG_CMDLINE_DATA
    call load_item
    mov ax, FW_CFG_KERNEL_ADDR
    call fw_cfg_read32
    mov edi, eax
    mov ax, FW_CFG_KERNEL_SIZE
    mov bx, FW_CFG_KERNEL_DATA
    call load_item
    call load_initrd
    ; enter the setup code
    mov eax, esi
    shr eax, 4
    mov ebx, ebp
    sub ebx, esi
    sub ebx, 16
    cmp ebx, 0xfff0
    jbe .stack
    mov ebx, 0xfff0
.stack:
    cli
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov esp, ebx
    add ax, 0x20
    push ax
    push word 0
    retf

; load_item: AX = size key, BX = data key, EDI = destination.
load_item:
    push ecx
    call fw_cfg_read32
    mov ecx, eax
    mov ax, bx
    call fw_cfg_read_blob
    pop ecx
    ret

; load_initrd: the initrd, if any, as high as the RAM the BIOS reports
; (INT 15h AX=E801h) and the header's initrd_addr_max allow (QEMU's
; linuxboot does the same: kemu cannot know what SeaBIOS keeps at the top
; of RAM); INITRD_ADDR, kemu's estimate, when the BIOS does not say. The
; setup header gets the final address.
load_initrd:
    mov ax, FW_CFG_INITRD_SIZE
    call fw_cfg_read32
    test eax, eax
    jz .none
    mov ecx, eax
    mov ax, FW_CFG_INITRD_ADDR
    call fw_cfg_read32
    mov edi, eax
    push es
    mov eax, esi
    shr eax, 4
    mov es, ax              ; ES:0 = the setup
    call ram_top
    test eax, eax
    jz .place
    mov ebx, eax
    call initrd_limit
    test eax, eax
    jz .top
    cmp eax, ebx
    jae .top
    mov ebx, eax            ; initrd_addr_max is lower than the RAM
.top:
    sub ebx, ecx
    jb .place
    and ebx, ~0xfff
    mov edi, ebx
.place:
    mov [es:HDR_RAMDISK_IMAGE], edi
    pop es
    mov ax, FW_CFG_INITRD_DATA
    call fw_cfg_read_blob
.none:
    ret

; initrd_limit: ES:0 = setup header -> EAX = initrd_addr_max + 1, or 0
; when the initrd may go anywhere below 4 GiB.
initrd_limit:
    cmp word [es:HDR_VERSION], 0x20c
    jb .addr_max
    test byte [es:HDR_XLOADFLAGS], XLF_CAN_BE_LOADED_ABOVE_4G
    jz .addr_max
    xor eax, eax
    ret
.addr_max:
    mov eax, 0x37ffffff     ; before protocol 2.03
    cmp word [es:HDR_VERSION], 0x203
    jb .have
    mov eax, [es:HDR_INITRD_ADDR_MAX]
.have:
    inc eax
    ret

; ram_top: EAX = end of the RAM that starts at 1 MiB (INT 15h AX=E801h),
; or 0 when the BIOS does not say.
ram_top:
    push ebx
    push ecx
    push edx
    mov ax, 0xe801
    xor bx, bx
    xor cx, cx
    xor dx, dx
    int 0x15
    jc .unknown
    test ax, ax             ; some BIOSes answer in CX/DX only
    jnz .have
    test bx, bx
    jnz .have
    mov ax, cx
    mov bx, dx
.have:
    test bx, bx
    jz .below16m
    movzx eax, bx           ; 64 KiB blocks above 16 MiB
    shl eax, 16
    add eax, 0x1000000
    jmp .out
.below16m:
    movzx eax, ax           ; KiB above 1 MiB
    shl eax, 10
    add eax, 0x100000
    jmp .out
.unknown:
    xor eax, eax
.out:
    pop edx
    pop ecx
    pop ebx
    ret
