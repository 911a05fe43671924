//! The program's operations over JSON-RPC, shared by the cluster commands, the localnet's setup
//! and the demo: each resolves the accounts it needs, builds the instruction with the Rust
//! client (`restaking-client`, plus [`crate::builders`]) and sends it.
use crate::builders;
use crate::chain::{Chain, Sent};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anyhow::{bail, Context, Result};
use restaking::instructions::{AddPoolArgs, InitializeConfigArgs, PositionValue};
use restaking::state::{
    Config, Delegation, Operator, OperatorPool, Pool, Position, RateSource, Service, SlashRequest,
    TicketKind, WithdrawalTicket,
};
use restaking_client::{self as client, PoolKeys, StreamKeys};
use solana_sdk::signature::{Keypair, Signer};
use std::str::FromStr;

/// A pool with its state and the keys its instructions take.
#[derive(Clone, Debug)]
pub struct PoolInfo {
    pub key: Pubkey,
    pub state: Pool,
    pub keys: PoolKeys,
}

impl PoolInfo {
    pub fn decimals(&self) -> u8 {
        self.state.lst_decimals
    }
    pub fn position(&self, owner: &Pubkey) -> Pubkey {
        self.keys.position(owner)
    }
}

/// An operator account.
#[derive(Clone, Debug)]
pub struct OperatorInfo {
    pub key: Pubkey,
}

/// An operator's bucket in a pool.
#[derive(Clone, Debug)]
pub struct BucketInfo {
    pub key: Pubkey,
    pub state: OperatorPool,
}

impl BucketInfo {
    /// The reward mints of the bucket's streams, in slot order.
    pub fn reward_mints(&self) -> &[Pubkey] {
        let n = usize::from(self.state.reward_mint_count);
        self.state.reward_mints.get(..n).unwrap_or(&[])
    }
}

/// An open ticket of a position.
#[derive(Clone, Debug)]
pub struct TicketInfo {
    pub key: Pubkey,
    pub state: WithdrawalTicket,
}

fn parse_key(text: &str, what: &str) -> Result<Pubkey> {
    crate::keys::parse_address(text, what)
}

pub fn config(chain: &Chain) -> Result<Config> {
    chain
        .state(&client::config_pda(), "config")
        .context("the program has no config on this cluster (is it deployed and initialised?)")
}

pub fn load_pool(chain: &Chain, key: &Pubkey) -> Result<PoolInfo> {
    let state: Pool = chain.state(key, "pool")?;
    let keys = PoolKeys {
        pool: *key,
        lst_mint: state.lst_mint,
        vault: state.vault,
        token_program: state.token_program,
        rate_source: state.rate_source.account(),
    };
    Ok(PoolInfo {
        key: *key,
        state,
        keys,
    })
}

/// A pool given by its address or by its LST mint.
pub fn resolve_pool(chain: &Chain, text: &str) -> Result<PoolInfo> {
    let key = Pubkey::from_str(text)
        .map_err(|_| anyhow::anyhow!("invalid pool {text:?}: not a base-58 address"))?;
    if let Some(acc) = chain.account(&key)? {
        if crate::chain::decode::<Pool>(&acc, &key, "pool").is_ok() {
            return load_pool(chain, &key);
        }
    }
    let by_mint = client::pool_pda(&key);
    if chain.exists(&by_mint)? {
        return load_pool(chain, &by_mint);
    }
    bail!("unknown pool {text}: neither a pool nor the LST mint of one")
}

pub fn all_pools(chain: &Chain) -> Result<Vec<PoolInfo>> {
    chain
        .program_accounts::<Pool>(&[])?
        .into_iter()
        .map(|(key, state)| {
            Ok(PoolInfo {
                key,
                keys: PoolKeys {
                    pool: key,
                    lst_mint: state.lst_mint,
                    vault: state.vault,
                    token_program: state.token_program,
                    rate_source: state.rate_source.account(),
                },
                state,
            })
        })
        .collect()
}

