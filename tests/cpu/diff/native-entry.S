/* SPDX-License-Identifier: MIT */
/*
 * Differential CPU test: the host-side trampoline (i386, built with -m32).
 *
 * diff_enter saves the C caller's registers, loads the FPU image, EFLAGS
 * and all eight general registers of the test case, and jumps to the
 * instruction under test. Every exit point of that instruction holds a
 * small stub (written by native.c) that stores its path number and jumps
 * to diff_save, which records the registers, segment selectors, EFLAGS
 * and FPU state and returns to the C caller. Until DS is restored every
 * store goes through an SS override, because the instruction under test
 * may have loaded DS or ES with anything. Faults never come back here:
 * the signal handler in native.c reads the state from the signal frame.
 * Reference: Intel SDM vol. 2 (PUSHAD, POPFD, FRSTOR, FNSAVE).
 */
    .text
    .globl diff_enter
    .type diff_enter, @function
diff_enter:
    pushal
    pushfl
    movl %esp, diff_host_esp
    frstor diff_in_fpu
    pushl diff_in_eflags
    popfl
    movl diff_in_regs+0, %eax
    movl diff_in_regs+4, %ecx
    movl diff_in_regs+8, %edx
    movl diff_in_regs+12, %ebx
    movl diff_in_regs+20, %ebp
    movl diff_in_regs+24, %esi
    movl diff_in_regs+28, %edi
    movl diff_in_regs+16, %esp
    jmp *diff_in_eip

    .globl diff_save
    .type diff_save, @function
diff_save:
    movl %eax, %ss:diff_out_regs+0
    movl %ecx, %ss:diff_out_regs+4
    movl %edx, %ss:diff_out_regs+8
    movl %ebx, %ss:diff_out_regs+12
    movl %esp, %ss:diff_out_regs+16
    movl %ebp, %ss:diff_out_regs+20
    movl %esi, %ss:diff_out_regs+24
    movl %edi, %ss:diff_out_regs+28
    movw %es, %ss:diff_out_sregs+0
    movw %cs, %ss:diff_out_sregs+2
    movw %ss, %ss:diff_out_sregs+4
    movw %ds, %ss:diff_out_sregs+6
    movw %fs, %ss:diff_out_sregs+8
    movw %gs, %ss:diff_out_sregs+10
    movl %ss:diff_host_esp, %esp
    pushfl
    popl %ss:diff_out_eflags
    movw %ss:diff_host_ds, %ax
    movw %ax, %ds
    movw %ax, %es
    movw diff_host_fs, %ax
    movw %ax, %fs
    fnsave diff_out_fpu
    popfl
    popal
    ret

    .section .note.GNU-stack, "", @progbits
