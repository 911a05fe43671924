//! The real SPL stake-pool program on the localnet: the handful of its instructions the
//! localnet and the demo send, hand-encoded, the reads of its accounts, and the operations
//! that create a pool, stake SOL into it, land an epoch's rewards and bring it up to date.
//!
//! **Where the layouts come from.** `spl-stake-pool` 2.2.0 (the version `scripts/build-sbf.sh`
//! builds into `target/deploy/spl_stake_pool.so`), read in cargo's registry sources:
//! - `src/instruction.rs`: the `StakePoolInstruction` enum, Borsh-encoded as a `u8` variant
//!   index followed by the variant's fields (`Initialize` = 0, `UpdateValidatorListBalance` = 6,
//!   `UpdateStakePoolBalance` = 7, `CleanupRemovedValidatorEntries` = 8, `DepositSol` = 14),
//!   and the account lists of its builders `initialize`, `deposit_sol`,
//!   `update_validator_list_balance_chunk`, `update_stake_pool_balance` and
//!   `cleanup_removed_validator_entries`, copied here in the same order with the same
//!   writable/signer flags;
//! - `src/state.rs`: `Fee` (`denominator: u64` then `numerator: u64`), the `StakePool` prefix
//!   (the offsets of `restaking::rate_source::spl_stake_pool`, then `lockup` and `epoch_fee`),
//!   `ValidatorListHeader` (`account_type: u8`, `max_validators: u32`, then the validators'
//!   `u32` length and 73 bytes each); `src/lib.rs`: the withdraw authority `[pool, "withdraw"]`;
//! - the stake program's `StakeInstruction::Initialize(Authorized, Lockup)` from
//!   `solana-stake-interface` (bincode: a `u32` variant index 0, staker, withdrawer, then the
//!   lockup's `i64` timestamp, `u64` epoch and custodian), for the pool's reserve.
//!
//! The CLI tests run every one of them against the real program on Surfpool.
//!
//! **Why not the crate.** `spl-stake-pool = "=2.2.0"` (feature `no-entrypoint`) resolves into
//! this workspace without downgrading anything, but adds 12 packages to the lockfile, among
//! them another major version of Solana crates the workspace already builds:
//! `solana-stake-interface` 4.4 (beside 1.2 and 2.0), `solana-sysvar` 4.3 (beside 2.3 and
//! 3.1), `spl-token-2022-interface` 3.1 (beside 2.1), `solana-curve25519` 4.0 (beside 3.1),
//! `spl-token-metadata-interface` 1.0 (beside 0.8) and
//! `spl-token-confidential-transfer-proof-extraction` 0.6 (beside 0.5). Five instructions
//! are not worth that.
use crate::chain::{Chain, Sent};
use anchor_lang::prelude::{pubkey, Pubkey};
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anyhow::{bail, Context, Result};
use restaking::constants::SPL_STAKE_POOL_PROGRAM_ID;
use restaking::rate_source::spl_stake_pool as reader;
use solana_sdk::signature::{Keypair, Signer};

/// The stake-pool program (restaking's `SPL_STAKE_POOL_PROGRAM_ID`).
pub const PROGRAM_ID: Pubkey = SPL_STAKE_POOL_PROGRAM_ID;
/// The stake program.
pub const STAKE_PROGRAM_ID: Pubkey = pubkey!("Stake11111111111111111111111111111111111111");
const SYSTEM_PROGRAM_ID: Pubkey = pubkey!("11111111111111111111111111111111");
const SYSVAR_CLOCK: Pubkey = pubkey!("SysvarC1ock11111111111111111111111111111111");
const SYSVAR_RENT: Pubkey = pubkey!("SysvarRent111111111111111111111111111111111");
const SYSVAR_STAKE_HISTORY: Pubkey = pubkey!("SysvarStakeHistory1111111111111111111111111");

/// A stake account (`StakeStateV2::size_of()`).
pub const STAKE_ACCOUNT_LEN: usize = 200;
/// A `StakePool` account (`get_packed_len::<StakePool>()`).
pub const STAKE_POOL_LEN: usize = restaking::rate_source::fixtures::STAKE_POOL_ACCOUNT_LEN;
/// `ValidatorListHeader` (1 + 4) and the validators' `u32` length.
const VALIDATOR_LIST_HEADER_LEN: usize = 9;
/// One `ValidatorStakeInfo`.
const VALIDATOR_STAKE_INFO_LEN: usize = 73;
/// `AccountType::ValidatorList`.
const ACCOUNT_TYPE_VALIDATOR_LIST: u8 = 2;
/// `epoch_fee` follows `last_update_epoch` (274 + 8) and the `Lockup` (8 + 8 + 32).
const EPOCH_FEE_OFFSET: usize = 330;

