/* SPDX-License-Identifier: MIT */
/*
 * Line editing for the human monitor, with the keys of QEMU's readline.
 *
 * Keys: printable characters insert at the cursor; Enter (CR or LF, each
 * on its own) runs the line; Backspace/DEL delete before the cursor,
 * Ctrl-D and ESC [ 3 ~ at it; Ctrl-A / ESC [ 1 ~ / ESC O H go home, Ctrl-E
 * / ESC [ 4 ~ / ESC O F to the end; the arrows move (left/right) and walk
 * the history (up/down); Ctrl-W deletes the word before the cursor;
 * Ctrl-L clears the screen; Tab completes command names. The terminal is
 * updated the way QEMU's readline does it: after each key, when the line
 * changed, the cursor goes back to the start of the line, the whole line
 * is printed followed by "ESC [ K", and then the cursor is moved to its
 * place with ESC [ C / ESC [ D. Scripts that read the echo see the same
 * bytes as from QEMU. The history keeps the last 64 distinct lines.
 * Reference: QEMU manual, "QEMU Monitor" (history, completion).
 */
#include "monitor-internal.h"

enum { RL_NORM, RL_ESC, RL_CSI, RL_SS3 };

#define RL_TERM_WIDTH 80

void readline_init(ReadLine *rl)
{
    memset(rl, 0, sizeof(*rl));
    rl->hist_pos = -1;
}

void readline_free(ReadLine *rl)
{
    for (int i = 0; i < rl->nr_history; i++)
        free(rl->history[i]);
    rl->nr_history = 0;
}

void readline_restart(ReadLine *rl)
{
    rl->len = rl->pos = 0;
    rl->buf[0] = 0;
    rl->shown_len = rl->shown_pos = 0;
    rl->esc_state = RL_NORM;
    rl->hist_pos = -1;
}

const char *readline_history(const ReadLine *rl, int n)
{
    return n >= 0 && n < rl->nr_history ? rl->history[n] : NULL;
}

/* ---- terminal update ---- */

static void rl_repeat(char **s, size_t *n, const char *seq, int count)
{
    for (int i = 0; i < count; i++) {
        size_t l = strlen(seq);
        memcpy(*s + *n, seq, l);
        *n += l;
    }
}

/* Bring the terminal in line with buf/pos (QEMU's update algorithm). */
static void rl_refresh(Monitor *mon)
{
    ReadLine *rl = &mon->rl;
    /* worst case: moves back, the line, ESC [ K, moves to the cursor */
    char *out = xmalloc((size_t)(rl->shown_pos + rl->len + RL_LINE_MAX) * 3 + 16);
    size_t n = 0;

    if (rl->len != rl->shown_len || memcmp(rl->buf, rl->shown, (size_t)rl->len)) {
        rl_repeat(&out, &n, "\033[D", rl->shown_pos);
        memcpy(out + n, rl->buf, (size_t)rl->len);
        n += (size_t)rl->len;
        rl_repeat(&out, &n, "\033[K", 1);
        memcpy(rl->shown, rl->buf, (size_t)rl->len);
        rl->shown_len = rl->shown_pos = rl->len;
    }
    if (rl->pos > rl->shown_pos)
        rl_repeat(&out, &n, "\033[C", rl->pos - rl->shown_pos);
    else
        rl_repeat(&out, &n, "\033[D", rl->shown_pos - rl->pos);
    rl->shown_pos = rl->pos;
    out[n] = 0;
    monitor_puts(mon, out);
    free(out);
}

void readline_show_prompt(Monitor *mon)
{
    monitor_puts(mon, MON_PROMPT);
    mon->rl.shown_len = mon->rl.shown_pos = 0;
    rl_refresh(mon);
}

/* ---- editing ---- */

static void rl_set_line(ReadLine *rl, const char *s)
{
    rl->len = (int)MIN(strlen(s), (size_t)RL_LINE_MAX);
    memcpy(rl->buf, s, (size_t)rl->len);
    rl->buf[rl->len] = 0;
    rl->pos = rl->len;
}

static void rl_insert(ReadLine *rl, char c)
{
    if (rl->len >= RL_LINE_MAX)
        return;
    memmove(rl->buf + rl->pos + 1, rl->buf + rl->pos, (size_t)(rl->len - rl->pos));
    rl->buf[rl->pos++] = c;
    rl->buf[++rl->len] = 0;
}

