//! `RewardIndex`: one restaking reward stream of an operator bucket.
use crate::error::RestakingError;
use crate::math::{blended_remaining, stream_release, to_u64, SafeMath};
use anchor_lang::prelude::*;

/// Longest duration a funding may stream over (365 days).
pub const MAX_REWARD_DURATION_SECS: u32 = 365 * 24 * 60 * 60;

/// Scale of a reward index: reward base units per bucket share × 10^18.
pub const REWARD_ACC_SCALE: u128 = 1_000_000_000_000_000_000;

/// One reward stream. PDA `["reward_index", operator_pool, reward_mint]`; its vault is the token
/// account `["reward_vault", reward_index]`.
///
/// Rewards stream (SPEC §3 "Restaking rewards"): a funding's net amount is released linearly
/// over its duration while the bucket has active shares (time without shares does not count,
/// so nothing streams to nobody and nobody arriving later takes it in one lump); each touch —
/// every change of the bucket's shares, every claim and funding — releases what the elapsed
/// time owes into the carry and spreads the carry over the active shares. Delegating just
/// before a funding and leaving just after therefore earns only the time delegated.
///
/// Reward-vault accounting (SPEC invariant 4): the vault holds at least
/// `protocol_fees_owed + commission_owed + (total_net − total_paid)`, and what the delegations
/// can ever claim is at most `total_net − (carry_scaled + streaming_scaled) / REWARD_ACC_SCALE
/// − total_paid`: the index promises exactly `total_net × SCALE − carry_scaled −
/// streaming_scaled`, spread over the shares it saw.
#[account]
#[derive(InitSpace, Debug)]
pub struct RewardIndex {
    /// The bucket whose delegators earn the stream.
    pub operator_pool: Pubkey,
    /// Mint of the reward token.
    pub reward_mint: Pubkey,
    /// Token account `["reward_vault", reward_index]` holding the stream's tokens.
    pub reward_vault: Pubkey,
    /// Owner program of `reward_mint` (SPL Token or Token-2022).
    pub token_program: Pubkey,
    /// Position of this stream in the bucket's `reward_mints`.
    pub slot: u8,
    /// Rewards per active bucket share, × [`REWARD_ACC_SCALE`]. Only grows.
    pub acc_per_share: u128,
    /// Released net funding × [`REWARD_ACC_SCALE`] not yet in the index: immediate funding
    /// that arrived while the bucket had no active shares, plus the exact remainder (< active
    /// shares) of the last spread.
    pub carry_scaled: u128,
    /// Net funding × [`REWARD_ACC_SCALE`] still streaming (not yet released).
    pub streaming_scaled: u128,
    /// Active time (seconds with shares in the bucket) the streaming amount still runs for;
    /// 0 exactly when nothing streams.
    pub stream_remaining_secs: u64,
    /// Unix time the stream was last brought up to date.
    pub last_update_ts: i64,
    /// Shortest duration a funding of this stream may have; 0 allows immediate funding.
    pub min_duration_secs: u32,
    /// Protocol fees taken and not yet claimed, in reward tokens.
    pub protocol_fees_owed: u64,
    /// Operator commission taken and not yet claimed, in reward tokens.
    pub commission_owed: u64,
    /// Lifetime total: reward tokens received by `fund_rewards`.
    pub total_funded: u64,
    /// Σ net funding (after fee and commission): the delegators' part, spread or carried.
    pub total_net: u64,
    /// Lifetime total: rewards paid to delegations by `claim`.
    pub total_paid: u64,
    /// Lifetime total: protocol fees taken.
    pub total_protocol_fees: u64,
    /// Lifetime total: operator commission taken.
    pub total_commission: u64,
    /// Bump of this account's PDA.
    pub bump: u8,
    /// Bump of the reward vault's PDA `["reward_vault", reward_index]`.
    pub vault_bump: u8,
    /// Layout version (`ACCOUNT_VERSION`) the account was written with.
    pub version: u8,
    /// Zeroed space for future fields, so they need no realloc.
    pub reserved: [u8; 32],
}

/// The fee rates a funding is charged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FundingFees {
    pub protocol_fee_bps: u16,
    /// The operator's scheduled commission, already capped by the config's current maximum.
    pub commission_bps: u16,
}

/// How one funding splits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FundingSplit {
    pub protocol_fee: u64,
    pub commission: u64,
    pub net: u64,
}

impl RewardIndex {
    pub const SEED: &'static [u8] = b"reward_index";
    pub const VAULT_SEED: &'static [u8] = b"reward_vault";
    /// Account size: discriminator + fields (reserved bytes included).
    pub const SPACE: usize = Self::DISCRIMINATOR.len() + Self::INIT_SPACE;

