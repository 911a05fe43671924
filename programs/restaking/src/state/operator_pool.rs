//! `OperatorPool`: an operator's stake bucket in one pool, and its share arithmetic.
use crate::constants::{MAX_REWARD_MINTS, PENDING_SLASH_SLOTS};
use crate::error::RestakingError;
use crate::math::{
    assets_entering, assets_for_shares, assets_leaving, bps_cut, index_increment, strippable_yield,
    value_of_lst_floor, SafeMath, BASE_ACC_SCALE,
};
use anchor_lang::prelude::*;

/// The operator's bucket in one pool. PDA `["operator_pool", operator, pool]`.
///
/// Active shares hold `total_lst` LST backing `total_principal` value; every active share holds
/// the same LST and principal. Harvesting strips the LST above the principal into the
/// base-yield index. Undelegating moves shares into the bucket's `UndelegationQueue` (cohorts
/// by unlock day; `queued_*` are its totals), which earns nothing but stays slashable until
/// its tickets mature.
///
/// Bucket LST only moves through delegate / undelegate / harvest / slash, never by a token
/// transfer, so the LST-per-share ratio starts at 1 and only falls (harvest, slash) or creeps up
/// by the rounding of a mint: a donation-based first-depositor attack has no way in.
#[account]
#[derive(InitSpace, Debug)]
pub struct OperatorPool {
    /// The operator owning the bucket.
    pub operator: Pubkey,
    /// The pool whose LST the bucket holds.
    pub pool: Pubkey,
    /// Active shares (delegations' `shares` sum to it).
    pub total_shares: u64,
    /// LST backing the active shares.
    pub total_lst: u64,
    /// Principal value of `total_lst`, in numeraire base units.
    pub total_principal: u64,
    /// Stripped base yield per active share, LST × [`BASE_ACC_SCALE`] (10^18). Only grows.
    pub base_acc_per_share: u128,
    /// Stripped base yield not yet paid to delegations.
    pub unclaimed_base_yield: u64,
    /// Σ over the queue's cohorts of their shares, LST and principal (the `Undelegate`
    /// tickets still in the bucket). Cohort shares are per cohort: `queued_shares` is a count.
    pub queued_shares: u64,
    /// LST of those tickets (still in the bucket, still slashable).
    pub queued_lst: u64,
    /// Principal value of `queued_lst`, in numeraire base units.
    pub queued_principal: u64,
    /// Reward mints of the bucket's streams, in slot order; `reward_mint_count` are in use.
    pub reward_mints: [Pubkey; MAX_REWARD_MINTS],
    /// Streams in use: the first `reward_mint_count` slots of `reward_mints`.
    pub reward_mint_count: u8,
    /// Live slash requests (not executed, vetoed or expired), grouped by the first cohort they
    /// cut: a ring of [`PendingSlashes`] indexed by `cut_key % PENDING_SLASH_SLOTS`, each slot
    /// 16 bytes (`cut_key` u32, `count` u16, 2 zero bytes, `expires_ts` i64, little-endian;
    /// bytes rather than a typed array: Borsh copies them at once, ~700 CU less for every
    /// instruction that loads the bucket). While one is live the bucket takes no delegations,
    /// and tickets of the cohorts it cuts wait for it.
    pub pending: [u8; PENDING_BYTES],
    /// Nonce of the next slash request (its seed).
    pub slash_nonce: u64,
    /// Open `Delegation` accounts of the bucket.
    pub delegation_count: u64,
    /// Bump of this account's PDA.
    pub bump: u8,
    /// Layout version (`ACCOUNT_VERSION`) the account was written with.
    pub version: u8,
    /// Zeroed space for future fields, so they need no realloc.
    pub reserved: [u8; 64],
}

/// Bytes of `OperatorPool::pending`.
pub const PENDING_BYTES: usize = PENDING_SLASH_SLOTS * 16;

