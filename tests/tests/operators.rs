//! Operator and delegation instructions, one test per outcome (STYLE "Tests"): `<ix>_ok`
//! asserts the resulting account state and balances exactly; `<ix>_<failure>` reaches one named
//! error and asserts every involved account is byte-for-byte unchanged.
//!
//! Covered: `register_operator`, `update_operator`, `open_operator_pool`, `delegate`,
//! `undelegate`, `complete_withdrawal` and `cancel_withdrawal` of `Undelegate` tickets,
//! `close_delegation`, `harvest` of a bucket and the delegation leg of `claim`.
#![allow(clippy::arithmetic_side_effects)]

use anchor_lang::error::ErrorCode as Anchor;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use restaking::constants::{ACCOUNT_VERSION, MAX_REWARD_MINTS, PAUSE_DELEGATIONS};
use restaking::error::RestakingError;
use restaking::math::BASE_ACC_SCALE;
use restaking::state::{
    Delegation, Operator, OperatorPool, TicketKind, WithdrawalTicket, MAX_METADATA_URI_LEN,
};
use restaking_tests::client::{self, UpdateOperatorArgs};
use restaking_tests::solana_sdk::pubkey::Pubkey;
use restaking_tests::solana_sdk::signature::{Keypair, Signer};
use restaking_tests::*;

// ---- helpers -----------------------------------------------------------------------------

/// Reward tokens have 6 decimals.
const TOKEN: u64 = 1_000_000;

/// Asserts two account states are equal field by field (the account types have no
/// `PartialEq`; their `Debug` output names every field, reserved bytes included).
#[track_caller]
fn assert_state<T: std::fmt::Debug>(actual: &T, expected: &T) {
    assert_eq!(format!("{actual:#?}"), format!("{expected:#?}"));
}

fn bump_of(seeds: &[&[u8]]) -> u8 {
    Pubkey::find_program_address(seeds, &restaking::ID).1
}

/// Replaces every occurrence of `from` among the instruction's accounts by `to`.
fn swap_account(ix: &mut Instruction, from: Pubkey, to: Pubkey) {
    let mut n = 0;
    for meta in ix.accounts.iter_mut().filter(|m| m.pubkey == from) {
        meta.pubkey = to;
        n += 1;
    }
    assert!(n > 0, "{from} is not an account of the instruction");
}

/// Replaces an optional account by Anchor's "none" marker (the program id).
fn omit_account(ix: &mut Instruction, key: Pubkey) {
    swap_account(ix, key, restaking::ID);
    for meta in ix.accounts.iter_mut().filter(|m| m.pubkey == restaking::ID) {
        meta.is_writable = false;
    }
}

/// A 1:1 stake-pool LST, operator X (10 % commission) with a bucket, Alice with 100 LST
/// deposited.
async fn setup() -> (Env, TestPool, TestOperator, User) {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    (env, pool, x, alice)
}

/// [`setup`] with all of Alice's 100 LST delegated to X.
async fn setup_delegated() -> (Env, TestPool, TestOperator, User) {
    let (mut env, pool, x, alice) = setup().await;
    env.delegate(&pool, &alice, &x, 100 * ONE).await.unwrap();
    (env, pool, x, alice)
}

/// Every account a staker instruction of `user` on `pool` through `op` can touch.
fn watched(pool: &TestPool, user: &User, op: &TestOperator) -> Vec<Pubkey> {
    let position = pool.keys.position(&user.key());
    vec![
        user.key(),
        user.lst_account,
        pool.keys.pool,
        pool.keys.vault,
        position,
        op.operator,
        op.bucket,
        client::delegation_pda(&position, &op.bucket),
        client::config_pda(),
    ]
}

fn delegation_key(pool: &TestPool, user: &User, op: &TestOperator) -> Pubkey {
    client::delegation_pda(&pool.keys.position(&user.key()), &op.bucket)
}

/// A service linked by `op` that requested a 10 % slash of its bucket.
async fn pending_slash(env: &mut Env, pool: &TestPool, op: &TestOperator) -> Pubkey {
    let svc = env.service(pool, op, 2_000).await;
    env.request_slash(&svc, op, 1_000).await.unwrap()
}

// ---- register_operator ---------------------------------------------------------------------

#[tokio::test]
async fn register_operator_ok() {
    let mut env = Env::new().await;
    let kp = Keypair::new();
    env.airdrop(&kp.pubkey(), ONE).await;
    let key = client::operator_pda(&kp.pubkey());
    // the configured maximum and the longest URI are accepted
    let uri = "u".repeat(MAX_METADATA_URI_LEN);
    env.ok(
        &[client::register_operator(kp.pubkey(), 5_000, &uri)],
        &[&kp],
    )
    .await;
    assert_state(
        &env.state::<Operator>(&key).await,
        &Operator {
            authority: kp.pubkey(),
            commission_bps: 5_000,
            pending_commission_bps: 5_000,
            commission_effective_ts: 0,
            active: true,
            metadata_uri: uri,
            operator_pool_count: 0,
            bump: bump_of(&[Operator::SEED, kp.pubkey().as_ref()]),
            version: ACCOUNT_VERSION,
            reserved: [0; 32],
        },
    );
    let account = env.account(&key).await.unwrap();
    assert_eq!(account.data.len(), Operator::SPACE);
    assert_eq!(account.owner, restaking::ID);
    // the authority paid the rent
    assert_eq!(env.lamports(&kp.pubkey()).await, ONE - account.lamports);
}

