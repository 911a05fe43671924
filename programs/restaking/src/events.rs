//! Events, emitted through `emit_cpi!` so indexers read them from inner instructions.
//! Each names the accounts involved, the amounts moved and the resulting totals.
use crate::state::RateSource;
use anchor_lang::prelude::*;

#[event]
pub struct ConfigInitializedEvent {
    pub admin: Pubkey,
    pub guardian: Pubkey,
    pub treasury: Pubkey,
    pub protocol_fee_bps: u16,
    pub max_commission_bps: u16,
    pub min_withdrawal_delay_secs: i64,
    pub slash_veto_secs: i64,
}

#[event]
pub struct ConfigUpdatedEvent {
    pub admin: Pubkey,
    pub guardian: Pubkey,
    pub treasury: Pubkey,
    pub protocol_fee_bps: u16,
    pub max_commission_bps: u16,
    pub min_withdrawal_delay_secs: i64,
    pub slash_veto_secs: i64,
}

#[event]
pub struct AdminTransferStartedEvent {
    pub admin: Pubkey,
    pub pending_admin: Pubkey,
}

#[event]
pub struct AdminTransferredEvent {
    pub previous_admin: Pubkey,
    pub admin: Pubkey,
}

#[event]
pub struct PauseSetEvent {
    pub signer: Pubkey,
    pub previous_flags: u8,
    pub pause_flags: u8,
}

#[event]
pub struct PoolAddedEvent {
    pub pool: Pubkey,
    pub lst_mint: Pubkey,
    pub vault: Pubkey,
    pub token_program: Pubkey,
    pub rate_source: RateSource,
    pub rate: u128,
    pub deposit_cap_value: u64,
    pub withdrawal_delay_secs: i64,
}

#[event]
pub struct PoolUpdatedEvent {
    pub pool: Pubkey,
    pub rate_source: RateSource,
    pub deposit_cap_value: u64,
    pub withdrawal_delay_secs: i64,
}

#[event]
pub struct RatePushedEvent {
    pub pool: Pubkey,
    pub updater: Pubkey,
    pub previous_rate: u128,
    pub rate: u128,
}

#[event]
pub struct PositionOpenedEvent {
    pub pool: Pubkey,
    pub position: Pubkey,
    pub owner: Pubkey,
}

#[event]
pub struct DepositEvent {
    pub pool: Pubkey,
    pub position: Pubkey,
    pub owner: Pubkey,
    /// Amount the owner sent.
    pub amount: u64,
    /// Amount the vault received (less any transfer fee) and credited.
    pub received_lst: u64,
    pub value: u64,
    pub rate: u128,
    pub position_idle_lst: u64,
    pub position_idle_principal: u64,
    pub pool_total_idle_lst: u64,
    pub pool_total_principal: u64,
}

#[event]
pub struct BaseYieldStrippedEvent {
    pub pool: Pubkey,
    pub position: Pubkey,
    pub rate: u128,
    pub stripped_lst: u64,
    pub position_idle_lst: u64,
    pub position_unclaimed_yield: u64,
}

#[event]
pub struct WithdrawalRequestedEvent {
    pub pool: Pubkey,
    pub position: Pubkey,
    pub ticket: Pubkey,
    pub nonce: u64,
    pub lst: u64,
    pub principal: u64,
    pub unlock_ts: i64,
    pub position_idle_lst: u64,
    pub pool_total_ticket_lst: u64,
}

#[event]
pub struct WithdrawalCompletedEvent {
    pub pool: Pubkey,
    pub position: Pubkey,
    pub ticket: Pubkey,
    pub destination: Pubkey,
    pub lst: u64,
    pub pool_total_ticket_lst: u64,
}

#[event]
pub struct WithdrawalCancelledEvent {
    pub pool: Pubkey,
    pub position: Pubkey,
    pub ticket: Pubkey,
    pub lst: u64,
    pub principal: u64,
    pub position_idle_lst: u64,
    pub pool_total_ticket_lst: u64,
}

#[event]
pub struct ClaimEvent {
    pub pool: Pubkey,
    pub position: Pubkey,
    pub owner: Pubkey,
    pub destination: Pubkey,
    /// Base-yield leg, in LST.
    pub base_yield_lst: u64,
    /// Restaking leg: each stream paid, in its reward mint.
    pub rewards: Vec<RewardPaid>,
    pub rate: u128,
    pub pool_total_unclaimed_yield: u64,
}

#[event]
pub struct PositionClosedEvent {
    pub pool: Pubkey,
    pub position: Pubkey,
    pub owner: Pubkey,
}