/// Live slash requests of a bucket that cut from the same cohort on (one slot of
/// `OperatorPool::pending`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PendingSlashes {
    /// First cohort these requests cut (`math::cut_key` of their request time).
    pub cut_key: u32,
    /// Requests not yet executed or vetoed.
    pub count: u16,
    /// When the last of them expires; after it they hold nothing even if never closed.
    pub expires_ts: i64,
}

impl PendingSlashes {
    pub fn is_live(&self, now: i64) -> bool {
        self.count > 0 && now < self.expires_ts
    }

    fn read(b: &[u8; 16]) -> Self {
        let [k0, k1, k2, k3, c0, c1, _, _, e0, e1, e2, e3, e4, e5, e6, e7] = *b;
        Self {
            cut_key: u32::from_le_bytes([k0, k1, k2, k3]),
            count: u16::from_le_bytes([c0, c1]),
            expires_ts: i64::from_le_bytes([e0, e1, e2, e3, e4, e5, e6, e7]),
        }
    }

    fn write(&self, b: &mut [u8; 16]) {
        let [k0, k1, k2, k3] = self.cut_key.to_le_bytes();
        let [c0, c1] = self.count.to_le_bytes();
        let [e0, e1, e2, e3, e4, e5, e6, e7] = self.expires_ts.to_le_bytes();
        *b = [k0, k1, k2, k3, c0, c1, 0, 0, e0, e1, e2, e3, e4, e5, e6, e7];
    }
}

/// What a share change moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moved {
    pub shares: u64,
    pub lst: u64,
    pub principal: u64,
}

impl OperatorPool {
    pub const SEED: &'static [u8] = b"operator_pool";
    /// Account size: discriminator + fields (reserved bytes included).
    pub const SPACE: usize = Self::DISCRIMINATOR.len() + Self::INIT_SPACE;

    /// Strips the bucket's base yield at `rate` into its index; returns the LST stripped.
    pub fn harvest(&mut self, rate: u128) -> Result<u64> {
        if self.total_shares == 0 {
            return Ok(0);
        }
        let y = strippable_yield(self.total_lst, self.total_principal, rate)?;
        let inc = index_increment(y, self.total_shares, BASE_ACC_SCALE)?;
        if inc == 0 {
            // Too little to move the index: leave it in the bucket for a later harvest.
            return Ok(0);
        }
        self.total_lst = self.total_lst.safe_sub(y)?;
        self.unclaimed_base_yield = self.unclaimed_base_yield.safe_add(y)?;
        self.base_acc_per_share = self.base_acc_per_share.safe_add(inc)?;
        Ok(y)
    }

    /// Adds `lst` to the active shares at `rate`; returns what was minted and kept (`Moved::lst`:
    /// the LST the shares stand for, see [`assets_entering`]; the rest of `lst`, under a unit
    /// per unit of the bucket's LST per share, is dust the caller drops from the pool totals).
    ///
    /// The principal credited keeps every share's principal-per-LST equal and fair to both
    /// sides: in an empty bucket, the LST's own principal; otherwise the larger of the bucket's
    /// own principal per LST (rounded up: a bucket in loss does not let a newcomer's gains
    /// refill it) and the LST's current value (a bucket holding unstrippable rounding yield
    /// does not book a newcomer's principal below what it is worth).
    pub fn add_active(&mut self, lst: u64, principal_if_empty: u64, rate: u128) -> Result<Moved> {
        if self.total_shares == 0 {
            // Leftover rounding dust of earlier holders is forfeited, not inherited.
            self.total_lst = 0;
            self.total_principal = 0;
        }
        let (shares, lst) = assets_entering(lst, self.total_shares, self.total_lst)?;
        let principal = if self.total_shares == 0 {
            principal_if_empty
        } else {
            let at_bucket_ratio = crate::math::to_u64(
                u128::from(lst)
                    .safe_mul(u128::from(self.total_principal))?
                    .safe_div_ceil(u128::from(self.total_lst))?,
            )?;
            at_bucket_ratio.max(value_of_lst_floor(lst, rate)?)
        };
        self.total_shares = self.total_shares.safe_add(shares)?;
        self.total_lst = self.total_lst.safe_add(lst)?;
        self.total_principal = self.total_principal.safe_add(principal)?;
        Ok(Moved {
            shares,
            lst,
            principal,
        })
    }

