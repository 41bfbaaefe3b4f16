/* SPDX-License-Identifier: MIT */
/*
 * JSON values for QMP: construction, a recursive-descent parser, a writer
 * and the splitter that cuts a byte stream into top-level texts.
 *
 * The grammar is RFC 8259. The writer follows QEMU's output: ", " and ": "
 * separators in compact form, four-space indentation in pretty form,
 * control and non-ASCII characters escaped (\uXXXX, surrogate pairs above
 * U+FFFF), doubles with 17 significant digits. Parse errors use the
 * wording of QEMU's JSON parser ("JSON parse error, ...") because QMP
 * clients see them in error replies.
 */
#include <errno.h>
#include <stdarg.h>

#include "json.h"

/* ---- values ---- */

static Json *json_new(JsonType t)
{
    Json *v = XNEW0(Json);

    v->type = t;
    return v;
}

Json *json_null(void)
{
    return json_new(JSON_NULL);
}

Json *json_bool(bool b)
{
    Json *v = json_new(JSON_BOOL);

    v->b = b;
    return v;
}

Json *json_int(int64_t i)
{
    Json *v = json_new(JSON_INT);

    v->i = i;
    return v;
}

Json *json_double(double d)
{
    Json *v = json_new(JSON_DOUBLE);

    v->d = d;
    return v;
}

Json *json_string_len(const char *s, size_t len)
{
    Json *v = json_new(JSON_STRING);

    v->s = xmalloc(len + 1);
    memcpy(v->s, s, len);
    v->s[len] = 0;
    v->n = (unsigned)len;
    return v;
}

Json *json_string(const char *s)
{
    return json_string_len(s ? s : "", s ? strlen(s) : 0);
}

Json *json_array(void)
{
    return json_new(JSON_ARRAY);
}

Json *json_object(void)
{
    return json_new(JSON_OBJECT);
}

void json_free(Json *v)
{
    if (!v)
        return;
    for (unsigned k = 0; (v->type == JSON_ARRAY || v->type == JSON_OBJECT) && k < v->n; k++) {
        json_free(v->items[k]);
        if (v->keys)
            free(v->keys[k]);
    }
    free(v->items);
    free(v->keys);
    free(v->s);
    free(v);
}

static void json_grow(Json *c)
{
    if (c->n < c->cap)
        return;
    c->cap = c->cap ? c->cap * 2 : 4;
    c->items = xrealloc(c->items, sizeof(*c->items) * c->cap);
    if (c->type == JSON_OBJECT)
        c->keys = xrealloc(c->keys, sizeof(*c->keys) * c->cap);
}

void json_append(Json *arr, Json *v)
{
    if (arr->type != JSON_ARRAY) {
        json_free(v);
        return;
    }
    json_grow(arr);
    arr->items[arr->n++] = v;
}

void json_set(Json *obj, const char *key, Json *v)
{
    if (obj->type != JSON_OBJECT) {
        json_free(v);
        return;
    }
    for (unsigned k = 0; k < obj->n; k++) {
        if (!strcmp(obj->keys[k], key)) {
            json_free(obj->items[k]);
            obj->items[k] = v;
            return;
        }
    }
    json_grow(obj);
    obj->keys[obj->n] = xstrdup(key);
    obj->items[obj->n++] = v;
}

Json *json_get(const Json *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    for (unsigned k = 0; k < obj->n; k++) {
        if (!strcmp(obj->keys[k], key))
            return obj->items[k];
    }
    return NULL;
}

const char *json_get_str(const Json *obj, const char *key)
{
    Json *v = json_get(obj, key);

    return v && v->type == JSON_STRING ? v->s : NULL;
}

const char *json_type_name(JsonType t)
{
    static const char *const names[] = {
        [JSON_NULL] = "null",     [JSON_BOOL] = "boolean", [JSON_INT] = "number",
        [JSON_DOUBLE] = "number", [JSON_STRING] = "string", [JSON_ARRAY] = "array",
        [JSON_OBJECT] = "object",
    };

    return t < ARRAY_SIZE(names) ? names[t] : "?";
}