/// Size of a validator list for `max_validators` validators.
pub fn validator_list_len(max_validators: u32) -> Result<usize> {
    usize::try_from(max_validators)
        .ok()
        .and_then(|n| n.checked_mul(VALIDATOR_STAKE_INFO_LEN))
        .and_then(|n| n.checked_add(VALIDATOR_LIST_HEADER_LEN))
        .context("validator list too large")
}

/// The pool's withdraw authority: mint authority of the pool mint, staker and withdrawer of
/// its stake accounts.
pub fn withdraw_authority(stake_pool: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[stake_pool.as_ref(), b"withdraw"], &PROGRAM_ID).0
}

/// A fee as the program stores it: `numerator / denominator` (0/0 is no fee).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fee {
    pub denominator: u64,
    pub numerator: u64,
}

impl Fee {
    fn encode(&self, data: &mut Vec<u8>) {
        data.extend_from_slice(&self.denominator.to_le_bytes());
        data.extend_from_slice(&self.numerator.to_le_bytes());
    }

    /// `Fee::apply`: `ceil(amount × numerator / denominator)`, 0 without a denominator.
    fn apply(&self, amount: u64) -> Option<u128> {
        if self.denominator == 0 {
            return Some(0);
        }
        let d = u128::from(self.denominator);
        u128::from(amount)
            .checked_mul(u128::from(self.numerator))?
            .checked_add(d.checked_sub(1)?)?
            .checked_div(d)
    }

    /// In basis points (rounded down), for people.
    pub fn bps(&self) -> u64 {
        self.numerator
            .checked_mul(10_000)
            .and_then(|n| n.checked_div(self.denominator))
            .unwrap_or(0)
    }
}

// ---- instructions ---------------------------------------------------------------------------

/// The accounts of a created stake pool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolAccounts {
    pub pool: Pubkey,
    pub mint: Pubkey,
    pub reserve: Pubkey,
    pub validator_list: Pubkey,
    pub withdraw_authority: Pubkey,
    pub manager: Pubkey,
    pub manager_fee_account: Pubkey,
    pub token_program: Pubkey,
}

/// `Initialize` (variant 0): no deposit authority (deposits are permissionless), no withdrawal
/// or deposit fees, no referral fee.
pub fn initialize(a: &PoolAccounts, epoch_fee: Fee, max_validators: u32) -> Instruction {
    let mut data = vec![0u8];
    epoch_fee.encode(&mut data);
    Fee::default().encode(&mut data); // withdrawal_fee
    Fee::default().encode(&mut data); // deposit_fee
    data.push(0); // referral_fee (percent of the deposit fee)
    data.extend_from_slice(&max_validators.to_le_bytes());
    Instruction {
        program_id: PROGRAM_ID,
        accounts: vec![
            AccountMeta::new(a.pool, false),
            AccountMeta::new_readonly(a.manager, true),
            AccountMeta::new_readonly(a.manager, false), // staker
            AccountMeta::new_readonly(a.withdraw_authority, false),
            AccountMeta::new(a.validator_list, false),
            AccountMeta::new_readonly(a.reserve, false),
            AccountMeta::new(a.mint, false),
            AccountMeta::new(a.manager_fee_account, false),
            AccountMeta::new_readonly(a.token_program, false),
        ],
        data,
    }
}

/// `DepositSol(lamports)` (variant 14): `from` signs and pays `lamports` into the reserve;
/// pool tokens go to `to`; the manager's fee account is also the referrer's.
pub fn deposit_sol(a: &PoolAccounts, from: &Pubkey, to: &Pubkey, lamports: u64) -> Instruction {
    let mut data = vec![14u8];
    data.extend_from_slice(&lamports.to_le_bytes());
    Instruction {
        program_id: PROGRAM_ID,
        accounts: vec![
            AccountMeta::new(a.pool, false),
            AccountMeta::new_readonly(a.withdraw_authority, false),
            AccountMeta::new(a.reserve, false),
            AccountMeta::new(*from, true),
            AccountMeta::new(*to, false),
            AccountMeta::new(a.manager_fee_account, false),
            AccountMeta::new(a.manager_fee_account, false), // referrer
            AccountMeta::new(a.mint, false),
            AccountMeta::new_readonly(SYSTEM_PROGRAM_ID, false),
            AccountMeta::new_readonly(a.token_program, false),
        ],
        data,
    }
}

