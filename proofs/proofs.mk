# proofs/proofs.mk - Frama-C/WP proofs of the ACSL contracts (included by
# GNUmakefile). What is proved is proofs/plan.tsv; proofs/run.sh runs it.
#   make proofs          prove, check against proofs/results/*.json, print
#                        the table of functions; fails on any unproved goal
#                        or on a change of the goal counts
#   make proofs-update   prove and rewrite proofs/results/*.json
#   ONLY=src/x/y.c       (with either) only that file of the plan: its runs
#                        (IEEE and real model), its results, its rows of the
#                        table; proofs-update rewrites its results JSON and
#                        its entries of summary.json

.PHONY: proofs proofs-update check-eacsl

ONLY ?=
proofs_only = $(if $(strip $(ONLY)),--only $(strip $(ONLY)))

proofs: deps-proofs
	@proofs/run.sh $(proofs_only)

proofs-update: deps-proofs
	@proofs/run.sh --update $(proofs_only)

# make check-eacsl: the contracts of the verified core checked at run time
# by E-ACSL, on the unit tests and the fuzz corpora, and a planted
# violation that must fail (tools/eacsl.sh; docs/verification.md).
check-eacsl: deps-proofs deps-check
	@tools/eacsl.sh