#[tokio::test]
async fn register_operator_commission_too_high() {
    let mut env = Env::new().await;
    let kp = Keypair::new();
    env.airdrop(&kp.pubkey(), ONE).await;
    let ix = client::register_operator(kp.pubkey(), 5_001, "https://operator.example");
    let watched = [kp.pubkey(), client::operator_pda(&kp.pubkey())];
    env.fails(&[ix], &[&kp], &watched, RestakingError::CommissionTooHigh)
        .await;
}

#[tokio::test]
async fn register_operator_metadata_too_long() {
    let mut env = Env::new().await;
    let kp = Keypair::new();
    env.airdrop(&kp.pubkey(), ONE).await;
    let uri = "u".repeat(MAX_METADATA_URI_LEN + 1);
    let ix = client::register_operator(kp.pubkey(), 1_000, &uri);
    let watched = [kp.pubkey(), client::operator_pda(&kp.pubkey())];
    env.fails(&[ix], &[&kp], &watched, RestakingError::MetadataTooLong)
        .await;
}

#[tokio::test]
async fn register_operator_twice() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let ix = client::register_operator(x.kp.pubkey(), 0, "https://other.example");
    env.fails(
        &[ix],
        &[&x.kp],
        &[x.kp.pubkey(), x.operator],
        RestakingError::AccountAlreadyExists,
    )
    .await;
    assert_eq!(
        env.state::<Operator>(&x.operator).await.commission_bps,
        1_000
    );
}

// ---- update_operator -----------------------------------------------------------------------

/// X (10 %) with a reward stream and a funder holding plenty of reward tokens.
async fn commission_fixture() -> (Env, TestOperator, client::StreamKeys, User) {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = env.add_stream(&x, mint).await;
    let funder = env.funder(&mint, 1_000_000 * TOKEN).await;
    (env, x, stream, funder)
}

/// Funds 1,000 tokens and returns the commission that funding took.
async fn commission_of_funding(
    env: &mut Env,
    x: &TestOperator,
    stream: &client::StreamKeys,
    funder: &User,
) -> u64 {
    let before = env.reward_index(stream).await.commission_owed;
    env.fund(funder, x, stream, 1_000 * TOKEN).await.unwrap();
    env.reward_index(stream).await.commission_owed - before
}

/// A commission increase is scheduled, in force only after
/// `Operator::COMMISSION_INCREASE_DELAY_SECS`.
#[tokio::test]
async fn update_operator_ok_commission_increase_waits() {
    let (mut env, x, stream, funder) = commission_fixture().await;
    let now = env.clock().await.unix_timestamp;
    let due = now + Operator::COMMISSION_INCREASE_DELAY_SECS;
    let args = UpdateOperatorArgs {
        commission_bps: Some(2_000),
        ..Default::default()
    };
    env.update_operator(&x, args).await.unwrap();
    let op: Operator = env.state(&x.operator).await;
    assert_eq!(
        (
            op.commission_bps,
            op.pending_commission_bps,
            op.commission_effective_ts
        ),
        (1_000, 2_000, due)
    );
    assert_eq!(op.commission_at(due - 1), 1_000);

    assert_eq!(
        commission_of_funding(&mut env, &x, &stream, &funder).await,
        100 * TOKEN
    );
    env.set_time(due - 1).await;
    assert_eq!(
        commission_of_funding(&mut env, &x, &stream, &funder).await,
        100 * TOKEN
    );
    env.set_time(due).await;
    assert_eq!(
        commission_of_funding(&mut env, &x, &stream, &funder).await,
        200 * TOKEN
    );
}

/// The commission charged is capped by the config's maximum at the time of the funding: with
/// the maximum at 50 %, X schedules 50 %; the admin lowers the maximum to 20 %; 60 days later a
/// 1,000-token funding takes 200, not 500 — for operators registered before the change too.
#[tokio::test]
async fn commission_is_capped_by_the_current_maximum_when_charged() {
    let (mut env, x, stream, funder) = commission_fixture().await;
    let args = UpdateOperatorArgs {
        commission_bps: Some(5_000),
        ..Default::default()
    };
    env.update_operator(&x, args).await.unwrap();
    let admin = env.admin.insecure_clone();
    let lower = client::UpdateConfigArgs {
        max_commission_bps: Some(2_000),
        ..Default::default()
    };
    env.ok(&[client::update_config(admin.pubkey(), lower)], &[&admin])
        .await;
    env.advance_time(Operator::COMMISSION_INCREASE_DELAY_SECS)
        .await;
    let op: Operator = env.state(&x.operator).await;
    assert_eq!(op.commission_at(env.clock().await.unix_timestamp), 5_000);
    assert_eq!(
        commission_of_funding(&mut env, &x, &stream, &funder).await,
        200 * TOKEN
    );
    // below the cap, the operator's own rate applies
    let y_commission = {
        let decrease = UpdateOperatorArgs {
            commission_bps: Some(1_500),
            ..Default::default()
        };
        env.update_operator(&x, decrease).await.unwrap();
        commission_of_funding(&mut env, &x, &stream, &funder).await
    };
    assert_eq!(y_commission, 150 * TOKEN);
}

