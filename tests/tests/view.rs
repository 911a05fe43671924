//! The position view `get_position_value` (SPEC §6): read-only, exact, bounded. Scenario S10
//! is in `scenarios.rs`; the property test checks view-then-claim over random states.
//!
//! The view answers through return data, which only the SBF binary sets (the natively
//! compiled program's `set_return_data` is a no-op off-chain): the tests that read the answer
//! run on the binary (`RESTAKING_SBF=1`, the second run of `scripts/test.sh`) and return early
//! natively; the refusals and the read-only check run on both.
#![allow(clippy::arithmetic_side_effects)]

use anchor_lang::solana_program::instruction::AccountMeta;
use anchor_lang::AnchorSerialize;
use restaking::constants::MAX_VIEW_DELEGATIONS;
use restaking::error::RestakingError;
use restaking_tests::client;
use restaking_tests::solana_sdk::instruction::InstructionError;
use restaking_tests::solana_sdk::transaction::TransactionError;
use restaking_tests::*;

#[track_caller]
fn assert_view_error<T: std::fmt::Debug>(
    result: Result<T, TransactionError>,
    expected: RestakingError,
) {
    match result {
        Err(TransactionError::InstructionError(_, InstructionError::Custom(code))) => {
            assert_eq!(code, u32::from(expected), "expected {expected:?}")
        }
        other => panic!("expected {expected:?}, got {other:?}"),
    }
}

/// A 1:1 LST, operator X with one stream, Alice with 100 LST deposited and 60 delegated to X.
async fn setup() -> (Env, TestPool, TestOperator, User, client::StreamKeys) {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = env.add_stream(&x, mint).await;
    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    env.delegate(&pool, &alice, &x, 60 * ONE).await.unwrap();
    (env, pool, x, alice, stream)
}

/// Idle, delegated, queued and withdrawing LST all count, each once; the idle leg's base yield
/// is what a `claim` would strip now.
#[tokio::test]
async fn get_position_value_ok_counts_every_holding() {
    if !Env::sbf() {
        return;
    }
    let (mut env, pool, x, alice, _stream) = setup().await;
    let withdrawing = env
        .request_withdrawal(&pool, &alice, 10 * ONE)
        .await
        .unwrap();
    let queued = env.undelegate(&pool, &alice, &x, 20 * ONE).await.unwrap();
    env.set_rate(&pool, 110 * ONE, 100 * ONE).await;

    let view = env
        .position_value(&pool, &alice, &[&x], &[withdrawing, queued])
        .await
        .unwrap();
    // 30 idle LST at principal 30 → ceil(30 / 1.1) stays, the rest is yield
    let idle_kept = (30 * ONE * 10).div_ceil(11);
    assert_eq!(view.idle_lst, idle_kept);
    assert_eq!(view.idle_principal, 30 * ONE);
    assert_eq!(view.idle_base_yield, 30 * ONE - idle_kept);
    assert_eq!(view.withdrawing_lst, 10 * ONE);
    assert_eq!(view.queued_lst, 20 * ONE);
    assert_eq!(view.delegations[0].shares, 40 * ONE);
    assert_eq!(view.delegations[0].principal, 40 * ONE);
    let bucket_kept = (40 * ONE * 10).div_ceil(11);
    assert_eq!(view.delegations[0].lst, bucket_kept);
    assert_eq!(view.delegations[0].base_yield, 40 * ONE - bucket_kept);
    assert_eq!(view.delegated_lst, bucket_kept);
    assert_eq!(view.total_lst, 100 * ONE, "every LST unit counted once");
    assert_eq!(
        view.total_value,
        restaking::math::value_of_lst_floor(100 * ONE, rate(110, 100)).unwrap()
    );
}

/// Sent as a real transaction, the view changes no account.
#[tokio::test]
async fn get_position_value_writes_nothing() {
    let (mut env, pool, x, alice, stream) = setup().await;
    env.set_rate(&pool, 105 * ONE, 100 * ONE).await;
    let position = pool.keys.position(&alice.key());
    let mut ix = client::get_position_value(alice.key(), &pool.keys);
    ix.accounts.extend(client::view_delegation_metas(
        &position,
        &x.bucket,
        &[stream.reward_mint],
    ));
    assert!(ix.accounts.iter().all(|m| !m.is_writable && !m.is_signer));
    let watched = [
        pool.keys.pool,
        position,
        x.bucket,
        client::delegation_pda(&position, &x.bucket),
        stream.reward_index,
    ];
    let before = env.snapshot(&watched).await;
    env.ok(&[ix], &[]).await;
    assert_eq!(env.snapshot(&watched).await, before);
}

/// With a stale rate the view values at the cached rate and counts no new yield, as `claim`.
#[tokio::test]
async fn get_position_value_ok_stale_rate() {
    if !Env::sbf() {
        return;
    }
    let (mut env, pool, x, alice, _stream) = setup().await;
    env.set_rate(&pool, 110 * ONE, 100 * ONE).await;
    let epoch = env.clock().await.epoch;
    env.set_epoch(epoch + 1).await;
    let view = env.position_value(&pool, &alice, &[&x], &[]).await.unwrap();
    assert!(!view.rate_fresh);
    assert_eq!(view.rate, rate(1, 1), "the pool's cached rate");
    assert_eq!(view.pending_base_yield, 0);
}

