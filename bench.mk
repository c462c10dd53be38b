# make bench: query-count benchmark of gls against the spectral and
# exhaustive baselines (docs/bench.md). A benchmark, not a test: not part of
# `make check`. Writes build/bench/results.tsv and docs/plots/queries.png.
.PHONY: bench
bench: build/llr | deps-plots
	@tools/bench.sh build/llr