/// An operator given by its `Operator` account or by its authority.
pub fn resolve_operator(chain: &Chain, text: &str) -> Result<OperatorInfo> {
    let key = parse_key(text, "operator")?;
    if let Some(acc) = chain.account(&key)? {
        if crate::chain::decode::<Operator>(&acc, &key, "operator").is_ok() {
            return Ok(OperatorInfo { key });
        }
    }
    let pda = client::operator_pda(&key);
    if let Some(acc) = chain.account(&pda)? {
        crate::chain::decode::<Operator>(&acc, &pda, "operator")?;
        return Ok(OperatorInfo { key: pda });
    }
    bail!("unknown operator {text}: neither an operator account nor an operator's authority")
}

pub fn bucket(chain: &Chain, operator: &Pubkey, pool: &PoolInfo) -> Result<BucketInfo> {
    let key = client::operator_pool_pda(operator, &pool.key);
    let Some(acc) = chain.account(&key)? else {
        bail!(
            "operator {operator} has no bucket in pool {} (open-operator-pool first)",
            pool.key
        );
    };
    Ok(BucketInfo {
        key,
        state: crate::chain::decode(&acc, &key, "operator bucket")?,
    })
}

pub fn load_bucket(chain: &Chain, key: &Pubkey) -> Result<BucketInfo> {
    Ok(BucketInfo {
        key: *key,
        state: chain.state(key, "operator bucket")?,
    })
}

/// A service given by its `Service` account or by its authority.
pub fn resolve_service(chain: &Chain, text: &str) -> Result<(Pubkey, Service)> {
    let key = parse_key(text, "service")?;
    if let Some(acc) = chain.account(&key)? {
        if let Ok(state) = crate::chain::decode::<Service>(&acc, &key, "service") {
            return Ok((key, state));
        }
    }
    let pda = client::service_pda(&key);
    if let Some(acc) = chain.account(&pda)? {
        return Ok((pda, crate::chain::decode(&acc, &pda, "service")?));
    }
    bail!("unknown service {text}: neither a service account nor a service's authority")
}

/// The position of `owner` in `pool`, failing with a clear message when there is none.
pub fn position(chain: &Chain, pool: &PoolInfo, owner: &Pubkey) -> Result<(Pubkey, Position)> {
    let key = pool.position(owner);
    match chain.account(&key)? {
        Some(acc) => Ok((key, crate::chain::decode(&acc, &key, "position")?)),
        None => bail!("{owner} has no position in pool {}", pool.key),
    }
}

/// Every delegation of a position (by `getProgramAccounts`).
pub fn delegations(chain: &Chain, position: &Pubkey) -> Result<Vec<(Pubkey, Delegation)>> {
    chain.program_accounts::<Delegation>(&[(8, position.to_bytes().to_vec())])
}

/// Every open ticket of a position, oldest first.
pub fn tickets(chain: &Chain, position: &Pubkey) -> Result<Vec<TicketInfo>> {
    let mut out: Vec<TicketInfo> = chain
        .program_accounts::<WithdrawalTicket>(&[(8, position.to_bytes().to_vec())])?
        .into_iter()
        .map(|(key, state)| TicketInfo { key, state })
        .collect();
    out.sort_by_key(|t| t.state.nonce);
    Ok(out)
}

/// `StreamKeys` of the stream of `mint` on `bucket` (the mint's token program read on chain).
pub fn stream(chain: &Chain, bucket: &Pubkey, mint: &Pubkey) -> Result<StreamKeys> {
    let (_, token_program) = chain.mint(mint)?;
    Ok(StreamKeys::new(*bucket, *mint, token_program))
}

// ---- admin ---------------------------------------------------------------------------------

pub fn initialize_config(
    chain: &Chain,
    admin: &Keypair,
    args: InitializeConfigArgs,
) -> Result<Sent> {
    chain.send(
        &[client::initialize_config(admin.pubkey(), args)],
        admin,
        &[],
    )
}

pub fn add_pool(
    chain: &Chain,
    admin: &Keypair,
    lst_mint: Pubkey,
    token_program: Pubkey,
    args: AddPoolArgs,
) -> Result<(PoolInfo, Sent)> {
    let keys = PoolKeys::new(lst_mint, token_program, &args.rate_source);
    let sent = chain.send(&[client::add_pool(admin.pubkey(), &keys, args)], admin, &[])?;
    Ok((load_pool(chain, &keys.pool)?, sent))
}

