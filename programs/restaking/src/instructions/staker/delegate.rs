//! `delegate(amount)`: moves `amount` of the position's idle LST into an operator's bucket,
//! minting bucket shares at its current LST per share. Creates the position's single
//! `Delegation` record for that bucket on first use.
//!
//! Remaining accounts: every `RewardIndex` of the bucket, in slot order (see
//! [`crate::reward_streams`]).
use crate::constants::{ACCOUNT_VERSION, MAX_REWARD_MINTS, PAUSE_DELEGATIONS};
use crate::error::RestakingError;
use crate::events::DelegateEvent;
use crate::math::SafeMath;
use crate::rate_source::refresh_rate;
use crate::reward_streams::{load_indexes, settle_all};
use crate::state::{Config, Delegation, Operator, OperatorPool, Pool, Position};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct Delegate<'info> {
    /// Position owner; pays the delegation record's rent on first use.
    #[account(mut)]
    pub owner: Signer<'info>,
    pub config: Box<Account<'info, Config>>,
    #[account(mut)]
    pub pool: Box<Account<'info, Pool>>,
    #[account(
        mut,
        has_one = owner @ RestakingError::NotPositionOwner,
        has_one = pool @ RestakingError::WrongPool,
    )]
    pub position: Box<Account<'info, Position>>,
    pub operator: Box<Account<'info, Operator>>,
    #[account(
        mut,
        has_one = pool @ RestakingError::WrongPool,
        has_one = operator @ RestakingError::WrongDelegation,
    )]
    pub operator_pool: Box<Account<'info, OperatorPool>>,
    #[account(
        init_if_needed,
        payer = owner,
        space = Delegation::SPACE,
        seeds = [Delegation::SEED, position.key().as_ref(), operator_pool.key().as_ref()],
        bump,
    )]
    pub delegation: Box<Account<'info, Delegation>>,
    /// CHECK: the pool's rate source account (omit for manual pools); checked by `refresh_rate`.
    pub rate_source: Option<UncheckedAccount<'info>>,
    pub system_program: Program<'info, System>,
}

impl Delegate<'_> {
    fn validate(&self, amount: u64) -> Result<()> {
        require!(amount > 0, RestakingError::ZeroAmount);
        require!(
            !self.config.is_paused(PAUSE_DELEGATIONS),
            RestakingError::DelegationsPaused
        );
        require!(self.operator.active, RestakingError::OperatorInactive);
        require!(
            !self.operator_pool.has_pending_slash(),
            RestakingError::SlashPending
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(amount))]
pub fn handler(ctx: Context<Delegate>, amount: u64) -> Result<()> {
    let clock = Clock::get()?;
    let accounts = &mut *ctx.accounts;
    let pool = &mut accounts.pool;
    let position = &mut accounts.position;
    let bucket = &mut accounts.operator_pool;
    let delegation = &mut accounts.delegation;

    let source = accounts.rate_source.as_ref().map(|a| a.to_account_info());
    let rate = refresh_rate(pool, source.as_ref(), &clock)?;
    pool.strip_idle(position, rate)?;
    pool.harvest_bucket(bucket, rate)?;
    let indexes = load_indexes(bucket, &bucket.key(), ctx.remaining_accounts)?;

    if delegation.position == Pubkey::default() {
        let mut reward_checkpoints = [0u128; MAX_REWARD_MINTS];
        for (checkpoint, index) in reward_checkpoints.iter_mut().zip(indexes.iter()) {
            *checkpoint = index.acc_per_share;
        }
        delegation.set_inner(Delegation {
            position: position.key(),
            operator_pool: bucket.key(),
            shares: 0,
            base_acc_checkpoint: bucket.base_acc_per_share,
            unclaimed_base_yield: 0,
            reward_checkpoints,
            reward_owed: [0; MAX_REWARD_MINTS],
            open_undelegations: 0,
            bump: ctx.bumps.delegation,
            version: ACCOUNT_VERSION,
            reserved: [0; 16],
        });
        position.open_delegations = position
            .open_delegations
            .checked_add(1)
            .ok_or(RestakingError::MathOverflow)?;
        bucket.delegation_count = bucket.delegation_count.safe_add(1)?;
    } else {
        settle_all(delegation, bucket, &indexes)?;
    }

    let moved = pool.move_idle_to_bucket(position, bucket, amount)?;
    delegation.shares = delegation.shares.safe_add(moved.shares)?;

    let event = DelegateEvent {
        pool: pool.key(),
        position: position.key(),
        operator_pool: bucket.key(),
        delegation: delegation.key(),
        lst: amount,
        shares: moved.shares,
        principal: moved.principal,
        delegation_shares: delegation.shares,
        position_idle_lst: position.idle_lst,
        bucket_total_shares: bucket.total_shares,
        bucket_total_lst: bucket.total_lst,
    };
    emit_cpi!(event);
    Ok(())
}