    /// Takes `shares` out of the active shares with their LST and principal (rounded down);
    /// returns what moved and the LST dust their fraction of a unit left (0 or 1, see
    /// [`assets_leaving`]), which the bucket no longer holds for anyone: the caller drops it
    /// from the pool totals.
    pub fn remove_active(&mut self, shares: u64) -> Result<(Moved, u64)> {
        let (taken, lst) = assets_leaving(shares, self.total_shares, self.total_lst)?;
        let principal = assets_for_shares(shares, self.total_shares, self.total_principal)?;
        self.total_shares = self.total_shares.safe_sub(shares)?;
        self.total_lst = self.total_lst.safe_sub(taken)?;
        self.total_principal = self.total_principal.safe_sub(principal)?;
        let moved = Moved {
            shares,
            lst,
            principal,
        };
        Ok((moved, taken.safe_sub(lst)?))
    }

    /// Cuts the active LST and principal by `bps` (each cut rounded down, so holders keep the
    /// remainder); returns `(seized_lst, principal_cut)`. O(1): every share shrinks alike.
    pub fn slash_active(&mut self, bps: u16) -> Result<(u64, u64)> {
        let lst = bps_cut(self.total_lst, bps)?;
        let principal = bps_cut(self.total_principal, bps)?;
        self.total_lst = self.total_lst.safe_sub(lst)?;
        self.total_principal = self.total_principal.safe_sub(principal)?;
        Ok((lst, principal))
    }