pub fn set_pause(chain: &Chain, signer: &Keypair, flags: u8) -> Result<Sent> {
    chain.send(&[client::set_pause(signer.pubkey(), flags)], signer, &[])
}

pub fn push_rate(chain: &Chain, updater: &Keypair, pool: &PoolInfo, rate: u128) -> Result<Sent> {
    chain.send(
        &[client::push_rate(updater.pubkey(), pool.key, rate)],
        updater,
        &[],
    )
}

// ---- tokens --------------------------------------------------------------------------------

/// Creates a mint of `decimals` owned by `token_program` with `authority` as mint authority.
pub fn create_mint(
    chain: &Chain,
    payer: &Keypair,
    authority: &Pubkey,
    decimals: u8,
    token_program: &Pubkey,
) -> Result<(Pubkey, Sent)> {
    let mint = Keypair::new();
    let ixs = builders::create_mint(
        &payer.pubkey(),
        &mint.pubkey(),
        authority,
        decimals,
        token_program,
        chain.rent_exempt(builders::MINT_LEN)?,
    )?;
    let sent = chain.send(&ixs, payer, &[&mint])?;
    Ok((mint.pubkey(), sent))
}

/// Mints `amount` of `mint` to `owner`'s associated token account (created if missing).
pub fn mint_to(
    chain: &Chain,
    payer: &Keypair,
    authority: &Keypair,
    mint: &Pubkey,
    owner: &Pubkey,
    amount: u64,
) -> Result<(Pubkey, Sent)> {
    let (_, token_program) = chain.mint(mint)?;
    let (ata, create) = chain.ata(&payer.pubkey(), owner, mint, &token_program)?;
    let mut ixs: Vec<Instruction> = create.into_iter().collect();
    ixs.push(builders::mint_to(
        &token_program,
        mint,
        &ata,
        &authority.pubkey(),
        amount,
    )?);
    let sent = chain.send(&ixs, payer, &[authority])?;
    Ok((ata, sent))
}

/// Sends a setup instruction (creating a token account) in a transaction of its own, so the
/// program instruction that follows is measured alone.
fn send_setup(chain: &Chain, payer: &Keypair, ix: Option<Instruction>) -> Result<()> {
    if let Some(ix) = ix {
        chain.send(&[ix], payer, &[])?;
    }
    Ok(())
}

// ---- operators and services ----------------------------------------------------------------

pub fn register_operator(
    chain: &Chain,
    authority: &Keypair,
    commission_bps: u16,
    metadata_uri: &str,
) -> Result<(Pubkey, Sent)> {
    let ix = client::register_operator(authority.pubkey(), commission_bps, metadata_uri);
    let sent = chain.send(&[ix], authority, &[])?;
    Ok((client::operator_pda(&authority.pubkey()), sent))
}

pub fn open_operator_pool(
    chain: &Chain,
    authority: &Keypair,
    pool: &PoolInfo,
) -> Result<(Pubkey, Sent)> {
    let operator = client::operator_pda(&authority.pubkey());
    if !chain.exists(&operator)? {
        bail!(
            "{} is not an operator's authority (register-operator first)",
            authority.pubkey()
        );
    }
    let sent = chain.send(
        &[client::open_operator_pool(authority.pubkey(), pool.key)],
        authority,
        &[],
    )?;
    Ok((client::operator_pool_pda(&operator, &pool.key), sent))
}

/// Opens a stream of `mint` on `operator`'s bucket in `pool`, signed by the operator's
/// authority or the admin.
pub fn add_reward_mint(
    chain: &Chain,
    signer: &Keypair,
    operator: &Pubkey,
    pool: &PoolInfo,
    mint: &Pubkey,
    min_duration_secs: u32,
) -> Result<(StreamKeys, Sent)> {
    let b = bucket(chain, operator, pool)?;
    let stream = stream(chain, &b.key, mint)?;
    let ix = client::add_reward_mint_with_min_duration(
        signer.pubkey(),
        *operator,
        b.key,
        &stream,
        min_duration_secs,
    );
    let sent = chain.send(&[ix], signer, &[])?;
    Ok((stream, sent))
}

