# proofs/proofs.mk - Frama-C/WP proofs of the ACSL contracts (included by
# GNUmakefile). See proofs/run.sh for what is proved and how.
#   make proofs          prove, check against proofs/results/*.json, print
#                        the table of functions; fails on any unproved goal
#                        or on a change of the goal counts
#   make proofs-update   prove and rewrite proofs/results/*.json

.PHONY: proofs proofs-update

proofs: deps-proofs
	@proofs/run.sh

proofs-update: deps-proofs
	@proofs/run.sh --update
