//! Staker commands: `position`, `deposit`, `delegate`, `undelegate`, `withdraw`, `complete`,
//! `cancel`, `claim`.
use super::{utc, Ctx};
use crate::amount::{format_amount, format_rate, parse_amount};
use crate::chain::Sent;
use crate::ops::{self, PoolInfo};
use anchor_lang::prelude::Pubkey;
use anyhow::{bail, Context, Result};
use clap::Args;
use restaking::state::TicketKind;
use serde_json::{json, Value};
use solana_sdk::signature::Signer;

#[derive(Args, Debug)]
pub struct PositionArgs {
    /// Owner of the positions (address or keypair file) [default: the --keypair wallet].
    pub owner: Option<String>,
    /// Only this pool (pool address or LST mint).
    #[arg(long)]
    pub pool: Option<String>,
}

#[derive(Args, Debug)]
pub struct DepositArgs {
    /// Pool address or LST mint.
    #[arg(long)]
    pub pool: String,
    /// LST to deposit, in whole tokens (e.g. 12.5).
    pub amount: String,
    /// Least numeraire value (SOL) the deposit must be credited, in whole units.
    #[arg(long, default_value = "0")]
    pub min_value: String,
}

#[derive(Args, Debug)]
pub struct DelegateArgs {
    #[arg(long)]
    pub pool: String,
    /// Operator account or its authority.
    #[arg(long)]
    pub operator: String,
    /// Idle LST to delegate, in whole tokens.
    pub amount: String,
}

#[derive(Args, Debug)]
pub struct UndelegateArgs {
    #[arg(long)]
    pub pool: String,
    #[arg(long)]
    pub operator: String,
    /// LST to undelegate, in whole tokens (converted to the bucket's shares, rounded down).
    #[arg(required_unless_present = "all")]
    pub amount: Option<String>,
    /// Undelegate every share of the delegation.
    #[arg(long, conflicts_with = "amount")]
    pub all: bool,
}

#[derive(Args, Debug)]
pub struct WithdrawArgs {
    #[arg(long)]
    pub pool: String,
    /// Idle LST to withdraw, in whole tokens.
    #[arg(required_unless_present = "all")]
    pub amount: Option<String>,
    /// Withdraw all idle LST.
    #[arg(long, conflicts_with = "amount")]
    pub all: bool,
}

#[derive(Args, Debug)]
pub struct CompleteArgs {
    #[arg(long)]
    pub pool: String,
    /// The ticket [default: every matured ticket of the position].
    pub ticket: Option<String>,
}

#[derive(Args, Debug)]
pub struct CancelArgs {
    #[arg(long)]
    pub pool: String,
    /// The ticket.
    pub ticket: String,
}

#[derive(Args, Debug)]
pub struct ClaimArgs {
    /// Only this pool [default: every pool the wallet has a position in].
    #[arg(long)]
    pub pool: Option<String>,
}

fn lst(pool: &PoolInfo, units: u64) -> String {
    format_amount(units, pool.decimals())
}

fn address(text: &str, what: &str) -> Result<Pubkey> {
    text.parse()
        .map_err(|_| anyhow::anyhow!("invalid {what} {text:?}: not a base-58 address"))
}

