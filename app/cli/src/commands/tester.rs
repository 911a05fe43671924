//! Localnet commands: `localnet` (start it), `warp` (move its clock), `epoch` (the next epoch,
//! with rewards for the real stake pool), `set-rate` (move a pool's rate).
use super::{utc, Ctx};
use crate::amount::{format_rate, parse_rate};
use crate::localnet::{self, Addresses, ValidatorOptions, WorldOptions};
use crate::ops;
use anyhow::{Context, Result};
use clap::Args;
use serde_json::json;
use std::path::{Path, PathBuf};

fn default_addresses() -> PathBuf {
    localnet::workspace_root()
        .join("target")
        .join("localnet")
        .join("addresses.json")
}

#[derive(Args, Debug)]
pub struct LocalnetArgs {
    /// RPC port on 127.0.0.1 (the WebSocket listens on the next port).
    #[arg(long, default_value_t = 8899)]
    pub port: u16,
    /// Where to write the addresses file (keypair files go next to it)
    /// [default: target/localnet/addresses.json].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The program binary [default: target/deploy/restaking.so].
    #[arg(long)]
    pub program: Option<PathBuf>,
    /// Also add a manually priced pool (its updater is the admin).
    #[arg(long, conflicts_with = "bare")]
    pub manual_pool: bool,
    /// Only deploy the program: no config, pools, operators or wallets; a funded deployer
    /// keypair `admin.json` next to the addresses file (for migrations/deploy.ts).
    #[arg(long)]
    pub bare: bool,
    /// Produce a block every 400 ms so the clock follows wall time (default: a block per
    /// transaction; the clock moves with transactions and `warp`).
    #[arg(long)]
    pub realtime: bool,
    /// The SPL stake-pool program to deploy; the `spl` LST is a real stake pool of it
    /// [default: target/deploy/spl_stake_pool.so, if present].
    #[arg(long, conflicts_with_all = ["bare", "stake_pool_copy"])]
    pub stake_pool_program: Option<PathBuf>,
    /// Price the `spl` LST by a byte-exact stake-pool account copy instead of a real stake
    /// pool.
    #[arg(long, conflicts_with = "bare")]
    pub stake_pool_copy: bool,
}

pub fn localnet(ctx: &Ctx, _global: &crate::Global, a: LocalnetArgs) -> Result<()> {
    let out = a.out.unwrap_or_else(default_addresses);
    let so = a.program.unwrap_or_else(localnet::program_so);
    let dir = out
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    if out.exists() {
        std::fs::remove_file(&out).with_context(|| format!("cannot replace {}", out.display()))?;
    }
    let vopts = ValidatorOptions {
        port: Some(a.port),
        realtime: a.realtime,
        ..ValidatorOptions::default()
    };
    ctx.progress(&format!(
        "Starting Surfpool (offline) on 127.0.0.1:{} ...",
        a.port
    ));
    if a.bare {
        return bare_localnet(ctx, &vopts, &dir, &so, &out);
    }
    let mut wopts = WorldOptions::new(dir.clone());
    wopts.manual_pool = a.manual_pool;
    if a.stake_pool_copy {
        wopts.stake_pool_program = None;
    } else if let Some(so) = a.stake_pool_program {
        wopts.stake_pool_program = Some(so);
    }
    if wopts.stake_pool_program.is_none() {
        ctx.progress(&format!(
            "  the spl LST is priced by a byte-exact stake-pool account copy ({})",
            if a.stake_pool_copy {
                "--stake-pool-copy".to_string()
            } else {
                format!(
                    "{} is missing: scripts/build-sbf.sh builds it",
                    localnet::stake_pool_so().display()
                )
            }
        ));
    }
    let mut net = localnet::start(&vopts, &wopts, &so, &mut |line| {
        ctx.progress(&format!("  {line}"))
    })?;
    localnet::write_addresses(&net.addresses, &out)?;
    localnet::spawn_epoch_crank(
        net.validator.rpc_url.clone(),
        std::time::Duration::from_secs(2),
    )?;
    let alice = net
        .addresses
        .wallet("alice")
        .map(|w| w.keypair.clone())
        .unwrap_or_default();
    let spl_mint = net
        .addresses
        .pool("spl")
        .map(|p| p.lst_mint.clone())
        .unwrap_or_default();
    ctx.output(
        &format!(
            "Addresses: {} (keypair files in {})\nRPC URL: {}\nTry: restaking-cli status\n     restaking-cli --keypair {alice} deposit --pool {spl_mint} 10\nCtrl-C to stop.",
            out.display(),
            dir.display(),
            net.validator.rpc_url
        ),
        json!({
            "rpcUrl": net.validator.rpc_url,
            "wsUrl": net.validator.ws_url,
            "addresses": out.display().to_string(),
        }),
    );
    wait_for_stop_signal()?;
    ctx.progress("Stopping the localnet ...");
    net.validator.stop()?;
    drop(net.chain);
    ctx.progress("Stopped.");
    Ok(())
}

