//! Operator, service and admin commands: `register-operator`, `open-operator-pool`,
//! `add-reward-mint`, `fund-rewards`, `claim-commission`, `register-service`, `link-service`,
//! `request-slash`, `veto-slash`, `execute-slash`, `set-pause`.
use super::{utc, Ctx};
use crate::amount::{format_amount, parse_amount};
use crate::ops;
use anchor_lang::prelude::Pubkey;
use anyhow::{bail, Result};
use clap::Args;
use restaking::constants::{PAUSE_DELEGATIONS, PAUSE_DEPOSITS};
use restaking::state::{Service, SlashRequest};
use serde_json::json;
use solana_sdk::signature::Signer;

fn address(text: &str, what: &str) -> Result<Pubkey> {
    crate::keys::parse_address(text, what)
}

#[derive(Args, Debug)]
pub struct RegisterOperatorArgs {
    /// Commission on reward streams, in basis points (1000 = 10 %).
    #[arg(long)]
    pub commission_bps: u16,
    #[arg(long, default_value = "")]
    pub metadata_uri: String,
}

pub fn register_operator(ctx: &Ctx, a: RegisterOperatorArgs) -> Result<()> {
    let authority = ctx.signer()?;
    let (operator, sent) =
        ops::register_operator(&ctx.chain, &authority, a.commission_bps, &a.metadata_uri)?;
    ctx.sent(
        &format!(
            "Registered operator {operator} (authority {}, {} bps commission)",
            authority.pubkey(),
            a.commission_bps
        ),
        &sent,
        json!({ "operator": operator.to_string(), "authority": authority.pubkey().to_string() }),
    );
    Ok(())
}

#[derive(Args, Debug)]
pub struct OpenOperatorPoolArgs {
    /// Pool address or LST mint.
    #[arg(long)]
    pub pool: String,
}

pub fn open_operator_pool(ctx: &Ctx, a: OpenOperatorPoolArgs) -> Result<()> {
    let authority = ctx.signer()?;
    let pool = ops::resolve_pool(&ctx.chain, &a.pool)?;
    let (bucket, sent) = ops::open_operator_pool(&ctx.chain, &authority, &pool)?;
    ctx.sent(
        &format!("Opened bucket {bucket} in pool {}", pool.key),
        &sent,
        json!({
            "operatorPool": bucket.to_string(),
            "queue": restaking_client::queue_pda(&bucket).to_string(),
            "pool": pool.key.to_string(),
        }),
    );
    Ok(())
}

#[derive(Args, Debug)]
pub struct AddRewardMintArgs {
    #[arg(long)]
    pub pool: String,
    /// The reward token's mint.
    #[arg(long)]
    pub mint: String,
    /// Operator account or authority [default: the signer's operator]; the admin may sign for
    /// any operator.
    #[arg(long)]
    pub operator: Option<String>,
    /// Shortest duration a funding of this stream may be spread over (seconds).
    #[arg(long, default_value_t = 0)]
    pub min_duration_secs: u32,
}

pub fn add_reward_mint(ctx: &Ctx, a: AddRewardMintArgs) -> Result<()> {
    let signer = ctx.signer()?;
    let chain = &ctx.chain;
    let pool = ops::resolve_pool(chain, &a.pool)?;
    let operator = match &a.operator {
        Some(o) => ops::resolve_operator(chain, o)?.key,
        None => ops::resolve_operator(chain, &signer.pubkey().to_string())?.key,
    };
    let mint = address(&a.mint, "mint")?;
    let (stream, sent) =
        ops::add_reward_mint(chain, &signer, &operator, &pool, &mint, a.min_duration_secs)?;
    ctx.sent(
        &format!(
            "Added a reward stream of {mint} to bucket {} (index {}, vault {})",
            stream.operator_pool, stream.reward_index, stream.reward_vault
        ),
        &sent,
        json!({
            "operatorPool": stream.operator_pool.to_string(),
            "rewardMint": mint.to_string(),
            "rewardIndex": stream.reward_index.to_string(),
            "rewardVault": stream.reward_vault.to_string(),
        }),
    );
    Ok(())
}

#[derive(Args, Debug)]
pub struct FundRewardsArgs {
    #[arg(long)]
    pub pool: String,
    #[arg(long)]
    pub operator: String,
    /// The reward token's mint.
    #[arg(long)]
    pub mint: String,
    /// Tokens to fund, in whole tokens.
    pub amount: String,
    /// Spread the funding over this many seconds (0: at once).
    #[arg(long, default_value_t = 0)]
    pub duration_secs: u32,
}