#[event]
pub struct OperatorRegisteredEvent {
    pub operator: Pubkey,
    pub authority: Pubkey,
    pub commission_bps: u16,
    pub metadata_uri: String,
}

#[event]
pub struct OperatorUpdatedEvent {
    pub operator: Pubkey,
    pub commission_bps: u16,
    pub pending_commission_bps: u16,
    pub commission_effective_ts: i64,
    pub active: bool,
    pub metadata_uri: String,
}

#[event]
pub struct OperatorPoolOpenedEvent {
    pub operator_pool: Pubkey,
    pub operator: Pubkey,
    pub pool: Pubkey,
}

#[event]
pub struct DelegateEvent {
    pub pool: Pubkey,
    pub position: Pubkey,
    pub operator_pool: Pubkey,
    pub delegation: Pubkey,
    pub lst: u64,
    pub shares: u64,
    pub principal: u64,
    pub delegation_shares: u64,
    pub position_idle_lst: u64,
    pub bucket_total_shares: u64,
    pub bucket_total_lst: u64,
}

#[event]
pub struct UndelegationRequestedEvent {
    pub pool: Pubkey,
    pub position: Pubkey,
    pub operator_pool: Pubkey,
    pub ticket: Pubkey,
    pub shares: u64,
    pub lst: u64,
    pub principal: u64,
    pub unlock_ts: i64,
    pub delegation_shares: u64,
    pub bucket_total_shares: u64,
    pub bucket_queued_lst: u64,
}

#[event]
pub struct BucketHarvestedEvent {
    pub pool: Pubkey,
    pub operator_pool: Pubkey,
    pub rate: u128,
    pub stripped_lst: u64,
    pub base_acc_per_share: u128,
    pub bucket_total_lst: u64,
}

#[event]
pub struct DelegationClosedEvent {
    pub position: Pubkey,
    pub operator_pool: Pubkey,
    pub delegation: Pubkey,
}

#[event]
pub struct RewardMintAddedEvent {
    pub operator_pool: Pubkey,
    pub reward_index: Pubkey,
    pub reward_mint: Pubkey,
    pub reward_vault: Pubkey,
    pub slot: u8,
}

#[event]
pub struct RewardsFundedEvent {
    pub operator_pool: Pubkey,
    pub reward_index: Pubkey,
    pub reward_mint: Pubkey,
    pub funder: Pubkey,
    /// What the funder sent and what the vault received (less any transfer fee).
    pub amount: u64,
    pub received: u64,
    pub protocol_fee: u64,
    pub commission: u64,
    pub net: u64,
    pub active_shares: u64,
    pub acc_per_share: u128,
    pub carry_scaled: u128,
}

/// One reward stream's payment in a claim.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct RewardPaid {
    pub reward_mint: Pubkey,
    pub amount: u64,
}

#[event]
pub struct CommissionClaimedEvent {
    pub operator: Pubkey,
    pub reward_index: Pubkey,
    pub destination: Pubkey,
    pub amount: u64,
}

#[event]
pub struct ProtocolFeesClaimedEvent {
    pub reward_index: Pubkey,
    pub destination: Pubkey,
    pub amount: u64,
}

#[event]
pub struct ServiceRegisteredEvent {
    pub service: Pubkey,
    pub authority: Pubkey,
    pub slasher: Pubkey,
    pub destination: Pubkey,
}

#[event]
pub struct ServiceLinkedEvent {
    pub service: Pubkey,
    pub operator: Pubkey,
    pub service_link: Pubkey,
    pub max_slash_bps: u16,
}

#[event]
pub struct ServiceUnlinkRequestedEvent {
    pub service: Pubkey,
    pub operator: Pubkey,
    pub unlink_effective_ts: i64,
}

#[event]
pub struct SlashRequestedEvent {
    pub slash_request: Pubkey,
    pub operator_pool: Pubkey,
    pub service: Pubkey,
    pub bps: u16,
    pub evidence_hash: [u8; 32],
    pub executable_ts: i64,
    /// End of the execution window: the request expires then.
    pub expires_ts: i64,
    /// Bps the service's requests reserve in the link's current window, this one included.
    pub window_bps: u16,
}

#[event]
pub struct SlashVetoedEvent {
    pub slash_request: Pubkey,
    pub operator_pool: Pubkey,
    pub guardian: Pubkey,
}

#[event]
pub struct SlashExecutedEvent {
    pub slash_request: Pubkey,
    pub operator_pool: Pubkey,
    pub service: Pubkey,
    pub destination: Pubkey,
    pub bps: u16,
    pub seized_active_lst: u64,
    pub seized_queued_lst: u64,
    pub bucket_total_lst: u64,
    pub bucket_queued_lst: u64,
}