    /// Splits `amount` into the protocol fee, the operator's commission (each rounded up) and
    /// what the delegators share.
    pub fn split(amount: u64, protocol_fee_bps: u16, commission_bps: u16) -> Result<FundingSplit> {
        let protocol_fee = bps_ceil(amount, protocol_fee_bps)?;
        let after_fee = amount.safe_sub(protocol_fee)?;
        let commission = bps_ceil(after_fee, commission_bps)?;
        Ok(FundingSplit {
            protocol_fee,
            commission,
            net: after_fee.safe_sub(commission)?,
        })
    }

    /// Brings the stream up to `now`: releases what the time since the last touch owes (only
    /// while `active_shares`, the bucket's shares over that time, is non-zero — otherwise the
    /// stream waits) and spreads the carry over those shares. Call before any change of the
    /// bucket's active shares, and before reading the index to pay.
    pub fn accrue(&mut self, now: i64, active_shares: u64) -> Result<()> {
        let elapsed = u64::try_from(now.saturating_sub(self.last_update_ts)).unwrap_or(0);
        self.last_update_ts = self.last_update_ts.max(now);
        if active_shares == 0 {
            return Ok(());
        }
        if self.streaming_scaled == 0 || elapsed == 0 {
            // Nothing released: an immediate funding's carry waits for the next funding or
            // release, as it always has, and no touch pays for a division it does not need.
            return Ok(());
        }
        let released = stream_release(self.streaming_scaled, self.stream_remaining_secs, elapsed)?;
        self.streaming_scaled = self.streaming_scaled.safe_sub(released)?;
        self.stream_remaining_secs = self.stream_remaining_secs.saturating_sub(elapsed);
        if self.streaming_scaled == 0 {
            self.stream_remaining_secs = 0;
        }
        self.carry_scaled = self.carry_scaled.safe_add(released)?;
        self.spread(active_shares)
    }

    /// Checks a funding's duration against this stream's minimum and the global maximum.
    pub fn validate_duration(&self, duration_secs: u32) -> Result<()> {
        require!(
            duration_secs >= self.min_duration_secs,
            RestakingError::RewardDurationTooShort
        );
        require!(
            duration_secs <= MAX_REWARD_DURATION_SECS,
            RestakingError::RewardDurationTooLong
        );
        Ok(())
    }

    /// Books a funding of `amount` (what the vault received) at `now`: takes the protocol fee
    /// and the commission, then streams the net over `duration_secs` (blended with what is
    /// still streaming), or spreads it at once over `active_shares` when the duration is 0.
    pub fn fund(
        &mut self,
        amount: u64,
        duration_secs: u32,
        fees: FundingFees,
        now: i64,
        active_shares: u64,
    ) -> Result<FundingSplit> {
        self.accrue(now, active_shares)?;
        let split = Self::split(amount, fees.protocol_fee_bps, fees.commission_bps)?;
        self.total_funded = self.total_funded.safe_add(amount)?;
        self.protocol_fees_owed = self.protocol_fees_owed.safe_add(split.protocol_fee)?;
        self.total_protocol_fees = self.total_protocol_fees.safe_add(split.protocol_fee)?;
        self.commission_owed = self.commission_owed.safe_add(split.commission)?;
        self.total_commission = self.total_commission.safe_add(split.commission)?;
        self.total_net = self.total_net.safe_add(split.net)?;
        let net_scaled = u128::from(split.net).safe_mul(REWARD_ACC_SCALE)?;
        if duration_secs == 0 {
            self.carry_scaled = self.carry_scaled.safe_add(net_scaled)?;
            self.spread(active_shares)?;
        } else if split.net > 0 {
            self.stream_remaining_secs = blended_remaining(
                to_u64(self.streaming_scaled.safe_div(REWARD_ACC_SCALE)?)?,
                self.stream_remaining_secs,
                split.net,
                u64::from(duration_secs),
            )?;
            self.streaming_scaled = self.streaming_scaled.safe_add(net_scaled)?;
        }
        Ok(split)
    }

    /// Reward base units still streaming (rounded down).
    pub fn streaming(&self) -> Result<u64> {
        to_u64(self.streaming_scaled.safe_div(REWARD_ACC_SCALE)?)
    }

    /// Release rate of the stream, reward base units per second × [`REWARD_ACC_SCALE`] (0 when
    /// nothing streams).
    pub fn rate_scaled(&self) -> Result<u128> {
        if self.stream_remaining_secs == 0 {
            return Ok(0);
        }
        self.streaming_scaled
            .safe_div(u128::from(self.stream_remaining_secs))
    }

