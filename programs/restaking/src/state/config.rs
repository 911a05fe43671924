//! `Config`: the program's single settings account.
use crate::constants::{ADMIN_TIMELOCK_SECS, BPS_DENOMINATOR, MAX_PROTOCOL_FEE_BPS, PAUSE_ALL};
use crate::error::RestakingError;
use crate::instructions::UpdateConfigArgs;
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
    /// Which `pending_*` fields hold a proposed change (`Config::PENDING_*` bits).
    pub pending_mask: u8,
    /// Proposed guardian.
    pub pending_guardian: Pubkey,
    /// Proposed (higher) protocol fee, in basis points.
    pub pending_protocol_fee_bps: u16,
    /// Proposed (higher) commission cap, in basis points.
    pub pending_max_commission_bps: u16,
    /// Proposed (shorter) slash veto window, in seconds.
    pub pending_slash_veto_secs: i64,
    /// Unix time from which `apply_config_update` may apply the pending changes.
    pub pending_effective_ts: i64,
    /// Zeroed space for future fields, so they need no realloc.
    pub reserved: [u8; 11],
}

impl Config {
    /// Account size: discriminator + fields (reserved bytes included).
    pub const SPACE: usize = Self::DISCRIMINATOR.len() + Self::INIT_SPACE;
    pub const SEED: &'static [u8] = b"config";

    pub const PENDING_GUARDIAN: u8 = 1;
    pub const PENDING_PROTOCOL_FEE: u8 = 2;
    pub const PENDING_MAX_COMMISSION: u8 = 4;
    pub const PENDING_SLASH_VETO: u8 = 8;

    /// Applies `args`: a change in the stakers' favour (or neutral) at once, clearing any
    /// proposal for the same setting; one that can hurt them is proposed, effective
    /// `ADMIN_TIMELOCK_SECS` after `now` (every pending change waits from the latest proposal).
    /// Returns whether anything was proposed.
    pub fn update(&mut self, args: &UpdateConfigArgs, now: i64) -> Result<bool> {
        let mut proposed = false;
        if let Some(v) = args.treasury {
            self.treasury = v;
        }
        if let Some(v) = args.min_withdrawal_delay_secs {
            self.min_withdrawal_delay_secs = v;
        }
        if let Some(v) = args.guardian {
            if v == self.guardian {
                self.pending_mask &= !Self::PENDING_GUARDIAN;
            } else {
                require_keys_neq!(v, Pubkey::default(), RestakingError::InvalidAddress);
                self.pending_guardian = v;
                self.pending_mask |= Self::PENDING_GUARDIAN;
                proposed = true;
            }
        }
        if let Some(v) = args.protocol_fee_bps {
            require!(v <= MAX_PROTOCOL_FEE_BPS, RestakingError::InvalidBps);
            if v <= self.protocol_fee_bps {
                self.protocol_fee_bps = v;
                self.pending_mask &= !Self::PENDING_PROTOCOL_FEE;
            } else {
                self.pending_protocol_fee_bps = v;
                self.pending_mask |= Self::PENDING_PROTOCOL_FEE;
                proposed = true;
            }
        }
        if let Some(v) = args.max_commission_bps {
            require!(v <= BPS_DENOMINATOR, RestakingError::InvalidBps);
            if v <= self.max_commission_bps {
                self.max_commission_bps = v;
                self.pending_mask &= !Self::PENDING_MAX_COMMISSION;
            } else {
                self.pending_max_commission_bps = v;
                self.pending_mask |= Self::PENDING_MAX_COMMISSION;
                proposed = true;
            }
        }
        if let Some(v) = args.slash_veto_secs {
            // A longer window could outlast a pool's withdrawal delay: never.
            require!(v <= self.slash_veto_secs, RestakingError::VetoWindowTooLong);
            if v == self.slash_veto_secs {
                self.pending_mask &= !Self::PENDING_SLASH_VETO;
            } else {
                require!(v >= 0, RestakingError::VetoWindowTooLong);
                self.pending_slash_veto_secs = v;
                self.pending_mask |= Self::PENDING_SLASH_VETO;
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
        self.validate_settings()?;
        Ok(proposed)
    }

    /// Applies the pending changes once their time has come.
    pub fn apply_pending(&mut self, now: i64) -> Result<()> {
        require!(self.pending_mask != 0, RestakingError::NothingPending);
        require!(
            now >= self.pending_effective_ts,
            RestakingError::TimelockNotElapsed
        );
        let mask = self.pending_mask;
        if mask & Self::PENDING_GUARDIAN != 0 {
            self.guardian = self.pending_guardian;
        }
        if mask & Self::PENDING_PROTOCOL_FEE != 0 {
            self.protocol_fee_bps = self.pending_protocol_fee_bps;
        }
        if mask & Self::PENDING_MAX_COMMISSION != 0 {
            self.max_commission_bps = self.pending_max_commission_bps;
        }
        if mask & Self::PENDING_SLASH_VETO != 0 {
            // still below every pool's delay: the minimum may have moved since the proposal
            self.slash_veto_secs = self.pending_slash_veto_secs;
        }
        self.pending_mask = 0;
        self.pending_guardian = Pubkey::default();
        self.pending_protocol_fee_bps = 0;
        self.pending_max_commission_bps = 0;
        self.pending_slash_veto_secs = 0;
        self.pending_effective_ts = 0;
        self.validate_settings()
    }

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
