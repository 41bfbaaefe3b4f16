/* SPDX-License-Identifier: MIT */
/*
 * Internal to monitor/: the Monitor object, line editing, the HMP command
 * tables and argument parsing, expressions, memory dumps and QMP.
 *
 * Every monitor writes through monitor_puts(), which turns "\n" into
 * "\r\n" as QEMU's monitors do, and either sends the text to the chardev
 * or, while a QMP "human-monitor-command" runs an HMP command, appends it
 * to a capture buffer that becomes the command's reply.
 */
#ifndef MONITOR_INTERNAL_H
#define MONITOR_INTERNAL_H

#include "json.h"
#include "kemu/cpu.h"
#include "kemu/mainloop.h"
#include "kemu/monitor.h"

#define MON_PROMPT "(qemu) "
#define RL_LINE_MAX 1024      /* longest command line */
#define RL_HISTORY_MAX 64     /* remembered lines (QEMU's READLINE_MAX_CMDS) */

/* ---- readline.c: line editing with history (QEMU's readline keys) ---- */

typedef struct ReadLine {
    char buf[RL_LINE_MAX + 1];   /* the line being edited */
    int len, pos;                /* its length and the cursor */
    char shown[RL_LINE_MAX + 1]; /* what the terminal shows after the prompt */
    int shown_len, shown_pos;
    int esc_state;               /* 0, ESC seen, CSI ("ESC ["), SS3 ("ESC O") */
    int esc_param;               /* numeric parameter of a CSI sequence */
    char *history[RL_HISTORY_MAX];
    int nr_history;
    int hist_pos;                /* -1: editing a new line */
} ReadLine;

void readline_init(ReadLine *rl);
void readline_free(ReadLine *rl);
/* Forget the current line (a new connection, a focus switch). */
void readline_restart(ReadLine *rl);
/* Print the prompt followed by the current line. */
void readline_show_prompt(Monitor *mon);
/* Handle one input byte; a completed line is run with hmp_handle_line(). */
void readline_handle_byte(Monitor *mon, uint8_t ch);
/* The n-th remembered line (0 = oldest), NULL past the end. */
const char *readline_history(const ReadLine *rl, int n);

/* ---- monitor.c: objects and output ---- */

struct Monitor {
    Chardev *chr;            /* NULL for the capture monitor of QMP */
    bool qmp;
    bool pretty;             /* QMP pretty=on */
    bool connected;          /* the peer is there (OPENED, not CLOSED) */
    bool mux_out;            /* on a mux whose focus is elsewhere */
    bool greeted;            /* banner or greeting sent to this peer */
    bool negotiated;         /* QMP: qmp_capabilities done */
    bool capturing;          /* output goes to capture */
    char *capture;
    size_t capture_len, capture_cap;
    ReadLine rl;
    JsonStreamer js;
    Monitor *next;
};

/* All monitors, in creation order. */
extern Monitor *monitor_list;
/* The default CPU of HMP commands ("cpu N"), shared by all monitors. */
extern int mon_cpu_index;

void monitor_puts(Monitor *mon, const char *s);
void monitor_printf(Monitor *mon, const char *fmt, ...) KEMU_PRINTF(2, 3);
/* Run fn(out, opaque) on a memory FILE and print what it wrote. */
typedef void MonDumpFn(FILE *out, void *opaque);
void monitor_dump(Monitor *mon, MonDumpFn *fn, void *opaque);
/* The monitor's default CPU (the first CPU if the index is stale). */
CPUState *mon_get_cpu(void);
/* Run one HMP command line with its output captured; returns the text
 * (malloc'd). Used by QMP's human-monitor-command. */
char *monitor_hmp_capture(const char *line);
/* Remember that the monitor asked for this shutdown / reset, so the QMP
 * event names the host as its cause. */
void monitor_note_host_request(bool reset);

/* ---- hmp.c: command tables, argument parsing, help ---- */

typedef struct HmpArgs HmpArgs;
typedef void HmpFn(Monitor *mon, HmpArgs *a);

typedef struct HmpCmd {
    const char *name;   /* "cont|c": the name and its aliases */
    const char *params; /* "/fmt addr", shown by help */
    const char *help;
    HmpFn *fn;
} HmpCmd;

extern const HmpCmd hmp_cmds[];      /* NULL-terminated, sorted by name */
extern const HmpCmd hmp_info_cmds[]; /* "info" subcommands */

