//! Integration tests per instruction (STYLE "Tests"): `<ix>_ok` asserts the resulting account
//! state and token balances exactly; `<ix>_<failure>` reaches one named error and asserts that
//! every account involved is byte-for-byte unchanged.
//!
//! Every `RestakingError` variant the code can produce today is reached here or in
//! `token_2022.rs` (`NothingReceived`, `UnsupportedMintExtension`), except:
//! - `DivisionByZero`: no division can see a zero divisor (rates are validated non-zero before
//!   use, `rate_from_ratio` rejects a zero denominator with `InvalidRate`, share math divides
//!   by totals it checked non-zero).
#![allow(clippy::arithmetic_side_effects)]

use anchor_lang::error::ErrorCode as Anchor;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{AccountSerialize, InstructionData, ToAccountMetas};
use anchor_spl::token_2022::spl_token_2022;
use restaking::constants::*;
use restaking::error::RestakingError;
use restaking::state::{Config, Pool, Position, RateSource, TicketKind, WithdrawalTicket};
use restaking_tests::client::{self, PoolKeys, UpdateConfigArgs, UpdatePoolArgs};
use restaking_tests::solana_sdk::pubkey::Pubkey;
use restaking_tests::solana_sdk::signature::{Keypair, Signer};
use restaking_tests::*;

// ---- helpers -----------------------------------------------------------------------------

/// Asserts two account states are equal field by field (the account types have no
/// `PartialEq`; their `Debug` output names every field, reserved bytes included).
#[track_caller]
fn assert_state<T: std::fmt::Debug>(actual: &T, expected: &T) {
    assert_eq!(format!("{actual:#?}"), format!("{expected:#?}"));
}

/// [`Env::fails`]: sends `ixs`, asserts the named error and that nothing in `watched` changed.
async fn fails(
    env: &mut Env,
    ixs: &[Instruction],
    signers: &[&Keypair],
    watched: &[Pubkey],
    expected: RestakingError,
) {
    env.fails(ixs, signers, watched, expected).await;
}

/// [`fails`] for an Anchor framework error.
async fn fails_anchor(
    env: &mut Env,
    ixs: &[Instruction],
    signers: &[&Keypair],
    watched: &[Pubkey],
    expected: Anchor,
) {
    let before = env.snapshot(watched).await;
    let result = env.send(ixs, signers).await;
    assert_anchor_error(result, expected);
    assert_eq!(
        env.snapshot(watched).await,
        before,
        "{expected:?} changed state"
    );
}

/// [`fails`] for another program's custom error code (system program, token program).
async fn fails_code(
    env: &mut Env,
    ixs: &[Instruction],
    signers: &[&Keypair],
    watched: &[Pubkey],
    code: u32,
) {
    let before = env.snapshot(watched).await;
    let result = env.send(ixs, signers).await;
    assert_eq!(custom_code(&result), Some(code), "got {result:?}");
    assert_eq!(
        env.snapshot(watched).await,
        before,
        "error {code} changed state"
    );
}

/// Sends `ixs` that create an account which already exists; asserts the program refuses with
/// `AccountAlreadyExists` and nothing in `watched` changed.
async fn fails_already_exists(
    env: &mut Env,
    ixs: &[Instruction],
    signers: &[&Keypair],
    watched: &[Pubkey],
) {
    let before = env.snapshot(watched).await;
    let result = env.send(ixs, signers).await;
    let refused = custom_code(&result) == Some(u32::from(RestakingError::AccountAlreadyExists));
    assert!(
        refused,
        "expected the system program to refuse, got {result:?}"
    );
    assert_eq!(env.snapshot(watched).await, before, "re-init changed state");
}
/// SPL Token's `OwnerMismatch`.
const TOKEN_OWNER_MISMATCH: u32 = 4;

/// Replaces every occurrence of `from` among the instruction's accounts by `to`.
fn swap_account(ix: &mut Instruction, from: Pubkey, to: Pubkey) {
    let mut n = 0;
    for meta in ix.accounts.iter_mut().filter(|m| m.pubkey == from) {
        meta.pubkey = to;
        n += 1;
    }
    assert!(n > 0, "{from} is not an account of the instruction");
}

fn config_key() -> Pubkey {
    client::config_pda()
}

fn bump_of(seeds: &[&[u8]]) -> u8 {
    Pubkey::find_program_address(seeds, &restaking::ID).1
}

fn manual_source(updater: Pubkey) -> RateSource {
    RateSource::Manual {
        updater,
        max_change_bps: 1_000,
        max_age_secs: 3_600,
    }
}

/// Mint and owner of a token account.
async fn token_account_info(env: &mut Env, key: &Pubkey) -> (Pubkey, Pubkey) {
    use spl_token_2022::extension::StateWithExtensions;
    let data = env.account(key).await.expect("token account").data;
    let state = StateWithExtensions::<spl_token_2022::state::Account>::unpack(&data)
        .expect("token account");
    (state.base.mint, state.base.owner)
}

/// A bank with the default config, an SPL-token pool priced 1:1 by a stake pool and Alice
/// holding 100 LST with an open, empty position.
async fn setup() -> (Env, TestPool, User) {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let alice = env.user(&pool, 100 * ONE).await;
    (env, pool, alice)
}

/// [`setup`] with Alice's 100 LST deposited.
async fn setup_deposited() -> (Env, TestPool, User) {
    let (mut env, pool, alice) = setup().await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    (env, pool, alice)
}

/// Every account a staker instruction of `user` on `pool` can touch.
fn staker_accounts(pool: &TestPool, user: &User) -> Vec<Pubkey> {
    vec![
        user.key(),
        user.lst_account,
        pool.keys.pool,
        pool.keys.vault,
        pool.keys.position(&user.key()),
        config_key(),
    ]
}

/// Ways a pool's stake-pool rate source can be wrong, and the error each must produce.
#[derive(Clone, Copy, Debug)]
enum BadSource {
    /// The source account is not passed.
    Missing,
    /// Another, otherwise valid, stake-pool account is passed.
    Mismatch,
    /// The configured address, owned by another program.
    WrongOwner,
    /// The configured address and owner, but not a stake pool (`account_type` 0).
    Malformed,
    /// The configured address and owner, truncated below any stake-pool encoding.
    Truncated,
    /// A stake pool of another mint.
    MintMismatch,
    /// Last updated in an earlier epoch.
    Stale,
    /// A pool token supply of zero.
    ZeroSupply,
    /// Zero lamports under management.
    ZeroLamports,
}

const BAD_SOURCES: [BadSource; 9] = [
    BadSource::Missing,
    BadSource::Mismatch,
    BadSource::WrongOwner,
    BadSource::Malformed,
    BadSource::Truncated,
    BadSource::MintMismatch,
    BadSource::Stale,
    BadSource::ZeroSupply,
    BadSource::ZeroLamports,
];

impl BadSource {
    fn error(self) -> RestakingError {
        match self {
            BadSource::Missing => RestakingError::RateSourceMissing,
            BadSource::Mismatch => RestakingError::RateSourceMismatch,
            BadSource::WrongOwner => RestakingError::InvalidRateSourceOwner,
            BadSource::Malformed | BadSource::Truncated => RestakingError::MalformedRateSource,
            BadSource::MintMismatch => RestakingError::RateSourceMintMismatch,
            BadSource::Stale => RestakingError::StaleRate,
            BadSource::ZeroSupply | BadSource::ZeroLamports => RestakingError::InvalidRate,
        }
    }

    /// Puts the bad source in place; returns the keys an instruction should be built with.
    async fn apply(self, env: &mut Env, pool: &TestPool) -> PoolKeys {
        let source = pool.keys.rate_source.expect("stake-pool priced");
        let mint = pool.keys.lst_mint;
        let mut keys = pool.keys;
        match self {
            BadSource::Missing => keys.rate_source = None,
            BadSource::Mismatch => {
                let impostor = Pubkey::new_unique();
                env.set_stake_pool(&impostor, &mint, 2 * ONE, ONE).await;
                keys.rate_source = Some(impostor);
            }
            BadSource::WrongOwner => {
                let data = rate_accounts::stake_pool_account_data(&mint, 2 * ONE, ONE, 0);
                env.set_account(&source, &Pubkey::new_unique(), data).await;
            }
            BadSource::Malformed => {
                let mut data = rate_accounts::stake_pool_account_data(&mint, 2 * ONE, ONE, 0);
                data[0] = 0;
                env.set_account(&source, &SPL_STAKE_POOL_PROGRAM_ID, data)
                    .await;
            }
            BadSource::Truncated => {
                let data = rate_accounts::stake_pool_account_data(&mint, 2 * ONE, ONE, 0);
                env.set_account(&source, &SPL_STAKE_POOL_PROGRAM_ID, data[..300].to_vec())
                    .await;
            }
            BadSource::MintMismatch => {
                env.set_stake_pool(&source, &Pubkey::new_unique(), 2 * ONE, ONE)
                    .await;
            }
            BadSource::Stale => {
                let epoch = env.clock().await.epoch;
                env.set_epoch(epoch + 1).await;
                env.set_stake_pool_at_epoch(&source, &mint, 2 * ONE, ONE, epoch)
                    .await;
            }
            BadSource::ZeroSupply => env.set_stake_pool(&source, &mint, 2 * ONE, 0).await,
            BadSource::ZeroLamports => env.set_stake_pool(&source, &mint, 0, ONE).await,
        }
        keys
    }
}

/// For every [`BadSource`]: builds the instruction with `make`, asserts it fails with the
/// source's error and changes nothing in `watched`, then restores the source at rate `num/den`.
async fn assert_bad_sources(
    env: &mut Env,
    pool: &TestPool,
    (num, den): (u64, u64),
    signers: &[&Keypair],
    watched: &[Pubkey],
    make: impl Fn(&PoolKeys) -> Instruction,
) {
    assert_some_bad_sources(env, pool, (num, den), signers, watched, &BAD_SOURCES, make).await;
}

/// [`assert_bad_sources`] over the given subset of sources.
async fn assert_some_bad_sources(
    env: &mut Env,
    pool: &TestPool,
    (num, den): (u64, u64),
    signers: &[&Keypair],
    watched: &[Pubkey],
    sources: &[BadSource],
    make: impl Fn(&PoolKeys) -> Instruction,
) {
    for &bad in sources {
        let keys = bad.apply(env, pool).await;
        let before = env.snapshot(watched).await;
        let result = env.send(&[make(&keys)], signers).await;
        assert_error(result, bad.error());
        assert_eq!(env.snapshot(watched).await, before, "{bad:?} changed state");
        env.set_rate(pool, num, den).await;
    }
}

// ---- initialize_config -------------------------------------------------------------------

#[tokio::test]
async fn initialize_config_ok() {
    let mut env = Env::without_config().await;
    let admin = env.admin.insecure_clone();
    let args = env.default_config_args();
    env.ok(
        &[client::initialize_config(admin.pubkey(), args)],
        &[&admin],
    )
    .await;

    let account = env.account(&config_key()).await.unwrap();
    assert_eq!(account.owner, restaking::ID);
    assert_eq!(account.data.len(), Config::SPACE);
    let config: Config = env.state(&config_key()).await;
    assert_state(
        &config,
        &Config {
            admin: admin.pubkey(),
            pending_admin: Pubkey::default(),
            guardian: env.guardian.pubkey(),
            treasury: env.treasury,
            protocol_fee_bps: 0,
            max_commission_bps: 5_000,
            min_withdrawal_delay_secs: 3 * DAY,
            slash_veto_secs: VETO_SECS,
            pause_flags: 0,
            pool_count: 0,
            bump: bump_of(&[Config::SEED]),
            version: ACCOUNT_VERSION,
            pending_mask: 0,
            pending_guardian: Pubkey::default(),
            pending_protocol_fee_bps: 0,
            pending_max_commission_bps: 0,
            pending_slash_veto_secs: 0,
            pending_effective_ts: 0,
            reserved: [0; 11],
        },
    );
}

/// The config is a singleton: a second `initialize_config`, by the admin or anyone else,
/// cannot overwrite it.
#[tokio::test]
async fn initialize_config_twice() {
    let mut env = Env::new().await;
    let admin = env.admin.insecure_clone();
    let mallory = Keypair::new();
    env.airdrop(&mallory.pubkey(), ONE).await;
    let watched = [config_key(), mallory.pubkey()];

    let args = env.default_config_args();
    let ix = client::initialize_config(admin.pubkey(), args);
    fails_already_exists(&mut env, &[ix], &[&admin], &watched).await;

    let mut args = env.default_config_args();
    args.guardian = mallory.pubkey();
    let ix = client::initialize_config(mallory.pubkey(), args);
    fails_already_exists(&mut env, &[ix], &[&mallory], &watched).await;
    assert_eq!(
        env.state::<Config>(&config_key()).await.admin,
        admin.pubkey()
    );
}

/// Sends `initialize_config` with `args` changed by `edit`; asserts `expected` and that no
/// config was created.
async fn initialize_config_rejects(
    edit: impl FnOnce(&mut client::InitializeConfigArgs),
    expected: RestakingError,
) {
    let mut env = Env::without_config().await;
    let admin = env.admin.insecure_clone();
    let mut args = env.default_config_args();
    edit(&mut args);
    let ix = client::initialize_config(admin.pubkey(), args);
    fails(&mut env, &[ix], &[&admin], &[config_key()], expected).await;
    assert!(!env.exists(&config_key()).await);
}

#[tokio::test]
async fn initialize_config_invalid_bps() {
    initialize_config_rejects(
        |a| a.protocol_fee_bps = MAX_PROTOCOL_FEE_BPS + 1,
        RestakingError::InvalidBps,
    )
    .await;
    initialize_config_rejects(
        |a| a.max_commission_bps = BPS_DENOMINATOR + 1,
        RestakingError::InvalidBps,
    )
    .await;
}

#[tokio::test]
async fn initialize_config_invalid_withdrawal_delay() {
    initialize_config_rejects(
        |a| {
            a.min_withdrawal_delay_secs = 0;
            a.slash_veto_secs = 0;
        },
        RestakingError::InvalidWithdrawalDelay,
    )
    .await;
    initialize_config_rejects(
        |a| a.min_withdrawal_delay_secs = MAX_WITHDRAWAL_DELAY_SECS + 1,
        RestakingError::InvalidWithdrawalDelay,
    )
    .await;
}

#[tokio::test]
async fn initialize_config_veto_window_too_long() {
    // the veto window must be strictly shorter than the minimum withdrawal delay
    initialize_config_rejects(
        |a| a.slash_veto_secs = a.min_withdrawal_delay_secs,
        RestakingError::VetoWindowTooLong,
    )
    .await;
    initialize_config_rejects(
        |a| a.slash_veto_secs = -1,
        RestakingError::VetoWindowTooLong,
    )
    .await;
}

#[tokio::test]
async fn initialize_config_invalid_address() {
    initialize_config_rejects(
        |a| a.guardian = Pubkey::default(),
        RestakingError::InvalidAddress,
    )
    .await;
    initialize_config_rejects(
        |a| a.treasury = Pubkey::default(),
        RestakingError::InvalidAddress,
    )
    .await;
}

// ---- update_config -----------------------------------------------------------------------

#[tokio::test]
async fn update_config_ok() {
    let mut env = Env::new().await;
    let admin = env.admin.insecure_clone();
    let before: Config = env.state(&config_key()).await;
    let guardian = Pubkey::new_unique();
    let treasury = Pubkey::new_unique();
    let args = UpdateConfigArgs {
        guardian: Some(guardian),
        treasury: Some(treasury),
        protocol_fee_bps: Some(MAX_PROTOCOL_FEE_BPS),
        max_commission_bps: Some(BPS_DENOMINATOR),
        min_withdrawal_delay_secs: Some(MAX_WITHDRAWAL_DELAY_SECS),
        slash_veto_secs: Some(DAY),
    };
    env.ok(&[client::update_config(admin.pubkey(), args)], &[&admin])
        .await;
    // the treasury and the minimum pool delay apply at once; a new guardian, a higher fee and
    // cap and a shorter veto window wait out the timelock
    let now = env.clock().await.unix_timestamp;
    let mut expected = before.clone();
    expected.treasury = treasury;
    expected.min_withdrawal_delay_secs = MAX_WITHDRAWAL_DELAY_SECS;
    expected.pending_mask = Config::PENDING_GUARDIAN
        | Config::PENDING_PROTOCOL_FEE
        | Config::PENDING_MAX_COMMISSION
        | Config::PENDING_SLASH_VETO;
    expected.pending_guardian = guardian;
    expected.pending_protocol_fee_bps = MAX_PROTOCOL_FEE_BPS;
    expected.pending_max_commission_bps = BPS_DENOMINATOR;
    expected.pending_slash_veto_secs = DAY;
    expected.pending_effective_ts = now + ADMIN_TIMELOCK_SECS;
    assert_state(&env.state::<Config>(&config_key()).await, &expected);
    env.set_time(now + ADMIN_TIMELOCK_SECS).await;
    env.ok(&[client::apply_config_update()], &[]).await;
    let mut expected = before.clone();
    expected.guardian = guardian;
    expected.treasury = treasury;
    expected.protocol_fee_bps = MAX_PROTOCOL_FEE_BPS;
    expected.max_commission_bps = BPS_DENOMINATOR;
    expected.min_withdrawal_delay_secs = MAX_WITHDRAWAL_DELAY_SECS;
    expected.slash_veto_secs = DAY;
    assert_state(&env.state::<Config>(&config_key()).await, &expected);

    // all `None`: nothing changes; the same veto window is allowed (it does not lengthen)
    env.ok(
        &[client::update_config(
            admin.pubkey(),
            UpdateConfigArgs::default(),
        )],
        &[&admin],
    )
    .await;
    let args = UpdateConfigArgs {
        slash_veto_secs: Some(DAY),
        ..Default::default()
    };
    env.ok(&[client::update_config(admin.pubkey(), args)], &[&admin])
        .await;
    assert_state(&env.state::<Config>(&config_key()).await, &expected);
}

#[tokio::test]
async fn update_config_unauthorized() {
    let mut env = Env::new().await;
    let guardian = env.guardian.insecure_clone();
    let args = UpdateConfigArgs {
        guardian: Some(Pubkey::new_unique()),
        ..Default::default()
    };
    let ix = client::update_config(guardian.pubkey(), args);
    fails(
        &mut env,
        &[ix],
        &[&guardian],
        &[config_key()],
        RestakingError::Unauthorized,
    )
    .await;
}