    /// The pending-slash slots, decoded.
    pub fn pending_slots(&self) -> impl Iterator<Item = PendingSlashes> + '_ {
        self.pending
            .chunks_exact(16)
            .filter_map(|c| <&[u8; 16]>::try_from(c).ok())
            .map(PendingSlashes::read)
    }

    /// Whether a live slash request is pending: the bucket then takes no delegation.
    pub fn has_pending_slash(&self, now: i64) -> bool {
        self.pending_slots().any(|p| p.is_live(now))
    }

    /// Whether a ticket of cohort `cohort` may leave the queue now: no live request cuts it.
    /// Only requests made before the whole cohort had matured do, so a matured ticket waits at
    /// most `slash_veto_secs + SLASH_GRACE_SECS` past its maturity, whatever a slasher does.
    pub fn ticket_may_leave(&self, cohort: u32, now: i64) -> bool {
        !self
            .pending_slots()
            .any(|p| p.is_live(now) && p.cut_key <= cohort)
    }

    /// The slot of `cut_key`, as bytes.
    fn pending_slot(&mut self, cut_key: u32) -> Result<&mut [u8; 16]> {
        let i = usize::try_from(cut_key).map_err(|_| RestakingError::MathOverflow)?
            % PENDING_SLASH_SLOTS;
        self.pending
            .chunks_exact_mut(16)
            .nth(i)
            .and_then(|c| <&mut [u8; 16]>::try_from(c).ok())
            .ok_or_else(|| RestakingError::MathOverflow.into())
    }

    /// Records a new live request cutting from `cut_key`, expiring at `expires_ts`.
    pub fn open_slash(&mut self, cut_key: u32, expires_ts: i64, now: i64) -> Result<()> {
        let slot = self.pending_slot(cut_key)?;
        let mut p = PendingSlashes::read(slot);
        if p.cut_key != cut_key {
            // Live requests span fewer cut keys than the ring has slots (config bound).
            require!(!p.is_live(now), RestakingError::MathOverflow);
            p = PendingSlashes {
                cut_key,
                ..PendingSlashes::default()
            };
        }
        p.count = p.count.checked_add(1).ok_or(RestakingError::MathOverflow)?;
        p.expires_ts = p.expires_ts.max(expires_ts);
        p.write(slot);
        Ok(())
    }

    /// Records a request cutting from `cut_key` executed or vetoed.
    pub fn close_slash(&mut self, cut_key: u32) -> Result<()> {
        let slot = self.pending_slot(cut_key)?;
        let mut p = PendingSlashes::read(slot);
        if p.cut_key == cut_key {
            p.count = p.count.saturating_sub(1);
            p.write(slot);
        }
        Ok(())
    }

    /// Live requests now (for views and tests).
    pub fn live_slashes(&self, now: i64) -> u32 {
        self.pending_slots()
            .filter(|p| p.is_live(now))
            .map(|p| u32::from(p.count))
            .sum()
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::constants::RATE_SCALE;

    fn bucket() -> OperatorPool {
        OperatorPool {
            operator: Pubkey::default(),
            pool: Pubkey::default(),
            total_shares: 0,
            total_lst: 0,
            total_principal: 0,
            base_acc_per_share: 0,
            unclaimed_base_yield: 0,
            queued_shares: 0,
            queued_lst: 0,
            queued_principal: 0,
            reward_mints: [Pubkey::default(); MAX_REWARD_MINTS],
            reward_mint_count: 0,
            pending: [0; PENDING_BYTES],
            slash_nonce: 0,
            delegation_count: 0,
            bump: 0,
            version: 1,
            reserved: [0; 64],
        }
    }

    #[test]
    fn harvest_strips_into_index() {
        let mut b = bucket();
        b.add_active(100, 100, RATE_SCALE).unwrap();
        b.add_active(300, 300, RATE_SCALE).unwrap();
        assert_eq!(b.harvest(RATE_SCALE * 2).unwrap(), 200);
        assert_eq!(
            (b.total_lst, b.total_principal, b.total_shares),
            (200, 400, 400)
        );
        assert_eq!(b.base_acc_per_share, BASE_ACC_SCALE / 2);
    }

    #[test]
    fn newcomer_in_a_losing_bucket_takes_the_bucket_ratio() {
        let mut b = bucket();
        b.add_active(100, 100, RATE_SCALE).unwrap(); // entered at 1.0; the rate then fell
        let m = b.add_active(100, 90, RATE_SCALE * 9 / 10).unwrap();
        assert_eq!(
            m.principal, 100,
            "credited at the bucket's principal per LST"
        );
        assert_eq!((b.total_lst, b.total_principal), (200, 200));
    }

    #[test]
    fn newcomer_to_a_bucket_with_unstrippable_yield_keeps_their_value() {
        let mut b = bucket();
        b.add_active(1, 1, RATE_SCALE).unwrap(); // 1 unit at 1.0; at 1.5 nothing strips
        assert_eq!(b.harvest(RATE_SCALE * 3 / 2).unwrap(), 0);
        let m = b.add_active(100, 150, RATE_SCALE * 3 / 2).unwrap();
        assert_eq!(
            m.principal, 150,
            "credited at its value, not the bucket's stale ratio"
        );
    }

    #[test]
    fn pending_slashes_hold_only_the_cohorts_they_cut() {
        let mut b = bucket();
        b.open_slash(10, 1_000, 0).unwrap(); // cuts cohorts 10 and later
        b.open_slash(12, 1_200, 0).unwrap();
        assert!(b.has_pending_slash(999));
        assert!(b.ticket_may_leave(9, 0));
        assert!(!b.ticket_may_leave(10, 0));
        // the older request vetoed: nothing stale is left behind (issue 10 item 2)
        b.close_slash(10).unwrap();
        assert!(b.ticket_may_leave(11, 0));
        assert!(!b.ticket_may_leave(12, 0));
        // expired: holds nothing even if never closed
        assert!(b.ticket_may_leave(12, 1_200));
        assert!(!b.has_pending_slash(1_200));
        assert_eq!(b.live_slashes(0), 1);
        // a slot of an expired key is reused
        b.open_slash(12 + 8, 3_000, 2_000) // 8 = PENDING_SLASH_SLOTS
            .unwrap();
        assert_eq!(b.live_slashes(2_000), 1);
    }
}
