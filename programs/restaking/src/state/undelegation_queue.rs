//! `UndelegationQueue`: a bucket's `Undelegate` tickets, grouped into cohorts by unlock day.
use crate::constants::QUEUE_COHORTS;
use crate::error::RestakingError;
use crate::math::{assets_entering, assets_for_shares, assets_leaving, bps_cut, SafeMath};
use crate::state::Moved;
use anchor_lang::prelude::*;

/// One unlock day of the queue: the tickets unlocking in `((key − 1)·W, key·W]`
/// (`W = COHORT_SECS`). Its shares are its own: every ticket of the cohort holds the same LST
/// and principal per share, cut together by the slashes that reach the cohort.
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Cohort {
    /// Cohort key (`math::cohort_key` of its tickets' unlock time); 0 for a slot never used.
    pub key: u32,
    /// Alignment padding (zero).
    pub padding: [u8; 4],
    /// Shares of the cohort's tickets (each ticket holds some; per cohort, not comparable
    /// across cohorts).
    pub shares: u64,
    /// LST the cohort's tickets hold, cut by the slashes that reached it.
    pub lst: u64,
    /// Principal value of `lst`, in numeraire base units.
    pub principal: u64,
}

/// A bucket's undelegation queue. PDA `["undelegation_queue", operator_pool]`, zero-copy:
/// instructions touch only the cohorts they need.
///
/// Cohort `k` lives in slot `k % QUEUE_COHORTS`. A slot is reused only once its previous
/// cohort is empty: 128 days after it, so that cohort is final (no pending or future request
/// can reach it) and only a ticket left uncompleted for more than ~2 months after maturity
/// (128 days minus the pool's delay) can keep a day's slot busy (`CohortSlotBusy`, for that
/// one day; its owner completes it, or anyone settles it with `settle_undelegation`, to free
/// it).
///
/// A slash cuts the cohorts from its `cut_key` to `max_key`: at most
/// `(withdrawal delay + veto + grace) / COHORT_SECS + 2` cohorts (10 for a 7-day pool, 68 at
/// the 60-day maximum), never a loop over tickets or delegators.
#[account(zero_copy)]
#[derive(Debug)]
pub struct UndelegationQueue {
    /// The bucket whose queue this is.
    pub operator_pool: Pubkey,
    /// Highest cohort key that ever held a ticket.
    pub max_key: u32,
    /// Bump of this account's PDA.
    pub bump: u8,
    /// Layout version (`ACCOUNT_VERSION`) the account was written with.
    pub version: u8,
    /// Alignment padding (zero).
    pub padding: [u8; 2],
    /// Zeroed space for future fields, so they need no realloc.
    pub reserved: [u8; 64],
    /// The ring of cohorts: cohort `k` in slot `k % QUEUE_COHORTS` (128).
    pub cohorts: [Cohort; QUEUE_COHORTS],
}

/// What the queue gave back or dropped, in LST and principal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dust {
    pub lst: u64,
    pub principal: u64,
}

/// Highest slot index of the ring.
const LAST_SLOT: u32 = 127;
const _: () = assert!(LAST_SLOT as usize + 1 == QUEUE_COHORTS);

impl UndelegationQueue {
    pub const SEED: &'static [u8] = b"undelegation_queue";
    /// Account size: discriminator + the zero-copy struct (reserved bytes included).
    pub const SPACE: usize = 8 + core::mem::size_of::<UndelegationQueue>();

    fn slot(key: u32) -> usize {
        // QUEUE_COHORTS is a small power of two: the cast and the modulo cannot fail.
        (key as usize) % QUEUE_COHORTS
    }

    /// The cohort `key`, if its slot holds it.
    pub fn cohort(&self, key: u32) -> Option<&Cohort> {
        self.cohorts.get(Self::slot(key)).filter(|c| c.key == key)
    }

    fn cohort_mut(&mut self, key: u32) -> Result<&mut Cohort> {
        self.cohorts
            .get_mut(Self::slot(key))
            .filter(|c| c.key == key)
            .ok_or_else(|| RestakingError::WrongDelegation.into())
    }

    /// Queues `lst` and `principal` into cohort `key`; returns the cohort shares minted, the
    /// LST the cohort keeps for them (see [`assets_entering`]: the rest of `lst` is dust owed to
    /// nobody) and the rounding dust dropped from the slot (an emptied cohort's leftover, or the
    /// previous cohort of a reused slot), which the caller removes from the pool totals.
    pub fn enqueue(&mut self, key: u32, lst: u64, principal: u64) -> Result<(u64, u64, Dust)> {
        let c = self
            .cohorts
            .get_mut(Self::slot(key))
            .ok_or(RestakingError::MathOverflow)?;
        let mut dropped = Dust::default();
        if c.key != key || c.shares == 0 {
            require!(c.shares == 0, RestakingError::CohortSlotBusy);
            dropped = Dust {
                lst: c.lst,
                principal: c.principal,
            };
            *c = Cohort {
                key,
                ..Cohort::default()
            };
        }
        let (shares, kept) = assets_entering(lst, c.shares, c.lst)?;
        c.shares = c.shares.safe_add(shares)?;
        c.lst = c.lst.safe_add(kept)?;
        c.principal = c.principal.safe_add(principal)?;
        self.max_key = self.max_key.max(key);
        Ok((shares, kept, dropped))
    }

