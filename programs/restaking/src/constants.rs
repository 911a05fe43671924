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

/// Delay before an admin change that can hurt stakers takes effect (a protocol fee or
/// commission cap raised, the veto window shortened, the guardian replaced, a pool's withdrawal
/// delay raised or its rate source changed): the longest withdrawal delay plus the longest
/// slash hold past maturity, so a staker who disagrees can undelegate and request every unit
/// out under the old rules first. Changes in the stakers' favour apply at once.
#[constant]
pub const ADMIN_TIMELOCK_SECS: i64 =
    MAX_WITHDRAWAL_DELAY_SECS + MAX_SLASH_VETO_SECS + SLASH_GRACE_SECS;

/// Width of an undelegation cohort: `Undelegate` tickets are grouped by the day they unlock
/// (cohort key `ceil(unlock_ts / COHORT_SECS)`). A slash request requested at `R` cuts only the
/// cohorts that start at or after `R`, so a ticket that matured before a request is never cut
/// by it, and a ticket maturing less than `COHORT_SECS` after it escapes it (the escape bound).
#[constant]
pub const COHORT_SECS: i64 = 24 * 60 * 60;

/// Cohorts an `UndelegationQueue` holds at once (one per unlock day, a ring). Unmatured cohorts
/// span at most `MAX_WITHDRAWAL_DELAY_SECS / COHORT_SECS + 1` = 61 days; a day's slot is reused
/// 128 days later, once the cohort it held is empty. (Not exported: the IDL has no `usize`; the
/// IDL's `UndelegationQueue` type gives the length.)
pub const QUEUE_COHORTS: usize = 128;

/// How long after its veto window a slash request may still be executed; after that it has
/// expired and holds nothing. A request holds tickets for at most `slash_veto_secs +
/// SLASH_GRACE_SECS` after it was made, so no exit waits longer than that past maturity.
#[constant]
pub const SLASH_GRACE_SECS: i64 = 24 * 60 * 60;

/// Pending-slash slots of a bucket, one per first cohort cut (see `OperatorPool::pending`).
pub const PENDING_SLASH_SLOTS: usize = 8;

/// Longest veto window the config accepts: live requests must fit the pending-slash ring
/// (`slash_veto_secs + SLASH_GRACE_SECS ≤ (PENDING_SLASH_SLOTS − 1) × COHORT_SECS`).
#[constant]
pub const MAX_SLASH_VETO_SECS: i64 = 6 * 24 * 60 * 60;

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

// The pending-slash ring holds every live request's first cohort, and the queue ring every
// cohort that can still hold an unmatured or held ticket, with room to spare.
#[allow(clippy::arithmetic_side_effects)]
const _: () = {
    assert!(
        MAX_SLASH_VETO_SECS + SLASH_GRACE_SECS <= (PENDING_SLASH_SLOTS as i64 - 1) * COHORT_SECS
    );
    assert!((QUEUE_COHORTS as i64) > 2 * (MAX_WITHDRAWAL_DELAY_SECS / COHORT_SECS + 2));
};
