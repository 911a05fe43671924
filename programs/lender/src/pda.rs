//! Addresses of the lender's accounts, and creating a PDA account whatever lamports its address
//! already holds.
use crate::constants::{AUTHORITY_SEED, COLLATERAL_VAULT_SEED, LIQUIDITY_VAULT_SEED};
use crate::error::LenderError;
use crate::state::{Loan, Market};
use anchor_lang::prelude::*;
use anchor_lang::system_program::{self, Allocate, Assign, CreateAccount, Transfer};

/// `["market", admin, pool, loan_mint]`.
pub fn market_address(admin: &Pubkey, pool: &Pubkey, loan_mint: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[
            Market::SEED,
            admin.as_ref(),
            pool.as_ref(),
            loan_mint.as_ref(),
        ],
        &crate::ID,
    )
}

/// `["authority", market]`: holds the liens and signs for the market.
pub fn authority_address(market: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[AUTHORITY_SEED, market.as_ref()], &crate::ID)
}

/// `["liquidity_vault", market]`.
pub fn liquidity_vault_address(market: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[LIQUIDITY_VAULT_SEED, market.as_ref()], &crate::ID)
}

/// `["collateral_vault", market]`.
pub fn collateral_vault_address(market: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[COLLATERAL_VAULT_SEED, market.as_ref()], &crate::ID)
}

/// `["loan", market, borrower]`.
pub fn loan_address(market: &Pubkey, borrower: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[Loan::SEED, market.as_ref(), borrower.as_ref()],
        &crate::ID,
    )
}

/// Creates `account` (a PDA of this program signed for by `signer_seeds`) with `space` bytes,
/// paid by `payer`, whether or not the address already holds lamports: anyone can send lamports
/// to a borrower's loan address before it exists, and Anchor's `init` would then need a system
/// instruction the runtimes we run on do not have (the restaking program does the same).
pub fn create_account<'info>(
    payer: &AccountInfo<'info>,
    account: &AccountInfo<'info>,
    system_program: &AccountInfo<'info>,
    space: usize,
    signer_seeds: &[&[u8]],
) -> Result<()> {
    require_keys_eq!(
        *account.owner,
        system_program::ID,
        LenderError::InvalidRemainingAccounts
    );
    let rent = Rent::get()?.minimum_balance(space);
    let space_u64 = u64::try_from(space).map_err(|_| LenderError::MathOverflow)?;
    let sp = system_program.key();
    let lamports = account.lamports();
    if lamports == 0 {
        return system_program::create_account(
            CpiContext::new_with_signer(
                sp,
                CreateAccount {
                    from: payer.clone(),
                    to: account.clone(),
                },
                &[signer_seeds],
            ),
            rent,
            space_u64,
            &crate::ID,
        );
    }
    let shortfall = rent.saturating_sub(lamports);
    if shortfall > 0 {
        system_program::transfer(
            CpiContext::new(
                sp,
                Transfer {
                    from: payer.clone(),
                    to: account.clone(),
                },
            ),
            shortfall,
        )?;
    }
    system_program::allocate(
        CpiContext::new_with_signer(
            sp,
            Allocate {
                account_to_allocate: account.clone(),
            },
            &[signer_seeds],
        ),
        space_u64,
    )?;
    system_program::assign(
        CpiContext::new_with_signer(
            sp,
            Assign {
                account_to_assign: account.clone(),
            },
            &[signer_seeds],
        ),
        &crate::ID,
    )
}
