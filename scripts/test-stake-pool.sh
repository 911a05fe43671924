#!/usr/bin/env bash
# Runs the program's SBF binary against the real SPL stake-pool program in LiteSVM
# (bench/stake-pool, restaking-stake-pool-tests): the stake-pool model's unit tests, scenario
# S11 (`scenario_s11_real_stake_pool`: stake SOL, restake the LST priced by the real account,
# an epoch's rewards, StaleRate before the pool's update, the claim, the exit and WithdrawSol;
# it prints the compute units of each stake-pool step and its figures) and the property test
# over real stake-pool epochs interleaved with restaking operations.
#
# Usage: scripts/test-stake-pool.sh [extra arguments for the test binaries, e.g. a name filter]
# Environment: STAKE_POOL_PROPTEST_CASES (sequences of the property test, default 1000, ~25 s),
# STAKE_POOL_PROPTEST_SEED (replays a run: each prints its seed),
# SBF_OUT_DIR (default target/deploy), CARGO_TARGET_DIR (the bench workspace builds in its
# /bench), CARGO_BUILD_LOCK (a lock file: the build runs under `flock` on it, for shared
# machines).
# Needs $SBF_OUT_DIR/restaking.so and $SBF_OUT_DIR/spl_stake_pool.so (scripts/build-sbf.sh);
# builds the bench workspace.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export SBF_OUT_DIR="${SBF_OUT_DIR:-$ROOT/target/deploy}"
for so in restaking.so spl_stake_pool.so; do
  [ -f "$SBF_OUT_DIR/$so" ] || { echo "no $SBF_OUT_DIR/$so: run scripts/build-sbf.sh" >&2; exit 2; }
done

. "$ROOT/scripts/bench-build.sh"   # the bench workspace, built

# the stake-pool model's unit tests (bench/stake-pool's lib; bench/fuzz's lib has none), S11 and
# the property test (--workspace: the features of that build).
# --nocapture: S11's figures and the property test's counts are part of the output
exec nice -n 10 cargo test --locked -q --workspace --lib --test s11 --test properties \
  -- --nocapture "$@"
