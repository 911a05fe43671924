//! Events, emitted through `emit_cpi!` so indexers read them from inner instructions.
//! Each names the accounts involved, the amounts moved and the resulting totals.
use crate::state::{RateSource, TicketKind};
use anchor_lang::prelude::*;

/// `initialize_config`: the config as created.
#[event]
pub struct ConfigInitializedEvent {
    /// The admin.
    pub admin: Pubkey,
    /// The guardian: may add pause flags and veto slashes.
    pub guardian: Pubkey,
    /// Owner of the token accounts protocol fees are paid to.
    pub treasury: Pubkey,
    /// Protocol fee on restaking rewards, in basis points.
    pub protocol_fee_bps: u16,
    /// Highest commission an operator may charge, in basis points.
    pub max_commission_bps: u16,
    /// Shortest withdrawal delay a pool may have, in seconds.
    pub min_withdrawal_delay_secs: i64,
    /// Window in which the guardian may veto a slash, in seconds.
    pub slash_veto_secs: i64,
}

/// `update_config`: the config's settings after the change.
#[event]
pub struct ConfigUpdatedEvent {
    /// The admin.
    pub admin: Pubkey,
    /// The guardian: may add pause flags and veto slashes.
    pub guardian: Pubkey,
    /// Owner of the token accounts protocol fees are paid to.
    pub treasury: Pubkey,
    /// Protocol fee on restaking rewards, in basis points.
    pub protocol_fee_bps: u16,
    /// Highest commission an operator may charge, in basis points.
    pub max_commission_bps: u16,
    /// Shortest withdrawal delay a pool may have, in seconds.
    pub min_withdrawal_delay_secs: i64,
    /// Window in which the guardian may veto a slash, in seconds.
    pub slash_veto_secs: i64,
}

impl ConfigUpdatedEvent {
    /// The config's settings as they are now.
    pub fn of(config: &crate::state::Config) -> Self {
        Self {
            admin: config.admin,
            guardian: config.guardian,
            treasury: config.treasury,
            protocol_fee_bps: config.protocol_fee_bps,
            max_commission_bps: config.max_commission_bps,
            min_withdrawal_delay_secs: config.min_withdrawal_delay_secs,
            slash_veto_secs: config.slash_veto_secs,
        }
    }
}

/// `update_config`: a change that can hurt stakers proposed; `apply_config_update` applies it
/// from `effective_ts`. Fields outside `pending_mask` are not proposed.
#[event]
pub struct ConfigChangeProposedEvent {
    /// Which settings are pending (`Config::PENDING_*` bits).
    pub pending_mask: u8,
    /// Proposed guardian.
    pub guardian: Pubkey,
    /// Proposed protocol fee, in basis points.
    pub protocol_fee_bps: u16,
    /// Proposed commission cap, in basis points.
    pub max_commission_bps: u16,
    /// Proposed slash veto window, in seconds.
    pub slash_veto_secs: i64,
    /// Unix time from which the change may be applied.
    pub effective_ts: i64,
}

impl ConfigChangeProposedEvent {
    /// The config's pending changes.
    pub fn of(config: &crate::state::Config) -> Self {
        Self {
            pending_mask: config.pending_mask,
            guardian: config.pending_guardian,
            protocol_fee_bps: config.pending_protocol_fee_bps,
            max_commission_bps: config.pending_max_commission_bps,
            slash_veto_secs: config.pending_slash_veto_secs,
            effective_ts: config.pending_effective_ts,
        }
    }
}

/// `apply_config_update`: the pending changes took effect (the settings follow in a
/// `ConfigUpdatedEvent`).
#[event]
pub struct ConfigChangeAppliedEvent {
    /// Which settings changed (`Config::PENDING_*` bits).
    pub pending_mask: u8,
}