/// `UpdateValidatorListBalance { start_index: 0, no_merge: false }` (variant 6) for a pool
/// without validators (no validator/transient stake account pairs follow).
pub fn update_validator_list_balance(a: &PoolAccounts) -> Instruction {
    let mut data = vec![6u8];
    data.extend_from_slice(&0u32.to_le_bytes());
    data.push(0); // no_merge = false
    Instruction {
        program_id: PROGRAM_ID,
        accounts: vec![
            AccountMeta::new_readonly(a.pool, false),
            AccountMeta::new_readonly(a.withdraw_authority, false),
            AccountMeta::new(a.validator_list, false),
            AccountMeta::new(a.reserve, false),
            AccountMeta::new_readonly(SYSVAR_CLOCK, false),
            AccountMeta::new_readonly(SYSVAR_STAKE_HISTORY, false),
            AccountMeta::new_readonly(STAKE_PROGRAM_ID, false),
        ],
        data,
    }
}

/// `UpdateStakePoolBalance` (variant 7): the pool's lamports from its reserve and validator
/// list, the epoch fee minted to the manager, `last_update_epoch` set.
pub fn update_stake_pool_balance(a: &PoolAccounts) -> Instruction {
    Instruction {
        program_id: PROGRAM_ID,
        accounts: vec![
            AccountMeta::new(a.pool, false),
            AccountMeta::new_readonly(a.withdraw_authority, false),
            AccountMeta::new(a.validator_list, false),
            AccountMeta::new_readonly(a.reserve, false),
            AccountMeta::new(a.manager_fee_account, false),
            AccountMeta::new(a.mint, false),
            AccountMeta::new_readonly(a.token_program, false),
        ],
        data: vec![7u8],
    }
}

/// `CleanupRemovedValidatorEntries` (variant 8).
pub fn cleanup_removed_validator_entries(a: &PoolAccounts) -> Instruction {
    Instruction {
        program_id: PROGRAM_ID,
        accounts: vec![
            AccountMeta::new(a.pool, false),
            AccountMeta::new(a.validator_list, false),
        ],
        data: vec![8u8],
    }
}

/// The stake program's `Initialize` of `stake` with `authority` as staker and withdrawer and
/// no lockup.
pub fn initialize_stake(stake: &Pubkey, authority: &Pubkey) -> Instruction {
    let mut data = Vec::with_capacity(116);
    data.extend_from_slice(&0u32.to_le_bytes()); // StakeInstruction::Initialize
    data.extend_from_slice(authority.as_ref()); // staker
    data.extend_from_slice(authority.as_ref()); // withdrawer
    data.extend_from_slice(&0i64.to_le_bytes()); // lockup.unix_timestamp
    data.extend_from_slice(&0u64.to_le_bytes()); // lockup.epoch
    data.extend_from_slice(Pubkey::default().as_ref()); // lockup.custodian
    Instruction {
        program_id: STAKE_PROGRAM_ID,
        accounts: vec![
            AccountMeta::new(*stake, false),
            AccountMeta::new_readonly(SYSVAR_RENT, false),
        ],
        data,
    }
}

// ---- accounts -------------------------------------------------------------------------------

/// What the localnet reads of a `StakePool` account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StakePoolState {
    pub accounts: PoolAccounts,
    pub total_lamports: u64,
    pub pool_token_supply: u64,
    pub last_update_epoch: u64,
    pub epoch_fee: Fee,
}

fn key_at(data: &[u8], offset: usize) -> Result<Pubkey> {
    let bytes: [u8; 32] = offset
        .checked_add(32)
        .and_then(|end| data.get(offset..end))
        .and_then(|s| s.try_into().ok())
        .context("stake pool account too short")?;
    Ok(Pubkey::new_from_array(bytes))
}

fn u64_at(data: &[u8], offset: usize) -> Result<u64> {
    let bytes: [u8; 8] = offset
        .checked_add(8)
        .and_then(|end| data.get(offset..end))
        .and_then(|s| s.try_into().ok())
        .context("stake pool account too short")?;
    Ok(u64::from_le_bytes(bytes))
}

