# fuzz/fuzz.mk - fuzz targets; included by GNUmakefile (`-include`).
#
#   make fuzz-replay                 replay the committed corpora (gcc, ASan +
#                                    UBSan, no libFuzzer); part of make check
#   make fuzz TARGET=x SECONDS=n     one libFuzzer campaign (clang)
#   make fuzz-all SECONDS=n          every target in turn, with progress
#   make fuzz-ci                     every target for FUZZ_CI_SECONDS (CI)
#   make fuzz-smoke                  the same as fuzz-ci (older name)
#
# One target per fuzz/TARGET.c (every fuzz/*.c but replay.c and the input
# helper fuzz_input.c), its seeds in fuzz/corpus/TARGET/ and, for the text
# formats, a dictionary fuzz/TARGET.dict. The gcc objects live in
# build/fuzz/gcc/, the clang (coverage-instrumented) ones in build/fuzz/clang/
# (library: build/fuzz/clang/libllr.a); the replay binaries link the gcc
# sanitizer library build/san/libllr.a of GNUmakefile. fuzz/run.sh runs the
# campaigns; fuzz/build.sh builds the targets the OSS-Fuzz way.

FUZZ_TARGETS := $(patsubst fuzz/%_fuzzer.c,%,$(wildcard fuzz/*_fuzzer.c))
SECONDS ?= 60
FUZZ_CI_SECONDS ?= 25
FUZZ_MAX_LEN ?= 4096
FUZZ_CLANG := clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
            -fno-omit-frame-pointer
# MPFR (with GMP) is the high-precision oracle of the numeric targets.
FUZZ_LIBS := -lmpfr -lgmp
# Library sources are other people's: warnings, but no -Werror under clang.
FUZZ_CFLAGS_LIB := $(CSTD) $(filter-out -Werror,$(WARN)) -O1 -g $(FUZZ_SAN) \
                   -fsanitize=fuzzer-no-link -Isrc
FUZZ_CFLAGS := $(CSTD) $(WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
               -DLLR_LIBFUZZER -Isrc -Ifuzz
FUZZ_CLANG_LIB_OBJ := $(patsubst src/%.c,build/fuzz/clang/lib/%.o,$(LIB_SRC))

.PHONY: fuzz-replay fuzz-smoke fuzz fuzz-all fuzz-ci fuzz-build fuzz-oss
.PRECIOUS: build/fuzz/gcc/%.o build/fuzz/clang/%.o build/fuzz/clang/lib/%.o

# ---- regression replay: gcc, ASan + UBSan, no libFuzzer --------------
build/fuzz/gcc/%.o: fuzz/%.c $(HDRS) fuzz/fuzz_input.h fuzz/fuzz_bounds.h | deps-check
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -Ifuzz -c $< -o $@

$(FUZZ_TARGETS:%=build/fuzz/replay-%): build/fuzz/replay-%: \
    build/fuzz/gcc/replay.o build/fuzz/gcc/fuzz_input.o build/fuzz/gcc/%_fuzzer.o \
    build/san/libllr.a
	$(CC) $(SAN) -o $@ $^ $(PIN) $(LIBS) $(FUZZ_LIBS)

fuzz-replay: $(FUZZ_TARGETS:%=build/fuzz/replay-%) | deps-check
	@echo "== fuzz corpus replay (gcc, ASan + UBSan)"
	@set -e; for t in $(FUZZ_TARGETS); do \
	  echo "build/fuzz/replay-$$t fuzz/corpus/$$t"; \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    build/fuzz/replay-$$t fuzz/corpus/$$t; \
	done

# ---- libFuzzer: clang, ASan + UBSan ----------------------------------
build/fuzz/clang/lib/%.o: src/%.c $(HDRS) | deps-fuzz
	@mkdir -p $(@D)
	$(FUZZ_CLANG) $(FUZZ_CFLAGS_LIB) -c $< -o $@

build/fuzz/clang/%.o: fuzz/%.c $(HDRS) fuzz/fuzz_input.h fuzz/fuzz_bounds.h | deps-fuzz
	@mkdir -p $(@D)
	$(FUZZ_CLANG) $(FUZZ_CFLAGS) -c $< -o $@

# An archive, like build/san/libllr.a: only the members a target needs are
# linked.
build/fuzz/clang/libllr.a: $(FUZZ_CLANG_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_TARGETS:%=build/fuzz/%): build/fuzz/%: build/fuzz/clang/%_fuzzer.o \
    build/fuzz/clang/fuzz_input.o build/fuzz/clang/libllr.a | deps-fuzz
	$(FUZZ_CLANG) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(PIN) $(LIBS) \
	  $(FUZZ_LIBS)

fuzz-build: $(FUZZ_TARGETS:%=build/fuzz/%)

# Campaigns (fuzz/run.sh): each target works on a fresh copy of its corpus
# in build/fuzz/corpus/ (the committed corpus is never written to); a crash,
# leak, timeout or oracle failure leaves its input in build/fuzz/artifacts/
# and fails the run. Prints libFuzzer's final statistics per target and a
# table of all of them. FORK=n runs libFuzzer with -fork=n.
fuzz: | deps-fuzz
	@test -n "$(TARGET)" || { echo "usage: make fuzz TARGET=x [SECONDS=n]" \
	  "(targets: $(FUZZ_TARGETS))" >&2; exit 2; }
	@case " $(FUZZ_TARGETS) " in *" $(TARGET) "*) ;; *) \
	  echo "make fuzz: unknown TARGET '$(TARGET)' (targets:" \
	    "$(FUZZ_TARGETS))" >&2; exit 2;; esac
	@$(MAKE) --no-print-directory build/fuzz/$(TARGET)
	@FUZZ_MAX_LEN=$(FUZZ_MAX_LEN) FORK=$(FORK) fuzz/run.sh $(SECONDS) \
	  $(TARGET)

fuzz-all: fuzz-build | deps-fuzz
	@FUZZ_MAX_LEN=$(FUZZ_MAX_LEN) FORK=$(FORK) fuzz/run.sh $(SECONDS) \
	  $(FUZZ_TARGETS)

fuzz-ci: fuzz-build fuzz-oss | deps-fuzz
	@FUZZ_MAX_LEN=$(FUZZ_MAX_LEN) fuzz/run.sh $(FUZZ_CI_SECONDS) \
	  $(FUZZ_TARGETS)

fuzz-smoke: fuzz-ci

# fuzz/build.sh as OSS-Fuzz would call it (here with its local defaults),
# then every binary it built runs once over its seed corpus from the zip.
fuzz-oss: | deps-fuzz
	@rm -rf build/fuzz/oss
	fuzz/build.sh
	@set -e; for t in $(FUZZ_TARGETS); do \
	  d=build/fuzz/oss/seeds/$$t; mkdir -p $$d; \
	  (cd $$d && unzip -q -o ../../out/$${t}_seed_corpus.zip); \
	  build/fuzz/oss/out/$$t -runs=0 $$d > build/fuzz/oss/$$t.log 2>&1 || \
	    { tail -n 30 build/fuzz/oss/$$t.log; exit 1; }; \
	  echo "fuzz-oss: $$t: $$(ls $$d | wc -l) seeds run"; \
	done

# lp_exact_fuzzer.c is lp_fuzzer.c with its exact oracle (#include).
build/fuzz/gcc/lp_exact_fuzzer.o build/fuzz/clang/lp_exact_fuzzer.o: \
    fuzz/lp_fuzzer.c
