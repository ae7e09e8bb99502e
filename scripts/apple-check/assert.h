/* Compile-check only: see TargetConditionals.h here. */
#ifndef ELITEA_TEST_ASSERT_H
#define ELITEA_TEST_ASSERT_H
#define assert(e) ((void)(e))
#endif