/// A decrease applies at once, and cancels a pending increase.
#[tokio::test]
async fn update_operator_ok_commission_decrease_immediate() {
    let (mut env, x, stream, funder) = commission_fixture().await;
    let increase = UpdateOperatorArgs {
        commission_bps: Some(3_000),
        ..Default::default()
    };
    env.update_operator(&x, increase).await.unwrap();
    let decrease = UpdateOperatorArgs {
        commission_bps: Some(500),
        ..Default::default()
    };
    env.update_operator(&x, decrease).await.unwrap();
    let op: Operator = env.state(&x.operator).await;
    assert_eq!(
        (
            op.commission_bps,
            op.pending_commission_bps,
            op.commission_effective_ts
        ),
        (500, 500, 0)
    );
    assert_eq!(
        commission_of_funding(&mut env, &x, &stream, &funder).await,
        50 * TOKEN
    );
    // long after, the cancelled increase never arrives
    env.advance_time(2 * Operator::COMMISSION_INCREASE_DELAY_SECS)
        .await;
    assert_eq!(
        commission_of_funding(&mut env, &x, &stream, &funder).await,
        50 * TOKEN
    );
}

#[tokio::test]
async fn update_operator_ok_metadata_and_status() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let before: Operator = env.state(&x.operator).await;
    let args = UpdateOperatorArgs {
        commission_bps: None,
        metadata_uri: Some("https://new.example".into()),
        active: Some(false),
    };
    env.update_operator(&x, args).await.unwrap();
    let mut expected = before;
    expected.metadata_uri = "https://new.example".into();
    expected.active = false;
    assert_state(&env.state::<Operator>(&x.operator).await, &expected);
    let args = UpdateOperatorArgs {
        active: Some(true),
        ..Default::default()
    };
    env.update_operator(&x, args).await.unwrap();
    expected.active = true;
    assert_state(&env.state::<Operator>(&x.operator).await, &expected);
}

#[tokio::test]
async fn update_operator_commission_too_high() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let args = UpdateOperatorArgs {
        commission_bps: Some(5_001),
        ..Default::default()
    };
    let ix = client::update_operator(x.kp.pubkey(), args);
    env.fails(
        &[ix],
        &[&x.kp],
        &[x.operator],
        RestakingError::CommissionTooHigh,
    )
    .await;
}

#[tokio::test]
async fn update_operator_metadata_too_long() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let args = UpdateOperatorArgs {
        metadata_uri: Some("u".repeat(MAX_METADATA_URI_LEN + 1).into()),
        ..Default::default()
    };
    let ix = client::update_operator(x.kp.pubkey(), args);
    env.fails(
        &[ix],
        &[&x.kp],
        &[x.operator],
        RestakingError::MetadataTooLong,
    )
    .await;
}

#[tokio::test]
async fn update_operator_not_operator_authority() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let mallory = env.operator(&pool, 1_000).await;
    let args = UpdateOperatorArgs {
        commission_bps: Some(5_000),
        active: Some(false),
        ..Default::default()
    };
    let mut ix = client::update_operator(mallory.kp.pubkey(), args);
    swap_account(&mut ix, mallory.operator, x.operator);
    env.fails(
        &[ix],
        &[&mallory.kp],
        &[x.operator, mallory.operator],
        RestakingError::NotOperatorAuthority,
    )
    .await;
}

// ---- open_operator_pool --------------------------------------------------------------------

#[tokio::test]
async fn open_operator_pool_ok() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let other = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let lamports = env.lamports(&x.kp.pubkey()).await;
    env.ok(
        &[client::open_operator_pool(x.kp.pubkey(), other.keys.pool)],
        &[&x.kp],
    )
    .await;
    let bucket = client::operator_pool_pda(&x.operator, &other.keys.pool);
    assert_state(
        &env.state::<OperatorPool>(&bucket).await,
        &OperatorPool {
            operator: x.operator,
            pool: other.keys.pool,
            total_shares: 0,
            total_lst: 0,
            total_principal: 0,
            base_acc_per_share: 0,
            unclaimed_base_yield: 0,
            queued_shares: 0,
            queued_lst: 0,
            queued_principal: 0,
            reward_mints: [Pubkey::default(); MAX_REWARD_MINTS],
            reward_mint_count: 0,
            pending: [0; restaking::state::PENDING_BYTES],
            slash_nonce: 0,
            delegation_count: 0,
            bump: bump_of(&[
                OperatorPool::SEED,
                x.operator.as_ref(),
                other.keys.pool.as_ref(),
            ]),
            version: ACCOUNT_VERSION,
            reserved: [0; 64],
        },
    );
    assert_eq!(
        env.state::<Operator>(&x.operator).await.operator_pool_count,
        2
    );
    // the bucket's undelegation queue, every cohort empty
    let queue_key = client::queue_pda(&bucket);
    let queue = env.account(&queue_key).await.unwrap();
    assert_eq!(queue.data.len(), restaking::state::UndelegationQueue::SPACE);
    let q: restaking::state::UndelegationQueue =
        anchor_lang::__private::bytemuck::pod_read_unaligned(&queue.data[8..]);
    assert_eq!(
        (q.operator_pool, q.max_key, q.version),
        (bucket, 0, ACCOUNT_VERSION)
    );
    assert!(q.cohorts.iter().all(|c| *c == Default::default()));
    let rent = env.lamports(&bucket).await + env.lamports(&queue_key).await;
    assert_eq!(env.lamports(&x.kp.pubkey()).await, lamports - rent);
}

