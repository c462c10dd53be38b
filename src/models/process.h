/* models/process.h - a model behind a child process (MODEL = "exec:COMMAND").
 *
 * The child is started with /bin/sh -c COMMAND and speaks the protocol of
 * protocol.h on its stdin and stdout; its stderr passes through. Every
 * logit query is one request and one reply. Failures are errors, never
 * crashes: the command failing to start or exiting, a reply that is not
 * JSON or has the wrong length or a non-finite number, a line longer than
 * LLR_PROTOCOL_MAX_LINE, and a reply slower than the timeout (default
 * 30 s; LLR_EXEC_TIMEOUT in the environment, in seconds, overrides it). */
#ifndef LLR_PROCESS_H
#define LLR_PROCESS_H

#include "models/model.h"

LLR_MUST_CHECK
int llr_exec_open(const char *command, llr_model **out, llr_error *e);

#endif