/// `transfer_admin`: an admin handover proposed (or cancelled with the default key).
#[event]
pub struct AdminTransferStartedEvent {
    /// The admin proposing the handover.
    pub admin: Pubkey,
    /// The proposed admin; the default key cancels a proposal.
    pub pending_admin: Pubkey,
}

/// `accept_admin`: the pending admin became admin.
#[event]
pub struct AdminTransferredEvent {
    /// The admin before.
    pub previous_admin: Pubkey,
    /// The new admin (the former pending admin).
    pub admin: Pubkey,
}

/// `set_pause`: the pause flags changed.
#[event]
pub struct PauseSetEvent {
    /// The admin or guardian who set the flags.
    pub signer: Pubkey,
    /// `PAUSE_*` bit set before.
    pub previous_flags: u8,
    /// `PAUSE_*` bit set now.
    pub pause_flags: u8,
}

/// `add_pool`: an LST accepted, with its first rate.
#[event]
pub struct PoolAddedEvent {
    /// The pool (`["pool", lst_mint]`).
    pub pool: Pubkey,
    /// Mint of the pool's LST.
    pub lst_mint: Pubkey,
    /// Token account `["pool_vault", pool]` holding every deposited LST.
    pub vault: Pubkey,
    /// Owner program of the mint (SPL Token or Token-2022).
    pub token_program: Pubkey,
    /// Where the pool's rate comes from.
    pub rate_source: RateSource,
    /// First rate read, numeraire base units per LST base unit × 10^18.
    pub rate: u128,
    /// Most principal value the pool accepts in total, in numeraire base units.
    pub deposit_cap_value: u64,
    /// Seconds between a withdrawal request and its completion.
    pub withdrawal_delay_secs: i64,
    /// The LST mint's freeze authority the admin accepted, if it has one.
    pub freeze_authority: Option<Pubkey>,
}

/// `update_pool`: a pool's parameters after the change.
#[event]
pub struct PoolUpdatedEvent {
    /// The pool (`["pool", lst_mint]`).
    pub pool: Pubkey,
    /// Where the pool's rate comes from.
    pub rate_source: RateSource,
    /// Most principal value the pool accepts in total, in numeraire base units.
    pub deposit_cap_value: u64,
    /// Seconds between a withdrawal request and its completion.
    pub withdrawal_delay_secs: i64,
}

impl PoolUpdatedEvent {
    /// The pool's settings as they are now.
    pub fn of(pool: &Account<crate::state::Pool>) -> Self {
        Self {
            pool: pool.key(),
            rate_source: pool.rate_source,
            deposit_cap_value: pool.deposit_cap_value,
            withdrawal_delay_secs: pool.withdrawal_delay_secs,
        }
    }
}

/// `update_pool`: a longer withdrawal delay or new rate-source parameters proposed;
/// `apply_pool_update` applies them from `effective_ts`.
#[event]
pub struct PoolChangeProposedEvent {
    /// The pool (`["pool", lst_mint]`).
    pub pool: Pubkey,
    /// Which settings are pending (`Pool::PENDING_*` bits).
    pub pending_mask: u8,
    /// Proposed withdrawal delay, in seconds.
    pub withdrawal_delay_secs: i64,
    /// Proposed rate source.
    pub rate_source: RateSource,
    /// Unix time from which the change may be applied.
    pub effective_ts: i64,
}

impl PoolChangeProposedEvent {
    /// The pool's pending changes.
    pub fn of(pool: &Account<crate::state::Pool>) -> Self {
        Self {
            pool: pool.key(),
            pending_mask: pool.pending_mask,
            withdrawal_delay_secs: pool.pending_withdrawal_delay_secs,
            rate_source: pool.pending_rate_source,
            effective_ts: pool.pending_effective_ts,
        }
    }
}

/// `apply_pool_update`: the pool's pending changes took effect (the settings follow in a
/// `PoolUpdatedEvent`).
#[event]
pub struct PoolChangeAppliedEvent {
    /// The pool (`["pool", lst_mint]`).
    pub pool: Pubkey,
    /// Which settings changed (`Pool::PENDING_*` bits).
    pub pending_mask: u8,
}