#[tokio::test]
async fn open_operator_pool_not_operator_authority() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let other = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let mallory = env.operator(&pool, 1_000).await;
    let mut ix = client::open_operator_pool(mallory.kp.pubkey(), other.keys.pool);
    swap_account(&mut ix, mallory.operator, x.operator);
    let bucket = client::operator_pool_pda(&x.operator, &other.keys.pool);
    swap_account(
        &mut ix,
        client::operator_pool_pda(&mallory.operator, &other.keys.pool),
        bucket,
    );
    let watched = [x.operator, bucket, mallory.kp.pubkey()];
    env.fails(
        &[ix],
        &[&mallory.kp],
        &watched,
        RestakingError::NotOperatorAuthority,
    )
    .await;
}

#[tokio::test]
async fn open_operator_pool_twice() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let ix = client::open_operator_pool(x.kp.pubkey(), pool.keys.pool);
    let watched = [x.operator, x.bucket, x.kp.pubkey()];
    env.fails(
        &[ix],
        &[&x.kp],
        &watched,
        RestakingError::AccountAlreadyExists,
    )
    .await;
}

// ---- delegate ------------------------------------------------------------------------------

#[tokio::test]
async fn delegate_ok() {
    let (mut env, pool, x, alice) = setup().await;
    let position_key = pool.keys.position(&alice.key());
    let delegation_key = delegation_key(&pool, &alice, &x);
    env.delegate(&pool, &alice, &x, 40 * ONE).await.unwrap();

    let expected = Delegation {
        position: position_key,
        operator_pool: x.bucket,
        shares: 40 * ONE,
        base_acc_checkpoint: 0,
        unclaimed_base_yield: 0,
        reward_checkpoints: [0; MAX_REWARD_MINTS],
        reward_owed: [0; MAX_REWARD_MINTS],
        open_undelegations: 0,
        bump: bump_of(&[Delegation::SEED, position_key.as_ref(), x.bucket.as_ref()]),
        version: ACCOUNT_VERSION,
        reserved: [0; 16],
    };
    assert_state(&env.state::<Delegation>(&delegation_key).await, &expected);
    let p = env.position(&pool, &alice).await;
    assert_eq!(
        (p.idle_lst, p.idle_principal, p.open_delegations),
        (60 * ONE, 60 * ONE, 1)
    );
    let b = env.bucket(&x).await;
    assert_eq!(
        (
            b.total_shares,
            b.total_lst,
            b.total_principal,
            b.delegation_count
        ),
        (40 * ONE, 40 * ONE, 40 * ONE, 1)
    );
    let pl = env.pool(&pool).await;
    assert_eq!(
        (pl.total_idle_lst, pl.total_bucket_lst, pl.total_principal),
        (60 * ONE, 40 * ONE, 100 * ONE)
    );
    // no token moves: the LST stays in the vault
    assert_eq!(env.token_balance(&pool.keys.vault).await, 100 * ONE);
    assert_eq!(env.token_balance(&alice.lst_account).await, 0);

    // delegating again reuses the one record
    env.delegate(&pool, &alice, &x, 10 * ONE).await.unwrap();
    let d: Delegation = env.state(&delegation_key).await;
    assert_eq!(d.shares, 50 * ONE);
    assert_eq!(env.position(&pool, &alice).await.open_delegations, 1);
    assert_eq!(env.bucket(&x).await.delegation_count, 1);
}

#[tokio::test]
async fn delegate_zero_amount() {
    let (mut env, pool, x, alice) = setup().await;
    let ix = client::delegate(alice.key(), &pool.keys, x.operator, 0);
    let w = watched(&pool, &alice, &x);
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::ZeroAmount)
        .await;
}

#[tokio::test]
async fn delegate_delegations_paused() {
    let (mut env, pool, x, alice) = setup().await;
    let guardian = env.guardian.insecure_clone();
    env.ok(
        &[client::set_pause(guardian.pubkey(), PAUSE_DELEGATIONS)],
        &[&guardian],
    )
    .await;
    let ix = client::delegate(alice.key(), &pool.keys, x.operator, ONE);
    let w = watched(&pool, &alice, &x);
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::DelegationsPaused)
        .await;
}

#[tokio::test]
async fn delegate_operator_inactive() {
    let (mut env, pool, x, alice) = setup().await;
    let args = UpdateOperatorArgs {
        active: Some(false),
        ..Default::default()
    };
    env.update_operator(&x, args).await.unwrap();
    let ix = client::delegate(alice.key(), &pool.keys, x.operator, ONE);
    let w = watched(&pool, &alice, &x);
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::OperatorInactive)
        .await;
}

#[tokio::test]
async fn delegate_insufficient_idle() {
    let (mut env, pool, x, alice) = setup().await;
    env.delegate(&pool, &alice, &x, 60 * ONE).await.unwrap();
    let ix = client::delegate(alice.key(), &pool.keys, x.operator, 40 * ONE + 1);
    let w = watched(&pool, &alice, &x);
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::InsufficientIdle)
        .await;
}

