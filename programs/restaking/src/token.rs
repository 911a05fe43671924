//! Token CPIs and the Token-2022 mint policy (SPEC §3), in one place.
use crate::error::RestakingError;
use crate::math::SafeMath;
use crate::state::Pool;
use anchor_lang::prelude::*;
use anchor_spl::token_2022::spl_token_2022::extension::{
    default_account_state::DefaultAccountState, BaseStateWithExtensions, ExtensionType,
    StateWithExtensions,
};
use anchor_spl::token_2022::spl_token_2022::state::{AccountState, Mint as MintState};
use anchor_spl::token_interface::{self, TokenAccount, TransferChecked};

/// Rejects mints whose extensions would let a third party move, freeze or hide vault funds,
/// or run foreign code on every transfer: transfer hook, permanent delegate, confidential
/// transfers, non-transferable, pausable, and a default account state of frozen.
/// Transfer fees are accepted: deposits are credited with what the vault actually received.
pub fn validate_mint_extensions(mint: &AccountInfo) -> Result<()> {
    if *mint.owner != anchor_spl::token_2022::ID {
        return Ok(());
    }
    let data = mint.try_borrow_data()?;
    let state = StateWithExtensions::<MintState>::unpack(&data)?;
    for extension in state.get_extension_types()? {
        match extension {
            ExtensionType::TransferHook
            | ExtensionType::PermanentDelegate
            | ExtensionType::ConfidentialTransferMint
            | ExtensionType::ConfidentialTransferFeeConfig
            | ExtensionType::ConfidentialMintBurn
            | ExtensionType::NonTransferable
            | ExtensionType::Pausable => return err!(RestakingError::UnsupportedMintExtension),
            ExtensionType::DefaultAccountState => {
                let ext = state.get_extension::<DefaultAccountState>()?;
                require!(
                    ext.state != u8::from(AccountState::Frozen),
                    RestakingError::UnsupportedMintExtension
                );
            }
            _ => {}
        }
    }
    Ok(())
}

/// Moves `amount` from a user's account into the vault, signed by the user, and returns what
/// the vault actually received (less any Token-2022 transfer fee), measured by reading the
/// vault's balance before and after. The token program checks `mint` and `decimals` against
/// both accounts.
pub fn transfer_to_vault<'info>(
    token_program: &AccountInfo<'info>,
    from: &AccountInfo<'info>,
    vault: &InterfaceAccount<'info, TokenAccount>,
    mint: &AccountInfo<'info>,
    decimals: u8,
    authority: &AccountInfo<'info>,
    amount: u64,
) -> Result<u64> {
    let before = vault.amount;
    let vault_info: &AccountInfo<'info> = vault.as_ref();
    token_interface::transfer_checked(
        CpiContext::new(
            token_program.key(),
            TransferChecked {
                from: from.clone(),
                mint: mint.clone(),
                to: vault_info.clone(),
                authority: authority.clone(),
            },
        ),
        amount,
        decimals,
    )?;
    let received = token_account_amount(vault_info)?.safe_sub(before)?;
    require!(received > 0, RestakingError::NothingReceived);
    Ok(received)
}

/// Moves `amount` out of the pool's vault, signed by the pool PDA (mint decimals from the pool).
pub fn transfer_from_vault<'info>(
    token_program: &AccountInfo<'info>,
    vault: &InterfaceAccount<'info, TokenAccount>,
    to: &AccountInfo<'info>,
    mint: &AccountInfo<'info>,
    pool: &Account<'info, Pool>,
    amount: u64,
) -> Result<()> {
    token_interface::transfer_checked(
        CpiContext::new_with_signer(
            token_program.key(),
            TransferChecked {
                from: vault.to_account_info(),
                mint: mint.clone(),
                to: to.clone(),
                authority: pool.to_account_info(),
            },
            &[&pool.signer_seeds()],
        ),
        amount,
        pool.lst_decimals,
    )
}

/// Byte range of `amount` in a token account: SPL Token and Token-2022 share the base layout
/// (mint 32, owner 32, amount 8, ...).
const TOKEN_ACCOUNT_AMOUNT: core::ops::Range<usize> = 64..72;

/// The balance of a token account validated as one (an `InterfaceAccount`) before a CPI, read
/// in place after it: cheaper than `reload()`, which unpacks the whole account again.
fn token_account_amount(account: &AccountInfo) -> Result<u64> {
    let data = account.try_borrow_data()?;
    let bytes = data
        .get(TOKEN_ACCOUNT_AMOUNT)
        .ok_or(ErrorCode::AccountDidNotDeserialize)?;
    let mut amount = [0u8; 8];
    amount.copy_from_slice(bytes);
    Ok(u64::from_le_bytes(amount))
}
