//! Reward-stream settlement shared by every instruction that changes a delegation's shares
//! or pays its rewards (SPEC §3 "Restaking rewards").
//!
//! Remaining-accounts layouts (client builders, mind the order):
//! - `delegate`, `undelegate`, `cancel_withdrawal` of an `Undelegate` ticket: every
//!   `RewardIndex` of the bucket, writable, in slot order (`operator_pool.reward_mints`), so
//!   each stream is brought up to date and settled before the shares change.
//! - `claim`: for each stream to pay, in any order, the group
//!   `[reward_index (w), reward_vault (w), reward_mint, owner_reward_account (w), token_program]`.
//! - `close_delegation` with `forfeit_rewards`: the `RewardIndex` (writable) of every stream
//!   the delegation is still owed rewards by, any order.
use crate::error::RestakingError;
use crate::math::{accrued, SafeMath};
use crate::state::{Delegation, OperatorPool, RewardIndex, REWARD_ACC_SCALE};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, TransferChecked};

/// Accounts per stream in `claim`'s remaining accounts.
pub const CLAIM_GROUP_LEN: usize = 5;

/// Loads the bucket's reward indices from `accounts` (all of them, in slot order), brings each
/// stream up to `now` over the bucket's current active shares and writes it back: call it
/// before the bucket's shares change.
pub fn load_indexes<'info>(
    bucket: &OperatorPool,
    bucket_key: &Pubkey,
    accounts: &'info [AccountInfo<'info>],
    now: i64,
) -> Result<Vec<Account<'info, RewardIndex>>> {
    let count = usize::from(bucket.reward_mint_count);
    require!(
        accounts.len() >= count,
        RestakingError::MissingRewardIndexes
    );
    let mut indexes = Vec::with_capacity(count);
    for (slot, info) in accounts.iter().take(count).enumerate() {
        let mut index = load_writable_index(info, bucket_key)?;
        require!(
            usize::from(index.slot) == slot,
            RestakingError::RewardStreamMismatch
        );
        index.accrue(now, bucket.total_shares)?;
        index.exit(&crate::ID)?;
        indexes.push(index);
    }
    Ok(indexes)
}

/// Loads a writable `RewardIndex` of the bucket `bucket_key`.
fn load_writable_index<'info>(
    info: &'info AccountInfo<'info>,
    bucket_key: &Pubkey,
) -> Result<Account<'info, RewardIndex>> {
    require!(info.is_writable, RestakingError::RewardIndexNotWritable);
    let index: Account<'info, RewardIndex> = Account::try_from(info)?;
    require_keys_eq!(
        index.operator_pool,
        *bucket_key,
        RestakingError::RewardStreamMismatch
    );
    Ok(index)
}

/// Gives back to their streams the rewards `delegation` is owed by the indexes in `accounts`
/// (see the module doc): the staker forfeits what a stream cannot pay (a frozen reward vault)
/// so the record can close. Returns `(reward_mint, amount)` per stream.
pub fn forfeit_streams<'info>(
    delegation: &mut Delegation,
    bucket: &OperatorPool,
    bucket_key: &Pubkey,
    accounts: &'info [AccountInfo<'info>],
    now: i64,
) -> Result<Vec<(Pubkey, u64)>> {
    let mut forfeited = Vec::with_capacity(accounts.len());
    for info in accounts {
        let mut index = load_writable_index(info, bucket_key)?;
        index.accrue(now, bucket.total_shares)?;
        settle_stream(delegation, &index)?;
        let owed = delegation
            .reward_owed
            .get_mut(usize::from(index.slot))
            .ok_or(RestakingError::RewardStreamMismatch)?;
        let amount = core::mem::take(owed);
        index.take_back(amount, bucket.total_shares)?;
        index.exit(&crate::ID)?;
        forfeited.push((index.reward_mint, amount));
    }
    Ok(forfeited)
}

/// Settles one stream of `delegation` into its owed balance; returns the owed total.
pub fn settle_stream(delegation: &mut Delegation, index: &RewardIndex) -> Result<u64> {
    let slot = usize::from(index.slot);
    let checkpoint = delegation
        .reward_checkpoints
        .get_mut(slot)
        .ok_or(RestakingError::RewardStreamMismatch)?;
    let delta = index.acc_per_share.safe_sub(*checkpoint)?;
    let earned = accrued(delegation.shares, delta, REWARD_ACC_SCALE)?;
    *checkpoint = index.acc_per_share;
    let owed = delegation
        .reward_owed
        .get_mut(slot)
        .ok_or(RestakingError::RewardStreamMismatch)?;
    *owed = owed.safe_add(earned)?;
    Ok(*owed)
}

/// Settles every stream (and the base-yield index) of `delegation` before its shares change.
pub fn settle_all(
    delegation: &mut Delegation,
    bucket: &OperatorPool,
    indexes: &[Account<RewardIndex>],
) -> Result<()> {
    delegation.settle_base(bucket)?;
    for index in indexes {
        settle_stream(delegation, index)?;
    }
    Ok(())
}

