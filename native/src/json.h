/* A tiny JSON writer (compact output) and a bounded parser for batch input. */
#ifndef MKCTL_JSON_H
#define MKCTL_JSON_H

#include <stddef.h>

#include "util.h"

#define JW_MAX_DEPTH 16

/* Writer: keeps track of commas; the caller keeps keys and values in the right order. */
typedef struct {
    buf *out;
    int depth;
    int first[JW_MAX_DEPTH];
    int after_key;
} jw;

void jw_init(jw *w, buf *out);
void jw_obj(jw *w);
void jw_obj_end(jw *w);
void jw_arr(jw *w);
void jw_arr_end(jw *w);
void jw_key(jw *w, const char *key);
void jw_str(jw *w, const char *s);
/* A byte string of known length; invalid UTF-8 becomes U+FFFD. */
void jw_strn(jw *w, const char *s, size_t n);
void jw_int(jw *w, long long v);
void jw_bool(jw *w, int v);
void jw_null(jw *w);
void jw_base64(jw *w, const void *data, size_t len);
/* Inserts an already-encoded JSON value. */
void jw_raw(jw *w, const char *json, size_t len);

/* Parsed values. Numbers must be integers. */
typedef enum { JV_NULL, JV_BOOL, JV_INT, JV_STR, JV_ARR, JV_OBJ } jv_type;

typedef struct jv {
    jv_type type;
    int b;
    long long i;
    char *s;          /* JV_STR, NUL-terminated, no embedded NUL */
    size_t slen;
    struct jv *items; /* JV_ARR elements or JV_OBJ values */
    char **keys;      /* JV_OBJ keys */
    size_t n;
} jv;

/*
 * Parses a whole document (max nesting depth `max_depth`, at most `max_items` elements per
 * array or object). Returns 0 on success; otherwise -1 with a message in `err`.
 */
int json_parse(const char *text, size_t len, int max_depth, size_t max_items, jv *out, char *err, size_t errlen);
void jv_free(jv *v);
const char *jv_type_name(jv_type t);

#endif
