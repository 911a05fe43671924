//! `Pool`: one accepted LST, its vault, its rate source and its totals.
use crate::constants::{
    ADMIN_TIMELOCK_SECS, BPS_DENOMINATOR, COHORT_SECS, MAX_WITHDRAWAL_DELAY_SECS,
};
use crate::error::RestakingError;
use crate::instructions::UpdatePoolArgs;
use crate::math::SafeMath;
use crate::state::{Config, Dust, Moved, OperatorPool, Position, UndelegationQueue};

/// An undelegation: `shares` of a bucket's active shares into cohort `cohort` of its queue;
/// `whole` says they are all the delegation has.
#[derive(Clone, Copy, Debug)]
pub struct Exit {
    pub cohort: u32,
    pub shares: u64,
    pub whole: bool,
}
use anchor_lang::prelude::*;

/// Where a pool's rate comes from (SPEC §3).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, PartialEq, Eq, InitSpace, Debug)]
pub enum RateSource {
    /// An SPL stake-pool account; rate = `total_lamports / pool_token_supply`.
    SplStakePool {
        /// The stake-pool account (owned by the SPL stake-pool program).
        stake_pool: Pubkey,
    },
    /// The Marinade state account; rate = `msol_price / 2^32`.
    Marinade {
        /// Marinade's state account (owned by the Marinade program).
        state: Pubkey,
    },
    /// Pushed by `updater` with `push_rate`, each push moving it by at most `max_change_bps`,
    /// unusable once older than `max_age_secs`.
    Manual {
        /// Key that may call `push_rate`.
        updater: Pubkey,
        /// Largest move of one push against the last rate, in basis points.
        max_change_bps: u16,
        /// Seconds after a push from which the rate is stale and unusable.
        max_age_secs: u32,
    },
}

impl RateSource {
    /// Checks the source's own parameters (manual sources: a real updater, a non-zero
    /// maximum change of at most 100 %, a non-zero maximum age).
    pub fn validate(&self) -> Result<()> {
        match self {
            RateSource::SplStakePool { stake_pool: key } | RateSource::Marinade { state: key } => {
                require_keys_neq!(*key, Pubkey::default(), RestakingError::InvalidAddress);
            }
            RateSource::Manual {
                updater,
                max_change_bps,
                max_age_secs,
            } => {
                require_keys_neq!(*updater, Pubkey::default(), RestakingError::InvalidAddress);
                require!(
                    *max_change_bps > 0 && *max_change_bps <= BPS_DENOMINATOR,
                    RestakingError::InvalidBps
                );
                require!(*max_age_secs > 0, RestakingError::StaleRate);
            }
        }
        Ok(())
    }

    /// The account an instruction must pass to refresh the rate, if any.
    pub fn account(&self) -> Option<Pubkey> {
        match self {
            RateSource::SplStakePool { stake_pool } => Some(*stake_pool),
            RateSource::Marinade { state } => Some(*state),
            RateSource::Manual { .. } => None,
        }
    }
}

