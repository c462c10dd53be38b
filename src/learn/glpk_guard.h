/* learn/glpk_guard.h - every GLPK call of libllr runs inside this guard.
 *
 * GLPK reports a fatal error (a failed assertion, an allocation failure
 * inside it, including while it creates its environment or a problem
 * object) by printing it and calling abort(). A library must never abort
 * its host, so libllr calls GLPK only through llr_glpk_run: it creates the
 * environment (glp_init_env, which reports a lack of memory instead of
 * aborting), installs GLPK's error hook, which longjmps back into
 * llr_glpk_run, and its terminal hook, which keeps GLPK's messages off
 * stdout and keeps the first ones for the error message. Then it creates
 * the problem object and calls body on it.
 *
 * On a GLPK failure the whole GLPK environment is freed (glp_free_env:
 * every problem object goes with it) and the failure becomes LLR_ENOMEM
 * (GLPK's message mentions memory) or LLR_ESOLVER, naming `what`. So:
 *  - no other GLPK problem may be alive in the calling thread;
 *  - body must own no memory of its own (a longjmp leaves it mid-way):
 *    everything it needs is allocated by the caller, in ctx, before the
 *    call, and freed by the caller after it, whatever the result;
 *  - body runs to its end otherwise, and its result is returned.
 */
#ifndef LLR_GLPK_GUARD_H
#define LLR_GLPK_GUARD_H

#include <glpk.h>

#include "base/error.h"

typedef int llr_glpk_body(glp_prob *lp, void *ctx, llr_error *e);

LLR_MUST_CHECK int llr_glpk_run(const char *what, llr_glpk_body *body,
                                void *ctx, llr_error *e);

#endif
