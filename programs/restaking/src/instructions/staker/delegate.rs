//! `delegate(amount)`: moves `amount` of the position's idle LST into an operator's bucket,
//! minting bucket shares at its current LST per share. Creates the position's single
//! `Delegation` record for that bucket on first use.
//!
//! Remaining accounts: every `RewardIndex` of the bucket, in slot order (see
//! [`crate::reward_streams`]).
use crate::constants::{ACCOUNT_VERSION, MAX_REWARD_MINTS, PAUSE_DELEGATIONS};
use crate::error::RestakingError;
use crate::events::DelegateEvent;
use crate::instructions::staker::request_withdrawal::co_signer;
use crate::math::SafeMath;
use crate::pda::{create_account, load, store};
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
    /// The lien holder's co-signature, required while the position has a lien (SPEC §6).
    pub lien_holder: Option<Signer<'info>>,
    /// The program config (pause flags).
    pub config: Box<Account<'info, Config>>,
    /// The pool (`["pool", lst_mint]`).
    #[account(mut, dup)]
    pub pool: Box<Account<'info, Pool>>,
    /// The staker's position (`["position", pool, owner]`).
    #[account(
        mut, dup,
        has_one = owner @ RestakingError::NotPositionOwner,
        has_one = pool @ RestakingError::WrongPool,
    )]
    pub position: Box<Account<'info, Position>>,
    /// The bucket's operator; must be active.
    pub operator: Box<Account<'info, Operator>>,
    /// The bucket delegated to.
    #[account(
        mut, dup,
        has_one = pool @ RestakingError::WrongPool,
        has_one = operator @ RestakingError::WrongDelegation,
    )]
    pub operator_pool: Box<Account<'info, OperatorPool>>,
    /// The position's delegation record for this bucket, PDA
    /// `["delegation", position, operator_pool]`. On first use its address is derived and
    /// checked, and it is created with `pda::create_account` and written once, with its first
    /// shares. Afterwards it is loaded as a `Delegation` (owner and discriminator checked)
    /// whose `position` and `operator_pool` must be these: this program creates a `Delegation`
    /// only at that PDA, so the record is the PDA without paying ~1,500 CU a try to derive it
    /// again.
    /// CHECK: address derived or record loaded and matched, as described above.
    #[account(mut)]
    pub delegation: UncheckedAccount<'info>,
    /// The pool's rate-source account (omit for manual pools).
    /// CHECK: key, owner program and layout are checked by `refresh_rate`.
    pub rate_source: Option<UncheckedAccount<'info>>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

impl Delegate<'_> {
    fn validate(&self, amount: u64) -> Result<()> {
        require!(amount > 0, RestakingError::ZeroAmount);
        self.position
            .require_lien_consent(co_signer(&self.lien_holder).as_ref())?;
        require!(
            !self.config.is_paused(PAUSE_DELEGATIONS),
            RestakingError::DelegationsPaused
        );
        require!(self.operator.active, RestakingError::OperatorInactive);
        require!(
            !self
                .operator_pool
                .has_pending_slash(Clock::get()?.unix_timestamp),
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
    let delegation_info = accounts.delegation.to_account_info();
    let position_key = position.key();
    let bucket_key = bucket.key();

    let source = accounts.rate_source.as_ref().map(|a| a.to_account_info());
    let rate = refresh_rate(pool, source.as_ref(), &clock)?;
    pool.strip_idle(position, rate)?;
    pool.harvest_bucket(bucket, rate)?;
    let indexes = load_indexes(
        bucket,
        &bucket_key,
        ctx.remaining_accounts,
        clock.unix_timestamp,
    )?;

    // A new record is created empty and written once, below, with its first shares; an
    // existing one is loaded, matched and settled.
    let mut delegation = if *delegation_info.owner != crate::ID {
        let (address, bump) = Pubkey::find_program_address(
            &[Delegation::SEED, position_key.as_ref(), bucket_key.as_ref()],
            &crate::ID,
        );
        require_keys_eq!(
            delegation_info.key(),
            address,
            RestakingError::WrongDelegation
        );
        create_account(
            &accounts.owner.to_account_info(),
            &delegation_info,
            &accounts.system_program.to_account_info(),
            &crate::ID,
            Delegation::SPACE,
            &[
                Delegation::SEED,
                position_key.as_ref(),
                bucket_key.as_ref(),
                &[bump],
            ],
        )?;
        position.open_delegations = position
            .open_delegations
            .checked_add(1)
            .ok_or(RestakingError::MathOverflow)?;
        bucket.delegation_count = bucket.delegation_count.safe_add(1)?;
        let mut reward_checkpoints = [0u128; MAX_REWARD_MINTS];
        for (checkpoint, index) in reward_checkpoints.iter_mut().zip(indexes.iter()) {
            *checkpoint = index.acc_per_share;
        }
        Delegation {
            position: position_key,
            operator_pool: bucket_key,
            shares: 0,
            base_acc_checkpoint: bucket.base_acc_per_share,
            unclaimed_base_yield: 0,
            reward_checkpoints,
            reward_owed: [0; MAX_REWARD_MINTS],
            open_undelegations: 0,
            bump,
            version: ACCOUNT_VERSION,
            reserved: [0; 16],
        }
    } else {
        let mut delegation: Delegation = load(&delegation_info)?;
        require_keys_eq!(
            delegation.position,
            position_key,
            RestakingError::WrongDelegation
        );
        require_keys_eq!(
            delegation.operator_pool,
            bucket_key,
            RestakingError::WrongDelegation
        );
        settle_all(&mut delegation, bucket, &indexes)?;
        delegation
    };

    let moved = pool.move_idle_to_bucket(position, bucket, amount, rate)?;
    delegation.shares = delegation.shares.safe_add(moved.shares)?;
    store(&delegation_info, &delegation)?;

    let event = DelegateEvent {
        pool: pool.key(),
        position: position_key,
        operator_pool: bucket_key,
        delegation: delegation_info.key(),
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
