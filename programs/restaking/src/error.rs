//! Every failure the program can report, as one enum. Names say the condition that failed.
use anchor_lang::prelude::*;

#[error_code]
pub enum RestakingError {
    // --- arithmetic -------------------------------------------------------------------------
    #[msg("Arithmetic overflow or underflow")]
    MathOverflow,
    #[msg("Division by zero")]
    DivisionByZero,

    // --- authority --------------------------------------------------------------------------
    #[msg("Signer is not the config admin")]
    Unauthorized,
    #[msg("Signer is not the pending admin")]
    NotPendingAdmin,
    #[msg("Signer is neither the admin nor the guardian")]
    NotAdminOrGuardian,
    #[msg("The guardian may only add pause flags; only the admin may lift them")]
    GuardianCannotUnpause,
    #[msg("Signer is not the manual rate updater of this pool")]
    NotRateUpdater,
    #[msg("Signer is not the owner of this position")]
    NotPositionOwner,
    #[msg("Account belongs to another pool")]
    WrongPool,
    #[msg("Ticket belongs to another position")]
    WrongTicket,
    #[msg("The position has a lien: its holder must sign too")]
    LienHolderSignatureRequired,

    // --- configuration ----------------------------------------------------------------------
    #[msg("Basis points above 10,000 or above the configured maximum")]
    InvalidBps,
    #[msg("Unknown pause flag bits")]
    InvalidPauseFlags,
    #[msg("Withdrawal delay outside the allowed range")]
    InvalidWithdrawalDelay,
    #[msg("The slash veto window must be shorter than every withdrawal delay")]
    VetoWindowTooLong,
    #[msg("The account already exists")]
    AccountAlreadyExists,
    #[msg("Address must not be the default public key")]
    InvalidAddress,
    #[msg("The rate source kind of a pool cannot change")]
    RateSourceImmutable,

    // --- pause ------------------------------------------------------------------------------
    #[msg("Deposits are paused")]
    DepositsPaused,
    #[msg("Delegations are paused")]
    DelegationsPaused,

    // --- tokens -----------------------------------------------------------------------------
    #[msg("The mint has a Token-2022 extension this protocol does not accept")]
    UnsupportedMintExtension,
    #[msg("Token account mint does not match the pool's LST mint")]
    InvalidMint,
    #[msg("Account is not the pool's vault")]
    InvalidVault,
    #[msg("Token program does not match the mint's owner")]
    InvalidTokenProgram,
    #[msg("Source token account holds less than the amount")]
    InsufficientFunds,
    #[msg("Nothing was received by the vault")]
    NothingReceived,

    // --- rates ------------------------------------------------------------------------------
    #[msg("Rate source account is not the one configured for this pool")]
    RateSourceMismatch,
    #[msg("Rate source account is required for this pool")]
    RateSourceMissing,
    #[msg("Rate source account is not owned by the expected program")]
    InvalidRateSourceOwner,
    #[msg("Rate source account data is malformed")]
    MalformedRateSource,
    #[msg("Rate source is for a different LST mint")]
    RateSourceMintMismatch,
    #[msg("Rate is stale")]
    StaleRate,
    #[msg("Rate is zero or outside the supported range")]
    InvalidRate,
    #[msg("Rate push moves the rate by more than the allowed change")]
    RateChangeTooLarge,

    // --- amounts ----------------------------------------------------------------------------
    #[msg("Amount must be greater than zero")]
    ZeroAmount,
    #[msg("Amount exceeds the position's idle LST")]
    InsufficientIdle,
    #[msg("Deposit would exceed the pool's deposit cap")]
    DepositCapExceeded,
    #[msg("Value received is below the minimum requested")]
    SlippageExceeded,

    // --- operators and buckets ------------------------------------------------------------
    #[msg("Signer is not the operator's authority")]
    NotOperatorAuthority,
    #[msg("Operator is not active")]
    OperatorInactive,
    #[msg("Commission above the configured maximum")]
    CommissionTooHigh,
    #[msg("Metadata URI is too long")]
    MetadataTooLong,
    #[msg("Bucket has shares but no LST left: it takes no new delegations")]
    BucketDepleted,
    #[msg("Shares exceed the delegation's shares")]
    InsufficientShares,
    #[msg("Amount is too small to mint a share")]
    ZeroShares,
    #[msg("Amount is worth nothing at the current rate")]
    ZeroValue,
    #[msg("A slash is pending on this bucket")]
    SlashPending,
    #[msg("Delegation still holds shares, yield, rewards or undelegations")]
    DelegationNotEmpty,
    #[msg("Delegation or bucket account is missing or does not match the ticket")]
    WrongDelegation,

