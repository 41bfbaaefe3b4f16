/* SPDX-License-Identifier: MIT */
/*
 * JSON output for kemu-img, byte-identical to qemu-img's.
 *
 * qemu-img builds its JSON from a QDict, a hash table of 512 buckets
 * iterated bucket by bucket with the newest entry of a bucket first, so
 * the key order of `qemu-img info --output=json` is that hash order, not
 * the order fields were added. The hash here is the same function (the
 * "tdb" string hash QEMU's qdict.c uses); the pretty printer reproduces
 * qobject_to_json_pretty(): four-space indent, ": " after keys, non-ASCII
 * characters as \uXXXX. Reference: QEMU qobject/qdict.c, qobject/qjson.c.
 */
#include "tools/kemu-img.h"

#define QDICT_BUCKETS 512

typedef enum { JSON_INT, JSON_BOOL, JSON_STR, JSON_OBJ, JSON_ARR } JsonType;

typedef struct JsonEntry {
    char *key;
    JsonValue *val;
} JsonEntry;

struct JsonValue {
    JsonType type;
    int64_t i;
    bool b;
    char *s;
    JsonEntry *ent;   /* object members or array items (key NULL) */
    int nr;
};

static JsonValue *json_new(JsonType t)
{
    JsonValue *v = XNEW0(JsonValue);

    v->type = t;
    return v;
}

JsonValue *json_object(void) { return json_new(JSON_OBJ); }
JsonValue *json_array(void) { return json_new(JSON_ARR); }

static void json_add(JsonValue *c, const char *key, JsonValue *v)
{
    c->ent = xrealloc(c->ent, sizeof(*c->ent) * (c->nr + 1));
    c->ent[c->nr++] = (JsonEntry){ key ? xstrdup(key) : NULL, v };
}

void json_put(JsonValue *obj, const char *key, JsonValue *v) { json_add(obj, key, v); }
void json_append(JsonValue *arr, JsonValue *v) { json_add(arr, NULL, v); }

void json_put_int(JsonValue *obj, const char *key, int64_t v)
{
    JsonValue *n = json_new(JSON_INT);

    n->i = v;
    json_add(obj, key, n);
}

void json_put_bool(JsonValue *obj, const char *key, bool v)
{
    JsonValue *n = json_new(JSON_BOOL);

    n->b = v;
    json_add(obj, key, n);
}

void json_put_str(JsonValue *obj, const char *key, const char *v)
{
    JsonValue *n = json_new(JSON_STR);

    n->s = xstrdup(v);
    json_add(obj, key, n);
}

void json_free(JsonValue *v)
{
    if (!v)
        return;
    for (int i = 0; i < v->nr; i++) {
        free(v->ent[i].key);
        json_free(v->ent[i].val);
    }
    free(v->ent);
    free(v->s);
    free(v);
}

/* QEMU's qdict bucket of a key. */
static unsigned json_bucket(const char *name)
{
    unsigned value = 0x238F13AFu * (unsigned)strlen(name);

    for (unsigned i = 0; name[i]; i++)
        value += (unsigned)(unsigned char)name[i] << (i * 5 % 24);
    return (1103515243u * value + 12345u) % QDICT_BUCKETS;
}

/* One UTF-8 sequence at *p as a code point (0xFFFD if malformed). */
static unsigned json_utf8(const unsigned char **p)
{
    const unsigned char *s = *p;
    int n = s[0] >= 0xf0 ? 3 : s[0] >= 0xe0 ? 2 : s[0] >= 0xc0 ? 1 : 0;
    unsigned cp = n ? s[0] & (0x3f >> n) : 0xfffd;

    for (int k = 1; k <= n; k++) {
        if ((s[k] & 0xc0) != 0x80) {
            *p = s + k;
            return 0xfffd;
        }
        cp = (cp << 6) | (s[k] & 0x3f);
    }
    *p = s + n + 1;
    return cp;
}

