//! `harvest`: permissionless base-yield strip at the fresh rate, of a position's idle holding,
//! of an operator bucket (into its base-yield index), or both. The yield stays in the vault,
//! reserved for its owners, until `claim`. No user flow needs it: every instruction that moves
//! a holding strips it first; it exists so anyone can bring indices up to date.
use crate::error::RestakingError;
use crate::events::{BaseYieldStrippedEvent, BucketHarvestedEvent};
use crate::rate_source::refresh_rate;
use crate::state::{OperatorPool, Pool, Position};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct Harvest<'info> {
    /// The pool whose rate is refreshed.
    #[account(mut, dup)]
    pub pool: Account<'info, Pool>,
    /// A position whose idle LST to strip (optional).
    #[account(mut, dup, has_one = pool @ RestakingError::WrongPool)]
    pub position: Option<Account<'info, Position>>,
    /// The pool's rate-source account (omit for manual pools).
    /// CHECK: key, owner program and layout are checked by `refresh_rate`.
    pub rate_source: Option<UncheckedAccount<'info>>,
    /// A bucket of the pool to harvest (optional).
    #[account(mut, dup, has_one = pool @ RestakingError::WrongPool)]
    pub operator_pool: Option<Account<'info, OperatorPool>>,
}

pub fn handler(ctx: Context<Harvest>) -> Result<()> {
    let clock = Clock::get()?;
    let accounts = &mut *ctx.accounts;
    let pool = &mut accounts.pool;
    let source = accounts.rate_source.as_ref().map(|a| a.to_account_info());
    let rate = refresh_rate(pool, source.as_ref(), &clock)?;

    let mut position_event = None;
    let mut bucket_event = None;
    if let Some(position) = accounts.position.as_mut() {
        let stripped = pool.strip_idle(position, rate)?;
        position_event = Some(BaseYieldStrippedEvent {
            pool: pool.key(),
            position: position.key(),
            rate,
            stripped_lst: stripped,
            position_idle_lst: position.idle_lst,
            position_unclaimed_yield: position.unclaimed_yield,
        });
    }
    if let Some(bucket) = accounts.operator_pool.as_mut() {
        let stripped = pool.harvest_bucket(bucket, rate)?;
        bucket_event = Some(BucketHarvestedEvent {
            pool: pool.key(),
            operator_pool: bucket.key(),
            rate,
            stripped_lst: stripped,
            base_acc_per_share: bucket.base_acc_per_share,
            bucket_total_lst: bucket.total_lst,
        });
    }
    if let Some(event) = position_event {
        emit_cpi!(event);
    }
    if let Some(event) = bucket_event {
        emit_cpi!(event);
    }
    Ok(())
}