/// With the pool's own source unusable (a stake pool with no supply) the view, like `claim`,
/// values at the cached rate and counts no new yield instead of failing.
#[tokio::test]
async fn get_position_value_ok_unusable_source() {
    if !Env::sbf() {
        return;
    }
    let (mut env, pool, x, alice, _stream) = setup().await;
    env.set_rate(&pool, 110 * ONE, 0).await;
    let view = env.position_value(&pool, &alice, &[&x], &[]).await.unwrap();
    assert!(!view.rate_fresh);
    assert_eq!(view.rate, rate(1, 1), "the pool's cached rate");
    assert_eq!(view.pending_base_yield, 0);
    env.claim_delegation(&pool, &alice, &x).await.unwrap();
}

#[tokio::test]
async fn get_position_value_invalid_accounts() {
    let (mut env, pool, x, alice, stream) = setup().await;
    let position = pool.keys.position(&alice.key());
    let group = client::view_delegation_metas(&position, &x.bucket, &[stream.reward_mint]);
    let base = client::get_position_value(alice.key(), &pool.keys);

    // an account that is neither a delegation nor a ticket
    let mut ix = base.clone();
    ix.accounts
        .push(AccountMeta::new_readonly(pool.keys.pool, false));
    assert_view_error(
        env.simulate_return(&[ix], &[]).await,
        RestakingError::InvalidViewAccount,
    );
    // the same delegation twice would count it twice
    let mut ix = base.clone();
    ix.accounts.extend(group.clone());
    ix.accounts.extend(group.clone());
    assert_view_error(
        env.simulate_return(&[ix], &[]).await,
        RestakingError::InvalidViewAccount,
    );
    // the same ticket twice
    let ticket = env.request_withdrawal(&pool, &alice, ONE).await.unwrap();
    let mut ix = base.clone();
    ix.accounts.push(AccountMeta::new_readonly(ticket, false));
    ix.accounts.push(AccountMeta::new_readonly(ticket, false));
    assert_view_error(
        env.simulate_return(&[ix], &[]).await,
        RestakingError::InvalidViewAccount,
    );
    // a delegation group without its reward indexes
    let mut ix = base.clone();
    ix.accounts.extend(group[..2].iter().cloned());
    assert_view_error(
        env.simulate_return(&[ix], &[]).await,
        RestakingError::MissingRewardIndexes,
    );
}

/// Another position's delegation or ticket, or an `Undelegate` ticket with another bucket's
/// queue, is refused.
#[tokio::test]
async fn get_position_value_foreign_records() {
    let (mut env, pool, x, alice, stream) = setup().await;
    let bob = env.user(&pool, 10 * ONE).await;
    env.deposit(&pool, &bob, 10 * ONE).await.unwrap();
    env.delegate(&pool, &bob, &x, 5 * ONE).await.unwrap();
    let bob_ticket = env.request_withdrawal(&pool, &bob, ONE).await.unwrap();
    let bob_position = pool.keys.position(&bob.key());

    let mut ix = client::get_position_value(alice.key(), &pool.keys);
    ix.accounts.extend(client::view_delegation_metas(
        &bob_position,
        &x.bucket,
        &[stream.reward_mint],
    ));
    assert_view_error(
        env.simulate_return(&[ix], &[]).await,
        RestakingError::WrongDelegation,
    );

    let mut ix = client::get_position_value(alice.key(), &pool.keys);
    ix.accounts
        .push(AccountMeta::new_readonly(bob_ticket, false));
    assert_view_error(
        env.simulate_return(&[ix], &[]).await,
        RestakingError::WrongTicket,
    );

    // an `Undelegate` ticket with another bucket's queue
    let y = env.operator(&pool, 500).await;
    let queued = env.undelegate(&pool, &alice, &x, ONE).await.unwrap();
    let mut ix = client::get_position_value(alice.key(), &pool.keys);
    ix.accounts.push(AccountMeta::new_readonly(queued, false));
    ix.accounts.push(AccountMeta::new_readonly(
        client::queue_pda(&y.bucket),
        false,
    ));
    assert_view_error(
        env.simulate_return(&[ix], &[]).await,
        RestakingError::WrongDelegation,
    );
}

/// One answer covers `MAX_VIEW_DELEGATIONS` delegations with 4 streams each (within the
/// 1,024-byte return-data limit); one more is refused by name.
#[tokio::test]
async fn get_position_value_delegation_limit() {
    if !Env::sbf() {
        return;
    }
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    let mints = [
        env.create_mint(MintKind::Spl, 6).await,
        env.create_mint(MintKind::Spl, 6).await,
        env.create_mint(MintKind::Spl, 6).await,
        env.create_mint(MintKind::Spl, 6).await,
    ];
    let mut ops = Vec::new();
    for _ in 0..=MAX_VIEW_DELEGATIONS {
        let op = env.operator(&pool, 500).await;
        for mint in mints {
            env.add_stream(&op, mint).await;
        }
        env.delegate(&pool, &alice, &op, ONE).await.unwrap();
        ops.push(op);
    }
    let refs: Vec<&TestOperator> = ops.iter().collect();
    let view = env
        .position_value(&pool, &alice, &refs[..MAX_VIEW_DELEGATIONS], &[])
        .await
        .unwrap();
    assert_eq!(view.delegations.len(), MAX_VIEW_DELEGATIONS);
    assert!(view.delegations.iter().all(|d| d.rewards.len() == 4));
    let mut encoded = Vec::new();
    view.serialize(&mut encoded).unwrap();
    assert!(encoded.len() <= 1_024, "{} bytes", encoded.len());
    assert_view_error(
        env.position_value(&pool, &alice, &refs, &[]).await,
        RestakingError::ViewTooLarge,
    );
}