/// The admin's key named without its signature (the fixture's admin pays the fees, so an
/// admin that is not the fee payer is installed first).
#[tokio::test]
async fn update_config_without_signature() {
    let mut env = Env::new().await;
    let admin = env.admin.insecure_clone();
    let new_admin = Keypair::new();
    env.ok(
        &[client::transfer_admin(admin.pubkey(), new_admin.pubkey())],
        &[&admin],
    )
    .await;
    env.ok(&[client::accept_admin(new_admin.pubkey())], &[&new_admin])
        .await;
    let args = UpdateConfigArgs {
        protocol_fee_bps: Some(100),
        ..Default::default()
    };
    let mut ix = client::update_config(new_admin.pubkey(), args);
    ix.accounts[0].is_signer = false;
    fails_anchor(
        &mut env,
        &[ix],
        &[],
        &[config_key()],
        Anchor::AccountNotSigner,
    )
    .await;
}

async fn update_config_rejects(args: UpdateConfigArgs, expected: RestakingError) {
    let mut env = Env::new().await;
    let admin = env.admin.insecure_clone();
    let ix = client::update_config(admin.pubkey(), args);
    fails(&mut env, &[ix], &[&admin], &[config_key()], expected).await;
}

/// The veto window may only shrink: pools created under an earlier minimum delay must keep a
/// delay longer than it.
#[tokio::test]
async fn update_config_veto_window_too_long() {
    let lengthen = UpdateConfigArgs {
        slash_veto_secs: Some(VETO_SECS + 1),
        ..Default::default()
    };
    update_config_rejects(lengthen, RestakingError::VetoWindowTooLong).await;
    // lengthening is rejected even when the new minimum delay would allow it
    let lengthen_with_delay = UpdateConfigArgs {
        min_withdrawal_delay_secs: Some(10 * DAY),
        slash_veto_secs: Some(5 * DAY),
        ..Default::default()
    };
    update_config_rejects(lengthen_with_delay, RestakingError::VetoWindowTooLong).await;
    // a minimum delay not longer than the veto window
    let short_delay = UpdateConfigArgs {
        min_withdrawal_delay_secs: Some(VETO_SECS),
        ..Default::default()
    };
    update_config_rejects(short_delay, RestakingError::VetoWindowTooLong).await;
    let negative = UpdateConfigArgs {
        slash_veto_secs: Some(-1),
        ..Default::default()
    };
    update_config_rejects(negative, RestakingError::VetoWindowTooLong).await;
}

#[tokio::test]
async fn update_config_invalid_bps() {
    let fee = UpdateConfigArgs {
        protocol_fee_bps: Some(MAX_PROTOCOL_FEE_BPS + 1),
        ..Default::default()
    };
    update_config_rejects(fee, RestakingError::InvalidBps).await;
    let commission = UpdateConfigArgs {
        max_commission_bps: Some(BPS_DENOMINATOR + 1),
        ..Default::default()
    };
    update_config_rejects(commission, RestakingError::InvalidBps).await;
}

#[tokio::test]
async fn update_config_invalid_withdrawal_delay() {
    let zero = UpdateConfigArgs {
        min_withdrawal_delay_secs: Some(0),
        slash_veto_secs: Some(0),
        ..Default::default()
    };
    update_config_rejects(zero, RestakingError::InvalidWithdrawalDelay).await;
    let too_long = UpdateConfigArgs {
        min_withdrawal_delay_secs: Some(MAX_WITHDRAWAL_DELAY_SECS + 1),
        ..Default::default()
    };
    update_config_rejects(too_long, RestakingError::InvalidWithdrawalDelay).await;
}

#[tokio::test]
async fn update_config_invalid_address() {
    let guardian = UpdateConfigArgs {
        guardian: Some(Pubkey::default()),
        ..Default::default()
    };
    update_config_rejects(guardian, RestakingError::InvalidAddress).await;
    let treasury = UpdateConfigArgs {
        treasury: Some(Pubkey::default()),
        ..Default::default()
    };
    update_config_rejects(treasury, RestakingError::InvalidAddress).await;
}

// ---- transfer_admin / accept_admin -------------------------------------------------------

#[tokio::test]
async fn transfer_admin_ok() {
    let mut env = Env::new().await;
    let admin = env.admin.insecure_clone();
    let before: Config = env.state(&config_key()).await;
    let candidate = Pubkey::new_unique();
    env.ok(
        &[client::transfer_admin(admin.pubkey(), candidate)],
        &[&admin],
    )
    .await;
    let mut expected = before.clone();
    expected.pending_admin = candidate;
    assert_state(&env.state::<Config>(&config_key()).await, &expected);

    // the default key cancels the proposal
    env.ok(
        &[client::transfer_admin(admin.pubkey(), Pubkey::default())],
        &[&admin],
    )
    .await;
    assert_state(&env.state::<Config>(&config_key()).await, &before);
}

#[tokio::test]
async fn transfer_admin_unauthorized() {
    let mut env = Env::new().await;
    let guardian = env.guardian.insecure_clone();
    let ix = client::transfer_admin(guardian.pubkey(), guardian.pubkey());
    fails(
        &mut env,
        &[ix],
        &[&guardian],
        &[config_key()],
        RestakingError::Unauthorized,
    )
    .await;
}

#[tokio::test]
async fn accept_admin_ok() {
    let mut env = Env::new().await;
    let admin = env.admin.insecure_clone();
    let new_admin = Keypair::new();
    let before: Config = env.state(&config_key()).await;
    env.ok(
        &[client::transfer_admin(admin.pubkey(), new_admin.pubkey())],
        &[&admin],
    )
    .await;
    env.ok(&[client::accept_admin(new_admin.pubkey())], &[&new_admin])
        .await;
    let mut expected = before;
    expected.admin = new_admin.pubkey();
    assert_state(&env.state::<Config>(&config_key()).await, &expected);

    // the old admin lost its powers, the new one has them
    let ix = client::set_pause(admin.pubkey(), PAUSE_DEPOSITS);
    fails(
        &mut env,
        &[ix],
        &[&admin],
        &[config_key()],
        RestakingError::NotAdminOrGuardian,
    )
    .await;
    let args = UpdateConfigArgs {
        protocol_fee_bps: Some(100),
        ..Default::default()
    };
    let ix = client::update_config(admin.pubkey(), args.clone());
    fails(
        &mut env,
        &[ix],
        &[&admin],
        &[config_key()],
        RestakingError::Unauthorized,
    )
    .await;
    env.ok(
        &[client::update_config(new_admin.pubkey(), args)],
        &[&new_admin],
    )
    .await;
    // a raise is proposed under the timelock, by the new admin's authority
    assert_eq!(
        env.state::<Config>(&config_key())
            .await
            .pending_protocol_fee_bps,
        100
    );
}

#[tokio::test]
async fn accept_admin_not_pending_admin() {
    let mut env = Env::new().await;
    let admin = env.admin.insecure_clone();
    let candidate = Keypair::new();
    let mallory = Keypair::new();

    // nothing proposed: nobody can accept, not even the admin
    for signer in [&candidate, &mallory, &admin] {
        let ix = client::accept_admin(signer.pubkey());
        fails(
            &mut env,
            &[ix],
            &[signer],
            &[config_key()],
            RestakingError::NotPendingAdmin,
        )
        .await;
    }
    // proposed: only the candidate can accept
    env.ok(
        &[client::transfer_admin(admin.pubkey(), candidate.pubkey())],
        &[&admin],
    )
    .await;
    for signer in [&mallory, &admin] {
        let ix = client::accept_admin(signer.pubkey());
        fails(
            &mut env,
            &[ix],
            &[signer],
            &[config_key()],
            RestakingError::NotPendingAdmin,
        )
        .await;
    }
    // cancelled: the former candidate can no longer accept
    env.ok(
        &[client::transfer_admin(admin.pubkey(), Pubkey::default())],
        &[&admin],
    )
    .await;
    let ix = client::accept_admin(candidate.pubkey());
    fails(
        &mut env,
        &[ix],
        &[&candidate],
        &[config_key()],
        RestakingError::NotPendingAdmin,
    )
    .await;
}

// ---- set_pause ---------------------------------------------------------------------------

#[tokio::test]
async fn set_pause_ok() {
    let mut env = Env::new().await;
    let admin = env.admin.insecure_clone();
    let guardian = env.guardian.insecure_clone();
    let before: Config = env.state(&config_key()).await;

    // the guardian adds flags, one at a time
    env.ok(
        &[client::set_pause(guardian.pubkey(), PAUSE_DEPOSITS)],
        &[&guardian],
    )
    .await;
    assert_eq!(
        env.state::<Config>(&config_key()).await.pause_flags,
        PAUSE_DEPOSITS
    );
    env.ok(
        &[client::set_pause(guardian.pubkey(), PAUSE_ALL)],
        &[&guardian],
    )
    .await;
    // re-asserting the same flags is allowed
    env.ok(
        &[client::set_pause(guardian.pubkey(), PAUSE_ALL)],
        &[&guardian],
    )
    .await;
    let mut expected = before.clone();
    expected.pause_flags = PAUSE_ALL;
    assert_state(&env.state::<Config>(&config_key()).await, &expected);

    // the admin sets anything, including lifting flags
    env.ok(
        &[client::set_pause(admin.pubkey(), PAUSE_DELEGATIONS)],
        &[&admin],
    )
    .await;
    assert_eq!(
        env.state::<Config>(&config_key()).await.pause_flags,
        PAUSE_DELEGATIONS
    );
    env.ok(&[client::set_pause(admin.pubkey(), 0)], &[&admin])
        .await;
    assert_state(&env.state::<Config>(&config_key()).await, &before);
}

#[tokio::test]
async fn set_pause_not_admin_or_guardian() {
    let mut env = Env::new().await;
    let mallory = Keypair::new();
    for flags in [PAUSE_ALL, 0] {
        let ix = client::set_pause(mallory.pubkey(), flags);
        fails(
            &mut env,
            &[ix],
            &[&mallory],
            &[config_key()],
            RestakingError::NotAdminOrGuardian,
        )
        .await;
    }
}

#[tokio::test]
async fn set_pause_guardian_cannot_unpause() {
    let mut env = Env::new().await;
    let admin = env.admin.insecure_clone();
    let guardian = env.guardian.insecure_clone();
    env.ok(
        &[client::set_pause(admin.pubkey(), PAUSE_DEPOSITS)],
        &[&admin],
    )
    .await;
    // lifting everything, or swapping one flag for another, both drop a flag
    for flags in [0, PAUSE_DELEGATIONS] {
        let ix = client::set_pause(guardian.pubkey(), flags);
        fails(
            &mut env,
            &[ix],
            &[&guardian],
            &[config_key()],
            RestakingError::GuardianCannotUnpause,
        )
        .await;
    }
}

#[tokio::test]
async fn set_pause_invalid_pause_flags() {
    let mut env = Env::new().await;
    let admin = env.admin.insecure_clone();
    let guardian = env.guardian.insecure_clone();
    for flags in [PAUSE_ALL + 1, 1 << 7, u8::MAX] {
        for signer in [&admin, &guardian] {
            let ix = client::set_pause(signer.pubkey(), flags);
            fails(
                &mut env,
                &[ix],
                &[signer],
                &[config_key()],
                RestakingError::InvalidPauseFlags,
            )
            .await;
        }
    }
}

// ---- add_pool ----------------------------------------------------------------------------

/// The `Pool` `add_pool` creates for `keys` with `source` at `rate` (every counter zero).
async fn fresh_pool(env: &mut Env, keys: &PoolKeys, source: RateSource, rate: u128) -> Pool {
    Pool {
        lst_mint: keys.lst_mint,
        vault: keys.vault,
        token_program: keys.token_program,
        rate_source: source,
        rate,
        rate_updated_ts: env.clock().await.unix_timestamp,
        deposit_cap_value: u64::MAX,
        withdrawal_delay_secs: WITHDRAWAL_DELAY,
        total_idle_lst: 0,
        total_principal: 0,
        total_ticket_lst: 0,
        total_bucket_lst: 0,
        total_queued_lst: 0,
        total_unclaimed_yield: 0,
        total_deposited_lst: 0,
        total_withdrawn_lst: 0,
        total_yield_paid_lst: 0,
        position_count: 0,
        lst_decimals: 9,
        bump: bump_of(&[Pool::SEED, keys.lst_mint.as_ref()]),
        vault_bump: bump_of(&[Pool::VAULT_SEED, keys.pool.as_ref()]),
        version: ACCOUNT_VERSION,
        pending_mask: 0,
        pending_withdrawal_delay_secs: 0,
        pending_rate_source: source,
        pending_effective_ts: 0,
        reserved: [0; 8],
    }
}

#[tokio::test]
async fn add_pool_ok() {
    let mut env = Env::new().await;
    let mint = env.create_mint(MintKind::Spl, 9).await;
    let stake_pool = Pubkey::new_unique();
    env.set_stake_pool(&stake_pool, &mint, 1_050 * ONE, 1_000 * ONE)
        .await;
    let source = RateSource::SplStakePool { stake_pool };
    let pool = env.add_pool(mint, MintKind::Spl, source, 0).await;

    let expected = fresh_pool(&mut env, &pool.keys, source, rate(105, 100)).await;
    assert_state(&env.pool(&pool).await, &expected);
    assert_eq!(
        env.account(&pool.keys.pool).await.unwrap().data.len(),
        Pool::SPACE
    );
    // the vault: a token account of the LST owned by the pool PDA, at its own PDA, empty
    assert_eq!(
        token_account_info(&mut env, &pool.keys.vault).await,
        (mint, pool.keys.pool)
    );
    assert_eq!(env.token_balance(&pool.keys.vault).await, 0);
    assert_eq!(
        env.account(&pool.keys.vault).await.unwrap().owner,
        anchor_spl::token::ID
    );
    assert_eq!(env.state::<Config>(&config_key()).await.pool_count, 1);
}

/// A manual pool takes `initial_rate`; the rate-source account is not needed.
#[tokio::test]
async fn add_pool_ok_manual() {
    let mut env = Env::new().await;
    let updater = Pubkey::new_unique();
    let pool = env.manual_lst(updater, rate(3, 2)).await;
    let expected = fresh_pool(&mut env, &pool.keys, manual_source(updater), rate(3, 2)).await;
    assert_state(&env.pool(&pool).await, &expected);
    // a second pool counts too
    env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    assert_eq!(env.state::<Config>(&config_key()).await.pool_count, 2);
}

/// A Marinade-priced pool reads `msol_price / 2^32`.
#[tokio::test]
async fn add_pool_ok_marinade() {
    let mut env = Env::new().await;
    let mint = env.create_mint(MintKind::Spl, 9).await;
    let state = Pubkey::new_unique();
    // 1.25 SOL per mSOL
    env.set_marinade_state(&state, &mint, 5 << 30).await;
    let source = RateSource::Marinade { state };
    let pool = env.add_pool(mint, MintKind::Spl, source, 0).await;
    let expected = fresh_pool(&mut env, &pool.keys, source, rate(5, 4)).await;
    assert_state(&env.pool(&pool).await, &expected);
}

/// What `add_pool` must leave untouched when it fails for `keys`.
fn add_pool_watched(keys: &PoolKeys) -> Vec<Pubkey> {
    vec![keys.pool, keys.vault, config_key(), keys.lst_mint]
}

/// A new SPL mint and the keys of its would-be stake-pool-priced pool (source written 1:1).
async fn new_stake_pool_mint(env: &mut Env) -> (PoolKeys, RateSource) {
    let mint = env.create_mint(MintKind::Spl, 9).await;
    let stake_pool = Pubkey::new_unique();
    env.set_stake_pool(&stake_pool, &mint, ONE, ONE).await;
    let source = RateSource::SplStakePool { stake_pool };
    (PoolKeys::new(mint, anchor_spl::token::ID, &source), source)
}

/// Sends `add_pool` for `keys` with `args`; asserts `expected` and that no pool was created.
async fn add_pool_rejects(
    env: &mut Env,
    keys: &PoolKeys,
    args: client::AddPoolArgs,
    expected: RestakingError,
) {
    let admin = env.admin.insecure_clone();
    let ix = client::add_pool(admin.pubkey(), keys, args);
    fails(env, &[ix], &[&admin], &add_pool_watched(keys), expected).await;
    assert!(!env.exists(&keys.pool).await);
    assert!(!env.exists(&keys.vault).await);
}

#[tokio::test]
async fn add_pool_unauthorized() {
    let mut env = Env::new().await;
    let (keys, source) = new_stake_pool_mint(&mut env).await;
    let mallory = Keypair::new();
    env.airdrop(&mallory.pubkey(), 10 * ONE).await;
    let ix = client::add_pool(mallory.pubkey(), &keys, Env::pool_args(source, 0));
    let mut watched = add_pool_watched(&keys);
    watched.push(mallory.pubkey());
    fails(
        &mut env,
        &[ix],
        &[&mallory],
        &watched,
        RestakingError::Unauthorized,
    )
    .await;
    assert!(!env.exists(&keys.pool).await);
}

#[tokio::test]
async fn add_pool_twice() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let admin = env.admin.insecure_clone();
    let source = RateSource::SplStakePool {
        stake_pool: pool.keys.rate_source.unwrap(),
    };
    let ix = client::add_pool(admin.pubkey(), &pool.keys, Env::pool_args(source, 0));
    fails_already_exists(&mut env, &[ix], &[&admin], &add_pool_watched(&pool.keys)).await;
}

#[tokio::test]
async fn add_pool_invalid_withdrawal_delay() {
    let mut env = Env::new().await;
    let (keys, source) = new_stake_pool_mint(&mut env).await;
    for delay in [3 * DAY - 1, 0, -1, MAX_WITHDRAWAL_DELAY_SECS + 1] {
        let mut args = Env::pool_args(source, 0);
        args.withdrawal_delay_secs = delay;
        add_pool_rejects(
            &mut env,
            &keys,
            args,
            RestakingError::InvalidWithdrawalDelay,
        )
        .await;
    }
}

#[tokio::test]
async fn add_pool_bad_rate_source() {
    let mut env = Env::new().await;
    let (keys, source) = new_stake_pool_mint(&mut env).await;
    let pool = TestPool {
        keys,
        kind: MintKind::Spl,
        decimals: 9,
    };
    let admin = env.admin.insecure_clone();
    assert_bad_sources(
        &mut env,
        &pool,
        (ONE, ONE),
        &[&admin],
        &add_pool_watched(&keys),
        |k| client::add_pool(admin.pubkey(), k, Env::pool_args(source, 0)),
    )
    .await;
    assert!(!env.exists(&keys.pool).await);
}