/// `localnet --bare`: the program and a funded deployer, until Ctrl-C.
fn bare_localnet(
    ctx: &Ctx,
    vopts: &ValidatorOptions,
    dir: &Path,
    so: &Path,
    out: &Path,
) -> Result<()> {
    let mut net = localnet::start_bare(vopts, dir, so, &mut |line| {
        ctx.progress(&format!("  {line}"))
    })?;
    localnet::write_addresses(&net.addresses, out)?;
    localnet::spawn_epoch_crank(
        net.validator.rpc_url.clone(),
        std::time::Duration::from_secs(2),
    )?;
    ctx.output(
        &format!(
            "Addresses: {} (bare: the program only; deployer keypair {})\nRPC URL: {}\nInitialise the config: npm --prefix app/client-ts run migrate -- --url {} --keypair {}\nCtrl-C to stop.",
            out.display(),
            net.addresses.admin.keypair,
            net.validator.rpc_url,
            net.validator.rpc_url,
            net.addresses.admin.keypair,
        ),
        json!({
            "rpcUrl": net.validator.rpc_url,
            "wsUrl": net.validator.ws_url,
            "addresses": out.display().to_string(),
            "bare": true,
        }),
    );
    wait_for_stop_signal()?;
    ctx.progress("Stopping the localnet ...");
    net.validator.stop()?;
    drop(net.chain);
    ctx.progress("Stopped.");
    Ok(())
}

/// Blocks until SIGINT (Ctrl-C) or SIGTERM.
fn wait_for_stop_signal() -> Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the signal runtime")?;
    rt.block_on(async {
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
            tokio::select! {
                r = tokio::signal::ctrl_c() => r,
                _ = term.recv() => Ok(()),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await
        }
    })
    .context("waiting for Ctrl-C")
}

#[derive(Args, Debug)]
pub struct WarpArgs {
    /// Days to move forward.
    #[arg(long, default_value_t = 0)]
    pub days: u32,
    /// Hours to move forward.
    #[arg(long, default_value_t = 0)]
    pub hours: u32,
    /// Seconds to move forward.
    #[arg(long, default_value_t = 0)]
    pub seconds: u32,
    /// The localnet's addresses file (to re-push manual pools' rates)
    /// [default: target/localnet/addresses.json, if present].
    #[arg(long)]
    pub addresses: Option<PathBuf>,
}

fn optional_addresses(path: Option<PathBuf>) -> Result<Option<Addresses>> {
    match path {
        Some(p) => Ok(Some(Addresses::read(&p)?)),
        None => {
            let p = default_addresses();
            Ok(if p.is_file() {
                Addresses::read(&p).ok()
            } else {
                None
            })
        }
    }
}

#[derive(Args, Debug)]
pub struct EpochArgs {
    /// SOL of rewards landing in the real stake pool's reserve during the epoch that ends
    /// (e.g. 12.5) [default: 0].
    #[arg(long, conflicts_with = "rate")]
    pub rewards: Option<String>,
    /// Instead of --rewards: the fewest rewards that bring the pool to at least this rate (SOL
    /// per LST; `set-rate` hits a rate exactly).
    #[arg(long, requires = "pool")]
    pub rate: Option<String>,
    /// The pool (address or LST mint) whose stake pool receives the rewards [default: every
    /// pool priced by a real stake pool].
    #[arg(long)]
    pub pool: Option<String>,
    /// The localnet's addresses file (to re-push manual pools' rates)
    /// [default: target/localnet/addresses.json, if present].
    #[arg(long)]
    pub addresses: Option<PathBuf>,
}

