/* Compile-check only: see TargetConditionals.h here. The C library declarations ring's sources use. */
#ifndef ELITEA_TEST_STDLIB_H
#define ELITEA_TEST_STDLIB_H
#include <stddef.h>
void abort(void) __attribute__((noreturn));
void *malloc(size_t n);
void free(void *p);
#endif