#[tokio::test]
async fn add_pool_bad_marinade_source() {
    let mut env = Env::new().await;
    let mint = env.create_mint(MintKind::Spl, 9).await;
    let state = Pubkey::new_unique();
    let source = RateSource::Marinade { state };
    let keys = PoolKeys::new(mint, anchor_spl::token::ID, &source);
    let args = || Env::pool_args(source, 0);

    // not a Marinade state: wrong discriminator, truncated
    let mut data = rate_accounts::marinade_state_account_data(&mint, 5 << 30);
    data[0] ^= 1;
    env.set_account(&state, &MARINADE_PROGRAM_ID, data).await;
    add_pool_rejects(&mut env, &keys, args(), RestakingError::MalformedRateSource).await;
    let data = rate_accounts::marinade_state_account_data(&mint, 5 << 30);
    env.set_account(&state, &MARINADE_PROGRAM_ID, data[..600].to_vec())
        .await;
    add_pool_rejects(&mut env, &keys, args(), RestakingError::MalformedRateSource).await;
    // a real layout owned by another program
    env.set_account(&state, &SPL_STAKE_POOL_PROGRAM_ID, data.clone())
        .await;
    add_pool_rejects(
        &mut env,
        &keys,
        args(),
        RestakingError::InvalidRateSourceOwner,
    )
    .await;
    // the state of another mint
    env.set_marinade_state(&state, &Pubkey::new_unique(), 5 << 30)
        .await;
    add_pool_rejects(
        &mut env,
        &keys,
        args(),
        RestakingError::RateSourceMintMismatch,
    )
    .await;
    // a zero price
    env.set_marinade_state(&state, &mint, 0).await;
    add_pool_rejects(&mut env, &keys, args(), RestakingError::InvalidRate).await;
    // another Marinade-owned account than the configured one
    env.set_marinade_state(&state, &mint, 5 << 30).await;
    let mut other = keys;
    let impostor = Pubkey::new_unique();
    env.set_marinade_state(&impostor, &mint, 5 << 30).await;
    other.rate_source = Some(impostor);
    add_pool_rejects(&mut env, &other, args(), RestakingError::RateSourceMismatch).await;
}

#[tokio::test]
async fn add_pool_invalid_rate() {
    let mut env = Env::new().await;
    let updater = Pubkey::new_unique();
    let mint = env.create_mint(MintKind::Spl, 9).await;
    let source = manual_source(updater);
    let keys = PoolKeys::new(mint, anchor_spl::token::ID, &source);
    for initial in [0, MAX_RATE + 1, u128::MAX] {
        add_pool_rejects(
            &mut env,
            &keys,
            Env::pool_args(source, initial),
            RestakingError::InvalidRate,
        )
        .await;
    }
    // a stake pool whose ratio exceeds MAX_RATE (≈ 18.4)
    let (keys, source) = new_stake_pool_mint(&mut env).await;
    env.set_stake_pool(&keys.rate_source.unwrap(), &keys.lst_mint, 19 * ONE, ONE)
        .await;
    add_pool_rejects(
        &mut env,
        &keys,
        Env::pool_args(source, 0),
        RestakingError::InvalidRate,
    )
    .await;
}

#[tokio::test]
async fn add_pool_invalid_manual_source() {
    let mut env = Env::new().await;
    let mint = env.create_mint(MintKind::Spl, 9).await;
    let updater = Pubkey::new_unique();
    let cases = [
        (
            RateSource::Manual {
                updater: Pubkey::default(),
                max_change_bps: 1_000,
                max_age_secs: 3_600,
            },
            RestakingError::InvalidAddress,
        ),
        (
            RateSource::Manual {
                updater,
                max_change_bps: 0,
                max_age_secs: 3_600,
            },
            RestakingError::InvalidBps,
        ),
        (
            RateSource::Manual {
                updater,
                max_change_bps: BPS_DENOMINATOR + 1,
                max_age_secs: 3_600,
            },
            RestakingError::InvalidBps,
        ),
        (
            RateSource::Manual {
                updater,
                max_change_bps: 1_000,
                max_age_secs: 0,
            },
            RestakingError::StaleRate,
        ),
    ];
    for (source, expected) in cases {
        let keys = PoolKeys::new(mint, anchor_spl::token::ID, &source);
        add_pool_rejects(
            &mut env,
            &keys,
            Env::pool_args(source, ONE.into()),
            expected,
        )
        .await;
    }
}

#[tokio::test]
async fn add_pool_invalid_address() {
    let mut env = Env::new().await;
    let mint = env.create_mint(MintKind::Spl, 9).await;
    for source in [
        RateSource::SplStakePool {
            stake_pool: Pubkey::default(),
        },
        RateSource::Marinade {
            state: Pubkey::default(),
        },
    ] {
        let keys = PoolKeys::new(mint, anchor_spl::token::ID, &source);
        add_pool_rejects(
            &mut env,
            &keys,
            Env::pool_args(source, 0),
            RestakingError::InvalidAddress,
        )
        .await;
    }
}

/// The token program must own the mint: creating the vault through another one fails.
#[tokio::test]
async fn add_pool_wrong_token_program() {
    let mut env = Env::new().await;
    let (mut keys, source) = new_stake_pool_mint(&mut env).await;
    keys.token_program = spl_token_2022::ID;
    let admin = env.admin.insecure_clone();
    let ix = client::add_pool(admin.pubkey(), &keys, Env::pool_args(source, 0));
    fails(
        &mut env,
        &[ix],
        &[&admin],
        &add_pool_watched(&keys),
        RestakingError::InvalidTokenProgram,
    )
    .await;
}

// ---- update_pool -------------------------------------------------------------------------

#[tokio::test]
async fn update_pool_ok() {
    let mut env = Env::new().await;
    let admin = env.admin.insecure_clone();
    let updater = Pubkey::new_unique();
    let pool = env.manual_lst(updater, rate(1, 1)).await;
    let before = env.pool(&pool).await;

    let new_updater = Pubkey::new_unique();
    let new_source = RateSource::Manual {
        updater: new_updater,
        max_change_bps: BPS_DENOMINATOR,
        max_age_secs: 60,
    };
    let args = UpdatePoolArgs {
        deposit_cap_value: Some(500 * ONE),
        withdrawal_delay_secs: Some(MAX_WITHDRAWAL_DELAY_SECS),
        rate_source: Some(new_source),
    };
    env.ok(
        &[client::update_pool(admin.pubkey(), pool.keys.pool, args)],
        &[&admin],
    )
    .await;
    // the cap applies at once; a longer delay and a new source wait out the timelock
    let now = env.clock().await.unix_timestamp;
    let mut expected = before.clone();
    expected.deposit_cap_value = 500 * ONE;
    expected.pending_mask = Pool::PENDING_WITHDRAWAL_DELAY | Pool::PENDING_RATE_SOURCE;
    expected.pending_withdrawal_delay_secs = MAX_WITHDRAWAL_DELAY_SECS;
    expected.pending_rate_source = new_source;
    expected.pending_effective_ts = now + ADMIN_TIMELOCK_SECS;
    assert_state(&env.pool(&pool).await, &expected);
    env.set_time(now + ADMIN_TIMELOCK_SECS).await;
    env.ok(&[client::apply_pool_update(pool.keys.pool)], &[])
        .await;
    let mut expected = before.clone();
    expected.deposit_cap_value = 500 * ONE;
    expected.withdrawal_delay_secs = MAX_WITHDRAWAL_DELAY_SECS;
    expected.rate_source = new_source;
    expected.pending_rate_source = new_source;
    assert_state(&env.pool(&pool).await, &expected);

    // the minimum delay is allowed; `None` leaves a setting alone
    let args = UpdatePoolArgs {
        withdrawal_delay_secs: Some(3 * DAY),
        ..Default::default()
    };
    env.ok(
        &[client::update_pool(admin.pubkey(), pool.keys.pool, args)],
        &[&admin],
    )
    .await;
    expected.withdrawal_delay_secs = 3 * DAY;
    assert_state(&env.pool(&pool).await, &expected);
}

/// A new delay applies to tickets opened from then on; open tickets keep their unlock time.
#[tokio::test]
async fn update_pool_delay_applies_to_new_tickets() {
    let (mut env, pool, alice) = setup_deposited().await;
    let admin = env.admin.insecure_clone();
    let now = env.clock().await.unix_timestamp;
    let t0 = env.request_withdrawal(&pool, &alice, ONE).await.unwrap();
    let args = UpdatePoolArgs {
        withdrawal_delay_secs: Some(4 * DAY),
        ..Default::default()
    };
    env.ok(
        &[client::update_pool(admin.pubkey(), pool.keys.pool, args)],
        &[&admin],
    )
    .await;
    let t1 = env.request_withdrawal(&pool, &alice, ONE).await.unwrap();
    let t0: WithdrawalTicket = env.state(&t0).await;
    let t1: WithdrawalTicket = env.state(&t1).await;
    assert_eq!(t0.unlock_ts, now + WITHDRAWAL_DELAY);
    assert_eq!(t1.unlock_ts, now + 4 * DAY);
}

async fn update_pool_rejects(
    env: &mut Env,
    pool: &TestPool,
    args: UpdatePoolArgs,
    expected: RestakingError,
) {
    let admin = env.admin.insecure_clone();
    let ix = client::update_pool(admin.pubkey(), pool.keys.pool, args);
    fails(
        env,
        &[ix],
        &[&admin],
        &[pool.keys.pool, config_key()],
        expected,
    )
    .await;
}

#[tokio::test]
async fn update_pool_unauthorized() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let guardian = env.guardian.insecure_clone();
    let args = UpdatePoolArgs {
        deposit_cap_value: Some(0),
        ..Default::default()
    };
    let ix = client::update_pool(guardian.pubkey(), pool.keys.pool, args);
    fails(
        &mut env,
        &[ix],
        &[&guardian],
        &[pool.keys.pool, config_key()],
        RestakingError::Unauthorized,
    )
    .await;
}

#[tokio::test]
async fn update_pool_invalid_withdrawal_delay() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    for delay in [3 * DAY - 1, VETO_SECS, 0, MAX_WITHDRAWAL_DELAY_SECS + 1] {
        let args = UpdatePoolArgs {
            withdrawal_delay_secs: Some(delay),
            ..Default::default()
        };
        update_pool_rejects(
            &mut env,
            &pool,
            args,
            RestakingError::InvalidWithdrawalDelay,
        )
        .await;
    }
}

#[tokio::test]
async fn update_pool_rate_source_immutable() {
    let mut env = Env::new().await;
    let updater = Pubkey::new_unique();
    // stake pool → manual
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let args = UpdatePoolArgs {
        rate_source: Some(manual_source(updater)),
        ..Default::default()
    };
    update_pool_rejects(&mut env, &pool, args, RestakingError::RateSourceImmutable).await;
    // stake pool → another stake pool
    let args = UpdatePoolArgs {
        rate_source: Some(RateSource::SplStakePool {
            stake_pool: Pubkey::new_unique(),
        }),
        ..Default::default()
    };
    update_pool_rejects(&mut env, &pool, args, RestakingError::RateSourceImmutable).await;
    // manual → stake pool / Marinade
    let manual = env.manual_lst(updater, rate(1, 1)).await;
    for source in [
        RateSource::SplStakePool {
            stake_pool: Pubkey::new_unique(),
        },
        RateSource::Marinade {
            state: Pubkey::new_unique(),
        },
    ] {
        let args = UpdatePoolArgs {
            rate_source: Some(source),
            ..Default::default()
        };
        update_pool_rejects(&mut env, &manual, args, RestakingError::RateSourceImmutable).await;
    }
}

#[tokio::test]
async fn update_pool_invalid_manual_source() {
    let mut env = Env::new().await;
    let updater = Pubkey::new_unique();
    let pool = env.manual_lst(updater, rate(1, 1)).await;
    let cases = [
        (
            RateSource::Manual {
                updater: Pubkey::default(),
                max_change_bps: 1_000,
                max_age_secs: 3_600,
            },
            RestakingError::InvalidAddress,
        ),
        (
            RateSource::Manual {
                updater,
                max_change_bps: 0,
                max_age_secs: 3_600,
            },
            RestakingError::InvalidBps,
        ),
        (
            RateSource::Manual {
                updater,
                max_change_bps: BPS_DENOMINATOR + 1,
                max_age_secs: 3_600,
            },
            RestakingError::InvalidBps,
        ),
        (
            RateSource::Manual {
                updater,
                max_change_bps: 1_000,
                max_age_secs: 0,
            },
            RestakingError::StaleRate,
        ),
    ];
    for (source, expected) in cases {
        let args = UpdatePoolArgs {
            rate_source: Some(source),
            ..Default::default()
        };
        update_pool_rejects(&mut env, &pool, args, expected).await;
    }
}

// ---- push_rate ---------------------------------------------------------------------------

#[tokio::test]
async fn push_rate_ok() {
    let mut env = Env::new().await;
    let updater = Keypair::new();
    let pool = env.manual_lst(updater.pubkey(), rate(1, 1)).await;
    let before = env.pool(&pool).await;

    // exactly the 10 % allowed, up then down
    env.advance_time(100).await;
    let up = rate(11, 10);
    env.ok(
        &[client::push_rate(updater.pubkey(), pool.keys.pool, up)],
        &[&updater],
    )
    .await;
    let mut expected = before.clone();
    expected.rate = up;
    expected.rate_updated_ts = env.clock().await.unix_timestamp;
    assert_state(&env.pool(&pool).await, &expected);

    env.advance_time(100).await;
    let down = up - up / 10;
    env.ok(
        &[client::push_rate(updater.pubkey(), pool.keys.pool, down)],
        &[&updater],
    )
    .await;
    expected.rate = down;
    expected.rate_updated_ts = env.clock().await.unix_timestamp;
    assert_state(&env.pool(&pool).await, &expected);
}

async fn push_rate_rejects(
    env: &mut Env,
    pool: &TestPool,
    signer: &Keypair,
    new_rate: u128,
    expected: RestakingError,
) {
    let ix = client::push_rate(signer.pubkey(), pool.keys.pool, new_rate);
    fails(env, &[ix], &[signer], &[pool.keys.pool], expected).await;
}

#[tokio::test]
async fn push_rate_not_rate_updater() {
    let mut env = Env::new().await;
    let updater = Keypair::new();
    let pool = env.manual_lst(updater.pubkey(), rate(1, 1)).await;
    let admin = env.admin.insecure_clone();
    for signer in [&admin, &Keypair::new()] {
        push_rate_rejects(
            &mut env,
            &pool,
            signer,
            rate(1, 1),
            RestakingError::NotRateUpdater,
        )
        .await;
    }
}

#[tokio::test]
async fn push_rate_change_too_large() {
    let mut env = Env::new().await;
    let updater = Keypair::new();
    let pool = env.manual_lst(updater.pubkey(), rate(1, 1)).await;
    for new_rate in [rate(11, 10) + 1, rate(9, 10) - 1, MAX_RATE] {
        push_rate_rejects(
            &mut env,
            &pool,
            &updater,
            new_rate,
            RestakingError::RateChangeTooLarge,
        )
        .await;
    }
}

#[tokio::test]
async fn push_rate_invalid_rate() {
    let mut env = Env::new().await;
    let updater = Keypair::new();
    let pool = env.manual_lst(updater.pubkey(), rate(1, 1)).await;
    for new_rate in [0, MAX_RATE + 1] {
        push_rate_rejects(
            &mut env,
            &pool,
            &updater,
            new_rate,
            RestakingError::InvalidRate,
        )
        .await;
    }
}

/// Stake-pool and Marinade pools read their rate; nobody pushes it.
#[tokio::test]
async fn push_rate_not_manual() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let admin = env.admin.insecure_clone();
    push_rate_rejects(
        &mut env,
        &pool,
        &admin,
        rate(1, 1),
        RestakingError::RateSourceImmutable,
    )
    .await;
}

/// A manual rate older than `max_age_secs` blocks the instructions that use it until the
/// updater pushes again.
#[tokio::test]
async fn push_rate_revives_a_stale_manual_rate() {
    let mut env = Env::new().await;
    let updater = Keypair::new();
    let pool = env.manual_lst(updater.pubkey(), rate(1, 1)).await;
    let alice = env.user(&pool, 10 * ONE).await;

    env.advance_time(3_600).await;
    env.deposit(&pool, &alice, ONE).await.unwrap();
    env.advance_time(1).await;
    let ix = client::deposit(alice.key(), &pool.keys, alice.lst_account, ONE, 0);
    let watched = staker_accounts(&pool, &alice);
    fails(
        &mut env,
        std::slice::from_ref(&ix),
        &[&alice.kp],
        &watched,
        RestakingError::StaleRate,
    )
    .await;

    env.ok(
        &[client::push_rate(
            updater.pubkey(),
            pool.keys.pool,
            rate(1, 1),
        )],
        &[&updater],
    )
    .await;
    env.ok(&[ix], &[&alice.kp]).await;
    assert_eq!(env.position(&pool, &alice).await.idle_lst, 2 * ONE);
}

// ---- open_position -----------------------------------------------------------------------

// `banks_client` is marked unstable (see the harness); it is the only way to read the rent.
#[allow(deprecated)]
#[tokio::test]
async fn open_position_ok() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let owner = Keypair::new();
    env.airdrop(&owner.pubkey(), ONE).await;
    let before = env.pool(&pool).await;
    env.ok(
        &[client::open_position(owner.pubkey(), &pool.keys)],
        &[&owner],
    )
    .await;

    let key = pool.keys.position(&owner.pubkey());
    let account = env.account(&key).await.unwrap();
    assert_eq!(account.data.len(), Position::SPACE);
    let rent = env.ctx.banks_client.get_rent().await.unwrap();
    assert_eq!(account.lamports, rent.minimum_balance(Position::SPACE));
    assert_eq!(
        env.lamports(&owner.pubkey()).await,
        ONE - account.lamports,
        "the owner pays the rent"
    );
    assert_state(
        &env.state::<Position>(&key).await,
        &Position {
            pool: pool.keys.pool,
            owner: owner.pubkey(),
            lien_holder: Pubkey::default(),
            idle_lst: 0,
            idle_principal: 0,
            unclaimed_yield: 0,
            ticket_nonce: 0,
            open_tickets: 0,
            open_delegations: 0,
            bump: bump_of(&[
                Position::SEED,
                pool.keys.pool.as_ref(),
                owner.pubkey().as_ref(),
            ]),
            version: ACCOUNT_VERSION,
            enforcement_tickets: 0,
            reserved: [0; 30],
        },
    );
    let mut expected = before;
    expected.position_count = 1;
    assert_state(&env.pool(&pool).await, &expected);
}

