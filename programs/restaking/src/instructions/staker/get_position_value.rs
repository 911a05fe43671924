//! `get_position_value`: the position view (SPEC §6). Writes nothing; returns a
//! [`PositionValue`] through return data — what a `claim` of each passed delegation would pay
//! now (base yield in the LST, rewards per stream) and what the position holds in LST and in
//! the numeraire. Wallets call it by simulation, programs by CPI.
//!
//! It runs the very transitions `claim` runs — refresh the rate (a stale or unusable one only
//! stops new stripping, `rate_source::refresh_rate_if_usable`), strip the idle holding, harvest each bucket, bring each stream up to date and
//! settle the delegation — on in-memory copies of the accounts, so its figures are exactly what
//! the claims would pay at this moment.
//!
//! Remaining accounts, any number of groups in any order:
//! - a delegation: `[delegation, operator_pool, reward_index × operator_pool.reward_mint_count
//!   (slot order)]`;
//! - an open ticket of the position: `[withdrawal_ticket]`, and for an `Undelegate` ticket
//!   `[withdrawal_ticket, undelegation_queue]` (its bucket's queue values its cohort).
//!
//! The answer fits Solana's 1,024-byte return-data limit for up to [`MAX_VIEW_DELEGATIONS`]
//! delegations with 4 streams each (`ViewTooLarge` beyond).
use crate::constants::MAX_VIEW_DELEGATIONS;
use crate::error::RestakingError;
use crate::math::{assets_for_shares, value_of_lst_floor, SafeMath};
use crate::pda::load;
use crate::rate_source::refresh_rate_if_usable;
use crate::reward_streams::settle_stream;
use crate::state::{
    Delegation, OperatorPool, Pool, Position, RewardIndex, TicketKind, UndelegationQueue,
    WithdrawalTicket,
};
use anchor_lang::prelude::*;
use anchor_lang::Discriminator;

#[derive(Accounts)]
pub struct GetPositionValue<'info> {
    /// The position to value (read-only; anyone may ask).
    #[account(has_one = pool @ RestakingError::WrongPool)]
    pub position: Box<Account<'info, Position>>,
    /// The position's pool.
    pub pool: Box<Account<'info, Pool>>,
    /// The pool's rate source account (omit for manual pools); a stale one values the position
    /// at the pool's cached rate.
    /// CHECK: checked by `refresh_rate` (key, owner program, mint, freshness).
    pub rate_source: Option<UncheckedAccount<'info>>,
}

/// The position view: what the position holds and what claiming it now would pay.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct PositionValue {
    /// Rate used (numeraire units per LST unit × 10^18).
    pub rate: u128,
    /// Whether the rate was read fresh from its source now; when not (stale or unusable), the
    /// pool's cached rate values the position and no new base yield is counted (as `claim`
    /// strips none).
    pub rate_fresh: bool,
    /// Program holding a lien over the position, if any.
    pub lien_holder: Option<Pubkey>,
    /// Idle LST after stripping at the rate used.
    pub idle_lst: u64,
    /// Principal of the idle LST, in the numeraire.
    pub idle_principal: u64,
    /// Base yield of the idle leg a `claim` would pay now, in LST.
    pub idle_base_yield: u64,
    /// Base yield every leg (idle and the delegations passed) would pay now, in LST.
    pub pending_base_yield: u64,
    /// LST in the passed delegations' active shares, after harvesting.
    pub delegated_lst: u64,
    /// LST of the passed `Undelegate` tickets (still in their buckets' queues).
    pub queued_lst: u64,
    /// LST of the passed `Withdraw` tickets.
    pub withdrawing_lst: u64,
    /// Everything above in LST: idle + delegated + queued + withdrawing + pending base yield.
    pub total_lst: u64,
    /// `total_lst` valued at the rate used (rounded down), in the numeraire.
    pub total_value: u64,
    /// One entry per delegation passed, in the order passed.
    pub delegations: Vec<DelegationValue>,
}

/// One delegation in the position view.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct DelegationValue {
    /// The operator bucket delegated to.
    pub operator_pool: Pubkey,
    /// Active shares of the bucket this delegation holds.
    pub shares: u64,
    /// LST those shares hold after harvesting (rounded down).
    pub lst: u64,
    /// Principal those shares carry, in the numeraire (rounded down).
    pub principal: u64,
    /// Base yield this delegation's `claim` would pay now, in LST.
    pub base_yield: u64,
    /// Rewards this delegation's `claim` would pay now, per stream in the bucket's slot order
    /// (`OperatorPool.reward_mints`), in each reward mint's base units.
    pub rewards: Vec<u64>,
}