/// Pays every stream group in `accounts` (see the module doc) to the delegation's owner, each
/// stream first brought up to `now` over `bucket`'s active shares; returns
/// `(reward_mint, amount)` per group.
pub fn pay_streams<'info>(
    delegation: &mut Delegation,
    bucket: &OperatorPool,
    bucket_key: &Pubkey,
    accounts: &'info [AccountInfo<'info>],
    now: i64,
) -> Result<Vec<(Pubkey, u64)>> {
    require!(
        accounts.len().is_multiple_of(CLAIM_GROUP_LEN),
        RestakingError::MissingRewardIndexes
    );
    let mut paid = Vec::with_capacity(accounts.len() / CLAIM_GROUP_LEN);
    for group in accounts.chunks_exact(CLAIM_GROUP_LEN) {
        let [index_info, vault_info, mint_info, destination_info, token_program] = group else {
            return err!(RestakingError::MissingRewardIndexes);
        };
        let mut index = load_writable_index(index_info, bucket_key)?;
        require_keys_eq!(
            index.reward_vault,
            vault_info.key(),
            RestakingError::InvalidRewardVault
        );
        require_keys_eq!(
            index.reward_mint,
            mint_info.key(),
            RestakingError::InvalidMint
        );
        require_keys_eq!(
            index.token_program,
            token_program.key(),
            RestakingError::InvalidTokenProgram
        );
        require_keys_eq!(
            token_account_mint(destination_info, token_program.key)?,
            index.reward_mint,
            RestakingError::InvalidMint
        );
        require_keys_neq!(
            destination_info.key(),
            index.reward_vault,
            RestakingError::InvalidRewardVault
        );

        index.accrue(now, bucket.total_shares)?;
        settle_stream(delegation, &index)?;
        let slot = usize::from(index.slot);
        let owed = delegation
            .reward_owed
            .get_mut(slot)
            .ok_or(RestakingError::RewardStreamMismatch)?;
        let amount = core::mem::take(owed);
        if amount > 0 {
            index.record_paid(amount)?;
            transfer_from_reward_vault(
                &index,
                index_info,
                vault_info,
                mint_info,
                destination_info,
                token_program,
                mint_decimals(mint_info)?,
                amount,
            )?;
        }
        index.exit(&crate::ID)?;
        paid.push((index.reward_mint, amount));
    }
    Ok(paid)
}

/// Mint of a token account of `token_program`, read in place (bytes 0..32 of the SPL Token and
/// Token-2022 account layout) instead of a full unpack; `transfer_checked` then checks the
/// account for real (initialized, not frozen, of this mint).
fn token_account_mint(account: &AccountInfo, token_program: &Pubkey) -> Result<Pubkey> {
    require_keys_eq!(
        *account.owner,
        *token_program,
        ErrorCode::AccountOwnedByWrongProgram
    );
    let data = account.try_borrow_data()?;
    require!(
        data.len() >= TOKEN_ACCOUNT_LEN,
        ErrorCode::AccountDidNotDeserialize
    );
    let mint: [u8; 32] = data
        .get(..32)
        .and_then(|m| m.try_into().ok())
        .ok_or(ErrorCode::AccountDidNotDeserialize)?;
    Ok(Pubkey::new_from_array(mint))
}

/// Length of an SPL Token account (a Token-2022 account is at least as long).
const TOKEN_ACCOUNT_LEN: usize = 165;

/// Decimals of a mint read in place: byte 44 of the SPL Token and Token-2022 base layout. The
/// mint's address is already pinned to the stream's, and `transfer_checked` verifies the
/// decimals against the mint, so this skips a full deserialization (~a few hundred CU a stream).
fn mint_decimals(mint: &AccountInfo) -> Result<u8> {
    const DECIMALS_OFFSET: usize = 44;
    let data = mint.try_borrow_data()?;
    data.get(DECIMALS_OFFSET)
        .copied()
        .ok_or_else(|| RestakingError::InvalidMint.into())
}

/// Transfers `amount` out of a reward vault, signed by its `RewardIndex` PDA.
#[allow(clippy::too_many_arguments)]
pub fn transfer_from_reward_vault<'info>(
    index: &RewardIndex,
    index_info: &AccountInfo<'info>,
    vault: &AccountInfo<'info>,
    mint: &AccountInfo<'info>,
    destination: &AccountInfo<'info>,
    token_program: &AccountInfo<'info>,
    decimals: u8,
    amount: u64,
) -> Result<()> {
    let seeds: [&[u8]; 4] = [
        RewardIndex::SEED,
        index.operator_pool.as_ref(),
        index.reward_mint.as_ref(),
        core::slice::from_ref(&index.bump),
    ];
    token_interface::transfer_checked(
        CpiContext::new_with_signer(
            token_program.key(),
            TransferChecked {
                from: vault.clone(),
                mint: mint.clone(),
                to: destination.clone(),
                authority: index_info.clone(),
            },
            &[&seeds],
        ),
        amount,
        decimals,
    )
}