/// `epoch`: rewards land in the real stake pools' reserves, the clock moves to the next
/// epoch, and each stake pool runs its own update instructions.
pub fn epoch(ctx: &Ctx, a: EpochArgs) -> Result<()> {
    let addresses = optional_addresses(a.addresses)?;
    ctx.chain.check_reachable()?;
    let pools = match &a.pool {
        Some(p) => vec![ops::resolve_pool(&ctx.chain, p)?],
        None => ops::all_pools(&ctx.chain)?,
    };
    let mut rewards = vec![];
    for pool in &pools {
        let restaking::state::RateSource::SplStakePool { stake_pool } = pool.state.rate_source
        else {
            if a.pool.is_some() {
                anyhow::bail!(
                    "pool {} is not priced by an SPL stake pool: move its rate with set-rate",
                    pool.key
                );
            }
            continue;
        };
        let Some(state) = crate::stake_pool::load_real(&ctx.chain, &stake_pool)? else {
            if a.pool.is_some() {
                anyhow::bail!(
                    "pool {} is priced by a byte-exact stake-pool account copy, not a real stake pool: move its rate with set-rate",
                    pool.key
                );
            }
            continue;
        };
        let lamports = match (&a.rewards, &a.rate) {
            (Some(r), _) => crate::amount::parse_amount(r, 9)?,
            (None, Some(rate)) => {
                let reserve = crate::stake_pool::reserve_total(&ctx.chain, &state.accounts)?;
                crate::stake_pool::rewards_for_rate(&state, reserve, parse_rate(rate)?)?
            }
            (None, None) => 0,
        };
        if !rewards.iter().any(|(k, _)| *k == stake_pool) {
            rewards.push((stake_pool, lamports));
        }
    }
    let moved = localnet::next_epoch(&ctx.chain, &rewards, addresses.as_ref())?;
    let lines: Vec<String> = moved.pools.iter().map(describe_update).collect();
    ctx.output(
        &format!(
            "Epoch {} → {} (now {}){}{}",
            moved.from,
            moved.to,
            utc(moved.unix_timestamp),
            if lines.is_empty() { "" } else { "\n" },
            lines.join("\n")
        ),
        json!({
            "from": moved.from,
            "epoch": moved.to,
            "unixTimestamp": moved.unix_timestamp,
            "stakePools": moved.pools.iter().map(update_json).collect::<Vec<_>>(),
        }),
    );
    Ok(())
}

/// One line per stake pool brought up to an epoch.
fn describe_update(u: &localnet::StakePoolUpdate) -> String {
    if !u.real {
        return format!(
            "  stake pool {} (byte-exact copy) re-stamped with the epoch; rate {}",
            u.stake_pool,
            format_rate(u.rate_after)
        );
    }
    let steps: Vec<String> = u
        .steps
        .iter()
        .map(|s| {
            format!(
                "{} {} CU",
                s.name,
                s.program_cu()
                    .map_or_else(|| "?".into(), crate::chain::group)
            )
        })
        .collect();
    format!(
        "  stake pool {}: {} SOL of rewards in its reserve; {}; {} LST of epoch fee to the manager; {} lamports for {} LST: rate {} → {}",
        u.stake_pool,
        crate::amount::format_amount(u.rewards, 9),
        steps.join(", "),
        crate::amount::format_amount(u.fee_tokens, 9),
        crate::chain::group(u.total_lamports),
        crate::amount::format_amount(u.pool_token_supply, 9),
        format_rate(u.rate_before),
        format_rate(u.rate_after)
    )
}

