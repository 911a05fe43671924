//! Events, emitted with `emit!` (program logs). Each names the accounts involved, the amounts
//! moved and the resulting totals.
use crate::state::LoanStatus;
use crate::valuation::Valuation;
use anchor_lang::prelude::*;

/// `init_market`: the market as created.
#[event]
pub struct MarketInitializedEvent {
    pub market: Pubkey,
    pub admin: Pubkey,
    pub pool: Pubkey,
    pub lst_mint: Pubkey,
    pub loan_mint: Pubkey,
    pub liquidity_vault: Pubkey,
    pub collateral_vault: Pubkey,
    pub ltv_bps: u16,
    pub maintenance_bps: u16,
    pub price_num: u64,
    pub price_den: u64,
}

/// `fund_liquidity`: loan tokens deposited and the vault's balance after.
#[event]
pub struct LiquidityFundedEvent {
    pub market: Pubkey,
    pub admin: Pubkey,
    pub amount: u64,
    pub liquidity: u64,
}

/// `open_loan`: the lien is the market's.
#[event]
pub struct LoanOpenedEvent {
    pub market: Pubkey,
    pub loan: Pubkey,
    pub borrower: Pubkey,
    pub position: Pubkey,
    /// The lien holder: the market's authority PDA.
    pub lien_holder: Pubkey,
}

/// `borrow`: the amount lent, the debt after, and the valuation it was lent on.
#[event]
pub struct BorrowedEvent {
    pub market: Pubkey,
    pub loan: Pubkey,
    pub amount: u64,
    pub debt: u64,
    pub collateral_loan_value: u64,
    pub max_debt: u64,
    pub market_total_debt: u64,
}

/// `repay`: the amount paid back and the debt after.
#[event]
pub struct RepaidEvent {
    pub market: Pubkey,
    pub loan: Pubkey,
    pub payer: Pubkey,
    pub amount: u64,
    pub debt: u64,
    pub market_total_debt: u64,
}

/// `close_loan`: the record closed, in the status it had.
#[event]
pub struct LoanClosedEvent {
    pub market: Pubkey,
    pub loan: Pubkey,
    pub borrower: Pubkey,
    pub status: LoanStatus,
}

/// `liquidate`: the valuation that allowed it and the enforcement tickets opened.
#[event]
pub struct LoanLiquidatedEvent {
    pub market: Pubkey,
    pub loan: Pubkey,
    pub position: Pubkey,
    pub liquidator: Pubkey,
    pub debt: u64,
    pub collateral_loan_value: u64,
    pub maintenance_requirement: u64,
    /// `Undelegate` tickets opened (one per delegation with shares).
    pub undelegation_tickets: u16,
    /// LST of the `Withdraw` ticket opened for the idle holding (0: none).
    pub idle_lst_requested: u64,
}

/// `collect`: LST paid into the collateral vault, and what is still to come.
#[event]
pub struct CollectedEvent {
    pub market: Pubkey,
    pub loan: Pubkey,
    /// The ticket settled, if any.
    pub ticket: Option<Pubkey>,
    /// LST paid into the collateral vault by this call.
    pub lst: u64,
    /// Idle LST requested into a new enforcement ticket by this call.
    pub requested_lst: u64,
    /// The loan's collected LST after.
    pub loan_collected_lst: u64,
    /// Enforcement tickets still open on the position.
    pub enforcement_tickets: u16,
}

/// The end of a default: every LST unit collected, the lien released, the debt written off.
#[event]
pub struct LoanDefaultedEvent {
    pub market: Pubkey,
    pub loan: Pubkey,
    pub position: Pubkey,
    pub debt_written_off: u64,
    pub collected_lst: u64,
    pub market_total_collected_lst: u64,
}

/// `value_position`: the position as the lender saw it through the restaking view.
#[event]
pub struct PositionValuedEvent {
    pub market: Pubkey,
    pub valuation: Valuation,
}