/// One accepted LST. PDA `["pool", lst_mint]`.
///
/// Totals, in LST base units unless named `_value`/`_principal` (numeraire base units):
/// the vault holds `total_idle_lst + total_ticket_lst + total_bucket_lst + total_queued_lst +
/// total_unclaimed_yield` plus rounding dust and whatever was donated to it.
#[account]
#[derive(InitSpace, Debug)]
pub struct Pool {
    /// Mint of the accepted LST (seed of the pool's PDA).
    pub lst_mint: Pubkey,
    /// Token account `["pool_vault", pool]` holding every deposited LST.
    pub vault: Pubkey,
    /// Owner program of `lst_mint` (SPL Token or Token-2022).
    pub token_program: Pubkey,
    /// Where the rate comes from; set by the admin.
    pub rate_source: RateSource,
    /// Last rate read or pushed, numeraire units per LST unit × 10^18.
    pub rate: u128,
    /// Unix time of the last read or push of `rate`.
    pub rate_updated_ts: i64,
    /// Most principal value the pool accepts in total (deposits beyond fail).
    pub deposit_cap_value: u64,
    /// Seconds between a withdrawal request and its completion.
    pub withdrawal_delay_secs: i64,
    /// Σ idle LST of all positions.
    pub total_idle_lst: u64,
    /// Σ principal value of every holding (idle, buckets, tickets): what the cap bounds.
    pub total_principal: u64,
    /// Σ LST in open `Withdraw` tickets.
    pub total_ticket_lst: u64,
    /// Σ active LST of the operator buckets.
    pub total_bucket_lst: u64,
    /// Σ LST queued in `Undelegate` tickets (still in the buckets, still slashable).
    pub total_queued_lst: u64,
    /// Σ stripped base yield not yet claimed.
    pub total_unclaimed_yield: u64,
    /// Lifetime counter: LST received by `deposit`.
    pub total_deposited_lst: u64,
    /// Lifetime counter: LST paid out by `complete_withdrawal`.
    pub total_withdrawn_lst: u64,
    /// Lifetime counter: base yield paid by `claim`, in LST.
    pub total_yield_paid_lst: u64,
    /// Open positions.
    pub position_count: u64,
    /// Decimals of `lst_mint`.
    pub lst_decimals: u8,
    /// Bump of this account's PDA.
    pub bump: u8,
    /// Bump of the vault's PDA `["pool_vault", pool]`.
    pub vault_bump: u8,
    /// Layout version (`ACCOUNT_VERSION`) the account was written with.
    pub version: u8,
    /// Which `pending_*` fields hold a proposed change (`Pool::PENDING_*` bits).
    pub pending_mask: u8,
    /// Proposed (longer) withdrawal delay, in seconds.
    pub pending_withdrawal_delay_secs: i64,
    /// Proposed rate-source parameters (meaningful only with `PENDING_RATE_SOURCE`).
    pub pending_rate_source: RateSource,
    /// Unix time from which `apply_pool_update` may apply the pending changes.
    pub pending_effective_ts: i64,
    /// Zeroed space for future fields, so they need no realloc.
    pub reserved: [u8; 8],
}

impl Pool {
    /// Account size: discriminator + fields (reserved bytes included).
    pub const SPACE: usize = Self::DISCRIMINATOR.len() + Self::INIT_SPACE;
    pub const SEED: &'static [u8] = b"pool";
    pub const VAULT_SEED: &'static [u8] = b"pool_vault";

    /// Checks a withdrawal delay against the config: at least the configured minimum and one
    /// cohort width ([`COHORT_SECS`]: a ticket opened while a request is pending then always
    /// unlocks in a cohort the request cuts, so undelegating never escapes it), at most
    /// [`MAX_WITHDRAWAL_DELAY_SECS`], and longer than the slash veto window.
    pub fn validate_withdrawal_delay(config: &Config, delay_secs: i64) -> Result<()> {
        require!(
            delay_secs >= config.min_withdrawal_delay_secs
                && (COHORT_SECS..=MAX_WITHDRAWAL_DELAY_SECS).contains(&delay_secs),
            RestakingError::InvalidWithdrawalDelay
        );
        require!(
            delay_secs > config.slash_veto_secs,
            RestakingError::VetoWindowTooLong
        );
        Ok(())
    }

    pub const PENDING_WITHDRAWAL_DELAY: u8 = 1;
    pub const PENDING_RATE_SOURCE: u8 = 2;

