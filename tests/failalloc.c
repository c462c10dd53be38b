/* tests/failalloc.c - an LD_PRELOAD library that fails one allocation:
 * with LLR_FAIL_AT=k in the environment, the k-th call (counting from 1)
 * of malloc, calloc or realloc returns NULL with errno ENOMEM; every other
 * call goes to glibc. For the release build only (the sanitizers have their
 * own allocator). Used by tests/hostile.sh. */
#include <errno.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static long fail_at = -1, calls;

static int fail_now(void)
{
    if (fail_at < 0) {
        const char *s = getenv("LLR_FAIL_AT");
        fail_at = s ? strtol(s, NULL, 10) : 0;
    }
    if (++calls == fail_at) {
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

void *malloc(size_t n)
{
    return fail_now() ? NULL : __libc_malloc(n);
}

void *calloc(size_t k, size_t n)
{
    return fail_now() ? NULL : __libc_calloc(k, n);
}

void *realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __libc_realloc(p, n);
}
