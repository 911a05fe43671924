//! `close_loan`: the borrower closes their loan record (rent back to them). An active loan must
//! be repaid in full; the market's authority then releases its lien by CPI. A defaulted loan's
//! lien is already released. A loan being liquidated cannot be closed.
use crate::constants::{AUTHORITY_SEED, RESTAKING_EVENT_AUTHORITY};
use crate::cpi::RestakingCpi;
use crate::error::LenderError;
use crate::events::LoanClosedEvent;
use crate::restaking::program::Restaking;
use crate::state::{Loan, LoanStatus, Market};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct CloseLoan<'info> {
    /// The borrower; receives the loan's rent.
    #[account(mut)]
    pub borrower: Signer<'info>,
    /// The market.
    #[account(mut)]
    pub market: Box<Account<'info, Market>>,
    /// The loan; closed.
    /// Its seeds (`["loan", market, borrower]`, stored bump) prove it is this market's loan
    /// of that borrower.
    #[account(
        mut,
        close = borrower,
        seeds = [Loan::SEED, market.key().as_ref(), borrower.key().as_ref()],
        bump = loan.bump,
        has_one = position @ LenderError::WrongPosition,
    )]
    pub loan: Box<Account<'info, Loan>>,
    /// The market's authority PDA: the lien holder.
    /// CHECK: seeds and stored bump checked here.
    #[account(seeds = [AUTHORITY_SEED, market.key().as_ref()], bump = market.authority_bump)]
    pub market_authority: UncheckedAccount<'info>,
    /// The loan's position.
    /// CHECK: `has_one = position` on the loan; the restaking program checks the lien.
    #[account(mut)]
    pub position: UncheckedAccount<'info>,
    /// The restaking program's event authority.
    /// CHECK: its address (`constants::RESTAKING_EVENT_AUTHORITY`).
    #[account(address = RESTAKING_EVENT_AUTHORITY)]
    pub restaking_event_authority: UncheckedAccount<'info>,
    pub restaking_program: Program<'info, Restaking>,
}

pub fn handler(ctx: Context<CloseLoan>) -> Result<()> {
    let a = &mut *ctx.accounts;
    let status = a.loan.status;
    match status {
        LoanStatus::Active => {
            require!(a.loan.debt == 0, LenderError::DebtOutstanding);
            RestakingCpi {
                program: &a.restaking_program.to_account_info(),
                event_authority: &a.restaking_event_authority.to_account_info(),
                authority: &a.market_authority.to_account_info(),
                market: a.market.key(),
                authority_bump: a.market.authority_bump,
            }
            .release_lien(&a.position.to_account_info())?;
        }
        LoanStatus::Liquidating => return err!(LenderError::LoanNotActive),
        LoanStatus::Defaulted => {}
    }
    a.market.open_loans = a
        .market
        .open_loans
        .checked_sub(1)
        .ok_or(LenderError::MathOverflow)?;
    emit!(LoanClosedEvent {
        market: a.market.key(),
        loan: a.loan.key(),
        borrower: a.borrower.key(),
        status,
    });
    Ok(())
}
