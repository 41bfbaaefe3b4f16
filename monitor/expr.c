/* SPDX-License-Identifier: MIT */
/*
 * Integer expressions of the human monitor ("p", "x" addresses, sizes).
 *
 * Numbers are C literals (decimal, 0x hex, 0 octal), 'c' is a character,
 * $name a register of the monitor's CPU ($eax, $eip, $pc, $cs, ...).
 * Operators, from the loosest to the tightest binding, as QEMU's monitor
 * has them: + and -, then & | ^, then * / %, then the unary + - ~ and
 * parentheses. Arithmetic is on 64-bit integers, wrapping; / and % are
 * signed. A '/' that is not followed by something that can start an
 * operand ends the expression, so that "pmemsave 0 16 /tmp/dump" reads
 * the file name as the next argument (QEMU would try to divide by it).
 * Reference: QEMU manual, "QEMU Monitor", "Integer expressions".
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>

#include "monitor-internal.h"

typedef struct Expr {
    const char *p;
    char *err;
} Expr;

static int64_t expr_sum(Expr *e);

static int64_t KEMU_PRINTF(2, 3) expr_fail(Expr *e, const char *fmt, ...)
{
    va_list ap;

    if (!e->err) {
        va_start(ap, fmt);
        if (vasprintf(&e->err, fmt, ap) < 0)
            e->err = NULL;
        va_end(ap);
        if (!e->err)
            e->err = xstrdup("out of memory");
    }
    return 0;
}

static void expr_space(Expr *e)
{
    while (isspace((unsigned char)*e->p))
        e->p++;
}

static int64_t expr_register(Expr *e)
{
    const char *start = ++e->p;
    CPUState *cpu = mon_get_cpu();
    uint64_t val;
    char *name;
    bool found;

    while (isalnum((unsigned char)*e->p) || *e->p == '_' || *e->p == '.')
        e->p++;
    if (!cpu)
        return expr_fail(e, "No CPU available");
    name = xasprintf("%.*s", (int)(e->p - start), start);
    found = cpu->ops && cpu->ops->get_register && cpu->ops->get_register(cpu, name, &val);
    free(name);
    if (!found)
        return expr_fail(e, "unknown register");
    return (int64_t)val;
}

static int64_t expr_char(Expr *e)
{
    int64_t v;

    e->p++;
    if (!*e->p)
        return expr_fail(e, "character constant expected");
    v = (unsigned char)*e->p++;
    if (*e->p != '\'')
        return expr_fail(e, "missing terminating ' character");
    e->p++;
    return v;
}

static int64_t expr_number(Expr *e)
{
    char *end;
    uint64_t v;

    errno = 0;
    v = strtoull(e->p, &end, 0);
    if (end == e->p)
        return expr_fail(e, "invalid char '%c' in expression", *e->p);
    if (errno == ERANGE)
        return expr_fail(e, "number too large");
    e->p = end;
    return (int64_t)v;
}

static int64_t expr_unary(Expr *e)
{
    int64_t v;
    char c;

    expr_space(e);
    c = *e->p;
    switch (c) {
    case 0:
        return expr_fail(e, "unexpected end of expression");
    case '+':
        e->p++;
        return expr_unary(e);
    case '-':
        e->p++;
        return (int64_t)(0 - (uint64_t)expr_unary(e));
    case '~':
        e->p++;
        return ~expr_unary(e);
    case '(':
        e->p++;
        v = expr_sum(e);
        expr_space(e);
        if (e->err)
            return 0;
        if (*e->p != ')')
            return expr_fail(e, "')' expected");
        e->p++;
        return v;
    case '\'':
        return expr_char(e);
    case '$':
        return expr_register(e);
    default:
        return expr_number(e);
    }
}

/* Is the '/' at p a division? Only if an operand can follow it. */
static bool expr_is_division(const char *p)
{
    p++;
    while (*p == ' ' || *p == '\t')
        p++;
    return isdigit((unsigned char)*p) || (*p && strchr("($'+-~", *p));
}

static int64_t expr_divide(Expr *e, int64_t a, int64_t b, char op)
{
    if (b == 0)
        return expr_fail(e, "division by zero");
    if (b == -1)
        return op == '/' ? (int64_t)(0 - (uint64_t)a) : 0; /* no INT64_MIN / -1 trap */
    return op == '/' ? a / b : a % b;
}

static int64_t expr_prod(Expr *e)
{
    int64_t v = expr_unary(e);

    for (;;) {
        char op;

        expr_space(e);
        op = *e->p;
        if (e->err || !op || !strchr("*/%", op) || (op == '/' && !expr_is_division(e->p)))
            return v;
        e->p++;
        int64_t w = expr_unary(e);
        v = op == '*' ? (int64_t)((uint64_t)v * (uint64_t)w) : expr_divide(e, v, w, op);
    }
}

static int64_t expr_logic(Expr *e)
{
    int64_t v = expr_prod(e);

    for (;;) {
        char op;

        expr_space(e);
        op = *e->p;
        if (e->err || !op || !strchr("&|^", op))
            return v;
        e->p++;
        int64_t w = expr_prod(e);
        v = op == '&' ? v & w : op == '|' ? v | w : v ^ w;
    }
}

static int64_t expr_sum(Expr *e)
{
    int64_t v = expr_logic(e);

    for (;;) {
        char op;

        expr_space(e);
        op = *e->p;
        if (e->err || (op != '+' && op != '-'))
            return v;
        e->p++;
        uint64_t w = (uint64_t)expr_logic(e);
        v = (int64_t)(op == '+' ? (uint64_t)v + w : (uint64_t)v - w);
    }
}

bool mon_expr(const char **pp, int64_t *val, char **err)
{
    Expr e = { *pp, NULL };
    int64_t v = expr_sum(&e);

    if (e.err) {
        *err = e.err;
        return false;
    }
    *val = v;
    *pp = e.p;
    return true;
}