    /// Applies `args` like [`Config::update`]: the cap and a shorter delay at once; a longer
    /// delay or new rate-source parameters proposed, effective `ADMIN_TIMELOCK_SECS` after
    /// `now`. The kind of rate source never changes. Returns whether anything was proposed.
    pub fn update(&mut self, config: &Config, args: &UpdatePoolArgs, now: i64) -> Result<bool> {
        let mut proposed = false;
        if let Some(cap) = args.deposit_cap_value {
            self.deposit_cap_value = cap;
        }
        if let Some(delay) = args.withdrawal_delay_secs {
            Self::validate_withdrawal_delay(config, delay)?;
            if delay <= self.withdrawal_delay_secs {
                self.withdrawal_delay_secs = delay;
                self.pending_mask &= !Self::PENDING_WITHDRAWAL_DELAY;
            } else {
                self.pending_withdrawal_delay_secs = delay;
                self.pending_mask |= Self::PENDING_WITHDRAWAL_DELAY;
                proposed = true;
            }
        }
        if let Some(source) = args.rate_source {
            let both_manual = matches!(
                (self.rate_source, source),
                (RateSource::Manual { .. }, RateSource::Manual { .. })
            );
            require!(both_manual, RestakingError::RateSourceImmutable);
            source.validate()?;
            if source == self.rate_source {
                self.pending_mask &= !Self::PENDING_RATE_SOURCE;
            } else {
                self.pending_rate_source = source;
                self.pending_mask |= Self::PENDING_RATE_SOURCE;
                proposed = true;
            }
        }
        if proposed {
            self.pending_effective_ts = now
                .checked_add(ADMIN_TIMELOCK_SECS)
                .ok_or(RestakingError::MathOverflow)?;
        }
        if self.pending_mask == 0 {
            self.pending_effective_ts = 0;
        }
        Ok(proposed)
    }

    /// Applies the pending changes once their time has come (the delay checked again against
    /// the config as it is now).
    pub fn apply_pending(&mut self, config: &Config, now: i64) -> Result<()> {
        require!(self.pending_mask != 0, RestakingError::NothingPending);
        require!(
            now >= self.pending_effective_ts,
            RestakingError::TimelockNotElapsed
        );
        if self.pending_mask & Self::PENDING_WITHDRAWAL_DELAY != 0 {
            Self::validate_withdrawal_delay(config, self.pending_withdrawal_delay_secs)?;
            self.withdrawal_delay_secs = self.pending_withdrawal_delay_secs;
        }
        if self.pending_mask & Self::PENDING_RATE_SOURCE != 0 {
            self.rate_source = self.pending_rate_source;
        }
        self.pending_mask = 0;
        self.pending_withdrawal_delay_secs = 0;
        self.pending_rate_source = self.rate_source;
        self.pending_effective_ts = 0;
        Ok(())
    }

    pub fn signer_seeds(&self) -> [&[u8]; 3] {
        [
            Self::SEED,
            self.lst_mint.as_ref(),
            core::slice::from_ref(&self.bump),
        ]
    }

    /// Harvests `bucket` at `rate` and moves the pool totals with it; returns the LST stripped.
    pub fn harvest_bucket(&mut self, bucket: &mut OperatorPool, rate: u128) -> Result<u64> {
        let stripped = bucket.harvest(rate)?;
        self.total_bucket_lst = self.total_bucket_lst.safe_sub(stripped)?;
        self.total_unclaimed_yield = self.total_unclaimed_yield.safe_add(stripped)?;
        Ok(stripped)
    }

    /// Moves `lst` of `position`'s idle LST into `bucket`'s active shares (SPEC §3
    /// "Delegation"); returns what the bucket minted. Fails with `InsufficientIdle` if the
    /// position has less idle LST: one LST unit is never in two places.
    pub fn move_idle_to_bucket(
        &mut self,
        position: &mut Position,
        bucket: &mut OperatorPool,
        lst: u64,
        rate: u128,
    ) -> Result<Moved> {
        let idle_principal = position.remove_idle(lst)?;
        self.forfeit_active_dust(bucket)?;
        let moved = bucket.add_active(lst, idle_principal, rate)?;
        require!(moved.shares > 0, RestakingError::ZeroShares);
        // A share backed by no principal would be stripped to nothing at the next harvest and
        // leave the bucket with shares but no LST (`BucketDepleted`): refuse worthless LST.
        require!(moved.principal > 0, RestakingError::ZeroValue);
        // the bucket keeps what the shares stand for; a fraction's dust stays in the vault as
        // surplus, owed to nobody
        self.total_idle_lst = self.total_idle_lst.safe_sub(lst)?;
        self.total_bucket_lst = self.total_bucket_lst.safe_add(moved.lst)?;
        self.total_principal = self
            .total_principal
            .safe_sub(idle_principal)?
            .safe_add(moved.principal)?;
        Ok(moved)
    }