#[tokio::test]
async fn open_position_twice() {
    let (mut env, pool, alice) = setup_deposited().await;
    let ix = client::open_position(alice.key(), &pool.keys);
    let watched = staker_accounts(&pool, &alice);
    fails_already_exists(&mut env, &[ix], &[&alice.kp], &watched).await;
    assert_eq!(env.position(&pool, &alice).await.idle_lst, 100 * ONE);
}

/// The pool account must be a `Pool` of this program.
#[tokio::test]
async fn open_position_not_a_pool() {
    let (mut env, pool, alice) = setup().await;
    let bob = Keypair::new();
    env.airdrop(&bob.pubkey(), ONE).await;
    let mut keys = pool.keys;
    keys.pool = pool.keys.position(&alice.key());
    let ix = client::open_position(bob.pubkey(), &keys);
    let watched = [bob.pubkey(), keys.pool, keys.position(&bob.pubkey())];
    fails_anchor(
        &mut env,
        &[ix],
        &[&bob],
        &watched,
        Anchor::AccountDiscriminatorMismatch,
    )
    .await;
}

/// Closing returns the rent; opening again gives a fresh, empty position.
#[tokio::test]
async fn open_position_after_close_is_fresh() {
    let (mut env, pool, alice) = setup_deposited().await;
    env.set_rate(&pool, 2 * ONE, ONE).await;
    let ticket = env
        .request_withdrawal(&pool, &alice, 50 * ONE)
        .await
        .unwrap();
    env.claim(&pool, &alice).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_withdrawal(&pool, &alice, ticket)
        .await
        .unwrap();
    let key = pool.keys.position(&alice.key());
    let old = env.position(&pool, &alice).await;
    assert_eq!((old.idle_lst, old.ticket_nonce), (0, 1));
    env.ok(
        &[client::close_position(alice.key(), &pool.keys)],
        &[&alice.kp],
    )
    .await;
    assert!(!env.exists(&key).await);

    env.ok(
        &[client::open_position(alice.key(), &pool.keys)],
        &[&alice.kp],
    )
    .await;
    let fresh = env.position(&pool, &alice).await;
    assert_state(
        &fresh,
        &Position {
            pool: pool.keys.pool,
            owner: alice.key(),
            lien_holder: Pubkey::default(),
            idle_lst: 0,
            idle_principal: 0,
            unclaimed_yield: 0,
            ticket_nonce: 0,
            open_tickets: 0,
            open_delegations: 0,
            bump: old.bump,
            version: ACCOUNT_VERSION,
            enforcement_tickets: 0,
            reserved: [0; 30],
        },
    );
    assert_eq!(env.pool(&pool).await.position_count, 1);
    // the revived position works: deposit and withdraw again, at the same rate
    env.deposit(&pool, &alice, 10 * ONE).await.unwrap();
    let p = env.position(&pool, &alice).await;
    assert_eq!((p.idle_lst, p.idle_principal), (10 * ONE, 20 * ONE));
}

// ---- deposit -----------------------------------------------------------------------------

#[tokio::test]
async fn deposit_ok() {
    let mut env = Env::new().await;
    let pool = env
        .stake_pool_lst(MintKind::Spl, 105 * ONE, 100 * ONE)
        .await;
    let alice = env.user(&pool, 100 * ONE).await;
    let pool_before = env.pool(&pool).await;
    let position_before = env.position(&pool, &alice).await;

    let amount = 10 * ONE + 3;
    // value = floor(10.000000003 × 1.05) = 10.500000003 (rounded down)
    let value = 10_500_000_003;
    let ix = client::deposit(alice.key(), &pool.keys, alice.lst_account, amount, value);
    env.ok(&[ix], &[&alice.kp]).await;

    assert_eq!(
        env.token_balance(&alice.lst_account).await,
        100 * ONE - amount
    );
    assert_eq!(env.token_balance(&pool.keys.vault).await, amount);
    let mut expected = position_before.clone();
    expected.idle_lst = amount;
    expected.idle_principal = value;
    assert_state(&env.position(&pool, &alice).await, &expected);
    let mut expected = pool_before.clone();
    expected.total_idle_lst = amount;
    expected.total_principal = value;
    expected.total_deposited_lst = amount;
    expected.rate_updated_ts = env.clock().await.unix_timestamp;
    assert_state(&env.pool(&pool).await, &expected);
}

/// A deposit first strips the yield the idle holding earned at the fresh rate.
#[tokio::test]
async fn deposit_ok_strips_idle_yield_first() {
    let (mut env, pool, alice) = setup().await;
    env.deposit(&pool, &alice, 50 * ONE).await.unwrap();
    env.set_rate(&pool, 5 * ONE, 4 * ONE).await;
    env.deposit(&pool, &alice, 10 * ONE).await.unwrap();
    // 50 LST worth 50 at 1.25: 40 stay locked, 10 stripped; the new 10 LST are worth 12.5
    let p = env.position(&pool, &alice).await;
    assert_eq!(
        (p.idle_lst, p.idle_principal, p.unclaimed_yield),
        (50 * ONE, 62_500_000_000, 10 * ONE)
    );
    let s = env.pool(&pool).await;
    assert_eq!(
        (s.total_idle_lst, s.total_principal, s.total_unclaimed_yield),
        (50 * ONE, 62_500_000_000, 10 * ONE)
    );
    assert_eq!(env.token_balance(&pool.keys.vault).await, 60 * ONE);
}

/// Up to the cap is fine, a unit of value beyond it is not.
#[tokio::test]
async fn deposit_cap_exceeded() {
    let (mut env, pool, alice) = setup().await;
    let admin = env.admin.insecure_clone();
    let args = UpdatePoolArgs {
        deposit_cap_value: Some(60 * ONE),
        ..Default::default()
    };
    env.ok(
        &[client::update_pool(admin.pubkey(), pool.keys.pool, args)],
        &[&admin],
    )
    .await;
    env.deposit(&pool, &alice, 60 * ONE).await.unwrap();
    let ix = client::deposit(alice.key(), &pool.keys, alice.lst_account, 1, 0);
    let watched = staker_accounts(&pool, &alice);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::DepositCapExceeded,
    )
    .await;

    // withdrawals in flight still count against the cap; completed ones free it
    let ticket = env
        .request_withdrawal(&pool, &alice, 10 * ONE)
        .await
        .unwrap();
    let ix = client::deposit(alice.key(), &pool.keys, alice.lst_account, ONE, 0);
    fails(
        &mut env,
        std::slice::from_ref(&ix),
        &[&alice.kp],
        &watched,
        RestakingError::DepositCapExceeded,
    )
    .await;
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.set_rate(&pool, ONE, ONE).await;
    env.complete_withdrawal(&pool, &alice, ticket)
        .await
        .unwrap();
    env.ok(&[ix], &[&alice.kp]).await;
    assert_eq!(env.pool(&pool).await.total_principal, 51 * ONE);
}

#[tokio::test]
async fn deposit_slippage_exceeded() {
    let mut env = Env::new().await;
    let pool = env
        .stake_pool_lst(MintKind::Spl, 105 * ONE, 100 * ONE)
        .await;
    let alice = env.user(&pool, 100 * ONE).await;
    let watched = staker_accounts(&pool, &alice);
    let ix = client::deposit(
        alice.key(),
        &pool.keys,
        alice.lst_account,
        10 * ONE + 3,
        10_500_000_004,
    );
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::SlippageExceeded,
    )
    .await;
    // the rate fell before the deposit landed
    env.set_rate(&pool, ONE, ONE).await;
    let ix = client::deposit(
        alice.key(),
        &pool.keys,
        alice.lst_account,
        10 * ONE,
        10_500_000_000,
    );
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::SlippageExceeded,
    )
    .await;
}

#[tokio::test]
async fn deposit_zero_amount() {
    let (mut env, pool, alice) = setup().await;
    let ix = client::deposit(alice.key(), &pool.keys, alice.lst_account, 0, 0);
    let watched = staker_accounts(&pool, &alice);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::ZeroAmount,
    )
    .await;
}

#[tokio::test]
async fn deposit_insufficient_funds() {
    let (mut env, pool, alice) = setup().await;
    let watched = staker_accounts(&pool, &alice);
    for amount in [100 * ONE + 1, u64::MAX] {
        let ix = client::deposit(alice.key(), &pool.keys, alice.lst_account, amount, 0);
        fails(
            &mut env,
            &[ix],
            &[&alice.kp],
            &watched,
            RestakingError::InsufficientFunds,
        )
        .await;
    }
}

#[tokio::test]
async fn deposit_paused() {
    let (mut env, pool, alice) = setup().await;
    let guardian = env.guardian.insecure_clone();
    env.ok(
        &[client::set_pause(guardian.pubkey(), PAUSE_DEPOSITS)],
        &[&guardian],
    )
    .await;
    let ix = client::deposit(alice.key(), &pool.keys, alice.lst_account, ONE, 0);
    let watched = staker_accounts(&pool, &alice);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::DepositsPaused,
    )
    .await;
}

/// The value of a deposit must fit in a u64: at the largest rate, 2^64 / 18.4 LST units is
/// too much.
#[tokio::test]
async fn deposit_value_overflow() {
    let mut env = Env::new().await;
    let updater = Pubkey::new_unique();
    let pool = env.manual_lst(updater, MAX_RATE).await;
    let alice = env.user(&pool, 0).await;
    env.mint_to(&pool.keys.lst_mint, &alice.lst_account, 2 * ONE * ONE)
        .await;
    let ix = client::deposit(alice.key(), &pool.keys, alice.lst_account, 2 * ONE * ONE, 0);
    let watched = staker_accounts(&pool, &alice);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::MathOverflow,
    )
    .await;
    // an amount whose value fits goes in
    let fits = u64::MAX / 19;
    let ix = client::deposit(alice.key(), &pool.keys, alice.lst_account, fits, 0);
    env.ok(&[ix], &[&alice.kp]).await;
}

#[tokio::test]
async fn deposit_invalid_mint() {
    let (mut env, pool, alice) = setup().await;
    let other_mint = env.create_mint(MintKind::Spl, 9).await;
    let other_account = env.create_token_account(&other_mint, &alice.key()).await;
    env.mint_to(&other_mint, &other_account, 10 * ONE).await;
    let mut watched = staker_accounts(&pool, &alice);
    watched.push(other_account);

    // the pool's mint swapped for another
    let mut keys = pool.keys;
    keys.lst_mint = other_mint;
    let ix = client::deposit(alice.key(), &keys, other_account, ONE, 0);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InvalidMint,
    )
    .await;
    // a source token account of another mint
    let ix = client::deposit(alice.key(), &pool.keys, other_account, ONE, 0);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InvalidMint,
    )
    .await;
}

#[tokio::test]
async fn deposit_invalid_vault() {
    let (mut env, pool, alice) = setup_deposited().await;
    let fake_vault = env
        .create_token_account(&pool.keys.lst_mint, &alice.key())
        .await;
    let mut watched = staker_accounts(&pool, &alice);
    watched.push(fake_vault);
    let mut keys = pool.keys;
    keys.vault = fake_vault;
    env.mint_to(&pool.keys.lst_mint, &alice.lst_account, ONE)
        .await;
    let ix = client::deposit(alice.key(), &keys, alice.lst_account, ONE, 0);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InvalidVault,
    )
    .await;
    // the vault as the source: the pool would "deposit" its own LST
    let ix = client::deposit(alice.key(), &pool.keys, pool.keys.vault, ONE, 0);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InvalidVault,
    )
    .await;
}

#[tokio::test]
async fn deposit_invalid_token_program() {
    let (mut env, pool, alice) = setup().await;
    let mut keys = pool.keys;
    keys.token_program = spl_token_2022::ID;
    let ix = client::deposit(alice.key(), &keys, alice.lst_account, ONE, 0);
    let watched = staker_accounts(&pool, &alice);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InvalidTokenProgram,
    )
    .await;
}

/// Mallory names Alice's position: the deposit would credit Alice, but she did not sign.
#[tokio::test]
async fn deposit_not_position_owner() {
    let (mut env, pool, alice) = setup().await;
    let mallory = env.user(&pool, 10 * ONE).await;
    let mut ix = client::deposit(mallory.key(), &pool.keys, mallory.lst_account, ONE, 0);
    swap_account(
        &mut ix,
        pool.keys.position(&mallory.key()),
        pool.keys.position(&alice.key()),
    );
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend(staker_accounts(&pool, &mallory));
    fails(
        &mut env,
        &[ix],
        &[&mallory.kp],
        &watched,
        RestakingError::NotPositionOwner,
    )
    .await;
}

/// Mallory pays from Alice's token account into her own position: the token program refuses.
#[tokio::test]
async fn deposit_from_foreign_token_account() {
    let (mut env, pool, alice) = setup().await;
    let mallory = env.user(&pool, 0).await;
    let ix = client::deposit(mallory.key(), &pool.keys, alice.lst_account, ONE, 0);
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend(staker_accounts(&pool, &mallory));
    fails_code(
        &mut env,
        &[ix],
        &[&mallory.kp],
        &watched,
        TOKEN_OWNER_MISMATCH,
    )
    .await;
}

/// Alice's position in another pool cannot take this pool's LST.
#[tokio::test]
async fn deposit_wrong_pool() {
    let (mut env, pool, alice) = setup().await;
    let other = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    env.ok(
        &[client::open_position(alice.key(), &other.keys)],
        &[&alice.kp],
    )
    .await;
    let mut ix = client::deposit(alice.key(), &pool.keys, alice.lst_account, ONE, 0);
    swap_account(
        &mut ix,
        pool.keys.position(&alice.key()),
        other.keys.position(&alice.key()),
    );
    let mut watched = staker_accounts(&pool, &alice);
    watched.push(other.keys.position(&alice.key()));
    watched.push(other.keys.pool);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::WrongPool,
    )
    .await;
}

#[tokio::test]
async fn deposit_bad_rate_source() {
    let (mut env, pool, alice) = setup().await;
    let watched = staker_accounts(&pool, &alice);
    let kp = alice.kp.insecure_clone();
    let account = alice.lst_account;
    assert_bad_sources(&mut env, &pool, (ONE, ONE), &[&kp], &watched, |k| {
        client::deposit(kp.pubkey(), k, account, ONE, 0)
    })
    .await;
    env.deposit(&pool, &alice, ONE).await.unwrap();
}

#[tokio::test]
async fn deposit_stale_manual_rate() {
    let mut env = Env::new().await;
    let pool = env.manual_lst(Pubkey::new_unique(), rate(1, 1)).await;
    let alice = env.user(&pool, 10 * ONE).await;
    env.advance_time(3_601).await;
    let ix = client::deposit(alice.key(), &pool.keys, alice.lst_account, ONE, 0);
    let watched = staker_accounts(&pool, &alice);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::StaleRate,
    )
    .await;
}

/// A Marinade-priced pool deposits and claims at the mSOL price.
#[tokio::test]
async fn deposit_and_claim_ok_marinade() {
    let mut env = Env::new().await;
    let mint = env.create_mint(MintKind::Spl, 9).await;
    let state = Pubkey::new_unique();
    env.set_marinade_state(&state, &mint, 5 << 30).await; // 1.25
    let pool = env
        .add_pool(mint, MintKind::Spl, RateSource::Marinade { state }, 0)
        .await;
    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    let p = env.position(&pool, &alice).await;
    assert_eq!((p.idle_lst, p.idle_principal), (100 * ONE, 125 * ONE));

    // 1.25 → 1.5: 125 of value needs ceil(125 / 1.5) = 83.333333334 LST
    env.set_marinade_state(&state, &mint, 3 << 31).await;
    env.claim(&pool, &alice).await.unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, 16_666_666_666);
    let p = env.position(&pool, &alice).await;
    assert_eq!(
        (p.idle_lst, p.idle_principal, p.unclaimed_yield),
        (83_333_333_334, 125 * ONE, 0)
    );
    let s = env.pool(&pool).await;
    assert_eq!(s.rate, rate(3, 2));
    assert_eq!(s.total_yield_paid_lst, 16_666_666_666);
    assert_eq!(env.token_balance(&pool.keys.vault).await, 83_333_333_334);

    // a Marinade state of another program or another mint is refused
    let watched = staker_accounts(&pool, &alice);
    let data = rate_accounts::marinade_state_account_data(&mint, 3 << 31);
    env.set_account(&state, &Pubkey::new_unique(), data).await;
    let ix = client::claim(alice.key(), &pool.keys, alice.lst_account);
    fails(
        &mut env,
        std::slice::from_ref(&ix),
        &[&alice.kp],
        &watched,
        RestakingError::InvalidRateSourceOwner,
    )
    .await;
    env.set_marinade_state(&state, &Pubkey::new_unique(), 3 << 31)
        .await;
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::RateSourceMintMismatch,
    )
    .await;
}

// ---- request_withdrawal ------------------------------------------------------------------

#[tokio::test]
async fn request_withdrawal_ok() {
    let (mut env, pool, alice) = setup_deposited().await;
    let pool_before = env.pool(&pool).await;
    let position_before = env.position(&pool, &alice).await;
    let lamports = env.lamports(&alice.key()).await;
    let now = env.clock().await.unix_timestamp;

    let ticket = env
        .request_withdrawal(&pool, &alice, 30 * ONE)
        .await
        .unwrap();
    let position_key = pool.keys.position(&alice.key());
    assert_eq!(ticket, client::ticket_pda(&position_key, 0));
    assert_state(
        &env.state::<WithdrawalTicket>(&ticket).await,
        &WithdrawalTicket {
            position: position_key,
            operator_pool: Pubkey::default(),
            kind: TicketKind::Withdraw,
            nonce: 0,
            lst: 30 * ONE,
            shares: 0,
            principal: 30 * ONE,
            requested_ts: now,
            unlock_ts: now + WITHDRAWAL_DELAY,
            bump: bump_of(&[
                WithdrawalTicket::SEED,
                position_key.as_ref(),
                &0u64.to_le_bytes(),
            ]),
            version: ACCOUNT_VERSION,
            cohort: 0,
            enforcement: false,
            reserved: [0; 11],
        },
    );
    let rent = env.lamports(&ticket).await;
    assert_eq!(
        env.lamports(&alice.key()).await,
        lamports - rent,
        "the owner pays the rent"
    );

    let mut expected = position_before.clone();
    expected.idle_lst = 70 * ONE;
    expected.idle_principal = 70 * ONE;
    expected.ticket_nonce = 1;
    expected.open_tickets = 1;
    assert_state(&env.position(&pool, &alice).await, &expected);
    let mut expected = pool_before.clone();
    expected.total_idle_lst = 70 * ONE;
    expected.total_ticket_lst = 30 * ONE;
    assert_state(&env.pool(&pool).await, &expected);
    // no LST moved yet
    assert_eq!(env.token_balance(&pool.keys.vault).await, 100 * ONE);
    assert_eq!(env.token_balance(&alice.lst_account).await, 0);

    // the next ticket takes the next nonce
    let second = env.request_withdrawal(&pool, &alice, ONE).await.unwrap();
    assert_eq!(second, client::ticket_pda(&position_key, 1));
    let p = env.position(&pool, &alice).await;
    assert_eq!(
        (p.ticket_nonce, p.open_tickets, p.idle_lst),
        (2, 2, 69 * ONE)
    );
}