/// Funds the stream of `mint` on `operator`'s bucket from `funder`'s associated token account.
pub fn fund_rewards(
    chain: &Chain,
    funder: &Keypair,
    operator: &Pubkey,
    pool: &PoolInfo,
    mint: &Pubkey,
    amount: u64,
    duration_secs: u32,
) -> Result<Sent> {
    let b = bucket(chain, operator, pool)?;
    if !b.reward_mints().contains(mint) {
        bail!(
            "bucket {} has no reward stream of {mint} (add-reward-mint first)",
            b.key
        );
    }
    let stream = stream(chain, &b.key, mint)?;
    let from = anchor_spl::associated_token::get_associated_token_address_with_program_id(
        &funder.pubkey(),
        mint,
        &stream.token_program,
    );
    if !chain.exists(&from)? {
        bail!(
            "{} holds no {mint} (no associated token account)",
            funder.pubkey()
        );
    }
    let ix = client::fund_rewards_over(
        funder.pubkey(),
        *operator,
        &stream,
        from,
        amount,
        duration_secs,
    );
    chain.send(&[ix], funder, &[])
}

/// The operator's commission of the stream of `mint` on its bucket in `pool`, paid to its
/// associated token account.
pub fn claim_commission(
    chain: &Chain,
    authority: &Keypair,
    pool: &PoolInfo,
    mint: &Pubkey,
) -> Result<(Pubkey, Sent)> {
    let operator = client::operator_pda(&authority.pubkey());
    let b = bucket(chain, &operator, pool)?;
    let stream = stream(chain, &b.key, mint)?;
    let (ata, create) = chain.ata(
        &authority.pubkey(),
        &authority.pubkey(),
        mint,
        &stream.token_program,
    )?;
    send_setup(chain, authority, create)?;
    let ix = client::claim_commission(authority.pubkey(), &stream, ata);
    Ok((ata, chain.send(&[ix], authority, &[])?))
}

pub fn register_service(
    chain: &Chain,
    authority: &Keypair,
    slasher: &Pubkey,
    destination: &Pubkey,
    metadata_uri: &str,
) -> Result<(Pubkey, Sent)> {
    let ix = client::register_service(authority.pubkey(), *slasher, *destination, metadata_uri);
    let sent = chain.send(&[ix], authority, &[])?;
    Ok((client::service_pda(&authority.pubkey()), sent))
}

pub fn link_service(
    chain: &Chain,
    operator_authority: &Keypair,
    service: &Pubkey,
    max_slash_bps: u16,
) -> Result<(Pubkey, Sent)> {
    let operator = client::operator_pda(&operator_authority.pubkey());
    if !chain.exists(&operator)? {
        bail!(
            "{} is not an operator's authority (register-operator first)",
            operator_authority.pubkey()
        );
    }
    let ix = client::link_service(operator_authority.pubkey(), *service, max_slash_bps);
    let sent = chain.send(&[ix], operator_authority, &[])?;
    Ok((client::service_link_pda(service, &operator), sent))
}

/// `request_slash` of `bps` against `operator`'s bucket in `pool` by `slasher` for `service`.
pub fn request_slash(
    chain: &Chain,
    slasher: &Keypair,
    service: &Pubkey,
    operator: &Pubkey,
    pool: &PoolInfo,
    bps: u16,
    evidence_hash: [u8; 32],
) -> Result<(Pubkey, Sent)> {
    let b = bucket(chain, operator, pool)?;
    let link = client::service_link_pda(service, operator);
    if !chain.exists(&link)? {
        bail!("operator {operator} has not linked service {service}");
    }
    let nonce = b.state.slash_nonce;
    let ix = client::request_slash(
        slasher.pubkey(),
        *service,
        *operator,
        b.key,
        nonce,
        bps,
        evidence_hash,
    );
    let sent = chain.send(&[ix], slasher, &[])?;
    Ok((client::slash_request_pda(&b.key, service, nonce), sent))
}

pub fn veto_slash(chain: &Chain, guardian: &Keypair, request: &Pubkey) -> Result<Sent> {
    let r: SlashRequest = chain.state(request, "slash request")?;
    let b = load_bucket(chain, &r.operator_pool)?;
    let link = client::service_link_pda(&r.service, &b.state.operator);
    let ix = client::veto_slash(guardian.pubkey(), r.operator_pool, *request, link);
    chain.send(&[ix], guardian, &[])
}

