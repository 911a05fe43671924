//! `Loan`: one borrower's loan against their position in the market's pool.
use anchor_lang::prelude::*;

/// Where a loan stands.
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoanStatus {
    /// The lien is held; the borrower may borrow, repay and close.
    Active,
    /// The lien is being enforced: enforcement tickets are open, `collect` settles them.
    Liquidating,
    /// Every LST unit of the position was collected and the lien released; the debt was
    /// written off against it. The borrower may only close the record.
    Defaulted,
}

/// A loan. PDA `["loan", market, borrower]`; at most one per borrower and market (so per
/// position, as the market has one pool).
#[account]
#[derive(InitSpace, Debug)]
pub struct Loan {
    /// The market lending.
    pub market: Pubkey,
    /// The borrower: owner of the position.
    pub borrower: Pubkey,
    /// The position under the market's lien (`["position", pool, borrower]` of restaking).
    pub position: Pubkey,
    /// Loan tokens owed (no interest in this reference lender).
    pub debt: u64,
    /// Where the loan stands.
    pub status: LoanStatus,
    /// When the loan was opened.
    pub opened_ts: i64,
    /// When it was liquidated (0 if never).
    pub liquidated_ts: i64,
    /// LST collected into the market's collateral vault while liquidating.
    pub collected_lst: u64,
    /// Bump of this account's PDA.
    pub bump: u8,
    /// Layout version (`ACCOUNT_VERSION`) the account was written with.
    pub version: u8,
    /// Zeroed space for future fields.
    pub reserved: [u8; 32],
}

impl Loan {
    pub const SPACE: usize = Self::DISCRIMINATOR.len() + Self::INIT_SPACE;
    pub const SEED: &'static [u8] = b"loan";
}
