/* SPDX-License-Identifier: MIT */
/*
 * QMP, the QEMU Machine Protocol: greeting, negotiation, dispatch, events.
 *
 * A client is greeted with {"QMP": {"version": ..., "capabilities": []}}
 * (kemu offers no optional capability, so no "oob"), must send
 * {"execute": "qmp_capabilities"} first, and then sends commands
 * {"execute": NAME, "arguments": {...}, "id": ANY}. Each gets one reply,
 * {"return": VALUE} or {"error": {"class": CLASS, "desc": TEXT}}, with the
 * request's "id" copied. Events ({"timestamp": {"seconds", "microseconds"},
 * "event": NAME, "data": {...}}) go to every negotiated client. Requests,
 * replies and events are checked and worded as QEMU 7.2 does (error
 * classes GenericError and CommandNotFound). Every message ends with
 * "\r\n"; pretty=on indents replies by four spaces.
 * Reference: QEMU docs/interop/qmp-spec.txt; the QMP reference manual.
 */
#include <inttypes.h>
#include <sys/time.h>
#include <unistd.h>

#include "config-host.h"
#include "kemu/machine.h"
#include "monitor-internal.h"

typedef Json *QmpFn(Json *args, Error **errp);

typedef struct QmpArg {
    const char *name;
    JsonType type;
    bool optional;
} QmpArg;

typedef struct QmpCmd {
    const char *name;
    QmpFn *fn;
    const QmpArg *args;   /* NULL: no arguments */
} QmpCmd;

static const QmpCmd qmp_cmds[];

/* ---- output ---- */

static void qmp_send(Monitor *mon, const Json *msg)
{
    char *text = json_to_string(msg, mon->pretty);

    monitor_puts(mon, text);
    monitor_puts(mon, "\n");
    free(text);
}

static Json *qmp_version(void)
{
    Json *v = json_object(), *q = json_object();
    int major = 0, minor = 0, micro = 0;

    sscanf(KEMU_VERSION, "%d.%d.%d", &major, &minor, &micro);
    json_set(q, "micro", json_int(micro));
    json_set(q, "minor", json_int(minor));
    json_set(q, "major", json_int(major));
    json_set(v, "qemu", q);
    json_set(v, "package", json_string(""));
    return v;
}

void qmp_greet(Monitor *mon)
{
    Json *msg = json_object(), *qmp = json_object();

    json_set(qmp, "version", qmp_version());
    json_set(qmp, "capabilities", json_array());
    json_set(msg, "QMP", qmp);
    qmp_send(mon, msg);
    json_free(msg);
}

void qmp_event(const char *name, Json *data)
{
    Json *msg = json_object(), *ts = json_object();
    struct timeval tv;

    gettimeofday(&tv, NULL);
    json_set(ts, "seconds", json_int(tv.tv_sec));
    json_set(ts, "microseconds", json_int(tv.tv_usec));
    json_set(msg, "timestamp", ts);
    json_set(msg, "event", json_string(name));
    if (data)
        json_set(msg, "data", data);
    for (Monitor *mon = monitor_list; mon; mon = mon->next) {
        if (mon->qmp && mon->negotiated && mon->connected)
            qmp_send(mon, msg);
    }
    json_free(msg);
}

static void qmp_reply(Monitor *mon, Json *id, Json *ret, const char *cls, const char *desc)
{
    Json *msg = json_object();

    if (cls) {
        Json *err = json_object();

        json_set(err, "class", json_string(cls));
        json_set(err, "desc", json_string(desc));
        json_set(msg, "error", err);
    } else {
        json_set(msg, "return", ret);
    }
    if (id)
        json_set(msg, "id", id);
    qmp_send(mon, msg);
    json_free(msg);
}

/* ---- argument checking ---- */

static const char *qmp_type_name(JsonType t)
{
    switch (t) {
    case JSON_INT: return "integer";
    case JSON_BOOL: return "boolean";
    case JSON_STRING: return "string";
    case JSON_ARRAY: return "array";
    default: return "object";
    }
}