/// Permissionless `execute_slash` of `request`; the seized LST goes to the service
/// destination's associated token account (created if missing, paid by `payer`).
pub fn execute_slash(chain: &Chain, payer: &Keypair, request: &Pubkey) -> Result<(Pubkey, Sent)> {
    let r: SlashRequest = chain.state(request, "slash request")?;
    let b = load_bucket(chain, &r.operator_pool)?;
    let pool = load_pool(chain, &b.state.pool)?;
    let service: Service = chain.state(&r.service, "service")?;
    let (dest, create) = chain.ata(
        &payer.pubkey(),
        &service.destination,
        &pool.keys.lst_mint,
        &pool.keys.token_program,
    )?;
    send_setup(chain, payer, create)?;
    let ix = client::execute_slash(&pool.keys, b.key, *request, r.service, dest);
    Ok((dest, chain.send(&[ix], payer, &[])?))
}

// ---- stakers -------------------------------------------------------------------------------

/// The owner's LST account: `from` or the associated token account.
fn lst_account(pool: &PoolInfo, owner: &Pubkey) -> Pubkey {
    anchor_spl::associated_token::get_associated_token_address_with_program_id(
        owner,
        &pool.keys.lst_mint,
        &pool.keys.token_program,
    )
}

/// Deposits `amount` LST from the owner's associated token account (opening the position
/// first if it has none).
pub fn deposit(
    chain: &Chain,
    owner: &Keypair,
    pool: &PoolInfo,
    amount: u64,
    min_value: u64,
) -> Result<Sent> {
    let from = lst_account(pool, &owner.pubkey());
    if !chain.exists(&from)? {
        bail!(
            "{} holds no LST {} (no associated token account)",
            owner.pubkey(),
            pool.keys.lst_mint
        );
    }
    if !chain.exists(&pool.position(&owner.pubkey()))? {
        let ix = client::open_position(owner.pubkey(), &pool.keys);
        chain.send(&[ix], owner, &[])?;
    }
    let ix = client::deposit(owner.pubkey(), &pool.keys, from, amount, min_value);
    chain.send(&[ix], owner, &[])
}

/// Delegates `amount` idle LST of the owner's position to `operator`'s bucket.
pub fn delegate(
    chain: &Chain,
    owner: &Keypair,
    pool: &PoolInfo,
    operator: &Pubkey,
    amount: u64,
) -> Result<Sent> {
    position(chain, pool, &owner.pubkey())?;
    let b = bucket(chain, operator, pool)?;
    let mut ix = client::delegate(owner.pubkey(), &pool.keys, *operator, amount);
    ix.accounts
        .extend(client::reward_index_metas(&b.key, b.reward_mints()));
    chain.send(&[ix], owner, &[])
}

/// The owner's delegation to `operator` in `pool`.
pub fn delegation(
    chain: &Chain,
    pool: &PoolInfo,
    owner: &Pubkey,
    operator: &Pubkey,
) -> Result<(BucketInfo, Delegation)> {
    let b = bucket(chain, operator, pool)?;
    let key = client::delegation_pda(&pool.position(owner), &b.key);
    let Some(acc) = chain.account(&key)? else {
        bail!(
            "{owner} has no delegation to operator {operator} in pool {}",
            pool.key
        );
    };
    Ok((b, crate::chain::decode(&acc, &key, "delegation")?))
}

/// Shares of a bucket worth `lst` (rounded down), at most `held`.
pub fn shares_for_lst(b: &OperatorPool, lst: u64, held: u64) -> Result<u64> {
    if b.total_lst == 0 {
        return Ok(held);
    }
    let shares = u128::from(lst)
        .checked_mul(u128::from(b.total_shares))
        .and_then(|v| v.checked_div(u128::from(b.total_lst)))
        .context("share arithmetic overflows")?;
    Ok(u64::try_from(shares).unwrap_or(u64::MAX).min(held))
}

