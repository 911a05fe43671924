//! The localnet: Surfpool (the validator Anchor 1.x runs by default) embedded in this process,
//! offline on 127.0.0.1, with the program deployed at its id; the fixture world (an LST that
//! is a real stake pool of the SPL stake-pool program deployed from
//! `target/deploy/spl_stake_pool.so` — or, without that binary, a byte-exact copy of a stake
//! pool account — and one priced by a byte-exact Marinade account, config, pools, operators
//! with reward streams, a service, funded wallets) and its addresses file; and the tester's
//! commands (`warp`, `epoch`, `set-rate`) that work against any running localnet over JSON-RPC.
use crate::chain::{group, Chain, Sent};
use crate::keys::write_keypair;
use crate::ops::{self, PoolInfo};
use crate::stake_pool::{self as sp, PoolAccounts};
use anchor_lang::prelude::Pubkey;
use anyhow::{bail, Context, Result};
use crossbeam_channel::{Receiver, Sender};
use restaking::constants::{MARINADE_PROGRAM_ID, RATE_SCALE, SPL_STAKE_POOL_PROGRAM_ID};
use restaking::instructions::{AddPoolArgs, InitializeConfigArgs};
use restaking::rate_source::{fixtures, marinade, spl_stake_pool};
use restaking::state::RateSource;
use restaking_client as client;
use serde::{Deserialize, Serialize};
use solana_rpc_client_api::request::RpcRequest;
use solana_sdk::signature::{Keypair, Signer};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use surfpool_core::surfnet::locker::SurfnetSvmLocker;
use surfpool_core::surfnet::svm::{SurfnetSvm, SurfnetSvmConfig};
use surfpool_sdk::cheatcodes::builders::{CheatcodeBuilder, SetAccount};
use surfpool_types::{
    BlockProductionMode, RpcConfig, SimnetCommand, SimnetConfig, SimnetEvent, SurfpoolConfig,
    SvmFeatureConfig,
};

/// One LST (9 decimals).
pub const ONE: u64 = 1_000_000_000;
pub const DAY: i64 = 24 * 60 * 60;
/// The fixture pools' withdrawal delay.
pub const WITHDRAWAL_DELAY: i64 = 7 * DAY;
/// The fixture config's slash veto window.
pub const VETO_SECS: i64 = 2 * DAY;
/// Fixture stake pools and Marinade report this LST supply (their rate is lamports / supply).
const FIXTURE_SUPPLY: u64 = 1_000_000 * ONE;
/// SOL the manager of the real stake pool stakes into it at setup (`DepositSol`).
pub const STAKE_POOL_SEED: u64 = 10_000 * ONE;
/// The real stake pool's epoch fee: 5 % of each epoch's rewards, minted to the manager.
pub const STAKE_POOL_EPOCH_FEE: sp::Fee = sp::Fee {
    denominator: 100,
    numerator: 5,
};
/// Validators the real stake pool's list has room for (it has none: its stake is all in the
/// reserve).
const STAKE_POOL_MAX_VALIDATORS: u32 = 10;

// ---- locating the program ------------------------------------------------------------------

/// The workspace: `cargo run`'s and `cargo test`'s `CARGO_MANIFEST_DIR` (read at run time, so a
/// binary shared between checkouts uses the checkout that ran it), else the nearest ancestor of
/// the working directory holding `programs/restaking`, else the working directory.
pub fn workspace_root() -> PathBuf {
    let is_root = |p: &Path| {
        p.join("programs")
            .join("restaking")
            .join("Cargo.toml")
            .is_file()
    };
    if let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") {
        for candidate in PathBuf::from(dir).ancestors() {
            if is_root(candidate) {
                return candidate.to_path_buf();
            }
        }
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    cwd.ancestors()
        .find(|p| is_root(p))
        .map_or(cwd.clone(), Path::to_path_buf)
}

/// `$SBF_OUT_DIR/restaking.so`, else `<workspace>/target/deploy/restaking.so`.
pub fn program_so() -> PathBuf {
    match std::env::var_os("SBF_OUT_DIR") {
        Some(dir) => PathBuf::from(dir).join("restaking.so"),
        None => workspace_root()
            .join("target")
            .join("deploy")
            .join("restaking.so"),
    }
}

/// `$SBF_OUT_DIR/spl_stake_pool.so`, else `<workspace>/target/deploy/spl_stake_pool.so`: the
/// SPL stake-pool program `scripts/build-sbf.sh` builds.
pub fn stake_pool_so() -> PathBuf {
    match std::env::var_os("SBF_OUT_DIR") {
        Some(dir) => PathBuf::from(dir).join("spl_stake_pool.so"),
        None => workspace_root()
            .join("target")
            .join("deploy")
            .join("spl_stake_pool.so"),
    }
}

// ---- the validator -------------------------------------------------------------------------

/// How to run the embedded validator.
#[derive(Clone, Debug)]
pub struct ValidatorOptions {
    /// RPC port on 127.0.0.1 (the WebSocket takes the next one); `None`: free ports.
    pub port: Option<u16>,
    /// Produce a block every slot (the clock follows wall time) instead of one per
    /// transaction (the clock only moves with transactions and `warp`).
    pub realtime: bool,
    /// Milliseconds per slot.
    pub slot_time_ms: u64,
}

impl Default for ValidatorOptions {
    fn default() -> Self {
        Self {
            port: None,
            realtime: false,
            slot_time_ms: 400,
        }
    }
}

/// A running embedded Surfpool. Dropping it stops it; [`Validator::stop`] waits until its RPC
/// servers are closed.
pub struct Validator {
    pub rpc_url: String,
    pub ws_url: String,
    commands: Sender<SimnetCommand>,
    shutdowns: Receiver<()>,
    stopped: bool,
}

fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("no free local port")?;
    Ok(listener.local_addr()?.port())
}

fn check_port(port: u16, what: &str) -> Result<()> {
    match std::net::TcpListener::bind(("127.0.0.1", port)) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            bail!("{what} port {port} on 127.0.0.1 is already in use (another validator running? choose one with --port)")
        }
        Err(e) => bail!("cannot bind {what} port {port} on 127.0.0.1: {e}"),
    }
}