    /// Moves `exit.shares` of `bucket`'s active shares into cohort `exit.cohort` of its queue;
    /// returns what left the active shares and the cohort shares minted for the ticket. With
    /// `exit.whole` (all the delegation has) shares worth no LST may still leave (their ticket
    /// queues nothing), so a dust delegation can always be closed.
    pub fn move_bucket_to_queue(
        &mut self,
        bucket: &mut OperatorPool,
        queue: &mut UndelegationQueue,
        exit: Exit,
    ) -> Result<(Moved, u64)> {
        let Exit {
            cohort,
            shares,
            whole,
        } = exit;
        let emptied = bucket.total_lst == 0;
        let (out, dust) = bucket.remove_active(shares)?;
        // the dust of the leaver's fraction stays in the vault as surplus, owed to nobody
        self.total_bucket_lst = self.total_bucket_lst.safe_sub(out.lst)?.safe_sub(dust)?;
        if out.lst == 0 {
            // Shares worth nothing (a slash emptied the bucket, or a dust delegation) still
            // leave as a whole, so the delegation can close: their ticket queues nothing and
            // what principal they carried goes with them. A part too small to redeem is refused.
            require!(whole || emptied, RestakingError::ZeroShares);
            self.total_principal = self.total_principal.safe_sub(out.principal)?;
            return Ok((out, 0));
        }
        let (queue_shares, queued, dropped) = queue.enqueue(cohort, out.lst, out.principal)?;
        require!(queue_shares > 0, RestakingError::ZeroShares);
        self.drop_queue_dust(bucket, dropped)?;
        // the cohort keeps what the ticket's shares stand for; a fraction's dust stays in the
        // vault as surplus, owed to nobody
        bucket.queued_shares = bucket.queued_shares.safe_add(queue_shares)?;
        bucket.queued_lst = bucket.queued_lst.safe_add(queued)?;
        bucket.queued_principal = bucket.queued_principal.safe_add(out.principal)?;
        self.total_queued_lst = self.total_queued_lst.safe_add(queued)?;
        Ok((Moved { lst: queued, ..out }, queue_shares))
    }

    /// Rounding dust an emptied cohort left behind belongs to no ticket: drop it from the
    /// totals (the LST stays in the vault as surplus).
    fn drop_queue_dust(&mut self, bucket: &mut OperatorPool, dust: Dust) -> Result<()> {
        bucket.queued_lst = bucket.queued_lst.safe_sub(dust.lst)?;
        bucket.queued_principal = bucket.queued_principal.safe_sub(dust.principal)?;
        self.total_queued_lst = self.total_queued_lst.safe_sub(dust.lst)?;
        self.total_principal = self.total_principal.safe_sub(dust.principal)?;
        Ok(())
    }

    /// Takes `queue_shares` of cohort `cohort` out of `bucket`'s queue (totals included).
    pub fn take_from_queue(
        &mut self,
        bucket: &mut OperatorPool,
        queue: &mut UndelegationQueue,
        cohort: u32,
        queue_shares: u64,
    ) -> Result<Moved> {
        let (back, dust) = queue.dequeue(cohort, queue_shares)?;
        // the dust of the ticket's fraction stays in the vault as surplus, owed to nobody
        let taken = back.lst.safe_add(dust)?;
        bucket.queued_shares = bucket.queued_shares.safe_sub(back.shares)?;
        bucket.queued_lst = bucket.queued_lst.safe_sub(taken)?;
        bucket.queued_principal = bucket.queued_principal.safe_sub(back.principal)?;
        self.total_queued_lst = self.total_queued_lst.safe_sub(taken)?;
        Ok(back)
    }

