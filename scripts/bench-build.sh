# Sourced by cu-report.sh, fuzz.sh and test-stake-pool.sh (with ROOT set): enters the bench
# workspace and builds all of it. bench/ is its own workspace (litesvm's agave 4.2 would
# downgrade the program's dependencies in the main lockfile; see bench/Cargo.toml): host
# toolchain, its own target directory ($CARGO_TARGET_DIR/bench). One command for the three
# scripts, so one feature set: the first to run builds for all, the others reuse it — their own
# cargo commands must also say --workspace, not -p. CARGO_BUILD_LOCK (a lock file) runs the
# cargo commands under `flock` on it, for shared machines.
unset RUSTC RUSTFLAGS RUSTC_WRAPPER RUSTC_BOOTSTRAP __CARGO_TESTS_ONLY_SRC_ROOT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/bench"
cd "$ROOT/bench"
lock=()
[ -z "${CARGO_BUILD_LOCK:-}" ] || lock=(flock "$CARGO_BUILD_LOCK")
nice -n 10 "${lock[@]}" cargo build --locked -q --workspace --all-targets