/// Undelegates `shares` of the owner's delegation to `operator`; returns the ticket.
pub fn undelegate(
    chain: &Chain,
    owner: &Keypair,
    pool: &PoolInfo,
    operator: &Pubkey,
    shares: u64,
) -> Result<(Pubkey, Sent)> {
    let (position_key, pos) = position(chain, pool, &owner.pubkey())?;
    let b = bucket(chain, operator, pool)?;
    let nonce = pos.ticket_nonce;
    let mut ix = client::undelegate(owner.pubkey(), &pool.keys, b.key, nonce, shares, None);
    ix.accounts
        .extend(client::reward_index_metas(&b.key, b.reward_mints()));
    let sent = chain.send(&[ix], owner, &[])?;
    Ok((client::ticket_pda(&position_key, nonce), sent))
}

/// Requests the withdrawal of `amount` idle LST; returns the ticket.
pub fn request_withdrawal(
    chain: &Chain,
    owner: &Keypair,
    pool: &PoolInfo,
    amount: u64,
) -> Result<(Pubkey, Sent)> {
    let (position_key, pos) = position(chain, pool, &owner.pubkey())?;
    let nonce = pos.ticket_nonce;
    let ix = client::request_withdrawal(owner.pubkey(), &pool.keys, nonce, amount, None);
    let sent = chain.send(&[ix], owner, &[])?;
    Ok((client::ticket_pda(&position_key, nonce), sent))
}

fn ticket_of(
    chain: &Chain,
    pool: &PoolInfo,
    owner: &Pubkey,
    ticket: &Pubkey,
) -> Result<WithdrawalTicket> {
    let (position_key, _) = position(chain, pool, owner)?;
    let Some(acc) = chain.account(ticket)? else {
        bail!("ticket {ticket} does not exist (already completed or cancelled?)");
    };
    let t: WithdrawalTicket = crate::chain::decode(&acc, ticket, "withdrawal ticket")?;
    if t.position != position_key {
        bail!("ticket {ticket} belongs to another position");
    }
    Ok(t)
}

/// Completes a matured ticket (a `Withdraw` ticket pays the LST to the owner's associated
/// token account, created if missing; an `Undelegate` ticket returns it to idle).
pub fn complete(chain: &Chain, owner: &Keypair, pool: &PoolInfo, ticket: &Pubkey) -> Result<Sent> {
    let t = ticket_of(chain, pool, &owner.pubkey(), ticket)?;
    let (ata, create) = chain.ata(
        &owner.pubkey(),
        &owner.pubkey(),
        &pool.keys.lst_mint,
        &pool.keys.token_program,
    )?;
    let bucket = (t.kind == TicketKind::Undelegate).then_some(t.operator_pool);
    send_setup(chain, owner, create)?;
    let ix = client::complete_ticket(owner.pubkey(), &pool.keys, *ticket, ata, bucket);
    chain.send(&[ix], owner, &[])
}

/// Cancels a ticket (an `Undelegate` ticket's shares go back to its bucket).
pub fn cancel(chain: &Chain, owner: &Keypair, pool: &PoolInfo, ticket: &Pubkey) -> Result<Sent> {
    let t = ticket_of(chain, pool, &owner.pubkey(), ticket)?;
    let ix = if t.kind == TicketKind::Undelegate {
        let b = load_bucket(chain, &t.operator_pool)?;
        let mut ix = client::cancel_ticket(
            owner.pubkey(),
            &pool.keys,
            *ticket,
            Some(b.key),
            Some(b.state.operator),
        );
        ix.accounts
            .extend(client::reward_index_metas(&b.key, b.reward_mints()));
        ix
    } else {
        client::cancel_ticket(owner.pubkey(), &pool.keys, *ticket, None, None)
    };
    chain.send(&[ix], owner, &[])
}

/// One `claim` instruction of a claim-everything plan.
#[derive(Clone, Debug)]
pub struct ClaimPart {
    /// The operator of the delegation's bucket (`None`: the idle leg alone).
    pub operator: Option<Pubkey>,
    /// Reward mints paid by this part, in slot order.
    pub reward_mints: Vec<Pubkey>,
    pub ix: Instruction,
}

