//! Instruction builders and PDA helpers for the restaking program: what a Rust client (the CLI,
//! the tests, another program's off-chain code) needs to call it.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::{InstructionData, ToAccountMetas};
use restaking::state::{
    Config, Delegation, Operator, OperatorPool, Pool, Position, RateSource, RewardIndex, Service,
    ServiceLink, SlashRequest, UndelegationQueue, WithdrawalTicket,
};
use restaking::{accounts, instruction, ID};

pub use restaking::instructions::{
    AddPoolArgs, InitializeConfigArgs, UpdateConfigArgs, UpdateOperatorArgs, UpdatePoolArgs,
};

pub fn config_pda() -> Pubkey {
    Pubkey::find_program_address(&[Config::SEED], &ID).0
}
pub fn pool_pda(lst_mint: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[Pool::SEED, lst_mint.as_ref()], &ID).0
}
pub fn pool_vault_pda(pool: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[Pool::VAULT_SEED, pool.as_ref()], &ID).0
}
pub fn position_pda(pool: &Pubkey, owner: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[Position::SEED, pool.as_ref(), owner.as_ref()], &ID).0
}
pub fn ticket_pda(position: &Pubkey, nonce: u64) -> Pubkey {
    Pubkey::find_program_address(
        &[
            WithdrawalTicket::SEED,
            position.as_ref(),
            &nonce.to_le_bytes(),
        ],
        &ID,
    )
    .0
}
pub fn operator_pda(authority: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[Operator::SEED, authority.as_ref()], &ID).0
}
/// The `UndelegationQueue` of a bucket.
pub fn queue_pda(operator_pool: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[UndelegationQueue::SEED, operator_pool.as_ref()], &ID).0
}
pub fn operator_pool_pda(operator: &Pubkey, pool: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[OperatorPool::SEED, operator.as_ref(), pool.as_ref()], &ID).0
}
pub fn delegation_pda(position: &Pubkey, operator_pool: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(
        &[Delegation::SEED, position.as_ref(), operator_pool.as_ref()],
        &ID,
    )
    .0
}
pub fn event_authority() -> Pubkey {
    Pubkey::find_program_address(&[b"__event_authority"], &ID).0
}

fn ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

/// Everything that identifies a pool to its instructions.
#[derive(Clone, Copy, Debug)]
pub struct PoolKeys {
    pub pool: Pubkey,
    pub lst_mint: Pubkey,
    pub vault: Pubkey,
    pub token_program: Pubkey,
    /// The rate source account (`None` for manual pools).
    pub rate_source: Option<Pubkey>,
}

impl PoolKeys {
    pub fn new(lst_mint: Pubkey, token_program: Pubkey, rate_source: &RateSource) -> Self {
        let pool = pool_pda(&lst_mint);
        Self {
            pool,
            lst_mint,
            vault: pool_vault_pda(&pool),
            token_program,
            rate_source: rate_source.account(),
        }
    }
    pub fn position(&self, owner: &Pubkey) -> Pubkey {
        position_pda(&self.pool, owner)
    }
}

