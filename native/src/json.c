#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ writer */

void jw_init(jw *w, buf *out) {
    w->out = out;
    w->depth = 0;
    w->first[0] = 1;
    w->after_key = 0;
}

static void jw_sep(jw *w) {
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (!w->first[w->depth]) {
        buf_putc(w->out, ',');
    }
    w->first[w->depth] = 0;
}

static void jw_open(jw *w, char c) {
    jw_sep(w);
    buf_putc(w->out, c);
    if (w->depth + 1 < JW_MAX_DEPTH) {
        w->depth++;
    }
    w->first[w->depth] = 1;
}

static void jw_close(jw *w, char c) {
    buf_putc(w->out, c);
    if (w->depth > 0) {
        w->depth--;
    }
}

void jw_obj(jw *w) { jw_open(w, '{'); }
void jw_obj_end(jw *w) { jw_close(w, '}'); }
void jw_arr(jw *w) { jw_open(w, '['); }
void jw_arr_end(jw *w) { jw_close(w, ']'); }

/* Length of a valid UTF-8 sequence starting at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n) {
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) { len = 2; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { len = 3; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { len = 4; min = 0x10000; }
    else return 0;
    if (n < len) return 0;
    unsigned cp = c & (0x3f >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return len;
}

static void put_escaped(buf *out, const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    buf_putc(out, '"');
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c == '"' || c == '\\') {
            buf_putc(out, '\\');
            buf_putc(out, (char)c);
            i++;
        } else if (c == '\n') {
            buf_puts(out, "\\n");
            i++;
        } else if (c == '\t') {
            buf_puts(out, "\\t");
            i++;
        } else if (c == '\r') {
            buf_puts(out, "\\r");
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            buf_printf(out, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            buf_putc(out, (char)c);
            i++;
        } else {
            size_t len = utf8_len(p + i, n - i);
            if (len == 0) {
                buf_puts(out, "\\ufffd");
                i++;
            } else {
                buf_append(out, p + i, len);
                i += len;
            }
        }
    }
    buf_putc(out, '"');
}

void jw_key(jw *w, const char *key) {
    jw_sep(w);
    put_escaped(w->out, key, strlen(key));
    buf_putc(w->out, ':');
    w->after_key = 1;
}

void jw_str(jw *w, const char *s) {
    if (!s) {
        jw_null(w);
        return;
    }
    jw_strn(w, s, strlen(s));
}

void jw_strn(jw *w, const char *s, size_t n) {
    jw_sep(w);
    put_escaped(w->out, s, n);
}

void jw_int(jw *w, long long v) {
    jw_sep(w);
    buf_printf(w->out, "%lld", v);
}

void jw_bool(jw *w, int v) {
    jw_sep(w);
    buf_puts(w->out, v ? "true" : "false");
}

void jw_null(jw *w) {
    jw_sep(w);
    buf_puts(w->out, "null");
}

void jw_base64(jw *w, const void *data, size_t len) {
    jw_sep(w);
    buf_putc(w->out, '"');
    base64_encode(w->out, data, len);
    buf_putc(w->out, '"');
}

void jw_raw(jw *w, const char *json, size_t len) {
    jw_sep(w);
    buf_append(w->out, json, len);
}

/* ------------------------------------------------------------------ parser */

typedef struct {
    const char *p;
    const char *end;
    const char *start;
    int max_depth;
    size_t max_items;
    char *err;
    size_t errlen;
} parser;

static int fail(parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(parser *ps, const char *fmt, ...) {
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(ps->err, ps->errlen, "invalid JSON at byte %zu: %s", (size_t)(ps->p - ps->start), msg);
    return -1;
}

static void skip_ws(parser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) {
        ps->p++;
    }
}

static int hex4(parser *ps, unsigned *out) {
    if (ps->end - ps->p < 4) {
        return fail(ps, "truncated \\u escape");
    }
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = ps->p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return fail(ps, "bad \\u escape");
    }
    ps->p += 4;
    *out = v;
    return 0;
}