struct HmpArgs {
    Monitor *mon;
    const HmpCmd *cmd;
    const char *typed;  /* the command name as typed ("p") */
    const char *p;      /* the rest of the line, not yet parsed */
};

/* Memory display format "/NFU": count, format letter, unit size. */
typedef struct HmpFormat {
    int count;
    int format;         /* 'x', 'd', 'u', 'o', 'c', 'i' */
    int size;           /* 1, 2, 4, 8; -1 for 'i' without a size */
} HmpFormat;

void hmp_handle_line(Monitor *mon, const char *line);
void hmp_help(Monitor *mon, HmpArgs *a);
/* Argument parsers: each prints QEMU's message and "Try "help CMD" ..."
 * and returns false on error. */
bool hmp_arg_format(HmpArgs *a, HmpFormat *f);
bool hmp_arg_int(HmpArgs *a, int64_t *v);
/* An integer that may be absent (the line ends): *present tells. */
bool hmp_arg_int_opt(HmpArgs *a, int64_t *v, bool *present);
/* A word (or "quoted string"); NULL on error. optional: NULL with no
 * message when the line ends. Returns malloc'd text. */
char *hmp_arg_str(HmpArgs *a, bool optional);
/* A file name ("CMD: filename expected" when missing). */
char *hmp_arg_file(HmpArgs *a);
/* The line must end here ("extraneous characters at the end of line"). */
bool hmp_arg_end(HmpArgs *a);
/* Skip white space; true if something follows. */
bool hmp_arg_more(HmpArgs *a);
void hmp_arg_fail(HmpArgs *a, const char *fmt, ...) KEMU_PRINTF(2, 3);
/* Runtime failure of a command, printed as "Error: msg". */
void hmp_report_err(Monitor *mon, Error *err);
/* Candidates for tab completion of a partial line. */
typedef void HmpCompleteFn(void *opaque, const char *word);
void hmp_complete(const char *line, HmpCompleteFn *fn, void *opaque);

/* ---- expr.c: QEMU's monitor expressions ---- */

/* Parse an expression at *pp (numbers, $registers, 'c', + - * / % & | ^
 * ~ and parentheses, with QEMU's precedence). On success *pp points after
 * it. On failure returns false with a malloc'd message in *err. */
bool mon_expr(const char **pp, int64_t *val, char **err);

/* ---- hmp-memory.c: x, xp, print, memsave, pmemsave ---- */

void hmp_x(Monitor *mon, HmpArgs *a);
void hmp_xp(Monitor *mon, HmpArgs *a);
void hmp_print(Monitor *mon, HmpArgs *a);
void hmp_memsave(Monitor *mon, HmpArgs *a);
void hmp_pmemsave(Monitor *mon, HmpArgs *a);
void hmp_sum(Monitor *mon, HmpArgs *a);
void hmp_gva2gpa(Monitor *mon, HmpArgs *a);
void hmp_ioport_read(Monitor *mon, HmpArgs *a);
void hmp_ioport_write(Monitor *mon, HmpArgs *a);
/* Read guest memory for the monitor: physical, or virtual through the
 * default CPU's MMU. false when some byte is not accessible. */
bool mon_read_memory(uint64_t addr, void *buf, size_t len, bool physical);
/* Save len bytes at addr to a file (memsave/pmemsave, HMP and QMP). */
bool mon_save_memory(uint64_t addr, int64_t len, const char *file, bool physical,
                     Error **errp);

/* ---- hmp-cmds.c / hmp-info.c ---- */

void hmp_info(Monitor *mon, HmpArgs *a);
/* "stop", "cont", "system_reset", ... shared with QMP. */
bool mon_cont(Error **errp);
void mon_stop(void);
void mon_system_reset(void);
void mon_system_powerdown(void);
void mon_quit(void);
void mon_nmi(void);
/* Write the display to file as PPM; false with errp set. */
bool mon_screendump(const char *file, const char *format, Error **errp);

/* ---- qmp.c ---- */

/* Bytes from a QMP peer. */
void qmp_receive(Monitor *mon, const uint8_t *buf, int len);
/* The greeting for a new peer. */
void qmp_greet(Monitor *mon);
/* Send an event to every QMP monitor past negotiation; data may be NULL
 * (ownership taken). */
void qmp_event(const char *name, Json *data);

#endif