/* ---- growing strings ---- */

typedef struct StrBuf {
    char *s;
    size_t len, cap;
} StrBuf;

static void sb_putn(StrBuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = MAX(b->cap * 2, b->len + n + 64);
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

static void sb_puts(StrBuf *b, const char *s)
{
    sb_putn(b, s, strlen(s));
}

static void KEMU_PRINTF(2, 3) sb_printf(StrBuf *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    sb_putn(b, tmp, (size_t)MIN(MAX(n, 0), (int)sizeof(tmp) - 1));
}

/* ---- writer ---- */

/* Decode one UTF-8 sequence at s (at most n bytes); -1 when malformed. */
static int32_t utf8_decode(const uint8_t *s, size_t n, size_t *used)
{
    static const uint32_t min[] = { 0, 0x80, 0x800, 0x10000 };
    int extra = s[0] >= 0xf0 ? 3 : s[0] >= 0xe0 ? 2 : s[0] >= 0xc0 ? 1 : 0;
    uint32_t cp = s[0] & (0x3f >> extra);

    *used = 1;
    if (s[0] < 0x80)
        return s[0];
    if (s[0] < 0xc0 || s[0] > 0xf4 || (size_t)extra >= n)
        return -1;
    for (int k = 1; k <= extra; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (s[k] & 0x3f);
    }
    if (cp < min[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    *used = extra + 1;
    return (int32_t)cp;
}

static void json_write_string(StrBuf *b, const char *s, size_t n)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t used;

    sb_putn(b, "\"", 1);
    for (size_t k = 0; k < n; k += used) {
        int32_t cp = utf8_decode(p + k, n - k, &used);

        switch (cp) {
        case '"': sb_puts(b, "\\\""); continue;
        case '\\': sb_puts(b, "\\\\"); continue;
        case '\b': sb_puts(b, "\\b"); continue;
        case '\f': sb_puts(b, "\\f"); continue;
        case '\n': sb_puts(b, "\\n"); continue;
        case '\r': sb_puts(b, "\\r"); continue;
        case '\t': sb_puts(b, "\\t"); continue;
        default: break;
        }
        if (cp < 0)
            cp = 0xfffd;
        if (cp >= 0x20 && cp < 0x7f) {
            char c = (char)cp;
            sb_putn(b, &c, 1);
        } else if (cp > 0xffff) {
            cp -= 0x10000;
            sb_printf(b, "\\u%04x\\u%04x", 0xd800 | (cp >> 10), 0xdc00 | (cp & 0x3ff));
        } else {
            sb_printf(b, "\\u%04x", (unsigned)cp);
        }
    }
    sb_putn(b, "\"", 1);
}

static void json_indent(StrBuf *b, bool pretty, int level)
{
    if (!pretty)
        return;
    sb_putn(b, "\n", 1);
    for (int k = 0; k < level; k++)
        sb_puts(b, "    ");
}

static void json_write(StrBuf *b, const Json *v, bool pretty, int level)
{
    switch (v->type) {
    case JSON_NULL: sb_puts(b, "null"); return;
    case JSON_BOOL: sb_puts(b, v->b ? "true" : "false"); return;
    case JSON_INT: sb_printf(b, "%lld", (long long)v->i); return;
    case JSON_DOUBLE: sb_printf(b, "%.17g", v->d); return;
    case JSON_STRING: json_write_string(b, v->s, v->n); return;
    default: break;
    }
    sb_puts(b, v->type == JSON_ARRAY ? "[" : "{");
    for (unsigned k = 0; k < v->n; k++) {
        if (k)
            sb_puts(b, pretty ? "," : ", ");
        json_indent(b, pretty, level + 1);
        if (v->type == JSON_OBJECT) {
            json_write_string(b, v->keys[k], strlen(v->keys[k]));
            sb_puts(b, ": ");
        }
        json_write(b, v->items[k], pretty, level + 1);
    }
    json_indent(b, pretty, level);
    sb_puts(b, v->type == JSON_ARRAY ? "]" : "}");
}

char *json_to_string(const Json *v, bool pretty)
{
    StrBuf b = { NULL, 0, 0 };

    sb_puts(&b, "");
    json_write(&b, v, pretty, 0);
    return b.s;
}

/* ---- parser ---- */

typedef struct JsonParser {
    const char *p, *end;
    int depth;
    char *err;
} JsonParser;

static Json *jp_value(JsonParser *jp);

static void KEMU_PRINTF(2, 3) jp_error(JsonParser *jp, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (jp->err)
        return;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    jp->err = xasprintf("JSON parse error, %s", msg ? msg : "out of memory");
    free(msg);
}

static void jp_skip_ws(JsonParser *jp)
{
    while (jp->p < jp->end && strchr(" \t\r\n", *jp->p) && *jp->p)
        jp->p++;
}

static int jp_hex4(const char *p, const char *end)
{
    int v = 0;

    if (end - p < 4)
        return -1;
    for (int k = 0; k < 4; k++) {
        char c = p[k];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static void sb_put_utf8(StrBuf *b, uint32_t cp)
{
    char u[4];
    size_t n;

    if (cp < 0x80) {
        u[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), u[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
    }
    sb_putn(b, u, n);
}

/* \uXXXX at jp->p (after the backslash and 'u'), with a surrogate pair. */
static bool jp_unicode(JsonParser *jp, StrBuf *b)
{
    int hi = jp_hex4(jp->p, jp->end), lo;

    if (hi < 0)
        return false;
    jp->p += 4;
    if (hi >= 0xd800 && hi < 0xdc00 && jp->end - jp->p >= 6 && jp->p[0] == '\\' &&
        jp->p[1] == 'u' && (lo = jp_hex4(jp->p + 2, jp->end)) >= 0xdc00 && lo < 0xe000) {
        jp->p += 6;
        sb_put_utf8(b, 0x10000 + (((uint32_t)hi - 0xd800) << 10) + ((uint32_t)lo - 0xdc00));
        return true;
    }
    sb_put_utf8(b, hi >= 0xd800 && hi < 0xe000 ? 0xfffd : (uint32_t)hi);
    return true;
}

static bool jp_escape(JsonParser *jp, StrBuf *b)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *e;
    char c;

    if (jp->p >= jp->end)
        return false;
    c = *jp->p++;
    if (c == 'u')
        return jp_unicode(jp, b);
    e = c ? strchr(from, c) : NULL;
    if (!e)
        return false;
    sb_putn(b, &to[e - from], 1);
    return true;
}

static Json *jp_string(JsonParser *jp)
{
    StrBuf b = { NULL, 0, 0 };
    Json *v;

    jp->p++; /* opening quote */
    sb_puts(&b, "");
    while (jp->p < jp->end && *jp->p != '"') {
        unsigned char c = (unsigned char)*jp->p;

        if (c < 0x20) {
            jp_error(jp, "invalid character in string");
            free(b.s);
            return NULL;
        }
        jp->p++;
        if (c == '\\' && !jp_escape(jp, &b)) {
            jp_error(jp, "invalid escape sequence in string");
            free(b.s);
            return NULL;
        }
        if (c != '\\')
            sb_putn(&b, (const char *)&c, 1);
    }
    if (jp->p >= jp->end) {
        jp_error(jp, "missing closing quote in string");
        free(b.s);
        return NULL;
    }
    jp->p++;
    v = json_string_len(b.s, b.len);
    free(b.s);
    return v;
}

static Json *jp_number(JsonParser *jp)
{
    const char *s = jp->p, *q = s;
    bool real = false;
    char *tmp, *endp;
    Json *v;

    q += *q == '-';
    if (q >= jp->end || !(*q >= '0' && *q <= '9')) {
        jp_error(jp, "invalid number");
        return NULL;
    }
    while (q < jp->end && ((*q >= '0' && *q <= '9') || strchr(".eE+-", *q))) {
        real |= *q == '.' || *q == 'e' || *q == 'E';
        q++;
    }
    tmp = xasprintf("%.*s", (int)(q - s), s);
    errno = 0;
    if (!real) {
        long long n = strtoll(tmp, &endp, 10);
        if (!*endp && errno != ERANGE) {
            jp->p = q;
            free(tmp);
            return json_int(n);
        }
    }
    errno = 0;
    v = json_double(strtod(tmp, &endp));
    if (*endp) {
        jp_error(jp, "invalid number '%s'", tmp);
        json_free(v);
        v = NULL;
    }
    jp->p = q;
    free(tmp);
    return v;
}

static Json *jp_keyword(JsonParser *jp)
{
    static const struct { const char *word; JsonType t; bool b; } kw[] = {
        { "true", JSON_BOOL, true }, { "false", JSON_BOOL, false }, { "null", JSON_NULL, false },
    };
    const char *s = jp->p;
    size_t n = 0;

    while (s + n < jp->end && ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z')))
        n++;
    if (!n) {
        jp_error(jp, "stray '%c'", *s);
        return NULL;
    }
    jp->p += n;
    for (size_t k = 0; k < ARRAY_SIZE(kw); k++) {
        if (strlen(kw[k].word) == n && !strncmp(s, kw[k].word, n))
            return kw[k].t == JSON_BOOL ? json_bool(kw[k].b) : json_null();
    }
    jp_error(jp, "invalid keyword '%.*s'", (int)n, s);
    return NULL;
}

/* After an element: ',' continues, close ends; anything else is an error. */
static int jp_separator(JsonParser *jp, char close, const char *what)
{
    jp_skip_ws(jp);
    if (jp->p < jp->end && *jp->p == ',') {
        jp->p++;
        return 1;
    }
    if (jp->p < jp->end && *jp->p == close) {
        jp->p++;
        return 0;
    }
    jp_error(jp, "expected separator in %s", what);
    return -1;
}

static Json *jp_array(JsonParser *jp)
{
    Json *arr = json_array();
    int more = 1;

    jp->p++;
    jp_skip_ws(jp);
    if (jp->p < jp->end && *jp->p == ']') {
        jp->p++;
        return arr;
    }
    while (more > 0) {
        Json *v = jp_value(jp);
        if (!v)
            break;
        json_append(arr, v);
        more = jp_separator(jp, ']', "list");
    }
    if (more) {
        json_free(arr);
        return NULL;
    }
    return arr;
}

static bool jp_member(JsonParser *jp, Json *obj)
{
    Json *key, *v;

    jp_skip_ws(jp);
    if (jp->p >= jp->end || *jp->p != '"') {
        jp_error(jp, "key is not a string in object");
        return false;
    }
    key = jp_string(jp);
    if (!key)
        return false;
    jp_skip_ws(jp);
    if (jp->p >= jp->end || *jp->p != ':') {
        jp_error(jp, "missing : in object pair");
        json_free(key);
        return false;
    }
    jp->p++;
    v = jp_value(jp);
    if (v)
        json_set(obj, key->s, v);
    json_free(key);
    return v != NULL;
}

static Json *jp_object(JsonParser *jp)
{
    Json *obj = json_object();
    int more = 1;

    jp->p++;
    jp_skip_ws(jp);
    if (jp->p < jp->end && *jp->p == '}') {
        jp->p++;
        return obj;
    }
    while (more > 0 && jp_member(jp, obj))
        more = jp_separator(jp, '}', "dict");
    if (more) {
        json_free(obj);
        return NULL;
    }
    return obj;
}

static Json *jp_value(JsonParser *jp)
{
    Json *v;
    char c;

    jp_skip_ws(jp);
    if (jp->p >= jp->end) {
        jp_error(jp, "expecting value");
        return NULL;
    }
    if (++jp->depth > JSON_MAX_DEPTH) {
        jp_error(jp, "nesting too deep");
        return NULL;
    }
    c = *jp->p;
    if (c == '{')
        v = jp_object(jp);
    else if (c == '[')
        v = jp_array(jp);
    else if (c == '"')
        v = jp_string(jp);
    else if (c == '-' || (c >= '0' && c <= '9'))
        v = jp_number(jp);
    else if (c == '}' || c == ']' || c == ',' || c == ':')
        v = (jp_error(jp, "expecting value"), NULL);
    else
        v = jp_keyword(jp);
    jp->depth--;
    return v;
}

Json *json_parse(const char *text, size_t len, char **err)
{
    JsonParser jp = { text, text + len, 0, NULL };
    Json *v = jp_value(&jp);

    jp_skip_ws(&jp);
    if (v && jp.p < jp.end) {
        jp_error(&jp, "trailing characters after value");
        json_free(v);
        v = NULL;
    }
    if (!v && !jp.err)
        jp_error(&jp, "expecting value");
    if (err)
        *err = jp.err;
    else
        free(jp.err);
    return v;
}

/* ---- stream splitter ---- */

void json_stream_init(JsonStreamer *js)
{
    memset(js, 0, sizeof(*js));
}

void json_stream_reset(JsonStreamer *js)
{
    free(js->buf);
    json_stream_init(js);
}

static void js_emit(JsonStreamer *js, JsonStreamFn *fn, void *opaque)
{
    bool over = js->overflow;

    if (js->len || over) {
        if (over)
            fn(opaque, NULL, 0, "JSON parse error, input too large or nested too deep");
        else
            fn(opaque, js->buf, js->len, NULL);
    }
    js->len = 0;
    js->depth = 0;
    js->in_string = js->escape = js->overflow = false;
}

static void js_store(JsonStreamer *js, char c)
{
    if (js->overflow)
        return;
    if (js->len + 2 > JSON_STREAM_MAX || js->depth > JSON_MAX_DEPTH) {
        js->overflow = true;
        return;
    }
    if (js->len + 2 > js->cap) {
        js->cap = MAX(js->cap * 2, 256);
        js->buf = xrealloc(js->buf, js->cap);
    }
    js->buf[js->len++] = c;
    js->buf[js->len] = 0;
}

/* One byte inside a string: only the closing quote matters. */
static bool js_string_byte(JsonStreamer *js, char c)
{
    js_store(js, c);
    if (js->escape)
        js->escape = false;
    else if (c == '\\')
        js->escape = true;
    else if (c == '"')
        js->in_string = false;
    return !js->in_string && js->depth == 0;
}

static void js_byte(JsonStreamer *js, char c, JsonStreamFn *fn, void *opaque)
{
    bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';

    if (js->in_string) {
        if (js_string_byte(js, c))
            js_emit(js, fn, opaque);
        return;
    }
    if (js->depth == 0 && (space || strchr("{[\"}]", c)) && c && js->len)
        js_emit(js, fn, opaque); /* a pending top-level scalar ends here */
    if (space && js->depth == 0)
        return;
    js_store(js, c);
    if (c == '"') {
        js->in_string = true;
    } else if (c == '{' || c == '[') {
        js->depth++;
    } else if (c == '}' || c == ']') {
        if (--js->depth <= 0)
            js_emit(js, fn, opaque);
    }
}

void json_stream_feed(JsonStreamer *js, const uint8_t *data, size_t len, JsonStreamFn *fn,
                      void *opaque)
{
    for (size_t k = 0; k < len; k++)
        js_byte(js, (char)data[k], fn, opaque);
}