impl Validator {
    /// Starts Surfpool offline on 127.0.0.1 and waits until it serves RPC.
    pub fn start(opts: &ValidatorOptions) -> Result<Self> {
        let (port, ws_port) = match opts.port {
            Some(p) => (
                p,
                p.checked_add(1)
                    .context("--port leaves no room for the WebSocket port")?,
            ),
            None => (free_port()?, free_port()?),
        };
        check_port(port, "RPC")?;
        check_port(ws_port, "WebSocket")?;
        let host = "127.0.0.1".to_string();
        let simnet = SimnetConfig {
            offline_mode: true,
            remote_rpc_url: None,
            slot_time: opts.slot_time_ms,
            block_production_mode: if opts.realtime {
                BlockProductionMode::Clock
            } else {
                BlockProductionMode::Transaction
            },
            airdrop_addresses: vec![],
            airdrop_token_amount: 0,
            instruction_profiling_enabled: false,
            ..SimnetConfig::default()
        };
        let config = SurfpoolConfig {
            simnets: vec![simnet.clone()],
            rpc: RpcConfig {
                bind_host: host.clone(),
                bind_port: port,
                ws_port,
                ..RpcConfig::default()
            },
            ..SurfpoolConfig::default()
        };
        let svm_config = SurfnetSvmConfig {
            surfnet_id: simnet.surfnet_id.clone(),
            slot_time: simnet.slot_time,
            instruction_profiling_enabled: simnet.instruction_profiling_enabled,
            max_profiles: simnet.max_profiles,
            log_bytes_limit: simnet.log_bytes_limit,
            feature_config: SvmFeatureConfig::default(),
            skip_blockhash_check: false,
        };
        let (svm, events, geyser_events) = SurfnetSvm::new(svm_config)
            .map_err(|e| anyhow::anyhow!("cannot initialise the Surfpool SVM: {e}"))?;
        let (commands, commands_rx) = crossbeam_channel::unbounded();
        let locker = SurfnetSvmLocker::new(svm);
        let (failed_tx, failed_rx) = crossbeam_channel::bounded::<String>(1);
        let commands_for_loop = commands.clone();
        std::thread::Builder::new()
            .name("surfpool".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = failed_tx.send(format!("cannot start its runtime: {e}"));
                        return;
                    }
                };
                let result =
                    runtime.block_on(surfpool_core::runloops::start_local_surfnet_runloop(
                        locker,
                        config,
                        commands_for_loop,
                        commands_rx,
                        geyser_events,
                    ));
                if let Err(e) = result {
                    let _ = failed_tx.send(crate::chain::one_line(&e.to_string()));
                }
            })
            .context("cannot start the validator thread")?;

        let deadline = Instant::now()
            .checked_add(Duration::from_secs(60))
            .context("clock overflow")?;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                bail!("Surfpool did not become ready within 60 s");
            }
            crossbeam_channel::select! {
                recv(events) -> msg => match msg {
                    Ok(SimnetEvent::Ready(_)) => break,
                    Ok(SimnetEvent::Aborted(e)) => bail!("Surfpool aborted: {}", crate::chain::one_line(&e)),
                    Ok(SimnetEvent::Shutdown) => bail!("Surfpool shut down while starting"),
                    Ok(_) => {}
                    Err(_) => bail!("Surfpool stopped while starting"),
                },
                recv(failed_rx) -> msg => {
                    bail!("Surfpool failed to start: {}", msg.unwrap_or_else(|_| "unknown error".into()))
                },
                default(left) => bail!("Surfpool did not become ready within 60 s"),
            }
        }
        // Drain the event channel for the validator's lifetime, forwarding shutdowns.
        let (shutdown_tx, shutdowns) = crossbeam_channel::unbounded();
        std::thread::Builder::new()
            .name("surfpool-events".into())
            .spawn(move || {
                while let Ok(event) = events.recv() {
                    if matches!(event, SimnetEvent::Shutdown) && shutdown_tx.send(()).is_err() {
                        break;
                    }
                }
            })
            .context("cannot start the event thread")?;
        Ok(Self {
            rpc_url: format!("http://{host}:{port}"),
            ws_url: format!("ws://{host}:{ws_port}"),
            commands,
            shutdowns,
            stopped: false,
        })
    }

    /// Stops the validator and waits (up to 5 s) until its RPC and WebSocket servers closed.
    pub fn stop(&mut self) -> Result<()> {
        if self.stopped {
            return Ok(());
        }
        self.stopped = true;
        self.commands
            .send(SimnetCommand::Terminate(None))
            .map_err(|_| anyhow::anyhow!("the validator is no longer running"))?;
        let deadline = Instant::now()
            .checked_add(Duration::from_secs(5))
            .context("clock overflow")?;
        for _ in 0..2 {
            let left = deadline.saturating_duration_since(Instant::now());
            if self.shutdowns.recv_timeout(left).is_err() {
                bail!("the validator did not confirm its shutdown within 5 s");
            }
        }
        Ok(())
    }
}

impl Drop for Validator {
    fn drop(&mut self) {
        if !self.stopped {
            let _ = self.commands.send(SimnetCommand::Terminate(None));
        }
    }
}

// ---- cheatcodes over JSON-RPC --------------------------------------------------------------

/// Calls a Surfpool cheatcode (`surfnet_*`) on the node behind `chain`.
pub fn cheat(
    chain: &Chain,
    method: &'static str,
    params: serde_json::Value,
) -> Result<serde_json::Value> {
    chain
        .rpc
        .send::<serde_json::Value>(RpcRequest::Custom { method }, params)
        .map_err(|e| {
            let text = e.to_string();
            if text.contains("Method not found") || text.contains("-32601") {
                anyhow::anyhow!(
                    "{} is not a Surfpool localnet ({method} is not supported there)",
                    chain.url
                )
            } else {
                chain.rpc_error(e, method)
            }
        })
}

/// Runs one of surfpool-sdk's typed cheatcode builders against the node behind `chain`.
pub fn execute<B: CheatcodeBuilder>(chain: &Chain, builder: B) -> Result<()> {
    cheat(chain, B::METHOD, builder.build())?;
    Ok(())
}

/// Writes an account (lamports, data, owner) with `surfnet_setAccount`.
pub fn set_account(
    chain: &Chain,
    key: &Pubkey,
    lamports: u64,
    data: &[u8],
    owner: &Pubkey,
) -> Result<()> {
    execute(
        chain,
        SetAccount::new(*key)
            .lamports(lamports)
            .data(data.to_vec())
            .owner(*owner),
    )
}

/// Sets an account's SOL balance with `surfnet_setAccount`.
pub fn fund_sol(chain: &Chain, key: &Pubkey, lamports: u64) -> Result<()> {
    execute(chain, SetAccount::new(*key).lamports(lamports))
}

/// Deploys `so` at `program_id` with `surfnet_writeProgram` (in 15 MB chunks).
pub fn deploy(chain: &Chain, program_id: &Pubkey, so: &Path) -> Result<()> {
    let bytes = std::fs::read(so).with_context(|| format!("cannot read {}", so.display()))?;
    const CHUNK: usize = 15 * 1024 * 1024;
    for (i, chunk) in bytes.chunks(CHUNK).enumerate() {
        let offset = i.checked_mul(CHUNK).context("offset overflow")?;
        cheat(
            chain,
            "surfnet_writeProgram",
            serde_json::json!([program_id.to_string(), hex::encode(chunk), offset]),
        )?;
    }
    Ok(())
}

/// Moves the localnet's clock `secs` seconds forward; see [`warp_to`].
pub fn warp(chain: &Chain, secs: i64, addresses: Option<&Addresses>) -> Result<(i64, u64)> {
    if secs <= 0 {
        bail!("warp needs a positive duration");
    }
    let now = chain.clock()?.unix_timestamp;
    let target = now.checked_add(secs).context("warp target out of range")?;
    warp_to(chain, target, addresses)
}

