//! Every failure the lender can report, as one enum. Names say the condition that failed.
use anchor_lang::prelude::*;

#[error_code]
pub enum LenderError {
    #[msg("Arithmetic overflow or underflow")]
    MathOverflow,
    #[msg("Division by zero")]
    DivisionByZero,
    #[msg("Amount must be greater than zero")]
    ZeroAmount,
    #[msg("Loan-to-value limit must be in (0, 10000) bps, the maintenance threshold at least 10000 bps, and a loan at the limit must not be liquidatable")]
    InvalidRiskParams,
    #[msg("Price numerator and denominator must be greater than zero")]
    InvalidPrice,
    #[msg("Signer is not the market admin")]
    NotMarketAdmin,
    #[msg("Signer is not the owner of this position")]
    NotPositionOwner,
    #[msg("Account belongs to another pool")]
    WrongPool,
    #[msg("Position is not the loan's collateral")]
    WrongPosition,
    #[msg("Account is not the market's vault")]
    WrongVault,
    #[msg("Mint is not the market's")]
    WrongMint,
    #[msg("Token program is not the mint's")]
    WrongTokenProgram,
    #[msg("Ticket is not an enforcement ticket of the loan's position")]
    WrongTicket,
    #[msg("The loan is not active")]
    LoanNotActive,
    #[msg("The loan is not being liquidated")]
    LoanNotLiquidating,
    #[msg("The loan still has debt")]
    DebtOutstanding,
    #[msg("Repayment exceeds the debt")]
    RepayExceedsDebt,
    #[msg("The debt would exceed the collateral's value times the loan-to-value limit")]
    ExceedsLoanToValue,
    #[msg("The collateral is worth at least the maintenance threshold: nothing to liquidate")]
    LoanHealthy,
    #[msg("The restaking view returned no position value")]
    NoPositionValue,
    #[msg("The restaking view's return data could not be decoded")]
    InvalidPositionValue,
    #[msg("The rate the view used is not fresh")]
    StaleRate,
    #[msg("Every delegation of the position must be valued, each once")]
    IncompleteValuation,
    #[msg("The position has open tickets")]
    TicketsOpen,
    #[msg("The lien over the position is not this market's")]
    LienNotHeld,
    #[msg("A remaining-accounts group is malformed")]
    InvalidRemainingAccounts,
    #[msg("A new ticket account is needed to request the idle LST")]
    MissingTicketAccount,
    #[msg("Nothing to collect")]
    NothingToCollect,
}
