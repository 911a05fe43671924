//! `add_reward_mint`: opens a reward stream (a `RewardIndex` and its vault) on an operator
//! bucket, in the next free slot, with `min_duration_secs`, the shortest duration its fundings
//! may stream over (0 allows immediate funding). Signed by the operator's authority or the
//! admin. The reward mint follows the same Token-2022 policy as LSTs. A mint with a freeze
//! authority is accepted (many real reward tokens have one): a frozen reward vault can only
//! stop that stream's payments — claims of other streams, exits and closing records go on
//! (`close_delegation(forfeit_rewards)`), and no LST is ever at stake.
use crate::constants::{ACCOUNT_VERSION, MAX_REWARD_MINTS};
use crate::error::RestakingError;
use crate::events::RewardMintAddedEvent;
use crate::pda::{init_account, init_token_account};
use crate::state::{Config, Operator, OperatorPool, RewardIndex, MAX_REWARD_DURATION_SECS};
use crate::token::validate_mint_extensions;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenInterface};

#[event_cpi]
#[derive(Accounts)]
pub struct AddRewardMint<'info> {
    /// The operator's authority or the admin; pays the rent.
    #[account(mut)]
    pub signer: Signer<'info>,
    /// The program config (names the admin).
    pub config: Box<Account<'info, Config>>,
    /// The bucket's operator.
    pub operator: Box<Account<'info, Operator>>,
    /// The bucket that gets the stream.
    #[account(mut, dup, has_one = operator @ RestakingError::WrongDelegation)]
    pub operator_pool: Box<Account<'info, OperatorPool>>,
    /// Mint of the reward token (owned by `token_program`).
    #[account(
        constraint = *reward_mint.to_account_info().owner == token_program.key()
            @ RestakingError::InvalidTokenProgram,
    )]
    pub reward_mint: Box<InterfaceAccount<'info, Mint>>,
    /// The new reward stream, created by this instruction.
    /// CHECK: seeds checked here; created with `pda::init_account` (robust to pre-funding).
    #[account(
        mut,
        seeds = [RewardIndex::SEED, operator_pool.key().as_ref(), reward_mint.key().as_ref()],
        bump,
    )]
    pub reward_index: UncheckedAccount<'info>,
    /// The stream's vault, created by this instruction: a token account of `reward_mint`
    /// owned by the reward index.
    /// CHECK: seeds checked here; created with `pda::init_token_account`.
    #[account(
        mut,
        seeds = [RewardIndex::VAULT_SEED, reward_index.key().as_ref()],
        bump,
    )]
    pub reward_vault: UncheckedAccount<'info>,
    /// Owner program of `reward_mint` (SPL Token or Token-2022).
    pub token_program: Interface<'info, TokenInterface>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

impl AddRewardMint<'_> {
    fn validate(&self, min_duration_secs: u32) -> Result<()> {
        require!(
            min_duration_secs <= MAX_REWARD_DURATION_SECS,
            RestakingError::RewardDurationTooLong
        );
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

#[access_control(ctx.accounts.validate(min_duration_secs))]
pub fn handler(ctx: Context<AddRewardMint>, min_duration_secs: u32) -> Result<()> {
    let bucket = &mut ctx.accounts.operator_pool;
    let slot = bucket.reward_mint_count;
    let mint = ctx.accounts.reward_mint.key();
    *bucket
        .reward_mints
        .get_mut(usize::from(slot))
        .ok_or(RestakingError::TooManyRewardMints)? = mint;
    bucket.reward_mint_count = slot.checked_add(1).ok_or(RestakingError::MathOverflow)?;

    let bucket_key = bucket.key();
    let index_key = ctx.accounts.reward_index.key();
    let signer = ctx.accounts.signer.to_account_info();
    let system_program = ctx.accounts.system_program.to_account_info();
    let index_info = ctx.accounts.reward_index.to_account_info();
    let index = RewardIndex {
        operator_pool: bucket_key,
        reward_mint: mint,
        reward_vault: ctx.accounts.reward_vault.key(),
        token_program: ctx.accounts.token_program.key(),
        slot,
        acc_per_share: 0,
        carry_scaled: 0,
        streaming_scaled: 0,
        stream_remaining_secs: 0,
        last_update_ts: Clock::get()?.unix_timestamp,
        min_duration_secs,
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
    };
    init_account(
        &signer,
        &index_info,
        &system_program,
        RewardIndex::SPACE,
        &[
            RewardIndex::SEED,
            bucket_key.as_ref(),
            mint.as_ref(),
            &[ctx.bumps.reward_index],
        ],
        &index,
    )?;
    init_token_account(
        &signer,
        &ctx.accounts.reward_vault.to_account_info(),
        &ctx.accounts.reward_mint.to_account_info(),
        &index_info,
        &ctx.accounts.token_program.to_account_info(),
        &system_program,
        &[
            RewardIndex::VAULT_SEED,
            index_key.as_ref(),
            &[ctx.bumps.reward_vault],
        ],
    )?;
    let event = RewardMintAddedEvent {
        operator_pool: bucket_key,
        reward_index: index_key,
        reward_mint: mint,
        reward_vault: ctx.accounts.reward_vault.key(),
        slot,
        min_duration_secs,
    };
    emit_cpi!(event);
    Ok(())
}
