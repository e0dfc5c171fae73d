/* Small building blocks: growable buffers, string lists, base64, checked allocation. */
#ifndef MKCTL_UTIL_H
#define MKCTL_UTIL_H

#include <stddef.h>

/* A growable byte buffer; data is always NUL-terminated (not counted in len). */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
} buf;

void buf_init(buf *b);
void buf_free(buf *b);
void buf_clear(buf *b);
void buf_append(buf *b, const void *data, size_t len);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Removes trailing spaces, tabs and newlines. */
void buf_rtrim(buf *b);

/* A list of owned strings. */
typedef struct {
    char **items;
    size_t len;
    size_t cap;
} strlist;

void strlist_init(strlist *l);
void strlist_free(strlist *l);
void strlist_add(strlist *l, const char *s);
int strlist_contains(const strlist *l, const char *s);
void strlist_sort(strlist *l);

/* Allocation that never returns NULL: on failure the process reports an internal error. */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Installed by main: prints the internal-error JSON and exits. */
extern void (*util_oom_handler)(void);

/* Base64, RFC 4648 standard alphabet with padding. */
void base64_encode(buf *out, const unsigned char *data, size_t len);
/* Strict decode: length a multiple of 4, correct padding, no other characters. 0 on success. */
int base64_decode(const char *in, size_t len, buf *out);

/* Parses a decimal integer that must fill the whole string, in [min, max]. 0 on success. */
int parse_int_range(const char *s, long long min, long long max, long long *out);

#endif