pub fn initialize_config(admin: Pubkey, args: InitializeConfigArgs) -> Instruction {
    ix(
        accounts::InitializeConfig {
            admin,
            config: config_pda(),
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::InitializeConfig { args },
    )
}

pub fn update_config(admin: Pubkey, args: UpdateConfigArgs) -> Instruction {
    ix(
        accounts::UpdateConfig {
            admin,
            config: config_pda(),
            event_authority: event_authority(),
            program: ID,
        },
        instruction::UpdateConfig { args },
    )
}

pub fn transfer_admin(admin: Pubkey, new_admin: Pubkey) -> Instruction {
    ix(
        accounts::TransferAdmin {
            admin,
            config: config_pda(),
            event_authority: event_authority(),
            program: ID,
        },
        instruction::TransferAdmin { new_admin },
    )
}

pub fn accept_admin(pending_admin: Pubkey) -> Instruction {
    ix(
        accounts::AcceptAdmin {
            pending_admin,
            config: config_pda(),
            event_authority: event_authority(),
            program: ID,
        },
        instruction::AcceptAdmin {},
    )
}

pub fn set_pause(signer: Pubkey, pause_flags: u8) -> Instruction {
    ix(
        accounts::SetPause {
            signer,
            config: config_pda(),
            event_authority: event_authority(),
            program: ID,
        },
        instruction::SetPause { pause_flags },
    )
}

pub fn add_pool(admin: Pubkey, keys: &PoolKeys, args: AddPoolArgs) -> Instruction {
    ix(
        accounts::AddPool {
            admin,
            config: config_pda(),
            lst_mint: keys.lst_mint,
            pool: keys.pool,
            pool_vault: keys.vault,
            rate_source: keys.rate_source,
            token_program: keys.token_program,
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::AddPool { args },
    )
}

pub fn update_pool(admin: Pubkey, pool: Pubkey, args: UpdatePoolArgs) -> Instruction {
    ix(
        accounts::UpdatePool {
            admin,
            config: config_pda(),
            pool,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::UpdatePool { args },
    )
}

/// `apply_config_update` (anyone, once the timelock has elapsed).
pub fn apply_config_update() -> Instruction {
    ix(
        accounts::ApplyConfigUpdate {
            config: config_pda(),
            event_authority: event_authority(),
            program: ID,
        },
        instruction::ApplyConfigUpdate {},
    )
}

/// `apply_pool_update` (anyone, once the timelock has elapsed).
pub fn apply_pool_update(pool: Pubkey) -> Instruction {
    ix(
        accounts::ApplyPoolUpdate {
            config: config_pda(),
            pool,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::ApplyPoolUpdate {},
    )
}

pub fn push_rate(updater: Pubkey, pool: Pubkey, rate: u128) -> Instruction {
    ix(
        accounts::PushRate {
            updater,
            pool,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::PushRate { rate },
    )
}

pub fn open_position(owner: Pubkey, keys: &PoolKeys) -> Instruction {
    ix(
        accounts::OpenPosition {
            owner,
            pool: keys.pool,
            position: keys.position(&owner),
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::OpenPosition {},
    )
}

pub fn deposit(
    owner: Pubkey,
    keys: &PoolKeys,
    owner_lst_account: Pubkey,
    amount: u64,
    min_value: u64,
) -> Instruction {
    ix(
        accounts::Deposit {
            owner,
            config: config_pda(),
            pool: keys.pool,
            position: keys.position(&owner),
            lst_mint: keys.lst_mint,
            owner_lst_account,
            pool_vault: keys.vault,
            rate_source: keys.rate_source,
            token_program: keys.token_program,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::Deposit { amount, min_value },
    )
}

/// `request_withdrawal(amount)` by `owner`, as ticket `ticket_nonce`; `lien_holder` co-signs
/// while the position has a lien.
pub fn request_withdrawal(
    owner: Pubkey,
    keys: &PoolKeys,
    ticket_nonce: u64,
    amount: u64,
    lien_holder: Option<Pubkey>,
) -> Instruction {
    request_withdrawal_by(owner, owner, keys, ticket_nonce, amount, lien_holder)
}

/// `request_withdrawal(amount)` from `owner`'s position signed by the lien holder `holder`
/// alone: an enforcement ticket, the holder's to complete or cancel (SPEC §6).
pub fn enforce_withdrawal(
    holder: Pubkey,
    owner: Pubkey,
    keys: &PoolKeys,
    ticket_nonce: u64,
    amount: u64,
) -> Instruction {
    request_withdrawal_by(holder, owner, keys, ticket_nonce, amount, None)
}

fn request_withdrawal_by(
    authority: Pubkey,
    owner: Pubkey,
    keys: &PoolKeys,
    ticket_nonce: u64,
    amount: u64,
    lien_holder: Option<Pubkey>,
) -> Instruction {
    let position = keys.position(&owner);
    ix(
        accounts::RequestWithdrawal {
            authority,
            lien_holder,
            pool: keys.pool,
            position,
            ticket: ticket_pda(&position, ticket_nonce),
            rate_source: keys.rate_source,
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::RequestWithdrawal { amount },
    )
}

pub fn complete_withdrawal(
    owner: Pubkey,
    keys: &PoolKeys,
    ticket: Pubkey,
    owner_lst_account: Pubkey,
) -> Instruction {
    complete_ticket(owner, keys, ticket, owner_lst_account, None)
}

/// `complete_withdrawal` of a ticket of either kind; `bucket` is the operator pool of an
/// `Undelegate` ticket (its delegation is derived).
pub fn complete_ticket(
    owner: Pubkey,
    keys: &PoolKeys,
    ticket: Pubkey,
    owner_lst_account: Pubkey,
    bucket: Option<Pubkey>,
) -> Instruction {
    complete_ticket_by(owner, owner, keys, ticket, owner_lst_account, bucket)
}

/// `complete_withdrawal` signed by `authority`, the ticket's beneficiary: the lien holder for
/// its enforcement tickets, else `owner`; the LST goes to `destination`.
pub fn complete_ticket_by(
    authority: Pubkey,
    owner: Pubkey,
    keys: &PoolKeys,
    ticket: Pubkey,
    destination: Pubkey,
    bucket: Option<Pubkey>,
) -> Instruction {
    let owner_lst_account = destination;
    ix(
        accounts::CompleteWithdrawal {
            authority,
            pool: keys.pool,
            position: keys.position(&owner),
            ticket,
            lst_mint: keys.lst_mint,
            pool_vault: keys.vault,
            owner_lst_account,
            token_program: keys.token_program,
            operator_pool: bucket,
            delegation: bucket.map(|b| delegation_pda(&keys.position(&owner), &b)),
            queue: bucket.map(|b| queue_pda(&b)),
            event_authority: event_authority(),
            program: ID,
        },
        instruction::CompleteWithdrawal {},
    )
}

/// `settle_undelegation`: `cranker` (anyone) completes `owner`'s matured `Undelegate` ticket
/// on `bucket`; its rent goes to `beneficiary` (the lien holder for an enforcement ticket, else
/// `owner`). What a client sends before `undelegate` when the day's slot is busy
/// (`CohortSlotBusy`) with a ticket nobody completed.
pub fn settle_undelegation(
    cranker: Pubkey,
    owner: Pubkey,
    beneficiary: Pubkey,
    keys: &PoolKeys,
    ticket: Pubkey,
    bucket: Pubkey,
) -> Instruction {
    let position = keys.position(&owner);
    ix(
        accounts::SettleUndelegation {
            cranker,
            pool: keys.pool,
            position,
            ticket,
            beneficiary,
            operator_pool: bucket,
            delegation: delegation_pda(&position, &bucket),
            queue: queue_pda(&bucket),
            event_authority: event_authority(),
            program: ID,
        },
        instruction::SettleUndelegation {},
    )
}

pub fn cancel_withdrawal(owner: Pubkey, keys: &PoolKeys, ticket: Pubkey) -> Instruction {
    cancel_ticket(owner, keys, ticket, None, None)
}

/// `cancel_withdrawal` of a ticket of either kind; `bucket` as in [`complete_ticket`], and
/// `operator` the bucket's `Operator` account (re-entering the bucket checks its status).
pub fn cancel_ticket(
    owner: Pubkey,
    keys: &PoolKeys,
    ticket: Pubkey,
    bucket: Option<Pubkey>,
    operator: Option<Pubkey>,
) -> Instruction {
    cancel_ticket_by(owner, owner, keys, ticket, bucket, operator)
}

/// `cancel_withdrawal` signed by `authority`, the ticket's beneficiary (see
/// [`complete_ticket_by`]); the owner's cancel on a position with a lien needs
/// [`lien_cosigned`].
pub fn cancel_ticket_by(
    authority: Pubkey,
    owner: Pubkey,
    keys: &PoolKeys,
    ticket: Pubkey,
    bucket: Option<Pubkey>,
    operator: Option<Pubkey>,
) -> Instruction {
    ix(
        accounts::CancelWithdrawal {
            authority,
            lien_holder: None,
            pool: keys.pool,
            position: keys.position(&owner),
            ticket,
            rate_source: keys.rate_source,
            operator_pool: bucket,
            delegation: bucket.map(|b| delegation_pda(&keys.position(&owner), &b)),
            queue: bucket.map(|b| queue_pda(&b)),
            config: bucket.map(|_| config_pda()),
            operator,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::CancelWithdrawal {},
    )
}

pub fn claim(owner: Pubkey, keys: &PoolKeys, owner_lst_account: Pubkey) -> Instruction {
    claim_delegation(owner, keys, owner_lst_account, None)
}

/// `claim` including the delegation leg of the position's delegation to `bucket`.
pub fn claim_delegation(
    owner: Pubkey,
    keys: &PoolKeys,
    owner_lst_account: Pubkey,
    bucket: Option<Pubkey>,
) -> Instruction {
    ix(
        accounts::Claim {
            owner,
            pool: keys.pool,
            position: keys.position(&owner),
            lst_mint: keys.lst_mint,
            pool_vault: keys.vault,
            owner_lst_account,
            rate_source: keys.rate_source,
            token_program: keys.token_program,
            operator_pool: bucket,
            delegation: bucket.map(|b| delegation_pda(&keys.position(&owner), &b)),
            event_authority: event_authority(),
            program: ID,
        },
        instruction::Claim {},
    )
}

/// `get_position_value` for `owner`'s position, with no groups yet: extend its accounts with
/// [`view_delegation_metas`] for each delegation and a read-only meta per open ticket.
pub fn get_position_value(owner: Pubkey, keys: &PoolKeys) -> Instruction {
    ix(
        accounts::GetPositionValue {
            position: keys.position(&owner),
            pool: keys.pool,
            rate_source: keys.rate_source,
        },
        instruction::GetPositionValue {},
    )
}

/// One delegation group of `get_position_value`'s remaining accounts: the delegation, its
/// bucket and the bucket's reward indexes in slot order (all read-only).
pub fn view_delegation_metas(
    position: &Pubkey,
    operator_pool: &Pubkey,
    reward_mints: &[Pubkey],
) -> Vec<AccountMeta> {
    let mut metas = vec![
        AccountMeta::new_readonly(delegation_pda(position, operator_pool), false),
        AccountMeta::new_readonly(*operator_pool, false),
    ];
    metas.extend(
        reward_mints
            .iter()
            .map(|m| AccountMeta::new_readonly(reward_index_pda(operator_pool, m), false)),
    );
    metas
}

/// Decodes `get_position_value`'s return data. The runtime drops trailing zero bytes from
/// return data, so the encoding is read as if followed by zeros.
pub fn decode_position_value(
    return_data: &[u8],
) -> std::io::Result<restaking::instructions::PositionValue> {
    use anchor_lang::AnchorDeserialize;
    use std::io::Read;
    let mut reader = return_data.chain(std::io::repeat(0));
    restaking::instructions::PositionValue::deserialize_reader(&mut reader)
}

pub fn harvest(keys: &PoolKeys, position: Pubkey) -> Instruction {
    harvest_accounts(keys, Some(position), None)
}

/// `harvest` of a position's idle holding and/or an operator bucket.
pub fn harvest_accounts(
    keys: &PoolKeys,
    position: Option<Pubkey>,
    bucket: Option<Pubkey>,
) -> Instruction {
    ix(
        accounts::Harvest {
            pool: keys.pool,
            position,
            operator_pool: bucket,
            rate_source: keys.rate_source,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::Harvest {},
    )
}

/// `set_lien`: `owner` and `holder` both sign.
pub fn set_lien(owner: Pubkey, position: Pubkey, holder: Pubkey) -> Instruction {
    ix(
        accounts::SetLien {
            owner,
            lien_holder: holder,
            position,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::SetLien {},
    )
}

/// `release_lien`, signed by the holder.
pub fn release_lien(holder: Pubkey, position: Pubkey) -> Instruction {
    ix(
        accounts::ReleaseLien {
            lien_holder: holder,
            position,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::ReleaseLien {},
    )
}

/// Index of the optional `lien_holder` account in every instruction a lien gates
/// (`delegate`, `undelegate`, `request_withdrawal`, `cancel_withdrawal`, `close_position`).
pub const LIEN_HOLDER_INDEX: usize = 1;

/// `ix` (built for the owner) with the lien holder `holder` as co-signer.
pub fn lien_cosigned(mut ix: Instruction, holder: Pubkey) -> Instruction {
    ix.accounts[LIEN_HOLDER_INDEX] = AccountMeta::new_readonly(holder, true);
    ix
}

pub fn close_position(owner: Pubkey, keys: &PoolKeys) -> Instruction {
    ix(
        accounts::ClosePosition {
            owner,
            lien_holder: None,
            pool: keys.pool,
            position: keys.position(&owner),
            event_authority: event_authority(),
            program: ID,
        },
        instruction::ClosePosition {},
    )
}

pub fn register_operator(
    authority: Pubkey,
    commission_bps: u16,
    metadata_uri: &str,
) -> Instruction {
    ix(
        accounts::RegisterOperator {
            authority,
            config: config_pda(),
            operator: operator_pda(&authority),
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::RegisterOperator {
            commission_bps,
            metadata_uri: metadata_uri.into(),
        },
    )
}

pub fn update_operator(authority: Pubkey, args: UpdateOperatorArgs) -> Instruction {
    ix(
        accounts::UpdateOperator {
            authority,
            config: config_pda(),
            operator: operator_pda(&authority),
            event_authority: event_authority(),
            program: ID,
        },
        instruction::UpdateOperator { args },
    )
}

pub fn open_operator_pool(authority: Pubkey, pool: Pubkey) -> Instruction {
    let operator = operator_pda(&authority);
    ix(
        accounts::OpenOperatorPool {
            authority,
            operator,
            pool,
            operator_pool: operator_pool_pda(&operator, &pool),
            queue: queue_pda(&operator_pool_pda(&operator, &pool)),
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::OpenOperatorPool {},
    )
}

/// `delegate(amount)` from `owner`'s position to the bucket of the operator `operator`.
pub fn delegate(owner: Pubkey, keys: &PoolKeys, operator: Pubkey, amount: u64) -> Instruction {
    let position = keys.position(&owner);
    let operator_pool = operator_pool_pda(&operator, &keys.pool);
    ix(
        accounts::Delegate {
            owner,
            lien_holder: None,
            config: config_pda(),
            pool: keys.pool,
            position,
            operator,
            operator_pool,
            delegation: delegation_pda(&position, &operator_pool),
            rate_source: keys.rate_source,
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::Delegate { amount },
    )
}

/// `undelegate(shares)` of `owner`'s delegation to `operator_pool`, as ticket `ticket_nonce`;
/// `lien_holder` co-signs while the position has a lien.
pub fn undelegate(
    owner: Pubkey,
    keys: &PoolKeys,
    operator_pool: Pubkey,
    ticket_nonce: u64,
    shares: u64,
    lien_holder: Option<Pubkey>,
) -> Instruction {
    undelegate_by(
        owner,
        owner,
        keys,
        operator_pool,
        ticket_nonce,
        shares,
        lien_holder,
    )
}

/// `undelegate(shares)` of `owner`'s delegation signed by the lien holder `holder` alone: an
/// enforcement ticket, the holder's to complete or cancel (SPEC §6).
pub fn enforce_undelegate(
    holder: Pubkey,
    owner: Pubkey,
    keys: &PoolKeys,
    operator_pool: Pubkey,
    ticket_nonce: u64,
    shares: u64,
) -> Instruction {
    undelegate_by(
        holder,
        owner,
        keys,
        operator_pool,
        ticket_nonce,
        shares,
        None,
    )
}

fn undelegate_by(
    authority: Pubkey,
    owner: Pubkey,
    keys: &PoolKeys,
    operator_pool: Pubkey,
    ticket_nonce: u64,
    shares: u64,
    lien_holder: Option<Pubkey>,
) -> Instruction {
    let position = keys.position(&owner);
    ix(
        accounts::Undelegate {
            authority,
            lien_holder,
            pool: keys.pool,
            position,
            operator_pool,
            delegation: delegation_pda(&position, &operator_pool),
            queue: queue_pda(&operator_pool),
            ticket: ticket_pda(&position, ticket_nonce),
            rate_source: keys.rate_source,
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::Undelegate { shares },
    )
}

pub fn close_delegation(owner: Pubkey, keys: &PoolKeys, operator_pool: Pubkey) -> Instruction {
    let position = keys.position(&owner);
    ix(
        accounts::CloseDelegation {
            owner,
            position,
            operator_pool,
            delegation: delegation_pda(&position, &operator_pool),
            event_authority: event_authority(),
            program: ID,
        },
        instruction::CloseDelegation {
            forfeit_rewards: false,
        },
    )
}

/// `close_delegation(forfeit_rewards = true)`, giving back what the streams of `reward_mints`
/// still owe the delegation (their `RewardIndex` accounts, writable, as remaining accounts).
pub fn close_delegation_forfeiting(
    owner: Pubkey,
    keys: &PoolKeys,
    operator_pool: Pubkey,
    reward_mints: &[Pubkey],
) -> Instruction {
    let mut ix = close_delegation(owner, keys, operator_pool);
    ix.data = instruction::CloseDelegation {
        forfeit_rewards: true,
    }
    .data();
    ix.accounts
        .extend(reward_index_metas(&operator_pool, reward_mints));
    ix
}

pub fn reward_index_pda(operator_pool: &Pubkey, reward_mint: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(
        &[
            RewardIndex::SEED,
            operator_pool.as_ref(),
            reward_mint.as_ref(),
        ],
        &ID,
    )
    .0
}
pub fn reward_vault_pda(reward_index: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[RewardIndex::VAULT_SEED, reward_index.as_ref()], &ID).0
}

/// One reward stream of a bucket, as clients address it.
#[derive(Clone, Copy, Debug)]
pub struct StreamKeys {
    pub operator_pool: Pubkey,
    pub reward_mint: Pubkey,
    pub reward_index: Pubkey,
    pub reward_vault: Pubkey,
    pub token_program: Pubkey,
}

impl StreamKeys {
    pub fn new(operator_pool: Pubkey, reward_mint: Pubkey, token_program: Pubkey) -> Self {
        let reward_index = reward_index_pda(&operator_pool, &reward_mint);
        Self {
            operator_pool,
            reward_mint,
            reward_index,
            reward_vault: reward_vault_pda(&reward_index),
            token_program,
        }
    }

    /// The `claim` remaining-accounts group paying this stream to `owner_reward_account`.
    pub fn claim_group(&self, owner_reward_account: Pubkey) -> [AccountMeta; 5] {
        [
            AccountMeta::new(self.reward_index, false),
            AccountMeta::new(self.reward_vault, false),
            AccountMeta::new_readonly(self.reward_mint, false),
            AccountMeta::new(owner_reward_account, false),
            AccountMeta::new_readonly(self.token_program, false),
        ]
    }
}

/// The writable `RewardIndex` metas that `delegate`, `undelegate` and `cancel_withdrawal` of an
/// `Undelegate` ticket take as remaining accounts: every stream of the bucket, in slot order
/// (each stream is brought up to date before the shares change).
pub fn reward_index_metas(operator_pool: &Pubkey, reward_mints: &[Pubkey]) -> Vec<AccountMeta> {
    reward_mints
        .iter()
        .map(|m| AccountMeta::new(reward_index_pda(operator_pool, m), false))
        .collect()
}

/// `add_reward_mint` signed by the operator's authority (or the admin as `signer`), for a
/// stream that also takes immediate funding (minimum duration 0).
pub fn add_reward_mint(
    signer: Pubkey,
    operator: Pubkey,
    operator_pool: Pubkey,
    stream: &StreamKeys,
) -> Instruction {
    add_reward_mint_with_min_duration(signer, operator, operator_pool, stream, 0)
}

/// `add_reward_mint(min_duration_secs)`.
pub fn add_reward_mint_with_min_duration(
    signer: Pubkey,
    operator: Pubkey,
    operator_pool: Pubkey,
    stream: &StreamKeys,
    min_duration_secs: u32,
) -> Instruction {
    ix(
        accounts::AddRewardMint {
            signer,
            config: config_pda(),
            operator,
            operator_pool,
            reward_mint: stream.reward_mint,
            reward_index: stream.reward_index,
            reward_vault: stream.reward_vault,
            token_program: stream.token_program,
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::AddRewardMint { min_duration_secs },
    )
}

/// `fund_rewards(amount, 0)`: immediate funding, spread at once.
pub fn fund_rewards(
    funder: Pubkey,
    operator: Pubkey,
    stream: &StreamKeys,
    funder_reward_account: Pubkey,
    amount: u64,
) -> Instruction {
    fund_rewards_over(funder, operator, stream, funder_reward_account, amount, 0)
}

/// `fund_rewards(amount, duration_secs)`: streamed over `duration_secs` of active time.
pub fn fund_rewards_over(
    funder: Pubkey,
    operator: Pubkey,
    stream: &StreamKeys,
    funder_reward_account: Pubkey,
    amount: u64,
    duration_secs: u32,
) -> Instruction {
    ix(
        accounts::FundRewards {
            funder,
            config: config_pda(),
            operator,
            operator_pool: stream.operator_pool,
            reward_index: stream.reward_index,
            reward_mint: stream.reward_mint,
            reward_vault: stream.reward_vault,
            funder_reward_account,
            token_program: stream.token_program,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::FundRewards {
            amount,
            duration_secs,
        },
    )
}

pub fn claim_commission(
    authority: Pubkey,
    stream: &StreamKeys,
    destination: Pubkey,
) -> Instruction {
    ix(
        accounts::ClaimCommission {
            authority,
            operator: operator_pda(&authority),
            operator_pool: stream.operator_pool,
            reward_index: stream.reward_index,
            reward_mint: stream.reward_mint,
            reward_vault: stream.reward_vault,
            destination,
            token_program: stream.token_program,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::ClaimCommission {},
    )
}

pub fn claim_protocol_fees(stream: &StreamKeys, treasury_account: Pubkey) -> Instruction {
    ix(
        accounts::ClaimProtocolFees {
            config: config_pda(),
            reward_index: stream.reward_index,
            reward_mint: stream.reward_mint,
            reward_vault: stream.reward_vault,
            treasury_account,
            token_program: stream.token_program,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::ClaimProtocolFees {},
    )
}

pub fn service_pda(authority: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[Service::SEED, authority.as_ref()], &ID).0
}
pub fn service_link_pda(service: &Pubkey, operator: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(
        &[ServiceLink::SEED, service.as_ref(), operator.as_ref()],
        &ID,
    )
    .0
}
pub fn slash_request_pda(operator_pool: &Pubkey, service: &Pubkey, nonce: u64) -> Pubkey {
    Pubkey::find_program_address(
        &[
            SlashRequest::SEED,
            operator_pool.as_ref(),
            service.as_ref(),
            &nonce.to_le_bytes(),
        ],
        &ID,
    )
    .0
}

pub fn register_service(
    authority: Pubkey,
    slasher: Pubkey,
    destination: Pubkey,
    metadata_uri: &str,
) -> Instruction {
    ix(
        accounts::RegisterService {
            authority,
            service: service_pda(&authority),
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::RegisterService {
            slasher,
            destination,
            metadata_uri: metadata_uri.into(),
        },
    )
}

pub fn link_service(
    operator_authority: Pubkey,
    service: Pubkey,
    max_slash_bps: u16,
) -> Instruction {
    let operator = operator_pda(&operator_authority);
    ix(
        accounts::LinkService {
            authority: operator_authority,
            operator,
            service,
            service_link: service_link_pda(&service, &operator),
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::LinkService { max_slash_bps },
    )
}

pub fn unlink_service(operator_authority: Pubkey, service: Pubkey) -> Instruction {
    let operator = operator_pda(&operator_authority);
    ix(
        accounts::UnlinkService {
            authority: operator_authority,
            operator,
            service_link: service_link_pda(&service, &operator),
            event_authority: event_authority(),
            program: ID,
        },
        instruction::UnlinkService {},
    )
}

/// `request_slash` by `slasher` of `service` against `operator_pool` (of `operator`), as
/// request number `nonce` of that bucket.
pub fn request_slash(
    slasher: Pubkey,
    service: Pubkey,
    operator: Pubkey,
    operator_pool: Pubkey,
    nonce: u64,
    bps: u16,
    evidence_hash: [u8; 32],
) -> Instruction {
    ix(
        accounts::RequestSlash {
            slasher,
            config: config_pda(),
            service,
            service_link: service_link_pda(&service, &operator),
            operator_pool,
            slash_request: slash_request_pda(&operator_pool, &service, nonce),
            system_program: anchor_lang::system_program::ID,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::RequestSlash { bps, evidence_hash },
    )
}

/// `veto_slash` of `slash_request` on `operator_pool`; `service_link` is the link of the
/// request's service and the bucket's operator ([`service_link_pda`]).
pub fn veto_slash(
    guardian: Pubkey,
    operator_pool: Pubkey,
    slash_request: Pubkey,
    service_link: Pubkey,
) -> Instruction {
    ix(
        accounts::VetoSlash {
            guardian,
            config: config_pda(),
            operator_pool,
            slash_request,
            service_link,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::VetoSlash {},
    )
}

/// `execute_slash` of `slash_request` on `operator_pool`.
pub fn execute_slash(
    keys: &PoolKeys,
    operator_pool: Pubkey,
    slash_request: Pubkey,
    service: Pubkey,
    destination: Pubkey,
) -> Instruction {
    ix(
        accounts::ExecuteSlash {
            pool: keys.pool,
            operator_pool,
            slash_request,
            service,
            queue: queue_pda(&operator_pool),
            lst_mint: keys.lst_mint,
            pool_vault: keys.vault,
            destination,
            rate_source: keys.rate_source,
            token_program: keys.token_program,
            event_authority: event_authority(),
            program: ID,
        },
        instruction::ExecuteSlash {},
    )
}
