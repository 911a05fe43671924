//! `RewardIndex`: one restaking reward stream of an operator bucket.
use crate::error::RestakingError;
use crate::math::SafeMath;
use anchor_lang::prelude::*;

/// Scale of a reward index: reward base units per bucket share × 10^18.
pub const REWARD_ACC_SCALE: u128 = 1_000_000_000_000_000_000;

/// One reward stream. PDA `["reward_index", operator_pool, reward_mint]`; its vault is the token
/// account `["reward_vault", reward_index]`.
///
/// Reward-vault accounting (SPEC invariant 4): the vault holds at least
/// `protocol_fees_owed + commission_owed + (total_net − total_paid)`, and what the delegations
/// can ever claim is at most `total_net − carry_scaled / REWARD_ACC_SCALE − total_paid`: the
/// index promises exactly `total_net × SCALE − carry_scaled`, spread over the shares it saw.
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
    /// Net funding × [`REWARD_ACC_SCALE`] not yet in the index: what arrived while the bucket
    /// had no active shares, plus the exact remainder (< active shares) of the last spread.
    pub carry_scaled: u128,
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

    /// Books a funding of `amount` (what the vault received) spread over `active_shares`.
    pub fn fund(
        &mut self,
        amount: u64,
        protocol_fee_bps: u16,
        commission_bps: u16,
        active_shares: u64,
    ) -> Result<FundingSplit> {
        let split = Self::split(amount, protocol_fee_bps, commission_bps)?;
        self.total_funded = self.total_funded.safe_add(amount)?;
        self.protocol_fees_owed = self.protocol_fees_owed.safe_add(split.protocol_fee)?;
        self.total_protocol_fees = self.total_protocol_fees.safe_add(split.protocol_fee)?;
        self.commission_owed = self.commission_owed.safe_add(split.commission)?;
        self.total_commission = self.total_commission.safe_add(split.commission)?;
        self.total_net = self.total_net.safe_add(split.net)?;
        self.carry_scaled = self
            .carry_scaled
            .safe_add(u128::from(split.net).safe_mul(REWARD_ACC_SCALE)?)?;
        self.spread(active_shares)?;
        Ok(split)
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

    #[test]
    fn spec_s3_split() {
        // 1,000 tokens (6 decimals), 10 % commission, no protocol fee, 400 LST of shares
        let mut ix = index();
        let split = ix.fund(1_000_000_000, 0, 1_000, 400_000_000_000).unwrap();
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
        ix.fund(1_000, 0, 0, 0).unwrap();
        assert_eq!(
            (ix.carry_scaled, ix.acc_per_share),
            (1_000 * REWARD_ACC_SCALE, 0)
        );
        ix.fund(500, 0, 0, 10).unwrap();
        assert_eq!(ix.carry_scaled, 0);
        assert_eq!(
            accrued(10, ix.acc_per_share, REWARD_ACC_SCALE).unwrap(),
            1_500
        );
    }

    proptest! {
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
                ix.fund(amount, 100, 1_000, holder_shares + extra_shares).unwrap();
                let holder = accrued(holder_shares, ix.acc_per_share, REWARD_ACC_SCALE).unwrap();
                prop_assert!(u128::from(holder) * REWARD_ACC_SCALE
                    <= u128::from(ix.total_net) * REWARD_ACC_SCALE - ix.carry_scaled);
                prop_assert_eq!(ix.obligations().unwrap(), ix.total_funded);
            }
        }
    }
}
