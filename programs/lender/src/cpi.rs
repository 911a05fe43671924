//! Every CPI into the restaking program, through the modules `declare_program!(restaking)`
//! generates from the committed IDL. The market's authority PDA signs each one with
//! `invoke_signed` as the lien holder; the restaking program checks every account it is given
//! (PDAs, owners, the lien), so a wrong account fails there with its named error.
use crate::constants::{AUTHORITY_SEED, TICKET_SPACE};
use crate::restaking::cpi::{self as rcpi, accounts as racc};
use anchor_lang::prelude::*;
use anchor_lang::system_program::{self, Transfer};

/// The restaking program, its event authority and the market authority that signs.
pub struct RestakingCpi<'a, 'info> {
    pub program: &'a AccountInfo<'info>,
    pub event_authority: &'a AccountInfo<'info>,
    /// The market's authority PDA (`["authority", market]`): the lien holder.
    pub authority: &'a AccountInfo<'info>,
    pub market: Pubkey,
    pub authority_bump: u8,
}

/// The accounts of an enforcement `undelegate` (besides the program's and the authority).
pub struct UndelegateAccounts<'a, 'info> {
    pub pool: &'a AccountInfo<'info>,
    pub position: &'a AccountInfo<'info>,
    pub operator_pool: &'a AccountInfo<'info>,
    pub delegation: &'a AccountInfo<'info>,
    pub queue: &'a AccountInfo<'info>,
    pub ticket: &'a AccountInfo<'info>,
    pub rate_source: Option<&'a AccountInfo<'info>>,
    pub system_program: &'a AccountInfo<'info>,
    /// The bucket's reward indexes, in slot order.
    pub reward_indexes: &'a [AccountInfo<'info>],
}

/// The accounts of an enforcement `request_withdrawal`.
pub struct WithdrawAccounts<'a, 'info> {
    pub pool: &'a AccountInfo<'info>,
    pub position: &'a AccountInfo<'info>,
    pub ticket: &'a AccountInfo<'info>,
    pub rate_source: Option<&'a AccountInfo<'info>>,
    pub system_program: &'a AccountInfo<'info>,
}

/// The accounts of `complete_withdrawal` of an enforcement ticket.
pub struct CompleteAccounts<'a, 'info> {
    pub pool: &'a AccountInfo<'info>,
    pub position: &'a AccountInfo<'info>,
    pub ticket: &'a AccountInfo<'info>,
    pub lst_mint: &'a AccountInfo<'info>,
    pub pool_vault: &'a AccountInfo<'info>,
    /// Receives a `Withdraw` ticket's LST: the market's collateral vault.
    pub destination: &'a AccountInfo<'info>,
    pub token_program: &'a AccountInfo<'info>,
    /// For an `Undelegate` ticket: its bucket, the position's delegation and the bucket's queue.
    pub operator_pool: Option<&'a AccountInfo<'info>>,
    pub delegation: Option<&'a AccountInfo<'info>>,
    pub queue: Option<&'a AccountInfo<'info>>,
}

impl<'a, 'info> RestakingCpi<'a, 'info> {
    fn with_seeds<R>(&self, f: impl FnOnce(&[&[&[u8]]]) -> R) -> R {
        let bump = [self.authority_bump];
        let seeds: [&[u8]; 3] = [AUTHORITY_SEED, self.market.as_ref(), &bump];
        f(&[&seeds])
    }

    /// `set_lien`: the owner (signer of the outer transaction) and the authority sign.
    pub fn set_lien(
        &self,
        owner: &AccountInfo<'info>,
        position: &AccountInfo<'info>,
    ) -> Result<()> {
        let accounts = racc::SetLien {
            owner: owner.clone(),
            lien_holder: self.authority.clone(),
            position: position.clone(),
            event_authority: self.event_authority.clone(),
            program: self.program.clone(),
        };
        self.with_seeds(|signer| {
            rcpi::set_lien(CpiContext::new_with_signer(
                self.program.key(),
                accounts,
                signer,
            ))
        })
    }

    /// `release_lien`, signed by the authority alone.
    pub fn release_lien(&self, position: &AccountInfo<'info>) -> Result<()> {
        let accounts = racc::ReleaseLien {
            lien_holder: self.authority.clone(),
            position: position.clone(),
            event_authority: self.event_authority.clone(),
            program: self.program.clone(),
        };
        self.with_seeds(|signer| {
            rcpi::release_lien(CpiContext::new_with_signer(
                self.program.key(),
                accounts,
                signer,
            ))
        })
    }

