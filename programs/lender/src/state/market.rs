//! `Market`: lends one loan mint against positions of one restaking pool.
use crate::constants::BPS_DENOMINATOR;
use crate::error::LenderError;
use crate::math::{mul_div_ceil, mul_div_floor};
use anchor_lang::prelude::*;

/// A lending market. PDA `["market", admin, pool, loan_mint]`.
///
/// Collateral is valued in the pool's numeraire by the restaking view and converted to loan
/// tokens at the fixed price `price_num / price_den` (loan-token base units per numeraire base
/// unit) the admin set at creation — a reference simplification: a production lender would read
/// an oracle here.
#[account]
#[derive(InitSpace, Debug)]
pub struct Market {
    /// Signs `fund_liquidity`.
    pub admin: Pubkey,
    /// The restaking pool whose positions are accepted as collateral.
    pub pool: Pubkey,
    /// The pool's LST mint.
    pub lst_mint: Pubkey,
    /// Token program of the LST mint.
    pub lst_token_program: Pubkey,
    /// The mint lent.
    pub loan_mint: Pubkey,
    /// Token program of the loan mint.
    pub loan_token_program: Pubkey,
    /// Loan tokens available to lend (`["liquidity_vault", market]`, owned by the authority).
    pub liquidity_vault: Pubkey,
    /// LST collected from defaulted positions (`["collateral_vault", market]`, owned by the
    /// authority).
    pub collateral_vault: Pubkey,
    /// Loan-to-value limit: debt ≤ collateral value × `ltv_bps` / 10,000 after a borrow.
    pub ltv_bps: u16,
    /// Maintenance threshold: a loan may be liquidated once the collateral value is below
    /// debt × `maintenance_bps` / 10,000.
    pub maintenance_bps: u16,
    /// Price of one numeraire base unit in loan-token base units: `price_num / price_den`.
    pub price_num: u64,
    /// See `price_num`.
    pub price_den: u64,
    /// Debt of every active or liquidating loan, in loan-token base units.
    pub total_debt: u64,
    /// Debt written off by defaults (their LST is in the collateral vault).
    pub total_defaulted_debt: u64,
    /// LST collected into the collateral vault from defaulted positions.
    pub total_collected_lst: u64,
    /// Loans open (any status).
    pub open_loans: u32,
    /// Bump of this account's PDA.
    pub bump: u8,
    /// Bump of the authority PDA.
    pub authority_bump: u8,
    /// Bump of the liquidity vault.
    pub liquidity_vault_bump: u8,
    /// Bump of the collateral vault.
    pub collateral_vault_bump: u8,
    /// Layout version (`ACCOUNT_VERSION`) the account was written with.
    pub version: u8,
    /// Zeroed space for future fields.
    pub reserved: [u8; 64],
}

impl Market {
    pub const SPACE: usize = Self::DISCRIMINATOR.len() + Self::INIT_SPACE;
    pub const SEED: &'static [u8] = b"market";

    /// Checks the risk parameters and price: `0 < ltv < 100 %`, `maintenance ≥ 100 %`, and
    /// `ltv × maintenance ≤ 100 %²` so that a loan borrowed up to the limit is not liquidatable.
    pub fn validate_params(
        ltv_bps: u16,
        maintenance_bps: u16,
        price_num: u64,
        price_den: u64,
    ) -> Result<()> {
        let bps = BPS_DENOMINATOR;
        let (ltv, maintenance) = (u64::from(ltv_bps), u64::from(maintenance_bps));
        require!(
            ltv > 0
                && ltv < bps
                && maintenance >= bps
                && ltv.saturating_mul(maintenance) <= bps.saturating_mul(bps),
            LenderError::InvalidRiskParams
        );
        require!(price_num > 0 && price_den > 0, LenderError::InvalidPrice);
        Ok(())
    }