/// What claiming everything in a pool takes: instructions creating missing token accounts,
/// then one `claim` per delegation (each paying every stream of its bucket; the first also
/// pays the idle leg) or a single idle `claim`.
pub struct ClaimPlan {
    pub setup: Vec<Instruction>,
    pub parts: Vec<ClaimPart>,
    /// (mint, owner's token account) of the LST and every reward mint involved.
    pub accounts: Vec<(Pubkey, Pubkey)>,
}

pub fn claim_plan(chain: &Chain, owner: &Pubkey, pool: &PoolInfo) -> Result<ClaimPlan> {
    let (position_key, _) = position(chain, pool, owner)?;
    let mut setup = vec![];
    let mut accounts = vec![];
    let (lst_ata, create) =
        chain.ata(owner, owner, &pool.keys.lst_mint, &pool.keys.token_program)?;
    setup.extend(create);
    accounts.push((pool.keys.lst_mint, lst_ata));
    let mut parts = vec![];
    for (_, d) in delegations(chain, &position_key)? {
        let b = load_bucket(chain, &d.operator_pool)?;
        let mut ix = client::claim_delegation(*owner, &pool.keys, lst_ata, Some(b.key));
        let mut mints = vec![];
        for mint in b.reward_mints() {
            let s = stream(chain, &b.key, mint)?;
            let (ata, create) = chain.ata(owner, owner, mint, &s.token_program)?;
            if !accounts.iter().any(|(m, _)| m == mint) {
                setup.extend(create);
                accounts.push((*mint, ata));
            }
            ix.accounts.extend(s.claim_group(ata));
            mints.push(*mint);
        }
        parts.push(ClaimPart {
            operator: Some(b.state.operator),
            reward_mints: mints,
            ix,
        });
    }
    if parts.is_empty() {
        parts.push(ClaimPart {
            operator: None,
            reward_mints: vec![],
            ix: client::claim(*owner, &pool.keys, lst_ata),
        });
    }
    Ok(ClaimPlan {
        setup,
        parts,
        accounts,
    })
}

/// Largest serialized legacy transaction (bytes).
pub const MAX_TX_BYTES: usize = 1_232;

/// Serialized size of a legacy transaction of `ixs` paid by `payer`.
pub fn tx_size(ixs: &[Instruction], payer: &Pubkey) -> usize {
    let mut all = vec![crate::chain::compute_unit_limit(crate::chain::CU_LIMIT)];
    all.extend_from_slice(ixs);
    let tx = solana_sdk::transaction::Transaction::new_with_payer(&all, Some(payer));
    let sigs = usize::from(tx.message.header.num_required_signatures);
    // signature count (short-vec, one byte below 128) + signatures + message
    1usize
        .saturating_add(sigs.saturating_mul(64))
        .saturating_add(tx.message_data().len())
}

/// Groups instructions into as few transactions as fit, in order.
pub fn pack<T: Clone>(
    items: &[(T, Instruction)],
    payer: &Pubkey,
) -> Result<Vec<Vec<(T, Instruction)>>> {
    let mut batches: Vec<Vec<(T, Instruction)>> = vec![];
    let mut current: Vec<(T, Instruction)> = vec![];
    for item in items {
        let mut trial: Vec<Instruction> = current.iter().map(|(_, ix)| ix.clone()).collect();
        trial.push(item.1.clone());
        if tx_size(&trial, payer) <= MAX_TX_BYTES {
            current.push(item.clone());
            continue;
        }
        if current.is_empty() {
            bail!(
                "one claim instruction does not fit a transaction ({} bytes)",
                tx_size(&trial, payer)
            );
        }
        batches.push(std::mem::take(&mut current));
        current.push(item.clone());
        if tx_size(std::slice::from_ref(&item.1), payer) > MAX_TX_BYTES {
            bail!("one claim instruction does not fit a transaction");
        }
    }
    if !current.is_empty() {
        batches.push(current);
    }
    Ok(batches)
}

/// A position view: the program's answer and the groups it was asked about.
pub struct View {
    pub value: PositionValue,
    /// (delegation, bucket) in the order passed.
    pub delegations: Vec<(Pubkey, BucketInfo)>,
    pub tickets: Vec<TicketInfo>,
}

