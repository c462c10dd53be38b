#include "learn/glpk_guard.h"

#include <pthread.h>
#include <setjmp.h>
#include <string.h>

typedef struct glpk_guard {
    jmp_buf jb;
    char msg[240];
    size_t len;
} glpk_guard;

static int guard_term(void *info, const char *s)
{
    glpk_guard *gd = info;
    for (; *s && gd->len + 1 < sizeof gd->msg; s++)
        gd->msg[gd->len++] = *s == '\n' ? ' ' : *s;
    gd->msg[gd->len] = '\0';
    return 1; /* nothing reaches the terminal */
}

static void guard_error(void *info)
{
    longjmp(((glpk_guard *)info)->jb, 1);
}

/* GLPK's environment is per thread (thread-local storage): a thread that
 * solved an LP frees its own when it ends (the main thread's lasts until
 * exit). */
static pthread_key_t env_key;
static pthread_once_t env_once = PTHREAD_ONCE_INIT;

static void env_end(void *unused)
{
    (void)unused;
    glp_free_env();
}

static void env_key_make(void)
{
    (void)pthread_key_create(&env_key, env_end);
}

static void env_mark_thread(void)
{
    static const int one = 1;
    if (pthread_once(&env_once, env_key_make) == 0 &&
        !pthread_getspecific(env_key))
        (void)pthread_setspecific(env_key, &one);
}

int llr_glpk_run(const char *what, llr_glpk_body *body, void *ctx,
                 llr_error *e)
{
    /* Without memory for its environment GLPK would abort before any
     * hook is in place; glp_init_env reports it instead. */
    int ie = glp_init_env();
    env_mark_thread();
    if (ie == 2 || ie == 3)
        return llr_fail(e, ie == 2 ? LLR_ENOMEM : LLR_ESOLVER,
                        "GLPK cannot initialise its environment for %s (%s)",
                        what, ie == 2 ? "out of memory" : "unsupported");
    /* Static, not automatic: the hooks change it between setjmp and
     * longjmp. One per thread, as GLPK's environment is. */
    static _Thread_local glpk_guard gd;
    gd.len = 0, gd.msg[0] = '\0';
    if (setjmp(gd.jb)) {
        glp_free_env(); /* frees the problem too; the hooks go with it */
        return llr_fail(e, strstr(gd.msg, "memory") ? LLR_ENOMEM
                                                    : LLR_ESOLVER,
                        "GLPK failed on %s: %s", what,
                        gd.msg[0] ? gd.msg : "(no message)");
    }
    glp_term_hook(guard_term, &gd);
    glp_error_hook(guard_error, &gd);
    glp_prob *lp = glp_create_prob();
    int rc = body(lp, ctx, e);
    glp_delete_prob(lp);
    glp_error_hook(NULL, NULL);
    glp_term_hook(NULL, NULL);
    return rc;
}
