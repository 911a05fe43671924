//! `Delegation`: one position's shares of one operator bucket, with its checkpoints.
use crate::constants::MAX_REWARD_MINTS;
use crate::math::{accrued, SafeMath, BASE_ACC_SCALE};
use crate::state::OperatorPool;
use anchor_lang::prelude::*;

/// A delegation record. PDA `["delegation", position, operator_pool]`: at most one per
/// (position, operator bucket).
#[account]
#[derive(InitSpace, Debug)]
pub struct Delegation {
    /// The delegating position.
    pub position: Pubkey,
    /// The operator bucket delegated to.
    pub operator_pool: Pubkey,
    /// Active shares of the bucket.
    pub shares: u64,
    /// Bucket base-yield index at the last settlement.
    pub base_acc_checkpoint: u128,
    /// Base yield settled and not yet claimed, in LST.
    pub unclaimed_base_yield: u64,
    /// Reward index of each stream (bucket slot order) at the last settlement.
    pub reward_checkpoints: [u128; MAX_REWARD_MINTS],
    /// Rewards settled and not yet claimed, per stream.
    pub reward_owed: [u64; MAX_REWARD_MINTS],
    /// `Undelegate` tickets of this delegation still open.
    pub open_undelegations: u16,
    /// Bump of this account's PDA.
    pub bump: u8,
    /// Layout version (`ACCOUNT_VERSION`) the account was written with.
    pub version: u8,
    /// Zeroed space for future fields, so they need no realloc.
    pub reserved: [u8; 16],
}

impl Delegation {
    pub const SEED: &'static [u8] = b"delegation";
    /// Account size: discriminator + fields (reserved bytes included).
    pub const SPACE: usize = Self::DISCRIMINATOR.len() + Self::INIT_SPACE;

    /// Settles base yield accrued since the last checkpoint; returns it.
    pub fn settle_base(&mut self, bucket: &OperatorPool) -> Result<u64> {
        let delta = bucket
            .base_acc_per_share
            .safe_sub(self.base_acc_checkpoint)?;
        let y = accrued(self.shares, delta, BASE_ACC_SCALE)?;
        self.base_acc_checkpoint = bucket.base_acc_per_share;
        self.unclaimed_base_yield = self.unclaimed_base_yield.safe_add(y)?;
        Ok(y)
    }

    pub fn is_empty(&self) -> bool {
        self.shares == 0
            && self.unclaimed_base_yield == 0
            && self.open_undelegations == 0
            && self.reward_owed.iter().all(|o| *o == 0)
    }
}