pub fn handler(ctx: Context<GetPositionValue>) -> Result<PositionValue> {
    let clock = Clock::get()?;
    let accounts = &ctx.accounts;
    let mut pool: Pool = (**accounts.pool).clone();
    let mut position: Position = (**accounts.position).clone();
    let position_key = accounts.position.key();

    let source = accounts.rate_source.as_ref().map(|a| a.to_account_info());
    let fresh_rate = refresh_rate_if_usable(&mut pool, source.as_ref(), &clock)?;
    if let Some(rate) = fresh_rate {
        pool.strip_idle(&mut position, rate)?;
    }
    let mut view = PositionValue {
        rate: pool.rate,
        rate_fresh: fresh_rate.is_some(),
        lien_holder: position.has_lien().then_some(position.lien_holder),
        idle_lst: position.idle_lst,
        idle_principal: position.idle_principal,
        idle_base_yield: position.unclaimed_yield,
        pending_base_yield: position.unclaimed_yield,
        ..PositionValue::default()
    };

    let mut buckets: Vec<Pubkey> = Vec::new();
    let mut tickets: Vec<Pubkey> = Vec::new();
    let mut rest = ctx.remaining_accounts;
    while let Some((first, tail)) = rest.split_first() {
        let disc: [u8; 8] = first
            .try_borrow_data()?
            .get(..8)
            .and_then(|d| d.try_into().ok())
            .ok_or(RestakingError::InvalidViewAccount)?;
        if disc == Delegation::DISCRIMINATOR {
            let delegation: Delegation = load(first)?;
            let (bucket_info, tail) = tail
                .split_first()
                .ok_or(RestakingError::MissingRewardIndexes)?;
            let mut bucket: OperatorPool = load(bucket_info)?;
            require_keys_eq!(
                delegation.position,
                position_key,
                RestakingError::WrongDelegation
            );
            require_keys_eq!(
                delegation.operator_pool,
                bucket_info.key(),
                RestakingError::WrongDelegation
            );
            require_keys_eq!(bucket.pool, position.pool, RestakingError::WrongPool);
            require!(
                !buckets.contains(&bucket_info.key()),
                RestakingError::InvalidViewAccount
            );
            let count = usize::from(bucket.reward_mint_count);
            let (index_infos, tail) = tail
                .split_at_checked(count)
                .ok_or(RestakingError::MissingRewardIndexes)?;
            let value = delegation_value(
                &mut pool,
                &mut bucket,
                delegation,
                bucket_info.key(),
                index_infos,
                fresh_rate,
                clock.unix_timestamp,
            )?;
            view.delegated_lst = view.delegated_lst.safe_add(value.lst)?;
            view.pending_base_yield = view.pending_base_yield.safe_add(value.base_yield)?;
            view.delegations.push(value);
            require!(
                view.delegations.len() <= MAX_VIEW_DELEGATIONS,
                RestakingError::ViewTooLarge
            );
            buckets.push(bucket_info.key());
            rest = tail;
        } else if disc == WithdrawalTicket::DISCRIMINATOR {
            let ticket: WithdrawalTicket = load(first)?;
            require_keys_eq!(ticket.position, position_key, RestakingError::WrongTicket);
            require!(
                !tickets.contains(&first.key()),
                RestakingError::InvalidViewAccount
            );
            tickets.push(first.key());
            match ticket.kind {
                TicketKind::Withdraw => {
                    view.withdrawing_lst = view.withdrawing_lst.safe_add(ticket.lst)?;
                }
                TicketKind::Undelegate => {
                    // followed by its bucket's undelegation queue, which values its cohort
                    let (queue_info, after) = tail
                        .split_first()
                        .ok_or(RestakingError::InvalidViewAccount)?;
                    let queue = AccountLoader::<UndelegationQueue>::try_from(queue_info)?;
                    let queue = queue.load()?;
                    require_keys_eq!(
                        queue.operator_pool,
                        ticket.operator_pool,
                        RestakingError::WrongDelegation
                    );
                    let lst = queue.lst_of(ticket.cohort, ticket.shares)?;
                    view.queued_lst = view.queued_lst.safe_add(lst)?;
                    rest = after;
                    continue;
                }
            }
            rest = tail;
        } else {
            return err!(RestakingError::InvalidViewAccount);
        }
    }

    view.total_lst = view
        .idle_lst
        .safe_add(view.delegated_lst)?
        .safe_add(view.queued_lst)?
        .safe_add(view.withdrawing_lst)?
        .safe_add(view.pending_base_yield)?;
    view.total_value = value_of_lst_floor(view.total_lst, view.rate)?;
    Ok(view)
}

/// What one delegation holds and what its `claim` would pay now, computed on copies.
fn delegation_value(
    pool: &mut Pool,
    bucket: &mut OperatorPool,
    mut delegation: Delegation,
    bucket_key: Pubkey,
    index_infos: &[AccountInfo],
    fresh_rate: Option<u128>,
    now: i64,
) -> Result<DelegationValue> {
    if let Some(rate) = fresh_rate {
        pool.harvest_bucket(bucket, rate)?;
    }
    delegation.settle_base(bucket)?;
    let mut rewards = Vec::with_capacity(index_infos.len());
    for (slot, info) in index_infos.iter().enumerate() {
        let mut index: RewardIndex = load(info)?;
        require_keys_eq!(
            index.operator_pool,
            bucket_key,
            RestakingError::RewardStreamMismatch
        );
        require!(
            usize::from(index.slot) == slot,
            RestakingError::RewardStreamMismatch
        );
        index.accrue(now, bucket.total_shares)?;
        rewards.push(settle_stream(&mut delegation, &index)?);
    }
    Ok(DelegationValue {
        operator_pool: bucket_key,
        shares: delegation.shares,
        lst: assets_for_shares(delegation.shares, bucket.total_shares, bucket.total_lst)?,
        principal: assets_for_shares(
            delegation.shares,
            bucket.total_shares,
            bucket.total_principal,
        )?,
        base_yield: delegation.unclaimed_base_yield,
        rewards,
    })
}