/// Alice's position in another pool, with its matching delegation address, named for X's
/// bucket in this pool.
#[tokio::test]
async fn delegate_wrong_pool() {
    let (mut env, pool, x, alice) = setup().await;
    let other = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    env.ok(
        &[client::open_position(alice.key(), &other.keys)],
        &[&alice.kp],
    )
    .await;
    let own = pool.keys.position(&alice.key());
    let foreign = other.keys.position(&alice.key());
    let mut ix = client::delegate(alice.key(), &pool.keys, x.operator, ONE);
    swap_account(&mut ix, own, foreign);
    swap_account(
        &mut ix,
        client::delegation_pda(&own, &x.bucket),
        client::delegation_pda(&foreign, &x.bucket),
    );
    let mut w = watched(&pool, &alice, &x);
    w.extend([foreign, client::delegation_pda(&foreign, &x.bucket)]);
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::WrongPool)
        .await;
}

/// Mallory names Alice's position (and its delegation address) in her own delegation.
#[tokio::test]
async fn delegate_not_position_owner() {
    let (mut env, pool, x, alice) = setup().await;
    let mallory = env.user(&pool, 10 * ONE).await;
    env.deposit(&pool, &mallory, 10 * ONE).await.unwrap();
    let own = pool.keys.position(&mallory.key());
    let victim = pool.keys.position(&alice.key());
    let mut ix = client::delegate(mallory.key(), &pool.keys, x.operator, ONE);
    swap_account(&mut ix, own, victim);
    swap_account(
        &mut ix,
        client::delegation_pda(&own, &x.bucket),
        client::delegation_pda(&victim, &x.bucket),
    );
    let mut w = watched(&pool, &alice, &x);
    w.extend(watched(&pool, &mallory, &x));
    env.fails(&[ix], &[&mallory.kp], &w, RestakingError::NotPositionOwner)
        .await;
}

#[tokio::test]
async fn delegate_slash_pending() {
    let (mut env, pool, x, alice) = setup().await;
    env.delegate(&pool, &alice, &x, 10 * ONE).await.unwrap();
    pending_slash(&mut env, &pool, &x).await;
    let ix = client::delegate(alice.key(), &pool.keys, x.operator, ONE);
    let w = watched(&pool, &alice, &x);
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::SlashPending)
        .await;
}

// ---- undelegate ----------------------------------------------------------------------------

#[tokio::test]
async fn undelegate_ok() {
    let (mut env, pool, x, alice) = setup_delegated().await;
    let now = env.clock().await.unix_timestamp;
    let position_key = pool.keys.position(&alice.key());
    let ticket = env.undelegate(&pool, &alice, &x, 30 * ONE).await.unwrap();
    assert_eq!(ticket, client::ticket_pda(&position_key, 0));
    assert_state(
        &env.state::<WithdrawalTicket>(&ticket).await,
        &WithdrawalTicket {
            position: position_key,
            operator_pool: x.bucket,
            kind: TicketKind::Undelegate,
            nonce: 0,
            lst: 30 * ONE,
            shares: 30 * ONE,
            principal: 30 * ONE,
            requested_ts: now,
            unlock_ts: now + WITHDRAWAL_DELAY,
            bump: bump_of(&[
                WithdrawalTicket::SEED,
                position_key.as_ref(),
                &0u64.to_le_bytes(),
            ]),
            version: ACCOUNT_VERSION,
            cohort: restaking::math::cohort_key(now + WITHDRAWAL_DELAY).unwrap(),
            enforcement: false,
            reserved: [0; 11],
        },
    );
    let d = env.delegation(&pool, &alice, &x).await;
    assert_eq!((d.shares, d.open_undelegations), (70 * ONE, 1));
    let b = env.bucket(&x).await;
    assert_eq!(
        (b.total_shares, b.total_lst, b.total_principal),
        (70 * ONE, 70 * ONE, 70 * ONE)
    );
    assert_eq!(
        (b.queued_shares, b.queued_lst, b.queued_principal),
        (30 * ONE, 30 * ONE, 30 * ONE)
    );
    let p = env.position(&pool, &alice).await;
    assert_eq!((p.idle_lst, p.open_tickets, p.ticket_nonce), (0, 1, 1));
    let pl = env.pool(&pool).await;
    assert_eq!(
        (pl.total_bucket_lst, pl.total_queued_lst, pl.total_principal),
        (70 * ONE, 30 * ONE, 100 * ONE)
    );
    assert_eq!(env.token_balance(&pool.keys.vault).await, 100 * ONE);
}

#[tokio::test]
async fn undelegate_insufficient_shares() {
    let (mut env, pool, x, alice) = setup_delegated().await;
    let position_key = pool.keys.position(&alice.key());
    let ix = client::undelegate(alice.key(), &pool.keys, x.bucket, 0, 100 * ONE + 1, None);
    let mut w = watched(&pool, &alice, &x);
    w.push(client::ticket_pda(&position_key, 0));
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::InsufficientShares)
        .await;
}

#[tokio::test]
async fn undelegate_zero_amount() {
    let (mut env, pool, x, alice) = setup_delegated().await;
    let position_key = pool.keys.position(&alice.key());
    let ix = client::undelegate(alice.key(), &pool.keys, x.bucket, 0, 0, None);
    let mut w = watched(&pool, &alice, &x);
    w.push(client::ticket_pda(&position_key, 0));
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::ZeroAmount)
        .await;
}

