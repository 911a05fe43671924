//! `liquidate`: anyone may enforce the lien of a loan whose collateral (valued by CPI to the
//! restaking view, every delegation counted) is worth less than the debt times the maintenance
//! threshold. The market's authority then acts alone, as the lien lets it: an `undelegate` of
//! every share of every delegation and a `request_withdrawal` of the idle LST, each opening an
//! enforcement ticket that only it may settle. `collect` takes it from there.
//!
//! The liquidator pays the tickets' rent through the authority (it comes back to the authority
//! as the tickets close).
//!
//! Remaining accounts, one group per delegation of the position, in any order:
//! `[delegation, operator_pool, reward_index × operator_pool.reward_mint_count (slot order),
//! undelegation_queue, new_ticket]` — the new tickets at the position's next ticket nonces, in
//! group order (delegations without shares open none), and `idle_ticket` at the nonce after.
use crate::constants::{AUTHORITY_SEED, RESTAKING_EVENT_AUTHORITY};
use crate::cpi::{RestakingCpi, UndelegateAccounts, WithdrawAccounts};
use crate::error::LenderError;
use crate::events::LoanLiquidatedEvent;
use crate::instructions::collect::end_default;
use crate::restaking::accounts::{Pool, Position, RewardIndex};
use crate::restaking::program::Restaking;
use crate::state::{Loan, LoanStatus, Market};
use crate::valuation::{require_complete, valuation, view_position, ViewAccounts};
use anchor_lang::prelude::*;
use anchor_lang::Discriminator;

#[derive(Accounts)]
pub struct Liquidate<'info> {
    /// Anyone; pays the enforcement tickets' rent.
    #[account(mut)]
    pub liquidator: Signer<'info>,
    /// The market.
    #[account(mut, has_one = pool @ LenderError::WrongPool)]
    pub market: Box<Account<'info, Market>>,
    /// The loan in default.
    /// Its seeds (`["loan", market, borrower]`, stored bump) prove it is this market's loan
    /// of that borrower.
    #[account(
        mut,
        seeds = [Loan::SEED, market.key().as_ref(), loan.borrower.as_ref()],
        bump = loan.bump,
        has_one = position @ LenderError::WrongPosition,
    )]
    pub loan: Box<Account<'info, Loan>>,
    /// The market's authority PDA: the lien holder, enforcing alone.
    /// CHECK: seeds and stored bump checked here; a system account.
    #[account(mut, seeds = [AUTHORITY_SEED, market.key().as_ref()], bump = market.authority_bump)]
    pub market_authority: UncheckedAccount<'info>,
    /// The market's pool.
    #[account(mut)]
    pub pool: Box<Account<'info, Pool>>,
    /// The loan's position.
    #[account(mut)]
    pub position: Box<Account<'info, Position>>,
    /// The pool's rate source (omit for manual pools).
    /// CHECK: checked by the restaking program against the pool.
    pub rate_source: Option<UncheckedAccount<'info>>,
    /// The `Withdraw` ticket for the idle LST (needed when there is idle LST).
    /// CHECK: created by the restaking program, which checks its seeds.
    #[account(mut)]
    pub idle_ticket: Option<UncheckedAccount<'info>>,
    /// The restaking program's event authority.
    /// CHECK: its address (`constants::RESTAKING_EVENT_AUTHORITY`).
    #[account(address = RESTAKING_EVENT_AUTHORITY)]
    pub restaking_event_authority: UncheckedAccount<'info>,
    pub restaking_program: Program<'info, Restaking>,
    pub system_program: Program<'info, System>,
}

impl Liquidate<'_> {
    fn validate(&self) -> Result<()> {
        require!(
            self.loan.status == LoanStatus::Active,
            LenderError::LoanNotActive
        );
        Ok(())
    }
}

/// One delegation's accounts in `liquidate`'s remaining accounts.
struct Group<'a, 'info> {
    delegation: &'a AccountInfo<'info>,
    operator_pool: &'a AccountInfo<'info>,
    reward_indexes: &'a [AccountInfo<'info>],
    queue: &'a AccountInfo<'info>,
    ticket: &'a AccountInfo<'info>,
}

fn is_reward_index(info: &AccountInfo) -> bool {
    info.owner == &crate::restaking::ID
        && info
            .try_borrow_data()
            .is_ok_and(|d| d.starts_with(RewardIndex::DISCRIMINATOR))
}