/// The ticket takes LST out of the idle holding after its yield was stripped, with its
/// pro-rata principal (rounded down).
#[tokio::test]
async fn request_withdrawal_ok_strips_idle_yield_first() {
    let (mut env, pool, alice) = setup().await;
    env.deposit(&pool, &alice, 3).await.unwrap();
    env.deposit(&pool, &alice, 97 * ONE).await.unwrap();
    env.set_rate(&pool, 5 * ONE, 4 * ONE).await;
    let ticket = env.request_withdrawal(&pool, &alice, ONE).await.unwrap();
    // idle: 97.000000003 LST, principal 97.000000003 → 77.6000000024 → 77.600000003 locked
    let locked = 77_600_000_003;
    let stripped = 97 * ONE + 3 - locked;
    let t: WithdrawalTicket = env.state(&ticket).await;
    // principal of 1 LST out of 77.600000003 holding 97.000000003 of value, rounded down
    let principal = (u128::from(97 * ONE + 3) * u128::from(ONE) / u128::from(locked)) as u64;
    assert_eq!((t.lst, t.principal), (ONE, principal));
    let p = env.position(&pool, &alice).await;
    assert_eq!(
        (p.idle_lst, p.idle_principal, p.unclaimed_yield),
        (locked - ONE, 97 * ONE + 3 - principal, stripped)
    );
}

#[tokio::test]
async fn request_withdrawal_zero_amount() {
    let (mut env, pool, alice) = setup_deposited().await;
    let ix = client::request_withdrawal(alice.key(), &pool.keys, 0, 0, None);
    let mut watched = staker_accounts(&pool, &alice);
    watched.push(client::ticket_pda(&pool.keys.position(&alice.key()), 0));
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::ZeroAmount,
    )
    .await;
}

#[tokio::test]
async fn request_withdrawal_insufficient_idle() {
    let (mut env, pool, alice) = setup_deposited().await;
    let mut watched = staker_accounts(&pool, &alice);
    watched.push(client::ticket_pda(&pool.keys.position(&alice.key()), 0));
    for amount in [100 * ONE + 1, u64::MAX] {
        let ix = client::request_withdrawal(alice.key(), &pool.keys, 0, amount, None);
        fails(
            &mut env,
            &[ix],
            &[&alice.kp],
            &watched,
            RestakingError::InsufficientIdle,
        )
        .await;
    }
    // after a rate rise the stripped yield is no longer idle
    env.set_rate(&pool, 2 * ONE, ONE).await;
    let ix = client::request_withdrawal(alice.key(), &pool.keys, 0, 50 * ONE + 1, None);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InsufficientIdle,
    )
    .await;
    env.request_withdrawal(&pool, &alice, 50 * ONE)
        .await
        .unwrap();
}

#[tokio::test]
async fn request_withdrawal_too_many_tickets() {
    let (mut env, pool, alice) = setup_deposited().await;
    for _ in 0..MAX_OPEN_TICKETS {
        env.request_withdrawal(&pool, &alice, 1).await.unwrap();
    }
    let position_key = pool.keys.position(&alice.key());
    let p = env.position(&pool, &alice).await;
    assert_eq!(p.open_tickets, MAX_OPEN_TICKETS);
    let nonce = u64::from(MAX_OPEN_TICKETS);
    let ix = client::request_withdrawal(alice.key(), &pool.keys, nonce, 1, None);
    let mut watched = staker_accounts(&pool, &alice);
    watched.push(client::ticket_pda(&position_key, nonce));
    fails(
        &mut env,
        std::slice::from_ref(&ix),
        &[&alice.kp],
        &watched,
        RestakingError::TooManyTickets,
    )
    .await;

    // closing one ticket makes room again
    let first = client::ticket_pda(&position_key, 0);
    env.ok(
        &[client::cancel_withdrawal(alice.key(), &pool.keys, first)],
        &[&alice.kp],
    )
    .await;
    env.ok(&[ix], &[&alice.kp]).await;
    assert_eq!(
        env.position(&pool, &alice).await.open_tickets,
        MAX_OPEN_TICKETS
    );
}

#[tokio::test]
async fn request_withdrawal_not_position_owner() {
    let (mut env, pool, alice) = setup_deposited().await;
    let mallory = env.user(&pool, 0).await;
    let alice_position = pool.keys.position(&alice.key());
    let mut ix = client::request_withdrawal(mallory.key(), &pool.keys, 0, ONE, None);
    swap_account(&mut ix, pool.keys.position(&mallory.key()), alice_position);
    swap_account(
        &mut ix,
        client::ticket_pda(&pool.keys.position(&mallory.key()), 0),
        client::ticket_pda(&alice_position, 0),
    );
    let mut watched = staker_accounts(&pool, &alice);
    watched.push(mallory.key());
    watched.push(client::ticket_pda(&alice_position, 0));
    fails(
        &mut env,
        &[ix],
        &[&mallory.kp],
        &watched,
        RestakingError::NotPositionOwner,
    )
    .await;
}

#[tokio::test]
async fn request_withdrawal_wrong_pool() {
    let (mut env, pool, alice) = setup_deposited().await;
    let other = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    env.ok(
        &[client::open_position(alice.key(), &other.keys)],
        &[&alice.kp],
    )
    .await;
    // Alice's position in this pool, named with the other pool
    let mut ix = client::request_withdrawal(alice.key(), &other.keys, 0, ONE, None);
    let here = pool.keys.position(&alice.key());
    swap_account(&mut ix, other.keys.position(&alice.key()), here);
    swap_account(
        &mut ix,
        client::ticket_pda(&other.keys.position(&alice.key()), 0),
        client::ticket_pda(&here, 0),
    );
    let mut watched = staker_accounts(&pool, &alice);
    watched.push(other.keys.pool);
    watched.push(client::ticket_pda(&here, 0));
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::WrongPool,
    )
    .await;
}

/// A ticket address that is not the position's next nonce is refused by its seeds.
#[tokio::test]
async fn request_withdrawal_wrong_ticket_nonce() {
    let (mut env, pool, alice) = setup_deposited().await;
    let ix = client::request_withdrawal(alice.key(), &pool.keys, 5, ONE, None);
    let mut watched = staker_accounts(&pool, &alice);
    watched.push(client::ticket_pda(&pool.keys.position(&alice.key()), 5));
    fails_anchor(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        Anchor::ConstraintSeeds,
    )
    .await;
}

/// With a lien set (written directly: `set_lien` does not exist yet), withdrawals need the
/// lien holder's signature too.
#[tokio::test]
async fn request_withdrawal_lien_holder_signature_required() {
    let (mut env, pool, alice) = setup_deposited().await;
    let holder = Keypair::new();
    let position_key = pool.keys.position(&alice.key());
    let mut position = env.position(&pool, &alice).await;
    position.lien_holder = holder.pubkey();
    let mut data = Vec::new();
    position.try_serialize(&mut data).unwrap();
    env.set_account(&position_key, &restaking::ID, data).await;

    let mut watched = staker_accounts(&pool, &alice);
    watched.push(client::ticket_pda(&position_key, 0));
    let ix = client::request_withdrawal(alice.key(), &pool.keys, 0, ONE, None);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::LienHolderSignatureRequired,
    )
    .await;
    let someone = Keypair::new();
    let ix = client::request_withdrawal(alice.key(), &pool.keys, 0, ONE, Some(someone.pubkey()));
    fails(
        &mut env,
        &[ix],
        &[&alice.kp, &someone],
        &watched,
        RestakingError::LienHolderSignatureRequired,
    )
    .await;
    let ix = client::request_withdrawal(alice.key(), &pool.keys, 0, ONE, Some(holder.pubkey()));
    env.ok(&[ix], &[&alice.kp, &holder]).await;
    assert_eq!(env.position(&pool, &alice).await.idle_lst, 99 * ONE);
}

#[tokio::test]
async fn request_withdrawal_bad_rate_source() {
    let (mut env, pool, alice) = setup_deposited().await;
    let mut watched = staker_accounts(&pool, &alice);
    watched.push(client::ticket_pda(&pool.keys.position(&alice.key()), 0));
    let kp = alice.kp.insecure_clone();
    assert_bad_sources(&mut env, &pool, (ONE, ONE), &[&kp], &watched, |k| {
        client::request_withdrawal(kp.pubkey(), k, 0, ONE, None)
    })
    .await;
}

// ---- complete_withdrawal -----------------------------------------------------------------

#[tokio::test]
async fn complete_withdrawal_ok() {
    let (mut env, pool, alice) = setup_deposited().await;
    let ticket = env
        .request_withdrawal(&pool, &alice, 30 * ONE)
        .await
        .unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    let pool_before = env.pool(&pool).await;
    let position_before = env.position(&pool, &alice).await;
    let lamports = env.lamports(&alice.key()).await;
    let rent = env.lamports(&ticket).await;

    env.complete_withdrawal(&pool, &alice, ticket)
        .await
        .unwrap();

    assert!(!env.exists(&ticket).await);
    assert_eq!(env.lamports(&alice.key()).await, lamports + rent);
    assert_eq!(env.token_balance(&alice.lst_account).await, 30 * ONE);
    assert_eq!(env.token_balance(&pool.keys.vault).await, 70 * ONE);
    let mut expected = position_before.clone();
    expected.open_tickets = 0;
    assert_state(&env.position(&pool, &alice).await, &expected);
    let mut expected = pool_before.clone();
    expected.total_ticket_lst = 0;
    expected.total_principal = 70 * ONE;
    expected.total_withdrawn_lst = 30 * ONE;
    assert_state(&env.pool(&pool).await, &expected);
}

/// Exits cannot be trapped: a matured ticket completes while everything is paused and the
/// rate source is stale (completion needs no rate), into any token account of the LST.
#[tokio::test]
async fn complete_withdrawal_ok_paused_and_stale() {
    let (mut env, pool, alice) = setup_deposited().await;
    let ticket = env
        .request_withdrawal(&pool, &alice, 30 * ONE)
        .await
        .unwrap();
    let guardian = env.guardian.insecure_clone();
    env.ok(
        &[client::set_pause(guardian.pubkey(), PAUSE_ALL)],
        &[&guardian],
    )
    .await;
    env.advance_time(WITHDRAWAL_DELAY).await;
    let epoch = env.clock().await.epoch;
    env.set_epoch(epoch + 3).await;
    let cold_wallet = env
        .create_token_account(&pool.keys.lst_mint, &Pubkey::new_unique())
        .await;
    let ix = client::complete_withdrawal(alice.key(), &pool.keys, ticket, cold_wallet);
    env.ok(&[ix], &[&alice.kp]).await;
    assert_eq!(env.token_balance(&cold_wallet).await, 30 * ONE);
    assert_eq!(env.token_balance(&pool.keys.vault).await, 70 * ONE);
}

#[tokio::test]
async fn complete_withdrawal_ticket_not_matured() {
    let (mut env, pool, alice) = setup_deposited().await;
    let ticket = env
        .request_withdrawal(&pool, &alice, 30 * ONE)
        .await
        .unwrap();
    let mut watched = staker_accounts(&pool, &alice);
    watched.push(ticket);
    let ix = client::complete_withdrawal(alice.key(), &pool.keys, ticket, alice.lst_account);
    fails(
        &mut env,
        std::slice::from_ref(&ix),
        &[&alice.kp],
        &watched,
        RestakingError::TicketNotMatured,
    )
    .await;
    env.advance_time(WITHDRAWAL_DELAY - 1).await;
    fails(
        &mut env,
        std::slice::from_ref(&ix),
        &[&alice.kp],
        &watched,
        RestakingError::TicketNotMatured,
    )
    .await;
    env.advance_time(1).await;
    env.ok(&[ix], &[&alice.kp]).await;
}

#[tokio::test]
async fn complete_withdrawal_twice() {
    let (mut env, pool, alice) = setup_deposited().await;
    let ticket = env
        .request_withdrawal(&pool, &alice, 30 * ONE)
        .await
        .unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_withdrawal(&pool, &alice, ticket)
        .await
        .unwrap();
    let ix = client::complete_withdrawal(alice.key(), &pool.keys, ticket, alice.lst_account);
    let mut watched = staker_accounts(&pool, &alice);
    watched.push(ticket);
    fails_anchor(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        Anchor::AccountNotInitialized,
    )
    .await;
    assert_eq!(env.token_balance(&alice.lst_account).await, 30 * ONE);
}

/// Mallory completes Alice's ticket into her own account, naming Alice's position.
#[tokio::test]
async fn complete_withdrawal_not_ticket_beneficiary() {
    let (mut env, pool, alice) = setup_deposited().await;
    let mallory = env.user(&pool, 0).await;
    let ticket = env
        .request_withdrawal(&pool, &alice, 30 * ONE)
        .await
        .unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    let mut ix =
        client::complete_withdrawal(mallory.key(), &pool.keys, ticket, mallory.lst_account);
    swap_account(
        &mut ix,
        pool.keys.position(&mallory.key()),
        pool.keys.position(&alice.key()),
    );
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend([ticket, mallory.key(), mallory.lst_account]);
    fails(
        &mut env,
        &[ix],
        &[&mallory.kp],
        &watched,
        RestakingError::NotTicketBeneficiary,
    )
    .await;
}

/// Mallory completes Alice's ticket with her own position.
#[tokio::test]
async fn complete_withdrawal_wrong_ticket() {
    let (mut env, pool, alice) = setup_deposited().await;
    let mallory = env.user(&pool, ONE).await;
    env.deposit(&pool, &mallory, ONE).await.unwrap();
    let ticket = env
        .request_withdrawal(&pool, &alice, 30 * ONE)
        .await
        .unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    let ix = client::complete_withdrawal(mallory.key(), &pool.keys, ticket, mallory.lst_account);
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend(staker_accounts(&pool, &mallory));
    watched.push(ticket);
    fails(
        &mut env,
        &[ix],
        &[&mallory.kp],
        &watched,
        RestakingError::WrongTicket,
    )
    .await;
}

/// A ticket of Alice's position in pool A cannot be paid from pool B's vault.
#[tokio::test]
async fn complete_withdrawal_wrong_pool() {
    let (mut env, pool, alice) = setup_deposited().await;
    let other = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let bob = env.user(&other, 100 * ONE).await;
    env.deposit(&other, &bob, 100 * ONE).await.unwrap();
    env.ok(
        &[client::open_position(alice.key(), &other.keys)],
        &[&alice.kp],
    )
    .await;
    let ticket = env
        .request_withdrawal(&pool, &alice, 30 * ONE)
        .await
        .unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    let alice_other_lst = env
        .create_token_account(&other.keys.lst_mint, &alice.key())
        .await;
    // the other pool's accounts throughout, but Alice's position and ticket from this pool
    let mut ix = client::complete_withdrawal(alice.key(), &other.keys, ticket, alice_other_lst);
    swap_account(
        &mut ix,
        other.keys.position(&alice.key()),
        pool.keys.position(&alice.key()),
    );
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend([ticket, other.keys.pool, other.keys.vault, alice_other_lst]);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::WrongPool,
    )
    .await;
}

#[tokio::test]
async fn complete_withdrawal_invalid_accounts() {
    let (mut env, pool, alice) = setup_deposited().await;
    let ticket = env
        .request_withdrawal(&pool, &alice, 30 * ONE)
        .await
        .unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    let other_mint = env.create_mint(MintKind::Spl, 9).await;
    let other_account = env.create_token_account(&other_mint, &alice.key()).await;
    let fake_vault = env
        .create_token_account(&pool.keys.lst_mint, &pool.keys.pool)
        .await;
    env.mint_to(&pool.keys.lst_mint, &fake_vault, 30 * ONE)
        .await;
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend([ticket, other_account, fake_vault]);

    // the pool's mint swapped
    let mut keys = pool.keys;
    keys.lst_mint = other_mint;
    let ix = client::complete_withdrawal(alice.key(), &keys, ticket, other_account);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InvalidMint,
    )
    .await;
    // a destination of another mint
    let ix = client::complete_withdrawal(alice.key(), &pool.keys, ticket, other_account);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InvalidMint,
    )
    .await;
    // another token account (even one the pool PDA owns) as the vault
    let mut keys = pool.keys;
    keys.vault = fake_vault;
    let ix = client::complete_withdrawal(alice.key(), &keys, ticket, alice.lst_account);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InvalidVault,
    )
    .await;
    // the vault as the destination
    let ix = client::complete_withdrawal(alice.key(), &pool.keys, ticket, pool.keys.vault);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InvalidVault,
    )
    .await;
    // the wrong token program
    let mut keys = pool.keys;
    keys.token_program = spl_token_2022::ID;
    let ix = client::complete_withdrawal(alice.key(), &keys, ticket, alice.lst_account);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InvalidTokenProgram,
    )
    .await;
}

/// An `Undelegate` ticket needs its bucket and delegation.
#[tokio::test]
async fn complete_withdrawal_undelegation_without_bucket() {
    let (mut env, pool, alice) = setup_deposited().await;
    let op = env.operator(&pool, 1_000).await;
    env.delegate(&pool, &alice, &op, 40 * ONE).await.unwrap();
    let ticket = env.undelegate(&pool, &alice, &op, 10 * ONE).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    let delegation = client::delegation_pda(&pool.keys.position(&alice.key()), &op.bucket);
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend([ticket, op.bucket, delegation]);
    let ix = client::complete_withdrawal(alice.key(), &pool.keys, ticket, alice.lst_account);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::WrongDelegation,
    )
    .await;
    let ix = client::cancel_withdrawal(alice.key(), &pool.keys, ticket);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::WrongDelegation,
    )
    .await;
    // with them it completes, back to idle
    env.complete_undelegation(&pool, &alice, &op, ticket)
        .await
        .unwrap();
    assert_eq!(env.position(&pool, &alice).await.idle_lst, 70 * ONE);
}