    /// Gives a delegation's settled but unpaid rewards back to the stream (the staker forfeits
    /// them, e.g. because the reward vault is frozen): they return to the carry and reach the
    /// bucket's delegators like a new immediate funding. Obligations are unchanged.
    pub fn take_back(&mut self, amount: u64, active_shares: u64) -> Result<()> {
        self.carry_scaled = self
            .carry_scaled
            .safe_add(u128::from(amount).safe_mul(REWARD_ACC_SCALE)?)?;
        self.spread(active_shares)
    }

    /// Spreads the carry over `active_shares` (nothing while there are none). The division's
    /// exact remainder stays in the carry, so over any number of fundings the index promises
    /// precisely what was funded, never a base unit more.
    pub fn spread(&mut self, active_shares: u64) -> Result<()> {
        if active_shares == 0 || self.carry_scaled == 0 {
            return Ok(());
        }
        let shares = u128::from(active_shares);
        let inc = self.carry_scaled.safe_div(shares)?;
        self.acc_per_share = self.acc_per_share.safe_add(inc)?;
        self.carry_scaled = self.carry_scaled.safe_sub(inc.safe_mul(shares)?)?;
        Ok(())
    }

    /// What the reward vault must hold at least.
    pub fn obligations(&self) -> Result<u64> {
        self.protocol_fees_owed
            .safe_add(self.commission_owed)?
            .safe_add(self.total_net.safe_sub(self.total_paid)?)
    }

    /// Records `amount` paid to a delegation.
    pub fn record_paid(&mut self, amount: u64) -> Result<()> {
        self.total_paid = self.total_paid.safe_add(amount)?;
        require!(
            self.total_paid <= self.total_net,
            RestakingError::MathOverflow
        );
        Ok(())
    }
}