/// Splits the remaining accounts into delegation groups. Only the layout is read here; the
/// restaking view and `undelegate` check every account of a group.
fn groups<'a, 'info>(mut rest: &'a [AccountInfo<'info>]) -> Result<Vec<Group<'a, 'info>>> {
    let mut out = Vec::new();
    while let Some((delegation, tail)) = rest.split_first() {
        let (operator_pool, tail) = tail
            .split_first()
            .ok_or(LenderError::InvalidRemainingAccounts)?;
        let n = tail.iter().take_while(|a| is_reward_index(a)).count();
        let (reward_indexes, tail) = tail.split_at(n);
        let [queue, ticket, tail @ ..] = tail else {
            return err!(LenderError::InvalidRemainingAccounts);
        };
        out.push(Group {
            delegation,
            operator_pool,
            reward_indexes,
            queue,
            ticket,
        });
        rest = tail;
    }
    Ok(out)
}

#[access_control(ctx.accounts.validate())]
pub fn handler<'info>(ctx: Context<'info, Liquidate<'info>>) -> Result<()> {
    let a = &mut *ctx.accounts;
    let groups = groups(ctx.remaining_accounts)?;
    let view_groups: Vec<AccountInfo<'info>> = groups
        .iter()
        .flat_map(|g| {
            [g.delegation.clone(), g.operator_pool.clone()]
                .into_iter()
                .chain(g.reward_indexes.iter().cloned())
        })
        .collect();

    let pool = a.pool.to_account_info();
    let position = a.position.to_account_info();
    let rate_source = a.rate_source.as_ref().map(|r| r.to_account_info());
    let program = a.restaking_program.to_account_info();
    let view = view_position(&ViewAccounts {
        restaking_program: &program,
        position: &position,
        pool: &pool,
        rate_source: rate_source.as_ref(),
        groups: &view_groups,
    })?;
    let v = valuation(&a.market, a.position.key(), &view)?;
    require_complete(&v, &a.position, &a.market_authority.key())?;
    // enforcement refreshes the rate too: a stale one would fail there
    require!(v.rate_fresh, LenderError::StaleRate);
    let debt = a.loan.debt;
    let requirement = a.market.maintenance_requirement(debt)?;
    require!(
        a.market.is_liquidatable(debt, v.collateral_loan_value)?,
        LenderError::LoanHealthy
    );

    let restaking = RestakingCpi {
        program: &program,
        event_authority: &a.restaking_event_authority.to_account_info(),
        authority: &a.market_authority.to_account_info(),
        market: a.market.key(),
        authority_bump: a.market.authority_bump,
    };
    let payer = a.liquidator.to_account_info();
    let system_program = a.system_program.to_account_info();
    let mut undelegations: u16 = 0;
    for (g, d) in groups.iter().zip(view.delegations.iter()) {
        require_keys_eq!(
            d.operator_pool,
            g.operator_pool.key(),
            LenderError::InvalidRemainingAccounts
        );
        if d.shares == 0 {
            continue;
        }
        restaking.fund_ticket_rent(&payer, &system_program)?;
        restaking.undelegate(
            &UndelegateAccounts {
                pool: &pool,
                position: &position,
                operator_pool: g.operator_pool,
                delegation: g.delegation,
                queue: g.queue,
                ticket: g.ticket,
                rate_source: rate_source.as_ref(),
                system_program: &system_program,
                reward_indexes: g.reward_indexes,
            },
            d.shares,
        )?;
        undelegations = undelegations
            .checked_add(1)
            .ok_or(LenderError::MathOverflow)?;
    }
    // the view stripped the idle holding at this very rate, as `request_withdrawal` will
    let idle = view.idle_lst;
    if idle > 0 {
        let ticket = a
            .idle_ticket
            .as_ref()
            .ok_or(LenderError::MissingTicketAccount)?
            .to_account_info();
        restaking.fund_ticket_rent(&payer, &system_program)?;
        restaking.request_withdrawal(
            &WithdrawAccounts {
                pool: &pool,
                position: &position,
                ticket: &ticket,
                rate_source: rate_source.as_ref(),
                system_program: &system_program,
            },
            idle,
        )?;
    }

    a.loan.status = LoanStatus::Liquidating;
    a.loan.liquidated_ts = Clock::get()?.unix_timestamp;
    emit!(LoanLiquidatedEvent {
        market: a.market.key(),
        loan: a.loan.key(),
        position: a.position.key(),
        liquidator: a.liquidator.key(),
        debt,
        collateral_loan_value: v.collateral_loan_value,
        maintenance_requirement: requirement,
        undelegation_tickets: undelegations,
        idle_lst_requested: idle,
    });
    if undelegations == 0 && idle == 0 {
        // nothing left to seize (e.g. slashed away): the default ends here
        let loan_key = a.loan.key();
        end_default(
            &restaking,
            &mut a.market,
            (&mut a.loan, loan_key),
            &position,
        )?;
    }
    Ok(())
}