/// `push_rate`: a manual pool's rate published.
#[event]
pub struct RatePushedEvent {
    /// The pool (`["pool", lst_mint]`).
    pub pool: Pubkey,
    /// The pool's updater, who signed.
    pub updater: Pubkey,
    /// Rate before, × 10^18.
    pub previous_rate: u128,
    /// Rate pushed, numeraire base units per LST base unit × 10^18.
    pub rate: u128,
}

/// `open_position`: a staker's position created.
#[event]
pub struct PositionOpenedEvent {
    /// The pool (`["pool", lst_mint]`).
    pub pool: Pubkey,
    /// The position (`["position", pool, owner]`).
    pub position: Pubkey,
    /// The position's owner.
    pub owner: Pubkey,
}

/// `deposit`: LST entered a position as idle LST.
#[event]
pub struct DepositEvent {
    /// The pool (`["pool", lst_mint]`).
    pub pool: Pubkey,
    /// The position (`["position", pool, owner]`).
    pub position: Pubkey,
    /// The position's owner.
    pub owner: Pubkey,
    /// Amount the owner sent.
    pub amount: u64,
    /// Amount the vault received (less any transfer fee) and credited.
    pub received_lst: u64,
    /// Numeraire value of `received_lst` at `rate`, rounded down: the principal credited.
    pub value: u64,
    /// Rate used, numeraire base units per LST base unit × 10^18 (`RATE_SCALE`).
    pub rate: u128,
    /// The position's idle LST afterwards.
    pub position_idle_lst: u64,
    /// The position's idle principal afterwards, in numeraire base units.
    pub position_idle_principal: u64,
    /// The pool's total idle LST afterwards.
    pub pool_total_idle_lst: u64,
    /// The pool's total principal afterwards, in numeraire base units.
    pub pool_total_principal: u64,
}

/// A position's idle LST had base yield stripped (before any change of its holding).
#[event]
pub struct BaseYieldStrippedEvent {
    /// The pool (`["pool", lst_mint]`).
    pub pool: Pubkey,
    /// The position (`["position", pool, owner]`).
    pub position: Pubkey,
    /// Rate used, numeraire base units per LST base unit × 10^18 (`RATE_SCALE`).
    pub rate: u128,
    /// Base yield stripped by this event, in LST.
    pub stripped_lst: u64,
    /// The position's idle LST afterwards.
    pub position_idle_lst: u64,
    /// The position's stripped base yield awaiting `claim` afterwards, in LST.
    pub position_unclaimed_yield: u64,
}

/// `request_withdrawal`: idle LST queued in a `Withdraw` ticket.
#[event]
pub struct WithdrawalRequestedEvent {
    /// The pool (`["pool", lst_mint]`).
    pub pool: Pubkey,
    /// The position (`["position", pool, owner]`).
    pub position: Pubkey,
    /// The withdrawal ticket (`["ticket", position, nonce_le]`).
    pub ticket: Pubkey,
    /// The ticket's nonce (its seed).
    pub nonce: u64,
    /// LST queued in the ticket.
    pub lst: u64,
    /// Principal value the queued LST carried, in numeraire base units.
    pub principal: u64,
    /// Unix time from which the ticket may complete.
    pub unlock_ts: i64,
    /// The position's idle LST afterwards.
    pub position_idle_lst: u64,
    /// LST in the pool's open `Withdraw` tickets afterwards.
    pub pool_total_ticket_lst: u64,
}

/// `complete_withdrawal`: a matured ticket paid out and closed.
#[event]
pub struct WithdrawalCompletedEvent {
    /// The pool (`["pool", lst_mint]`).
    pub pool: Pubkey,
    /// The position (`["position", pool, owner]`).
    pub position: Pubkey,
    /// The withdrawal ticket (`["ticket", position, nonce_le]`).
    pub ticket: Pubkey,
    /// Token account the LST was paid to.
    pub destination: Pubkey,
    /// LST paid out.
    pub lst: u64,
    /// LST in the pool's open `Withdraw` tickets afterwards.
    pub pool_total_ticket_lst: u64,
}