/// Parses a `StakePool` account's data (`key` is its address).
pub fn parse_pool(key: &Pubkey, data: &[u8]) -> Result<StakePoolState> {
    let rate = reader::parse_stake_pool(data)
        .map_err(|_| anyhow::anyhow!("{key} is not an SPL stake pool account"))?;
    Ok(StakePoolState {
        accounts: PoolAccounts {
            pool: *key,
            mint: rate.pool_mint,
            reserve: key_at(data, 130)?,
            validator_list: key_at(data, 98)?,
            withdraw_authority: withdraw_authority(key),
            manager: key_at(data, 1)?,
            manager_fee_account: key_at(data, 194)?,
            token_program: key_at(data, 226)?,
        },
        total_lamports: rate.total_lamports,
        pool_token_supply: rate.pool_token_supply,
        last_update_epoch: rate.last_update_epoch,
        epoch_fee: Fee {
            denominator: u64_at(data, EPOCH_FEE_OFFSET)?,
            numerator: u64_at(data, EPOCH_FEE_OFFSET.saturating_add(8))?,
        },
    })
}

/// The number of validators in a validator list account's data.
pub fn validator_count(data: &[u8]) -> Result<u32> {
    if data.first() != Some(&ACCOUNT_TYPE_VALIDATOR_LIST) {
        bail!("not a validator list account");
    }
    let bytes: [u8; 4] = data
        .get(5..9)
        .and_then(|s| s.try_into().ok())
        .context("validator list account too short")?;
    Ok(u32::from_le_bytes(bytes))
}

/// The stake pool at `key` if it is one of the real program's (its validator list is the
/// program's too), `None` for anything else (a byte-exact copy written with cheatcodes).
pub fn load_real(chain: &Chain, key: &Pubkey) -> Result<Option<StakePoolState>> {
    let Some(acc) = chain.account(key)? else {
        return Ok(None);
    };
    if acc.owner != PROGRAM_ID {
        return Ok(None);
    }
    let Ok(state) = parse_pool(key, &acc.data) else {
        return Ok(None);
    };
    let list = chain.account(&state.accounts.validator_list)?;
    let real = list.is_some_and(|l| l.owner == PROGRAM_ID && validator_count(&l.data).is_ok());
    Ok(real.then_some(state))
}

/// `total_lamports × 10^18 / pool_token_supply`, as the restaking program reads it.
pub fn rate_of(total_lamports: u64, supply: u64) -> Result<u128> {
    restaking::math::rate_from_ratio(u128::from(total_lamports), u128::from(supply))
        .map_err(|e| anyhow::anyhow!("stake pool rate: {e}"))
}

/// What `UpdateStakePoolBalance` will make of the pool once its reserve holds
/// `reserve_total` lamports above its rent-exempt minimum (the pool has no validators):
/// `(total_lamports, pool_token_supply, fee tokens minted to the manager)`. This is
/// `process_update_stake_pool_balance` and `StakePool::calc_epoch_fee_amount` of 2.2.0.
pub fn after_update(state: &StakePoolState, reserve_total: u64) -> Option<(u64, u64, u64)> {
    let previous = state.total_lamports;
    let supply = state.pool_token_supply;
    let reward = reserve_total.saturating_sub(previous);
    let fee_tokens = if reward == 0 {
        0
    } else {
        let total = u128::from(previous).checked_add(u128::from(reward))?;
        let fee_lamports = state.epoch_fee.apply(reward)?;
        if total == fee_lamports || supply == 0 {
            reward
        } else {
            u64::try_from(
                u128::from(supply)
                    .checked_mul(fee_lamports)?
                    .checked_div(total.checked_sub(fee_lamports)?)?,
            )
            .ok()?
        }
    };
    Some((reserve_total, supply.checked_add(fee_tokens)?, fee_tokens))
}

/// The pool after a `DepositSol` of `lamports` at its current totals
/// (`calc_pool_tokens_for_deposit`; no deposit fee), with the reserve's total.
fn after_deposit(
    state: &StakePoolState,
    reserve_total: u64,
    lamports: u64,
) -> Option<(StakePoolState, u64)> {
    let tokens = if state.total_lamports == 0 || state.pool_token_supply == 0 {
        lamports
    } else {
        u64::try_from(
            u128::from(lamports)
                .checked_mul(u128::from(state.pool_token_supply))?
                .checked_div(u128::from(state.total_lamports))?,
        )
        .ok()?
    };
    let mut s = state.clone();
    s.total_lamports = s.total_lamports.checked_add(lamports)?;
    s.pool_token_supply = s.pool_token_supply.checked_add(tokens)?;
    Some((s, reserve_total.checked_add(lamports)?))
}