static void rl_delete_at(ReadLine *rl, int at, int count)
{
    if (at < 0 || count <= 0 || at + count > rl->len)
        return;
    memmove(rl->buf + at, rl->buf + at + count, (size_t)(rl->len - at - count));
    rl->len -= count;
    rl->buf[rl->len] = 0;
    if (rl->pos > at)
        rl->pos = MAX(at, rl->pos - count);
}

static void rl_backspace(ReadLine *rl)
{
    if (rl->pos > 0)
        rl_delete_at(rl, rl->pos - 1, 1);
}

/* Ctrl-W: the spaces, then the word, before the cursor. */
static void rl_backword(ReadLine *rl)
{
    int start = rl->pos;

    while (start > 0 && rl->buf[start - 1] == ' ')
        start--;
    while (start > 0 && rl->buf[start - 1] != ' ')
        start--;
    rl_delete_at(rl, start, rl->pos - start);
}

/* ---- history ---- */

static void rl_hist_add(ReadLine *rl, const char *line)
{
    char *entry = NULL;

    if (!line[0])
        return;
    for (int i = 0; i < rl->nr_history; i++) {
        if (!strcmp(rl->history[i], line)) {
            /* Already there: move it to the end. */
            entry = rl->history[i];
            memmove(&rl->history[i], &rl->history[i + 1],
                    sizeof(char *) * (size_t)(rl->nr_history - i - 1));
            rl->nr_history--;
            break;
        }
    }
    if (!entry && rl->nr_history == RL_HISTORY_MAX) {
        free(rl->history[0]);
        memmove(&rl->history[0], &rl->history[1], sizeof(char *) * (RL_HISTORY_MAX - 1));
        rl->nr_history--;
    }
    rl->history[rl->nr_history++] = entry ? entry : xstrdup(line);
}

static void rl_hist_up(ReadLine *rl)
{
    if (rl->hist_pos == 0 || rl->nr_history == 0)
        return;
    rl->hist_pos = rl->hist_pos < 0 ? rl->nr_history - 1 : rl->hist_pos - 1;
    rl_set_line(rl, rl->history[rl->hist_pos]);
}

static void rl_hist_down(ReadLine *rl)
{
    if (rl->hist_pos < 0)
        return;
    if (++rl->hist_pos >= rl->nr_history) {
        rl->hist_pos = -1;
        rl_set_line(rl, "");
        return;
    }
    rl_set_line(rl, rl->history[rl->hist_pos]);
}

/* ---- completion ---- */

typedef struct RlCompletion {
    const char *word;      /* the partial word */
    size_t word_len;
    char **match;
    int nr;
} RlCompletion;

static void rl_add_match(void *opaque, const char *cand)
{
    RlCompletion *c = opaque;

    if (strncmp(cand, c->word, c->word_len))
        return;
    for (int i = 0; i < c->nr; i++) {
        if (!strcmp(c->match[i], cand))
            return;
    }
    c->match = xrealloc(c->match, sizeof(char *) * (size_t)(c->nr + 1));
    c->match[c->nr++] = xstrdup(cand);
}

static int rl_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void rl_list_matches(Monitor *mon, RlCompletion *c)
{
    int width = 0, cols;

    qsort(c->match, (size_t)c->nr, sizeof(char *), rl_cmp);
    for (int i = 0; i < c->nr; i++)
        width = MAX(width, (int)strlen(c->match[i]) + 2);
    cols = MAX(RL_TERM_WIDTH / MAX(width, 1), 1);
    monitor_puts(mon, "\n");
    for (int i = 0; i < c->nr; i++) {
        monitor_printf(mon, "%-*s", width, c->match[i]);
        if (i % cols == cols - 1 || i == c->nr - 1)
            monitor_puts(mon, "\n");
    }
    readline_show_prompt(mon);
}

