//! `add_reward_mint`: opens a reward stream (a `RewardIndex` and its vault) on an operator
//! bucket, in the next free slot. Signed by the operator's authority or the admin. The reward
//! mint follows the same Token-2022 policy as LSTs.
use crate::constants::{ACCOUNT_VERSION, MAX_REWARD_MINTS};
use crate::error::RestakingError;
use crate::events::RewardMintAddedEvent;
use crate::state::{Config, Operator, OperatorPool, RewardIndex};
use crate::token::validate_mint_extensions;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[event_cpi]
#[derive(Accounts)]
pub struct AddRewardMint<'info> {
    /// The operator's authority or the admin; pays the rent.
    #[account(mut)]
    pub signer: Signer<'info>,
    pub config: Box<Account<'info, Config>>,
    pub operator: Box<Account<'info, Operator>>,
    #[account(mut, has_one = operator @ RestakingError::WrongDelegation)]
    pub operator_pool: Box<Account<'info, OperatorPool>>,
    #[account(mint::token_program = token_program)]
    pub reward_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init,
        payer = signer,
        space = RewardIndex::SPACE,
        seeds = [RewardIndex::SEED, operator_pool.key().as_ref(), reward_mint.key().as_ref()],
        bump,
    )]
    pub reward_index: Box<Account<'info, RewardIndex>>,
    #[account(
        init,
        payer = signer,
        seeds = [RewardIndex::VAULT_SEED, reward_index.key().as_ref()],
        bump,
        token::mint = reward_mint,
        token::authority = reward_index,
        token::token_program = token_program,
    )]
    pub reward_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl AddRewardMint<'_> {
    fn validate(&self) -> Result<()> {
        let signer = self.signer.key();
        require!(
            signer == self.operator.authority || signer == self.config.admin,
            RestakingError::NotOperatorOrAdmin
        );
        require!(
            usize::from(self.operator_pool.reward_mint_count) < MAX_REWARD_MINTS,
            RestakingError::TooManyRewardMints
        );
        validate_mint_extensions(&self.reward_mint.to_account_info())
    }
}

#[access_control(ctx.accounts.validate())]
pub fn handler(ctx: Context<AddRewardMint>) -> Result<()> {
    let bucket = &mut ctx.accounts.operator_pool;
    let slot = bucket.reward_mint_count;
    let mint = ctx.accounts.reward_mint.key();
    *bucket
        .reward_mints
        .get_mut(usize::from(slot))
        .ok_or(RestakingError::TooManyRewardMints)? = mint;
    bucket.reward_mint_count = slot.checked_add(1).ok_or(RestakingError::MathOverflow)?;

    ctx.accounts.reward_index.set_inner(RewardIndex {
        operator_pool: bucket.key(),
        reward_mint: mint,
        reward_vault: ctx.accounts.reward_vault.key(),
        token_program: ctx.accounts.token_program.key(),
        slot,
        acc_per_share: 0,
        carry_scaled: 0,
        protocol_fees_owed: 0,
        commission_owed: 0,
        total_funded: 0,
        total_net: 0,
        total_paid: 0,
        total_protocol_fees: 0,
        total_commission: 0,
        bump: ctx.bumps.reward_index,
        vault_bump: ctx.bumps.reward_vault,
        version: ACCOUNT_VERSION,
        reserved: [0; 32],
    });
    let event = RewardMintAddedEvent {
        operator_pool: bucket.key(),
        reward_index: ctx.accounts.reward_index.key(),
        reward_mint: mint,
        reward_vault: ctx.accounts.reward_vault.key(),
        slot,
    };
    emit_cpi!(event);
    Ok(())
}
