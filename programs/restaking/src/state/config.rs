//! `Config`: the program's single settings account.
use crate::constants::{BPS_DENOMINATOR, MAX_PROTOCOL_FEE_BPS, PAUSE_ALL};
use crate::error::RestakingError;
use anchor_lang::prelude::*;

/// Program-wide settings and roles. PDA `["config"]`.
#[account]
#[derive(InitSpace, Debug)]
pub struct Config {
    /// May change settings, add and update pools, and lift pauses.
    pub admin: Pubkey,
    /// Proposed admin; becomes admin by signing `accept_admin`. Default key when none.
    pub pending_admin: Pubkey,
    /// May set pause flags (never lift them) and, later, veto slashes.
    pub guardian: Pubkey,
    /// Owner of the token accounts protocol fees are paid to.
    pub treasury: Pubkey,
    /// Protocol fee on restaking rewards, in basis points.
    pub protocol_fee_bps: u16,
    /// Highest commission an operator may charge, in basis points.
    pub max_commission_bps: u16,
    /// Shortest withdrawal delay a pool may have, in seconds.
    pub min_withdrawal_delay_secs: i64,
    /// Window in which the guardian may veto a slash; shorter than every withdrawal delay.
    pub slash_veto_secs: i64,
    /// Bit set of `PAUSE_*` flags.
    pub pause_flags: u8,
    /// Number of pools added.
    pub pool_count: u32,
    /// Bump of this account's PDA.
    pub bump: u8,
    /// Layout version (`ACCOUNT_VERSION`) the account was written with.
    pub version: u8,
    /// Zeroed space for future fields, so they need no realloc.
    pub reserved: [u8; 64],
}

impl Config {
    /// Account size: discriminator + fields (reserved bytes included).
    pub const SPACE: usize = Self::DISCRIMINATOR.len() + Self::INIT_SPACE;
    pub const SEED: &'static [u8] = b"config";

    pub fn is_paused(&self, flag: u8) -> bool {
        self.pause_flags & flag != 0
    }

    pub fn validate_settings(&self) -> Result<()> {
        require!(
            self.protocol_fee_bps <= MAX_PROTOCOL_FEE_BPS,
            RestakingError::InvalidBps
        );
        require!(
            self.max_commission_bps <= BPS_DENOMINATOR,
            RestakingError::InvalidBps
        );
        require!(
            self.min_withdrawal_delay_secs > 0
                && self.min_withdrawal_delay_secs <= crate::constants::MAX_WITHDRAWAL_DELAY_SECS,
            RestakingError::InvalidWithdrawalDelay
        );
        require!(
            self.slash_veto_secs >= 0
                && self.slash_veto_secs < self.min_withdrawal_delay_secs
                && self.slash_veto_secs <= crate::constants::MAX_SLASH_VETO_SECS,
            RestakingError::VetoWindowTooLong
        );
        require_keys_neq!(
            self.guardian,
            Pubkey::default(),
            RestakingError::InvalidAddress
        );
        require_keys_neq!(
            self.treasury,
            Pubkey::default(),
            RestakingError::InvalidAddress
        );
        Ok(())
    }

    /// Sets the pause flags. The guardian may only add flags; the admin may set any.
    pub fn set_pause(&mut self, signer: &Pubkey, flags: u8) -> Result<()> {
        require!(flags & !PAUSE_ALL == 0, RestakingError::InvalidPauseFlags);
        if *signer != self.admin {
            require_keys_eq!(*signer, self.guardian, RestakingError::NotAdminOrGuardian);
            require!(
                flags & self.pause_flags == self.pause_flags,
                RestakingError::GuardianCannotUnpause
            );
        }
        self.pause_flags = flags;
        Ok(())
    }
}