pub fn fund_rewards(ctx: &Ctx, a: FundRewardsArgs) -> Result<()> {
    let funder = ctx.signer()?;
    let chain = &ctx.chain;
    let pool = ops::resolve_pool(chain, &a.pool)?;
    let operator = ops::resolve_operator(chain, &a.operator)?;
    let mint = address(&a.mint, "mint")?;
    let (decimals, _) = chain.mint(&mint)?;
    let amount = parse_amount(&a.amount, decimals)?;
    let sent = ops::fund_rewards(
        chain,
        &funder,
        &operator.key,
        &pool,
        &mint,
        amount,
        a.duration_secs,
    )?;
    ctx.sent(
        &format!(
            "Funded {} of {mint} to operator {}'s stream{}",
            format_amount(amount, decimals),
            operator.key,
            if a.duration_secs == 0 {
                String::new()
            } else {
                format!(" over {} s", a.duration_secs)
            }
        ),
        &sent,
        json!({
            "operator": operator.key.to_string(),
            "mint": mint.to_string(),
            "amount": format_amount(amount, decimals),
            "durationSecs": a.duration_secs,
        }),
    );
    Ok(())
}

#[derive(Args, Debug)]
pub struct ClaimCommissionArgs {
    #[arg(long)]
    pub pool: String,
    #[arg(long)]
    pub mint: String,
}

pub fn claim_commission(ctx: &Ctx, a: ClaimCommissionArgs) -> Result<()> {
    let authority = ctx.signer()?;
    let chain = &ctx.chain;
    let pool = ops::resolve_pool(chain, &a.pool)?;
    let mint = address(&a.mint, "mint")?;
    let (decimals, _) = chain.mint(&mint)?;
    let (account, _) = chain.ata(
        &authority.pubkey(),
        &authority.pubkey(),
        &mint,
        &chain.mint(&mint)?.1,
    )?;
    let before = chain.token_balance(&account)?;
    let (account, sent) = ops::claim_commission(chain, &authority, &pool, &mint)?;
    let got = chain.token_balance(&account)?.saturating_sub(before);
    ctx.sent(
        &format!(
            "Claimed {} of {mint} commission",
            format_amount(got, decimals)
        ),
        &sent,
        json!({ "mint": mint.to_string(), "amount": format_amount(got, decimals) }),
    );
    Ok(())
}

#[derive(Args, Debug)]
pub struct RegisterServiceArgs {
    /// Key that may request slashes [default: the signer].
    #[arg(long)]
    pub slasher: Option<String>,
    /// Owner of the token accounts seized LST is paid to [default: the signer].
    #[arg(long)]
    pub destination: Option<String>,
    #[arg(long, default_value = "")]
    pub metadata_uri: String,
}

pub fn register_service(ctx: &Ctx, a: RegisterServiceArgs) -> Result<()> {
    let authority = ctx.signer()?;
    let slasher = match &a.slasher {
        Some(s) => address(s, "slasher")?,
        None => authority.pubkey(),
    };
    let destination = match &a.destination {
        Some(d) => address(d, "destination")?,
        None => authority.pubkey(),
    };
    let (service, sent) = ops::register_service(
        &ctx.chain,
        &authority,
        &slasher,
        &destination,
        &a.metadata_uri,
    )?;
    ctx.sent(
        &format!("Registered service {service} (slasher {slasher}, destination {destination})"),
        &sent,
        json!({
            "service": service.to_string(),
            "slasher": slasher.to_string(),
            "destination": destination.to_string(),
        }),
    );
    Ok(())
}

#[derive(Args, Debug)]
pub struct LinkServiceArgs {
    /// Service account or its authority.
    #[arg(long)]
    pub service: String,
    /// Most the service may slash, in basis points.
    #[arg(long)]
    pub max_slash_bps: u16,
}

pub fn link_service(ctx: &Ctx, a: LinkServiceArgs) -> Result<()> {
    let authority = ctx.signer()?;
    let (service, _) = ops::resolve_service(&ctx.chain, &a.service)?;
    let (link, sent) = ops::link_service(&ctx.chain, &authority, &service, a.max_slash_bps)?;
    ctx.sent(
        &format!(
            "Linked operator {} to service {service} (up to {} bps): link {link}",
            restaking_client::operator_pda(&authority.pubkey()),
            a.max_slash_bps
        ),
        &sent,
        json!({ "serviceLink": link.to_string(), "service": service.to_string() }),
    );
    Ok(())
}

#[derive(Args, Debug)]
pub struct RequestSlashArgs {
    #[arg(long)]
    pub pool: String,
    #[arg(long)]
    pub operator: String,
    /// Share of the bucket to seize, in basis points.
    #[arg(long)]
    pub bps: u16,
    /// Service account or authority [default: the service whose slasher is the signer].
    #[arg(long)]
    pub service: Option<String>,
    /// Evidence: 64 hex digits, or any text (its SHA-256 is recorded).
    #[arg(long, default_value = "")]
    pub evidence: String,
}