/// `cancel_withdrawal`: a ticket's LST returned to the position (or its bucket).
#[event]
pub struct WithdrawalCancelledEvent {
    /// The pool (`["pool", lst_mint]`).
    pub pool: Pubkey,
    /// The position (`["position", pool, owner]`).
    pub position: Pubkey,
    /// The withdrawal ticket (`["ticket", position, nonce_le]`).
    pub ticket: Pubkey,
    /// LST returned (idle for `Withdraw`, active in the bucket for `Undelegate`).
    pub lst: u64,
    /// Principal value that came back with it, in numeraire base units.
    pub principal: u64,
    /// The position's idle LST afterwards.
    pub position_idle_lst: u64,
    /// LST in the pool's open `Withdraw` tickets afterwards.
    pub pool_total_ticket_lst: u64,
}

/// `claim`: both legs of a position's yield paid.
#[event]
pub struct ClaimEvent {
    /// The pool (`["pool", lst_mint]`).
    pub pool: Pubkey,
    /// The position (`["position", pool, owner]`).
    pub position: Pubkey,
    /// The position's owner.
    pub owner: Pubkey,
    /// The owner's LST token account the base yield was paid to.
    pub destination: Pubkey,
    /// Base-yield leg, in LST.
    pub base_yield_lst: u64,
    /// Restaking leg: each stream paid, in its reward mint.
    pub rewards: Vec<RewardPaid>,
    /// Rate the base yield was stripped at, × 10^18.
    pub rate: u128,
    /// The pool's stripped base yield not yet claimed afterwards, in LST.
    pub pool_total_unclaimed_yield: u64,
}

/// `close_position`: an empty position closed, its rent returned.
#[event]
pub struct PositionClosedEvent {
    /// The pool (`["pool", lst_mint]`).
    pub pool: Pubkey,
    /// The position (`["position", pool, owner]`).
    pub position: Pubkey,
    /// The position's owner.
    pub owner: Pubkey,
}

/// `register_operator`: an operator created.
#[event]
pub struct OperatorRegisteredEvent {
    /// The operator (`["operator", authority]`).
    pub operator: Pubkey,
    /// Key that controls the operator.
    pub authority: Pubkey,
    /// Commission on restaking rewards in force, in basis points.
    pub commission_bps: u16,
    /// Off-chain metadata URI (at most 96 bytes).
    pub metadata_uri: String,
}

/// `update_operator`: the operator's settings after the change.
#[event]
pub struct OperatorUpdatedEvent {
    /// The operator (`["operator", authority]`).
    pub operator: Pubkey,
    /// Commission on restaking rewards in force, in basis points.
    pub commission_bps: u16,
    /// Commission that takes effect at `commission_effective_ts`, in basis points.
    pub pending_commission_bps: u16,
    /// When `pending_commission_bps` takes effect; 0 when nothing is pending.
    pub commission_effective_ts: i64,
    /// Whether the operator takes new delegations.
    pub active: bool,
    /// Off-chain metadata URI (at most 96 bytes).
    pub metadata_uri: String,
}

/// `open_operator_pool`: an operator's bucket for one pool created.
#[event]
pub struct OperatorPoolOpenedEvent {
    /// The operator bucket (`["operator_pool", operator, pool]`).
    pub operator_pool: Pubkey,
    /// The operator owning the bucket.
    pub operator: Pubkey,
    /// The pool (`["pool", lst_mint]`).
    pub pool: Pubkey,
}

