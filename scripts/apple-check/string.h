/* Compile-check only: see TargetConditionals.h here. The C library declarations ring's sources use. */
#ifndef ELITEA_TEST_STRING_H
#define ELITEA_TEST_STRING_H
#include <stddef.h>
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
#endif
