#!/usr/bin/env bash
# Fuzzes the program's SBF binary: random sequences of every instruction (valid, and with
# mutated arguments, forged / swapped / foreign accounts, the fake token program, wrong or
# missing signers), clock warps and rate moves, in LiteSVM, with the model and invariant
# checks of bench/fuzz (restaking-fuzz) after every step. Seeded: a finding prints the seed,
# the sequence and the step, and how to replay it.
#
# First runs the attack-class tests on the binary (bench/fuzz/tests/attacks.rs: `attack_<class>`
# for arbitrary CPI target, owner check, account data matching, non-canonical bump, PDA sharing
# and sysvar spoofing; FUZZ_SKIP_ATTACKS=1 skips them).
#
# Usage: scripts/fuzz.sh [extra restaking-fuzz arguments]
#   default     a short run: at most FUZZ_SECONDS (45) seconds of FUZZ_SEQUENCES (1000)
#               sequences of FUZZ_STEPS (100) steps, seed FUZZ_SEED (default: 1)
#   FUZZ_LONG=1 the long run: 10,000 sequences of 120 steps (> 1,000,000 instructions), no time
#               limit, under nice
# Environment: FUZZ_SEED, FUZZ_SEQUENCES, FUZZ_STEPS, FUZZ_SECONDS (0: no limit), SBF_OUT_DIR
# (default target/deploy), CARGO_TARGET_DIR (the bench workspace builds in its /bench),
# CARGO_BUILD_LOCK (a lock file: the build runs under `flock` on it, for shared machines).
# Needs $SBF_OUT_DIR/restaking.so (scripts/build-sbf.sh); builds the bench workspace.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export SBF_OUT_DIR="${SBF_OUT_DIR:-$ROOT/target/deploy}"
[ -f "$SBF_OUT_DIR/restaking.so" ] || { echo "no $SBF_OUT_DIR/restaking.so: run scripts/build-sbf.sh" >&2; exit 2; }

if [ "${FUZZ_LONG:-0}" = 1 ]; then
  sequences="${FUZZ_SEQUENCES:-10000}"; steps="${FUZZ_STEPS:-120}"; seconds="${FUZZ_SECONDS:-0}"
else
  sequences="${FUZZ_SEQUENCES:-1000}"; steps="${FUZZ_STEPS:-100}"; seconds="${FUZZ_SECONDS:-45}"
fi
seed="${FUZZ_SEED:-1}"

. "$ROOT/scripts/bench-build.sh"   # the bench workspace, built; sets lock

if [ "${FUZZ_SKIP_ATTACKS:-0}" != 1 ]; then
  nice -n 10 "${lock[@]}" cargo test --locked -q --workspace --test attacks
fi

args=(--seed "$seed" --sequences "$sequences" --steps "$steps" --so "$SBF_OUT_DIR/restaking.so")
[ "$seconds" = 0 ] || args+=(--seconds "$seconds")
exec nice -n 10 "$CARGO_TARGET_DIR/debug/restaking-fuzz" "${args[@]}" "$@"
