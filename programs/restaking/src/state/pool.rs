//! `Pool`: one accepted LST, its vault, its rate source and its totals.
use crate::constants::{BPS_DENOMINATOR, MAX_WITHDRAWAL_DELAY_SECS};
use crate::error::RestakingError;
use crate::math::SafeMath;
use crate::state::{Config, Position};
use anchor_lang::prelude::*;

/// Where a pool's rate comes from (SPEC §3).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, PartialEq, Eq, InitSpace, Debug)]
pub enum RateSource {
    /// An SPL stake-pool account; rate = `total_lamports / pool_token_supply`.
    SplStakePool { stake_pool: Pubkey },
    /// The Marinade state account; rate = `msol_price / 2^32`.
    Marinade { state: Pubkey },
    /// Pushed by `updater` with `push_rate`, each push moving it by at most `max_change_bps`,
    /// unusable once older than `max_age_secs`.
    Manual {
        updater: Pubkey,
        max_change_bps: u16,
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
/// the vault holds `total_idle_lst + total_ticket_lst + total_unclaimed_yield`
/// (+ bucket LST, later) plus whatever was donated to it.
#[account]
#[derive(InitSpace, Debug)]
pub struct Pool {
    pub lst_mint: Pubkey,
    /// Token account `["pool_vault", pool]` holding every deposited LST.
    pub vault: Pubkey,
    /// Owner program of `lst_mint` (SPL Token or Token-2022).
    pub token_program: Pubkey,
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
    /// Σ LST in open withdrawal tickets.
    pub total_ticket_lst: u64,
    /// Σ stripped base yield not yet claimed.
    pub total_unclaimed_yield: u64,
    /// Lifetime counters.
    pub total_deposited_lst: u64,
    pub total_withdrawn_lst: u64,
    pub total_yield_paid_lst: u64,
    pub position_count: u64,
    pub lst_decimals: u8,
    pub bump: u8,
    pub vault_bump: u8,
    pub version: u8,
    pub reserved: [u8; 64],
}

impl Pool {
    /// Account size: discriminator + fields (reserved bytes included).
    pub const SPACE: usize = Self::DISCRIMINATOR.len() + Self::INIT_SPACE;
    pub const SEED: &'static [u8] = b"pool";
    pub const VAULT_SEED: &'static [u8] = b"pool_vault";

    /// Checks a withdrawal delay against the config: at least the configured minimum, at most
    /// [`MAX_WITHDRAWAL_DELAY_SECS`], and longer than the slash veto window.
    pub fn validate_withdrawal_delay(config: &Config, delay_secs: i64) -> Result<()> {
        require!(
            delay_secs >= config.min_withdrawal_delay_secs
                && delay_secs <= MAX_WITHDRAWAL_DELAY_SECS,
            RestakingError::InvalidWithdrawalDelay
        );
        require!(
            delay_secs > config.slash_veto_secs,
            RestakingError::VetoWindowTooLong
        );
        Ok(())
    }

    pub fn signer_seeds(&self) -> [&[u8]; 3] {
        [
            Self::SEED,
            self.lst_mint.as_ref(),
            core::slice::from_ref(&self.bump),
        ]
    }

    /// LST the vault must hold for the pool's obligations (SPEC invariant 1).
    pub fn obligations(&self) -> Result<u64> {
        self.total_idle_lst
            .safe_add(self.total_ticket_lst)?
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
