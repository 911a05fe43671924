//! Restaking for liquid staking tokens: restake positions, withdrawal tickets and dual-yield
//! claims. See `SPEC.md` for the model; every instruction lives in its own file under
//! `instructions/`.
#![allow(unexpected_cfgs)]

pub mod arg_string;
pub mod constants;
pub mod error;
pub mod events;
pub mod instructions;
pub mod math;
pub mod pda;
pub mod rate_source;
pub mod reward_streams;
pub mod state;
pub mod token;

use anchor_lang::prelude::*;
// String arguments are read with their length checked before any allocation; on the wire and
// in the IDL they are plain strings (see `arg_string`). Anchor's IDL builder emits code at this
// level that needs the standard `String`, and reads argument types from the source alone.
#[cfg(not(feature = "idl-build"))]
use arg_string::ArgString as String;
use instructions::*;

declare_id!("RSTKre5fcg7VzgKZBdQfDnp8o1V8AFHbBb9tJQ7ZFbq");

#[program]
pub mod restaking {
    use super::*;

    /// Creates the singleton config; the signer becomes admin.
    pub fn initialize_config(
        ctx: Context<InitializeConfig>,
        args: InitializeConfigArgs,
    ) -> Result<()> {
        initialize_config::handler(ctx, args)
    }

    /// Changes settings (admin).
    pub fn update_config(ctx: Context<UpdateConfig>, args: UpdateConfigArgs) -> Result<()> {
        update_config::handler(ctx, args)
    }

    /// Proposes a new admin (admin); the default key cancels a proposal.
    pub fn transfer_admin(ctx: Context<TransferAdmin>, new_admin: Pubkey) -> Result<()> {
        transfer_admin::handler(ctx, new_admin)
    }

    /// Makes the pending admin the admin (pending admin).
    pub fn accept_admin(ctx: Context<AcceptAdmin>) -> Result<()> {
        accept_admin::handler(ctx)
    }

    /// Sets pause flags (admin any; guardian may only add flags).
    pub fn set_pause(ctx: Context<SetPause>, pause_flags: u8) -> Result<()> {
        set_pause::handler(ctx, pause_flags)
    }

    /// Accepts an LST: creates its pool and vault and reads the first rate (admin).
    pub fn add_pool(ctx: Context<AddPool>, args: AddPoolArgs) -> Result<()> {
        add_pool::handler(ctx, args)
    }

    /// Changes a pool's cap, withdrawal delay or manual-source parameters (admin).
    pub fn update_pool(ctx: Context<UpdatePool>, args: UpdatePoolArgs) -> Result<()> {
        update_pool::handler(ctx, args)
    }

    /// Applies the config's pending changes once their timelock has elapsed (anyone).
    pub fn apply_config_update(ctx: Context<ApplyConfigUpdate>) -> Result<()> {
        apply_config_update::handler(ctx)
    }

    /// Applies a pool's pending changes once their timelock has elapsed (anyone).
    pub fn apply_pool_update(ctx: Context<ApplyPoolUpdate>) -> Result<()> {
        apply_pool_update::handler(ctx)
    }

    /// Publishes a manual pool's rate (its updater).
    pub fn push_rate(ctx: Context<PushRate>, rate: u128) -> Result<()> {
        push_rate::handler(ctx, rate)
    }

    /// Registers the signer as an operator.
    pub fn register_operator(
        ctx: Context<RegisterOperator>,
        commission_bps: u16,
        metadata_uri: String,
    ) -> Result<()> {
        register_operator::handler(ctx, commission_bps, metadata_uri)
    }

    /// Changes an operator's commission (increases after a delay), metadata or status.
    pub fn update_operator(ctx: Context<UpdateOperator>, args: UpdateOperatorArgs) -> Result<()> {
        update_operator::handler(ctx, args)
    }

    /// Opens the operator's stake bucket in a pool.
    pub fn open_operator_pool(ctx: Context<OpenOperatorPool>) -> Result<()> {
        open_operator_pool::handler(ctx)
    }

    /// Opens a reward stream on an operator bucket (operator authority or admin), with the
    /// shortest duration its fundings may stream over.
    pub fn add_reward_mint(ctx: Context<AddRewardMint>, min_duration_secs: u32) -> Result<()> {
        add_reward_mint::handler(ctx, min_duration_secs)
    }

    /// Pays the operator's commission owed by a reward stream.
    pub fn claim_commission(ctx: Context<ClaimCommission>) -> Result<()> {
        claim_commission::handler(ctx)
    }

    /// Registers the signer as a service (AVS) with its slasher and seized-LST destination.
    pub fn register_service(
        ctx: Context<RegisterService>,
        slasher: Pubkey,
        destination: Pubkey,
        metadata_uri: String,
    ) -> Result<()> {
        register_service::handler(ctx, slasher, destination, metadata_uri)
    }

    /// Opts the operator into a service, with the most it may take per request and per window.
    pub fn link_service(ctx: Context<LinkService>, max_slash_bps: u16) -> Result<()> {
        link_service::handler(ctx, max_slash_bps)
    }