/// `delegate`: idle LST moved into an operator bucket for shares.
#[event]
pub struct DelegateEvent {
    /// The pool (`["pool", lst_mint]`).
    pub pool: Pubkey,
    /// The position (`["position", pool, owner]`).
    pub position: Pubkey,
    /// The operator bucket (`["operator_pool", operator, pool]`).
    pub operator_pool: Pubkey,
    /// The delegation (`["delegation", position, operator_pool]`).
    pub delegation: Pubkey,
    /// LST moved from idle into the bucket.
    pub lst: u64,
    /// Bucket shares minted for it.
    pub shares: u64,
    /// Principal value it entered the bucket with, in numeraire base units.
    pub principal: u64,
    /// The delegation's active shares afterwards.
    pub delegation_shares: u64,
    /// The position's idle LST afterwards.
    pub position_idle_lst: u64,
    /// The bucket's active shares afterwards.
    pub bucket_total_shares: u64,
    /// The bucket's active LST afterwards.
    pub bucket_total_lst: u64,
}

/// `undelegate`: bucket shares queued in an `Undelegate` ticket.
#[event]
pub struct UndelegationRequestedEvent {
    /// The pool (`["pool", lst_mint]`).
    pub pool: Pubkey,
    /// The position (`["position", pool, owner]`).
    pub position: Pubkey,
    /// The operator bucket (`["operator_pool", operator, pool]`).
    pub operator_pool: Pubkey,
    /// The withdrawal ticket (`["ticket", position, nonce_le]`).
    pub ticket: Pubkey,
    /// Bucket shares queued (burnt from the delegation).
    pub shares: u64,
    /// LST those shares were worth, queued in the bucket.
    pub lst: u64,
    /// Principal value the queued LST carried, in numeraire base units.
    pub principal: u64,
    /// Unix time from which the ticket may complete.
    pub unlock_ts: i64,
    /// The delegation's active shares afterwards.
    pub delegation_shares: u64,
    /// The bucket's active shares afterwards.
    pub bucket_total_shares: u64,
    /// LST queued in the bucket's `Undelegate` tickets afterwards.
    pub bucket_queued_lst: u64,
}

/// A bucket's base yield stripped into its base-yield index (`harvest`, or before a share
/// change).
#[event]
pub struct BucketHarvestedEvent {
    /// The pool (`["pool", lst_mint]`).
    pub pool: Pubkey,
    /// The operator bucket (`["operator_pool", operator, pool]`).
    pub operator_pool: Pubkey,
    /// Rate stripped at, × 10^18.
    pub rate: u128,
    /// Base yield stripped by this event, in LST.
    pub stripped_lst: u64,
    /// The bucket's base-yield index afterwards: LST per active share × `BASE_ACC_SCALE` (10^18).
    pub base_acc_per_share: u128,
    /// The bucket's active LST afterwards.
    pub bucket_total_lst: u64,
}

/// `close_delegation`: an empty delegation closed, its rent returned.
#[event]
pub struct DelegationClosedEvent {
    /// The position (`["position", pool, owner]`).
    pub position: Pubkey,
    /// The operator bucket (`["operator_pool", operator, pool]`).
    pub operator_pool: Pubkey,
    /// The delegation (`["delegation", position, operator_pool]`).
    pub delegation: Pubkey,
    /// Rewards the owner gave back to their streams (`forfeit_rewards`), per stream.
    pub forfeited_rewards: Vec<RewardPaid>,
}

/// `add_reward_mint`: a reward stream and its vault added to a bucket.
#[event]
pub struct RewardMintAddedEvent {
    /// The operator bucket (`["operator_pool", operator, pool]`).
    pub operator_pool: Pubkey,
    /// The reward stream (`["reward_index", operator_pool, reward_mint]`).
    pub reward_index: Pubkey,
    /// Mint of the stream's reward token.
    pub reward_mint: Pubkey,
    /// Token account `["reward_vault", reward_index]` holding the stream's tokens.
    pub reward_vault: Pubkey,
    /// Position of the stream in the bucket's `reward_mints`.
    pub slot: u8,
    /// Shortest duration a funding of this stream may have (0 allows immediate funding).
    pub min_duration_secs: u32,
}

