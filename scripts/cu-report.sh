#!/usr/bin/env bash
# Compute units of the program's SBF binary, measured in LiteSVM 0.16.0 (token program:
# p-token) by bench/cu: one line `<instruction> <compute units>` per measurement (with the
# PERFORMANCE.md target and, for deposits, the bare transfer_checked floor beside it), the same
# user flow with 1, 100 and 10,000 existing stakers, account sizes and rent, and last
# `max_user_cu N`. Figures are comparable run to run on this toolchain, not identical to an
# official `anchor build` binary.
#
# Usage: scripts/cu-report.sh [--check] [--write-baseline] [--no-build]
#   --check           fail (exit 1) if an instruction exceeds 200,000 CU or regresses by more
#                     than 20 % against bench/cu-baseline.json
#   --write-baseline  record this run as bench/cu-baseline.json (commit it with the change
#                     that moved the figures, and say why)
#   --no-build        use the existing $SBF_OUT_DIR/restaking.so instead of running
#                     scripts/build-sbf.sh first (which installs the toolchain when missing and
#                     is a no-op when the binary is up to date)
# Environment: SBF_OUT_DIR (default target/deploy), CU_LOGS=<instruction>|all (runtime logs).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BASELINE="$ROOT/bench/cu-baseline.json"
export SBF_OUT_DIR="${SBF_OUT_DIR:-$ROOT/target/deploy}"
build=1; args=()
for a in "$@"; do
  case "$a" in
    --check) args+=(--check "$BASELINE") ;;
    --write-baseline) args+=(--write-baseline "$BASELINE") ;;
    --no-build) build=0 ;;
    *) echo "usage: $0 [--check] [--write-baseline] [--no-build]" >&2; exit 2 ;;
  esac
done

if [ $build = 1 ]; then
  "$ROOT/scripts/build-sbf.sh" >&2
fi
[ -f "$SBF_OUT_DIR/restaking.so" ] || { echo "no $SBF_OUT_DIR/restaking.so: run scripts/build-sbf.sh" >&2; exit 2; }

. "$ROOT/scripts/bench-build.sh"
exec "$CARGO_TARGET_DIR/debug/restaking-cu" --so "$SBF_OUT_DIR/restaking.so" "${args[@]}"
