# install.mk - `make install` and `make uninstall` (included by GNUmakefile),
# and the test of an installed copy that `make check` runs.
#
#   make install [PREFIX=/usr/local] [DESTDIR=]
# installs under $(DESTDIR)$(PREFIX):
#   bin/llr                         the command
#   include/llr.h, include/llr/*.h  the public header and the headers it includes
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

LLR_VERSION := $(shell sed -n 's/^\#define LLR_VERSION_STRING "\(.*\)"/\1/p' src/version.h)
LLR_SOVERSION := $(firstword $(subst ., ,$(LLR_VERSION)))
LLR_SONAME := libllr.so.$(LLR_SOVERSION)
# The public headers: llr.h and every library header (they include each
# other by plain name, so they sit together in include/llr/).
PUB_HDRS := $(sort $(wildcard src/*.h))

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
	install -m 644 $(PUB_HDRS) $(DESTDIR)$(INCLUDEDIR)/llr/
	install -m 644 build/libllr.a $(DESTDIR)$(INSTALL_LIBDIR)/libllr.a
	install -m 755 build/libllr.so \
	    $(DESTDIR)$(INSTALL_LIBDIR)/libllr.so.$(LLR_VERSION)
	ln -sf libllr.so.$(LLR_VERSION) $(DESTDIR)$(INSTALL_LIBDIR)/$(LLR_SONAME)
	ln -sf $(LLR_SONAME) $(DESTDIR)$(INSTALL_LIBDIR)/libllr.so
	install -m 644 build/llr.pc $(DESTDIR)$(PKGCONFIGDIR)/llr.pc
	install -m 644 docs/llr.1 $(DESTDIR)$(MANDIR)/man1/llr.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/llr $(DESTDIR)$(INCLUDEDIR)/llr.h \
	    $(addprefix $(DESTDIR)$(INCLUDEDIR)/llr/,$(notdir $(PUB_HDRS))) \
	    $(DESTDIR)$(INSTALL_LIBDIR)/libllr.a \
	    $(DESTDIR)$(INSTALL_LIBDIR)/libllr.so.$(LLR_VERSION) \
	    $(DESTDIR)$(INSTALL_LIBDIR)/$(LLR_SONAME) \
	    $(DESTDIR)$(INSTALL_LIBDIR)/libllr.so \
	    $(DESTDIR)$(PKGCONFIGDIR)/llr.pc $(DESTDIR)$(MANDIR)/man1/llr.1
	-rmdir $(DESTDIR)$(INCLUDEDIR)/llr 2>/dev/null

# An install into a temporary prefix, a program built through pkg-config
# against it (shared and static), the man page rendered, uninstall.
install-test: build/libllr.a build/libllr.so build/llr | deps-check
	@echo "== install test (make install into a temporary prefix, pkg-config)"
	tests/install.sh

# Traces, llr trace diff and llr check (sanitized build).
trace-tests: build/san/llr | deps-check
	@echo "== trace and check tests (ASan + UBSan)"
	tests/trace.sh build/san/llr

check: install-test trace-tests
