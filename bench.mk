# make bench: query-count benchmark of gls against the spectral and
# exhaustive baselines (docs/bench.md). A benchmark, not a test: not part of
# `make check`. Writes build/bench/results.tsv and docs/plots/queries.png.
.PHONY: bench
bench: build/llr | deps-plots
	@tools/bench.sh build/llr

# make bench-approx: gls against the spectral baseline at equal distinct
# query budgets on approximately low-rank teachers (docs/bench.md). A
# benchmark, not a test. Writes build/bench-approx/results.tsv and
# docs/plots/approx.png.
.PHONY: bench-approx deps-bench
deps-bench:
	@tools/deps.sh bench
# The neural teacher's weights: trained by tools/charlm.py on README.md
# (deterministic, seed 1), never downloaded.
build/bench-approx/charlm.npz: tools/charlm.py README.md | deps-bench
	@mkdir -p $(@D)
	$(PYTHON) tools/charlm.py train README.md $@

bench-approx: build/llr build/bench-approx/charlm.npz | deps-bench
	@$(PYTHON) tools/bench_approx.py build/llr

# make bench-speed: the speed benchmark of issue 13 (tools/bench_speed.sh):
# seconds with cold against warm-started LPs, and exec round trips against
# distinct prefixes; prints two tables. Not part of make check.
.PHONY: bench-speed
bench-speed: build/llr
	@tools/bench_speed.sh build/llr

# make bench-access: API calls of top-K access against whole vectors, and
# the cost of conditional sampling against lambda beside GLS2 Remark 5.8's
# formula (tools/bench_access.py; docs/access.md). Writes
# build/bench-access/{calls,sampling}.tsv and docs/plots/sampling.png. Part
# of make bench; not of make check.
.PHONY: bench-access
bench-access: build/llr | deps-plots
	@$(PYTHON) tools/bench_access.py build/llr build/bench-access
	@gnuplot -e "datafile='build/bench-access/sampling.tsv'; outfile='docs/plots/sampling.png'" tools/sampling.gp
	@echo "wrote docs/plots/sampling.png"
bench: bench-access