static const QmpArg *qmp_find_arg(const QmpCmd *cmd, const char *name)
{
    for (const QmpArg *a = cmd->args; a && a->name; a++) {
        if (!strcmp(a->name, name))
            return a;
    }
    return NULL;
}

static bool qmp_check_args(const QmpCmd *cmd, const Json *args, Error **errp)
{
    for (unsigned i = 0; args && i < args->n; i++) {
        const QmpArg *a = qmp_find_arg(cmd, args->keys[i]);

        if (!a) {
            error_setg(errp, "Parameter '%s' is unexpected", args->keys[i]);
            return false;
        }
        if (args->items[i]->type != a->type) {
            error_setg(errp, "Invalid parameter type for '%s', expected: %s", a->name,
                       qmp_type_name(a->type));
            return false;
        }
    }
    for (const QmpArg *a = cmd->args; a && a->name; a++) {
        if (!a->optional && !json_get(args, a->name)) {
            error_setg(errp, "Parameter '%s' is missing", a->name);
            return false;
        }
    }
    return true;
}

/* ---- dispatch ---- */

static const QmpCmd *qmp_find(const char *name)
{
    for (const QmpCmd *c = qmp_cmds; c->name; c++) {
        if (!strcmp(c->name, name))
            return c;
    }
    return NULL;
}

/* The request's envelope; NULL with desc set when it is malformed. */
static const char *qmp_check_request(const Json *req, const Json **args, char **desc)
{
    static const char *const members[] = { "execute", "arguments", "id" };
    const Json *exec;

    if (req->type != JSON_OBJECT) {
        *desc = xstrdup("QMP input must be a JSON object");
        return NULL;
    }
    for (unsigned i = 0; i < req->n; i++) {
        bool known = false;

        for (size_t k = 0; k < ARRAY_SIZE(members); k++)
            known |= !strcmp(req->keys[i], members[k]);
        if (!known) {
            *desc = xasprintf("QMP input member '%s' is unexpected", req->keys[i]);
            return NULL;
        }
    }
    exec = json_get(req, "execute");
    *args = json_get(req, "arguments");
    if (!exec)
        *desc = xstrdup("QMP input lacks member 'execute'");
    else if (exec->type != JSON_STRING)
        *desc = xstrdup("QMP input member 'execute' must be a string");
    else if (*args && (*args)->type != JSON_OBJECT)
        *desc = xstrdup("QMP input member 'arguments' must be an object");
    else
        return exec->s;
    return NULL;
}

static void qmp_dispatch(Monitor *mon, Json *req)
{
    Json *id = req->type == JSON_OBJECT ? json_get(req, "id") : NULL;
    const Json *args = NULL;
    char *desc = NULL;
    const char *name = qmp_check_request(req, &args, &desc);
    const QmpCmd *cmd;
    Error *err = NULL;
    Json *ret;

    /* The reply owns a copy of "id": take it out of the request. */
    for (unsigned i = 0; id && i < req->n; i++) {
        if (req->items[i] == id)
            req->items[i] = json_null();
    }
    if (!name) {
        qmp_reply(mon, id, NULL, "GenericError", desc);
    } else if (!mon->negotiated && strcmp(name, "qmp_capabilities")) {
        qmp_reply(mon, id, NULL, "CommandNotFound",
                  "Expecting capabilities negotiation with 'qmp_capabilities'");
    } else if (mon->negotiated && !strcmp(name, "qmp_capabilities")) {
        qmp_reply(mon, id, NULL, "CommandNotFound",
                  "Capabilities negotiation is already complete, command ignored");
    } else if (!(cmd = qmp_find(name))) {
        desc = xasprintf("The command %s has not been found", name);
        qmp_reply(mon, id, NULL, "CommandNotFound", desc);
    } else if (!qmp_check_args(cmd, args, &err) || !(ret = cmd->fn((Json *)args, &err))) {
        qmp_reply(mon, id, NULL, "GenericError", err->msg);
        error_free(err);
    } else {
        if (cmd->fn == qmp_cmds[0].fn)
            mon->negotiated = true; /* qmp_capabilities succeeded */
        qmp_reply(mon, id, ret, NULL, NULL);
    }
    free(desc);
}