/// Moves the localnet's clock to Unix time `target` (`surfnet_timeTravel`; the next
/// transaction runs at exactly that time), then brings every stake pool up to the new epoch
/// (real ones by their own update instructions, byte-exact copies rewritten) and re-pushes the
/// rate of manual pools the addresses file lets us sign for. Returns the new Unix time and
/// epoch.
pub fn warp_to(chain: &Chain, target: i64, addresses: Option<&Addresses>) -> Result<(i64, u64)> {
    let now = chain.clock()?;
    if target <= now.unix_timestamp {
        bail!(
            "the clock only moves forward (now {}, asked for {target})",
            now.unix_timestamp
        );
    }
    // The real stake pools are updated by transactions, and each one moves the clock (a block
    // per transaction, a slot's 400 ms): travel to a little before `target` and update there,
    // then on to `target` itself, so the next transaction runs at exactly that time.
    const MARGIN_SECS: i64 = 10;
    let early = target.saturating_sub(MARGIN_SECS);
    let mut updated_epoch = None;
    if early > now.unix_timestamp {
        travel_to(chain, early)?;
        let clock = chain.clock()?;
        after_time_moved(chain, clock.epoch, addresses)?;
        updated_epoch = Some(clock.epoch);
    }
    if chain.clock()?.unix_timestamp < target {
        travel_to(chain, target)?;
    }
    let clock = chain.clock()?;
    if updated_epoch != Some(clock.epoch) {
        after_time_moved(chain, clock.epoch, addresses)?;
    }
    Ok((clock.unix_timestamp, clock.epoch))
}

/// `surfnet_timeTravel` to Unix time `target`, then a block so the new epoch settles.
fn travel_to(chain: &Chain, target: i64) -> Result<()> {
    let target_ms = target
        .checked_mul(1_000)
        .and_then(|t| u64::try_from(t).ok())
        .context("warp target out of range")?;
    cheat(
        chain,
        "surfnet_timeTravel",
        serde_json::json!([{ "absoluteTimestamp": target_ms }]),
    )?;
    // Surfpool's time travel can leave the slot index past the epoch's end, so the epoch rolls
    // over at the next block: produce one now.
    settle_clock(chain)
}

/// What follows a move of the clock: every stake pool brought up to `epoch`, every manual
/// pool's rate re-pushed (by the admin of `addresses`).
fn after_time_moved(
    chain: &Chain,
    epoch: u64,
    addresses: Option<&Addresses>,
) -> Result<Vec<StakePoolUpdate>> {
    let updates = update_stake_pools(chain, epoch)?;
    if let Some(a) = addresses {
        for p in &a.pools {
            if p.rate_source.kind != "manual" {
                continue;
            }
            let pool = ops::load_pool(chain, &parse(&p.pool)?)?;
            let updater = crate::keys::read_keypair(Path::new(&a.admin.keypair))?;
            let rate = pool.state.rate;
            ops::push_rate(chain, &updater, &pool, rate)
                .with_context(|| format!("re-pushing the rate of manual pool {}", p.pool))?;
        }
    }
    Ok(updates)
}

/// A move to the next epoch ([`next_epoch`]).
#[derive(Clone, Debug)]
pub struct EpochMove {
    pub from: u64,
    pub to: u64,
    pub unix_timestamp: i64,
    /// Each stake pool brought up to the new epoch, with the rewards that landed in it.
    pub pools: Vec<StakePoolUpdate>,
}

/// Moves the localnet to the start of the next epoch with an epoch's rewards: `rewards`
/// lamports land in each named real stake pool's reserve (a system transfer, before the
/// epoch ends), the clock moves to the next epoch (`surfnet_timeTravel`), then every stake
/// pool runs its own update instructions (so the rewards, less the pool's epoch fee, raise its
/// rate), byte-exact copies are re-stamped and manual pools re-pushed.
pub fn next_epoch(
    chain: &Chain,
    rewards: &[(Pubkey, u64)],
    addresses: Option<&Addresses>,
) -> Result<EpochMove> {
    let from = chain.clock()?.epoch;
    let total = rewards
        .iter()
        .try_fold(0u64, |s, (_, r)| s.checked_add(*r))
        .context("rewards overflow")?;
    let mut landed = vec![];
    if total > 0 {
        let payer = crank_payer(chain, total)?;
        for (stake_pool, lamports) in rewards.iter().filter(|(_, l)| *l > 0) {
            let state = sp::load_real(chain, stake_pool)?.with_context(|| {
                format!("{stake_pool} is not a stake pool of the real SPL stake-pool program")
            })?;
            let sent = sp::land_rewards(chain, &payer, &state.accounts, *lamports)?;
            landed.push((*stake_pool, *lamports, sent));
        }
    }
    let next = from.checked_add(1).context("epoch overflow")?;
    cheat(
        chain,
        "surfnet_timeTravel",
        serde_json::json!([{ "absoluteEpoch": next }]),
    )?;
    settle_clock(chain)?;
    let clock = chain.clock()?;
    let mut pools = after_time_moved(chain, clock.epoch, addresses)?;
    for (stake_pool, lamports, sent) in landed {
        if let Some(u) = pools.iter_mut().find(|u| u.stake_pool == stake_pool) {
            u.rewards = lamports;
            u.rewards_sent = Some(sent);
        }
    }
    Ok(EpochMove {
        from,
        to: clock.epoch,
        unix_timestamp: clock.unix_timestamp,
        pools,
    })
}

/// A fresh key funded (with `surfnet_setAccount`) with `lamports` and 1 SOL for fees: pays the
/// stake pools' permissionless updates and carries rewards into their reserves.
fn crank_payer(chain: &Chain, lamports: u64) -> Result<Keypair> {
    let payer = Keypair::new();
    let funds = lamports.checked_add(ONE).context("rewards overflow")?;
    fund_sol(chain, &payer.pubkey(), funds)?;
    Ok(payer)
}