pub fn position(ctx: &Ctx, a: PositionArgs) -> Result<()> {
    let owner = match &a.owner {
        Some(o) => crate::keys::parse_address(o, "owner")?,
        None => ctx.signer()?.pubkey(),
    };
    let chain = &ctx.chain;
    let pools = match &a.pool {
        Some(p) => {
            let pool = ops::resolve_pool(chain, p)?;
            ops::position(chain, &pool, &owner)?;
            vec![pool]
        }
        None => {
            let mut pools = vec![];
            for (_, pos) in ops::positions_of(chain, &owner)? {
                pools.push(ops::load_pool(chain, &pos.pool)?);
            }
            if pools.is_empty() {
                bail!("{owner} has no position in any pool");
            }
            pools
        }
    };
    let now = chain.clock()?.unix_timestamp;
    let mut human = vec![];
    let mut out = vec![];
    for pool in &pools {
        let v = ops::view(chain, pool, &owner)?;
        let value = &v.value;
        let d = pool.decimals();
        human.push(format!(
            "Position {} of {owner} in pool {} (LST {})",
            pool.position(&owner),
            pool.key,
            pool.keys.lst_mint
        ));
        human.push(format!(
            "  rate {} SOL per LST ({})",
            format_rate(value.rate),
            if value.rate_fresh {
                "fresh"
            } else {
                "stale: cached rate, no new yield counted"
            }
        ));
        for (label, units) in [
            ("idle", value.idle_lst),
            ("delegated", value.delegated_lst),
            ("queued (undelegating)", value.queued_lst),
            ("withdrawing", value.withdrawing_lst),
            ("claimable base yield", value.pending_base_yield),
        ] {
            human.push(format!("  {label:<22} {:>22} LST", format_amount(units, d)));
        }
        human.push(format!(
            "  {:<22} {:>22} LST = {} SOL",
            "total",
            format_amount(value.total_lst, d),
            format_amount(value.total_value, 9)
        ));
        if let Some(lien) = value.lien_holder {
            human.push(format!("  lien held by program {lien}"));
        }
        let mut delegations = vec![];
        for (dv, (key, bucket)) in value.delegations.iter().zip(&v.delegations) {
            let mints = bucket.reward_mints();
            let mut rewards = vec![];
            let mut reward_text = vec![];
            for (mint, amount) in mints.iter().zip(&dv.rewards) {
                let decimals = chain.mint(mint).map(|m| m.0).unwrap_or(0);
                rewards.push(
                    json!({"mint": mint.to_string(), "amount": format_amount(*amount, decimals)}),
                );
                reward_text.push(format!("{} of {mint}", format_amount(*amount, decimals)));
            }
            human.push(format!(
                "  delegation {key} to operator {}: {} LST ({} shares), claimable yield {} LST{}",
                bucket.state.operator,
                format_amount(dv.lst, d),
                dv.shares,
                format_amount(dv.base_yield, d),
                if reward_text.is_empty() {
                    String::new()
                } else {
                    format!(", rewards {}", reward_text.join(", "))
                }
            ));
            delegations.push(json!({
                "delegation": key.to_string(),
                "operator": bucket.state.operator.to_string(),
                "operatorPool": dv.operator_pool.to_string(),
                "shares": dv.shares.to_string(),
                "lst": format_amount(dv.lst, d),
                "baseYield": format_amount(dv.base_yield, d),
                "rewards": rewards,
            }));
        }
        let mut tickets = vec![];
        for t in &v.tickets {
            let kind = match t.state.kind {
                TicketKind::Withdraw => "withdraw",
                TicketKind::Undelegate => "undelegate",
            };
            let matured = t.state.unlock_ts <= now;
            human.push(format!(
                "  ticket {} ({kind}): {} LST, unlocks {}{}",
                t.key,
                format_amount(t.state.lst, d),
                utc(t.state.unlock_ts),
                if matured { " (matured)" } else { "" }
            ));
            tickets.push(json!({
                "ticket": t.key.to_string(),
                "kind": kind,
                "lst": format_amount(t.state.lst, d),
                "shares": t.state.shares.to_string(),
                "unlockTs": t.state.unlock_ts,
                "matured": matured,
                "operatorPool": (t.state.kind == TicketKind::Undelegate).then(|| t.state.operator_pool.to_string()),
            }));
        }
        out.push(json!({
            "pool": pool.key.to_string(),
            "lstMint": pool.keys.lst_mint.to_string(),
            "position": pool.position(&owner).to_string(),
            "owner": owner.to_string(),
            "rate": format_rate(value.rate),
            "rateFresh": value.rate_fresh,
            "lienHolder": value.lien_holder.map(|k| k.to_string()),
            "idleLst": format_amount(value.idle_lst, d),
            "delegatedLst": format_amount(value.delegated_lst, d),
            "queuedLst": format_amount(value.queued_lst, d),
            "withdrawingLst": format_amount(value.withdrawing_lst, d),
            "pendingBaseYield": format_amount(value.pending_base_yield, d),
            "idleBaseYield": format_amount(value.idle_base_yield, d),
            "totalLst": format_amount(value.total_lst, d),
            "totalValue": format_amount(value.total_value, 9),
            "delegations": delegations,
            "tickets": tickets,
        }));
    }
    ctx.output(&human.join("\n"), json!({ "positions": out }));
    Ok(())
}