/// The rate (× 10^18) the pool's update gives it after `rewards` land in the reserve.
fn rate_after_rewards(state: &StakePoolState, reserve_total: u64, rewards: u64) -> Option<u128> {
    let (total, supply, _) = after_update(state, reserve_total.checked_add(rewards)?)?;
    rate_of(total, supply).ok()
}

/// The fewest rewards after which the pool's update gives it at least `target` (× 10^18), or
/// an error if the rate is above `target` already (it only rises with rewards).
/// `reserve_total` is what the reserve holds above its rent-exempt minimum now.
pub fn rewards_for_rate(state: &StakePoolState, reserve_total: u64, target: u128) -> Result<u64> {
    let now = rate_after_rewards(state, reserve_total, 0).context("the stake pool holds no SOL")?;
    if target < now {
        bail!(
            "stake pool {}'s rate is {} and only rises with rewards: it cannot fall to {}",
            state.accounts.pool,
            crate::amount::format_rate(now),
            crate::amount::format_rate(target)
        );
    }
    if target == now {
        return Ok(0);
    }
    let reaches = |rewards: u64| {
        rate_after_rewards(state, reserve_total, rewards).is_some_and(|r| r >= target)
    };
    // double, then bisect
    let mut high: u64 = 1;
    while !reaches(high) {
        high = high
            .checked_mul(2)
            .filter(|h| *h <= u64::MAX / 4)
            .context("rate out of the stake pool's range")?;
    }
    let mut low = high / 2;
    while low.saturating_add(1) < high {
        let mid = low.saturating_add(high.saturating_sub(low) / 2);
        if reaches(mid) {
            high = mid;
        } else {
            low = mid;
        }
    }
    Ok(high)
}

/// How to bring a pool to a rate exactly: a `DepositSol` of a few lamports first (its pool
/// tokens rounded down, they tune the totals' ratio), then the epoch's rewards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RatePlan {
    pub deposit: u64,
    pub rewards: u64,
    /// Whether the update gives exactly the target (else the least rate above it found).
    pub exact: bool,
}

/// The least deposit (up to 20,000 lamports) and then the fewest rewards after which the
/// pool's update gives it exactly `target`: a rate `total_lamports / pool_token_supply` is
/// exact only for some totals (1.05 needs a supply divisible by 20), and rewards alone move
/// the totals together, so a deposit at the old rate shifts them first. Without an exact
/// plan in that range: no deposit and the fewest rewards that reach `target`.
pub fn plan_rate(state: &StakePoolState, reserve_total: u64, target: u128) -> Result<RatePlan> {
    let fallback = rewards_for_rate(state, reserve_total, target)?;
    if rate_after_rewards(state, reserve_total, fallback) == Some(target) {
        return Ok(RatePlan {
            deposit: 0,
            rewards: fallback,
            exact: true,
        });
    }
    // The fewest rewards reaching the target move little from one deposit to the next: follow
    // them, and look a few lamports around (the epoch fee's rounding makes the rate wobble).
    let mut rewards = fallback;
    for deposit in 1..=20_000u64 {
        let Some((s, reserve)) = after_deposit(state, reserve_total, deposit) else {
            break;
        };
        let rate = |r: u64| rate_after_rewards(&s, reserve, r);
        while rewards > 0 && rate(rewards.saturating_sub(1)).is_some_and(|r| r >= target) {
            rewards = rewards.saturating_sub(1);
        }
        while rate(rewards).is_some_and(|r| r < target) {
            rewards = rewards.saturating_add(1);
        }
        for r in rewards.saturating_sub(3)..=rewards.saturating_add(3) {
            if rate(r) == Some(target) {
                return Ok(RatePlan {
                    deposit,
                    rewards: r,
                    exact: true,
                });
            }
        }
    }
    Ok(RatePlan {
        deposit: 0,
        rewards: fallback,
        exact: false,
    })
}

// ---- operations -----------------------------------------------------------------------------

/// A step sent to the stake-pool program, with the transaction that carried it.
#[derive(Clone, Debug)]
pub struct Step {
    pub name: &'static str,
    pub sent: Sent,
}

impl Step {
    /// Compute units the stake-pool (or stake) program's own invocation used, read from the
    /// transaction's logs; else the transaction's.
    pub fn program_cu(&self) -> Option<u64> {
        let program = if self.name.starts_with("stake ") {
            STAKE_PROGRAM_ID
        } else {
            PROGRAM_ID
        };
        self.sent
            .program_cu(&program)
            .into_iter()
            .reduce(u64::saturating_add)
            .or(self.sent.compute_units)
    }
}

