#include "learn/glpk_guard.h"

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

int llr_glpk_run(const char *what, llr_glpk_body *body, void *ctx,
                 llr_error *e)
{
    /* Without memory for its environment GLPK would abort before any
     * hook is in place; glp_init_env reports it instead. */
    int ie = glp_init_env();
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
