#!/usr/bin/env bash
# Runs every test of the project: formatting, lints, the committed IDL's freshness and docs, unit
# and property tests of the program's math and state, the integration tests on an embedded bank
# (SPL Token and Token-2022 run for real), the reference scenarios, and the lifecycle demo; then builds the program to a real
# SBF binary (scripts/build-sbf.sh, which also builds the real SPL stake-pool program), runs
# every integration test again against that binary, checks its compute units against
# bench/cu-baseline.json (scripts/cu-report.sh --check), fuzzes it, and runs it against the real
# stake-pool program (scripts/test-stake-pool.sh: scenario S11 and a property test).
#
# Needs rustup's stable Rust; cargo fetches every crate from the registry, and the SBF stage
# installs its toolchain from Debian packages and crates.io (root or sudo for apt-get; cached
# in $SBF_HOME, default ~/.cache/restaking-sbf). Environment:
#   PROPTEST_CASES      sequences of the property test (default 500; raise for a longer soak)
#   SBF_PROPTEST_CASES  the same on the SBF binary (default 100)
#   STAKE_POOL_PROPTEST_CASES  sequences of the property test over the real stake pool (default 1000)
#   RESTAKING_SKIP_SBF  set to 1 to skip the SBF stage (machines without apt); CI never does
#                       (the TypeScript client's tests run on the binary, so they are skipped too)
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

step() { printf '\n==> [%ss] %s\n' "$((SECONDS - started))" "$*"; }
# The embedded bank logs every instruction at debug level unless told otherwise.
export RUST_LOG="${RUST_LOG:-error}"

# The Solana runtime's secp256r1 precompile asks for a vendored OpenSSL, whose C build is the
# longest single step of a cold build (~9 CPU-minutes). Link Debian's instead (same 3.x API).
# Plain `cargo run` elsewhere keeps the vendored build and needs no system package.
if ! dpkg -s libssl-dev pkg-config >/dev/null 2>&1; then
  sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq libssl-dev pkg-config >/dev/null
fi
export OPENSSL_NO_VENDOR=1


if cargo fmt --version >/dev/null 2>&1; then
  step "cargo fmt --check"
  cargo fmt --all -- --check
else
  echo "cargo fmt not installed with this toolchain: skipping the format check"
fi

# Clippy's lints ride on the test build: clippy-driver compiles the workspace's own crates (what
# `cargo clippy` runs, as RUSTC_WORKSPACE_WRAPPER, on a check build) with `-D warnings`, so every
# dependency builds once for both instead of a second time as clippy's check-only metadata (as a
# separate `cargo clippy` it was the longest stage of a cold run, 823 s). Lints the same targets as
# `cargo clippy --workspace --all-targets -- -D warnings`, which stays the command to run by hand;
# the bench workspace's builds (CU report, fuzzer, stake-pool tests) are linted the same way.
with_lints=()
if cargo clippy --version >/dev/null 2>&1; then
  clippy_driver="$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver || true)"
fi
if [ -n "${clippy_driver:-}" ]; then
  with_lints=(env "RUSTC_WORKSPACE_WRAPPER=$clippy_driver"
    "CLIPPY_ARGS=-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__")
else
  echo "clippy not installed with this toolchain: skipping lints"
fi

step "IDL up to date (cargo run -p restaking-idl -- --check)"
# Regenerates idl/restaking.json in memory with Anchor's IDL builder (compiles the program with
# `--features idl-build`) and fails on any diff or any undocumented instruction, account, field,
# event or type; `cargo run -p restaking-idl` rewrites the file.
cargo run --locked --quiet -p restaking-idl -- --check

if cargo fmt --version >/dev/null 2>&1; then
  (cd bench && cargo fmt --all -- --check)   # its own workspace
fi

