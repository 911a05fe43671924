//! `WithdrawalTicket`: a queued exit.
use anchor_lang::prelude::*;

/// What a ticket withdraws from.
#[derive(
    AnchorSerialize, AnchorDeserialize, Clone, Copy, PartialEq, Eq, InitSpace, Debug, Default,
)]
pub enum TicketKind {
    /// Idle LST queued for `complete_withdrawal`; earns nothing while queued.
    #[default]
    Withdraw,
    /// Bucket shares queued to return to idle; stays slashable until it matures.
    Undelegate,
}

/// A queued exit. PDA `["ticket", position, nonce_le_bytes]`.
#[account]
#[derive(InitSpace, Debug, Default)]
pub struct WithdrawalTicket {
    /// The position the ticket belongs to.
    pub position: Pubkey,
    /// Operator bucket of an `Undelegate` ticket; default key for `Withdraw`.
    pub operator_pool: Pubkey,
    /// What the ticket withdraws from.
    pub kind: TicketKind,
    /// The position's `ticket_nonce` when requested (seed of this PDA).
    pub nonce: u64,
    /// LST queued (for `Withdraw`).
    pub lst: u64,
    /// Bucket shares queued (for `Undelegate`).
    pub shares: u64,
    /// Principal value the queued LST carried.
    pub principal: u64,
    /// Unix time of the request.
    pub requested_ts: i64,
    /// Unix time from which it may complete: request + the pool's withdrawal delay.
    pub unlock_ts: i64,
    /// Bump of this account's PDA.
    pub bump: u8,
    /// Layout version (`ACCOUNT_VERSION`) the account was written with.
    pub version: u8,
    /// Cohort of an `Undelegate` ticket in its bucket's queue (`math::cohort_key(unlock_ts)`);
    /// `shares` are that cohort's shares. 0 for `Withdraw`.
    pub cohort: u32,
    /// Opened by the lien holder enforcing its lien: only the holder may complete or cancel it
    /// (SPEC §6).
    pub enforcement: bool,
    /// Zeroed space for future fields, so they need no realloc.
    pub reserved: [u8; 11],
}

impl WithdrawalTicket {
    /// Account size: discriminator + fields (reserved bytes included).
    pub const SPACE: usize = Self::DISCRIMINATOR.len() + Self::INIT_SPACE;
    pub const SEED: &'static [u8] = b"ticket";

    pub fn is_matured(&self, now: i64) -> bool {
        now >= self.unlock_ts
    }
}
