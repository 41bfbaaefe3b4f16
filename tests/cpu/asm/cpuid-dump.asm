; SPDX-License-Identifier: MIT
; CPUID dump: every basic leaf up to CPUID.0:EAX and every extended leaf up
; to CPUID.80000000h:EAX, each with ECX = 0..3, printed on the debug console
; as "leaf.sub: eax ebx ecx edx". tests/cpu/cpuid-models.sh compares the
; dump of each CPU model with QEMU's (recorded in tests/cpu/cpuid/*.txt).
%include "lib.inc"

start16:
    ENTER_PM32

bits 32
main32:
    xor eax, eax
    cpuid
    mov ebp, eax                ; highest basic leaf
    xor esi, esi
    call dump_range
    mov eax, 0x80000000
    cpuid
    mov ebp, eax                ; highest extended leaf
    mov esi, 0x80000000
    call dump_range
    EXIT 0

; dump leaves ESI..EBP (sub-leaves 0-3)
dump_range:
.leaf:
    xor edi, edi
.sub:
    mov eax, esi
    call hex32
    mov al, '.'
    out DBG_PORT, al
    mov eax, edi
    add al, '0'
    out DBG_PORT, al
    mov al, ':'
    out DBG_PORT, al
    mov eax, esi
    mov ecx, edi
    cpuid
    call space_hex
    mov eax, ebx
    call space_hex
    mov eax, ecx
    call space_hex
    mov eax, edx
    call space_hex
    mov al, 10
    out DBG_PORT, al
    inc edi
    cmp edi, 4
    jb .sub
    inc esi
    cmp esi, ebp
    jbe .leaf
    ret

space_hex:
    push eax
    mov al, ' '
    out DBG_PORT, al
    pop eax
    jmp hex32

%include "tail.inc"