/// A pending slash does not refuse an undelegation: the queue is cut with the bucket.
#[tokio::test]
async fn undelegate_while_slash_pending_ok() {
    let (mut env, pool, x, alice) = setup_delegated().await;
    pending_slash(&mut env, &pool, &x).await;
    let ticket = env.undelegate(&pool, &alice, &x, ONE).await.unwrap();
    assert_eq!(env.state::<WithdrawalTicket>(&ticket).await.lst, ONE);
}

// ---- complete_withdrawal of Undelegate tickets --------------------------------------------

#[tokio::test]
async fn complete_withdrawal_undelegation_ok() {
    let (mut env, pool, x, alice) = setup_delegated().await;
    let ticket = env.undelegate(&pool, &alice, &x, 30 * ONE).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    let owner_lamports = env.lamports(&alice.key()).await;
    let rent = env.lamports(&ticket).await;
    env.complete_undelegation(&pool, &alice, &x, ticket)
        .await
        .unwrap();

    assert!(!env.exists(&ticket).await);
    assert_eq!(env.lamports(&alice.key()).await, owner_lamports + rent);
    let p = env.position(&pool, &alice).await;
    assert_eq!(
        (p.idle_lst, p.idle_principal, p.open_tickets),
        (30 * ONE, 30 * ONE, 0)
    );
    let d = env.delegation(&pool, &alice, &x).await;
    assert_eq!((d.shares, d.open_undelegations), (70 * ONE, 0));
    let b = env.bucket(&x).await;
    assert_eq!(
        (b.queued_shares, b.queued_lst, b.queued_principal),
        (0, 0, 0)
    );
    let pl = env.pool(&pool).await;
    assert_eq!(
        (pl.total_idle_lst, pl.total_bucket_lst, pl.total_queued_lst),
        (30 * ONE, 70 * ONE, 0)
    );
    // the LST returned to idle, not to the wallet
    assert_eq!(env.token_balance(&alice.lst_account).await, 0);
    assert_eq!(env.token_balance(&pool.keys.vault).await, 100 * ONE);
}

#[tokio::test]
async fn complete_withdrawal_undelegation_ticket_not_matured() {
    let (mut env, pool, x, alice) = setup_delegated().await;
    let ticket = env.undelegate(&pool, &alice, &x, 30 * ONE).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY - 1).await;
    let ix = client::complete_ticket(
        alice.key(),
        &pool.keys,
        ticket,
        alice.lst_account,
        Some(x.bucket),
    );
    let mut w = watched(&pool, &alice, &x);
    w.push(ticket);
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::TicketNotMatured)
        .await;
}

/// The ticket's bucket and delegation must be passed, and must be the ticket's own.
#[tokio::test]
async fn complete_withdrawal_undelegation_wrong_delegation() {
    let (mut env, pool, x, alice) = setup().await;
    let y = env.operator(&pool, 1_000).await;
    env.delegate(&pool, &alice, &x, 50 * ONE).await.unwrap();
    env.delegate(&pool, &alice, &y, 50 * ONE).await.unwrap();
    let ticket = env.undelegate(&pool, &alice, &x, 30 * ONE).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    let mut w = watched(&pool, &alice, &x);
    w.extend([ticket, y.bucket, delegation_key(&pool, &alice, &y)]);
    let complete = |bucket: Option<Pubkey>| {
        client::complete_ticket(alice.key(), &pool.keys, ticket, alice.lst_account, bucket)
    };

    // neither account
    env.fails(
        &[complete(None)],
        &[&alice.kp],
        &w,
        RestakingError::WrongDelegation,
    )
    .await;
    // the bucket without the delegation
    let mut ix = complete(Some(x.bucket));
    omit_account(&mut ix, delegation_key(&pool, &alice, &x));
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::WrongDelegation)
        .await;
    // another bucket and Alice's delegation to it
    env.fails(
        &[complete(Some(y.bucket))],
        &[&alice.kp],
        &w,
        RestakingError::WrongDelegation,
    )
    .await;
    // the right bucket with the delegation of another bucket
    let mut ix = complete(Some(x.bucket));
    swap_account(
        &mut ix,
        delegation_key(&pool, &alice, &x),
        delegation_key(&pool, &alice, &y),
    );
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::WrongDelegation)
        .await;

    env.complete_undelegation(&pool, &alice, &x, ticket)
        .await
        .unwrap();
}

// ---- cancel_withdrawal of Undelegate tickets ----------------------------------------------

#[tokio::test]
async fn cancel_withdrawal_undelegation_ok() {
    let (mut env, pool, x, alice) = setup_delegated().await;
    let ticket = env.undelegate(&pool, &alice, &x, 30 * ONE).await.unwrap();
    let owner_lamports = env.lamports(&alice.key()).await;
    let rent = env.lamports(&ticket).await;
    env.cancel_undelegation(&pool, &alice, &x, ticket)
        .await
        .unwrap();

    assert!(!env.exists(&ticket).await);
    assert_eq!(env.lamports(&alice.key()).await, owner_lamports + rent);
    let d = env.delegation(&pool, &alice, &x).await;
    assert_eq!((d.shares, d.open_undelegations), (100 * ONE, 0));
    let b = env.bucket(&x).await;
    assert_eq!(
        (
            b.total_shares,
            b.total_lst,
            b.total_principal,
            b.queued_shares,
            b.queued_lst
        ),
        (100 * ONE, 100 * ONE, 100 * ONE, 0, 0)
    );
    let p = env.position(&pool, &alice).await;
    assert_eq!((p.idle_lst, p.open_tickets), (0, 0));
    let pl = env.pool(&pool).await;
    assert_eq!(
        (pl.total_bucket_lst, pl.total_queued_lst, pl.total_principal),
        (100 * ONE, 0, 100 * ONE)
    );
}