/// Creates a stake pool of the real program: a 9-decimal pool mint whose mint authority is the
/// withdraw authority, the manager's fee account (its associated token account), a reserve
/// stake account initialised by the stake program (staker and withdrawer the withdraw
/// authority), the pool and validator list accounts, then `Initialize` with `epoch_fee`.
/// `manager` pays, manages and stakes.
pub fn create(
    chain: &Chain,
    manager: &Keypair,
    epoch_fee: Fee,
    max_validators: u32,
) -> Result<(PoolAccounts, Vec<Step>)> {
    let token_program = anchor_spl::token::ID;
    let pool = Keypair::new();
    let list = Keypair::new();
    let reserve = Keypair::new();
    let mint = Keypair::new();
    let authority = withdraw_authority(&pool.pubkey());
    let payer = manager.pubkey();
    let mut steps = vec![];

    let mut ixs = crate::builders::create_mint(
        &payer,
        &mint.pubkey(),
        &authority,
        9,
        &token_program,
        chain.rent_exempt(crate::builders::MINT_LEN)?,
    )?;
    let (fee_account, create_fee_account) =
        chain.ata(&payer, &payer, &mint.pubkey(), &token_program)?;
    ixs.extend(create_fee_account);
    chain
        .send(&ixs, manager, &[&mint])
        .context("creating the stake pool's mint and fee account")?;

    #[allow(deprecated)]
    let create_reserve = anchor_lang::solana_program::system_instruction::create_account(
        &payer,
        &reserve.pubkey(),
        chain.rent_exempt(STAKE_ACCOUNT_LEN)?,
        STAKE_ACCOUNT_LEN as u64,
        &STAKE_PROGRAM_ID,
    );
    let sent = chain
        .send(
            &[
                create_reserve,
                initialize_stake(&reserve.pubkey(), &authority),
            ],
            manager,
            &[&reserve],
        )
        .context("creating the stake pool's reserve (stake program)")?;
    steps.push(Step {
        name: "stake Initialize (reserve)",
        sent,
    });

    let list_len = validator_list_len(max_validators)?;
    #[allow(deprecated)]
    let create_accounts = [
        anchor_lang::solana_program::system_instruction::create_account(
            &payer,
            &pool.pubkey(),
            chain.rent_exempt(STAKE_POOL_LEN)?,
            STAKE_POOL_LEN as u64,
            &PROGRAM_ID,
        ),
        anchor_lang::solana_program::system_instruction::create_account(
            &payer,
            &list.pubkey(),
            chain.rent_exempt(list_len)?,
            u64::try_from(list_len).context("validator list too large")?,
            &PROGRAM_ID,
        ),
    ];
    chain
        .send(&create_accounts, manager, &[&pool, &list])
        .context("creating the stake pool and validator list accounts")?;

    let accounts = PoolAccounts {
        pool: pool.pubkey(),
        mint: mint.pubkey(),
        reserve: reserve.pubkey(),
        validator_list: list.pubkey(),
        withdraw_authority: authority,
        manager: payer,
        manager_fee_account: fee_account,
        token_program,
    };
    let sent = chain
        .send(
            &[initialize(&accounts, epoch_fee, max_validators)],
            manager,
            &[],
        )
        .context("stake pool Initialize")?;
    steps.push(Step {
        name: "Initialize",
        sent,
    });
    Ok((accounts, steps))
}

/// `DepositSol`: `depositor` stakes `lamports` into the pool and receives its pool tokens in
/// its associated token account (created first, paid by `payer`). Returns the account, the
/// pool tokens received and the step.
pub fn deposit(
    chain: &Chain,
    payer: &Keypair,
    depositor: &Keypair,
    accounts: &PoolAccounts,
    lamports: u64,
) -> Result<(Pubkey, u64, Step)> {
    let owner = depositor.pubkey();
    let (ata, create) = chain.ata(
        &payer.pubkey(),
        &owner,
        &accounts.mint,
        &accounts.token_program,
    )?;
    if let Some(ix) = create {
        chain.send(&[ix], payer, &[])?;
    }
    let before = chain.token_balance(&ata)?;
    let sent = chain
        .send(
            &[deposit_sol(accounts, &owner, &ata, lamports)],
            payer,
            &[depositor],
        )
        .context("stake pool DepositSol")?;
    let received = chain.token_balance(&ata)?.saturating_sub(before);
    Ok((
        ata,
        received,
        Step {
            name: "DepositSol",
            sent,
        },
    ))
}