    /// Enforcement `undelegate(shares)`: the authority alone, so the ticket is the lender's.
    pub fn undelegate(&self, a: &UndelegateAccounts<'a, 'info>, shares: u64) -> Result<()> {
        let accounts = racc::Undelegate {
            authority: self.authority.clone(),
            lien_holder: None,
            pool: a.pool.clone(),
            position: a.position.clone(),
            operator_pool: a.operator_pool.clone(),
            delegation: a.delegation.clone(),
            queue: a.queue.clone(),
            ticket: a.ticket.clone(),
            rate_source: a.rate_source.cloned(),
            system_program: a.system_program.clone(),
            event_authority: self.event_authority.clone(),
            program: self.program.clone(),
        };
        self.with_seeds(|signer| {
            rcpi::undelegate(
                CpiContext::new_with_signer(self.program.key(), accounts, signer)
                    .with_remaining_accounts(a.reward_indexes.to_vec()),
                shares,
            )
        })
    }

    /// Enforcement `request_withdrawal(amount)` of idle LST: the authority alone.
    pub fn request_withdrawal(&self, a: &WithdrawAccounts<'a, 'info>, amount: u64) -> Result<()> {
        let accounts = racc::RequestWithdrawal {
            authority: self.authority.clone(),
            lien_holder: None,
            pool: a.pool.clone(),
            position: a.position.clone(),
            ticket: a.ticket.clone(),
            rate_source: a.rate_source.cloned(),
            system_program: a.system_program.clone(),
            event_authority: self.event_authority.clone(),
            program: self.program.clone(),
        };
        self.with_seeds(|signer| {
            rcpi::request_withdrawal(
                CpiContext::new_with_signer(self.program.key(), accounts, signer),
                amount,
            )
        })
    }

    /// `complete_withdrawal` of one of the authority's enforcement tickets (rent back to it).
    pub fn complete_withdrawal(&self, a: &CompleteAccounts<'a, 'info>) -> Result<()> {
        let accounts = racc::CompleteWithdrawal {
            authority: self.authority.clone(),
            pool: a.pool.clone(),
            position: a.position.clone(),
            ticket: a.ticket.clone(),
            lst_mint: a.lst_mint.clone(),
            pool_vault: a.pool_vault.clone(),
            owner_lst_account: a.destination.clone(),
            token_program: a.token_program.clone(),
            operator_pool: a.operator_pool.cloned(),
            delegation: a.delegation.cloned(),
            queue: a.queue.cloned(),
            event_authority: self.event_authority.clone(),
            program: self.program.clone(),
        };
        self.with_seeds(|signer| {
            rcpi::complete_withdrawal(CpiContext::new_with_signer(
                self.program.key(),
                accounts,
                signer,
            ))
        })
    }

    /// Permissionless `harvest` of the position's idle holding: strips its base yield at the
    /// fresh rate, so the idle LST read afterwards is what `request_withdrawal` can take now.
    pub fn harvest(
        &self,
        pool: &AccountInfo<'info>,
        position: &AccountInfo<'info>,
        rate_source: Option<&AccountInfo<'info>>,
    ) -> Result<()> {
        let accounts = racc::Harvest {
            pool: pool.clone(),
            position: Some(position.clone()),
            rate_source: rate_source.cloned(),
            operator_pool: None,
            event_authority: self.event_authority.clone(),
            program: self.program.clone(),
        };
        rcpi::harvest(CpiContext::new(self.program.key(), accounts))
    }

    /// Tops the authority up from `payer` so it can pay one more ticket's rent and stay
    /// rent-exempt itself (the rent comes back to it when the ticket closes).
    pub fn fund_ticket_rent(
        &self,
        payer: &AccountInfo<'info>,
        system_program: &AccountInfo<'info>,
    ) -> Result<()> {
        let rent = Rent::get()?;
        let need = rent
            .minimum_balance(0)
            .checked_add(rent.minimum_balance(TICKET_SPACE))
            .ok_or(crate::error::LenderError::MathOverflow)?;
        let shortfall = need.saturating_sub(self.authority.lamports());
        if shortfall == 0 {
            return Ok(());
        }
        system_program::transfer(
            CpiContext::new(
                system_program.key(),
                Transfer {
                    from: payer.clone(),
                    to: self.authority.clone(),
                },
            ),
            shortfall,
        )
    }
}
