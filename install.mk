# install.mk - `make install` and `make uninstall` (included by GNUmakefile),
# and the test of an installed copy that `make check` runs.
#
#   make install [PREFIX=/usr/local] [DESTDIR=]
# installs under $(DESTDIR)$(PREFIX):
#   bin/llr                         the command
#   include/llr.h, include/llr/*/*.h the public header and the headers it
#                                   includes (PUB_HDRS; internal ones are
#                                   not installed)
#   include/llr/spec/*.acsl         the ACSL logic of their contracts
#                                   (read by Frama-C only)
#   lib/libllr.a                    the static library
#   lib/libllr.so.X.Y.Z             the shared library, soname libllr.so.X,
#   lib/libllr.so.X, lib/libllr.so  with its two symbolic links
#   lib/pkgconfig/llr.pc            for pkg-config (Libs.private: LAPACKE,
#                                   LAPACK, BLAS, GLPK, Jansson, libm, libdl)
#   share/man/man1/llr.1            the manual page
# PREFIX is written into llr.pc; DESTDIR only moves the files (staging).

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
INCLUDEDIR = $(PREFIX)/include
INSTALL_LIBDIR = $(PREFIX)/lib
PKGCONFIGDIR = $(INSTALL_LIBDIR)/pkgconfig
MANDIR = $(PREFIX)/share/man

LLR_VERSION := $(shell sed -n 's/^\#define LLR_VERSION_STRING "\(.*\)"/\1/p' src/base/version.h)
LLR_SOVERSION := $(firstword $(subst ., ,$(LLR_VERSION)))
LLR_SONAME := libllr.so.$(LLR_SOVERSION)
# The public headers: what include/llr.h includes, and what they include
# (tests/install.sh compiles llr.h from an installed copy, so a missing one
# fails make check). They keep their layer folder under include/llr/, and
# their includes of each other become <llr/LAYER/NAME.h>. Every other
# header of src/ is internal and is not installed.
PUB_HDRS := base/error.h base/prng.h base/strlist.h base/version.h \
    kernels/confidence.h kernels/divergence.h kernels/softmax.h \
    kernels/topk.h \
    io/safetensors.h io/safetensors_bounds.h io/trace.h \
    models/model.h models/isan.h models/approx.h models/table.h \
    models/parity.h models/arpa.h models/process.h \
    oracle/counts.h oracle/oracle.h oracle/recovery.h oracle/cond_sample.h \
    learn/certify.h learn/gls.h learn/params.h learn/export.h \
    learn/spectral.h \
    learn/exhaustive.h learn/empirical.h \
    measure/distance.h measure/spectrum.h \
    catalog/catalog.h conformance/tracediff.h

# The ACSL logic of the headers' contracts (spec/*.acsl), which the headers
# include for Frama-C only (#ifdef __FRAMAC__): installed beside them, as
# include/llr/spec/, so that an installed header can be read by Frama-C.
SPEC_FILES := $(sort $(wildcard spec/*.acsl))

.PHONY: install uninstall install-test trace-tests

# llr.pc names PREFIX: written afresh by every install.
install: build/libllr.a build/libllr.so build/llr
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(INSTALL_LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(LLR_VERSION)|' \
	    tools/llr.pc.in > build/llr.pc
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(INCLUDEDIR)/llr \
	    $(DESTDIR)$(INSTALL_LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
	    $(DESTDIR)$(MANDIR)/man1
	install -m 755 build/llr $(DESTDIR)$(BINDIR)/llr
	install -m 644 include/llr.h $(DESTDIR)$(INCLUDEDIR)/llr.h
	@set -e; for h in $(PUB_HDRS); do \
	  install -d $(DESTDIR)$(INCLUDEDIR)/llr/$$(dirname $$h); \
	  sed -e 's|^\(#include \)"\([a-z]*/[a-z_]*\.h\)"|\1<llr/\2>|' \
	      -e 's|^\(#include \)"\.\./\.\./\(spec/[a-z_]*\.acsl\)"|\1<llr/\2>|' \
	      src/$$h > $(DESTDIR)$(INCLUDEDIR)/llr/$$h; \
	  chmod 644 $(DESTDIR)$(INCLUDEDIR)/llr/$$h; \
	done
	@set -e; install -d $(DESTDIR)$(INCLUDEDIR)/llr/spec; \
	for s in $(SPEC_FILES); do \
	  sed 's|^\(#include \)"\([a-z_]*\.acsl\)"|\1<llr/spec/\2>|' $$s \
	    > $(DESTDIR)$(INCLUDEDIR)/llr/$$s; \
	  chmod 644 $(DESTDIR)$(INCLUDEDIR)/llr/$$s; \
	done
	install -m 644 build/libllr.a $(DESTDIR)$(INSTALL_LIBDIR)/libllr.a
	install -m 755 build/libllr.so \
	    $(DESTDIR)$(INSTALL_LIBDIR)/libllr.so.$(LLR_VERSION)
	ln -sf libllr.so.$(LLR_VERSION) $(DESTDIR)$(INSTALL_LIBDIR)/$(LLR_SONAME)
	ln -sf $(LLR_SONAME) $(DESTDIR)$(INSTALL_LIBDIR)/libllr.so
	install -m 644 build/llr.pc $(DESTDIR)$(PKGCONFIGDIR)/llr.pc
	install -m 644 docs/llr.1 $(DESTDIR)$(MANDIR)/man1/llr.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/llr $(DESTDIR)$(INCLUDEDIR)/llr.h \
	    $(addprefix $(DESTDIR)$(INCLUDEDIR)/llr/,$(PUB_HDRS) $(SPEC_FILES)) \
	    $(DESTDIR)$(INSTALL_LIBDIR)/libllr.a \
	    $(DESTDIR)$(INSTALL_LIBDIR)/libllr.so.$(LLR_VERSION) \
	    $(DESTDIR)$(INSTALL_LIBDIR)/$(LLR_SONAME) \
	    $(DESTDIR)$(INSTALL_LIBDIR)/libllr.so \
	    $(DESTDIR)$(PKGCONFIGDIR)/llr.pc $(DESTDIR)$(MANDIR)/man1/llr.1
	-rmdir $(addprefix $(DESTDIR)$(INCLUDEDIR)/llr/,$(sort $(dir $(PUB_HDRS))) spec/) \
	    $(DESTDIR)$(INCLUDEDIR)/llr 2>/dev/null

# An install into a temporary prefix, a program built through pkg-config
# against it (shared and static), the man page rendered, uninstall.
install-test: build/libllr.a build/libllr.so build/llr | deps-check
	@echo "== install test (make install into a temporary prefix, pkg-config)"
	tests/install.sh

# Traces, llr trace diff and llr compare (sanitized build).
trace-tests: build/san/llr | deps-check
	@echo "== trace and compare tests (ASan + UBSan)"
	tests/trace.sh build/san/llr

check: install-test trace-tests
