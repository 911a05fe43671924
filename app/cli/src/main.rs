//! `restaking-cli`: command-line client of the restaking program.
//!
//! - `demo`: the staking lifecycle end to end on an embedded Surfpool, with a report;
//! - `localnet`: a local validator (Surfpool, offline, 127.0.0.1:8899) with the program and a
//!   fixture world, its addresses in a JSON file, until Ctrl-C; `warp`, `epoch` and `set-rate`
//!   move its clock and its pools' rates;
//! - commands for any cluster (`--url`, `--keypair`, `--json`): `status`, `position`, the
//!   staker's, operator's, service's and admin's instructions.
//!
//! Every failure is one line on stderr and a non-zero exit.
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

mod amount;
mod builders;
mod chain;
mod commands;
mod demo;
mod errors;
mod keys;
mod localnet;
mod ops;
mod stake_pool;

/// Client of the LST restaking program.
#[derive(Parser, Debug)]
#[command(name = "restaking-cli", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// JSON-RPC URL of the cluster.
    #[arg(
        long,
        short = 'u',
        global = true,
        default_value = "http://127.0.0.1:8899"
    )]
    pub url: String,
    /// Solana CLI keypair file of the wallet that signs and pays
    /// [default: ~/.config/solana/id.json].
    #[arg(long, short = 'k', global = true)]
    pub keypair: Option<PathBuf>,
    /// Machine-readable output: one JSON document on stdout (progress goes to stderr).
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Price the LST by byte-exact stake-pool account copies even when
    /// target/deploy/spl_stake_pool.so is there.
    #[arg(long)]
    pub stake_pool_copy: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the staking lifecycle on an embedded Surfpool and print a report.
    Demo(DemoArgs),
    /// Print the program id and the config address.
    Ids,
    /// Start a local validator with the program and fixtures; runs until Ctrl-C.
    Localnet(commands::tester::LocalnetArgs),
    /// Move a localnet's clock forward.
    Warp(commands::tester::WarpArgs),
    /// Move a localnet to the next epoch: rewards land in its real stake pool, which updates.
    Epoch(commands::tester::EpochArgs),
    /// Move a localnet pool's rate (a real stake pool: rewards and an epoch; a byte-exact
    /// account copy: rewritten; a manual pool: pushed).
    SetRate(commands::tester::SetRateArgs),
    /// The config, pools, operators and services.
    Status,
    /// An owner's positions valued by the program's view (what a claim would pay now).
    Position(commands::staker::PositionArgs),
    /// Deposit LST into a pool (opens the position if needed).
    Deposit(commands::staker::DepositArgs),
    /// Delegate idle LST to an operator.
    Delegate(commands::staker::DelegateArgs),
    /// Undelegate from an operator (a ticket that matures after the pool's delay).
    Undelegate(commands::staker::UndelegateArgs),
    /// Request the withdrawal of idle LST (a ticket that matures after the pool's delay).
    Withdraw(commands::staker::WithdrawArgs),
    /// Complete matured tickets (one, or all of them).
    Complete(commands::staker::CompleteArgs),
    /// Cancel a ticket.
    Cancel(commands::staker::CancelArgs),
    /// Claim everything: base yield and every reward stream of every delegation.
    Claim(commands::staker::ClaimArgs),
    /// Register the signer as an operator.
    RegisterOperator(commands::admin::RegisterOperatorArgs),
    /// Open the signer's operator bucket in a pool.
    OpenOperatorPool(commands::admin::OpenOperatorPoolArgs),
    /// Add a reward stream to an operator's bucket.
    AddRewardMint(commands::admin::AddRewardMintArgs),
    /// Fund an operator's reward stream from the signer's tokens.
    FundRewards(commands::admin::FundRewardsArgs),
    /// Claim the signer's (operator's) commission of a reward stream.
    ClaimCommission(commands::admin::ClaimCommissionArgs),
    /// Register the signer as a service (AVS).
    RegisterService(commands::admin::RegisterServiceArgs),
    /// Link the signer's operator to a service, accepting its slashing.
    LinkService(commands::admin::LinkServiceArgs),
    /// Request a slash of an operator's bucket (the service's slasher signs).
    RequestSlash(commands::admin::RequestSlashArgs),
    /// Veto a pending slash request (the guardian signs).
    VetoSlash(commands::admin::SlashRequestArgs),
    /// Execute a slash request after its veto window (anyone may).
    ExecuteSlash(commands::admin::SlashRequestArgs),
    /// Set the config's pause flags (admin, or guardian to add flags).
    SetPause(commands::admin::SetPauseArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print to stdout and succeed; usage errors are one line.
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp
                    | clap::error::ErrorKind::DisplayVersion
                    | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind()
                    == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
                {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                };
            }
            let text = e.render().to_string();
            let first = text
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ");
            eprintln!("error: {first} (see restaking-cli --help)");
            return ExitCode::from(2);
        }
    };
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", chain::one_line(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}