static void put_utf8(buf *b, unsigned cp) {
    char o[4];
    if (cp < 0x80) {
        o[0] = (char)cp;
        buf_append(b, o, 1);
    } else if (cp < 0x800) {
        o[0] = (char)(0xc0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3f));
        buf_append(b, o, 2);
    } else if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        buf_append(b, o, 3);
    } else {
        o[0] = (char)(0xf0 | cp >> 18);
        o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
        o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
        o[3] = (char)(0x80 | (cp & 0x3f));
        buf_append(b, o, 4);
    }
}

static int parse_string(parser *ps, char **out, size_t *outlen) {
    /* at the opening quote */
    ps->p++;
    buf b;
    buf_init(&b);
    buf_append(&b, "", 0);
    while (1) {
        if (ps->p >= ps->end) {
            buf_free(&b);
            return fail(ps, "unterminated string");
        }
        unsigned char c = (unsigned char)*ps->p;
        if (c == '"') {
            ps->p++;
            break;
        }
        if (c < 0x20) {
            buf_free(&b);
            return fail(ps, "control character in string");
        }
        if (c == '\\') {
            ps->p++;
            if (ps->p >= ps->end) {
                buf_free(&b);
                return fail(ps, "unterminated escape");
            }
            char e = *ps->p++;
            switch (e) {
                case '"': buf_putc(&b, '"'); break;
                case '\\': buf_putc(&b, '\\'); break;
                case '/': buf_putc(&b, '/'); break;
                case 'b': buf_putc(&b, '\b'); break;
                case 'f': buf_putc(&b, '\f'); break;
                case 'n': buf_putc(&b, '\n'); break;
                case 'r': buf_putc(&b, '\r'); break;
                case 't': buf_putc(&b, '\t'); break;
                case 'u': {
                    unsigned cp;
                    if (hex4(ps, &cp)) {
                        buf_free(&b);
                        return -1;
                    }
                    if (cp >= 0xd800 && cp <= 0xdbff) {
                        unsigned lo;
                        if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u') {
                            buf_free(&b);
                            return fail(ps, "unpaired surrogate");
                        }
                        ps->p += 2;
                        if (hex4(ps, &lo)) {
                            buf_free(&b);
                            return -1;
                        }
                        if (lo < 0xdc00 || lo > 0xdfff) {
                            buf_free(&b);
                            return fail(ps, "unpaired surrogate");
                        }
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                        buf_free(&b);
                        return fail(ps, "unpaired surrogate");
                    }
                    if (cp == 0) {
                        buf_free(&b);
                        return fail(ps, "NUL character in string");
                    }
                    put_utf8(&b, cp);
                    break;
                }
                default:
                    buf_free(&b);
                    return fail(ps, "unknown escape \\%c", e);
            }
            continue;
        }
        buf_putc(&b, (char)c);
        ps->p++;
    }
    *out = b.data;
    *outlen = b.len;
    return 0;
}

static int parse_value(parser *ps, jv *v, int depth);

static int parse_container(parser *ps, jv *v, int depth, int is_obj) {
    if (depth >= ps->max_depth) {
        return fail(ps, "nesting deeper than %d", ps->max_depth);
    }
    ps->p++;
    v->type = is_obj ? JV_OBJ : JV_ARR;
    size_t cap = 0;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == (is_obj ? '}' : ']')) {
        ps->p++;
        return 0;
    }
    while (1) {
        if (v->n >= ps->max_items) {
            return fail(ps, "more than %zu elements", ps->max_items);
        }
        if (v->n == cap) {
            cap = cap ? cap * 2 : 8;
            v->items = xrealloc(v->items, cap * sizeof(jv));
            if (is_obj) {
                v->keys = xrealloc(v->keys, cap * sizeof(char *));
            }
        }
        jv *item = &v->items[v->n];
        memset(item, 0, sizeof *item);
        skip_ws(ps);
        if (is_obj) {
            if (ps->p >= ps->end || *ps->p != '"') {
                return fail(ps, "expected a key string");
            }
            char *key;
            size_t klen;
            if (parse_string(ps, &key, &klen)) {
                return -1;
            }
            for (size_t i = 0; i < v->n; i++) {
                if (strcmp(v->keys[i], key) == 0) {
                    int r = fail(ps, "duplicate key \"%s\"", key);
                    free(key);
                    return r;
                }
            }
            v->keys[v->n] = key;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                v->n++;
                return fail(ps, "expected ':'");
            }
            ps->p++;
        }
        v->n++;
        if (parse_value(ps, item, depth + 1)) {
            return -1;
        }
        skip_ws(ps);
        if (ps->p >= ps->end) {
            return fail(ps, "unterminated %s", is_obj ? "object" : "array");
        }
        if (*ps->p == ',') {
            ps->p++;
            continue;
        }
        if (*ps->p == (is_obj ? '}' : ']')) {
            ps->p++;
            return 0;
        }
        return fail(ps, "expected ',' or '%c'", is_obj ? '}' : ']');
    }
}

