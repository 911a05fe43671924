//! Seeds, scales and limits. Values clients need are exported to the IDL with `#[constant]`.
use anchor_lang::prelude::*;

/// Layout version written into every account this program creates.
#[constant]
pub const ACCOUNT_VERSION: u8 = 1;

/// Fixed-point scale of a rate: numeraire base units per LST base unit × 10^18.
#[constant]
pub const RATE_SCALE: u128 = 1_000_000_000_000_000_000u128;

/// Largest rate accepted from any source (≈ 18.4 numeraire units per LST unit). It keeps
/// `lst (u64) × rate` inside u128 with no wider intermediate.
#[constant]
pub const MAX_RATE: u128 = u64::MAX as u128;

/// Basis-point denominator.
#[constant]
pub const BPS_DENOMINATOR: u16 = 10_000;

/// Upper bound for the protocol fee on restaking rewards.
#[constant]
pub const MAX_PROTOCOL_FEE_BPS: u16 = 5_000;

/// Longest withdrawal delay a pool may set (60 days).
#[constant]
pub const MAX_WITHDRAWAL_DELAY_SECS: i64 = 60 * 24 * 60 * 60;

/// Most withdrawal tickets one position may have open at once.
#[constant]
pub const MAX_OPEN_TICKETS: u16 = 64;

/// Reward streams an operator bucket may have (`OperatorPool.reward_mints` slots). Exported as
/// a `u8`: the IDL has no `usize`.
#[constant]
pub const MAX_REWARD_MINT_COUNT: u8 = 4;

/// [`MAX_REWARD_MINT_COUNT`] as an array length (not exported: the IDL has no `usize`).
pub const MAX_REWARD_MINTS: usize = MAX_REWARD_MINT_COUNT as usize;

/// Delegations one `get_position_value` answer reports (with up to 4 streams each, it then
/// fits Solana's 1,024-byte return-data limit).
pub const MAX_VIEW_DELEGATIONS: usize = 8;

/// Pause flag: blocks `deposit`.
#[constant]
pub const PAUSE_DEPOSITS: u8 = 1 << 0;
/// Pause flag: blocks `delegate`.
#[constant]
pub const PAUSE_DELEGATIONS: u8 = 1 << 1;
/// Every defined pause flag. Exits (`complete_withdrawal`, `claim`) are never pausable.
#[constant]
pub const PAUSE_ALL: u8 = PAUSE_DEPOSITS | PAUSE_DELEGATIONS;

/// Program id of the SPL stake-pool program.
pub const SPL_STAKE_POOL_PROGRAM_ID: Pubkey =
    pubkey!("SPoo1Ku8WFXoNDMHPsrGSTSG1Y47rzgn41SLUNakuHy");
/// Program id of the Marinade liquid-staking program.
pub const MARINADE_PROGRAM_ID: Pubkey = pubkey!("MarBmsSgKXdrN1egZf5sqe1TMai9K1rChYNDJgjq7aD");
