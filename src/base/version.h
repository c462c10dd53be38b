/* base/version.h - the version of llr (library, command and file formats).
 *
 * Semantic versioning: MAJOR changes when the library's interface or a file
 * format changes incompatibly (the shared library's soname is
 * libllr.so.MAJOR), MINOR when something is added, PATCH for fixes. */
#ifndef LLR_VERSION_H
#define LLR_VERSION_H

#define LLR_VERSION_MAJOR 0
#define LLR_VERSION_MINOR 1
#define LLR_VERSION_PATCH 0
#define LLR_VERSION_STRING "0.1.0"

/* The version of the library actually linked: "MAJOR.MINOR.PATCH", equal
 * to LLR_VERSION_STRING of the headers it was built from. A program can
 * compare it with the LLR_VERSION_STRING it was compiled against. */
const char *llr_version(void);

#endif
