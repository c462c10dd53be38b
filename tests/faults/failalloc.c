/* tests/faults/failalloc.c - an LD_PRELOAD allocator that fails one
 * allocation (make check-faults, docs/reliability.md).
 *
 * Every call to malloc, calloc, realloc (and posix_memalign,
 * aligned_alloc) of the process is counted, GLPK's, LAPACK's and
 * jansson's included, from the start of main: the constructors of the
 * shared libraries (libgfortran's, OpenBLAS's) run before main, outside
 * llr's control, and are not counted. With LLR_FAIL_AT=k the k-th call
 * returns NULL (errno ENOMEM); with LLR_FAIL_COUNT=FILE the number of
 * calls is written to FILE at exit; with LLR_FAIL_BACKTRACE set, the
 * failed call's backtrace goes to stderr.
 *
 * Built with -DLLR_FAIL_NEXT it works under ASan (build/san/failalloc.so):
 * the calls that do not fail go to the next allocator, ASan's, found with
 * dlsym; run with ASAN_OPTIONS=verify_asan_link_order=0. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef LLR_FAIL_NEXT
/* Under ASan: the next allocator in the search order (ASan's), found with
 * dlsym; allocations made while dlsym runs come from a static arena. */
static void (*next_free)(void *);
static void *(*next_malloc)(size_t), *(*next_calloc)(size_t, size_t),
    *(*next_realloc)(void *, size_t), *(*next_memalign)(size_t, size_t);
static char arena[1 << 16];
static size_t arena_used;
static int resolving;
static void *arena_alloc(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (arena_used + n > sizeof arena)
        return NULL;
    void *p = arena + arena_used;
    arena_used += n;
    return p;
}
static void resolve(void)
{
    if (next_malloc || resolving)
        return;
    resolving = 1;
    *(void **)&next_free = dlsym(RTLD_NEXT, "free");
    *(void **)&next_calloc = dlsym(RTLD_NEXT, "calloc");
    *(void **)&next_realloc = dlsym(RTLD_NEXT, "realloc");
    *(void **)&next_memalign = dlsym(RTLD_NEXT, "memalign");
    *(void **)&next_malloc = dlsym(RTLD_NEXT, "malloc");
    resolving = 0;
}
static void *__libc_malloc(size_t n)
{
    resolve();
    return next_malloc ? next_malloc(n) : arena_alloc(n);
}
static void *__libc_calloc(size_t k, size_t n)
{
    resolve();
    return next_calloc ? next_calloc(k, n) : arena_alloc(k * n);
}
static void *__libc_realloc(void *p, size_t n)
{
    resolve();
    return next_realloc(p, n);
}
static void *__libc_memalign(size_t a, size_t n)
{
    resolve();
    return next_memalign(a, n);
}
void free(void *p)
{
    if (!p || ((char *)p >= arena && (char *)p < arena + sizeof arena))
        return;
    resolve();
    if (next_free)
        next_free(p);
}
#else
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
#endif

static unsigned long count, fail_at;
static int ready, active;

typedef int (*main_fn)(int, char **, char **);
typedef int (*start_fn)(main_fn, int, char **, void (*)(void),
                        void (*)(void), void (*)(void), void *);
static main_fn real_main;

static int counted_main(int argc, char **argv, char **envp)
{
    active = 1;
    return real_main(argc, argv, envp);
}

/* glibc calls main through __libc_start_main: wrap main to start the
 * count there. */
int __libc_start_main(main_fn m, int argc, char **argv, void (*init)(void),
                      void (*fini)(void), void (*rtld_fini)(void),
                      void *stack_end)
{
    start_fn real;
    *(void **)&real = dlsym(RTLD_NEXT, "__libc_start_main");
    real_main = m;
    return real(counted_main, argc, argv, init, fini, rtld_fini, stack_end);
}

static void init(void)
{
    ready = 1;
    const char *s = getenv("LLR_FAIL_AT");
    fail_at = s ? strtoul(s, NULL, 10) : 0;
}

static int fail_now(void)
{
    if (!active)
        return 0;
    if (!ready)
        init();
    count++;
    if (fail_at && count == fail_at) {
        if (getenv("LLR_FAIL_BACKTRACE")) {
            void *b[32];
            active = 0; /* backtrace may allocate */
            backtrace_symbols_fd(b, backtrace(b, 32), 2);
            active = 1;
        }
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

void *malloc(size_t n)
{
    return fail_now() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
    return fail_now() ? NULL : __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __libc_realloc(p, n);
}

int posix_memalign(void **p, size_t a, size_t n)
{
    if (fail_now())
        return ENOMEM;
    void *q = __libc_memalign(a, n);
    if (!q)
        return ENOMEM;
    *p = q;
    return 0;
}

void *aligned_alloc(size_t a, size_t n)
{
    return fail_now() ? NULL : __libc_memalign(a, n);
}

__attribute__((destructor)) static void report(void)
{
    const char *f = getenv("LLR_FAIL_COUNT");
    if (!f)
        return;
    int fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return;
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%lu\n", count);
    if (n > 0 && write(fd, buf, (size_t)n) < 0)
        n = 0;
    close(fd);
}
