//! SPEC §7 reference scenarios with their exact numbers (the parts that exist: S1, S5, S7, S8).
use restaking::constants::PAUSE_ALL;
use restaking::error::RestakingError;
use restaking_tests::client;
use restaking_tests::*;
use solana_sdk::signature::{Keypair, Signer};

/// S1 — base yield. Rate 1.00; Alice deposits 100, Bob 300; the rate moves to 1.10.
/// Alice's claim pays exactly 9.090909090 LST and leaves 90.909090910 worth 100;
/// Bob's pending base yield is 27.272727272.
#[tokio::test]
async fn scenario_s1_base_yield() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, 1_000 * ONE, 1_000 * ONE).await;
    let alice = env.user(&pool, 100 * ONE).await;
    let bob = env.user(&pool, 300 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    env.deposit(&pool, &bob, 300 * ONE).await.unwrap();

    env.set_rate(&pool, 1_100 * ONE, 1_000 * ONE).await;
    env.claim(&pool, &alice).await.unwrap();

    assert_eq!(env.token_balance(&alice.lst_account).await, 9_090_909_090);
    let a = env.position(&pool, &alice).await;
    assert_eq!(a.idle_lst, 90_909_090_910);
    assert_eq!(a.idle_principal, 100 * ONE);
    assert_eq!(a.unclaimed_yield, 0);
    // 90.909090910 LST at 1.10 is worth 100.000000001 ≥ 100
    assert_eq!(restaking::math::value_of_lst_floor(a.idle_lst, rate(11, 10)).unwrap(), 100 * ONE + 1);

    let bob_key = pool.keys.position(&bob.key());
    env.ok(&[client::harvest(&pool.keys, bob_key)], &[]).await;
    let b = env.position(&pool, &bob).await;
    assert_eq!(b.unclaimed_yield, 27_272_727_272);
    assert_eq!(b.idle_lst, 300 * ONE - 27_272_727_272);

    // the vault backs every obligation exactly
    let p = env.pool(&pool).await;
    assert_eq!(env.token_balance(&pool.keys.vault).await, p.obligations().unwrap());
    assert_eq!(p.total_unclaimed_yield, 27_272_727_272);
}

/// S5 — withdrawal delay of 7 days: not at 7 days − 1 s, yes at 7 days, never twice;
/// cancelling returns the LST to idle.
#[tokio::test]
async fn scenario_s5_withdrawal_delay() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();

    let start = env.clock().await.unix_timestamp;
    let ticket = env.request_withdrawal(&pool, &alice, 40 * ONE).await.unwrap();
    assert_eq!(env.position(&pool, &alice).await.idle_lst, 60 * ONE);

    env.set_time(start + WITHDRAWAL_DELAY - 1).await;
    env.set_rate(&pool, ONE, ONE).await;
    let before = env.snapshot(&[alice.lst_account, pool.keys.vault, ticket]).await;
    assert_error(env.complete_withdrawal(&pool, &alice, ticket).await, RestakingError::TicketNotMatured);
    assert_eq!(env.snapshot(&[alice.lst_account, pool.keys.vault, ticket]).await, before);

    env.set_time(start + WITHDRAWAL_DELAY).await;
    let owner_lamports = env.lamports(&alice.key()).await;
    let ticket_rent = env.lamports(&ticket).await;
    env.complete_withdrawal(&pool, &alice, ticket).await.unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, 40 * ONE);
    assert!(!env.exists(&ticket).await);
    assert_eq!(env.lamports(&alice.key()).await, owner_lamports + ticket_rent);

    let again = env.complete_withdrawal(&pool, &alice, ticket).await;
    assert_anchor_error(again, anchor_lang::error::ErrorCode::AccountNotInitialized);
    assert_eq!(env.token_balance(&alice.lst_account).await, 40 * ONE);

    // cancel: a second ticket goes back to idle
    let ticket2 = env.request_withdrawal(&pool, &alice, 10 * ONE).await.unwrap();
    assert_eq!(env.position(&pool, &alice).await.idle_lst, 50 * ONE);
    env.ok(&[client::cancel_withdrawal(alice.key(), &pool.keys, ticket2)], &[&alice.kp]).await;
    let a = env.position(&pool, &alice).await;
    assert_eq!((a.idle_lst, a.idle_principal, a.open_tickets), (60 * ONE, 60 * ONE, 0));
    assert!(!env.exists(&ticket2).await);
    let p = env.pool(&pool).await;
    assert_eq!((p.total_idle_lst, p.total_ticket_lst), (60 * ONE, 0));
    assert_eq!(env.token_balance(&pool.keys.vault).await, 60 * ONE);
}

/// S7 — pause: with every pause flag on, deposits fail (and delegations, once they exist),
/// while matured tickets still complete and claims still pay.
#[tokio::test]
async fn scenario_s7_pause() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 50 * ONE).await.unwrap();
    let ticket = env.request_withdrawal(&pool, &alice, 20 * ONE).await.unwrap();

    let guardian = env.guardian.insecure_clone();
    env.ok(&[client::set_pause(guardian.pubkey(), PAUSE_ALL)], &[&guardian]).await;

    let before = env.snapshot(&[alice.lst_account, pool.keys.vault]).await;
    assert_error(env.deposit(&pool, &alice, ONE).await, RestakingError::DepositsPaused);
    assert_eq!(env.snapshot(&[alice.lst_account, pool.keys.vault]).await, before);

    env.advance_time(WITHDRAWAL_DELAY).await;
    env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    env.complete_withdrawal(&pool, &alice, ticket).await.unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, 70 * ONE);
    env.claim(&pool, &alice).await.unwrap();
    assert!(env.token_balance(&alice.lst_account).await > 70 * ONE);

    // only the admin lifts the pause
    assert_error(
        env.send(&[client::set_pause(guardian.pubkey(), 0)], &[&guardian]).await,
        RestakingError::GuardianCannotUnpause,
    );
    let admin = env.admin.insecure_clone();
    env.ok(&[client::set_pause(admin.pubkey(), 0)], &[&admin]).await;
    env.deposit(&pool, &alice, ONE).await.unwrap();
}
