//! `fund_rewards(amount, duration_secs)`: anyone (typically a service) pays rewards into a
//! bucket's stream. The protocol fee and the operator's commission (both rounded up; the
//! commission is the operator's scheduled one capped by the config's current maximum) are set
//! aside; the net streams linearly over `duration_secs` of active time (at least the stream's
//! `min_duration_secs`), blended with what is still streaming — or, with a duration of 0 where
//! the stream allows it, is spread at once over the bucket's active shares (carried forward
//! while it has none).
use crate::error::RestakingError;
use crate::events::RewardsFundedEvent;
use crate::math::SafeMath;
use crate::state::{Config, FundingFees, Operator, OperatorPool, RewardIndex};
use crate::token::transfer_to_vault;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[event_cpi]
#[derive(Accounts)]
pub struct FundRewards<'info> {
    /// Anyone; sends the reward tokens.
    pub funder: Signer<'info>,
    /// The program config (protocol fee).
    pub config: Box<Account<'info, Config>>,
    /// The bucket's operator (commission).
    pub operator: Box<Account<'info, Operator>>,
    /// The bucket whose delegators earn the rewards.
    #[account(has_one = operator @ RestakingError::WrongDelegation)]
    pub operator_pool: Box<Account<'info, OperatorPool>>,
    /// The reward stream funded.
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
    /// The funder's token account of `reward_mint`; sends `amount`.
    #[account(
        mut, dup,
        constraint = funder_reward_account.mint == reward_mint.key() @ RestakingError::InvalidMint,
        constraint = funder_reward_account.key() != reward_vault.key() @ RestakingError::InvalidRewardVault,
    )]
    pub funder_reward_account: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Token program of the mint (SPL Token or Token-2022).
    pub token_program: Interface<'info, TokenInterface>,
}

impl FundRewards<'_> {
    fn validate(&self, amount: u64, duration_secs: u32) -> Result<()> {
        require!(amount > 0, RestakingError::ZeroAmount);
        self.reward_index.validate_duration(duration_secs)?;
        require!(
            self.funder_reward_account.amount >= amount,
            RestakingError::InsufficientFunds
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(amount, duration_secs))]
pub fn handler(ctx: Context<FundRewards>, amount: u64, duration_secs: u32) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut *ctx.accounts;
    let received = transfer_to_vault(
        &accounts.token_program.to_account_info(),
        &accounts.funder_reward_account.to_account_info(),
        &accounts.reward_vault,
        &accounts.reward_mint.to_account_info(),
        accounts.reward_mint.decimals,
        &accounts.funder.to_account_info(),
        amount,
    )?;
    let active_shares = accounts.operator_pool.total_shares;
    let index = &mut accounts.reward_index;
    let fees = FundingFees {
        protocol_fee_bps: accounts.config.protocol_fee_bps,
        commission_bps: accounts
            .operator
            .commission_charged(now, accounts.config.max_commission_bps),
    };
    let split = index.fund(received, duration_secs, fees, now, active_shares)?;
    let event = RewardsFundedEvent {
        operator_pool: index.operator_pool,
        reward_index: index.key(),
        reward_mint: index.reward_mint,
        funder: accounts.funder.key(),
        amount,
        received,
        protocol_fee: split.protocol_fee,
        commission: split.commission,
        commission_bps: fees.commission_bps,
        net: split.net,
        duration_secs,
        stream_rate_scaled: index.rate_scaled()?,
        stream_end_ts: now.safe_add(
            i64::try_from(index.stream_remaining_secs).map_err(|_| RestakingError::MathOverflow)?,
        )?,
        streaming: index.streaming()?,
        active_shares,
        acc_per_share: index.acc_per_share,
        carry_scaled: index.carry_scaled,
    };
    emit_cpi!(event);
    Ok(())
}