    /// Releases `shares` of cohort `key`: their LST and principal, cut by the slashes that
    /// reached the cohort since they entered (rounded down); also returns the LST dust their
    /// fraction of a unit left (0 or 1, see [`assets_leaving`]), which the cohort no longer
    /// holds for anyone: the caller drops it from the totals.
    pub fn dequeue(&mut self, key: u32, shares: u64) -> Result<(Moved, u64)> {
        let none = Moved {
            shares: 0,
            lst: 0,
            principal: 0,
        };
        if shares == 0 {
            return Ok((none, 0));
        }
        let c = self.cohort_mut(key)?;
        let (taken, lst) = assets_leaving(shares, c.shares, c.lst)?;
        let principal = assets_for_shares(shares, c.shares, c.principal)?;
        c.shares = c.shares.safe_sub(shares)?;
        c.lst = c.lst.safe_sub(taken)?;
        c.principal = c.principal.safe_sub(principal)?;
        let moved = Moved {
            shares,
            lst,
            principal,
        };
        Ok((moved, taken.safe_sub(lst)?))
    }

    /// LST that `shares` of cohort `key` are worth now (a view; 0 for an unknown cohort).
    pub fn lst_of(&self, key: u32, shares: u64) -> Result<u64> {
        match self.cohort(key) {
            Some(c) if shares > 0 => assets_for_shares(shares, c.shares, c.lst),
            _ => Ok(0),
        }
    }

    /// Cuts every cohort from `from_key` on by `bps` (each cut rounded down); returns the LST
    /// and principal cut. Cohorts before `from_key` — every ticket that had matured when the
    /// request was made, and those maturing within one cohort width after — are untouched.
    pub fn slash_from(&mut self, from_key: u32, bps: u16) -> Result<Dust> {
        let mut cut = Dust::default();
        if from_key > self.max_key {
            return Ok(cut);
        }
        // Never more than one lap of the ring (live cohorts span far less).
        let span = self
            .max_key
            .checked_sub(from_key)
            .ok_or(RestakingError::MathOverflow)?
            .min(LAST_SLOT);
        let last = from_key
            .checked_add(span)
            .ok_or(RestakingError::MathOverflow)?;
        for key in from_key..=last {
            let c = self.cohort_mut_unchecked(key);
            if c.key != key || c.shares == 0 {
                continue;
            }
            let lst = bps_cut(c.lst, bps)?;
            let principal = bps_cut(c.principal, bps)?;
            c.lst = c.lst.safe_sub(lst)?;
            c.principal = c.principal.safe_sub(principal)?;
            cut.lst = cut.lst.safe_add(lst)?;
            cut.principal = cut.principal.safe_add(principal)?;
        }
        Ok(cut)
    }

    fn cohort_mut_unchecked(&mut self, key: u32) -> &mut Cohort {
        let i = Self::slot(key);
        // `slot` is always < QUEUE_COHORTS
        #[allow(clippy::indexing_slicing)]
        &mut self.cohorts[i]
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    fn queue() -> Box<UndelegationQueue> {
        Box::new(UndelegationQueue {
            operator_pool: Pubkey::default(),
            max_key: 0,
            bump: 0,
            version: 1,
            padding: [0; 2],
            reserved: [0; 64],
            cohorts: [Cohort::default(); QUEUE_COHORTS],
        })
    }

    #[test]
    fn slash_cuts_only_cohorts_from_the_cut_key() {
        let mut q = queue();
        let (a, _, _) = q.enqueue(10, 50, 50).unwrap();
        let (b, _, _) = q.enqueue(11, 100, 100).unwrap();
        let cut = q.slash_from(11, 1_000).unwrap();
        assert_eq!(
            cut,
            Dust {
                lst: 10,
                principal: 10
            }
        );
        assert_eq!(q.dequeue(10, a).unwrap().0.lst, 50);
        assert_eq!(q.dequeue(11, b).unwrap().0.lst, 90);
    }

    #[test]
    fn a_ticket_s_fraction_leaves_as_dust_not_to_the_cohort() {
        let mut q = queue();
        let (a, _, _) = q.enqueue(5, 10, 10).unwrap();
        let (b, _, _) = q.enqueue(5, 10, 10).unwrap();
        q.slash_from(5, 500).unwrap(); // 20 → 19 (cut 1): each ticket is worth 9.5
        let (first, dust) = q.dequeue(5, a).unwrap();
        assert_eq!((first.lst, dust), (9, 1));
        let (last, dust) = q.dequeue(5, b).unwrap();
        assert_eq!(
            (last.lst, dust),
            (9, 0),
            "the last ticket gains nothing of the first's"
        );
        assert_eq!(q.cohort(5).unwrap().lst, 0);
    }

    #[test]
    fn a_slot_is_reused_only_when_empty() {
        let mut q = queue();
        let (s, _, _) = q.enqueue(5, 10, 10).unwrap();
        let later = 5 + LAST_SLOT + 1;
        assert_eq!(
            q.enqueue(later, 1, 1).unwrap_err(),
            RestakingError::CohortSlotBusy.into()
        );
        q.slash_from(5, 3_333).unwrap(); // 10 → 7 (cut 3)
        let (back, _) = q.dequeue(5, s).unwrap();
        assert_eq!(back.lst, 7);
        let (_, _, dropped) = q.enqueue(later, 1, 1).unwrap();
        assert_eq!(dropped, Dust::default());
        assert_eq!(q.cohort(5), None);
        assert_eq!(q.cohort(later).unwrap().lst, 1);
    }

    #[test]
    fn space() {
        assert_eq!(UndelegationQueue::SPACE, 8 + 104 + 32 * QUEUE_COHORTS);
    }
}