    /// Releases what `take_from_queue` took into `position`'s idle holding.
    pub fn queue_to_idle(&mut self, position: &mut Position, back: Moved) -> Result<()> {
        position.add_idle(back.lst, back.principal)?;
        self.total_idle_lst = self.total_idle_lst.safe_add(back.lst)?;
        Ok(())
    }

    /// Returns what `take_from_queue` took to `bucket`'s active shares (a cancelled
    /// undelegation); returns what the bucket minted.
    pub fn queue_to_bucket(
        &mut self,
        bucket: &mut OperatorPool,
        back: Moved,
        rate: u128,
    ) -> Result<Moved> {
        self.forfeit_active_dust(bucket)?;
        let moved = bucket.add_active(back.lst, back.principal, rate)?;
        require!(moved.shares > 0, RestakingError::ZeroShares);
        require!(moved.principal > 0, RestakingError::ZeroValue);
        self.total_bucket_lst = self.total_bucket_lst.safe_add(moved.lst)?;
        self.total_principal = self
            .total_principal
            .safe_sub(back.principal)?
            .safe_add(moved.principal)?;
        Ok(moved)
    }

    /// Cuts `bucket`'s active LST and principal by `bps` and moves the pool totals with them;
    /// returns the LST seized.
    pub fn slash_active(&mut self, bucket: &mut OperatorPool, bps: u16) -> Result<u64> {
        let (active, active_principal) = bucket.slash_active(bps)?;
        self.total_bucket_lst = self.total_bucket_lst.safe_sub(active)?;
        self.total_principal = self.total_principal.safe_sub(active_principal)?;
        Ok(active)
    }

    /// Cuts the cohorts of `bucket`'s queue from `cut_key` on by `bps` and moves the pool
    /// totals with them; returns the LST seized.
    pub fn slash_queue(
        &mut self,
        bucket: &mut OperatorPool,
        queue: &mut UndelegationQueue,
        cut_key: u32,
        bps: u16,
    ) -> Result<u64> {
        let queued = queue.slash_from(cut_key, bps)?;
        bucket.queued_lst = bucket.queued_lst.safe_sub(queued.lst)?;
        bucket.queued_principal = bucket.queued_principal.safe_sub(queued.principal)?;
        self.total_queued_lst = self.total_queued_lst.safe_sub(queued.lst)?;
        self.total_principal = self.total_principal.safe_sub(queued.principal)?;
        Ok(queued.lst)
    }

    /// An empty bucket's leftover rounding dust belongs to no share: drop it from the totals
    /// (the LST stays in the vault as surplus) before the bucket mints again.
    fn forfeit_active_dust(&mut self, bucket: &OperatorPool) -> Result<()> {
        if bucket.total_shares == 0 {
            self.total_bucket_lst = self.total_bucket_lst.safe_sub(bucket.total_lst)?;
            self.total_principal = self.total_principal.safe_sub(bucket.total_principal)?;
        }
        Ok(())
    }

    /// LST the vault must hold for the pool's obligations (SPEC invariant 1).
    pub fn obligations(&self) -> Result<u64> {
        self.total_idle_lst
            .safe_add(self.total_ticket_lst)?
            .safe_add(self.total_bucket_lst)?
            .safe_add(self.total_queued_lst)?
            .safe_add(self.total_unclaimed_yield)
    }

    /// Strips `position`'s idle base yield at `rate` into its claimable yield and moves the
    /// pool totals with it. Returns the LST stripped.
    pub fn strip_idle(&mut self, position: &mut Position, rate: u128) -> Result<u64> {
        let stripped = position.strip_idle(rate)?;
        self.total_idle_lst = self.total_idle_lst.safe_sub(stripped)?;
        self.total_unclaimed_yield = self.total_unclaimed_yield.safe_add(stripped)?;
        Ok(stripped)
    }
}
