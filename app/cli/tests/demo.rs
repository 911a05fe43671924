//! The README's first command, `cargo run -p restaking-cli -- demo`: the staking lifecycle end
//! to end on the embedded SVM, every step checked by the demo itself (it exits non-zero on the
//! first surprise). With `RESTAKING_SBF=1` the demo runs on the SBF binary.
use std::process::Command;

#[test]
fn demo_runs_the_staking_lifecycle_end_to_end() {
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
    for line in ["Reward vault of X", "Base yield paid"] {
        assert!(
            stdout.contains(line),
            "no `{line}` in the report:\n{stdout}"
        );
    }
}