pub fn deposit(ctx: &Ctx, a: DepositArgs) -> Result<()> {
    let owner = ctx.signer()?;
    let pool = ops::resolve_pool(&ctx.chain, &a.pool)?;
    let amount = parse_amount(&a.amount, pool.decimals())?;
    let min_value = parse_amount(&a.min_value, 9).context("--min-value")?;
    let sent = ops::deposit(&ctx.chain, &owner, &pool, amount, min_value)?;
    ctx.sent(
        &format!(
            "Deposited {} LST into pool {} (position {})",
            lst(&pool, amount),
            pool.key,
            pool.position(&owner.pubkey())
        ),
        &sent,
        json!({
            "pool": pool.key.to_string(),
            "position": pool.position(&owner.pubkey()).to_string(),
            "amount": lst(&pool, amount),
        }),
    );
    Ok(())
}

pub fn delegate(ctx: &Ctx, a: DelegateArgs) -> Result<()> {
    let owner = ctx.signer()?;
    let pool = ops::resolve_pool(&ctx.chain, &a.pool)?;
    let operator = ops::resolve_operator(&ctx.chain, &a.operator)?;
    let amount = parse_amount(&a.amount, pool.decimals())?;
    let sent = ops::delegate(&ctx.chain, &owner, &pool, &operator.key, amount)?;
    let bucket = restaking_client::operator_pool_pda(&operator.key, &pool.key);
    ctx.sent(
        &format!(
            "Delegated {} LST to operator {} (bucket {})",
            lst(&pool, amount),
            operator.key,
            bucket
        ),
        &sent,
        json!({
            "pool": pool.key.to_string(),
            "operator": operator.key.to_string(),
            "operatorPool": bucket.to_string(),
            "delegation": restaking_client::delegation_pda(&pool.position(&owner.pubkey()), &bucket).to_string(),
            "amount": lst(&pool, amount),
        }),
    );
    Ok(())
}

pub fn undelegate(ctx: &Ctx, a: UndelegateArgs) -> Result<()> {
    let owner = ctx.signer()?;
    let chain = &ctx.chain;
    let pool = ops::resolve_pool(chain, &a.pool)?;
    let operator = ops::resolve_operator(chain, &a.operator)?;
    let (bucket, d) = ops::delegation(chain, &pool, &owner.pubkey(), &operator.key)?;
    let shares = match (&a.amount, a.all) {
        (_, true) => d.shares,
        (Some(text), false) => {
            let amount = parse_amount(text, pool.decimals())?;
            let shares = ops::shares_for_lst(&bucket.state, amount, d.shares)?;
            if shares == 0 {
                bail!("{text} LST is less than one share of the bucket");
            }
            shares
        }
        (None, false) => bail!("give an amount or --all"),
    };
    let (ticket, sent) = ops::undelegate(chain, &owner, &pool, &operator.key, shares)?;
    let t: restaking::state::WithdrawalTicket = chain.state(&ticket, "ticket")?;
    ctx.sent(
        &format!(
            "Undelegated {shares} shares ({} LST) from operator {}: ticket {ticket} unlocks {}",
            lst(&pool, t.lst),
            operator.key,
            utc(t.unlock_ts)
        ),
        &sent,
        json!({
            "pool": pool.key.to_string(),
            "operator": operator.key.to_string(),
            "shares": shares.to_string(),
            "lst": lst(&pool, t.lst),
            "ticket": ticket.to_string(),
            "unlockTs": t.unlock_ts,
        }),
    );
    Ok(())
}