fn evidence_hash(text: &str) -> [u8; 32] {
    if text.len() == 64 {
        if let Ok(bytes) = hex::decode(text) {
            if let Ok(hash) = <[u8; 32]>::try_from(bytes.as_slice()) {
                return hash;
            }
        }
    }
    solana_sdk::hash::hash(text.as_bytes()).to_bytes()
}

pub fn request_slash(ctx: &Ctx, a: RequestSlashArgs) -> Result<()> {
    let slasher = ctx.signer()?;
    let chain = &ctx.chain;
    let pool = ops::resolve_pool(chain, &a.pool)?;
    let operator = ops::resolve_operator(chain, &a.operator)?;
    let service = match &a.service {
        Some(s) => ops::resolve_service(chain, s)?.0,
        None => {
            let found =
                chain.program_accounts::<Service>(&[(40, slasher.pubkey().to_bytes().to_vec())])?;
            match found.as_slice() {
                [(key, _)] => *key,
                [] => bail!(
                    "{} is no service's slasher (pass --service)",
                    slasher.pubkey()
                ),
                _ => bail!(
                    "{} is the slasher of several services: pass --service",
                    slasher.pubkey()
                ),
            }
        }
    };
    let (request, sent) = ops::request_slash(
        chain,
        &slasher,
        &service,
        &operator.key,
        &pool,
        a.bps,
        evidence_hash(&a.evidence),
    )?;
    let r: SlashRequest = chain.state(&request, "slash request")?;
    ctx.sent(
        &format!(
            "Requested a {} bps slash of operator {}: request {request}, executable from {} (after the veto window)",
            a.bps,
            operator.key,
            utc(r.executable_ts)
        ),
        &sent,
        json!({
            "request": request.to_string(),
            "service": service.to_string(),
            "operatorPool": r.operator_pool.to_string(),
            "executableTs": r.executable_ts,
            "expiresTs": r.expires_ts,
        }),
    );
    Ok(())
}

#[derive(Args, Debug)]
pub struct SlashRequestArgs {
    /// The slash request.
    #[arg(long)]
    pub request: String,
}

pub fn veto_slash(ctx: &Ctx, a: SlashRequestArgs) -> Result<()> {
    let guardian = ctx.signer()?;
    let request = address(&a.request, "slash request")?;
    let sent = ops::veto_slash(&ctx.chain, &guardian, &request)?;
    ctx.sent(
        &format!("Vetoed slash request {request}"),
        &sent,
        json!({ "request": request.to_string() }),
    );
    Ok(())
}

pub fn execute_slash(ctx: &Ctx, a: SlashRequestArgs) -> Result<()> {
    let payer = ctx.signer()?;
    let chain = &ctx.chain;
    let request = address(&a.request, "slash request")?;
    let (destination, sent) = ops::execute_slash(chain, &payer, &request)?;
    let r: SlashRequest = chain.state(&request, "slash request")?;
    let b = ops::load_bucket(chain, &r.operator_pool)?;
    let pool = ops::load_pool(chain, &b.state.pool)?;
    let seized = r.seized_active_lst.saturating_add(r.seized_queued_lst);
    ctx.sent(
        &format!(
            "Executed slash {request}: {} LST seized ({} active, {} queued) to {destination}",
            format_amount(seized, pool.decimals()),
            format_amount(r.seized_active_lst, pool.decimals()),
            format_amount(r.seized_queued_lst, pool.decimals()),
        ),
        &sent,
        json!({
            "request": request.to_string(),
            "destination": destination.to_string(),
            "seizedActiveLst": format_amount(r.seized_active_lst, pool.decimals()),
            "seizedQueuedLst": format_amount(r.seized_queued_lst, pool.decimals()),
        }),
    );
    Ok(())
}

#[derive(Args, Debug)]
pub struct SetPauseArgs {
    /// `none`, `all`, or a comma list of `deposits`, `delegations` (or a number).
    pub flags: String,
}

pub fn parse_pause(text: &str) -> Result<u8> {
    if let Ok(n) = text.parse::<u8>() {
        return Ok(n);
    }
    let mut flags = 0u8;
    for part in text.split(',').map(str::trim) {
        flags |= match part {
            "none" | "" => 0,
            "all" => PAUSE_DEPOSITS | PAUSE_DELEGATIONS,
            "deposits" => PAUSE_DEPOSITS,
            "delegations" => PAUSE_DELEGATIONS,
            other => bail!("unknown pause flag {other:?} (none, all, deposits, delegations)"),
        };
    }
    Ok(flags)
}

pub fn set_pause(ctx: &Ctx, a: SetPauseArgs) -> Result<()> {
    let signer = ctx.signer()?;
    let flags = parse_pause(&a.flags)?;
    let sent = ops::set_pause(&ctx.chain, &signer, flags)?;
    ctx.sent(
        &format!("Pause flags set to {flags:#04b}"),
        &sent,
        json!({ "pauseFlags": flags }),
    );
    Ok(())
}