#[tokio::test]
async fn cancel_withdrawal_undelegation_slash_pending() {
    let (mut env, pool, x, alice) = setup_delegated().await;
    let ticket = env.undelegate(&pool, &alice, &x, 30 * ONE).await.unwrap();
    pending_slash(&mut env, &pool, &x).await;
    let ix = client::cancel_ticket(
        alice.key(),
        &pool.keys,
        ticket,
        Some(x.bucket),
        Some(x.operator),
    );
    let mut w = watched(&pool, &alice, &x);
    w.push(ticket);
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::SlashPending)
        .await;
}

// ---- close_delegation ----------------------------------------------------------------------

#[tokio::test]
async fn close_delegation_not_empty() {
    let (mut env, pool, x, alice) = setup_delegated().await;
    let ix = client::close_delegation(alice.key(), &pool.keys, x.bucket);
    let w = watched(&pool, &alice, &x);
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::DelegationNotEmpty)
        .await;

    // no shares left, but an undelegation still open
    let ticket = env.undelegate(&pool, &alice, &x, 100 * ONE).await.unwrap();
    let ix = client::close_delegation(alice.key(), &pool.keys, x.bucket);
    let mut w = watched(&pool, &alice, &x);
    w.push(ticket);
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::DelegationNotEmpty)
        .await;

    // no shares, no tickets, but base yield not yet claimed
    let (mut env, pool, x, alice) = setup_delegated().await;
    env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    let ticket = env.undelegate(&pool, &alice, &x, 100 * ONE).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_undelegation(&pool, &alice, &x, ticket)
        .await
        .unwrap();
    let d = env.delegation(&pool, &alice, &x).await;
    assert_eq!((d.shares, d.open_undelegations), (0, 0));
    assert!(d.unclaimed_base_yield > 0);
    let ix = client::close_delegation(alice.key(), &pool.keys, x.bucket);
    let w = watched(&pool, &alice, &x);
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::DelegationNotEmpty)
        .await;
    // once claimed, it closes
    env.claim_delegation(&pool, &alice, &x).await.unwrap();
    env.ok(
        &[client::close_delegation(alice.key(), &pool.keys, x.bucket)],
        &[&alice.kp],
    )
    .await;
}

#[tokio::test]
async fn close_delegation_ok() {
    let (mut env, pool, x, alice) = setup_delegated().await;
    let ticket = env.undelegate(&pool, &alice, &x, 100 * ONE).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_undelegation(&pool, &alice, &x, ticket)
        .await
        .unwrap();
    let key = delegation_key(&pool, &alice, &x);
    let owner_lamports = env.lamports(&alice.key()).await;
    let rent = env.lamports(&key).await;
    env.ok(
        &[client::close_delegation(alice.key(), &pool.keys, x.bucket)],
        &[&alice.kp],
    )
    .await;
    assert!(!env.exists(&key).await);
    assert_eq!(env.lamports(&alice.key()).await, owner_lamports + rent);
    let p = env.position(&pool, &alice).await;
    assert_eq!(
        (p.idle_lst, p.open_delegations, p.open_tickets),
        (100 * ONE, 0, 0)
    );
    assert_eq!(env.bucket(&x).await.delegation_count, 0);
    // the position is empty again: it can withdraw everything and close
    let w = env
        .request_withdrawal(&pool, &alice, 100 * ONE)
        .await
        .unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_withdrawal(&pool, &alice, w).await.unwrap();
    env.ok(
        &[client::close_position(alice.key(), &pool.keys)],
        &[&alice.kp],
    )
    .await;
    assert_eq!(env.token_balance(&alice.lst_account).await, 100 * ONE);
}

#[tokio::test]
async fn close_delegation_not_position_owner() {
    let (mut env, pool, x, alice) = setup_delegated().await;
    let mallory = env.user(&pool, 0).await;
    let ix = client::close_delegation(alice.key(), &pool.keys, x.bucket);
    let mut ix = ix;
    swap_account(&mut ix, alice.key(), mallory.key());
    let mut w = watched(&pool, &alice, &x);
    w.push(mallory.key());
    env.fails(&[ix], &[&mallory.kp], &w, RestakingError::NotPositionOwner)
        .await;
}

// ---- harvest of a bucket and the delegation leg of claim ----------------------------------