/// Lamports in the pool's reserve above its rent-exempt minimum (its whole stake: the pools
/// the localnet creates have no validators).
pub fn reserve_total(chain: &Chain, accounts: &PoolAccounts) -> Result<u64> {
    let lamports = chain
        .account(&accounts.reserve)?
        .with_context(|| format!("reserve stake account {} is missing", accounts.reserve))?
        .lamports;
    Ok(lamports.saturating_sub(chain.rent_exempt(STAKE_ACCOUNT_LEN)?))
}

/// An epoch's rewards: `lamports` moved into the reserve by a system transfer from `payer`.
pub fn land_rewards(
    chain: &Chain,
    payer: &Keypair,
    accounts: &PoolAccounts,
    lamports: u64,
) -> Result<Sent> {
    #[allow(deprecated)]
    let ix = anchor_lang::solana_program::system_instruction::transfer(
        &payer.pubkey(),
        &accounts.reserve,
        lamports,
    );
    chain
        .send(&[ix], payer, &[])
        .context("landing rewards in the stake pool's reserve")
}

/// The pool's own epoch update, as its crank runs it: `UpdateValidatorListBalance`,
/// `UpdateStakePoolBalance`, `CleanupRemovedValidatorEntries`, each in a transaction of its
/// own (so each one's compute units are its own), paid by `payer`.
pub fn update(chain: &Chain, payer: &Keypair, accounts: &PoolAccounts) -> Result<Vec<Step>> {
    let list = chain
        .account(&accounts.validator_list)?
        .with_context(|| format!("validator list {} is missing", accounts.validator_list))?;
    let validators = validator_count(&list.data)?;
    if validators != 0 {
        bail!(
            "stake pool {} has {validators} validators; the localnet updates pools whose stake is all in the reserve",
            accounts.pool
        );
    }
    let mut steps = vec![];
    for (name, ix) in [
        (
            "UpdateValidatorListBalance",
            update_validator_list_balance(accounts),
        ),
        (
            "UpdateStakePoolBalance",
            update_stake_pool_balance(accounts),
        ),
        (
            "CleanupRemovedValidatorEntries",
            cleanup_removed_validator_entries(accounts),
        ),
    ] {
        let sent = chain
            .send(&[ix], payer, &[])
            .with_context(|| format!("stake pool {name}"))?;
        steps.push(Step { name, sent });
    }
    Ok(steps)
}

/// Rate (× 10^18) of a stake pool's account as read now.
pub fn current_rate(state: &StakePoolState) -> Result<u128> {
    rate_of(state.total_lamports, state.pool_token_supply)
}

/// Lamports to deposit for at least `tokens` pool tokens at the pool's current totals.
pub fn lamports_for_tokens(state: &StakePoolState, tokens: u64) -> Result<u64> {
    if state.total_lamports == 0 || state.pool_token_supply == 0 {
        return Ok(tokens);
    }
    let supply = u128::from(state.pool_token_supply);
    u128::from(tokens)
        .checked_mul(u128::from(state.total_lamports))
        .and_then(|v| v.checked_add(supply.checked_sub(1)?))
        .and_then(|v| v.checked_div(supply))
        .and_then(|v| u64::try_from(v).ok())
        .context("deposit out of range")
}

#[cfg(test)]
mod tests {
    use super::*;
    use restaking::constants::RATE_SCALE as ONE_RATE;

    fn accounts() -> PoolAccounts {
        let pool = Pubkey::new_unique();
        PoolAccounts {
            pool,
            mint: Pubkey::new_unique(),
            reserve: Pubkey::new_unique(),
            validator_list: Pubkey::new_unique(),
            withdraw_authority: withdraw_authority(&pool),
            manager: Pubkey::new_unique(),
            manager_fee_account: Pubkey::new_unique(),
            token_program: anchor_spl::token::ID,
        }
    }

