/* base/output.h - staged outputs: a run's output files are registered
 * before any work, written to temporary files beside their targets, and
 * committed together at the end, so that a failed or interrupted run
 * writes nothing (docs/reliability.md).
 *
 * - llr_output_add checks a target up front: its directory exists and a
 *   temporary file can be created there (it is created at once), and the
 *   target is neither an input (llr_output_input) nor another output, by
 *   device and inode and by resolved name.
 * - A symlink is followed to its target; an existing regular file keeps
 *   its mode; a target that exists and is not a regular file (a character
 *   device such as /dev/null, a FIFO) or "-" (standard output) is written
 *   directly and never replaced.
 * - llr_write_atomic (base/fileio.h) to a registered target writes its
 *   temporary file; llr_output_stream gives a stream on it.
 * - llr_outputs_commit flushes, checks and renames every output into
 *   place; llr_outputs_discard removes the temporary files;
 *   llr_outputs_unlink_temps does that from a signal handler. */
#ifndef LLR_OUTPUT_H
#define LLR_OUTPUT_H

#include <stdio.h>

#include "base/error.h"

/* At most this many outputs and inputs are registered at a time. */
#define LLR_OUTPUT_MAX 16

/* Register an input file: no output may be the same file. A path that
 * does not name an existing file (exec:..., a missing file) is ignored
 * here; reading it reports the error. */
LLR_MUST_CHECK
int llr_output_input(const char *path, llr_error *e);

/* Register an output target (see above). */
LLR_MUST_CHECK
int llr_output_add(const char *path, llr_error *e);

/* Whether path is a registered output (by the name given). */
int llr_output_registered(const char *path);

/* A stream on a registered output (its temporary file, or the target
 * itself if written directly); closed by commit or discard. NULL with e
 * set on failure. */
FILE *llr_output_stream(const char *path, llr_error *e);

/* Write len bytes as the whole content of registered output path. */
LLR_MUST_CHECK
int llr_output_write(const char *path, const void *buf, size_t len,
                     llr_error *e);

/* llr_write_atomic: a registered output is written (committed later with
 * the others); any other path is registered, written and committed at
 * once, alone. */
LLR_MUST_CHECK
int llr_output_write_now(const char *path, const void *buf, size_t len,
                         llr_error *e);

/* Flush, sync and close every output, then rename each temporary file
 * onto its target. On failure before the first rename nothing is
 * replaced; the registry is empty afterwards either way. */
LLR_MUST_CHECK
int llr_outputs_commit(llr_error *e);

/* Close and remove every temporary file; targets are untouched. */
void llr_outputs_discard(void);

/* Async-signal-safe: unlink every registered temporary file. */
void llr_outputs_unlink_temps(void);

#endif