    // --- rewards ----------------------------------------------------------------------------
    #[msg("Signer is neither the operator's authority nor the admin")]
    NotOperatorOrAdmin,
    #[msg("The bucket already has the most reward streams allowed")]
    TooManyRewardMints,
    #[msg("Reward index does not belong to this bucket or is out of slot order")]
    RewardStreamMismatch,
    #[msg("Every reward stream of the bucket must be passed, in slot order")]
    MissingRewardIndexes,
    #[msg("Account is not the reward stream's vault")]
    InvalidRewardVault,
    #[msg("Token account is not owned by the treasury")]
    InvalidTreasuryAccount,
    #[msg("Reward index must be passed writable: its stream is brought up to date")]
    RewardIndexNotWritable,
    #[msg("Reward funding duration is shorter than the stream's minimum")]
    RewardDurationTooShort,
    #[msg("Reward funding duration is longer than the maximum (365 days)")]
    RewardDurationTooLong,

    // --- services and slashing ---------------------------------------------------------------
    #[msg("Signer is not the service's slasher")]
    NotSlasher,
    #[msg("Signer is not the guardian")]
    NotGuardian,
    #[msg("The operator is not linked to this service")]
    ServiceNotLinked,
    #[msg("Slash exceeds the link's maximum per request")]
    SlashTooLarge,
    #[msg("An active link's maximum slash can only grow; unlink first to lower it")]
    LinkCannotLoosen,
    #[msg("Slash request is not pending")]
    SlashNotPending,
    #[msg("The veto window of this slash request is still open")]
    VetoWindowOpen,
    #[msg("Token account is not the service's destination for this LST")]
    InvalidSlashDestination,
    /// The request's execution window (veto window + `SLASH_GRACE_SECS`) has passed.
    #[msg("Slash request has expired")]
    SlashExpired,
    /// The link's maximum per window, its requests not vetoed counted.
    #[msg("Slash exceeds what the link allows in this window")]
    SlashWindowExceeded,
    /// The undelegation queue is not the one of this bucket.
    #[msg("Undelegation queue does not belong to this bucket")]
    WrongQueue,
    /// The queue slot of this unlock day still holds a cohort 128 days older.
    #[msg("An undelegation from 128 days earlier is still uncompleted: anyone may settle it (settle_undelegation), or retry tomorrow")]
    CohortSlotBusy,

    // --- positions and tickets -------------------------------------------------------------
    #[msg("Position still holds LST, yield, tickets or delegations")]
    PositionNotEmpty,
    #[msg("Withdrawal ticket has not matured yet")]
    TicketNotMatured,
    #[msg("Too many open withdrawal tickets on this position")]
    TooManyTickets,

    // --- position view ----------------------------------------------------------------------
    #[msg("Account passed to the position view is not a delegation or ticket group, or repeats")]
    InvalidViewAccount,
    #[msg("The position view reports at most 8 delegations per call")]
    ViewTooLarge,

    // --- lien (SPEC §6) ---------------------------------------------------------------------
    #[msg("The position already has a lien")]
    LienAlreadySet,
    #[msg("The position has no lien")]
    NoLien,
    #[msg("Signer is not the position's lien holder")]
    NotLienHolder,
    /// A lien's holder must be another key than the owner, and not the default key.
    #[msg("The lien holder must be another account than the position's owner")]
    InvalidLienHolder,
    /// A lien cannot be set while a ticket is open: the ticket would settle outside it.
    #[msg("The position has open withdrawal tickets; settle them before setting a lien")]
    TicketsOpen,
    #[msg("The lien holder's enforcement tickets are still open")]
    EnforcementTicketsOpen,
    /// Enforcement tickets are settled by the lien holder, the others by the owner.
    #[msg("Signer may not settle this ticket: it belongs to its beneficiary")]
    NotTicketBeneficiary,

    // --- timelocked admin ---------------------------------------------------------------------
    #[msg("No change is pending")]
    NothingPending,
    /// A change that can hurt stakers waits `ADMIN_TIMELOCK_SECS` after its proposal.
    #[msg("The change's timelock has not elapsed yet")]
    TimelockNotElapsed,
    /// The LST mint has a freeze authority the admin did not name in
    /// `accepted_freeze_authority` (or names one the mint does not have).
    #[msg("The LST mint's freeze authority was not accepted by name")]
    FreezeAuthorityNotAccepted,
}