fn update_json(u: &localnet::StakePoolUpdate) -> serde_json::Value {
    json!({
        "stakePool": u.stake_pool.to_string(),
        "real": u.real,
        "rewards": crate::amount::format_amount(u.rewards, 9),
        "rateBefore": format_rate(u.rate_before),
        "rate": format_rate(u.rate_after),
        "totalLamports": u.total_lamports,
        "poolTokenSupply": u.pool_token_supply,
        "feeTokens": crate::amount::format_amount(u.fee_tokens, 9),
        "steps": u.steps.iter().map(|s| json!({
            "instruction": s.name,
            "signature": s.sent.signature.to_string(),
            "computeUnits": s.program_cu(),
        })).collect::<Vec<_>>(),
    })
}

pub fn warp(ctx: &Ctx, a: WarpArgs) -> Result<()> {
    let secs = i64::from(a.days)
        .checked_mul(86_400)
        .and_then(|d| d.checked_add(i64::from(a.hours).checked_mul(3_600)?))
        .and_then(|d| d.checked_add(i64::from(a.seconds)))
        .context("warp duration out of range")?;
    if secs == 0 {
        anyhow::bail!("give a duration: --days, --hours and/or --seconds");
    }
    let addresses = optional_addresses(a.addresses)?;
    ctx.chain.check_reachable()?;
    let (ts, epoch) = localnet::warp(&ctx.chain, secs, addresses.as_ref())?;
    ctx.output(
        &format!(
            "Clock moved {secs} s forward: now {} (epoch {epoch})",
            utc(ts)
        ),
        json!({ "unixTimestamp": ts, "epoch": epoch, "secs": secs }),
    );
    Ok(())
}

#[derive(Args, Debug)]
pub struct SetRateArgs {
    /// Pool address or LST mint.
    #[arg(long)]
    pub pool: String,
    /// The new rate in SOL per LST (e.g. 1.05).
    #[arg(long)]
    pub rate: String,
    /// The localnet's addresses file (its admin pushes manual pools' rates)
    /// [default: target/localnet/addresses.json, if present].
    #[arg(long)]
    pub addresses: Option<PathBuf>,
}

pub fn set_rate(ctx: &Ctx, a: SetRateArgs) -> Result<()> {
    let rate = parse_rate(&a.rate)?;
    let pool = ops::resolve_pool(&ctx.chain, &a.pool)?;
    let addresses = optional_addresses(a.addresses)?;
    let updater = match (&pool.state.rate_source, ctx.keypair_given) {
        (restaking::state::RateSource::Manual { .. }, true) => Some(ctx.signer()?),
        (restaking::state::RateSource::Manual { .. }, false) => match &addresses {
            Some(addr) => Some(crate::keys::read_keypair(Path::new(&addr.admin.keypair))?),
            None => None,
        },
        _ => None,
    };
    let moved = localnet::set_rate(
        &ctx.chain,
        &pool,
        rate,
        updater.as_ref(),
        addresses.as_ref(),
    )?;
    let pushes = moved.pushes;
    let mut human = format!(
        "Pool {} rate source now reports {} SOL per LST{}",
        pool.key,
        format_rate(moved.rate),
        if pushes > 0 {
            format!(" ({pushes} push_rate transaction(s))")
        } else {
            String::new()
        }
    );
    let mut doc =
        json!({ "pool": pool.key.to_string(), "rate": format_rate(moved.rate), "pushes": pushes });
    if let Some(e) = &moved.epoch {
        human.push_str(&format!(
            "\nReal stake pool: {}rewards landed in its reserve, epoch {} → {} (now {}), the pool updated by its own instructions:",
            moved.deposit.as_ref().map_or_else(String::new, |(lamports, sent)| format!(
                "a DepositSol of {lamports} lamports tuned its totals (pool tokens to the manager's fee account; {}), ",
                sent.cu()
            )),
            e.from,
            e.to,
            utc(e.unix_timestamp)
        ));
        for u in &e.pools {
            human.push('\n');
            human.push_str(&describe_update(u));
        }
        if let Some(map) = doc.as_object_mut() {
            map.insert("epoch".into(), e.to.into());
            map.insert(
                "tuningDeposit".into(),
                moved.deposit.as_ref().map_or(0, |(l, _)| *l).into(),
            );
            map.insert(
                "stakePools".into(),
                e.pools.iter().map(update_json).collect::<Vec<_>>().into(),
            );
        }
    }
    ctx.output(&human, doc);
    Ok(())
}
