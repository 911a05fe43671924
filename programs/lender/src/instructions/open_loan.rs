//! `open_loan`: the borrower puts their position under the market's lien. The market's
//! authority PDA co-signs the restaking program's `set_lien` by `invoke_signed`; the borrower's
//! signature on this transaction is the owner's. The position must be the borrower's own in the
//! market's pool (checked here, and again by the restaking program), with no ticket open.
use crate::constants::{ACCOUNT_VERSION, AUTHORITY_SEED, RESTAKING_EVENT_AUTHORITY};
use crate::cpi::RestakingCpi;
use crate::error::LenderError;
use crate::events::LoanOpenedEvent;
use crate::pda::create_account;
use crate::restaking::accounts::Position;
use crate::restaking::program::Restaking;
use crate::state::{Loan, LoanStatus, Market};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct OpenLoan<'info> {
    /// The borrower: owner of the position; pays the loan's rent.
    #[account(mut)]
    pub borrower: Signer<'info>,
    /// The market.
    #[account(mut)]
    pub market: Box<Account<'info, Market>>,
    /// The market's authority PDA: becomes the lien holder.
    /// CHECK: seeds and stored bump checked here.
    #[account(seeds = [AUTHORITY_SEED, market.key().as_ref()], bump = market.authority_bump)]
    pub market_authority: UncheckedAccount<'info>,
    /// The borrower's position in the market's pool (owner: the restaking program).
    #[account(
        mut,
        constraint = position.pool == market.pool @ LenderError::WrongPool,
        constraint = position.owner == borrower.key() @ LenderError::NotPositionOwner,
    )]
    pub position: Box<Account<'info, Position>>,
    /// The new loan (`["loan", market, borrower]`).
    /// CHECK: seeds checked here; created by `pda::create_account` (robust to pre-funding).
    #[account(mut, seeds = [Loan::SEED, market.key().as_ref(), borrower.key().as_ref()], bump)]
    pub loan: UncheckedAccount<'info>,
    /// The restaking program's event authority.
    /// CHECK: its address (`constants::RESTAKING_EVENT_AUTHORITY`).
    #[account(address = RESTAKING_EVENT_AUTHORITY)]
    pub restaking_event_authority: UncheckedAccount<'info>,
    pub restaking_program: Program<'info, Restaking>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<OpenLoan>) -> Result<()> {
    let a = &mut *ctx.accounts;
    let market_key = a.market.key();
    let restaking = RestakingCpi {
        program: &a.restaking_program.to_account_info(),
        event_authority: &a.restaking_event_authority.to_account_info(),
        authority: &a.market_authority.to_account_info(),
        market: market_key,
        authority_bump: a.market.authority_bump,
    };
    restaking.set_lien(&a.borrower.to_account_info(), &a.position.to_account_info())?;

    let borrower = a.borrower.key();
    let bump = [ctx.bumps.loan];
    let seeds: [&[u8]; 4] = [Loan::SEED, market_key.as_ref(), borrower.as_ref(), &bump];
    create_account(
        &a.borrower.to_account_info(),
        &a.loan.to_account_info(),
        &a.system_program.to_account_info(),
        Loan::SPACE,
        &seeds,
    )?;
    let loan = Loan {
        market: market_key,
        borrower,
        position: a.position.key(),
        debt: 0,
        status: LoanStatus::Active,
        opened_ts: Clock::get()?.unix_timestamp,
        liquidated_ts: 0,
        collected_lst: 0,
        bump: ctx.bumps.loan,
        version: ACCOUNT_VERSION,
        reserved: [0; 32],
    };
    {
        let info = a.loan.to_account_info();
        let mut data = info.try_borrow_mut_data()?;
        let mut writer: &mut [u8] = &mut data;
        loan.try_serialize(&mut writer)?;
    }
    a.market.open_loans = a
        .market
        .open_loans
        .checked_add(1)
        .ok_or(LenderError::MathOverflow)?;

    emit!(LoanOpenedEvent {
        market: market_key,
        loan: a.loan.key(),
        borrower,
        position: loan.position,
        lien_holder: a.market_authority.key(),
    });
    Ok(())
}