// ---- cancel_withdrawal -------------------------------------------------------------------

/// The ticket's LST returns to idle re-valued at the fresh rate (it earned nothing while
/// queued); the ticket closes and its rent returns to the owner.
#[tokio::test]
async fn cancel_withdrawal_ok() {
    let (mut env, pool, alice) = setup_deposited().await;
    let ticket = env
        .request_withdrawal(&pool, &alice, 40 * ONE)
        .await
        .unwrap();
    env.set_rate(&pool, 5 * ONE, 4 * ONE).await;
    let pool_before = env.pool(&pool).await;
    let position_before = env.position(&pool, &alice).await;
    let lamports = env.lamports(&alice.key()).await;
    let rent = env.lamports(&ticket).await;

    env.ok(
        &[client::cancel_withdrawal(alice.key(), &pool.keys, ticket)],
        &[&alice.kp],
    )
    .await;

    assert!(!env.exists(&ticket).await);
    assert_eq!(env.lamports(&alice.key()).await, lamports + rent);
    // idle 60 worth 60 strips 12 at 1.25 (48 stay); the 40 returning are worth 50
    let mut expected = position_before.clone();
    expected.idle_lst = 48 * ONE + 40 * ONE;
    expected.idle_principal = 60 * ONE + 50 * ONE;
    expected.unclaimed_yield = 12 * ONE;
    expected.open_tickets = 0;
    assert_state(&env.position(&pool, &alice).await, &expected);
    let mut expected = pool_before.clone();
    expected.rate = rate(5, 4);
    expected.total_idle_lst = 88 * ONE;
    expected.total_ticket_lst = 0;
    expected.total_unclaimed_yield = 12 * ONE;
    expected.total_principal = 110 * ONE;
    assert_state(&env.pool(&pool).await, &expected);
    assert_eq!(env.token_balance(&pool.keys.vault).await, 100 * ONE);
    assert_eq!(env.token_balance(&alice.lst_account).await, 0);
}

#[tokio::test]
async fn cancel_withdrawal_twice() {
    let (mut env, pool, alice) = setup_deposited().await;
    let ticket = env
        .request_withdrawal(&pool, &alice, 40 * ONE)
        .await
        .unwrap();
    let ix = client::cancel_withdrawal(alice.key(), &pool.keys, ticket);
    env.ok(std::slice::from_ref(&ix), &[&alice.kp]).await;
    let mut watched = staker_accounts(&pool, &alice);
    watched.push(ticket);
    fails_anchor(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        Anchor::AccountNotInitialized,
    )
    .await;
    // nor after completion
    let ticket = env
        .request_withdrawal(&pool, &alice, 40 * ONE)
        .await
        .unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.set_rate(&pool, ONE, ONE).await;
    env.complete_withdrawal(&pool, &alice, ticket)
        .await
        .unwrap();
    let ix = client::cancel_withdrawal(alice.key(), &pool.keys, ticket);
    fails_anchor(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        Anchor::AccountNotInitialized,
    )
    .await;
    assert_eq!(env.position(&pool, &alice).await.idle_lst, 60 * ONE);
}

#[tokio::test]
async fn cancel_withdrawal_not_ticket_beneficiary() {
    let (mut env, pool, alice) = setup_deposited().await;
    let mallory = env.user(&pool, 0).await;
    let ticket = env
        .request_withdrawal(&pool, &alice, 40 * ONE)
        .await
        .unwrap();
    let mut ix = client::cancel_withdrawal(mallory.key(), &pool.keys, ticket);
    swap_account(
        &mut ix,
        pool.keys.position(&mallory.key()),
        pool.keys.position(&alice.key()),
    );
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend([ticket, mallory.key()]);
    fails(
        &mut env,
        &[ix],
        &[&mallory.kp],
        &watched,
        RestakingError::NotTicketBeneficiary,
    )
    .await;
}

/// Mallory cancels Alice's ticket into her own position (and would take its rent).
#[tokio::test]
async fn cancel_withdrawal_wrong_ticket() {
    let (mut env, pool, alice) = setup_deposited().await;
    let mallory = env.user(&pool, ONE).await;
    env.deposit(&pool, &mallory, ONE).await.unwrap();
    env.request_withdrawal(&pool, &mallory, ONE).await.unwrap();
    let ticket = env
        .request_withdrawal(&pool, &alice, 40 * ONE)
        .await
        .unwrap();
    let ix = client::cancel_withdrawal(mallory.key(), &pool.keys, ticket);
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend(staker_accounts(&pool, &mallory));
    watched.push(ticket);
    fails(
        &mut env,
        &[ix],
        &[&mallory.kp],
        &watched,
        RestakingError::WrongTicket,
    )
    .await;
}

#[tokio::test]
async fn cancel_withdrawal_wrong_pool() {
    let (mut env, pool, alice) = setup_deposited().await;
    let other = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let ticket = env
        .request_withdrawal(&pool, &alice, 40 * ONE)
        .await
        .unwrap();
    let mut ix = client::cancel_withdrawal(alice.key(), &other.keys, ticket);
    swap_account(
        &mut ix,
        other.keys.position(&alice.key()),
        pool.keys.position(&alice.key()),
    );
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend([ticket, other.keys.pool]);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::WrongPool,
    )
    .await;
}

#[tokio::test]
async fn cancel_withdrawal_bad_rate_source() {
    let (mut env, pool, alice) = setup_deposited().await;
    let ticket = env
        .request_withdrawal(&pool, &alice, 40 * ONE)
        .await
        .unwrap();
    let mut watched = staker_accounts(&pool, &alice);
    watched.push(ticket);
    let kp = alice.kp.insecure_clone();
    assert_bad_sources(&mut env, &pool, (ONE, ONE), &[&kp], &watched, |k| {
        client::cancel_withdrawal(kp.pubkey(), k, ticket)
    })
    .await;
}

// ---- claim -------------------------------------------------------------------------------

#[tokio::test]
async fn claim_ok() {
    let (mut env, pool, alice) = setup_deposited().await;
    env.set_rate(&pool, 8 * ONE, 5 * ONE).await;
    let pool_before = env.pool(&pool).await;
    let position_before = env.position(&pool, &alice).await;

    env.claim(&pool, &alice).await.unwrap();

    // 100 worth 100 at 1.6: 62.5 stay locked, 37.5 paid
    assert_eq!(env.token_balance(&alice.lst_account).await, 37_500_000_000);
    assert_eq!(env.token_balance(&pool.keys.vault).await, 62_500_000_000);
    let mut expected = position_before.clone();
    expected.idle_lst = 62_500_000_000;
    assert_state(&env.position(&pool, &alice).await, &expected);
    let mut expected = pool_before.clone();
    expected.rate = rate(8, 5);
    expected.total_idle_lst = 62_500_000_000;
    expected.total_yield_paid_lst = 37_500_000_000;
    assert_state(&env.pool(&pool).await, &expected);

    // nothing more to claim at the same rate: succeeds and moves nothing
    let watched = staker_accounts(&pool, &alice);
    let before = env.snapshot(&watched).await;
    env.claim(&pool, &alice).await.unwrap();
    assert_eq!(env.snapshot(&watched).await, before);
}

/// Yield stripped earlier (here by a harvest) is paid by the claim, and a falling rate
/// strips nothing more.
#[tokio::test]
async fn claim_ok_pays_harvested_yield_after_rate_fall() {
    let (mut env, pool, alice) = setup_deposited().await;
    env.set_rate(&pool, 2 * ONE, ONE).await;
    let position_key = pool.keys.position(&alice.key());
    env.ok(&[client::harvest(&pool.keys, position_key)], &[])
        .await;
    env.set_rate(&pool, ONE, ONE).await;
    env.claim(&pool, &alice).await.unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, 50 * ONE);
    let p = env.position(&pool, &alice).await;
    assert_eq!(
        (p.idle_lst, p.idle_principal, p.unclaimed_yield),
        (50 * ONE, 100 * ONE, 0)
    );
    let s = env.pool(&pool).await;
    assert_eq!(
        (s.total_unclaimed_yield, s.total_yield_paid_lst),
        (0, 50 * ONE)
    );
}

#[tokio::test]
async fn claim_ok_while_paused() {
    let (mut env, pool, alice) = setup_deposited().await;
    let guardian = env.guardian.insecure_clone();
    env.ok(
        &[client::set_pause(guardian.pubkey(), PAUSE_ALL)],
        &[&guardian],
    )
    .await;
    env.set_rate(&pool, 2 * ONE, ONE).await;
    env.claim(&pool, &alice).await.unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, 50 * ONE);
}

#[tokio::test]
async fn claim_not_position_owner() {
    let (mut env, pool, alice) = setup_deposited().await;
    let mallory = env.user(&pool, 0).await;
    env.set_rate(&pool, 2 * ONE, ONE).await;
    let mut ix = client::claim(mallory.key(), &pool.keys, mallory.lst_account);
    swap_account(
        &mut ix,
        pool.keys.position(&mallory.key()),
        pool.keys.position(&alice.key()),
    );
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend([mallory.lst_account]);
    fails(
        &mut env,
        &[ix],
        &[&mallory.kp],
        &watched,
        RestakingError::NotPositionOwner,
    )
    .await;
}

#[tokio::test]
async fn claim_without_signature() {
    let (mut env, pool, alice) = setup_deposited().await;
    env.set_rate(&pool, 2 * ONE, ONE).await;
    let mut ix = client::claim(alice.key(), &pool.keys, alice.lst_account);
    ix.accounts[0].is_signer = false;
    let watched = staker_accounts(&pool, &alice);
    fails_anchor(&mut env, &[ix], &[], &watched, Anchor::AccountNotSigner).await;
}

#[tokio::test]
async fn claim_wrong_pool() {
    let (mut env, pool, alice) = setup_deposited().await;
    let other = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let bob = env.user(&other, 100 * ONE).await;
    env.deposit(&other, &bob, 100 * ONE).await.unwrap();
    env.set_rate(&pool, 2 * ONE, ONE).await;
    let alice_other_lst = env
        .create_token_account(&other.keys.lst_mint, &alice.key())
        .await;
    // Alice's yield of this pool, paid from the other pool's vault
    let mut ix = client::claim(alice.key(), &other.keys, alice_other_lst);
    env.ok(
        &[client::open_position(alice.key(), &other.keys)],
        &[&alice.kp],
    )
    .await;
    swap_account(
        &mut ix,
        other.keys.position(&alice.key()),
        pool.keys.position(&alice.key()),
    );
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend([other.keys.pool, other.keys.vault, alice_other_lst]);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::WrongPool,
    )
    .await;
}

#[tokio::test]
async fn claim_invalid_accounts() {
    let (mut env, pool, alice) = setup_deposited().await;
    env.set_rate(&pool, 2 * ONE, ONE).await;
    let other_mint = env.create_mint(MintKind::Spl, 9).await;
    let other_account = env.create_token_account(&other_mint, &alice.key()).await;
    let fake_vault = env
        .create_token_account(&pool.keys.lst_mint, &pool.keys.pool)
        .await;
    env.mint_to(&pool.keys.lst_mint, &fake_vault, 100 * ONE)
        .await;
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend([other_account, fake_vault]);

    let mut keys = pool.keys;
    keys.lst_mint = other_mint;
    let ix = client::claim(alice.key(), &keys, other_account);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InvalidMint,
    )
    .await;
    let ix = client::claim(alice.key(), &pool.keys, other_account);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InvalidMint,
    )
    .await;
    let mut keys = pool.keys;
    keys.vault = fake_vault;
    let ix = client::claim(alice.key(), &keys, alice.lst_account);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InvalidVault,
    )
    .await;
    let ix = client::claim(alice.key(), &pool.keys, pool.keys.vault);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InvalidVault,
    )
    .await;
    let mut keys = pool.keys;
    keys.token_program = spl_token_2022::ID;
    let ix = client::claim(alice.key(), &keys, alice.lst_account);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InvalidTokenProgram,
    )
    .await;
}

/// A bucket without its delegation (or the reverse) is refused.
#[tokio::test]
async fn claim_bucket_without_delegation() {
    let (mut env, pool, alice) = setup_deposited().await;
    let op = env.operator(&pool, 1_000).await;
    env.delegate(&pool, &alice, &op, 40 * ONE).await.unwrap();
    env.set_rate(&pool, 2 * ONE, ONE).await;
    let position_key = pool.keys.position(&alice.key());
    let delegation = client::delegation_pda(&position_key, &op.bucket);
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend([op.bucket, delegation]);
    for (bucket, record) in [(Some(op.bucket), None), (None, Some(delegation))] {
        let ix = Instruction {
            program_id: restaking::ID,
            accounts: restaking::accounts::Claim {
                owner: alice.key(),
                pool: pool.keys.pool,
                position: position_key,
                lst_mint: pool.keys.lst_mint,
                pool_vault: pool.keys.vault,
                owner_lst_account: alice.lst_account,
                rate_source: pool.keys.rate_source,
                token_program: pool.keys.token_program,
                operator_pool: bucket,
                delegation: record,
                event_authority: client::event_authority(),
                program: restaking::ID,
            }
            .to_account_metas(None),
            data: restaking::instruction::Claim {}.data(),
        };
        fails(
            &mut env,
            &[ix],
            &[&alice.kp],
            &watched,
            RestakingError::WrongDelegation,
        )
        .await;
    }
}

#[tokio::test]
async fn claim_bad_rate_source() {
    let (mut env, pool, alice) = setup_deposited().await;
    let watched = staker_accounts(&pool, &alice);
    let kp = alice.kp.insecure_clone();
    let account = alice.lst_account;
    // A wrong source account fails the claim; the pool's own source stale or unusable (not a
    // stake pool, truncated, zero supply or lamports) only stops new stripping.
    let (wrong, unusable): (Vec<BadSource>, Vec<BadSource>) =
        BAD_SOURCES.into_iter().partition(|b| {
            matches!(
                b,
                BadSource::Missing
                    | BadSource::Mismatch
                    | BadSource::WrongOwner
                    | BadSource::MintMismatch
            )
        });
    assert_some_bad_sources(
        &mut env,
        &pool,
        (2 * ONE, ONE),
        &[&kp],
        &watched,
        &wrong,
        |k| client::claim(kp.pubkey(), k, account),
    )
    .await;
    for bad in unusable {
        let keys = bad.apply(&mut env, &pool).await;
        env.send(&[client::claim(kp.pubkey(), &keys, account)], &[&kp])
            .await
            .unwrap();
        assert_eq!(env.token_balance(&alice.lst_account).await, 0, "{bad:?}");
        env.set_rate(&pool, 2 * ONE, ONE).await;
    }
    // with the source fixed, the yield is all there
    env.claim(&pool, &alice).await.unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, 50 * ONE);
}

/// A stale rate never blocks a claim of yield already stripped: it is paid, and nothing new is
/// stripped until the rate is fresh again.
#[tokio::test]
async fn claim_with_stale_rate_pays_stripped_yield() {
    let (mut env, pool, alice) = setup_deposited().await;
    env.set_rate(&pool, 2 * ONE, ONE).await;
    env.ok(
        &[client::harvest(
            &pool.keys,
            pool.keys.position(&alice.key()),
        )],
        &[],
    )
    .await;
    let stripped = env.position(&pool, &alice).await.unclaimed_yield;
    assert!(stripped > 0);
    // the stake pool is not updated in the next epoch, and its rate rose meanwhile
    let source = pool.keys.rate_source.unwrap();
    let epoch = env.clock().await.epoch;
    env.set_epoch(epoch + 1).await;
    env.set_stake_pool_at_epoch(&source, &pool.keys.lst_mint, 4 * ONE, ONE, epoch)
        .await;
    let idle_before = env.position(&pool, &alice).await.idle_lst;
    env.claim(&pool, &alice).await.unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, stripped);
    let p = env.position(&pool, &alice).await;
    assert_eq!((p.unclaimed_yield, p.idle_lst), (0, idle_before));
}

// ---- harvest -----------------------------------------------------------------------------

/// Anyone strips a position's idle yield into its claimable yield; no token moves.
#[tokio::test]
async fn harvest_ok() {
    let (mut env, pool, alice) = setup_deposited().await;
    env.set_rate(&pool, 4 * ONE, 3 * ONE).await;
    let pool_before = env.pool(&pool).await;
    let position_before = env.position(&pool, &alice).await;
    let position_key = pool.keys.position(&alice.key());
    let tokens = [alice.lst_account, pool.keys.vault];
    let tokens_before = env.snapshot(&tokens).await;

    env.ok(&[client::harvest(&pool.keys, position_key)], &[])
        .await;

    // 100 worth 100 at floor(4/3 × 10^18): ceil(100 / rate) = 75.000000001 stay locked
    let locked = 75 * ONE + 1;
    let mut expected = position_before.clone();
    expected.idle_lst = locked;
    expected.unclaimed_yield = 100 * ONE - locked;
    assert_state(&env.position(&pool, &alice).await, &expected);
    let mut expected = pool_before.clone();
    expected.rate = rate(4, 3);
    expected.total_idle_lst = locked;
    expected.total_unclaimed_yield = 100 * ONE - locked;
    assert_state(&env.pool(&pool).await, &expected);
    assert_eq!(env.snapshot(&tokens).await, tokens_before);

    // again at the same rate: nothing more; at a lower rate: nothing either
    env.ok(&[client::harvest(&pool.keys, position_key)], &[])
        .await;
    env.set_rate(&pool, ONE, ONE).await;
    env.ok(&[client::harvest(&pool.keys, position_key)], &[])
        .await;
    let p = env.position(&pool, &alice).await;
    assert_eq!(
        (p.idle_lst, p.unclaimed_yield),
        (locked, 100 * ONE - locked)
    );
    assert_eq!(env.pool(&pool).await.rate, rate(1, 1));
}

/// A bucket harvest strips its yield into the base-yield index; with neither a position nor
/// a bucket, harvest only refreshes the cached rate.
#[tokio::test]
async fn harvest_ok_bucket_and_rate_only() {
    let (mut env, pool, alice) = setup_deposited().await;
    let op = env.operator(&pool, 1_000).await;
    env.delegate(&pool, &alice, &op, 40 * ONE).await.unwrap();
    env.set_rate(&pool, 5 * ONE, 4 * ONE).await;
    env.ok(&[client::harvest_accounts(&pool.keys, None, None)], &[])
        .await;
    assert_eq!(env.pool(&pool).await.rate, rate(5, 4));
    assert_eq!(env.bucket(&op).await.total_lst, 40 * ONE);

    env.ok(
        &[client::harvest_accounts(&pool.keys, None, Some(op.bucket))],
        &[],
    )
    .await;
    // 40 worth 40 at 1.25: 32 stay, 8 stripped
    let b = env.bucket(&op).await;
    assert_eq!((b.total_lst, b.unclaimed_base_yield), (32 * ONE, 8 * ONE));
    let s = env.pool(&pool).await;
    assert_eq!(
        (s.total_bucket_lst, s.total_unclaimed_yield),
        (32 * ONE, 8 * ONE)
    );
    // the idle holding was not touched
    assert_eq!(env.position(&pool, &alice).await.idle_lst, 60 * ONE);
}