static void json_print_str(FILE *f, const char *str)
{
    const unsigned char *p = (const unsigned char *)str;

    fputc('"', f);
    while (*p) {
        unsigned c = *p;

        if (c == '"' || c == '\\') {
            fprintf(f, "\\%c", c);
        } else if (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
            fprintf(f, "\\%c", "bfnrt"[strchr("\b\f\n\r\t", (int)c) - "\b\f\n\r\t"]);
        } else if (c >= 0x20 && c < 0x7f) {
            fputc((int)c, f);
        } else {
            unsigned cp = c < 0x80 ? c : json_utf8(&p);

            if (c < 0x80)
                p++;
            if (cp > 0xffff)
                fprintf(f, "\\u%04X\\u%04X", 0xd800 + ((cp - 0x10000) >> 10),
                        0xdc00 + ((cp - 0x10000) & 0x3ff));
            else
                fprintf(f, "\\u%04X", cp);
            continue;
        }
        p++;
    }
    fputc('"', f);
}

/* Members in QDict iteration order: bucket ascending, newest first. */
static int *json_order(const JsonValue *v)
{
    int *idx = XNEW0N(int, v->nr ? v->nr : 1);
    int n = 0;

    for (unsigned b = 0; b < QDICT_BUCKETS; b++) {
        for (int i = v->nr - 1; i >= 0; i--) {
            if (json_bucket(v->ent[i].key) == b)
                idx[n++] = i;
        }
    }
    return idx;
}

static void json_indent(FILE *f, int level)
{
    fprintf(f, "%*s", level * 4, "");
}

static void json_print_level(FILE *f, const JsonValue *v, int level)
{
    int *order;

    switch (v->type) {
    case JSON_INT: fprintf(f, "%lld", (long long)v->i); return;
    case JSON_BOOL: fputs(v->b ? "true" : "false", f); return;
    case JSON_STR: json_print_str(f, v->s); return;
    default: break;
    }
    if (!v->nr) {
        fputs(v->type == JSON_OBJ ? "{}" : "[]", f);
        return;
    }
    order = v->type == JSON_OBJ ? json_order(v) : NULL;
    fputs(v->type == JSON_OBJ ? "{\n" : "[\n", f);
    for (int k = 0; k < v->nr; k++) {
        const JsonEntry *e = &v->ent[order ? order[k] : k];

        json_indent(f, level + 1);
        if (e->key) {
            json_print_str(f, e->key);
            fputs(": ", f);
        }
        json_print_level(f, e->val, level + 1);
        fputs(k + 1 < v->nr ? ",\n" : "\n", f);
    }
    json_indent(f, level);
    fputc(v->type == JSON_OBJ ? '}' : ']', f);
    free(order);
}

void json_print(FILE *f, const JsonValue *v)
{
    json_print_level(f, v, 0);
}

static void json_print_scalar(FILE *f, const JsonValue *v)
{
    if (v->type == JSON_INT)
        fprintf(f, "%lld", (long long)v->i);
    else if (v->type == JSON_BOOL)
        fputs(v->b ? "true" : "false", f);
    else
        fputs(v->s, f);
}

void json_print_human(FILE *f, const JsonValue *obj, int indent)
{
    int *order = obj->type == JSON_OBJ ? json_order(obj) : NULL;

    for (int k = 0; k < obj->nr; k++) {
        const JsonEntry *e = &obj->ent[order ? order[k] : k];

        fprintf(f, "%*s", indent, "");
        if (e->key) {
            for (const char *p = e->key; *p; p++)
                fputc(*p == '-' ? ' ' : *p, f);
            fputs(":", f);
        } else {
            fputs("[", f);
            fprintf(f, "%d]:", k);
        }
        if (e->val->type == JSON_OBJ || e->val->type == JSON_ARR) {
            fputc('\n', f);
            json_print_human(f, e->val, indent + 4);
        } else {
            fputc(' ', f);
            json_print_scalar(f, e->val);
            fputc('\n', f);
        }
    }
    free(order);
}
