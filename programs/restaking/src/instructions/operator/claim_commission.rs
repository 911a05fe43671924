//! `claim_commission`: the operator takes its commission owed by one reward stream.
use crate::error::RestakingError;
use crate::events::CommissionClaimedEvent;
use crate::reward_streams::transfer_from_reward_vault;
use crate::state::{Operator, OperatorPool, RewardIndex};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[event_cpi]
#[derive(Accounts)]
pub struct ClaimCommission<'info> {
    /// The operator's authority.
    pub authority: Signer<'info>,
    /// The operator whose commission is paid.
    #[account(has_one = authority @ RestakingError::NotOperatorAuthority)]
    pub operator: Box<Account<'info, Operator>>,
    /// The operator's bucket the stream belongs to.
    #[account(has_one = operator @ RestakingError::WrongDelegation)]
    pub operator_pool: Box<Account<'info, OperatorPool>>,
    /// The reward stream whose commission is paid.
    #[account(
        mut, dup,
        has_one = operator_pool @ RestakingError::RewardStreamMismatch,
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
    /// Any token account of `reward_mint`; receives the commission.
    #[account(
        mut, dup,
        constraint = destination.mint == reward_mint.key() @ RestakingError::InvalidMint,
        constraint = destination.key() != reward_vault.key() @ RestakingError::InvalidRewardVault,
    )]
    pub destination: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Token program of the mint (SPL Token or Token-2022).
    pub token_program: Interface<'info, TokenInterface>,
}

pub fn handler(ctx: Context<ClaimCommission>) -> Result<()> {
    let accounts = &mut *ctx.accounts;
    let amount = core::mem::take(&mut accounts.reward_index.commission_owed);
    if amount > 0 {
        transfer_from_reward_vault(
            &accounts.reward_index,
            &accounts.reward_index.to_account_info(),
            &accounts.reward_vault.to_account_info(),
            &accounts.reward_mint.to_account_info(),
            &accounts.destination.to_account_info(),
            &accounts.token_program.to_account_info(),
            accounts.reward_mint.decimals,
            amount,
        )?;
    }
    let event = CommissionClaimedEvent {
        operator: accounts.operator.key(),
        reward_index: accounts.reward_index.key(),
        destination: accounts.destination.key(),
        amount,
    };
    emit_cpi!(event);
    Ok(())
}