#[tokio::test]
async fn harvest_wrong_pool() {
    let (mut env, pool, alice) = setup_deposited().await;
    let other = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    env.set_rate(&pool, 2 * ONE, ONE).await;
    env.set_rate(&other, 2 * ONE, ONE).await;
    let position_key = pool.keys.position(&alice.key());
    let ix = client::harvest(&other.keys, position_key);
    let mut watched = staker_accounts(&pool, &alice);
    watched.push(other.keys.pool);
    fails(&mut env, &[ix], &[], &watched, RestakingError::WrongPool).await;
    // a bucket of another pool
    let op = env.operator(&pool, 1_000).await;
    watched.push(op.bucket);
    let ix = client::harvest_accounts(&other.keys, None, Some(op.bucket));
    fails(&mut env, &[ix], &[], &watched, RestakingError::WrongPool).await;
}

#[tokio::test]
async fn harvest_bad_rate_source() {
    let (mut env, pool, alice) = setup_deposited().await;
    let position_key = pool.keys.position(&alice.key());
    let watched = staker_accounts(&pool, &alice);
    assert_bad_sources(&mut env, &pool, (2 * ONE, ONE), &[], &watched, |k| {
        client::harvest(k, position_key)
    })
    .await;
}

#[tokio::test]
async fn harvest_stale_manual_rate() {
    let mut env = Env::new().await;
    let pool = env.manual_lst(Pubkey::new_unique(), rate(1, 1)).await;
    let alice = env.user(&pool, 10 * ONE).await;
    env.deposit(&pool, &alice, ONE).await.unwrap();
    env.advance_time(3_601).await;
    let ix = client::harvest(&pool.keys, pool.keys.position(&alice.key()));
    let watched = staker_accounts(&pool, &alice);
    fails(&mut env, &[ix], &[], &watched, RestakingError::StaleRate).await;
}

// ---- close_position ----------------------------------------------------------------------

#[tokio::test]
async fn close_position_ok() {
    let (mut env, pool, alice) = setup().await;
    let bob = env.user(&pool, 0).await;
    let key = pool.keys.position(&alice.key());
    let lamports = env.lamports(&alice.key()).await;
    let rent = env.lamports(&key).await;
    let pool_before = env.pool(&pool).await;
    assert_eq!(pool_before.position_count, 2);

    env.ok(
        &[client::close_position(alice.key(), &pool.keys)],
        &[&alice.kp],
    )
    .await;

    assert!(!env.exists(&key).await);
    assert_eq!(env.lamports(&alice.key()).await, lamports + rent);
    let mut expected = pool_before.clone();
    expected.position_count = 1;
    assert_state(&env.pool(&pool).await, &expected);
    // Bob's position is untouched
    assert_eq!(env.position(&pool, &bob).await.owner, bob.key());
    // closing again: the account is gone
    let ix = client::close_position(alice.key(), &pool.keys);
    let watched = staker_accounts(&pool, &alice);
    fails_anchor(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        Anchor::AccountNotInitialized,
    )
    .await;
}

#[tokio::test]
async fn close_position_not_empty() {
    let (mut env, pool, alice) = setup_deposited().await;
    let watched = staker_accounts(&pool, &alice);
    let ix = client::close_position(alice.key(), &pool.keys);

    // idle LST
    fails(
        &mut env,
        std::slice::from_ref(&ix),
        &[&alice.kp],
        &watched,
        RestakingError::PositionNotEmpty,
    )
    .await;
    // an open ticket and nothing else
    let ticket = env
        .request_withdrawal(&pool, &alice, 100 * ONE)
        .await
        .unwrap();
    assert_eq!(env.position(&pool, &alice).await.idle_lst, 0);
    fails(
        &mut env,
        std::slice::from_ref(&ix),
        &[&alice.kp],
        &watched,
        RestakingError::PositionNotEmpty,
    )
    .await;
    env.ok(
        &[client::cancel_withdrawal(alice.key(), &pool.keys, ticket)],
        &[&alice.kp],
    )
    .await;
    // unclaimed yield and nothing else
    env.set_rate(&pool, 2 * ONE, ONE).await;
    env.ok(
        &[client::harvest(
            &pool.keys,
            pool.keys.position(&alice.key()),
        )],
        &[],
    )
    .await;
    let ticket = env
        .request_withdrawal(&pool, &alice, 50 * ONE)
        .await
        .unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.set_rate(&pool, 2 * ONE, ONE).await;
    env.complete_withdrawal(&pool, &alice, ticket)
        .await
        .unwrap();
    let p = env.position(&pool, &alice).await;
    assert_eq!(
        (p.idle_lst, p.unclaimed_yield, p.open_tickets),
        (0, 50 * ONE, 0)
    );
    let watched = staker_accounts(&pool, &alice);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::PositionNotEmpty,
    )
    .await;
    // a delegation and nothing else
    let (mut env, pool, alice) = setup_deposited().await;
    let op = env.operator(&pool, 1_000).await;
    env.delegate(&pool, &alice, &op, 100 * ONE).await.unwrap();
    let p = env.position(&pool, &alice).await;
    assert_eq!(
        (p.idle_lst, p.idle_principal, p.open_delegations),
        (0, 0, 1)
    );
    let mut watched = staker_accounts(&pool, &alice);
    watched.push(op.bucket);
    let ix = client::close_position(alice.key(), &pool.keys);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::PositionNotEmpty,
    )
    .await;
}

#[tokio::test]
async fn close_position_not_position_owner() {
    let (mut env, pool, alice) = setup().await;
    let mallory = env.user(&pool, 0).await;
    let mut ix = client::close_position(mallory.key(), &pool.keys);
    swap_account(
        &mut ix,
        pool.keys.position(&mallory.key()),
        pool.keys.position(&alice.key()),
    );
    let mut watched = staker_accounts(&pool, &alice);
    watched.push(mallory.key());
    fails(
        &mut env,
        &[ix],
        &[&mallory.kp],
        &watched,
        RestakingError::NotPositionOwner,
    )
    .await;
}

#[tokio::test]
async fn close_position_wrong_pool() {
    let (mut env, pool, alice) = setup().await;
    let other = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let mut ix = client::close_position(alice.key(), &other.keys);
    swap_account(
        &mut ix,
        other.keys.position(&alice.key()),
        pool.keys.position(&alice.key()),
    );
    let mut watched = staker_accounts(&pool, &alice);
    watched.push(other.keys.pool);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::WrongPool,
    )
    .await;
}

// ---- operators and delegations: the error variants they add -------------------------------
//
// These instructions get their own `_ok` tests with their feature; here each of their named
// failures is reached once, changing nothing.

#[tokio::test]
async fn register_operator_commission_too_high() {
    let mut env = Env::new().await;
    let authority = Keypair::new();
    env.airdrop(&authority.pubkey(), ONE).await;
    let ix = client::register_operator(authority.pubkey(), 5_001, "https://operator.example");
    let watched = [
        authority.pubkey(),
        client::operator_pda(&authority.pubkey()),
    ];
    fails(
        &mut env,
        &[ix],
        &[&authority],
        &watched,
        RestakingError::CommissionTooHigh,
    )
    .await;
}

#[tokio::test]
async fn register_operator_metadata_too_long() {
    let mut env = Env::new().await;
    let authority = Keypair::new();
    env.airdrop(&authority.pubkey(), ONE).await;
    let uri = "x".repeat(restaking::state::MAX_METADATA_URI_LEN + 1);
    let ix = client::register_operator(authority.pubkey(), 1_000, &uri);
    let watched = [
        authority.pubkey(),
        client::operator_pda(&authority.pubkey()),
    ];
    fails(
        &mut env,
        &[ix],
        &[&authority],
        &watched,
        RestakingError::MetadataTooLong,
    )
    .await;
}

#[tokio::test]
async fn update_operator_failures() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let op = env.operator(&pool, 1_000).await;
    let mallory = env.operator(&pool, 1_000).await;
    let watched = [op.operator, mallory.operator];

    // Mallory signs for X's operator account
    let args = client::UpdateOperatorArgs {
        active: Some(false),
        ..Default::default()
    };
    let mut ix = client::update_operator(mallory.kp.pubkey(), args);
    swap_account(&mut ix, mallory.operator, op.operator);
    fails(
        &mut env,
        &[ix],
        &[&mallory.kp],
        &watched,
        RestakingError::NotOperatorAuthority,
    )
    .await;

    let args = client::UpdateOperatorArgs {
        commission_bps: Some(5_001),
        ..Default::default()
    };
    let ix = client::update_operator(op.kp.pubkey(), args);
    fails(
        &mut env,
        &[ix],
        &[&op.kp],
        &watched,
        RestakingError::CommissionTooHigh,
    )
    .await;
    let args = client::UpdateOperatorArgs {
        metadata_uri: Some(
            "x".repeat(restaking::state::MAX_METADATA_URI_LEN + 1)
                .into(),
        ),
        ..Default::default()
    };
    let ix = client::update_operator(op.kp.pubkey(), args);
    fails(
        &mut env,
        &[ix],
        &[&op.kp],
        &watched,
        RestakingError::MetadataTooLong,
    )
    .await;
}

#[tokio::test]
async fn open_operator_pool_not_operator_authority() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let other = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let op = env.operator(&pool, 1_000).await;
    let mallory = env.operator(&pool, 1_000).await;
    // Mallory opens a bucket of X in the other pool
    let mut ix = client::open_operator_pool(mallory.kp.pubkey(), other.keys.pool);
    swap_account(&mut ix, mallory.operator, op.operator);
    let bucket = client::operator_pool_pda(&op.operator, &other.keys.pool);
    swap_account(
        &mut ix,
        client::operator_pool_pda(&mallory.operator, &other.keys.pool),
        bucket,
    );
    let watched = [op.operator, bucket, mallory.kp.pubkey(), other.keys.pool];
    fails(
        &mut env,
        &[ix],
        &[&mallory.kp],
        &watched,
        RestakingError::NotOperatorAuthority,
    )
    .await;
}

#[tokio::test]
async fn delegate_failures() {
    let (mut env, pool, alice) = setup_deposited().await;
    let op = env.operator(&pool, 1_000).await;
    let other = env.operator(&pool, 1_000).await;
    let delegation = client::delegation_pda(&pool.keys.position(&alice.key()), &op.bucket);
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend([op.operator, op.bucket, other.bucket, delegation]);

    let ix = client::delegate(alice.key(), &pool.keys, op.operator, 0);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::ZeroAmount,
    )
    .await;
    let ix = client::delegate(alice.key(), &pool.keys, op.operator, 100 * ONE + 1);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InsufficientIdle,
    )
    .await;
    // X's bucket named with Y's operator account
    let mut ix = client::delegate(alice.key(), &pool.keys, op.operator, ONE);
    swap_account(&mut ix, op.operator, other.operator);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::WrongDelegation,
    )
    .await;

    let guardian = env.guardian.insecure_clone();
    env.ok(
        &[client::set_pause(guardian.pubkey(), PAUSE_DELEGATIONS)],
        &[&guardian],
    )
    .await;
    let ix = client::delegate(alice.key(), &pool.keys, op.operator, ONE);
    fails(
        &mut env,
        std::slice::from_ref(&ix),
        &[&alice.kp],
        &watched,
        RestakingError::DelegationsPaused,
    )
    .await;
    let admin = env.admin.insecure_clone();
    env.ok(&[client::set_pause(admin.pubkey(), 0)], &[&admin])
        .await;

    let args = client::UpdateOperatorArgs {
        active: Some(false),
        ..Default::default()
    };
    env.ok(&[client::update_operator(op.kp.pubkey(), args)], &[&op.kp])
        .await;
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::OperatorInactive,
    )
    .await;
}

#[tokio::test]
async fn undelegate_insufficient_shares_and_close_delegation_not_empty() {
    let (mut env, pool, alice) = setup_deposited().await;
    let op = env.operator(&pool, 1_000).await;
    env.delegate(&pool, &alice, &op, 40 * ONE).await.unwrap();
    let position_key = pool.keys.position(&alice.key());
    let delegation = client::delegation_pda(&position_key, &op.bucket);
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend([op.bucket, delegation, client::ticket_pda(&position_key, 0)]);

    let ix = client::undelegate(alice.key(), &pool.keys, op.bucket, 0, 40 * ONE + 1, None);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InsufficientShares,
    )
    .await;
    let ix = client::close_delegation(alice.key(), &pool.keys, op.bucket);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::DelegationNotEmpty,
    )
    .await;
}

// ---- reward streams: the error variants they add -----------------------------------------

/// [`setup_deposited`] plus operator X (10 %), a 6-decimal reward stream on X's bucket and
/// Alice's 40 LST delegated to X.
async fn setup_stream() -> (Env, TestPool, User, TestOperator, client::StreamKeys) {
    let (mut env, pool, alice) = setup_deposited().await;
    let op = env.operator(&pool, 1_000).await;
    let reward_mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = env.add_stream(&op, reward_mint).await;
    env.delegate(&pool, &alice, &op, 40 * ONE).await.unwrap();
    (env, pool, alice, op, stream)
}

fn stream_accounts(stream: &client::StreamKeys) -> [Pubkey; 3] {
    [
        stream.operator_pool,
        stream.reward_index,
        stream.reward_vault,
    ]
}

#[tokio::test]
async fn add_reward_mint_not_operator_or_admin() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let op = env.operator(&pool, 1_000).await;
    let reward_mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = client::StreamKeys::new(op.bucket, reward_mint, anchor_spl::token::ID);
    let mallory = Keypair::new();
    env.airdrop(&mallory.pubkey(), ONE).await;
    let ix = client::add_reward_mint(mallory.pubkey(), op.operator, op.bucket, &stream);
    let mut watched = stream_accounts(&stream).to_vec();
    watched.push(mallory.pubkey());
    fails(
        &mut env,
        &[ix],
        &[&mallory],
        &watched,
        RestakingError::NotOperatorOrAdmin,
    )
    .await;
    assert!(!env.exists(&stream.reward_index).await);
    // the admin may open it
    let admin = env.admin.insecure_clone();
    let ix = client::add_reward_mint(admin.pubkey(), op.operator, op.bucket, &stream);
    env.ok(&[ix], &[&admin]).await;
    assert_eq!(env.bucket(&op).await.reward_mint_count, 1);
}

#[tokio::test]
async fn add_reward_mint_too_many_reward_mints() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let op = env.operator(&pool, 1_000).await;
    for _ in 0..MAX_REWARD_MINTS {
        let mint = env.create_mint(MintKind::Spl, 6).await;
        env.add_stream(&op, mint).await;
    }
    let mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = client::StreamKeys::new(op.bucket, mint, anchor_spl::token::ID);
    let ix = client::add_reward_mint(op.kp.pubkey(), op.operator, op.bucket, &stream);
    let mut watched = stream_accounts(&stream).to_vec();
    watched.push(op.kp.pubkey());
    fails(
        &mut env,
        &[ix],
        &[&op.kp],
        &watched,
        RestakingError::TooManyRewardMints,
    )
    .await;
}

/// A share change must settle every stream of the bucket: `delegate` without the bucket's
/// reward indices, or with another bucket's, is refused.
#[tokio::test]
async fn delegate_reward_indexes_missing_or_mismatched() {
    let (mut env, pool, alice, op, stream) = setup_stream().await;
    let other = env.operator(&pool, 1_000).await;
    let other_mint = env.create_mint(MintKind::Spl, 6).await;
    env.add_stream(&other, other_mint).await;
    let delegation = client::delegation_pda(&pool.keys.position(&alice.key()), &op.bucket);
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend(stream_accounts(&stream));
    watched.push(delegation);

    let ix = client::delegate(alice.key(), &pool.keys, op.operator, ONE);
    fails(
        &mut env,
        std::slice::from_ref(&ix),
        &[&alice.kp],
        &watched,
        RestakingError::MissingRewardIndexes,
    )
    .await;
    let mut wrong = ix;
    wrong
        .accounts
        .extend(client::reward_index_metas(&other.bucket, &[other_mint]));
    fails(
        &mut env,
        &[wrong],
        &[&alice.kp],
        &watched,
        RestakingError::RewardStreamMismatch,
    )
    .await;
}

#[tokio::test]
async fn claim_reward_stream_failures() {
    let (mut env, pool, alice, op, stream) = setup_stream().await;
    let funder = env.funder(&stream.reward_mint, 1_000_000_001).await;
    env.fund(&funder, &op, &stream, 1_000_000_000)
        .await
        .unwrap();
    let alice_reward = env
        .create_token_account(&stream.reward_mint, &alice.key())
        .await;
    let fake_vault = env
        .create_token_account(&stream.reward_mint, &stream.reward_index)
        .await;
    env.mint_to(&stream.reward_mint, &fake_vault, 1_000_000_000)
        .await;
    let other = env.operator(&pool, 1_000).await;
    let other_stream = env.add_stream(&other, stream.reward_mint).await;
    env.fund(&funder, &other, &other_stream, 1).await.unwrap();

    let delegation = client::delegation_pda(&pool.keys.position(&alice.key()), &op.bucket);
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend(stream_accounts(&stream));
    watched.extend(stream_accounts(&other_stream));
    watched.extend([delegation, alice_reward, fake_vault]);
    let base =
        client::claim_delegation(alice.key(), &pool.keys, alice.lst_account, Some(op.bucket));
    let with = |group: &[anchor_lang::solana_program::instruction::AccountMeta]| {
        let mut ix = base.clone();
        ix.accounts.extend_from_slice(group);
        ix
    };

    // another token account as the stream's vault
    let mut group = stream.claim_group(alice_reward);
    group[1].pubkey = fake_vault;
    let expected = RestakingError::InvalidRewardVault;
    fails(&mut env, &[with(&group)], &[&alice.kp], &watched, expected).await;
    // the vault as the destination
    let group = stream.claim_group(stream.reward_vault);
    fails(&mut env, &[with(&group)], &[&alice.kp], &watched, expected).await;
    // a stream of another bucket
    let group = other_stream.claim_group(alice_reward);
    let expected = RestakingError::RewardStreamMismatch;
    fails(&mut env, &[with(&group)], &[&alice.kp], &watched, expected).await;
    // an incomplete group
    let group = stream.claim_group(alice_reward);
    let expected = RestakingError::MissingRewardIndexes;
    fails(
        &mut env,
        &[with(&group[..4])],
        &[&alice.kp],
        &watched,
        expected,
    )
    .await;
    // remaining accounts without a delegation leg
    let mut ix = client::claim(alice.key(), &pool.keys, alice.lst_account);
    ix.accounts.extend(stream.claim_group(alice_reward));
    let expected = RestakingError::WrongDelegation;
    fails(&mut env, &[ix], &[&alice.kp], &watched, expected).await;

    // the right group pays: 1,000 less 10 % commission, all to Alice's 40 LST of shares
    env.ok(&[with(&stream.claim_group(alice_reward))], &[&alice.kp])
        .await;
    assert_eq!(env.token_balance(&alice_reward).await, 900_000_000);
}