static void qmp_handle_text(void *opaque, const char *text, size_t len, const char *error)
{
    Monitor *mon = opaque;
    char *perr = NULL;
    Json *req;

    if (error) {
        qmp_reply(mon, NULL, NULL, "GenericError", error);
        return;
    }
    req = json_parse(text, len, &perr);
    if (!req) {
        qmp_reply(mon, NULL, NULL, "GenericError", perr);
        free(perr);
        return;
    }
    qmp_dispatch(mon, req);
    json_free(req);
}

void qmp_receive(Monitor *mon, const uint8_t *buf, int len)
{
    json_stream_feed(&mon->js, buf, (size_t)len, qmp_handle_text, mon);
}

/* ---- commands ---- */

static Json *qmp_capabilities(Json *args, Error **errp)
{
    Json *enable = json_get(args, "enable");

    for (unsigned i = 0; enable && i < enable->n; i++) {
        const Json *cap = enable->items[i];

        error_setg(errp, "Capability '%s' not available",
                   cap->type == JSON_STRING ? cap->s : "?");
        return NULL;
    }
    return json_object();
}

static Json *qmp_query_status(Json *args, Error **errp)
{
    Json *r = json_object();

    json_set(r, "status", json_string(runstate_name(runstate_get())));
    json_set(r, "singlestep", json_bool(false));
    json_set(r, "running", json_bool(runstate_is_running()));
    return r;
}

static Json *qmp_query_version(Json *args, Error **errp)
{
    return qmp_version();
}

static Json *qmp_query_commands(Json *args, Error **errp)
{
    Json *list = json_array();

    for (const QmpCmd *c = qmp_cmds; c->name; c++) {
        Json *o = json_object();

        json_set(o, "name", json_string(c->name));
        json_append(list, o);
    }
    return list;
}

static Json *qmp_query_cpus_fast(Json *args, Error **errp)
{
    Json *list = json_array();

    for (CPUState *cpu = first_cpu; cpu; cpu = cpu->next) {
        Json *o = json_object(), *props = json_object();
        char *path = xasprintf("/machine/unattached/device[%d]", cpu->index);

        json_set(o, "thread-id", json_int(getpid()));
        json_set(props, "core-id", json_int(0));
        json_set(props, "thread-id", json_int(0));
        json_set(props, "socket-id", json_int(cpu->index));
        json_set(o, "props", props);
        json_set(o, "qom-path", json_string(path));
        json_set(o, "cpu-index", json_int(cpu->index));
        json_set(o, "target", json_string(target_name));
        json_append(list, o);
        free(path);
    }
    return list;
}

static Json *qmp_query_chardev(Json *args, Error **errp)
{
    Json *list = json_array();

    for (Chardev *chr = chardev_first(); chr; chr = chr->next) {
        Json *o = json_object();

        json_set(o, "frontend-open", json_bool(chr->fe_attached));
        json_set(o, "filename", json_string(chr->label));
        json_set(o, "label", json_string(chr->id));
        json_append(list, o);
    }
    return list;
}

static Json *qmp_query_name(Json *args, Error **errp)
{
    Json *r = json_object();

    if (current_machine && current_machine->name)
        json_set(r, "name", json_string(current_machine->name));
    return r;
}

static Json *qmp_query_kvm(Json *args, Error **errp)
{
    Json *r = json_object();

    json_set(r, "enabled", json_bool(false));
    json_set(r, "present", json_bool(false));
    return r;
}

static Json *qmp_query_target(Json *args, Error **errp)
{
    Json *r = json_object();

    json_set(r, "arch", json_string(target_name));
    return r;
}

static Json *qmp_stop(Json *args, Error **errp)
{
    mon_stop();
    return json_object();
}

static Json *qmp_cont(Json *args, Error **errp)
{
    return mon_cont(errp) ? json_object() : NULL;
}

