; SPDX-License-Identifier: MIT
; Double fault through an interrupt gate (#DE with a not-present gate gives
; #NP during delivery, hence #DF with error code 0), a benign exception
; during delivery (handled serially), then a triple fault (IDT limit 0:
; #UD -> #GP -> #DF -> shutdown), which with -no-reboot ends kemu with
; status 0 (the runner expects 0: every EXIT gives an odd status).
%include "lib.inc"

start16:
    ENTER_PM32

bits 32
main32:
    mov eax, 0
    mov ebx, isr_0
    mov ecx, 0x0e               ; #DE gate not present
    mov edx, SEL_CODE32
    call set_gate
    TRY .df
    xor ecx, ecx
    div ecx
    PRINT {"FAIL: no #DF", 10}
    EXIT 1
.df:
    EXPECT_EXC 8, 0, "double fault"

    mov eax, 3
    mov ebx, isr_0
    mov ecx, 0x0e               ; #BP gate not present: #NP, no #DF (benign first)
    call set_gate
    TRY .bp
    int3
    PRINT {"FAIL: no fault for int3", 10}
    EXIT 1
.bp:
    EXPECT_EXC 11, 3 * 8 + 2, "int3 through a not-present gate"

    PRINT {"triple fault next", 10}
    lidt [idt_zero]
    ud2
    PRINT {"FAIL: survived a triple fault", 10}
    EXIT 1

idt_zero:
    dw 0
    dd 0

%include "tail.inc"
