//! `Operator`: a node operator that stakers delegate to.
use crate::constants::MAX_WITHDRAWAL_DELAY_SECS;
use crate::error::RestakingError;
use anchor_lang::prelude::*;

/// Longest metadata URI an operator may publish.
pub const MAX_METADATA_URI_LEN: usize = 96;

/// An operator. PDA `["operator", authority]`.
#[account]
#[derive(InitSpace, Debug)]
pub struct Operator {
    /// Key that controls the operator (seed of its PDA).
    pub authority: Pubkey,
    /// Commission on restaking rewards, in basis points, in force now.
    pub commission_bps: u16,
    /// Commission that replaces `commission_bps` at `commission_effective_ts`.
    pub pending_commission_bps: u16,
    /// When `pending_commission_bps` takes effect; 0 when nothing is pending.
    pub commission_effective_ts: i64,
    /// Inactive operators take no new delegations; existing ones can always leave.
    pub active: bool,
    /// Off-chain metadata URI, at most `MAX_METADATA_URI_LEN` (96) bytes.
    #[max_len(96)]
    pub metadata_uri: String,
    /// Number of buckets the operator has opened.
    pub operator_pool_count: u32,
    /// Bump of this account's PDA.
    pub bump: u8,
    /// Layout version (`ACCOUNT_VERSION`) the account was written with.
    pub version: u8,
    /// Zeroed space for future fields, so they need no realloc.
    pub reserved: [u8; 32],
}

impl Operator {
    pub const SEED: &'static [u8] = b"operator";
    /// Account size: discriminator + fields (reserved bytes included).
    pub const SPACE: usize = Self::DISCRIMINATOR.len() + Self::INIT_SPACE;
    /// A commission increase takes effect only after the longest withdrawal delay any pool may
    /// have, so every staker can undelegate and leave before paying it. Decreases apply at once.
    pub const COMMISSION_INCREASE_DELAY_SECS: i64 = MAX_WITHDRAWAL_DELAY_SECS;

    pub fn validate_uri(uri: &str) -> Result<()> {
        require!(
            uri.len() <= MAX_METADATA_URI_LEN,
            RestakingError::MetadataTooLong
        );
        Ok(())
    }

    /// The commission in force at `now` (a due pending change counts).
    pub fn commission_at(&self, now: i64) -> u16 {
        if self.commission_effective_ts != 0 && now >= self.commission_effective_ts {
            self.pending_commission_bps
        } else {
            self.commission_bps
        }
    }

    /// The commission a funding is charged at `now`: the one in force, capped by the config's
    /// current maximum (a maximum lowered after an operator scheduled more binds at once).
    pub fn commission_charged(&self, now: i64, max_bps: u16) -> u16 {
        self.commission_at(now).min(max_bps)
    }

    /// Applies a pending change that has come due.
    pub fn roll_commission(&mut self, now: i64) {
        if self.commission_effective_ts != 0 && now >= self.commission_effective_ts {
            self.commission_bps = self.pending_commission_bps;
            self.commission_effective_ts = 0;
        }
    }

    /// Schedules a commission change: decreases at once, increases after the delay.
    pub fn set_commission(&mut self, bps: u16, max_bps: u16, now: i64) -> Result<()> {
        require!(bps <= max_bps, RestakingError::CommissionTooHigh);
        self.roll_commission(now);
        if bps <= self.commission_bps {
            self.commission_bps = bps;
            self.pending_commission_bps = bps;
            self.commission_effective_ts = 0;
        } else {
            self.pending_commission_bps = bps;
            self.commission_effective_ts = now
                .checked_add(Self::COMMISSION_INCREASE_DELAY_SECS)
                .ok_or(RestakingError::MathOverflow)?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    fn operator(bps: u16) -> Operator {
        Operator {
            authority: Pubkey::default(),
            commission_bps: bps,
            pending_commission_bps: bps,
            commission_effective_ts: 0,
            active: true,
            metadata_uri: String::new(),
            operator_pool_count: 0,
            bump: 0,
            version: 1,
            reserved: [0; 32],
        }
    }

    #[test]
    fn increase_waits_decrease_is_immediate() {
        let mut op = operator(1_000);
        op.set_commission(2_000, 5_000, 100).unwrap();
        assert_eq!(op.commission_at(100), 1_000);
        let due = 100 + Operator::COMMISSION_INCREASE_DELAY_SECS;
        assert_eq!(op.commission_at(due - 1), 1_000);
        assert_eq!(op.commission_at(due), 2_000);
        op.set_commission(500, 5_000, 200).unwrap();
        assert_eq!(op.commission_at(200), 500);
        assert_eq!(op.commission_at(due), 500);
        assert!(op.set_commission(5_001, 5_000, 300).is_err());
    }

    #[test]
    fn charged_commission_never_exceeds_the_current_maximum() {
        let mut op = operator(1_000);
        op.set_commission(5_000, 5_000, 0).unwrap();
        let due = Operator::COMMISSION_INCREASE_DELAY_SECS;
        assert_eq!(op.commission_charged(due, 5_000), 5_000);
        assert_eq!(op.commission_charged(due, 2_000), 2_000);
        assert_eq!(op.commission_charged(0, 2_000), 1_000);
    }
}
