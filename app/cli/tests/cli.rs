//! The CLI against a real localnet: `restaking-cli localnet` runs as a child process (Surfpool,
//! offline, a free port) and every other command is the CLI binary talking JSON-RPC to it —
//! a whole lifecycle (deposit, delegation, rate rise, rewards, claims, a slash through its veto
//! window, an undelegation and a withdrawal after the delay via `warp`, pause flags), with
//! `--json` output parsed, and bad input (each a one-line error and a non-zero exit); the real
//! SPL stake pool (its accounts, an `epoch` with rewards raising its rate through its own
//! update instructions, a claim paying the yield its account implies, `warp` and `set-rate`
//! keeping it current) and the byte-exact stake-pool account copy (`--stake-pool-copy`).
//!
//! The localnet deploys target/deploy/restaking.so and target/deploy/spl_stake_pool.so, which
//! `scripts/test.sh` builds after its native stage: the localnet tests run in the SBF stage
//! (`RESTAKING_SBF=1`) and only print a notice otherwise. The bad-input tests that need no
//! cluster run in both stages.
#![allow(clippy::arithmetic_side_effects)]
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_restaking-cli");

fn sbf() -> bool {
    std::env::var("RESTAKING_SBF").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The SPL stake-pool program the localnet deploys (as `restaking-cli` finds it).
fn stake_pool_so() -> PathBuf {
    match std::env::var_os("SBF_OUT_DIR") {
        Some(dir) => PathBuf::from(dir).join("spl_stake_pool.so"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/deploy/spl_stake_pool.so"),
    }
}

/// A little-endian u64 at `offset` of an account's data.
fn u64_at(data: &[u8], offset: usize) -> u64 {
    u64::from_le_bytes(data[offset..offset + 8].try_into().expect("8 bytes"))
}

/// `floor(total × 10^18 / supply)` as the restaking program reads a stake pool, formatted as
/// the CLI formats rates.
fn rate_text(total: u64, supply: u64) -> String {
    let rate = u128::from(total) * 1_000_000_000_000_000_000 / u128::from(supply);
    let whole = rate / 1_000_000_000_000_000_000;
    let mut frac = format!("{:018}", rate % 1_000_000_000_000_000_000)
        .trim_end_matches('0')
        .to_string();
    while frac.len() < 6 {
        frac.push('0');
    }
    format!("{whole}.{frac}")
}

/// LST (9 decimals) as a decimal string, back to base units.
fn units(text: &str) -> u64 {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let frac = format!("{frac:0<9}");
    whole.parse::<u64>().expect("whole") * 1_000_000_000 + frac.parse::<u64>().expect("frac")
}

/// A fresh directory: unique per process and per call (tests of one binary run in parallel).
fn temp_dir(tag: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("restaking-cli-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A port whose successor is free too (RPC and WebSocket).
fn free_port_pair() -> u16 {
    for _ in 0..100 {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = l.local_addr().expect("addr").port();
        if port < u16::MAX && std::net::TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            return port;
        }
    }
    panic!("no free port pair");
}

/// `restaking-cli localnet` as a child process.
struct Localnet {
    child: Option<Child>,
    dir: PathBuf,
    url: String,
    addresses: Value,
}

impl Localnet {
    fn start() -> Self {
        Self::start_with(&[])
    }

    /// `restaking-cli localnet` with `extra` options (e.g. `--bare`).
    fn start_with(extra: &[&str]) -> Self {
        let dir = temp_dir("localnet");
        let port = free_port_pair();
        let out = dir.join("addresses.json");
        let child = Command::new(BIN)
            .args(["localnet", "--port", &port.to_string(), "--out"])
            .arg(&out)
            .args(extra)
            .stdout(Stdio::from(
                std::fs::File::create(dir.join("stdout.log")).expect("log"),
            ))
            .stderr(Stdio::from(
                std::fs::File::create(dir.join("stderr.log")).expect("log"),
            ))
            .spawn()
            .expect("spawn the localnet");
        let mut net = Self {
            child: Some(child),
            dir,
            url: format!("http://127.0.0.1:{port}"),
            addresses: Value::Null,
        };
        let deadline = Instant::now() + Duration::from_secs(180);
        while !out.is_file() {
            if let Some(status) = net.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!("the localnet exited ({status}):\n{}", net.logs());
            }
            assert!(
                Instant::now() < deadline,
                "the localnet did not start in 180 s:\n{}",
                net.logs()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        let text = std::fs::read_to_string(&out).expect("addresses");
        net.addresses = serde_json::from_str(&text).expect("addresses JSON");
        net
    }

    fn logs(&self) -> String {
        let read = |f: &str| std::fs::read_to_string(self.dir.join(f)).unwrap_or_default();
        format!(
            "--- stdout\n{}\n--- stderr\n{}",
            read("stdout.log"),
            read("stderr.log")
        )
    }

    fn addr(&self, pointer: &str) -> String {
        self.addresses
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no {pointer} in the addresses file"))
            .to_string()
    }

    /// Runs the CLI against this localnet, signed by `keypair` (a path).
    fn cli(&self, keypair: &str, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(["--url", &self.url, "--keypair", keypair])
            .args(args)
            .output()
            .expect("run the CLI")
    }

    /// Runs a command with `--json`, asserts it succeeded and parses its output.
    fn json(&self, keypair: &str, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.cli(keypair, &all);
        assert!(
            out.status.success(),
            "{args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stderr),
            self.logs()
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: stdout is not JSON ({e}):\n{}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// Stops the localnet with SIGINT (Ctrl-C) and asserts it shut down cleanly.
    fn stop(mut self) {
        let mut child = self.child.take().expect("running");
        let pid = child.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -INT failed");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                assert!(
                    status.success(),
                    "unclean shutdown ({status}):\n{}",
                    self.logs()
                );
                break;
            }
            assert!(
                Instant::now() < deadline,
                "no shutdown in 30 s:\n{}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(
            self.logs().contains("Stopped."),
            "no shutdown message:\n{}",
            self.logs()
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Drop for Localnet {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A failure is one line on stderr starting `error:`, a non-zero exit and no panic.
#[track_caller]
fn assert_one_line_error(out: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "succeeded; stderr: {stderr}");
    assert_ne!(out.status.code(), Some(101), "panicked: {stderr}");
    assert!(!stderr.contains("panicked"), "panicked: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "not one line:\n{stderr}");
    assert!(
        lines[0].starts_with("error: "),
        "not an error line: {stderr}"
    );
    assert!(
        lines[0].contains(expected),
        "`{expected}` not in the error: {stderr}"
    );
}

fn keyfile(dir: &Path, name: &str, contents: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write");
    path.display().to_string()
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run the CLI")
}

#[test]
fn bad_input_without_a_cluster_is_one_line() {
    let dir = temp_dir("bad");
    let missing = dir.join("missing.json").display().to_string();
    let malformed = keyfile(&dir, "malformed.json", "{not a keypair}");
    let short = keyfile(&dir, "short.json", "[1,2,3]");
    let pool = "So11111111111111111111111111111111111111112";

    // a node that is not there (port 1 refuses connections)
    assert_one_line_error(
        &run(&["--url", "http://127.0.0.1:1", "status"]),
        "cannot reach the cluster at http://127.0.0.1:1",
    );
    assert_one_line_error(
        &run(&["--url", "http://127.0.0.1:1", "position", pool]),
        "cannot reach the cluster",
    );
    assert_one_line_error(&run(&["--url", "not a url", "status"]), "error");
    // keypair files
    assert_one_line_error(
        &run(&["--keypair", &missing, "deposit", "--pool", pool, "1"]),
        "cannot read keypair file",
    );
    assert_one_line_error(
        &run(&["--keypair", &malformed, "deposit", "--pool", pool, "1"]),
        "is not a Solana CLI keypair file",
    );
    assert_one_line_error(
        &run(&["--keypair", &short, "claim"]),
        "is not a Solana CLI keypair file",
    );
    // arguments
    assert_one_line_error(&run(&["deposit", "--pool", pool]), "required");
    assert_one_line_error(&run(&["no-such-command"]), "unrecognized subcommand");
    assert_one_line_error(&run(&["position", "not-an-address"]), "invalid owner");
    assert_one_line_error(&run(&["warp"]), "give a duration");
    assert_one_line_error(&run(&["epoch", "--rate", "1.1"]), "required");
    assert_one_line_error(
        &run(&["epoch", "--rewards", "1", "--rate", "1.1", "--pool", pool]),
        "cannot be used with",
    );
    assert_one_line_error(
        &run(&[
            "localnet",
            "--stake-pool-copy",
            "--stake-pool-program",
            "x.so",
        ]),
        "cannot be used with",
    );
    assert_one_line_error(
        &run(&["set-rate", "--pool", pool, "--rate", "1.5.0"]),
        "invalid rate",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bare_localnet_has_the_program_and_a_funded_deployer_only() {
    if !sbf() {
        eprintln!(
            "bare localnet test skipped: it runs the SBF binary on Surfpool (RESTAKING_SBF=1)"
        );
        return;
    }
    let net = Localnet::start_with(&["--bare"]);
    assert_eq!(net.addresses["bare"], Value::Bool(true));
    assert_eq!(
        net.addr("/programId"),
        "RSTKre5fcg7VzgKZBdQfDnp8o1V8AFHbBb9tJQ7ZFbq"
    );
    assert_eq!(net.addr("/rpcUrl"), net.url);
    assert!(net.addresses.get("pools").is_none(), "no fixture world");
    let admin = net.addr("/admin/keypair");
    let ids = net.json(&admin, &["ids"]);
    assert_eq!(ids["config"].as_str(), Some(net.addr("/config").as_str()));
    // the program is there, the config is not
    let status = net.cli(&admin, &["status"]);
    assert!(
        !status.status.success(),
        "status found a config on a bare localnet"
    );
    assert!(
        String::from_utf8_lossy(&status.stderr).contains("config"),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    // over RPC: the program deployed, no config account, the deployer funded
    let rpc = solana_rpc_client::rpc_client::RpcClient::new(net.url.clone());
    let key = |pointer: &str| -> solana_sdk::pubkey::Pubkey {
        net.addr(pointer).parse().expect("a base-58 address")
    };
    let program = rpc
        .get_account(&key("/programId"))
        .expect("the program account");
    assert!(program.executable);
    assert!(rpc.get_account(&key("/config")).is_err(), "no config yet");
    assert_eq!(
        rpc.get_balance(&key("/admin/pubkey")).expect("balance"),
        1_000_000_000_000
    );
    assert!(std::path::Path::new(&admin).is_file());
    net.stop();
}

#[test]
fn localnet_lifecycle_through_the_cli() {
    if !sbf() {
        eprintln!(
            "localnet CLI test skipped: it runs the SBF binary on Surfpool (RESTAKING_SBF=1)"
        );
        return;
    }
    let net = Localnet::start();
    let alice = net.addr("/wallets/0/keypair");
    let bob = net.addr("/wallets/1/keypair");
    let admin = net.addr("/admin/keypair");
    let guardian = net.addr("/guardian/keypair");
    let service = net.addr("/services/0/authority/keypair");
    let slasher = net.addr("/services/0/slasher/keypair");
    let spl = net.addr("/pools/0/lstMint");
    let spl_pool = net.addr("/pools/0/pool");
    let marinade = net.addr("/pools/1/lstMint");
    let reward = net.addr("/rewardMints/0/mint");
    let x = net.addr("/operators/0/operator");
    let y_authority = net.addr("/operators/1/authority/pubkey");
    assert_eq!(
        net.addr("/programId"),
        "RSTKre5fcg7VzgKZBdQfDnp8o1V8AFHbBb9tJQ7ZFbq"
    );
    assert_eq!(net.addr("/rpcUrl"), net.url);
    assert_eq!(net.addr("/pools/0/rateSource/kind"), "splStakePool");
    assert_eq!(net.addr("/pools/1/rateSource/kind"), "marinade");
    // with the stake-pool binary the spl LST is a real stake pool (exercised by the whole
    // lifecycle below: set-rate lands rewards and moves an epoch, warp keeps it updated)
    assert_eq!(
        net.addresses
            .pointer("/pools/0/rateSource/stakePool")
            .is_some(),
        stake_pool_so().is_file()
    );

    // status: the fixture world
    let status = net.json(&alice, &["status"]);
    assert_eq!(status["pools"].as_array().map(Vec::len), Some(2));
    assert_eq!(status["operators"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        status["services"][0]["links"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(status["config"]["slashVetoSecs"], 2 * 86_400);

    // deposit and delegate (the operator by its account or its authority)
    let dep = net.json(&alice, &["deposit", "--pool", &spl, "100"]);
    assert_eq!(dep["amount"], "100.000000000");
    assert!(
        dep["computeUnits"].as_u64().is_some_and(|cu| cu > 0),
        "{dep}"
    );
    assert!(dep["signature"].as_str().is_some());
    net.json(
        &alice,
        &["delegate", "--pool", &spl, "--operator", &x, "60"],
    );
    net.json(
        &alice,
        &[
            "delegate",
            "--pool",
            &spl_pool,
            "--operator",
            &y_authority,
            "40",
        ],
    );
    net.json(&bob, &["deposit", "--pool", &spl, "300"]);
    net.json(&bob, &["delegate", "--pool", &spl, "--operator", &x, "300"]);
    net.json(&alice, &["deposit", "--pool", &marinade, "5.5"]);

    // program errors are named
    assert_one_line_error(
        &net.cli(&alice, &["delegate", "--pool", &spl, "--operator", &x, "1"]),
        "InsufficientIdle",
    );

    // the rate rises, a service funds X's stream, alice claims everything
    let r = net.json(&alice, &["set-rate", "--pool", &spl, "--rate", "1.05"]);
    assert_eq!(r["rate"], "1.050000");
    net.json(&alice, &["set-rate", "--pool", &marinade, "--rate", "1.1"]);
    net.json(
        &service,
        &[
            "fund-rewards",
            "--pool",
            &spl,
            "--operator",
            &x,
            "--mint",
            &reward,
            "1000",
        ],
    );
    let view = net.json(&alice, &["position", "--pool", &spl]);
    let p = &view["positions"][0];
    assert_eq!(p["rate"], "1.050000");
    assert_eq!(p["rateFresh"], true);
    assert_eq!(p["delegations"].as_array().map(Vec::len), Some(2));
    assert_ne!(p["pendingBaseYield"], "0.000000000", "{p}");
    let claim = net.json(&alice, &["claim"]);
    let claims = claim["claims"].as_array().expect("claims");
    assert_eq!(claims.len(), 2, "one per pool: {claim}");
    let spl_claim = claims
        .iter()
        .find(|c| c["pool"] == spl_pool.as_str())
        .expect("spl pool claim");
    let received = spl_claim["received"].as_array().expect("received");
    let got = |mint: &str| {
        received
            .iter()
            .find(|r| r["mint"] == mint)
            .and_then(|r| r["amount"].as_str())
            .unwrap_or("0")
            .to_string()
    };
    assert_ne!(got(&spl), "0.000000000", "LST yield: {claim}");
    assert_ne!(got(&reward), "0.000000", "rewards: {claim}");

    // a slash of Y: the veto window holds it, then anyone executes it
    let req = net.json(
        &slasher,
        &[
            "request-slash",
            "--pool",
            &spl,
            "--operator",
            &y_authority,
            "--bps",
            "1000",
            "--evidence",
            "double signing",
        ],
    );
    let request = req["request"].as_str().expect("request").to_string();
    assert_one_line_error(
        &net.cli(&alice, &["execute-slash", "--request", &request]),
        "VetoWindowOpen",
    );
    let w = net.json(&alice, &["warp", "--days", "2"]);
    assert!(w["epoch"].as_u64().is_some());
    let ex = net.json(&alice, &["execute-slash", "--request", &request]);
    assert_ne!(ex["seizedActiveLst"], "0.000000000", "{ex}");

    // bob claims, undelegates everything from X; after the delay it is idle; he withdraws it all
    net.json(&bob, &["claim", "--pool", &spl]);
    let und = net.json(
        &bob,
        &["undelegate", "--pool", &spl, "--operator", &x, "--all"],
    );
    assert!(und["ticket"].as_str().is_some());
    let done = net.json(&bob, &["complete", "--pool", &spl]);
    assert_eq!(
        done["completed"].as_array().map(Vec::len),
        Some(0),
        "{done}"
    );
    net.json(&bob, &["warp", "--days", "7", "--seconds", "1"]);
    let done = net.json(&bob, &["complete", "--pool", &spl]);
    assert_eq!(done["completed"][0]["kind"], "undelegate", "{done}");
    let wd = net.json(&bob, &["withdraw", "--pool", &spl, "--all"]);
    let ticket = wd["ticket"].as_str().expect("ticket").to_string();
    assert_one_line_error(
        &net.cli(&bob, &["complete", "--pool", &spl, &ticket]),
        "TicketNotMatured",
    );
    let view = net.json(&bob, &["position", "--pool", &spl]);
    assert_eq!(view["positions"][0]["tickets"][0]["kind"], "withdraw");
    net.json(&bob, &["warp", "--days", "7"]);
    let done = net.json(&bob, &["complete", "--pool", &spl, &ticket]);
    assert_eq!(done["completed"][0]["kind"], "withdraw");
    let view = net.json(&bob, &["position", "--pool", &spl]);
    assert_eq!(
        view["positions"][0]["tickets"].as_array().map(Vec::len),
        Some(0)
    );
    assert_eq!(view["positions"][0]["totalLst"], "0.000000000", "{view}");

    // a cancelled withdrawal
    let wd = net.json(&alice, &["withdraw", "--pool", &marinade, "1"]);
    let ticket = wd["ticket"].as_str().expect("ticket").to_string();
    net.json(&alice, &["cancel", "--pool", &marinade, &ticket]);

    // operator, service and admin commands with a fresh operator (bob)
    net.json(
        &bob,
        &[
            "register-operator",
            "--commission-bps",
            "700",
            "--metadata-uri",
            "https://bob.example",
        ],
    );
    let bucket = net.json(&bob, &["open-operator-pool", "--pool", &spl]);
    assert!(bucket["operatorPool"].as_str().is_some());
    net.json(
        &bob,
        &["add-reward-mint", "--pool", &spl, "--mint", &reward],
    );
    net.json(
        &bob,
        &["register-service", "--metadata-uri", "https://svc.example"],
    );
    let bob_pubkey = net.addr("/wallets/1/pubkey");
    net.json(
        &bob,
        &[
            "link-service",
            "--service",
            &bob_pubkey,
            "--max-slash-bps",
            "500",
        ],
    );
    let commission = net.json(
        &net.addr("/operators/0/authority/keypair"),
        &["claim-commission", "--pool", &spl, "--mint", &reward],
    );
    assert_eq!(commission["amount"], "100.000000", "{commission}");
    // the guardian vetoes a second request
    let req = net.json(
        &slasher,
        &[
            "request-slash",
            "--pool",
            &spl,
            "--operator",
            &x,
            "--bps",
            "100",
        ],
    );
    net.json(
        &guardian,
        &[
            "veto-slash",
            "--request",
            req["request"].as_str().expect("request"),
        ],
    );

    // pause flags: deposits refused by name, then allowed again
    net.json(&admin, &["set-pause", "deposits"]);
    assert_one_line_error(
        &net.cli(&alice, &["deposit", "--pool", &spl, "1"]),
        "DepositsPaused",
    );
    net.json(&admin, &["set-pause", "none"]);
    net.json(&alice, &["deposit", "--pool", &spl, "1"]);

    // human-readable output
    let out = net.cli(&alice, &["position"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("claimable base yield"), "{text}");
    let out = net.cli(&alice, &["status"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Operators (3)"));

    // bad input against a live cluster (the treasury owner holds no account on the localnet)
    let nobody = net.addr("/treasury");
    let nobody = nobody.as_str();
    assert_one_line_error(
        &net.cli(&alice, &["deposit", "--pool", nobody, "1"]),
        "unknown pool",
    );
    assert_one_line_error(
        &net.cli(
            &alice,
            &["delegate", "--pool", &spl, "--operator", nobody, "1"],
        ),
        "unknown operator",
    );
    assert_one_line_error(
        &net.cli(&alice, &["deposit", "--pool", &spl, "1.0000000001"]),
        "has 10 decimals; at most 9 allowed",
    );
    assert_one_line_error(
        &net.cli(
            &service,
            &[
                "fund-rewards",
                "--pool",
                &spl,
                "--operator",
                &x,
                "--mint",
                &reward,
                "0.0000001",
            ],
        ),
        "at most 6 allowed",
    );
    assert_one_line_error(&net.cli(&alice, &["position", nobody]), "has no position");
    assert_one_line_error(
        &net.cli(&service, &["position", "--pool", &spl]),
        "has no position in pool",
    );
    assert_one_line_error(
        &net.cli(&alice, &["complete", "--pool", &spl, nobody]),
        "does not exist",
    );

    net.stop();
}

#[test]
fn real_stake_pool_epoch_raises_the_rate_and_a_claim_pays_it() {
    if !sbf() {
        eprintln!(
            "real stake pool test skipped: it runs the SBF binaries on Surfpool (RESTAKING_SBF=1)"
        );
        return;
    }
    if !stake_pool_so().is_file() {
        eprintln!(
            "real stake pool test skipped: {} is missing (scripts/build-sbf.sh builds it)",
            stake_pool_so().display()
        );
        return;
    }
    let net = Localnet::start();
    let rpc = solana_rpc_client::rpc_client::RpcClient::new(net.url.clone());
    let key = |pointer: &str| -> solana_sdk::pubkey::Pubkey {
        net.addr(pointer).parse().expect("a base-58 address")
    };
    let alice = net.addr("/wallets/0/keypair");
    let admin = net.addr("/admin/keypair");
    let spl = net.addr("/pools/0/lstMint");
    let spl_pool = net.addr("/pools/0/pool");
    let marinade = net.addr("/pools/1/lstMint");
    let x = net.addr("/operators/0/operator");
    let sp = "/pools/0/rateSource/stakePool";

    // the stake pool's accounts: the real program's, the reserve the stake program's, the
    // mint's authority the withdraw authority
    let program_id = net.addr(&format!("{sp}/programId"));
    assert_eq!(program_id, "SPoo1Ku8WFXoNDMHPsrGSTSG1Y47rzgn41SLUNakuHy");
    assert!(
        rpc.get_account(&key(&format!("{sp}/programId")))
            .expect("program")
            .executable
    );
    assert_eq!(
        net.addr(&format!("{sp}/stakePool")),
        net.addr("/pools/0/rateSource/account")
    );
    assert_eq!(net.addr(&format!("{sp}/poolMint")), spl);
    assert_eq!(
        net.addr(&format!("{sp}/manager")),
        net.addr("/admin/pubkey")
    );
    assert_eq!(
        net.addresses.pointer(&format!("{sp}/epochFeeBps")),
        Some(&Value::from(500))
    );
    let pool_account = rpc
        .get_account(&key(&format!("{sp}/stakePool")))
        .expect("stake pool");
    assert_eq!(pool_account.owner.to_string(), program_id);
    assert_eq!(pool_account.data.len(), 611);
    assert_eq!(pool_account.data[0], 1, "AccountType::StakePool");
    let list = rpc
        .get_account(&key(&format!("{sp}/validatorList")))
        .expect("validator list");
    assert_eq!(list.owner.to_string(), program_id);
    assert_eq!(list.data[0], 2, "AccountType::ValidatorList");
    let reserve = rpc
        .get_account(&key(&format!("{sp}/reserveStake")))
        .expect("reserve");
    assert_eq!(
        reserve.owner.to_string(),
        "Stake11111111111111111111111111111111111111"
    );
    let mint = rpc.get_account(&key("/pools/0/lstMint")).expect("mint");
    assert_eq!(&mint.data[0..4], &[1, 0, 0, 0], "a mint authority");
    assert_eq!(
        solana_sdk::pubkey::Pubkey::try_from(&mint.data[4..36])
            .expect("key")
            .to_string(),
        net.addr(&format!("{sp}/withdrawAuthority"))
    );
    // the wallets' LST came from DepositSol: supply = the seed (10,000) + 1,000 each
    let supply = u64_at(&mint.data, 36);
    assert_eq!(supply, 12_000 * 1_000_000_000);
    assert_eq!(u64_at(&pool_account.data, 266), supply, "pool_token_supply");
    assert_eq!(
        u64_at(&pool_account.data, 258),
        supply,
        "total_lamports at 1.0"
    );

    net.json(&alice, &["deposit", "--pool", &spl, "100"]);
    net.json(
        &alice,
        &["delegate", "--pool", &spl, "--operator", &x, "100"],
    );

    // an epoch with 600 SOL of rewards: the pool's own update raises its rate
    let e = net.json(&alice, &["epoch", "--rewards", "600"]);
    let epoch = e["epoch"].as_u64().expect("epoch");
    assert_eq!(e["from"].as_u64(), Some(epoch - 1));
    let u = &e["stakePools"][0];
    assert_eq!(u["real"], true, "{e}");
    assert_eq!(u["rewards"], "600.000000000");
    let steps: Vec<&str> = u["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["instruction"].as_str().expect("name"))
        .collect();
    assert_eq!(
        steps,
        [
            "UpdateValidatorListBalance",
            "UpdateStakePoolBalance",
            "CleanupRemovedValidatorEntries"
        ]
    );
    assert!(
        u["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .all(|s| s["computeUnits"].as_u64().is_some_and(|cu| cu > 0)),
        "{u}"
    );
    // 5 % of 600 SOL is the manager's: 30 SOL of LST at the new totals
    let total = u["totalLamports"].as_u64().expect("total");
    let supply = u["poolTokenSupply"].as_u64().expect("supply");
    assert_eq!(total, 12_600 * 1_000_000_000);
    let fee = units(u["feeTokens"].as_str().expect("fee"));
    assert_eq!(supply, 12_000 * 1_000_000_000 + fee);
    assert!(
        fee > 28 * 1_000_000_000 && fee < 29 * 1_000_000_000,
        "fee {fee}"
    );
    let rate = rate_text(total, supply);
    assert_eq!(u["rate"], rate.as_str());
    let account = rpc
        .get_account(&key(&format!("{sp}/stakePool")))
        .expect("stake pool");
    assert_eq!(u64_at(&account.data, 258), total);
    assert_eq!(u64_at(&account.data, 266), supply);
    assert_eq!(u64_at(&account.data, 274), epoch, "last_update_epoch");

    // the program reads that rate, fresh; alice's claim pays what it implies
    let view = net.json(&alice, &["position", "--pool", &spl]);
    let p = &view["positions"][0];
    assert_eq!(p["rate"], rate.as_str());
    assert_eq!(p["rateFresh"], true);
    let pending = units(p["pendingBaseYield"].as_str().expect("pending"));
    // 100 LST worth 100 SOL at 1.0: 100 − ceil(100 SOL × supply / total) is yield
    let principal = 100 * 1_000_000_000u128;
    let locked = (principal * u128::from(supply)).div_ceil(u128::from(total));
    let implied = u64::try_from(principal - locked).expect("u64");
    assert!(
        implied.abs_diff(pending) <= 2,
        "pending {pending}, implied {implied}"
    );
    let claim = net.json(&alice, &["claim", "--pool", &spl]);
    let got = claim["claims"][0]["received"]
        .as_array()
        .expect("received")
        .iter()
        .find(|r| r["mint"] == spl.as_str())
        .and_then(|r| r["amount"].as_str())
        .map(units)
        .expect("LST received");
    assert_eq!(got, pending, "{claim}");

    // warp into later epochs: the pool is updated by its instructions, nothing goes stale
    let w = net.json(&alice, &["warp", "--days", "5"]);
    let later = w["epoch"].as_u64().expect("epoch");
    assert!(later > epoch);
    let account = rpc
        .get_account(&key(&format!("{sp}/stakePool")))
        .expect("stake pool");
    assert_eq!(
        u64_at(&account.data, 274),
        later,
        "last_update_epoch after warp"
    );
    assert_eq!(u64_at(&account.data, 258), total, "no rewards, same totals");
    net.json(&alice, &["deposit", "--pool", &spl_pool, "1"]);

    // set-rate lands the rewards (and a tuning deposit) for an exact rate in the next epoch
    let r = net.json(&admin, &["set-rate", "--pool", &spl, "--rate", "1.1"]);
    assert_eq!(r["rate"], "1.100000", "{r}");
    assert_eq!(r["epoch"].as_u64(), Some(later + 1));
    assert_eq!(r["stakePools"][0]["real"], true);
    assert_eq!(
        net.json(&alice, &["position", "--pool", &spl])["positions"][0]["rate"],
        "1.100000"
    );
    // it only rises; epoch refuses pools that are not real stake pools
    assert_one_line_error(
        &net.cli(&admin, &["set-rate", "--pool", &spl, "--rate", "1.09"]),
        "only rises with rewards",
    );
    assert_one_line_error(
        &net.cli(&admin, &["epoch", "--pool", &marinade, "--rewards", "1"]),
        "is not priced by an SPL stake pool",
    );
    // epoch with no rewards: the rate holds
    let e = net.json(&alice, &["epoch"]);
    assert_eq!(e["stakePools"][0]["rate"], "1.100000", "{e}");
    assert_eq!(e["stakePools"][0]["feeTokens"], "0.000000000");
    net.stop();
}

#[test]
fn stake_pool_copy_localnet_moves_the_copy() {
    if !sbf() {
        eprintln!(
            "stake-pool copy test skipped: it runs the SBF binary on Surfpool (RESTAKING_SBF=1)"
        );
        return;
    }
    let net = Localnet::start_with(&["--stake-pool-copy"]);
    assert!(net
        .addresses
        .pointer("/pools/0/rateSource/stakePool")
        .is_none());
    let alice = net.addr("/wallets/0/keypair");
    let spl = net.addr("/pools/0/lstMint");
    net.json(&alice, &["deposit", "--pool", &spl, "10"]);
    let r = net.json(&alice, &["set-rate", "--pool", &spl, "--rate", "1.05"]);
    assert_eq!(r["rate"], "1.050000");
    assert!(
        r.get("epoch").is_none(),
        "a copy is rewritten in place: {r}"
    );
    // the copy is re-stamped at each epoch
    let w = net.json(&alice, &["warp", "--days", "3"]);
    assert!(w["epoch"].as_u64().is_some());
    let p = net.json(&alice, &["position", "--pool", &spl]);
    assert_eq!(p["positions"][0]["rate"], "1.050000");
    assert_eq!(p["positions"][0]["rateFresh"], true);
    net.json(&alice, &["deposit", "--pool", &spl, "1"]);
    assert_one_line_error(
        &net.cli(&alice, &["epoch", "--pool", &spl, "--rewards", "1"]),
        "byte-exact stake-pool account copy",
    );
    let e = net.json(&alice, &["epoch"]);
    assert_eq!(e["stakePools"][0]["real"], false, "{e}");
    net.stop();
}