    /// Starts the operator's exit from a service (effective after the unlink delay).
    pub fn unlink_service(ctx: Context<UnlinkService>) -> Result<()> {
        unlink_service::handler(ctx)
    }

    /// A linked service's slasher requests a slash of an operator bucket (within the link's window).
    pub fn request_slash(
        ctx: Context<RequestSlash>,
        bps: u16,
        evidence_hash: [u8; 32],
    ) -> Result<()> {
        request_slash::handler(ctx, bps, evidence_hash)
    }

    /// The guardian vetoes a pending slash.
    pub fn veto_slash(ctx: Context<VetoSlash>) -> Result<()> {
        veto_slash::handler(ctx)
    }

    /// Executes a pending slash after its veto window, before it expires (anyone).
    pub fn execute_slash(ctx: Context<ExecuteSlash>) -> Result<()> {
        execute_slash::handler(ctx)
    }

    /// Opens the signer's position in a pool.
    pub fn open_position(ctx: Context<OpenPosition>) -> Result<()> {
        open_position::handler(ctx)
    }

    /// Deposits LST into the position's idle holding.
    pub fn deposit(ctx: Context<Deposit>, amount: u64, min_value: u64) -> Result<()> {
        deposit::handler(ctx, amount, min_value)
    }

    /// Moves idle LST into an operator's bucket.
    pub fn delegate(ctx: Context<Delegate>, amount: u64) -> Result<()> {
        delegate::handler(ctx, amount)
    }

    /// Queues bucket shares to return to idle after the pool's delay (slashable until then);
    /// never refused for a pending slash.
    pub fn undelegate(ctx: Context<Undelegate>, shares: u64) -> Result<()> {
        undelegate::handler(ctx, shares)
    }

    /// Closes an empty delegation record; with `forfeit_rewards`, rewards it cannot be paid
    /// (e.g. from a frozen reward vault) go back to their streams instead of blocking it.
    pub fn close_delegation(ctx: Context<CloseDelegation>, forfeit_rewards: bool) -> Result<()> {
        close_delegation::handler(ctx, forfeit_rewards)
    }

    /// Queues idle LST for withdrawal after the pool's delay.
    pub fn request_withdrawal(ctx: Context<RequestWithdrawal>, amount: u64) -> Result<()> {
        request_withdrawal::handler(ctx, amount)
    }

    /// Settles a matured ticket (pays a withdrawal, or returns an undelegation to idle).
    pub fn complete_withdrawal(ctx: Context<CompleteWithdrawal>) -> Result<()> {
        complete_withdrawal::handler(ctx)
    }

    /// Undoes a ticket (back to idle, or back into the bucket) and closes it.
    pub fn cancel_withdrawal(ctx: Context<CancelWithdrawal>) -> Result<()> {
        cancel_withdrawal::handler(ctx)
    }

    /// Anyone: completes a matured `Undelegate` ticket — its LST back to the position's idle
    /// holding, its rent to its beneficiary — so no one can hold a queue's day slot by leaving
    /// tickets uncompleted.
    pub fn settle_undelegation(ctx: Context<SettleUndelegation>) -> Result<()> {
        settle_undelegation::handler(ctx)
    }

    /// Pays the position's base yield (and, with delegations, its restaking rewards).
    pub fn claim(ctx: Context<Claim>) -> Result<()> {
        claim::handler(ctx)
    }

    /// Funds a bucket's reward stream (anyone), streamed over `duration_secs` (0: at once).
    pub fn fund_rewards(ctx: Context<FundRewards>, amount: u64, duration_secs: u32) -> Result<()> {
        fund_rewards::handler(ctx, amount, duration_secs)
    }

    /// Sends a reward stream's protocol fees to the treasury (anyone).
    pub fn claim_protocol_fees(ctx: Context<ClaimProtocolFees>) -> Result<()> {
        claim_protocol_fees::handler(ctx)
    }

    /// Strips a position's and/or a bucket's base yield at the fresh rate (anyone).
    pub fn harvest(ctx: Context<Harvest>) -> Result<()> {
        harvest::handler(ctx)
    }

    /// The position view (read-only): what the position holds and what claiming it now would
    /// pay, through return data; call by simulation or CPI.
    pub fn get_position_value(ctx: Context<GetPositionValue>) -> Result<PositionValue> {
        get_position_value::handler(ctx)
    }

    /// Closes an empty position.
    pub fn close_position(ctx: Context<ClosePosition>) -> Result<()> {
        close_position::handler(ctx)
    }

    // --- lien (SPEC §6) ---------------------------------------------------------------------

    /// Puts a lien on a position; signed by the owner and the holder.
    pub fn set_lien(ctx: Context<SetLien>) -> Result<()> {
        set_lien::handler(ctx)
    }

    /// Releases the lien; signed by the holder alone.
    pub fn release_lien(ctx: Context<ReleaseLien>) -> Result<()> {
        release_lien::handler(ctx)
    }
}
