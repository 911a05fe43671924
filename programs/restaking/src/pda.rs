//! Creating program accounts at their PDAs, robust to pre-funding.
//!
//! Anyone can send lamports to an address before it exists. Anchor 1.2's `init` then takes the
//! `CreateAccountAllowPrefund` system instruction, which the runtimes we run on (Agave 3.1 in
//! solana-program-test) do not have, so one lamport would block that account — a user's next
//! withdrawal ticket, their position, a pool — forever. Every account this program creates is
//! created here instead, with the classic path for a pre-funded address: top up to
//! rent-exemption, `allocate`, `assign`, each signed by the PDA.
use crate::error::RestakingError;
use anchor_lang::prelude::*;
use anchor_lang::system_program::{self, Allocate, Assign, CreateAccount, Transfer};
use anchor_spl::token_2022::spl_token_2022::extension::{
    BaseStateWithExtensions, ExtensionType, StateWithExtensions,
};
use anchor_spl::token_2022::spl_token_2022::state::{
    Account as TokenAccountState, Mint as MintState,
};
use anchor_spl::token_interface::{self, InitializeAccount3};

/// Creates `account` (a PDA signed for by `signer_seeds`) with `space` bytes owned by `owner`,
/// paid by `payer`, whether or not the address already holds lamports.
pub fn create_account<'info>(
    payer: &AccountInfo<'info>,
    account: &AccountInfo<'info>,
    system_program: &AccountInfo<'info>,
    owner: &Pubkey,
    space: usize,
    signer_seeds: &[&[u8]],
) -> Result<()> {
    require_keys_eq!(
        *account.owner,
        system_program::ID,
        RestakingError::AccountAlreadyExists
    );
    require!(
        account.data_is_empty(),
        RestakingError::AccountAlreadyExists
    );
    let rent = Rent::get()?.minimum_balance(space);
    let lamports = account.lamports();
    let space_u64 = u64::try_from(space).map_err(|_| RestakingError::MathOverflow)?;
    let sp = system_program.key();
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
            owner,
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
        owner,
    )
}

/// Creates a program account of type `T` at its PDA and writes `value` (discriminator first).
pub fn init_account<'info, T: AccountSerialize>(
    payer: &AccountInfo<'info>,
    account: &AccountInfo<'info>,
    system_program: &AccountInfo<'info>,
    space: usize,
    signer_seeds: &[&[u8]],
    value: &T,
) -> Result<()> {
    create_account(
        payer,
        account,
        system_program,
        &crate::ID,
        space,
        signer_seeds,
    )?;
    let mut data = account.try_borrow_mut_data()?;
    let mut writer: &mut [u8] = &mut data;
    value.try_serialize(&mut writer)
}

/// Writes the discriminator and header of a freshly created, zeroed `UndelegationQueue`
/// (every cohort starts empty).
pub fn write_queue_header(account: &AccountInfo, operator_pool: Pubkey, bump: u8) -> Result<()> {
    use crate::state::UndelegationQueue;
    let mut data = account.try_borrow_mut_data()?;
    let disc = UndelegationQueue::DISCRIMINATOR;
    let (head, body) = data.split_at_mut(disc.len());
    head.copy_from_slice(disc);
    let queue: &mut UndelegationQueue =
        bytemuck::try_from_bytes_mut(body).map_err(|_| ErrorCode::AccountDidNotDeserialize)?;
    queue.operator_pool = operator_pool;
    queue.bump = bump;
    queue.version = crate::constants::ACCOUNT_VERSION;
    Ok(())
}

/// Creates a token account of `mint` at a PDA, owned by `authority`, sized for the mint's
/// Token-2022 extensions.
pub fn init_token_account<'info>(
    payer: &AccountInfo<'info>,
    account: &AccountInfo<'info>,
    mint: &AccountInfo<'info>,
    authority: &AccountInfo<'info>,
    token_program: &AccountInfo<'info>,
    system_program: &AccountInfo<'info>,
    signer_seeds: &[&[u8]],
) -> Result<()> {
    let space = if *mint.owner == anchor_spl::token_2022::ID {
        let data = mint.try_borrow_data()?;
        let state = StateWithExtensions::<MintState>::unpack(&data)?;
        let required =
            ExtensionType::get_required_init_account_extensions(&state.get_extension_types()?);
        ExtensionType::try_calculate_account_len::<TokenAccountState>(&required)?
    } else {
        anchor_spl::token::TokenAccount::LEN
    };
    create_account(
        payer,
        account,
        system_program,
        token_program.key,
        space,
        signer_seeds,
    )?;
    token_interface::initialize_account3(CpiContext::new(
        token_program.key(),
        InitializeAccount3 {
            account: account.clone(),
            mint: mint.clone(),
            authority: authority.clone(),
        },
    ))
}

/// Reads a program account of type `T` from an unchecked account: owner and discriminator are
/// checked (`AccountOwnedByWrongProgram`, `AccountDiscriminatorMismatch`).
pub fn load<T: AccountDeserialize + Owner>(account: &AccountInfo) -> Result<T> {
    require_keys_eq!(
        *account.owner,
        T::owner(),
        ErrorCode::AccountOwnedByWrongProgram
    );
    let data = account.try_borrow_data()?;
    let mut reader: &[u8] = &data;
    T::try_deserialize(&mut reader)
}

/// Writes `value` back into an account read with [`load`].
pub fn store<T: AccountSerialize>(account: &AccountInfo, value: &T) -> Result<()> {
    let mut data = account.try_borrow_mut_data()?;
    let mut writer: &mut [u8] = &mut data;
    value.try_serialize(&mut writer)
}