/// `fund_rewards`: reward tokens funded into a stream and spread over its shares.
#[event]
pub struct RewardsFundedEvent {
    /// The operator bucket (`["operator_pool", operator, pool]`).
    pub operator_pool: Pubkey,
    /// The reward stream (`["reward_index", operator_pool, reward_mint]`).
    pub reward_index: Pubkey,
    /// Mint of the stream's reward token.
    pub reward_mint: Pubkey,
    /// Signer that sent the tokens.
    pub funder: Pubkey,
    /// What the funder sent, in reward tokens.
    pub amount: u64,
    /// What the vault received (less any transfer fee); the split is of this.
    pub received: u64,
    /// Protocol fee taken, in reward tokens (rounded up; owed to the treasury).
    pub protocol_fee: u64,
    /// Operator commission taken, in reward tokens (rounded up).
    pub commission: u64,
    /// Commission rate charged: the operator's in force, capped by the config's maximum.
    pub commission_bps: u16,
    /// The delegators' part of this funding: `received − protocol_fee − commission`.
    pub net: u64,
    /// Duration asked for, in seconds (0: spread at once).
    pub duration_secs: u32,
    /// The stream's release rate after this funding: reward base units per second × 10^18.
    pub stream_rate_scaled: u128,
    /// When the stream ends if the bucket keeps active shares (time without shares does not
    /// count).
    pub stream_end_ts: i64,
    /// Reward tokens still streaming (not yet released) after this funding.
    pub streaming: u64,
    /// Active shares of the bucket at the funding.
    pub active_shares: u64,
    /// The stream's index afterwards: reward tokens per active share × `REWARD_ACC_SCALE` (10^18).
    pub acc_per_share: u128,
    /// Released net funding × 10^18 not yet in the index afterwards (remainder, or immediate
    /// funding while no shares).
    pub carry_scaled: u128,
}

/// One reward stream's payment in a claim.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct RewardPaid {
    /// Mint of the stream paid.
    pub reward_mint: Pubkey,
    /// Reward tokens paid.
    pub amount: u64,
}

/// `claim_commission`: an operator's commission of one stream paid.
#[event]
pub struct CommissionClaimedEvent {
    /// The operator paid.
    pub operator: Pubkey,
    /// The reward stream (`["reward_index", operator_pool, reward_mint]`).
    pub reward_index: Pubkey,
    /// Token account the commission was paid to.
    pub destination: Pubkey,
    /// Commission paid, in reward tokens.
    pub amount: u64,
}

/// `claim_protocol_fees`: the protocol fees of one stream paid to the treasury.
#[event]
pub struct ProtocolFeesClaimedEvent {
    /// The reward stream (`["reward_index", operator_pool, reward_mint]`).
    pub reward_index: Pubkey,
    /// The treasury's token account the fees were paid to.
    pub destination: Pubkey,
    /// Fees paid, in reward tokens.
    pub amount: u64,
}

/// `register_service`: a service created.
#[event]
pub struct ServiceRegisteredEvent {
    /// The service (`["service", authority]`).
    pub service: Pubkey,
    /// Key that controls the service.
    pub authority: Pubkey,
    /// Key that may request slashes.
    pub slasher: Pubkey,
    /// Owner of the token accounts that receive seized LST.
    pub destination: Pubkey,
}

/// `link_service`: an operator opted in to a service.
#[event]
pub struct ServiceLinkedEvent {
    /// The service (`["service", authority]`).
    pub service: Pubkey,
    /// The operator that opted in.
    pub operator: Pubkey,
    /// The link (`["service_link", service, operator]`).
    pub service_link: Pubkey,
    /// Largest slash one request may take, in basis points.
    pub max_slash_bps: u16,
}