static int parse_value(parser *ps, jv *v, int depth) {
    skip_ws(ps);
    if (ps->p >= ps->end) {
        return fail(ps, "unexpected end of input");
    }
    char c = *ps->p;
    if (c == '{' || c == '[') {
        return parse_container(ps, v, depth, c == '{');
    }
    if (c == '"') {
        v->type = JV_STR;
        return parse_string(ps, &v->s, &v->slen);
    }
    if ((size_t)(ps->end - ps->p) >= 4 && memcmp(ps->p, "true", 4) == 0) {
        v->type = JV_BOOL;
        v->b = 1;
        ps->p += 4;
        return 0;
    }
    if ((size_t)(ps->end - ps->p) >= 5 && memcmp(ps->p, "false", 5) == 0) {
        v->type = JV_BOOL;
        v->b = 0;
        ps->p += 5;
        return 0;
    }
    if ((size_t)(ps->end - ps->p) >= 4 && memcmp(ps->p, "null", 4) == 0) {
        v->type = JV_NULL;
        ps->p += 4;
        return 0;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        const char *s = ps->p;
        if (*ps->p == '-') {
            ps->p++;
        }
        const char *digits = ps->p;
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
            ps->p++;
        }
        size_t nd = (size_t)(ps->p - digits);
        if (nd == 0) {
            return fail(ps, "bad number");
        }
        if (nd > 1 && digits[0] == '0') {
            return fail(ps, "leading zero in number");
        }
        if (ps->p < ps->end && (*ps->p == '.' || *ps->p == 'e' || *ps->p == 'E')) {
            return fail(ps, "numbers must be integers");
        }
        if (nd > 18) {
            return fail(ps, "number out of range");
        }
        char tmp[24];
        memcpy(tmp, s, (size_t)(ps->p - s));
        tmp[ps->p - s] = '\0';
        v->type = JV_INT;
        v->i = strtoll(tmp, NULL, 10);
        return 0;
    }
    return fail(ps, "unexpected character '%c'", c);
}

int json_parse(const char *text, size_t len, int max_depth, size_t max_items, jv *out, char *err, size_t errlen) {
    parser ps = {text, text + len, text, max_depth, max_items, err, errlen};
    memset(out, 0, sizeof *out);
    if (memchr(text, '\0', len)) {
        snprintf(err, errlen, "invalid JSON: NUL byte in input");
        return -1;
    }
    if (parse_value(&ps, out, 0)) {
        return -1;
    }
    skip_ws(&ps);
    if (ps.p != ps.end) {
        return fail(&ps, "trailing characters after the value");
    }
    return 0;
}

void jv_free(jv *v) {
    if (!v) {
        return;
    }
    free(v->s);
    for (size_t i = 0; i < v->n; i++) {
        jv_free(&v->items[i]);
        if (v->keys) {
            free(v->keys[i]);
        }
    }
    free(v->items);
    free(v->keys);
    memset(v, 0, sizeof *v);
}

const char *jv_type_name(jv_type t) {
    switch (t) {
        case JV_NULL: return "null";
        case JV_BOOL: return "boolean";
        case JV_INT: return "integer";
        case JV_STR: return "string";
        case JV_ARR: return "array";
        case JV_OBJ: return "object";
    }
    return "?";
}
