/* base/fileio.h - whole-file reads and atomic writes. */
#ifndef LLR_FILEIO_H
#define LLR_FILEIO_H

#include <stddef.h>

#include "base/error.h"

/* Read the whole file into a new buffer (NUL-terminated beyond len). */
LLR_MUST_CHECK
int llr_read_file(const char *path, unsigned char **buf, size_t *len,
                  llr_error *e);

/* Write len bytes to path atomically: a temporary file in the same
 * directory, flushed, then renamed over path. On failure path is untouched
 * and the temporary file is removed. A path registered with
 * llr_output_add (base/output.h) is only staged, committed with the run's
 * other outputs; devices, FIFOs and "-" are written directly; symlinks are
 * followed; an existing file keeps its mode. */
LLR_MUST_CHECK
int llr_write_atomic(const char *path, const void *buf, size_t len,
                     llr_error *e);

#endif