/// Produces a block (an airdrop makes Surfpool confirm one) and
/// waits until the Clock sysvar shows it.
pub fn settle_clock(chain: &Chain) -> Result<()> {
    let before = chain.clock()?;
    // Airdrops must be rent-exempt; one fixed address collects them.
    let to = Pubkey::new_from_array(*b"restaking-localnet-clock-ticks!!");
    let lamports = chain.rent_exempt(0)?;
    chain
        .rpc
        .request_airdrop(&to, lamports)
        .map_err(|e| chain.rpc_error(e, "requestAirdrop"))?;
    let deadline = Instant::now()
        .checked_add(Duration::from_secs(10))
        .context("clock overflow")?;
    loop {
        let now = chain.clock()?;
        if now.slot != before.slot || now.epoch != before.epoch {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the localnet produced no block within 10 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Keeps the stake pools current across epochs (as the stake-pool program's epoch crank does
/// on a real cluster): checks the epoch every `period` and updates them when it moves (real
/// pools by their update instructions, byte-exact copies re-stamped). Runs until the localnet
/// stops answering.
pub fn spawn_epoch_crank(url: String, period: Duration) -> Result<()> {
    std::thread::Builder::new()
        .name("epoch-crank".into())
        .spawn(move || {
            let chain = Chain::new(&url);
            let mut last = None;
            loop {
                std::thread::sleep(period);
                let Ok(clock) = chain.clock() else { return };
                if last != Some(clock.epoch) && update_stake_pools(&chain, clock.epoch).is_ok() {
                    last = Some(clock.epoch);
                }
            }
        })
        .context("cannot start the epoch crank")?;
    Ok(())
}

/// A stake pool brought up to an epoch.
#[derive(Clone, Debug)]
pub struct StakePoolUpdate {
    pub stake_pool: Pubkey,
    /// A stake pool of the real program (updated by its instructions), else a byte-exact copy
    /// (re-stamped with the epoch).
    pub real: bool,
    /// Rewards that landed in its reserve before the update (lamports) and their transfer.
    pub rewards: u64,
    pub rewards_sent: Option<Sent>,
    pub rate_before: u128,
    pub rate_after: u128,
    pub total_lamports: u64,
    pub pool_token_supply: u64,
    /// Pool tokens the epoch fee minted to the manager.
    pub fee_tokens: u64,
    /// The update's instructions (real pools).
    pub steps: Vec<sp::Step>,
}

/// Brings every stake pool that prices one of the program's pools and lags `epoch` up to it:
/// a real pool by its own `UpdateValidatorListBalance`, `UpdateStakePoolBalance` and
/// `CleanupRemovedValidatorEntries` (paid by a funded throwaway key), a byte-exact copy by
/// rewriting its `last_update_epoch` (keeping its totals).
pub fn update_stake_pools(chain: &Chain, epoch: u64) -> Result<Vec<StakePoolUpdate>> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = vec![];
    let mut payer: Option<Keypair> = None;
    for pool in ops::all_pools(chain)? {
        let RateSource::SplStakePool { stake_pool } = pool.state.rate_source else {
            continue;
        };
        if !seen.insert(stake_pool) {
            continue;
        }
        if let Some(state) = sp::load_real(chain, &stake_pool)? {
            if state.last_update_epoch >= epoch {
                continue;
            }
            let payer = match &payer {
                Some(p) => p,
                None => payer.insert(crank_payer(chain, 0)?),
            };
            let fees_before = chain.token_balance(&state.accounts.manager_fee_account)?;
            let steps = sp::update(chain, payer, &state.accounts)?;
            let after = sp::load_real(chain, &stake_pool)?
                .with_context(|| format!("stake pool {stake_pool} vanished"))?;
            let fees_after = chain.token_balance(&state.accounts.manager_fee_account)?;
            out.push(StakePoolUpdate {
                stake_pool,
                real: true,
                rewards: 0,
                rewards_sent: None,
                rate_before: sp::current_rate(&state).unwrap_or(0),
                rate_after: sp::current_rate(&after)?,
                total_lamports: after.total_lamports,
                pool_token_supply: after.pool_token_supply,
                fee_tokens: fees_after.saturating_sub(fees_before),
                steps,
            });
            continue;
        }
        let Some(acc) = chain.account(&stake_pool)? else {
            continue;
        };
        if acc.owner != SPL_STAKE_POOL_PROGRAM_ID {
            continue;
        }
        let Ok(s) = spl_stake_pool::parse_stake_pool(&acc.data) else {
            continue;
        };
        if s.last_update_epoch < epoch {
            write_stake_pool(
                chain,
                &stake_pool,
                &s.pool_mint,
                s.total_lamports,
                s.pool_token_supply,
                epoch,
            )?;
            let rate = sp::rate_of(s.total_lamports, s.pool_token_supply).unwrap_or(0);
            out.push(StakePoolUpdate {
                stake_pool,
                real: false,
                rewards: 0,
                rewards_sent: None,
                rate_before: rate,
                rate_after: rate,
                total_lamports: s.total_lamports,
                pool_token_supply: s.pool_token_supply,
                fee_tokens: 0,
                steps: vec![],
            });
        }
    }
    Ok(out)
}

fn write_stake_pool(
    chain: &Chain,
    key: &Pubkey,
    mint: &Pubkey,
    total: u64,
    supply: u64,
    epoch: u64,
) -> Result<()> {
    let data = fixtures::stake_pool_account_data(mint, total, supply, epoch);
    let lamports = chain.rent_exempt(data.len())?;
    set_account(chain, key, lamports, &data, &SPL_STAKE_POOL_PROGRAM_ID)
}

fn write_marinade(chain: &Chain, key: &Pubkey, mint: &Pubkey, msol_price: u64) -> Result<()> {
    let data = fixtures::marinade_state_account_data(mint, msol_price);
    let lamports = chain.rent_exempt(data.len())?;
    set_account(chain, key, lamports, &data, &MARINADE_PROGRAM_ID)
}

/// How [`set_rate`] moved a pool's rate.
#[derive(Clone, Debug, Default)]
pub struct RateMove {
    /// `push_rate` transactions sent (manual pools).
    pub pushes: usize,
    /// A real stake pool: the move to the next epoch whose rewards give it the rate.
    pub epoch: Option<EpochMove>,
    /// A real stake pool: lamports of the `DepositSol` (credited to the manager's fee account)
    /// that tuned its totals so the rate is exact, and its transaction.
    pub deposit: Option<(u64, Sent)>,
    /// The rate the source reports now (× 10^18).
    pub rate: u128,
}

/// Moves a pool's rate to `rate` (× 10^18). A real stake pool: the rewards that give it that
/// rate land in its reserve and the localnet moves to the next epoch, where the pool's own
/// update instructions raise its rate ([`next_epoch`]; it only rises); a `DepositSol` of a
/// few lamports before (its pool tokens to the manager's fee account) tunes the totals so the
/// rate is exactly `rate` ([`sp::plan_rate`]). A byte-exact stake-pool
/// or Marinade account is rewritten; a manual pool's rate is pushed (in steps within its
/// maximum change) signed by `updater`.
pub fn set_rate(
    chain: &Chain,
    pool: &PoolInfo,
    rate: u128,
    updater: Option<&Keypair>,
    addresses: Option<&Addresses>,
) -> Result<RateMove> {
    match pool.state.rate_source {
        RateSource::SplStakePool { stake_pool } => {
            if let Some(state) = sp::load_real(chain, &stake_pool)? {
                // a deposit needs the pool updated in this epoch
                let epoch = chain.clock()?.epoch;
                let state = if state.last_update_epoch < epoch {
                    update_stake_pools(chain, epoch)?;
                    sp::load_real(chain, &stake_pool)?
                        .with_context(|| format!("stake pool {stake_pool} vanished"))?
                } else {
                    state
                };
                let reserve = sp::reserve_total(chain, &state.accounts)?;
                let plan = sp::plan_rate(&state, reserve, rate)?;
                let deposit = if plan.deposit > 0 {
                    let payer = crank_payer(chain, plan.deposit)?;
                    let ix = sp::deposit_sol(
                        &state.accounts,
                        &payer.pubkey(),
                        &state.accounts.manager_fee_account,
                        plan.deposit,
                    );
                    let sent = chain
                        .send(&[ix], &payer, &[])
                        .context("the stake pool's DepositSol that tunes its rate")?;
                    Some((plan.deposit, sent))
                } else {
                    None
                };
                let moved = next_epoch(chain, &[(stake_pool, plan.rewards)], addresses)?;
                let now = sp::load_real(chain, &stake_pool)?
                    .with_context(|| format!("stake pool {stake_pool} vanished"))?;
                return Ok(RateMove {
                    pushes: 0,
                    epoch: Some(moved),
                    deposit,
                    rate: sp::current_rate(&now)?,
                });
            }
            let acc = chain
                .account(&stake_pool)?
                .with_context(|| format!("stake pool {stake_pool} does not exist"))?;
            let supply = spl_stake_pool::parse_stake_pool(&acc.data)
                .map(|sp| sp.pool_token_supply)
                .unwrap_or(FIXTURE_SUPPLY);
            let total = crate::amount::apply_rate(rate, supply)?;
            let epoch = chain.clock()?.epoch;
            write_stake_pool(
                chain,
                &stake_pool,
                &pool.keys.lst_mint,
                total,
                supply,
                epoch,
            )?;
            Ok(RateMove {
                rate,
                ..RateMove::default()
            })
        }
        RateSource::Marinade { state } => {
            let price = u128::from(u32::MAX)
                .checked_add(1)
                .and_then(|d| rate.checked_mul(d))
                .map(|v| v / RATE_SCALE)
                .and_then(|v| u64::try_from(v).ok())
                .context("rate out of Marinade's range")?;
            if chain
                .account(&state)?
                .is_some_and(|a| a.owner == MARINADE_PROGRAM_ID)
            {
                let acc = chain.account(&state)?.context("Marinade state")?;
                marinade::parse_marinade_state(&acc.data)
                    .map_err(|_| anyhow::anyhow!("{state} is not a Marinade state account"))?;
            }
            write_marinade(chain, &state, &pool.keys.lst_mint, price)?;
            Ok(RateMove {
                rate,
                ..RateMove::default()
            })
        }
        RateSource::Manual { max_change_bps, .. } => {
            let updater = updater.context(
                "a manual pool's rate is pushed by its updater: pass its keypair with --keypair",
            )?;
            let mut current = pool.state.rate;
            let mut sent = 0usize;
            while current != rate {
                let step = current
                    .checked_mul(u128::from(max_change_bps))
                    .map(|v| v / 10_000)
                    .context("rate step overflows")?
                    .max(1);
                let next = if rate > current {
                    rate.min(current.saturating_add(step))
                } else {
                    rate.max(current.saturating_sub(step))
                };
                ops::push_rate(chain, updater, pool, next)?;
                sent = sent.saturating_add(1);
                current = next;
            }
            Ok(RateMove {
                pushes: sent,
                epoch: None,
                deposit: None,
                rate,
            })
        }
    }
}

// ---- the addresses file --------------------------------------------------------------------

/// A key with its Solana CLI keypair file (absolute path).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WalletEntry {
    pub name: String,
    pub pubkey: String,
    pub keypair: String,
    /// Associated token accounts by mint.
    #[serde(default)]
    pub token_accounts: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateSourceEntry {
    /// `splStakePool`, `marinade` or `manual`.
    pub kind: String,
    /// The stake-pool or Marinade state account (absent for manual pools).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The program owning that account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Manual pools: the key that pushes the rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updater: Option<String>,
    /// A stake pool of the real SPL stake-pool program: its accounts (absent when the account
    /// is a byte-exact copy written with cheatcodes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stake_pool: Option<StakePoolEntry>,
}

/// The accounts of a real stake pool (`SPoo1…` deployed from `programSo`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StakePoolEntry {
    pub program_id: String,
    /// The binary deployed at `programId`.
    pub program_so: String,
    pub stake_pool: String,
    pub pool_mint: String,
    /// Stake account holding the pool's SOL (staker and withdrawer: the withdraw authority).
    pub reserve_stake: String,
    pub validator_list: String,
    /// PDA `[stake pool, "withdraw"]`: the pool mint's mint authority.
    pub withdraw_authority: String,
    /// Manager and staker (the localnet's admin).
    pub manager: String,
    /// The manager's token account of the pool mint: the epoch fee and the seed deposit.
    pub manager_fee_account: String,
    /// The epoch fee on rewards, in basis points.
    pub epoch_fee_bps: u64,
    pub token_program: String,
}

impl StakePoolEntry {
    fn new(a: &PoolAccounts, so: &Path) -> Self {
        let so = std::fs::canonicalize(so).unwrap_or_else(|_| so.to_path_buf());
        Self {
            program_id: sp::PROGRAM_ID.to_string(),
            program_so: so.display().to_string(),
            stake_pool: a.pool.to_string(),
            pool_mint: a.mint.to_string(),
            reserve_stake: a.reserve.to_string(),
            validator_list: a.validator_list.to_string(),
            withdraw_authority: a.withdraw_authority.to_string(),
            manager: a.manager.to_string(),
            manager_fee_account: a.manager_fee_account.to_string(),
            epoch_fee_bps: STAKE_POOL_EPOCH_FEE.bps(),
            token_program: a.token_program.to_string(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolEntry {
    pub name: String,
    pub pool: String,
    pub lst_mint: String,
    pub vault: String,
    pub token_program: String,
    pub decimals: u8,
    pub rate_source: RateSourceEntry,
    /// The rate at setup, as a decimal (numeraire per LST).
    pub rate: String,
    pub withdrawal_delay_secs: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MintEntry {
    pub name: String,
    pub mint: String,
    pub decimals: u8,
    pub token_program: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamEntry {
    pub reward_mint: String,
    pub reward_index: String,
    pub reward_vault: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BucketEntry {
    pub pool: String,
    pub operator_pool: String,
    pub queue: String,
    pub reward_streams: Vec<StreamEntry>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperatorEntry {
    pub name: String,
    pub authority: WalletEntry,
    pub operator: String,
    pub commission_bps: u16,
    pub buckets: Vec<BucketEntry>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkEntry {
    pub operator: String,
    pub service_link: String,
    pub max_slash_bps: u16,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceEntry {
    pub name: String,
    pub authority: WalletEntry,
    pub slasher: WalletEntry,
    pub service: String,
    /// Owner of the token accounts seized LST is paid to.
    pub destination: String,
    pub links: Vec<LinkEntry>,
}

/// Every address of a localnet (`target/localnet/addresses.json`), for the CLI, the
/// TypeScript client and the web app. Documented in app/cli/README.md.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Addresses {
    pub version: u32,
    pub program_id: String,
    pub rpc_url: String,
    pub ws_url: String,
    pub config: String,
    pub admin: WalletEntry,
    pub guardian: WalletEntry,
    pub treasury: String,
    pub mint_authority: WalletEntry,
    pub pools: Vec<PoolEntry>,
    pub reward_mints: Vec<MintEntry>,
    pub operators: Vec<OperatorEntry>,
    pub services: Vec<ServiceEntry>,
    pub wallets: Vec<WalletEntry>,
}

impl Addresses {
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the addresses file {}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!("{} is not a localnet addresses file: {e}", path.display())
        })
    }

    pub fn pool(&self, name: &str) -> Option<&PoolEntry> {
        self.pools.iter().find(|p| p.name == name)
    }
    pub fn wallet(&self, name: &str) -> Option<&WalletEntry> {
        self.wallets.iter().find(|w| w.name == name)
    }
    pub fn operator(&self, name: &str) -> Option<&OperatorEntry> {
        self.operators.iter().find(|o| o.name == name)
    }
}

pub fn parse(text: &str) -> Result<Pubkey> {
    text.parse()
        .map_err(|_| anyhow::anyhow!("invalid address {text:?} in the addresses file"))
}

// ---- the fixture world ---------------------------------------------------------------------

/// What the localnet sets up.
#[derive(Clone, Debug)]
pub struct WorldOptions {
    /// Directory of the keypair files (and, by default, the addresses file).
    pub dir: PathBuf,
    /// Also add a manually priced pool.
    pub manual_pool: bool,
    /// Test wallets and the LST each receives of every pool's mint (base units).
    pub wallets: Vec<(String, u64)>,
    /// SOL each wallet receives (lamports).
    pub wallet_sol: u64,
    /// Reward tokens the service authority receives (base units, 6 decimals).
    pub service_rewards: u64,
    /// The SPL stake-pool program to deploy: the `spl` LST is then a real stake pool of it
    /// (wallets get its LST by `DepositSol`); `None`: a byte-exact stake-pool account copy.
    pub stake_pool_program: Option<PathBuf>,
}

impl WorldOptions {
    /// The default world; the `spl` LST is a real stake pool when [`stake_pool_so`] exists.
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            manual_pool: false,
            wallets: vec![("alice".into(), 1_000 * ONE), ("bob".into(), 1_000 * ONE)],
            wallet_sol: 100 * ONE,
            service_rewards: 1_000_000 * 1_000_000,
            stake_pool_program: Some(stake_pool_so()).filter(|p| p.is_file()),
        }
    }
}

/// Keypair of a named fixture role, written to `<dir>/<name>.json`.
struct Role {
    name: String,
    kp: Keypair,
    path: PathBuf,
}

impl Role {
    fn new(dir: &Path, name: &str) -> Result<Self> {
        let kp = Keypair::new();
        let path = dir.join(format!("{name}.json"));
        write_keypair(&kp, &path)?;
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        Ok(Self {
            name: name.into(),
            kp,
            path,
        })
    }
    fn entry(&self) -> WalletEntry {
        WalletEntry {
            name: self.name.clone(),
            pubkey: self.kp.pubkey().to_string(),
            keypair: self.path.display().to_string(),
            token_accounts: BTreeMap::new(),
        }
    }
}

/// Sets up the fixture world on the (fresh) localnet behind `chain`, printing a line per step
/// through `say`. The program must be deployed.
pub fn setup_world(
    chain: &Chain,
    ws_url: &str,
    opts: &WorldOptions,
    say: &mut dyn FnMut(&str),
) -> Result<Addresses> {
    std::fs::create_dir_all(&opts.dir)
        .with_context(|| format!("cannot create {}", opts.dir.display()))?;
    let admin = Role::new(&opts.dir, "admin")?;
    let guardian = Role::new(&opts.dir, "guardian")?;
    let mint_authority = Role::new(&opts.dir, "mint-authority")?;
    let treasury = Keypair::new().pubkey();
    for role in [&admin, &guardian, &mint_authority] {
        fund_sol(chain, &role.kp.pubkey(), 1_000 * ONE)?;
    }

    ops::initialize_config(
        chain,
        &admin.kp,
        InitializeConfigArgs {
            guardian: guardian.kp.pubkey(),
            treasury,
            protocol_fee_bps: 0,
            max_commission_bps: 5_000,
            min_withdrawal_delay_secs: 3 * DAY,
            slash_veto_secs: VETO_SECS,
        },
    )?;
    say(&format!(
        "config {} (admin {}, guardian {}, 2-day slash veto window)",
        client::config_pda(),
        admin.kp.pubkey(),
        guardian.kp.pubkey()
    ));

    let spl_token = anchor_spl::token::ID;
    let epoch = chain.clock()?.epoch;
    let mut pools = vec![];
    let mut pool_entries = vec![];
    let mut plan: Vec<(&str, RateSource)> = vec![];
    // An LST priced by an SPL stake pool and one priced by Marinade, both at 1.0 SOL.
    let (spl_mint, stake_pool, real_pool) = match &opts.stake_pool_program {
        Some(so) => {
            let accounts = create_real_stake_pool(chain, &admin, so, say)?;
            (accounts.mint, accounts.pool, Some((accounts, so.clone())))
        }
        None => {
            let spl_mint =
                ops::create_mint(chain, &admin.kp, &mint_authority.kp.pubkey(), 9, &spl_token)?.0;
            let stake_pool = Keypair::new().pubkey();
            write_stake_pool(
                chain,
                &stake_pool,
                &spl_mint,
                FIXTURE_SUPPLY,
                FIXTURE_SUPPLY,
                epoch,
            )?;
            (spl_mint, stake_pool, None)
        }
    };
    plan.push(("spl", RateSource::SplStakePool { stake_pool }));
    let msol_mint =
        ops::create_mint(chain, &admin.kp, &mint_authority.kp.pubkey(), 9, &spl_token)?.0;
    let marinade_state = Keypair::new().pubkey();
    write_marinade(chain, &marinade_state, &msol_mint, 1 << 32)?;
    plan.push((
        "marinade",
        RateSource::Marinade {
            state: marinade_state,
        },
    ));
    let mut mints = vec![spl_mint, msol_mint];
    if opts.manual_pool {
        let mint =
            ops::create_mint(chain, &admin.kp, &mint_authority.kp.pubkey(), 9, &spl_token)?.0;
        plan.push((
            "manual",
            RateSource::Manual {
                updater: admin.kp.pubkey(),
                max_change_bps: 1_000,
                max_age_secs: u32::try_from(2 * WITHDRAWAL_DELAY).unwrap_or(u32::MAX),
            },
        ));
        mints.push(mint);
    }
    for ((name, source), mint) in plan.into_iter().zip(mints) {
        let (pool, _) = ops::add_pool(
            chain,
            &admin.kp,
            mint,
            spl_token,
            AddPoolArgs {
                rate_source: source,
                initial_rate: RATE_SCALE,
                deposit_cap_value: u64::MAX,
                withdrawal_delay_secs: WITHDRAWAL_DELAY,
                accepted_freeze_authority: None,
            },
        )?;
        say(&format!(
            "pool {name}: {} for LST {} priced by {}",
            pool.key,
            mint,
            ops::describe_source(&source)
        ));
        pool_entries.push(PoolEntry {
            name: name.into(),
            pool: pool.key.to_string(),
            lst_mint: mint.to_string(),
            vault: pool.keys.vault.to_string(),
            token_program: spl_token.to_string(),
            decimals: 9,
            rate_source: match source {
                RateSource::SplStakePool { stake_pool } => RateSourceEntry {
                    kind: "splStakePool".into(),
                    account: Some(stake_pool.to_string()),
                    owner: Some(SPL_STAKE_POOL_PROGRAM_ID.to_string()),
                    updater: None,
                    stake_pool: real_pool
                        .as_ref()
                        .filter(|(a, _)| a.pool == stake_pool)
                        .map(|(a, so)| StakePoolEntry::new(a, so)),
                },
                RateSource::Marinade { state } => RateSourceEntry {
                    kind: "marinade".into(),
                    account: Some(state.to_string()),
                    owner: Some(MARINADE_PROGRAM_ID.to_string()),
                    updater: None,
                    stake_pool: None,
                },
                RateSource::Manual { updater, .. } => RateSourceEntry {
                    kind: "manual".into(),
                    account: None,
                    owner: None,
                    updater: Some(updater.to_string()),
                    stake_pool: None,
                },
            },
            rate: crate::amount::format_rate(pool.state.rate),
            withdrawal_delay_secs: WITHDRAWAL_DELAY,
        });
        pools.push(pool);
    }

    let reward_mint =
        ops::create_mint(chain, &admin.kp, &mint_authority.kp.pubkey(), 6, &spl_token)?.0;
    let reward_entry = MintEntry {
        name: "reward".into(),
        mint: reward_mint.to_string(),
        decimals: 6,
        token_program: spl_token.to_string(),
    };

    // Operators X (10 %) and Y (5 %), each with a bucket and a reward stream in every pool.
    let mut operators = vec![];
    let mut operator_roles = vec![];
    for (name, bps) in [("operator-x", 1_000u16), ("operator-y", 500)] {
        let role = Role::new(&opts.dir, name)?;
        fund_sol(chain, &role.kp.pubkey(), 100 * ONE)?;
        let (operator, _) =
            ops::register_operator(chain, &role.kp, bps, &format!("https://{name}.localnet"))?;
        let mut buckets = vec![];
        for pool in &pools {
            let (bucket, _) = ops::open_operator_pool(chain, &role.kp, pool)?;
            let (stream, _) =
                ops::add_reward_mint(chain, &role.kp, &operator, pool, &reward_mint, 0)?;
            buckets.push(BucketEntry {
                pool: pool.key.to_string(),
                operator_pool: bucket.to_string(),
                queue: client::queue_pda(&bucket).to_string(),
                reward_streams: vec![StreamEntry {
                    reward_mint: reward_mint.to_string(),
                    reward_index: stream.reward_index.to_string(),
                    reward_vault: stream.reward_vault.to_string(),
                }],
            });
        }
        say(&format!(
            "{name}: operator {operator} ({} % commission), a bucket and a reward stream in each pool",
            bps / 100
        ));
        operators.push(OperatorEntry {
            name: name.into(),
            authority: role.entry(),
            operator: operator.to_string(),
            commission_bps: bps,
            buckets,
        });
        operator_roles.push(role);
    }

    // A service both operators link (up to 20 % slashable), funded with reward tokens.
    let svc_authority = Role::new(&opts.dir, "service")?;
    let svc_slasher = Role::new(&opts.dir, "slasher")?;
    fund_sol(chain, &svc_authority.kp.pubkey(), 100 * ONE)?;
    fund_sol(chain, &svc_slasher.kp.pubkey(), 100 * ONE)?;
    let (service, _) = ops::register_service(
        chain,
        &svc_authority.kp,
        &svc_slasher.kp.pubkey(),
        &svc_authority.kp.pubkey(),
        "https://service.localnet",
    )?;
    let mut links = vec![];
    for (role, entry) in operator_roles.iter().zip(&operators) {
        let (link, _) = ops::link_service(chain, &role.kp, &service, 2_000)?;
        links.push(LinkEntry {
            operator: entry.operator.clone(),
            service_link: link.to_string(),
            max_slash_bps: 2_000,
        });
    }
    let (svc_rewards, _) = ops::mint_to(
        chain,
        &admin.kp,
        &mint_authority.kp,
        &reward_mint,
        &svc_authority.kp.pubkey(),
        opts.service_rewards,
    )?;
    let mut svc_entry = svc_authority.entry();
    svc_entry
        .token_accounts
        .insert(reward_mint.to_string(), svc_rewards.to_string());
    say(&format!(
        "service {service} (slasher {}), linked by both operators at up to 20 %, holding {} reward tokens",
        svc_slasher.kp.pubkey(),
        group(opts.service_rewards / 1_000_000)
    ));

    // Test wallets with SOL and every LST: the real stake pool's by staking SOL into it
    // (`DepositSol`), the others minted.
    let mut wallets = vec![];
    for (name, lst) in &opts.wallets {
        let role = Role::new(&opts.dir, name)?;
        fund_sol(chain, &role.kp.pubkey(), opts.wallet_sol)?;
        let mut entry = role.entry();
        for pool in &pools {
            if *lst == 0 {
                continue;
            }
            let real = real_pool
                .as_ref()
                .map(|(a, _)| a)
                .filter(|a| a.mint == pool.keys.lst_mint);
            let ata = match real {
                Some(accounts) => stake_sol_for_lst(chain, &admin.kp, &role.kp, accounts, *lst)?,
                None => {
                    ops::mint_to(
                        chain,
                        &admin.kp,
                        &mint_authority.kp,
                        &pool.keys.lst_mint,
                        &role.kp.pubkey(),
                        *lst,
                    )?
                    .0
                }
            };
            entry
                .token_accounts
                .insert(pool.keys.lst_mint.to_string(), ata.to_string());
        }
        say(&format!(
            "wallet {name}: {} with {} SOL and {} of each LST{}",
            role.kp.pubkey(),
            group(opts.wallet_sol / ONE),
            crate::amount::format_amount(*lst, 9),
            if real_pool.is_some() && *lst > 0 {
                " (the stake pool's by DepositSol)"
            } else {
                ""
            }
        ));
        wallets.push(entry);
    }

    Ok(Addresses {
        version: 1,
        program_id: restaking::ID.to_string(),
        rpc_url: chain.url.clone(),
        ws_url: ws_url.to_string(),
        config: client::config_pda().to_string(),
        admin: admin.entry(),
        guardian: guardian.entry(),
        treasury: treasury.to_string(),
        mint_authority: mint_authority.entry(),
        pools: pool_entries,
        reward_mints: vec![reward_entry],
        operators,
        services: vec![ServiceEntry {
            name: "service".into(),
            authority: svc_entry,
            slasher: svc_slasher.entry(),
            service: service.to_string(),
            destination: svc_authority.kp.pubkey().to_string(),
            links,
        }],
        wallets,
    })
}

/// Deploys the SPL stake-pool program from `so` and creates a real stake pool managed by the
/// admin (5 % epoch fee), seeded with [`STAKE_POOL_SEED`] by the admin's `DepositSol`.
fn create_real_stake_pool(
    chain: &Chain,
    admin: &Role,
    so: &Path,
    say: &mut dyn FnMut(&str),
) -> Result<PoolAccounts> {
    if !so.is_file() {
        bail!(
            "{} is missing: build it with scripts/build-sbf.sh",
            so.display()
        );
    }
    deploy(chain, &sp::PROGRAM_ID, so)?;
    let funds = STAKE_POOL_SEED
        .checked_add(1_000 * ONE)
        .context("overflow")?;
    fund_sol(chain, &admin.kp.pubkey(), funds)?;
    let (accounts, steps) = sp::create(
        chain,
        &admin.kp,
        STAKE_POOL_EPOCH_FEE,
        STAKE_POOL_MAX_VALIDATORS,
    )?;
    let (_, seeded, deposit) =
        sp::deposit(chain, &admin.kp, &admin.kp, &accounts, STAKE_POOL_SEED)?;
    let cu = |s: &sp::Step| s.program_cu().map_or_else(|| "?".into(), group);
    let step_cu = |name: &str| {
        steps
            .iter()
            .find(|s| s.name == name)
            .map_or_else(|| "?".into(), cu)
    };
    let (init_cu, reserve_cu) = (step_cu("Initialize"), step_cu("stake Initialize (reserve)"));
    say(&format!(
        "SPL stake-pool program {} deployed from {}; stake pool {} (mint {}, reserve {} initialised by the stake program in {reserve_cu} CU, validator list {}, withdraw authority {}; Initialize {init_cu} CU, {} % epoch fee), seeded by the admin with {} SOL (DepositSol {} CU → {} LST)",
        sp::PROGRAM_ID,
        so.display(),
        accounts.pool,
        accounts.mint,
        accounts.reserve,
        accounts.validator_list,
        accounts.withdraw_authority,
        STAKE_POOL_EPOCH_FEE.bps() / 100,
        group(STAKE_POOL_SEED / ONE),
        cu(&deposit),
        crate::amount::format_amount(seeded, 9),
    ));
    Ok(accounts)
}

/// `wallet` stakes the SOL that buys `lst` pool tokens at the pool's rate (`DepositSol`),
/// funded for it beforehand (with `surfnet_setAccount`, on top of its balance); `payer` pays
/// the fees and the token account. Returns the wallet's token account.
fn stake_sol_for_lst(
    chain: &Chain,
    payer: &Keypair,
    wallet: &Keypair,
    accounts: &PoolAccounts,
    lst: u64,
) -> Result<Pubkey> {
    let state = sp::load_real(chain, &accounts.pool)?
        .with_context(|| format!("stake pool {} is missing", accounts.pool))?;
    let lamports = sp::lamports_for_tokens(&state, lst)?;
    let balance = chain
        .rpc
        .get_balance(&wallet.pubkey())
        .map_err(|e| chain.rpc_error(e, "getBalance"))?;
    fund_sol(
        chain,
        &wallet.pubkey(),
        balance.checked_add(lamports).context("overflow")?,
    )?;
    let (ata, _, _) = sp::deposit(chain, payer, wallet, accounts, lamports)?;
    Ok(ata)
}

/// Writes the addresses file (pretty JSON), creating its directory.
pub fn write_addresses<T: Serialize>(addresses: &T, path: &Path) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(addresses)?;
    // written beside and renamed into place, so a reader polling for the file never sees it
    // half written
    let partial = path.with_extension("json.partial");
    std::fs::write(&partial, text)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))
}

/// A started localnet: the validator, the deployed program and the fixture world.
pub struct Localnet {
    pub validator: Validator,
    pub chain: Chain,
    pub addresses: Addresses,
}

/// Starts the validator and deploys `so` at the program id (nothing else).
fn start_with_program(
    vopts: &ValidatorOptions,
    so: &Path,
    say: &mut dyn FnMut(&str),
) -> Result<(Validator, Chain)> {
    if !so.is_file() {
        bail!(
            "{} is missing: build the program first with scripts/build-sbf.sh",
            so.display()
        );
    }
    let validator = Validator::start(vopts)?;
    let chain = Chain::new(&validator.rpc_url);
    deploy(&chain, &restaking::ID, so)?;
    say(&format!(
        "Surfpool on {} (offline), program {} deployed from {}",
        validator.rpc_url,
        restaking::ID,
        so.display()
    ));
    Ok((validator, chain))
}

/// Starts the validator, deploys `so` and sets up the world (`say` gets one line per step).
pub fn start(
    vopts: &ValidatorOptions,
    wopts: &WorldOptions,
    so: &Path,
    say: &mut dyn FnMut(&str),
) -> Result<Localnet> {
    let (validator, chain) = start_with_program(vopts, so, say)?;
    let ws = validator.ws_url.clone();
    let addresses = setup_world(&chain, &ws, wopts, say)?;
    Ok(Localnet {
        validator,
        chain,
        addresses,
    })
}

/// The addresses file of a bare localnet (`localnet --bare`): the program is deployed and
/// nothing else exists; `admin` is a funded deployer that may initialise the config (as
/// `migrations/deploy.ts` does right after a deploy). `bare` is always `true`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BareAddresses {
    pub version: u32,
    pub bare: bool,
    pub program_id: String,
    pub rpc_url: String,
    pub ws_url: String,
    /// The config PDA (not created yet).
    pub config: String,
    pub admin: WalletEntry,
}

/// A started bare localnet: the validator and the deployed program only.
pub struct BareLocalnet {
    pub validator: Validator,
    pub chain: Chain,
    pub addresses: BareAddresses,
}

/// Starts the validator, deploys `so`, and writes a deployer keypair `<dir>/admin.json` funded
/// with 1,000 SOL; no config, pools or wallets.
pub fn start_bare(
    vopts: &ValidatorOptions,
    dir: &Path,
    so: &Path,
    say: &mut dyn FnMut(&str),
) -> Result<BareLocalnet> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let (validator, chain) = start_with_program(vopts, so, say)?;
    let admin = Role::new(dir, "admin")?;
    fund_sol(&chain, &admin.kp.pubkey(), 1_000 * ONE)?;
    say(&format!(
        "deployer {} ({}) with 1,000 SOL; no config yet (config address {})",
        admin.kp.pubkey(),
        admin.path.display(),
        client::config_pda()
    ));
    let addresses = BareAddresses {
        version: 1,
        bare: true,
        program_id: restaking::ID.to_string(),
        rpc_url: validator.rpc_url.clone(),
        ws_url: validator.ws_url.clone(),
        config: client::config_pda().to_string(),
        admin: admin.entry(),
    };
    Ok(BareLocalnet {
        validator,
        chain,
        addresses,
    })
}
