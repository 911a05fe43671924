//! `status`: the config, every pool, operator (with its buckets and streams) and service.
use super::Ctx;
use crate::amount::{format_amount, format_rate};
use crate::ops;
use anyhow::Result;
use restaking::state::{Operator, OperatorPool, Service, ServiceLink};
use serde_json::json;

pub fn status(ctx: &Ctx) -> Result<()> {
    let chain = &ctx.chain;
    chain.check_reachable()?;
    let config = ops::config(chain)?;
    let pools = ops::all_pools(chain)?;
    let operators = chain.program_accounts::<Operator>(&[])?;
    let buckets = chain.program_accounts::<OperatorPool>(&[])?;
    let services = chain.program_accounts::<Service>(&[])?;
    let links = chain.program_accounts::<ServiceLink>(&[])?;

    let mut h = vec![
        format!("Program {} on {}", restaking::ID, chain.url),
        format!(
            "Config {}: admin {}, guardian {}, treasury {}",
            restaking_client::config_pda(),
            config.admin,
            config.guardian,
            config.treasury
        ),
        format!(
            "  protocol fee {} bps, max commission {} bps, min withdrawal delay {} s, slash veto window {} s, pause flags {:#04b}",
            config.protocol_fee_bps,
            config.max_commission_bps,
            config.min_withdrawal_delay_secs,
            config.slash_veto_secs,
            config.pause_flags
        ),
        format!("Pools ({})", pools.len()),
    ];
    let mut pools_json = vec![];
    for p in &pools {
        let s = &p.state;
        let d = s.lst_decimals;
        h.push(format!(
            "  {} LST {} · rate {} · {} · delay {} s",
            p.key,
            s.lst_mint,
            format_rate(s.rate),
            ops::describe_source(&s.rate_source),
            s.withdrawal_delay_secs
        ));
        h.push(format!(
            "    idle {} · in buckets {} · queued {} · tickets {} · unclaimed yield {} · positions {}",
            format_amount(s.total_idle_lst, d),
            format_amount(s.total_bucket_lst, d),
            format_amount(s.total_queued_lst, d),
            format_amount(s.total_ticket_lst, d),
            format_amount(s.total_unclaimed_yield, d),
            s.position_count
        ));
        pools_json.push(json!({
            "pool": p.key.to_string(),
            "lstMint": s.lst_mint.to_string(),
            "vault": s.vault.to_string(),
            "tokenProgram": s.token_program.to_string(),
            "decimals": d,
            "rateSource": ops::describe_source(&s.rate_source),
            "rateSourceAccount": s.rate_source.account().map(|k| k.to_string()),
            "rate": format_rate(s.rate),
            "withdrawalDelaySecs": s.withdrawal_delay_secs,
            "totalIdleLst": format_amount(s.total_idle_lst, d),
            "totalBucketLst": format_amount(s.total_bucket_lst, d),
            "totalQueuedLst": format_amount(s.total_queued_lst, d),
            "totalTicketLst": format_amount(s.total_ticket_lst, d),
            "totalUnclaimedYield": format_amount(s.total_unclaimed_yield, d),
            "totalDepositedLst": format_amount(s.total_deposited_lst, d),
            "totalWithdrawnLst": format_amount(s.total_withdrawn_lst, d),
            "totalYieldPaidLst": format_amount(s.total_yield_paid_lst, d),
            "positionCount": s.position_count,
        }));
    }
    h.push(format!("Operators ({})", operators.len()));
    let mut ops_json = vec![];
    for (key, o) in &operators {
        h.push(format!(
            "  {key} authority {} · {} bps commission{}",
            o.authority,
            o.commission_bps,
            if o.active { "" } else { " · inactive" }
        ));
        let mut bjson = vec![];
        for (bkey, b) in buckets.iter().filter(|(_, b)| b.operator == *key) {
            let decimals = pools
                .iter()
                .find(|p| p.key == b.pool)
                .map_or(9, |p| p.state.lst_decimals);
            let mints: Vec<String> = b
                .reward_mints
                .iter()
                .take(usize::from(b.reward_mint_count))
                .map(|m| m.to_string())
                .collect();
            h.push(format!(
                "    bucket {bkey} in pool {}: {} LST, {} delegations, streams [{}]",
                b.pool,
                format_amount(b.total_lst, decimals),
                b.delegation_count,
                mints.join(", ")
            ));
            bjson.push(json!({
                "operatorPool": bkey.to_string(),
                "pool": b.pool.to_string(),
                "totalLst": format_amount(b.total_lst, decimals),
                "totalShares": b.total_shares.to_string(),
                "queuedLst": format_amount(b.queued_lst, decimals),
                "delegationCount": b.delegation_count,
                "rewardMints": mints,
                "slashNonce": b.slash_nonce,
            }));
        }
        ops_json.push(json!({
            "operator": key.to_string(),
            "authority": o.authority.to_string(),
            "commissionBps": o.commission_bps,
            "active": o.active,
            "metadataUri": o.metadata_uri,
            "buckets": bjson,
        }));
    }
    h.push(format!("Services ({})", services.len()));
    let mut svc_json = vec![];
    for (key, s) in &services {
        h.push(format!(
            "  {key} authority {} · slasher {} · destination {}",
            s.authority, s.slasher, s.destination
        ));
        let mut ljson = vec![];
        for (lkey, l) in links.iter().filter(|(_, l)| l.service == *key) {
            h.push(format!(
                "    linked by operator {} up to {} bps ({lkey})",
                l.operator, l.max_slash_bps
            ));
            ljson.push(json!({
                "serviceLink": lkey.to_string(),
                "operator": l.operator.to_string(),
                "maxSlashBps": l.max_slash_bps,
            }));
        }
        svc_json.push(json!({
            "service": key.to_string(),
            "authority": s.authority.to_string(),
            "slasher": s.slasher.to_string(),
            "destination": s.destination.to_string(),
            "links": ljson,
        }));
    }
    ctx.output(
        &h.join("\n"),
        json!({
            "programId": restaking::ID.to_string(),
            "rpcUrl": chain.url,
            "config": {
                "address": restaking_client::config_pda().to_string(),
                "admin": config.admin.to_string(),
                "guardian": config.guardian.to_string(),
                "treasury": config.treasury.to_string(),
                "protocolFeeBps": config.protocol_fee_bps,
                "maxCommissionBps": config.max_commission_bps,
                "minWithdrawalDelaySecs": config.min_withdrawal_delay_secs,
                "slashVetoSecs": config.slash_veto_secs,
                "pauseFlags": config.pause_flags,
            },
            "pools": pools_json,
            "operators": ops_json,
            "services": svc_json,
        }),
    );
    Ok(())
}