pub fn withdraw(ctx: &Ctx, a: WithdrawArgs) -> Result<()> {
    let owner = ctx.signer()?;
    let chain = &ctx.chain;
    let pool = ops::resolve_pool(chain, &a.pool)?;
    let amount = match (&a.amount, a.all) {
        (_, true) => ops::view(chain, &pool, &owner.pubkey())?.value.idle_lst,
        (Some(text), false) => parse_amount(text, pool.decimals())?,
        (None, false) => bail!("give an amount or --all"),
    };
    if amount == 0 {
        bail!("the position has no idle LST to withdraw");
    }
    let (ticket, sent) = ops::request_withdrawal(chain, &owner, &pool, amount)?;
    let t: restaking::state::WithdrawalTicket = chain.state(&ticket, "ticket")?;
    ctx.sent(
        &format!(
            "Requested the withdrawal of {} LST: ticket {ticket} unlocks {}",
            lst(&pool, t.lst),
            utc(t.unlock_ts)
        ),
        &sent,
        json!({
            "pool": pool.key.to_string(),
            "lst": lst(&pool, t.lst),
            "ticket": ticket.to_string(),
            "unlockTs": t.unlock_ts,
        }),
    );
    Ok(())
}

pub fn complete(ctx: &Ctx, a: CompleteArgs) -> Result<()> {
    let owner = ctx.signer()?;
    let chain = &ctx.chain;
    let pool = ops::resolve_pool(chain, &a.pool)?;
    let (position_key, _) = ops::position(chain, &pool, &owner.pubkey())?;
    let targets: Vec<Pubkey> = match &a.ticket {
        Some(t) => vec![address(t, "ticket")?],
        None => {
            let now = chain.clock()?.unix_timestamp;
            let all = ops::tickets(chain, &position_key)?;
            let matured: Vec<Pubkey> = all
                .iter()
                .filter(|t| t.state.unlock_ts <= now)
                .map(|t| t.key)
                .collect();
            if matured.is_empty() {
                let next = all.iter().map(|t| t.state.unlock_ts).min();
                let msg = match next {
                    Some(ts) => format!("No matured ticket; the next unlocks {}", utc(ts)),
                    None => "The position has no open ticket".to_string(),
                };
                ctx.output(&msg, json!({ "completed": [] }));
                return Ok(());
            }
            matured
        }
    };
    let total = targets.len();
    let mut done = vec![];
    for (i, ticket) in targets.iter().enumerate() {
        let t: restaking::state::WithdrawalTicket = chain.state(ticket, "ticket")?;
        let sent = ops::complete(chain, &owner, &pool, ticket)?;
        let what = match t.kind {
            TicketKind::Withdraw => format!("{} LST paid to the wallet", lst(&pool, t.lst)),
            TicketKind::Undelegate => "LST back to idle".to_string(),
        };
        ctx.progress(&format!(
            "[{}/{total}] completed ticket {ticket}: {what} · {} · {}",
            i.saturating_add(1),
            sent.signature,
            sent.cu()
        ));
        done.push(json!({
            "ticket": ticket.to_string(),
            "kind": if t.kind == TicketKind::Withdraw { "withdraw" } else { "undelegate" },
            "signature": sent.signature.to_string(),
            "computeUnits": sent.compute_units,
        }));
    }
    ctx.output("", json!({ "completed": done }));
    Ok(())
}

pub fn cancel(ctx: &Ctx, a: CancelArgs) -> Result<()> {
    let owner = ctx.signer()?;
    let pool = ops::resolve_pool(&ctx.chain, &a.pool)?;
    let ticket = address(&a.ticket, "ticket")?;
    let sent = ops::cancel(&ctx.chain, &owner, &pool, &ticket)?;
    ctx.sent(
        &format!("Cancelled ticket {ticket}"),
        &sent,
        json!({ "ticket": ticket.to_string() }),
    );
    Ok(())
}

/// What one pool's claim-everything paid.
pub struct Claimed {
    pub sent: Vec<Sent>,
    /// (mint, decimals, amount received) for the LST and every reward mint.
    pub received: Vec<(Pubkey, u8, u64)>,
}