fn bps_ceil(amount: u64, bps: u16) -> Result<u64> {
    crate::math::to_u64(
        u128::from(amount)
            .safe_mul(u128::from(bps))?
            .safe_div_ceil(u128::from(crate::constants::BPS_DENOMINATOR))?,
    )
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::math::accrued;
    use proptest::prelude::*;

    fn index() -> RewardIndex {
        RewardIndex {
            operator_pool: Pubkey::default(),
            reward_mint: Pubkey::default(),
            reward_vault: Pubkey::default(),
            token_program: Pubkey::default(),
            slot: 0,
            acc_per_share: 0,
            carry_scaled: 0,
            streaming_scaled: 0,
            stream_remaining_secs: 0,
            last_update_ts: 0,
            min_duration_secs: 0,
            protocol_fees_owed: 0,
            commission_owed: 0,
            total_funded: 0,
            total_net: 0,
            total_paid: 0,
            total_protocol_fees: 0,
            total_commission: 0,
            bump: 0,
            vault_bump: 0,
            version: 1,
            reserved: [0; 32],
        }
    }

    fn fees(protocol_fee_bps: u16, commission_bps: u16) -> FundingFees {
        FundingFees {
            protocol_fee_bps,
            commission_bps,
        }
    }

    #[test]
    fn spec_s3_split() {
        // 1,000 tokens (6 decimals), 10 % commission, no protocol fee, 400 LST of shares
        let mut ix = index();
        let split = ix
            .fund(1_000_000_000, 0, fees(0, 1_000), 0, 400_000_000_000)
            .unwrap();
        assert_eq!(
            split,
            FundingSplit {
                protocol_fee: 0,
                commission: 100_000_000,
                net: 900_000_000
            }
        );
        assert_eq!(
            accrued(100_000_000_000, ix.acc_per_share, REWARD_ACC_SCALE).unwrap(),
            225_000_000
        );
        assert_eq!(
            accrued(300_000_000_000, ix.acc_per_share, REWARD_ACC_SCALE).unwrap(),
            675_000_000
        );
        assert_eq!(ix.carry_scaled, 0);
    }

    #[test]
    fn funding_without_shares_is_carried() {
        let mut ix = index();
        ix.fund(1_000, 0, fees(0, 0), 0, 0).unwrap();
        assert_eq!(
            (ix.carry_scaled, ix.acc_per_share),
            (1_000 * REWARD_ACC_SCALE, 0)
        );
        ix.fund(500, 0, fees(0, 0), 0, 10).unwrap();
        assert_eq!(ix.carry_scaled, 0);
        assert_eq!(
            accrued(10, ix.acc_per_share, REWARD_ACC_SCALE).unwrap(),
            1_500
        );
    }

    #[test]
    fn a_week_long_funding_pays_by_the_second() {
        // 1,000 tokens over 7 days to 100 shares; one second, then the rest of the week
        let mut ix = index();
        ix.fund(1_000_000_000, 604_800, fees(0, 0), 1_000, 100)
            .unwrap();
        assert_eq!(ix.acc_per_share, 0, "nothing is released at funding");
        ix.accrue(1_001, 100).unwrap();
        let one_second = accrued(100, ix.acc_per_share, REWARD_ACC_SCALE).unwrap();
        assert_eq!(one_second, 1_653, "1e9 / 604,800 per second, rounded down");
        ix.accrue(1_000 + 604_800, 100).unwrap();
        assert_eq!(
            accrued(100, ix.acc_per_share, REWARD_ACC_SCALE).unwrap(),
            1_000_000_000
        );
        assert_eq!((ix.streaming_scaled, ix.stream_remaining_secs), (0, 0));
    }

    #[test]
    fn a_stream_waits_while_the_bucket_is_empty() {
        let mut ix = index();
        ix.fund(1_000, 100, fees(0, 0), 0, 0).unwrap();
        ix.accrue(1_000, 0).unwrap(); // 1,000 s without shares: nothing released
        assert_eq!((ix.carry_scaled, ix.stream_remaining_secs), (0, 100));
        ix.accrue(1_010, 10).unwrap(); // 10 s with shares: a tenth
        assert_eq!(
            accrued(10, ix.acc_per_share, REWARD_ACC_SCALE).unwrap(),
            100
        );
    }

    #[test]
    fn duration_bounds() {
        let mut ix = index();
        ix.min_duration_secs = 3_600;
        assert!(ix.validate_duration(3_599).is_err());
        assert!(ix.validate_duration(3_600).is_ok());
        assert!(ix.validate_duration(MAX_REWARD_DURATION_SECS).is_ok());
        assert!(ix.validate_duration(MAX_REWARD_DURATION_SECS + 1).is_err());
    }

    proptest! {
        /// Streamed fundings touched at random times with random share counts never promise a
        /// holder of every share more than was funded, and nothing is lost: what the index
        /// promised plus what is carried or still streaming is exactly the net funded.
        #[test]
        fn streams_never_overpromise(
            steps in proptest::collection::vec(
                (0u64..1u64 << 40, 0u32..1_000_000, 0i64..500_000, 0u64..1u64 << 40), 1..40),
            holder_shares in 1u64..1u64 << 40,
        ) {
            let mut ix = index();
            let (mut now, mut promised_to_holder, mut promised) = (0i64, 0u128, 0u128);
            for (amount, duration, dt, extra) in steps {
                let shares = holder_shares + extra;
                let before = ix.acc_per_share;
                ix.fund(amount, duration, fees(0, 1_000), now, shares).unwrap();
                now += dt;
                ix.accrue(now, shares).unwrap();
                // the holder's part of what was released while these shares were in place
                promised_to_holder += u128::from(holder_shares) * (ix.acc_per_share - before);
                promised += u128::from(shares) * (ix.acc_per_share - before);
                prop_assert_eq!(promised + ix.carry_scaled + ix.streaming_scaled,
                                u128::from(ix.total_net) * REWARD_ACC_SCALE);
                prop_assert!(promised_to_holder
                    <= u128::from(ix.total_net) * REWARD_ACC_SCALE - ix.carry_scaled - ix.streaming_scaled);
                prop_assert_eq!(ix.obligations().unwrap(), ix.total_funded);
            }
        }

        /// The split is exact, and fee and commission never exceed their rates rounded up.
        #[test]
        fn split_is_exact(amount: u64, fee in 0u16..=5_000, commission in 0u16..=10_000) {
            let s = RewardIndex::split(amount, fee, commission).unwrap();
            prop_assert_eq!(s.protocol_fee + s.commission + s.net, amount);
            prop_assert!(u128::from(s.protocol_fee) * 10_000 < u128::from(amount) * u128::from(fee) + 10_000);
        }

        /// Whatever the fundings and share counts, a holder of every share (whose claims only
        /// floor once) is never promised more than the delegators' net funding, and the vault
        /// obligations equal what was funded.
        #[test]
        fn index_never_overpromises(
            fundings in proptest::collection::vec((0u64..1u64 << 50, 0u64..1u64 << 45), 1..40),
            holder_shares in 1u64..1u64 << 45,
        ) {
            let mut ix = index();
            for (amount, extra_shares) in fundings {
                // the holder keeps `holder_shares`; others come and go
                ix.fund(amount, 0, fees(100, 1_000), 0, holder_shares + extra_shares).unwrap();
                let holder = accrued(holder_shares, ix.acc_per_share, REWARD_ACC_SCALE).unwrap();
                prop_assert!(u128::from(holder) * REWARD_ACC_SCALE
                    <= u128::from(ix.total_net) * REWARD_ACC_SCALE - ix.carry_scaled);
                prop_assert_eq!(ix.obligations().unwrap(), ix.total_funded);
            }
        }
    }
}
