//! `Service`, `ServiceLink` and `SlashRequest`: what operators secure, and how it punishes them.
use crate::constants::MAX_WITHDRAWAL_DELAY_SECS;
use anchor_lang::prelude::*;

/// A service (AVS). PDA `["service", authority]`.
#[account]
#[derive(InitSpace, Debug)]
pub struct Service {
    /// Key that controls the service (seed of its PDA).
    pub authority: Pubkey,
    /// Key that may request slashes.
    pub slasher: Pubkey,
    /// Owner of the token accounts that receive seized LST.
    pub destination: Pubkey,
    /// Off-chain metadata URI, at most 96 bytes.
    #[max_len(96)]
    pub metadata_uri: String,
    /// Bump of this account's PDA.
    pub bump: u8,
    /// Layout version (`ACCOUNT_VERSION`) the account was written with.
    pub version: u8,
    /// Zeroed space for future fields, so they need no realloc.
    pub reserved: [u8; 32],
}

impl Service {
    pub const SEED: &'static [u8] = b"service";
    /// Account size: discriminator + fields (reserved bytes included).
    pub const SPACE: usize = Self::DISCRIMINATOR.len() + Self::INIT_SPACE;
}

/// An operator's opt-in to a service. PDA `["service_link", service, operator]`.
#[account]
#[derive(InitSpace, Debug)]
pub struct ServiceLink {
    /// The service opted in to.
    pub service: Pubkey,
    /// The operator that opted in.
    pub operator: Pubkey,
    /// Largest slash one request may take, in basis points.
    pub max_slash_bps: u16,
    /// Unix time of the link.
    pub linked_ts: i64,
    /// When an unlink takes effect; 0 while linked. Until then the service can still slash.
    pub unlink_effective_ts: i64,
    /// Bump of this account's PDA.
    pub bump: u8,
    /// Layout version (`ACCOUNT_VERSION`) the account was written with.
    pub version: u8,
    /// Zeroed space for future fields, so they need no realloc.
    pub reserved: [u8; 16],
}

impl ServiceLink {
    pub const SEED: &'static [u8] = b"service_link";
    /// Account size: discriminator + fields (reserved bytes included).
    pub const SPACE: usize = Self::DISCRIMINATOR.len() + Self::INIT_SPACE;
    /// An unlink takes effect after the longest withdrawal delay any pool may have, so an
    /// operator cannot leave a service faster than its stakers' stake can leave the operator.
    pub const UNLINK_DELAY_SECS: i64 = MAX_WITHDRAWAL_DELAY_SECS;

    pub fn is_linked(&self, now: i64) -> bool {
        self.unlink_effective_ts == 0 || now < self.unlink_effective_ts
    }
}

/// Lifecycle of a slash request.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, PartialEq, Eq, InitSpace, Debug)]
pub enum SlashStatus {
    /// Requested; the bucket is frozen until it is executed or vetoed.
    Pending,
    /// Vetoed by the guardian within the veto window; nothing was seized.
    Vetoed,
    /// Executed: the bucket was cut and the LST seized.
    Executed,
}

/// A requested slash. PDA `["slash", operator_pool, service, nonce_le]`.
#[account]
#[derive(InitSpace, Debug)]
pub struct SlashRequest {
    /// The bucket to slash.
    pub operator_pool: Pubkey,
    /// The requesting service.
    pub service: Pubkey,
    /// The bucket's `slash_nonce` when requested (seed of this PDA).
    pub nonce: u64,
    /// Share of the bucket to slash, in basis points (at most the link's `max_slash_bps`).
    pub bps: u16,
    /// Hash of the off-chain evidence, as the slasher gave it.
    pub evidence_hash: [u8; 32],
    /// Unix time of the request.
    pub requested_ts: i64,
    /// First moment `execute_slash` may run (request + the config's veto window).
    pub executable_ts: i64,
    /// Pending, vetoed or executed.
    pub status: SlashStatus,
    /// LST seized from active shares, once executed.
    pub seized_active_lst: u64,
    /// LST seized from the undelegation queue, once executed.
    pub seized_queued_lst: u64,
    /// Bump of this account's PDA.
    pub bump: u8,
    /// Layout version (`ACCOUNT_VERSION`) the account was written with.
    pub version: u8,
    /// Zeroed space for future fields, so they need no realloc.
    pub reserved: [u8; 16],
}

impl SlashRequest {
    pub const SEED: &'static [u8] = b"slash";
    /// Account size: discriminator + fields (reserved bytes included).
    pub const SPACE: usize = Self::DISCRIMINATOR.len() + Self::INIT_SPACE;
}
