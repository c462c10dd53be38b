/* base/clock.h - elapsed time, for timeouts and progress reports only:
 * nothing a run computes depends on it. */
#ifndef LLR_CLOCK_H
#define LLR_CLOCK_H

/* Seconds on the monotonic clock (an arbitrary origin). */
double llr_clock_seconds(void);

#endif
