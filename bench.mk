# make bench: query-count benchmark of gls against the spectral and
# exhaustive baselines (docs/bench.md). A benchmark, not a test: not part of
# `make check`. Writes build/bench/results.tsv and docs/plots/queries.png.
.PHONY: bench
bench: build/llr | deps-plots
	@tools/bench.sh build/llr

# make bench-speed: the speed benchmark of issue 13 (tools/bench_speed.sh):
# exec round trips against distinct prefixes; prints a table. Not part of
# make check.
.PHONY: bench-speed
bench-speed: build/llr
	@tools/bench_speed.sh build/llr