static Json *qmp_system_reset(Json *args, Error **errp)
{
    mon_system_reset();
    return json_object();
}

static Json *qmp_system_powerdown(Json *args, Error **errp)
{
    mon_system_powerdown();
    return json_object();
}

static Json *qmp_quit(Json *args, Error **errp)
{
    mon_quit();
    return json_object();
}

static Json *qmp_inject_nmi(Json *args, Error **errp)
{
    mon_nmi();
    return json_object();
}

static Json *qmp_human_monitor_command(Json *args, Error **errp)
{
    Json *cpu = json_get(args, "cpu-index");
    int saved = mon_cpu_index;
    char *out;
    Json *r;

    if (cpu) {
        CPUState *c = first_cpu;

        while (c && c->index != cpu->i)
            c = c->next;
        if (!c) {
            error_setg(errp, "Parameter 'cpu-index' expects a CPU number");
            return NULL;
        }
        mon_cpu_index = c->index;
    }
    out = monitor_hmp_capture(json_get_str(args, "command-line"));
    if (cpu)
        mon_cpu_index = saved;
    r = json_string(out);
    free(out);
    return r;
}

static Json *qmp_screendump(Json *args, Error **errp)
{
    return mon_screendump(json_get_str(args, "filename"), json_get_str(args, "format"), errp)
               ? json_object()
               : NULL;
}

static Json *qmp_save(Json *args, bool physical, Error **errp)
{
    return mon_save_memory((uint64_t)json_get(args, "val")->i, json_get(args, "size")->i,
                           json_get_str(args, "filename"), physical, errp)
               ? json_object()
               : NULL;
}

static Json *qmp_memsave(Json *args, Error **errp)
{
    return qmp_save(args, false, errp);
}

static Json *qmp_pmemsave(Json *args, Error **errp)
{
    return qmp_save(args, true, errp);
}

static const QmpArg args_capabilities[] = { { "enable", JSON_ARRAY, true }, { NULL } };
static const QmpArg args_hmc[] = {
    { "command-line", JSON_STRING, false }, { "cpu-index", JSON_INT, true }, { NULL } };
static const QmpArg args_screendump[] = {
    { "filename", JSON_STRING, false }, { "device", JSON_STRING, true },
    { "head", JSON_INT, true },         { "format", JSON_STRING, true }, { NULL } };
static const QmpArg args_memsave[] = {
    { "val", JSON_INT, false }, { "size", JSON_INT, false }, { "filename", JSON_STRING, false },
    { "cpu-index", JSON_INT, true }, { NULL } };
static const QmpArg args_pmemsave[] = {
    { "val", JSON_INT, false }, { "size", JSON_INT, false }, { "filename", JSON_STRING, false },
    { NULL } };

/* qmp_capabilities must stay first (qmp_dispatch relies on it). */
static const QmpCmd qmp_cmds[] = {
    { "qmp_capabilities", qmp_capabilities, args_capabilities },
    { "cont", qmp_cont, NULL },
    { "human-monitor-command", qmp_human_monitor_command, args_hmc },
    { "inject-nmi", qmp_inject_nmi, NULL },
    { "memsave", qmp_memsave, args_memsave },
    { "pmemsave", qmp_pmemsave, args_pmemsave },
    { "query-chardev", qmp_query_chardev, NULL },
    { "query-commands", qmp_query_commands, NULL },
    { "query-cpus-fast", qmp_query_cpus_fast, NULL },
    { "query-kvm", qmp_query_kvm, NULL },
    { "query-name", qmp_query_name, NULL },
    { "query-status", qmp_query_status, NULL },
    { "query-target", qmp_query_target, NULL },
    { "query-version", qmp_query_version, NULL },
    { "quit", qmp_quit, NULL },
    { "screendump", qmp_screendump, args_screendump },
    { "stop", qmp_stop, NULL },
    { "system_powerdown", qmp_system_powerdown, NULL },
    { "system_reset", qmp_system_reset, NULL },
    { NULL, NULL, NULL },
};