    /// The Borsh encodings of 2.2.0's `StakePoolInstruction`, written out by hand.
    #[test]
    fn instruction_data_matches_the_borsh_layout() {
        let a = accounts();
        let fee = Fee {
            denominator: 100,
            numerator: 5,
        };
        let init = initialize(&a, fee, 10);
        let mut expected = vec![0u8];
        expected.extend_from_slice(&100u64.to_le_bytes());
        expected.extend_from_slice(&5u64.to_le_bytes());
        expected.extend_from_slice(&[0u8; 32]); // two empty fees
        expected.push(0);
        expected.extend_from_slice(&10u32.to_le_bytes());
        assert_eq!(init.data, expected);
        assert_eq!(init.data.len(), 54);
        assert_eq!(init.accounts.len(), 9);
        assert!(init.accounts[1].is_signer && !init.accounts[1].is_writable);

        let dep = deposit_sol(&a, &a.manager, &a.manager_fee_account, 7);
        assert_eq!(dep.data, [&[14u8][..], &7u64.to_le_bytes()].concat());
        assert_eq!(dep.accounts.len(), 10);
        assert!(dep.accounts[3].is_signer && dep.accounts[3].is_writable);

        assert_eq!(
            update_validator_list_balance(&a).data,
            vec![6, 0, 0, 0, 0, 0]
        );
        assert_eq!(update_stake_pool_balance(&a).data, vec![7]);
        assert_eq!(cleanup_removed_validator_entries(&a).data, vec![8]);
        let stake = initialize_stake(&a.reserve, &a.withdraw_authority);
        assert_eq!(stake.data.len(), 4 + 32 + 32 + 8 + 8 + 32);
        assert_eq!(&stake.data[..4], &[0, 0, 0, 0]);
        assert_eq!(validator_list_len(10).ok(), Some(739));
    }

    /// The fixture writer and this reader agree on the pool's prefix and its epoch fee.
    #[test]
    fn parses_a_stake_pool_account() {
        let mint = Pubkey::new_unique();
        let data = restaking::rate_source::fixtures::stake_pool_account_data(&mint, 110, 100, 7);
        let key = Pubkey::new_unique();
        let s = parse_pool(&key, &data).expect("parse");
        assert_eq!(s.accounts.mint, mint);
        assert_eq!(
            (s.total_lamports, s.pool_token_supply, s.last_update_epoch),
            (110, 100, 7)
        );
        assert_eq!(s.accounts.withdraw_authority, withdraw_authority(&key));
    }

    fn pool(total: u64, supply: u64) -> StakePoolState {
        StakePoolState {
            accounts: accounts(),
            total_lamports: total,
            pool_token_supply: supply,
            last_update_epoch: 0,
            epoch_fee: Fee {
                denominator: 100,
                numerator: 5,
            },
        }
    }

    /// STAKE_POOL.md's LiteSVM run: 10 SOL, 1 SOL of rewards, a 5 % fee of 45,662,100 tokens.
    #[test]
    fn the_epoch_fee_matches_the_program() {
        let one = 1_000_000_000u64;
        let s = pool(10 * one, 10 * one);
        let (total, supply, fee) = after_update(&s, 11 * one).expect("update");
        assert_eq!((total, fee), (11 * one, 45_662_100));
        assert_eq!(supply, 10 * one + 45_662_100);
    }

    /// The plans found give exactly the rate asked for; rewards alone reach at least it;
    /// nothing lowers the rate.
    #[test]
    fn plans_for_a_rate_hit_it_exactly() {
        let one = 1_000_000_000u64;
        for (total, supply) in [
            (10_000 * one, 10_000 * one),
            (12_100 * one, 12_004_960_727_573),
            (12_345 * one + 17, 11_000 * one),
        ] {
            let s = pool(total, supply);
            for target in [
                ONE_RATE * 105 / 100,
                ONE_RATE * 11 / 10,
                ONE_RATE * 2,
                ONE_RATE * 12_345 / 10_000,
            ] {
                if target <= current_rate(&s).expect("rate") {
                    continue;
                }
                let r = rewards_for_rate(&s, total, target).expect("rewards");
                let (t, sup, _) = after_update(&s, total + r).expect("update");
                assert!(rate_of(t, sup).expect("rate") >= target);
                let plan = plan_rate(&s, total, target).expect("plan");
                assert!(plan.exact, "{total}/{supply} → {target}: {plan:?}");
                let (d, reserve) = after_deposit(&s, total, plan.deposit).expect("deposit");
                let (t, sup, _) = after_update(&d, reserve + plan.rewards).expect("update");
                assert_eq!(
                    rate_of(t, sup).expect("rate"),
                    target,
                    "{total}/{supply} → {target}"
                );
            }
        }
        let s = pool(11 * one, 10 * one);
        assert!(rewards_for_rate(&s, 11 * one, ONE_RATE).is_err());
        assert_eq!(
            rewards_for_rate(&s, 11 * one, current_rate(&s).expect("rate")).ok(),
            Some(0)
        );
    }
}
