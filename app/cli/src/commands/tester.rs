//! Localnet commands: `localnet` (start it), `warp` (move its clock), `set-rate` (move a pool's
//! rate).
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
    let updater = match (&pool.state.rate_source, ctx.keypair_given) {
        (restaking::state::RateSource::Manual { .. }, true) => Some(ctx.signer()?),
        (restaking::state::RateSource::Manual { .. }, false) => {
            match optional_addresses(a.addresses)? {
                Some(addr) => Some(crate::keys::read_keypair(Path::new(&addr.admin.keypair))?),
                None => None,
            }
        }
        _ => None,
    };
    let pushes = localnet::set_rate(&ctx.chain, &pool, rate, updater.as_ref())?;
    ctx.output(
        &format!(
            "Pool {} rate source now reports {} SOL per LST{}",
            pool.key,
            format_rate(rate),
            if pushes > 0 {
                format!(" ({pushes} push_rate transaction(s))")
            } else {
                String::new()
            }
        ),
        json!({ "pool": pool.key.to_string(), "rate": format_rate(rate), "pushes": pushes }),
    );
    Ok(())
}