#[tokio::test]
async fn fund_rewards_invalid_reward_vault() {
    let (mut env, _pool, _alice, op, stream) = setup_stream().await;
    let funder = env.funder(&stream.reward_mint, 1_000).await;
    let fake_vault = env
        .create_token_account(&stream.reward_mint, &stream.reward_index)
        .await;
    let mut keys = stream;
    keys.reward_vault = fake_vault;
    let ix = client::fund_rewards(funder.key(), op.operator, &keys, funder.lst_account, 1_000);
    let mut watched = stream_accounts(&stream).to_vec();
    watched.extend([fake_vault, funder.lst_account]);
    fails(
        &mut env,
        &[ix],
        &[&funder.kp],
        &watched,
        RestakingError::InvalidRewardVault,
    )
    .await;
}

#[tokio::test]
async fn claim_protocol_fees_invalid_treasury_account() {
    let (mut env, _pool, _alice, op, stream) = setup_stream().await;
    env.set_protocol_fee(1_000).await;
    let funder = env.funder(&stream.reward_mint, 1_000_000).await;
    env.fund(&funder, &op, &stream, 1_000_000).await.unwrap();
    let mallory_account = env
        .create_token_account(&stream.reward_mint, &Pubkey::new_unique())
        .await;
    let ix = client::claim_protocol_fees(&stream, mallory_account);
    let mut watched = stream_accounts(&stream).to_vec();
    watched.push(mallory_account);
    fails(
        &mut env,
        &[ix],
        &[],
        &watched,
        RestakingError::InvalidTreasuryAccount,
    )
    .await;
    // the treasury's account gets the 10 % fee
    let treasury = env.treasury;
    let treasury_account = env
        .create_token_account(&stream.reward_mint, &treasury)
        .await;
    env.ok(
        &[client::claim_protocol_fees(&stream, treasury_account)],
        &[],
    )
    .await;
    assert_eq!(env.token_balance(&treasury_account).await, 100_000);
}

// ---- pre-funded PDAs ------------------------------------------------------------------------
//
// Anyone can send lamports to an address, including a PDA the program will create later.
// Anchor 1.2's `init` would create such an account with the system program's
// `CreateAccountAllowPrefund` (SIMD-0312), which Agave 3.1 does not implement, so one lamport
// would block it forever; the program creates every PDA through `pda::create_account` instead
// (top up, allocate, assign). Exits cannot be trapped; anyone can open a position.

/// Rent-exempt minimum of an empty system account: the least a griefer must send.
const GRIEF_LAMPORTS: u64 = 890_880;

#[tokio::test]
async fn attack_prefunded_ticket_pda_traps_withdrawals() {
    let (mut env, pool, alice) = setup_deposited().await;
    let next_ticket = client::ticket_pda(&pool.keys.position(&alice.key()), 0);
    env.airdrop(&next_ticket, GRIEF_LAMPORTS).await;
    let ticket = env
        .request_withdrawal(&pool, &alice, 30 * ONE)
        .await
        .unwrap();
    assert_eq!(ticket, next_ticket);
    let t: WithdrawalTicket = env.state(&ticket).await;
    assert_eq!((t.kind, t.lst), (TicketKind::Withdraw, 30 * ONE));
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_withdrawal(&pool, &alice, ticket)
        .await
        .unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, 30 * ONE);
}

#[tokio::test]
async fn attack_prefunded_position_pda_blocks_open_position() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let bob = Keypair::new();
    env.airdrop(&bob.pubkey(), ONE).await;
    let position = pool.keys.position(&bob.pubkey());
    env.airdrop(&position, GRIEF_LAMPORTS).await;
    env.ok(&[client::open_position(bob.pubkey(), &pool.keys)], &[&bob])
        .await;
    let p: Position = env.state(&position).await;
    assert_eq!((p.owner, p.idle_lst), (bob.pubkey(), 0));
}

#[tokio::test]
async fn attack_prefunded_delegation_pda_blocks_delegate() {
    let (mut env, pool, alice) = setup_deposited().await;
    let op = env.operator(&pool, 1_000).await;
    let delegation = client::delegation_pda(&pool.keys.position(&alice.key()), &op.bucket);
    env.airdrop(&delegation, GRIEF_LAMPORTS).await;
    env.delegate(&pool, &alice, &op, 40 * ONE).await.unwrap();
    assert_eq!(env.delegation(&pool, &alice, &op).await.shares, 40 * ONE);
}

#[tokio::test]
async fn attack_prefunded_pool_pda_blocks_add_pool() {
    let mut env = Env::new().await;
    let (keys, source) = new_stake_pool_mint(&mut env).await;
    env.airdrop(&keys.pool, GRIEF_LAMPORTS).await;
    let admin = env.admin.insecure_clone();
    env.ok(
        &[client::add_pool(
            admin.pubkey(),
            &keys,
            Env::pool_args(source, 0),
        )],
        &[&admin],
    )
    .await;
    assert_eq!(env.state::<Pool>(&keys.pool).await.lst_mint, keys.lst_mint);
}

// ---- dust in operator buckets ----------------------------------------------------------------

/// Undelegating a share that is worth no LST (the bucket's LST per share fell below 1 when
/// its yield was stripped) queues nothing and is refused.
#[tokio::test]
async fn undelegate_zero_shares() {
    let (mut env, pool, alice) = setup_deposited().await;
    let op = env.operator(&pool, 1_000).await;
    env.delegate(&pool, &alice, &op, 40 * ONE).await.unwrap();
    env.set_rate(&pool, 5 * ONE, 4 * ONE).await;
    env.ok(
        &[client::harvest_accounts(&pool.keys, None, Some(op.bucket))],
        &[],
    )
    .await;
    let b = env.bucket(&op).await;
    assert_eq!((b.total_shares, b.total_lst), (40 * ONE, 32 * ONE));

    let position_key = pool.keys.position(&alice.key());
    let delegation = client::delegation_pda(&position_key, &op.bucket);
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend([op.bucket, delegation, client::ticket_pda(&position_key, 0)]);
    let ix = client::undelegate(alice.key(), &pool.keys, op.bucket, 0, 1, None);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::ZeroShares,
    )
    .await;
    // two shares are worth one LST unit
    let ticket = env.undelegate(&pool, &alice, &op, 2).await.unwrap();
    let t: WithdrawalTicket = env.state(&ticket).await;
    assert_eq!((t.kind, t.lst), (TicketKind::Undelegate, 1));
}

/// At a rate below 1 numeraire unit per LST unit (an LST with more decimals than the
/// numeraire, or one that lost value), part of an idle holding can carry no principal. Were
/// Mallory allowed to delegate one such unit into a fresh bucket, its first harvest would strip
/// it as yield and leave one share backed by no LST, bricking the bucket (`BucketDepleted`).
/// The delegation is refused (`ZeroValue`) and honest stakers delegate as usual.
#[tokio::test]
async fn attack_dust_delegation_bricks_bucket() {
    let mut env = Env::new().await;
    let pool = env.manual_lst(Pubkey::new_unique(), rate(1, 2)).await;
    let op = env.operator(&pool, 1_000).await;
    let mallory = env.user(&pool, 3).await;
    // 3 units worth floor(1.5) = 1; 2 units stay locked for it, 1 is stripped as yield
    env.deposit(&pool, &mallory, 3).await.unwrap();
    // 1 of the 2 idle units carries floor(1 × 1 / 2) = 0 principal: refused, nothing moves
    let watched = [
        op.bucket,
        pool.keys.position(&mallory.key()),
        pool.keys.pool,
    ];
    let before = env.snapshot(&watched).await;
    assert_error(
        env.delegate(&pool, &mallory, &op, 1).await,
        RestakingError::ZeroValue,
    );
    assert_eq!(env.snapshot(&watched).await, before);
    env.ok(
        &[client::harvest_accounts(&pool.keys, None, Some(op.bucket))],
        &[],
    )
    .await;

    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    env.delegate(&pool, &alice, &op, 10 * ONE).await.unwrap();
    assert_eq!(env.delegated_lst(&pool, &alice, &op).await, 10 * ONE);
}

// ---- slashing: what it freezes, and its own error variants -------------------------------

/// [`setup_deposited`] plus operator X with Alice's 40 LST, and a service linked to X with a
/// maximum slash of `max_slash_bps`.
async fn setup_slashable(max_slash_bps: u16) -> (Env, TestPool, User, TestOperator, TestService) {
    let (mut env, pool, alice) = setup_deposited().await;
    let op = env.operator(&pool, 1_000).await;
    env.delegate(&pool, &alice, &op, 40 * ONE).await.unwrap();
    let svc = env.service(&pool, &op, max_slash_bps).await;
    (env, pool, alice, op, svc)
}

fn slash_accounts(pool: &TestPool, op: &TestOperator, svc: &TestService) -> Vec<Pubkey> {
    vec![
        pool.keys.pool,
        pool.keys.vault,
        op.bucket,
        svc.service,
        client::service_link_pda(&svc.service, &op.operator),
        svc.destination,
        svc.slasher.pubkey(),
    ]
}

/// A pending slash freezes the bucket: no new delegation, no cancelling an undelegation back
/// into it, no completing one it will cut (requested a day before it matured). Undelegating
/// stays open: the queue is cut with the bucket.
#[tokio::test]
async fn slash_pending_freezes_the_bucket() {
    let (mut env, pool, alice, op, svc) = setup_slashable(1_000).await;
    let start = env.clock().await.unix_timestamp;
    let ticket = env.undelegate(&pool, &alice, &op, 10 * ONE).await.unwrap();
    env.set_time(start + WITHDRAWAL_DELAY - DAY).await;
    env.set_rate(&pool, ONE, ONE).await;
    let request = env.request_slash(&svc, &op, 1_000).await.unwrap();
    env.set_time(start + WITHDRAWAL_DELAY).await;

    let position_key = pool.keys.position(&alice.key());
    let delegation = client::delegation_pda(&position_key, &op.bucket);
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend([op.bucket, delegation, ticket, request]);
    watched.push(client::ticket_pda(&position_key, 1));
    let expected = RestakingError::SlashPending;

    let ix = client::delegate(alice.key(), &pool.keys, op.operator, ONE);
    fails(&mut env, &[ix], &[&alice.kp], &watched, expected).await;
    let ix = client::cancel_ticket(
        alice.key(),
        &pool.keys,
        ticket,
        Some(op.bucket),
        Some(op.operator),
    );
    fails(&mut env, &[ix], &[&alice.kp], &watched, expected).await;
    let ix = client::complete_ticket(
        alice.key(),
        &pool.keys,
        ticket,
        alice.lst_account,
        Some(op.bucket),
    );
    fails(
        &mut env,
        std::slice::from_ref(&ix),
        &[&alice.kp],
        &watched,
        expected,
    )
    .await;

    // vetoed: the ticket completes in full
    let guardian = env.guardian.insecure_clone();
    env.ok(
        &[client::veto_slash(
            guardian.pubkey(),
            op.bucket,
            request,
            client::service_link_pda(&svc.service, &op.operator),
        )],
        &[&guardian],
    )
    .await;
    env.ok(&[ix], &[&alice.kp]).await;
    assert_eq!(env.position(&pool, &alice).await.idle_lst, 70 * ONE);
}

/// SPEC §3: an `Undelegate` ticket "stays slashable until it matures". One that matured before
/// any slash was requested must complete in full while a later request is pending.
#[tokio::test]
async fn complete_withdrawal_matured_before_slash_request() {
    let (mut env, pool, alice, op, svc) = setup_slashable(1_000).await;
    let ticket = env.undelegate(&pool, &alice, &op, 10 * ONE).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY + DAY).await;
    env.set_rate(&pool, ONE, ONE).await;
    env.request_slash(&svc, &op, 1_000).await.unwrap();
    env.complete_undelegation(&pool, &alice, &op, ticket)
        .await
        .unwrap();
    assert_eq!(env.position(&pool, &alice).await.idle_lst, 70 * ONE);
}

/// After a slash takes a whole bucket its shares are backed by nothing: it takes no new LST.
#[tokio::test]
async fn delegate_bucket_depleted() {
    let (mut env, pool, alice, op, svc) = setup_slashable(BPS_DENOMINATOR).await;
    let request = env.request_slash(&svc, &op, BPS_DENOMINATOR).await.unwrap();
    env.advance_time(VETO_SECS).await;
    env.set_rate(&pool, ONE, ONE).await;
    env.execute_slash(&pool, &svc, &op, request).await.unwrap();
    assert_eq!(env.token_balance(&svc.destination).await, 40 * ONE);
    let b = env.bucket(&op).await;
    assert_eq!((b.total_shares, b.total_lst), (40 * ONE, 0));

    let delegation = client::delegation_pda(&pool.keys.position(&alice.key()), &op.bucket);
    let mut watched = staker_accounts(&pool, &alice);
    watched.extend([op.bucket, delegation]);
    let ix = client::delegate(alice.key(), &pool.keys, op.operator, ONE);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::BucketDepleted,
    )
    .await;
}

#[tokio::test]
async fn request_slash_failures() {
    let (mut env, pool, _alice, op, svc) = setup_slashable(1_000).await;
    let other = env.operator(&pool, 1_000).await;
    let nonce = env.bucket(&op).await.slash_nonce;
    let request = client::slash_request_pda(&op.bucket, &svc.service, nonce);
    let mut watched = slash_accounts(&pool, &op, &svc);
    watched.extend([request, other.bucket]);
    let slasher = svc.slasher.insecure_clone();
    let make = |signer: Pubkey, bps: u16| {
        client::request_slash(
            signer,
            svc.service,
            op.operator,
            op.bucket,
            nonce,
            bps,
            [1; 32],
        )
    };

    // not the service's slasher (not even its authority)
    let authority = svc.authority.insecure_clone();
    let ix = make(authority.pubkey(), 500);
    fails(
        &mut env,
        &[ix],
        &[&authority],
        &watched,
        RestakingError::NotSlasher,
    )
    .await;
    // above the link's maximum, or nothing at all
    for bps in [1_001, 0] {
        let ix = make(slasher.pubkey(), bps);
        fails(
            &mut env,
            &[ix],
            &[&slasher],
            &watched,
            RestakingError::SlashTooLarge,
        )
        .await;
    }
    // X's link used against Y's bucket
    let other_nonce = env.bucket(&other).await.slash_nonce;
    let ix = client::request_slash(
        slasher.pubkey(),
        svc.service,
        op.operator,
        other.bucket,
        other_nonce,
        500,
        [1; 32],
    );
    watched.push(client::slash_request_pda(
        &other.bucket,
        &svc.service,
        other_nonce,
    ));
    fails(
        &mut env,
        &[ix],
        &[&slasher],
        &watched,
        RestakingError::ServiceNotLinked,
    )
    .await;
    // the operator unlinked and the unlink delay passed
    env.ok(
        &[client::unlink_service(op.kp.pubkey(), svc.service)],
        &[&op.kp],
    )
    .await;
    env.advance_time(restaking::state::ServiceLink::UNLINK_DELAY_SECS)
        .await;
    let ix = make(slasher.pubkey(), 500);
    fails(
        &mut env,
        &[ix],
        &[&slasher],
        &watched,
        RestakingError::ServiceNotLinked,
    )
    .await;
}

#[tokio::test]
async fn veto_and_execute_slash_failures() {
    let (mut env, pool, _alice, op, svc) = setup_slashable(1_000).await;
    let request = env.request_slash(&svc, &op, 1_000).await.unwrap();
    let mut watched = slash_accounts(&pool, &op, &svc);
    watched.push(request);

    // only the guardian vetoes (not the admin)
    let admin = env.admin.insecure_clone();
    let ix = client::veto_slash(
        admin.pubkey(),
        op.bucket,
        request,
        client::service_link_pda(&svc.service, &op.operator),
    );
    fails(
        &mut env,
        &[ix],
        &[&admin],
        &watched,
        RestakingError::NotGuardian,
    )
    .await;
    // not before the veto window closes
    let ix = client::execute_slash(&pool.keys, op.bucket, request, svc.service, svc.destination);
    fails(
        &mut env,
        &[ix],
        &[],
        &watched,
        RestakingError::VetoWindowOpen,
    )
    .await;
    env.advance_time(VETO_SECS).await;
    env.set_rate(&pool, ONE, ONE).await;
    // the seized LST only goes to the service's destination
    let elsewhere = env
        .create_token_account(&pool.keys.lst_mint, &Pubkey::new_unique())
        .await;
    watched.push(elsewhere);
    let ix = client::execute_slash(&pool.keys, op.bucket, request, svc.service, elsewhere);
    fails(
        &mut env,
        &[ix],
        &[],
        &watched,
        RestakingError::InvalidSlashDestination,
    )
    .await;
    // vetoed (even after the window): neither a second veto nor an execution
    let guardian = env.guardian.insecure_clone();
    env.ok(
        &[client::veto_slash(
            guardian.pubkey(),
            op.bucket,
            request,
            client::service_link_pda(&svc.service, &op.operator),
        )],
        &[&guardian],
    )
    .await;
    let ix = client::veto_slash(
        guardian.pubkey(),
        op.bucket,
        request,
        client::service_link_pda(&svc.service, &op.operator),
    );
    fails(
        &mut env,
        &[ix],
        &[&guardian],
        &watched,
        RestakingError::SlashNotPending,
    )
    .await;
    let ix = client::execute_slash(&pool.keys, op.bucket, request, svc.service, svc.destination);
    fails(
        &mut env,
        &[ix],
        &[],
        &watched,
        RestakingError::SlashNotPending,
    )
    .await;
}