results="$(mktemp)"
trap 'rm -f "$results"' EXIT
# runs a cargo test command, adding its results to the totals; stops on a failure
run_tests() {
  set +e
  "$@" 2>&1 | tee -a "$results"
  local status=${PIPESTATUS[0]}
  set -e
  passed=$(grep -aE '^test result: ' "$results" | awk '{s += $4} END {print s + 0}')
  failed=$(grep -aE '^test result: ' "$results" | awk '{s += $6} END {print s + 0}')
  [ "$status" -eq 0 ] || { printf '\ntests: %s passed, %s failed\n' "$passed" "$failed"; exit "$status"; }
}

# One cargo command line for both runs (and the demo as app/cli/tests/demo.rs rather than a
# `cargo run -p`): selecting other packages would resolve other features and rebuild. The build
# step compiles the same units (and the binaries' normal builds), linting as it goes.
step "build and lint (cargo build --workspace --all-targets, clippy -D warnings on our crates)"
"${with_lints[@]}" cargo build --locked --workspace --all-targets

tests=("${with_lints[@]}" cargo test --locked --workspace --all-targets --no-fail-fast)

step "cargo test (unit, property, integration, scenarios, lifecycle demo)"
run_tests "${tests[@]}"
native=$passed

if [ "${RESTAKING_SKIP_SBF:-0}" = 1 ]; then
  echo "RESTAKING_SKIP_SBF=1: skipping the SBF build, the tests on the binary and the CU check"
else
  step "SBF binary (scripts/build-sbf.sh) and its IR rewrite's self-test"
  scripts/build-sbf.sh
  scripts/sbf/test-irfix.sh

  step "the same tests on the SBF binary (RESTAKING_SBF=1)"
  # every test that sends a transaction (integration tests, scenarios, property test, demo)
  # now runs target/deploy/restaking.so; the program's unit tests run natively again
  RESTAKING_SBF=1 PROPTEST_CASES="${SBF_PROPTEST_CASES:-100}" run_tests "${tests[@]}"
  echo "second run, on the SBF binary: $((passed - native)) passed"

  step "compute units (scripts/cu-report.sh --check)"
  "${with_lints[@]}" scripts/cu-report.sh --check --no-build

  step "fuzzer, short run (scripts/fuzz.sh: random instruction sequences on the binary in LiteSVM)"
  "${with_lints[@]}" scripts/fuzz.sh

  step "the real SPL stake-pool program (scripts/test-stake-pool.sh: S11 and the property test over its epochs)"
  # target/deploy/spl_stake_pool.so comes from scripts/build-sbf.sh above
  run_tests "${with_lints[@]}" scripts/test-stake-pool.sh

  # runs a script that ends with a `<name>: N passed, M failed` line, adding it to the totals
  run_counted() {
    local name=$1; shift
    local log; log="$(mktemp)"
    set +e
    "$@" 2>&1 | tee "$log"
    local status=${PIPESTATUS[0]}
    set -e
    local line; line="$(grep -aE "^$name: [0-9]+ passed, [0-9]+ failed$" "$log" | tail -n 1)"
    rm -f "$log"
    local p f
    p=$(awk '{print $2}' <<<"$line"); f=$(awk '{print $4}' <<<"$line")
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
    if [ "$status" -ne 0 ]; then
      printf '\ntests: %s passed, %s failed\n' "$passed" "$((failed > 0 ? failed : 1))"
      exit "$status"
    fi
  }

  step "TypeScript client on the binary (scripts/test-ts.sh: npm ci, generated code, tsc, tests in litesvm and on the localnet)"
  RESTAKING_LOCALNET_REQUIRED=1 run_counted ts-client scripts/test-ts.sh

  step "web app in a real browser against the localnet (scripts/test-web.sh)"
  RESTAKING_CLI="${CARGO_TARGET_DIR:-$PWD/target}/debug/restaking-cli" run_counted web scripts/test-web.sh
fi

printf '\nall checks passed in %ss\n' "$((SECONDS - started))"
printf 'tests: %s passed, %s failed\n' "$passed" "$failed"
