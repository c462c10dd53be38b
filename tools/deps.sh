#!/bin/sh
# Install the Debian packages a group of targets needs, only those missing.
# Usage: tools/deps.sh GROUP...   (groups: build check proofs fuzz plots bench all)
# Idempotent and silent when everything is present.
set -eu

pkgs_build="gcc make pkg-config liblapacke-dev liblapack-dev libblas-dev libjansson-dev libglpk-dev"
pkgs_check="libcriterion-dev valgrind python3-numpy python3-scipy coinor-libclp-dev clang libclang-rt-14-dev libmpfr-dev g++ man-db"
pkgs_proofs="frama-c-base why3 z3 cvc4 cvc5"
pkgs_fuzz="clang libclang-rt-14-dev libmpfr-dev zip unzip"
pkgs_plots="gnuplot-nox graphviz"
pkgs_bench="gnuplot-nox python3-numpy python3-scipy irstlm"

want=""
for g in "$@"; do
  case "$g" in
    build)  want="$want $pkgs_build" ;;
    check)  want="$want $pkgs_build $pkgs_check" ;;
    proofs) want="$want $pkgs_proofs" ;;
    fuzz)   want="$want $pkgs_build $pkgs_fuzz" ;;
    plots)  want="$want $pkgs_plots" ;;
    bench)  want="$want $pkgs_build $pkgs_bench" ;;
    all)    want="$want $pkgs_build $pkgs_check $pkgs_proofs $pkgs_fuzz $pkgs_plots $pkgs_bench" ;;
    *) echo "tools/deps.sh: unknown group '$g'" >&2; exit 2 ;;
  esac
done

missing=""
for p in $want; do
  case " $missing " in *" $p "*) continue ;; esac
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$st" = "install ok installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "make deps: installing missing Debian packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "make deps: need root (or sudo) to install:$missing" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "make deps: done" >&2