/// Claims everything the owner has in `pool`: the token accounts it needs, then every
/// delegation's claim (each paying all its streams) packed into as few transactions as fit,
/// reporting each transaction through `progress`.
pub fn claim_everything(
    chain: &crate::chain::Chain,
    owner: &solana_sdk::signature::Keypair,
    pool: &PoolInfo,
    progress: &mut dyn FnMut(&str),
) -> Result<Claimed> {
    let plan = ops::claim_plan(chain, &owner.pubkey(), pool)?;
    let mut before = vec![];
    for (mint, account) in &plan.accounts {
        before.push((*mint, *account, chain.token_balance(account)?));
    }
    let items: Vec<(ops::ClaimPart, _)> = plan
        .parts
        .iter()
        .map(|p| (p.clone(), p.ix.clone()))
        .collect();
    let batches = ops::pack(&items, &owner.pubkey())?;
    let total = batches
        .len()
        .saturating_add(usize::from(!plan.setup.is_empty()));
    let mut step = 0usize;
    let mut sent_all = vec![];
    if !plan.setup.is_empty() {
        step = step.saturating_add(1);
        let sent = chain.send(&plan.setup, owner, &[])?;
        progress(&format!(
            "[{step}/{total}] created {} token account(s) for the payouts · {} · {}",
            plan.setup.len(),
            sent.signature,
            sent.cu()
        ));
        sent_all.push(sent);
    }
    for batch in &batches {
        step = step.saturating_add(1);
        let ixs: Vec<_> = batch.iter().map(|(_, ix)| ix.clone()).collect();
        let sent = chain.send(&ixs, owner, &[])?;
        let parts: Vec<String> = batch
            .iter()
            .map(|(p, _)| match p.operator {
                Some(op) => format!(
                    "delegation to {op} ({} stream{})",
                    p.reward_mints.len(),
                    if p.reward_mints.len() == 1 { "" } else { "s" }
                ),
                None => "idle yield".to_string(),
            })
            .collect();
        progress(&format!(
            "[{step}/{total}] claimed {} · {} · {}",
            parts.join(", "),
            sent.signature,
            sent.cu()
        ));
        sent_all.push(sent);
    }
    let mut received = vec![];
    for (mint, account, was) in before {
        let now = chain.token_balance(&account)?;
        let decimals = chain.mint(&mint)?.0;
        received.push((mint, decimals, now.saturating_sub(was)));
    }
    Ok(Claimed {
        sent: sent_all,
        received,
    })
}

pub fn claim(ctx: &Ctx, a: ClaimArgs) -> Result<()> {
    let owner = ctx.signer()?;
    let chain = &ctx.chain;
    let pools = match &a.pool {
        Some(p) => {
            let pool = ops::resolve_pool(chain, p)?;
            ops::position(chain, &pool, &owner.pubkey())?;
            vec![pool]
        }
        None => {
            let mut pools = vec![];
            for (_, pos) in ops::positions_of(chain, &owner.pubkey())? {
                pools.push(ops::load_pool(chain, &pos.pool)?);
            }
            if pools.is_empty() {
                bail!("{} has no position in any pool", owner.pubkey());
            }
            pools
        }
    };
    let mut human = vec![];
    let mut out: Vec<Value> = vec![];
    for pool in &pools {
        let claimed = claim_everything(chain, &owner, pool, &mut |line| ctx.progress(line))?;
        let received: Vec<String> = claimed
            .received
            .iter()
            .map(|(mint, d, amount)| format!("{} of {mint}", format_amount(*amount, *d)))
            .collect();
        human.push(format!(
            "Claimed in pool {}: {}",
            pool.key,
            received.join(", ")
        ));
        out.push(json!({
            "pool": pool.key.to_string(),
            "transactions": claimed.sent.iter().map(|s| s.json()).collect::<Vec<_>>(),
            "received": claimed.received.iter().map(|(mint, d, amount)| json!({
                "mint": mint.to_string(),
                "amount": format_amount(*amount, *d),
            })).collect::<Vec<_>>(),
        }));
    }
    ctx.output(&human.join("\n"), json!({ "claims": out }));
    Ok(())
}
