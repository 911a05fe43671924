//! The README's first command, `cargo run -p restaking-cli -- demo`: the staking lifecycle end
//! to end on an embedded Surfpool running the SBF binary, every step checked by the demo itself
//! (it exits non-zero on the first surprise).
//!
//! It needs target/deploy/restaking.so, which `scripts/test.sh` builds after its native stage:
//! the test runs in the SBF stage (`RESTAKING_SBF=1`) and only prints a notice otherwise.
use std::process::Command;

#[test]
fn demo_runs_the_staking_lifecycle_end_to_end() {
    if !std::env::var("RESTAKING_SBF").is_ok_and(|v| !v.is_empty() && v != "0") {
        eprintln!("demo test skipped: it runs the SBF binary on Surfpool (RESTAKING_SBF=1)");
        return;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_restaking-cli"))
        .arg("demo")
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