    /// `value` (numeraire base units) in loan-token base units, rounded down.
    pub fn loan_value(&self, value: u64) -> Result<u64> {
        mul_div_floor(
            value,
            u128::from(self.price_num),
            u128::from(self.price_den),
        )
    }

    /// The most a collateral worth `loan_value` (loan-token units) may secure, rounded down.
    pub fn max_debt(&self, loan_value: u64) -> Result<u64> {
        mul_div_floor(
            loan_value,
            u128::from(self.ltv_bps),
            u128::from(BPS_DENOMINATOR),
        )
    }

    /// The collateral value (loan-token units) `debt` needs to stay out of liquidation,
    /// rounded up.
    pub fn maintenance_requirement(&self, debt: u64) -> Result<u64> {
        mul_div_ceil(
            debt,
            u128::from(self.maintenance_bps),
            u128::from(BPS_DENOMINATOR),
        )
    }

    /// Whether a loan of `debt` secured by collateral worth `loan_value` may be liquidated.
    pub fn is_liquidatable(&self, debt: u64, loan_value: u64) -> Result<bool> {
        Ok(debt > 0 && loan_value < self.maintenance_requirement(debt)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn market(ltv_bps: u16, maintenance_bps: u16, price_num: u64, price_den: u64) -> Market {
        Market {
            admin: Pubkey::default(),
            pool: Pubkey::default(),
            lst_mint: Pubkey::default(),
            lst_token_program: Pubkey::default(),
            loan_mint: Pubkey::default(),
            loan_token_program: Pubkey::default(),
            liquidity_vault: Pubkey::default(),
            collateral_vault: Pubkey::default(),
            ltv_bps,
            maintenance_bps,
            price_num,
            price_den,
            total_debt: 0,
            total_defaulted_debt: 0,
            total_collected_lst: 0,
            open_loans: 0,
            bump: 0,
            authority_bump: 0,
            liquidity_vault_bump: 0,
            collateral_vault_bump: 0,
            version: 0,
            reserved: [0; 64],
        }
    }

    #[test]
    fn params() {
        assert!(Market::validate_params(8_000, 12_000, 1, 1).is_ok());
        assert!(Market::validate_params(8_000, 12_500, 1, 1).is_ok()); // 0.8 × 1.25 = 1
        assert!(Market::validate_params(8_000, 12_501, 1, 1).is_err());
        assert!(Market::validate_params(0, 12_000, 1, 1).is_err());
        assert!(Market::validate_params(10_000, 10_000, 1, 1).is_err());
        assert!(Market::validate_params(5_000, 9_999, 1, 1).is_err());
        assert!(Market::validate_params(8_000, 12_000, 0, 1).is_err());
        assert!(Market::validate_params(8_000, 12_000, 1, 0).is_err());
    }

    #[test]
    fn rounding_favours_the_lender() {
        let m = market(8_000, 12_000, 3, 20); // 0.15 loan units per numeraire unit
        assert_eq!(m.loan_value(7).unwrap(), 1); // 1.05 → 1
        assert_eq!(m.max_debt(9).unwrap(), 7); // 7.2 → 7
        assert_eq!(m.maintenance_requirement(7).unwrap(), 9); // 8.4 → 9
        assert!(m.is_liquidatable(7, 8).unwrap());
        assert!(!m.is_liquidatable(7, 9).unwrap());
        assert!(!m.is_liquidatable(0, 0).unwrap());
    }

    #[test]
    fn a_loan_at_the_limit_is_not_liquidatable() {
        for (ltv, maintenance) in [(8_000, 12_000), (8_000, 12_500), (5_000, 20_000)] {
            let m = market(ltv, maintenance, 1, 1);
            for value in [1u64, 7, 99, 100, 1_000_000_007, u64::MAX / 3] {
                let debt = m.max_debt(value).unwrap();
                assert!(
                    !m.is_liquidatable(debt, value).unwrap(),
                    "{ltv} {maintenance} {value}"
                );
            }
        }
    }
}
