//! `claim_protocol_fees`: sends one reward stream's protocol fees to a token account owned by
//! the treasury. Permissionless: the destination is pinned to the treasury.
use crate::error::RestakingError;
use crate::events::ProtocolFeesClaimedEvent;
use crate::reward_streams::transfer_from_reward_vault;
use crate::state::{Config, RewardIndex};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[event_cpi]
#[derive(Accounts)]
pub struct ClaimProtocolFees<'info> {
    /// The program config (names the treasury).
    pub config: Box<Account<'info, Config>>,
    /// The reward stream whose protocol fees are paid.
    #[account(
        mut, dup,
        has_one = reward_mint @ RestakingError::InvalidMint,
        has_one = reward_vault @ RestakingError::InvalidRewardVault,
        has_one = token_program @ RestakingError::InvalidTokenProgram,
    )]
    pub reward_index: Box<Account<'info, RewardIndex>>,
    /// Mint of the stream's reward token.
    pub reward_mint: Box<InterfaceAccount<'info, Mint>>,
    /// The stream's vault (`["reward_vault", reward_index]`).
    #[account(mut, dup)]
    pub reward_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// A token account of `reward_mint` owned by the config's treasury; receives the fees.
    #[account(
        mut, dup,
        constraint = treasury_account.mint == reward_mint.key() @ RestakingError::InvalidMint,
        constraint = treasury_account.owner == config.treasury @ RestakingError::InvalidTreasuryAccount,
        constraint = treasury_account.key() != reward_vault.key() @ RestakingError::InvalidTreasuryAccount,
    )]
    pub treasury_account: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Token program of the mint (SPL Token or Token-2022).
    pub token_program: Interface<'info, TokenInterface>,
}

pub fn handler(ctx: Context<ClaimProtocolFees>) -> Result<()> {
    let accounts = &mut *ctx.accounts;
    let amount = core::mem::take(&mut accounts.reward_index.protocol_fees_owed);
    if amount > 0 {
        transfer_from_reward_vault(
            &accounts.reward_index,
            &accounts.reward_index.to_account_info(),
            &accounts.reward_vault.to_account_info(),
            &accounts.reward_mint.to_account_info(),
            &accounts.treasury_account.to_account_info(),
            &accounts.token_program.to_account_info(),
            accounts.reward_mint.decimals,
            amount,
        )?;
    }
    let event = ProtocolFeesClaimedEvent {
        reward_index: accounts.reward_index.key(),
        destination: accounts.treasury_account.key(),
        amount,
    };
    emit_cpi!(event);
    Ok(())
}
