//! The README's first command, `cargo run -p restaking-cli -- demo`: the staking lifecycle end
//! to end on an embedded Surfpool running the SBF binary, every step checked by the demo itself
//! (it exits non-zero on the first surprise) — on the real SPL stake pool when
//! target/deploy/spl_stake_pool.so is there, and on byte-exact account copies
//! (`--stake-pool-copy`).
//!
//! It needs target/deploy/restaking.so, which `scripts/test.sh` builds after its native stage:
//! the test runs in the SBF stage (`RESTAKING_SBF=1`) and only prints a notice otherwise.
use std::process::Command;

fn sbf() -> bool {
    std::env::var("RESTAKING_SBF").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The SPL stake-pool program the demo deploys when it is there.
fn stake_pool_so() -> std::path::PathBuf {
    match std::env::var_os("SBF_OUT_DIR") {
        Some(dir) => std::path::PathBuf::from(dir).join("spl_stake_pool.so"),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/deploy/spl_stake_pool.so"),
    }
}

/// Runs the demo with `args`, asserts it succeeded and returns its report.
fn demo(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_restaking-cli"))
        .arg("demo")
        .args(args)
        .output()
        .expect("run restaking-cli");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "demo {args:?} failed\n--- stdout\n{stdout}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// With target/deploy/spl_stake_pool.so the story runs on a real stake pool: SOL staked with
/// DepositSol, an epoch's rewards raising the rate through the pool's own update, Alice's
/// claim matching the yield the account implies.
#[test]
fn demo_on_the_real_stake_pool() {
    if !sbf() {
        eprintln!("demo test skipped: it runs the SBF binary on Surfpool (RESTAKING_SBF=1)");
        return;
    }
    if !stake_pool_so().is_file() {
        eprintln!(
            "real stake pool demo skipped: {} is missing (scripts/build-sbf.sh builds it)",
            stake_pool_so().display()
        );
        return;
    }
    let stdout = demo(&[]);
    for line in [
        "LST rate source: real SPL stake-pool program (",
        "spl_stake_pool.so)",
        "Initialize",
        "DepositSol",
        "alice 100 SOL → 100 LST",
        "An epoch passes",
        "UpdateValidatorListBalance",
        "UpdateStakePoolBalance",
        "CleanupRemovedValidatorEntries",
        "rate 1.05",
        "the stake pool's account (",
        "the stake pool's manager",
        "Base yield paid",
    ] {
        assert!(
            stdout.contains(line),
            "no `{line}` in the report:\n{stdout}"
        );
    }
}

#[test]
fn demo_runs_the_staking_lifecycle_end_to_end() {
    if !sbf() {
        eprintln!("demo test skipped: it runs the SBF binary on Surfpool (RESTAKING_SBF=1)");
        return;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_restaking-cli"))
        .args(["demo", "--stake-pool-copy"])
        .output()
        .expect("run restaking-cli");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "demo failed\n--- stdout\n{stdout}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in [
        "Reward vault of X",
        "Base yield paid",
        "InsufficientIdle",
        "TicketNotMatured",
        "slash",
        "Compute units",
        "LST rate source: byte-exact stake-pool account copies (--stake-pool-copy)",
    ] {
        assert!(
            stdout.contains(line),
            "no `{line}` in the report:\n{stdout}"
        );
    }
    // the program's own logs stay out of the report
    assert!(
        !stdout.contains("Program log:") && !stdout.contains("AnchorError"),
        "program logs in the report:\n{stdout}"
    );
}
