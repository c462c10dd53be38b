# fuzz/fuzz.mk - fuzz targets; included by GNUmakefile (`-include`).
#
#   make fuzz-replay   replay the committed corpora (gcc, ASan + UBSan, no
#                      libFuzzer); part of `make check`
#   make fuzz-smoke    a short libFuzzer run (clang) on a copy of each corpus;
#                      FUZZ_TIME=60 for a longer one
#
# One target per fuzz/TARGET.c, its seeds in fuzz/corpus/TARGET/ and its
# dictionary in fuzz/TARGET.dict. The gcc objects live in build/fuzz/gcc/,
# the clang (coverage-instrumented) ones in build/fuzz/clang/ (library:
# build/fuzz/clang/libllr.a); the replay binaries link the gcc sanitizer
# library build/san/libllr.a of GNUmakefile.
# /usr/bin/python3 fuzz/make_seeds.py regenerates the safetensors seeds.

FUZZ_TARGETS := safetensors protocol arpa
FUZZ_TIME ?= 20
FUZZ_MAX_LEN ?= 4096
FUZZ_CLANG := clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
            -fno-omit-frame-pointer
# Library sources are other people's: warnings, but no -Werror under clang.
FUZZ_CFLAGS_LIB := $(CSTD) $(filter-out -Werror,$(WARN)) -O1 -g $(FUZZ_SAN) \
                   -fsanitize=fuzzer-no-link -Isrc
FUZZ_CFLAGS := $(CSTD) $(WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
               -DLLR_LIBFUZZER \
               -Isrc
FUZZ_CLANG_LIB_OBJ := $(patsubst src/%.c,build/fuzz/clang/lib/%.o,$(LIB_SRC))

.PHONY: fuzz-replay fuzz-smoke
.PRECIOUS: build/fuzz/gcc/%.o build/fuzz/clang/%.o build/fuzz/clang/lib/%.o

# ---- regression replay: gcc, ASan + UBSan, no libFuzzer --------------
build/fuzz/gcc/%.o: fuzz/%.c $(HDRS) | deps-check
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -c $< -o $@

$(FUZZ_TARGETS:%=build/fuzz/replay-%): build/fuzz/replay-%: \
    build/fuzz/gcc/replay.o build/fuzz/gcc/%.o build/san/libllr.a
	$(CC) $(SAN) -o $@ $^ $(PIN) $(LIBS)

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

build/fuzz/clang/%.o: fuzz/%.c $(HDRS) | deps-fuzz
	@mkdir -p $(@D)
	$(FUZZ_CLANG) $(FUZZ_CFLAGS) -c $< -o $@

# An archive, like build/san/libllr.a: only the members a target needs are
# linked.
build/fuzz/clang/libllr.a: $(FUZZ_CLANG_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_TARGETS:%=build/fuzz/%): build/fuzz/%: \
    build/fuzz/clang/%.o build/fuzz/clang/libllr.a | deps-fuzz
	$(FUZZ_CLANG) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(PIN) $(LIBS)

# Runs each target for FUZZ_TIME seconds on a fresh copy of its corpus
# (new inputs go to build/fuzz/corpus/, never into fuzz/corpus/); a crash,
# leak, timeout or oracle failure leaves its input in build/fuzz/artifacts/
# and fails the target. Prints libFuzzer's final statistics.
fuzz-smoke: $(FUZZ_TARGETS:%=build/fuzz/%) | deps-fuzz
	@set -e; for t in $(FUZZ_TARGETS); do \
	  echo "== fuzz smoke run: $$t, $(FUZZ_TIME) s"; \
	  rm -rf build/fuzz/corpus/$$t; \
	  mkdir -p build/fuzz/corpus/$$t build/fuzz/artifacts; \
	  cp fuzz/corpus/$$t/* build/fuzz/corpus/$$t/; \
	  dict=; [ -f fuzz/$$t.dict ] && dict=-dict=fuzz/$$t.dict; \
	  rc=0; \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  build/fuzz/$$t -max_total_time=$(FUZZ_TIME) -max_len=$(FUZZ_MAX_LEN) \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 $$dict \
	    -artifact_prefix=build/fuzz/artifacts/$$t- \
	    build/fuzz/corpus/$$t \
	    > build/fuzz/$$t.log 2>&1 || rc=$$?; \
	  if [ $$rc -ne 0 ]; then \
	    tail -n 60 build/fuzz/$$t.log; \
	    echo "fuzz-smoke: $$t FAILED (exit $$rc); log build/fuzz/$$t.log;" \
	         "inputs in build/fuzz/artifacts/" >&2; \
	    exit 1; \
	  fi; \
	  grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::|^Done ' \
	    build/fuzz/$$t.log; \
	done