static void rl_complete(Monitor *mon)
{
    ReadLine *rl = &mon->rl;
    char line[RL_LINE_MAX + 1];
    RlCompletion c = { NULL, 0, NULL, 0 };
    size_t common;

    memcpy(line, rl->buf, (size_t)rl->pos);
    line[rl->pos] = 0;
    c.word = strrchr(line, ' ') ? strrchr(line, ' ') + 1 : line;
    c.word_len = strlen(c.word);
    hmp_complete(line, rl_add_match, &c);
    if (c.nr == 1) {
        for (size_t i = c.word_len; c.match[0][i]; i++)
            rl_insert(rl, c.match[0][i]);
        rl_insert(rl, ' ');
    } else if (c.nr > 1) {
        common = strlen(c.match[0]);
        for (int i = 1; i < c.nr; i++) {
            size_t k = 0;
            while (k < common && c.match[i][k] == c.match[0][k])
                k++;
            common = k;
        }
        for (size_t i = c.word_len; i < common; i++)
            rl_insert(rl, c.match[0][i]);
        if (common == c.word_len)
            rl_list_matches(mon, &c);
    }
    for (int i = 0; i < c.nr; i++)
        free(c.match[i]);
    free(c.match);
}

/* ---- keys ---- */

static void rl_enter(Monitor *mon)
{
    ReadLine *rl = &mon->rl;
    char *line = xstrdup(rl->buf);

    rl_hist_add(rl, line);
    monitor_puts(mon, "\n");
    rl->len = rl->pos = 0;
    rl->buf[0] = 0;
    rl->shown_len = rl->shown_pos = 0;
    rl->hist_pos = -1;
    hmp_handle_line(mon, line);
    free(line);
    if (!qemu_shutdown_pending())
        readline_show_prompt(mon); /* after "quit" kemu is leaving */
}

static void rl_clear_screen(Monitor *mon)
{
    monitor_puts(mon, "\033[2J\033[1;1H");
    readline_show_prompt(mon);
}

/* Control characters and printable input in the normal state. */
static void rl_normal(Monitor *mon, uint8_t ch)
{
    ReadLine *rl = &mon->rl;

    switch (ch) {
    case 1: rl->pos = 0; break;                                  /* Ctrl-A */
    case 4: rl_delete_at(rl, rl->pos, 1); break;                 /* Ctrl-D */
    case 5: rl->pos = rl->len; break;                            /* Ctrl-E */
    case 9: rl_complete(mon); break;                             /* Tab */
    case 10:
    case 13: rl_enter(mon); return;
    case 12: rl_clear_screen(mon); return;                       /* Ctrl-L */
    case 14: rl_hist_down(rl); break;                            /* Ctrl-N */
    case 16: rl_hist_up(rl); break;                              /* Ctrl-P */
    case 23: rl_backword(rl); break;                             /* Ctrl-W */
    case 27: rl->esc_state = RL_ESC; return;
    case 8:
    case 127: rl_backspace(rl); break;
    default:
        if (ch >= 32)
            rl_insert(rl, (char)ch);
        break;
    }
    rl_refresh(mon);
}

/* The final byte of "ESC [ ..." (param: the number before '~'). */
static void rl_csi(Monitor *mon, uint8_t ch)
{
    ReadLine *rl = &mon->rl;

    switch (ch) {
    case 'A': rl_hist_up(rl); break;
    case 'B': rl_hist_down(rl); break;
    case 'C': rl->pos = MIN(rl->pos + 1, rl->len); break;
    case 'D': rl->pos = MAX(rl->pos - 1, 0); break;
    case '~':
        if (rl->esc_param == 1 || rl->esc_param == 7)
            rl->pos = 0;
        else if (rl->esc_param == 4 || rl->esc_param == 8)
            rl->pos = rl->len;
        else if (rl->esc_param == 3)
            rl_delete_at(rl, rl->pos, 1);
        break;
    default:
        break;
    }
    rl_refresh(mon);
}

void readline_handle_byte(Monitor *mon, uint8_t ch)
{
    ReadLine *rl = &mon->rl;

    switch (rl->esc_state) {
    case RL_ESC:
        rl->esc_state = ch == '[' ? RL_CSI : ch == 'O' ? RL_SS3 : RL_NORM;
        rl->esc_param = 0;
        return;
    case RL_CSI:
        if (ch >= '0' && ch <= '9') {
            rl->esc_param = MIN(rl->esc_param * 10 + (ch - '0'), 1000);
            return;
        }
        rl->esc_state = RL_NORM;
        rl_csi(mon, ch);
        return;
    case RL_SS3:
        rl->esc_state = RL_NORM;
        if (ch == 'H')
            rl->pos = 0;
        else if (ch == 'F')
            rl->pos = rl->len;
        rl_refresh(mon);
        return;
    default:
        rl_normal(mon, ch);
        return;
    }
}