/// The rate moves 1.00 → 1.10: harvesting X's bucket (100 LST of principal 100) strips
/// 100 − ceil(100 / 1.1) = 9.090909090 LST into its base-yield index, reserved in the vault.
#[tokio::test]
async fn harvest_bucket_ok() {
    let (mut env, pool, x, alice) = setup_delegated().await;
    env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    let before = env.bucket(&x).await;
    env.harvest_bucket(&pool, &x).await.unwrap();
    let y = 9_090_909_090;
    assert_eq!(100 * ONE - (100 * ONE * 10).div_ceil(11), y);
    let mut expected = before;
    expected.total_lst = 100 * ONE - y;
    expected.unclaimed_base_yield = y;
    expected.base_acc_per_share = u128::from(y) * BASE_ACC_SCALE / u128::from(100 * ONE);
    assert_state(&env.bucket(&x).await, &expected);
    let pl = env.pool(&pool).await;
    assert_eq!(
        (pl.total_bucket_lst, pl.total_unclaimed_yield),
        (100 * ONE - y, y)
    );
    // nothing left the vault: the yield is reserved for the delegators
    assert_eq!(env.token_balance(&pool.keys.vault).await, 100 * ONE);
    assert_eq!(
        env.token_balance(&pool.keys.vault).await,
        pl.obligations().unwrap()
    );
    // the delegation itself is untouched until it settles
    assert_eq!(
        env.delegation(&pool, &alice, &x).await.unclaimed_base_yield,
        0
    );

    // the index only grows: a second harvest at the same rate strips nothing
    env.harvest_bucket(&pool, &x).await.unwrap();
    assert_state(&env.bucket(&x).await, &expected);
}

#[tokio::test]
async fn harvest_wrong_pool() {
    let (mut env, pool, x, _alice) = setup_delegated().await;
    let other = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let ix = client::harvest_accounts(&other.keys, None, Some(x.bucket));
    let w = [pool.keys.pool, other.keys.pool, x.bucket];
    env.fails(&[ix], &[], &w, RestakingError::WrongPool).await;
}

/// Alice claims her delegation's base yield: exactly the bucket's stripped yield, since she
/// holds every share; a second claim pays nothing more.
#[tokio::test]
async fn claim_delegation_ok() {
    let (mut env, pool, x, alice) = setup_delegated().await;
    let bob = env.user(&pool, 300 * ONE).await;
    env.deposit(&pool, &bob, 300 * ONE).await.unwrap();
    env.delegate(&pool, &bob, &x, 300 * ONE).await.unwrap();
    env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    env.harvest_bucket(&pool, &x).await.unwrap();
    // 400 − ceil(400 / 1.1) = 36.363636363; Alice's quarter 9.090909090, Bob's 27.272727272
    assert_eq!(env.bucket(&x).await.unclaimed_base_yield, 36_363_636_363);

    env.claim_delegation(&pool, &alice, &x).await.unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, 9_090_909_090);
    let d = env.delegation(&pool, &alice, &x).await;
    assert_eq!(d.unclaimed_base_yield, 0);
    assert_eq!(
        d.base_acc_checkpoint,
        env.bucket(&x).await.base_acc_per_share
    );
    assert_eq!(d.shares, 100 * ONE);
    assert_eq!(
        env.bucket(&x).await.unclaimed_base_yield,
        36_363_636_363 - 9_090_909_090
    );
    env.claim_delegation(&pool, &alice, &x).await.unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, 9_090_909_090);

    env.claim_delegation(&pool, &bob, &x).await.unwrap();
    assert_eq!(env.token_balance(&bob.lst_account).await, 27_272_727_272);
    let pl = env.pool(&pool).await;
    assert!(env.token_balance(&pool.keys.vault).await >= pl.obligations().unwrap());
    // 1 base unit of rounding stays in the bucket's reserve, owed to nobody
    assert_eq!(env.bucket(&x).await.unclaimed_base_yield, 1);
}

/// The delegation leg needs the position's delegation to that very bucket.
#[tokio::test]
async fn claim_delegation_wrong_delegation() {
    let (mut env, pool, x, alice) = setup().await;
    let y = env.operator(&pool, 1_000).await;
    env.delegate(&pool, &alice, &x, 50 * ONE).await.unwrap();
    env.delegate(&pool, &alice, &y, 50 * ONE).await.unwrap();
    env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    let mut w = watched(&pool, &alice, &x);
    w.extend([y.bucket, delegation_key(&pool, &alice, &y)]);

    // X's bucket with Alice's delegation to Y
    let mut ix =
        client::claim_delegation(alice.key(), &pool.keys, alice.lst_account, Some(x.bucket));
    swap_account(
        &mut ix,
        delegation_key(&pool, &alice, &x),
        delegation_key(&pool, &alice, &y),
    );
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::WrongDelegation)
        .await;
    // a bucket without a delegation
    let mut ix =
        client::claim_delegation(alice.key(), &pool.keys, alice.lst_account, Some(x.bucket));
    omit_account(&mut ix, delegation_key(&pool, &alice, &x));
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::WrongDelegation)
        .await;
    // stream groups without a delegation leg
    let mut ix = client::claim(alice.key(), &pool.keys, alice.lst_account);
    ix.accounts.push(AccountMeta::new(x.bucket, false));
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::WrongDelegation)
        .await;
}

#[tokio::test]
async fn claim_delegation_of_closed_delegation_fails() {
    let (mut env, pool, x, alice) = setup_delegated().await;
    let ticket = env.undelegate(&pool, &alice, &x, 100 * ONE).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_undelegation(&pool, &alice, &x, ticket)
        .await
        .unwrap();
    env.ok(
        &[client::close_delegation(alice.key(), &pool.keys, x.bucket)],
        &[&alice.kp],
    )
    .await;
    let ix = client::claim_delegation(alice.key(), &pool.keys, alice.lst_account, Some(x.bucket));
    let w = watched(&pool, &alice, &x);
    env.fails(&[ix], &[&alice.kp], &w, Anchor::AccountNotInitialized)
        .await;
}
