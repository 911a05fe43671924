//! The command handlers: argument resolution, the operation (`crate::ops`), and output a
//! person can read or (`--json`) one JSON document a script can parse.
pub mod admin;
pub mod staker;
pub mod status;
pub mod tester;

use crate::chain::{Chain, Sent};
use crate::{Cli, Command, Global};
use anyhow::Result;
use solana_sdk::signature::Keypair;
use std::path::PathBuf;

/// What every command gets: the cluster, the signer's keypair file and the output mode.
pub struct Ctx {
    pub chain: Chain,
    pub keypair: PathBuf,
    /// Whether `--keypair` was given (rather than the default wallet).
    pub keypair_given: bool,
    pub json: bool,
}

impl Ctx {
    pub fn new(global: &Global) -> Self {
        Self {
            chain: Chain::new(&global.url),
            keypair: global
                .keypair
                .clone()
                .unwrap_or_else(crate::keys::default_keypair_path),
            keypair_given: global.keypair.is_some(),
            json: global.json,
        }
    }

    /// The signing wallet (`--keypair`).
    pub fn signer(&self) -> Result<Keypair> {
        crate::keys::read_keypair(&self.keypair)
    }

    /// A progress line: stdout for people, stderr under `--json` (stdout keeps the document).
    pub fn progress(&self, line: &str) {
        if self.json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }

    /// The command's result: `human` for people, `json` under `--json`.
    pub fn output(&self, human: &str, json: serde_json::Value) {
        if self.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_else(|_| json.to_string())
            );
        } else if !human.is_empty() {
            println!("{human}");
        }
    }

    /// Output of a command that sent one transaction.
    pub fn sent(&self, what: &str, sent: &Sent, mut json: serde_json::Value) {
        if let Some(map) = json.as_object_mut() {
            map.insert("signature".into(), sent.signature.to_string().into());
            map.insert("computeUnits".into(), sent.compute_units.into());
        }
        self.output(
            &format!("{what}\n  signature {} · {}", sent.signature, sent.cu()),
            json,
        );
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx::new(&cli.global);
    match cli.command {
        Command::Demo(a) => crate::demo::run(a.stake_pool_copy),
        Command::Ids => {
            let json = serde_json::json!({
                "programId": restaking::ID.to_string(),
                "config": restaking_client::config_pda().to_string(),
            });
            ctx.output(
                &format!(
                    "program   {}\nconfig    {}",
                    restaking::ID,
                    restaking_client::config_pda()
                ),
                json,
            );
            Ok(())
        }
        Command::Localnet(a) => tester::localnet(&ctx, &cli.global, a),
        Command::Warp(a) => tester::warp(&ctx, a),
        Command::Epoch(a) => tester::epoch(&ctx, a),
        Command::SetRate(a) => tester::set_rate(&ctx, a),
        Command::Status => status::status(&ctx),
        Command::Position(a) => staker::position(&ctx, a),
        Command::Deposit(a) => staker::deposit(&ctx, a),
        Command::Delegate(a) => staker::delegate(&ctx, a),
        Command::Undelegate(a) => staker::undelegate(&ctx, a),
        Command::Withdraw(a) => staker::withdraw(&ctx, a),
        Command::Complete(a) => staker::complete(&ctx, a),
        Command::Cancel(a) => staker::cancel(&ctx, a),
        Command::Claim(a) => staker::claim(&ctx, a),
        Command::RegisterOperator(a) => admin::register_operator(&ctx, a),
        Command::OpenOperatorPool(a) => admin::open_operator_pool(&ctx, a),
        Command::AddRewardMint(a) => admin::add_reward_mint(&ctx, a),
        Command::FundRewards(a) => admin::fund_rewards(&ctx, a),
        Command::ClaimCommission(a) => admin::claim_commission(&ctx, a),
        Command::RegisterService(a) => admin::register_service(&ctx, a),
        Command::LinkService(a) => admin::link_service(&ctx, a),
        Command::RequestSlash(a) => admin::request_slash(&ctx, a),
        Command::VetoSlash(a) => admin::veto_slash(&ctx, a),
        Command::ExecuteSlash(a) => admin::execute_slash(&ctx, a),
        Command::SetPause(a) => admin::set_pause(&ctx, a),
    }
}

/// A Unix time as `YYYY-MM-DD HH:MM:SS UTC` (clamped to years 1970..=9999, so the civil-date
/// arithmetic below cannot overflow).
#[allow(clippy::arithmetic_side_effects)]
pub fn utc(ts: i64) -> String {
    let ts = ts.clamp(0, 253_402_300_799);
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    // civil-from-days (Howard Hinnant's algorithm)
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}