/// `get_position_value` of `owner`'s position in `pool` by simulation, with every delegation
/// and every open ticket.
pub fn view(chain: &Chain, pool: &PoolInfo, owner: &Pubkey) -> Result<View> {
    let (position_key, _) = position(chain, pool, owner)?;
    let mut ix = client::get_position_value(*owner, &pool.keys);
    let mut groups = vec![];
    for (key, d) in delegations(chain, &position_key)? {
        let b = load_bucket(chain, &d.operator_pool)?;
        ix.accounts.extend(client::view_delegation_metas(
            &position_key,
            &b.key,
            b.reward_mints(),
        ));
        groups.push((key, b));
    }
    if groups.len() > restaking::constants::MAX_VIEW_DELEGATIONS {
        bail!(
            "the position has {} delegations; the view reports at most {}",
            groups.len(),
            restaking::constants::MAX_VIEW_DELEGATIONS
        );
    }
    let tickets = tickets(chain, &position_key)?;
    for t in &tickets {
        ix.accounts.push(AccountMeta::new_readonly(t.key, false));
        if t.state.kind == TicketKind::Undelegate {
            ix.accounts.push(AccountMeta::new_readonly(
                client::queue_pda(&t.state.operator_pool),
                false,
            ));
        }
    }
    let data = chain.simulate_return(&[ix], owner)?;
    if data.is_empty() {
        bail!("the position view returned no data");
    }
    let value = client::decode_position_value(&data).context("cannot decode the position view")?;
    Ok(View {
        value,
        delegations: groups,
        tickets,
    })
}

/// The positions an owner holds, in every pool.
pub fn positions_of(chain: &Chain, owner: &Pubkey) -> Result<Vec<(Pubkey, Position)>> {
    chain.program_accounts::<Position>(&[(40, owner.to_bytes().to_vec())])
}

/// `RateSource` in words.
pub fn describe_source(source: &RateSource) -> String {
    match source {
        RateSource::SplStakePool { stake_pool } => format!("SPL stake pool {stake_pool}"),
        RateSource::Marinade { state } => format!("Marinade state {state}"),
        RateSource::Manual {
            updater,
            max_change_bps,
            max_age_secs,
        } => format!(
            "manual (updater {updater}, at most {max_change_bps} bps a push, stale after {max_age_secs} s)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Eight delegations with four streams each: every claim instruction is whole, the
    /// transactions fit, and they keep the order.
    #[test]
    fn claim_everything_packs_into_transactions_that_fit() {
        let owner = Pubkey::new_unique();
        let keys = PoolKeys::new(
            Pubkey::new_unique(),
            anchor_spl::token::ID,
            &RateSource::SplStakePool {
                stake_pool: Pubkey::new_unique(),
            },
        );
        let lst_account = Pubkey::new_unique();
        let mut items = vec![];
        for i in 0..8usize {
            let bucket = Pubkey::new_unique();
            let mut ix = client::claim_delegation(owner, &keys, lst_account, Some(bucket));
            for _ in 0..4 {
                let stream = StreamKeys::new(bucket, Pubkey::new_unique(), anchor_spl::token::ID);
                ix.accounts.extend(stream.claim_group(Pubkey::new_unique()));
            }
            items.push((i, ix));
        }
        let batches = pack(&items, &owner).expect("pack");
        assert!(
            batches.len() > 1,
            "8 × 4 streams cannot fit one transaction"
        );
        let order: Vec<usize> = batches.iter().flatten().map(|(i, _)| *i).collect();
        assert_eq!(order, (0..8).collect::<Vec<_>>());
        for batch in &batches {
            let ixs: Vec<Instruction> = batch.iter().map(|(_, ix)| ix.clone()).collect();
            assert!(tx_size(&ixs, &owner) <= MAX_TX_BYTES);
        }
        // two delegations without streams share one transaction
        let small: Vec<(usize, Instruction)> = (0..2)
            .map(|i| {
                let bucket = Pubkey::new_unique();
                (
                    i,
                    client::claim_delegation(owner, &keys, lst_account, Some(bucket)),
                )
            })
            .collect();
        assert_eq!(pack(&small, &owner).expect("pack").len(), 1);
    }
}
