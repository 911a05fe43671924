//! Token CPIs and the Token-2022 mint policy (SPEC §3), in one place.
use crate::error::RestakingError;
use crate::math::SafeMath;
use anchor_lang::prelude::*;
use anchor_spl::token_2022::spl_token_2022::extension::{
    default_account_state::DefaultAccountState, BaseStateWithExtensions, ExtensionType,
    StateWithExtensions,
};
use anchor_spl::token_2022::spl_token_2022::state::{AccountState, Mint as MintState};
use anchor_spl::token_interface::{self, Mint, TokenAccount, TransferChecked};

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
/// the vault actually received (less any Token-2022 transfer fee), measured by reloading it.
pub fn transfer_to_vault<'info>(
    token_program: &AccountInfo<'info>,
    from: &InterfaceAccount<'info, TokenAccount>,
    vault: &mut InterfaceAccount<'info, TokenAccount>,
    mint: &InterfaceAccount<'info, Mint>,
    authority: &AccountInfo<'info>,
    amount: u64,
) -> Result<u64> {
    let before = vault.amount;
    token_interface::transfer_checked(
        CpiContext::new(
            token_program.key(),
            TransferChecked {
                from: from.to_account_info(),
                mint: mint.to_account_info(),
                to: vault.to_account_info(),
                authority: authority.clone(),
            },
        ),
        amount,
        mint.decimals,
    )?;
    vault.reload()?;
    let received = vault.amount.safe_sub(before)?;
    require!(received > 0, RestakingError::NothingReceived);
    Ok(received)
}

/// Moves `amount` out of the vault, signed by the pool PDA.
pub fn transfer_from_vault<'info>(
    token_program: &AccountInfo<'info>,
    vault: &InterfaceAccount<'info, TokenAccount>,
    to: &AccountInfo<'info>,
    mint: &InterfaceAccount<'info, Mint>,
    pool: &AccountInfo<'info>,
    pool_seeds: &[&[u8]],
    amount: u64,
) -> Result<()> {
    token_interface::transfer_checked(
        CpiContext::new_with_signer(
            token_program.key(),
            TransferChecked {
                from: vault.to_account_info(),
                mint: mint.to_account_info(),
                to: to.clone(),
                authority: pool.clone(),
            },
            &[pool_seeds],
        ),
        amount,
        mint.decimals,
    )
}