/// `unlink_service`: an operator's opt-out started (effective after a delay).
#[event]
pub struct ServiceUnlinkRequestedEvent {
    /// The service (`["service", authority]`).
    pub service: Pubkey,
    /// The operator opting out.
    pub operator: Pubkey,
    /// Unix time the unlink takes effect; the service may slash until then.
    pub unlink_effective_ts: i64,
}

/// `request_slash`: a slash requested; the bucket is frozen until it is executed or vetoed.
#[event]
pub struct SlashRequestedEvent {
    /// The slash request (`["slash", operator_pool, service, nonce_le]`).
    pub slash_request: Pubkey,
    /// The operator bucket (`["operator_pool", operator, pool]`).
    pub operator_pool: Pubkey,
    /// The service (`["service", authority]`).
    pub service: Pubkey,
    /// Share of the bucket slashed, in basis points.
    pub bps: u16,
    /// Hash of the off-chain evidence, as the slasher gave it.
    pub evidence_hash: [u8; 32],
    /// First moment `execute_slash` may run (request + the veto window).
    pub executable_ts: i64,
    /// End of the execution window: the request expires then.
    pub expires_ts: i64,
    /// Bps the service's requests reserve in the link's current window, this one included.
    pub window_bps: u16,
}

/// `veto_slash`: the guardian vetoed a slash.
#[event]
pub struct SlashVetoedEvent {
    /// The slash request (`["slash", operator_pool, service, nonce_le]`).
    pub slash_request: Pubkey,
    /// The operator bucket (`["operator_pool", operator, pool]`).
    pub operator_pool: Pubkey,
    /// The guardian who vetoed.
    pub guardian: Pubkey,
}

/// `execute_slash`: a bucket cut and the seized LST sent to the service.
#[event]
pub struct SlashExecutedEvent {
    /// The slash request (`["slash", operator_pool, service, nonce_le]`).
    pub slash_request: Pubkey,
    /// The operator bucket (`["operator_pool", operator, pool]`).
    pub operator_pool: Pubkey,
    /// The service (`["service", authority]`).
    pub service: Pubkey,
    /// Token account (the service destination's) the seized LST was sent to.
    pub destination: Pubkey,
    /// Share of the bucket slashed, in basis points.
    pub bps: u16,
    /// LST seized from the bucket's active LST.
    pub seized_active_lst: u64,
    /// LST seized from the bucket's undelegation queue.
    pub seized_queued_lst: u64,
    /// The bucket's active LST afterwards.
    pub bucket_total_lst: u64,
    /// LST queued in the bucket's `Undelegate` tickets afterwards.
    pub bucket_queued_lst: u64,
}

/// `set_lien`: a program or key took a lien over a position (SPEC §6).
#[event]
pub struct LienSetEvent {
    /// The position (`["position", pool, owner]`).
    pub position: Pubkey,
    /// The position's owner.
    pub owner: Pubkey,
    /// The lien holder.
    pub lien_holder: Pubkey,
}

/// `release_lien`: the holder released its lien.
#[event]
pub struct LienReleasedEvent {
    /// The position (`["position", pool, owner]`).
    pub position: Pubkey,
    /// The holder that released it.
    pub lien_holder: Pubkey,
}

/// `undelegate` or `request_withdrawal` signed by the lien holder alone: the holder enforces
/// its lien; the ticket is the holder's to complete or cancel.
#[event]
pub struct LienEnforcedEvent {
    /// The position (`["position", pool, owner]`).
    pub position: Pubkey,
    /// The lien holder.
    pub lien_holder: Pubkey,
    /// The enforcement ticket opened.
    pub ticket: Pubkey,
    /// `Withdraw` (idle LST) or `Undelegate` (bucket shares).
    pub kind: TicketKind,
    /// LST queued (`Withdraw`) or the LST the shares were worth when queued (`Undelegate`).
    pub lst: u64,
}
