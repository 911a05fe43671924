//! Base yield when the LST's rate falls: nothing is stripped, every holder keeps exactly their
//! own LST (a loss is borne pro rata, never first-come-first-served), and a newcomer to a bucket
//! in loss neither pays for nor profits from the earlier holders' loss.
use restaking::error::RestakingError;
use restaking_tests::solana_sdk::pubkey::Pubkey;
use restaking_tests::*;

#[tokio::test]
async fn falling_rate_strips_nothing_and_pays_pro_rata() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let alice = env.user(&pool, 100 * ONE).await;
    let bob = env.user(&pool, 300 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    env.deposit(&pool, &bob, 300 * ONE).await.unwrap();

    env.set_rate(&pool, 8 * ONE, 10 * ONE).await; // the LST lost 20 %
    env.claim(&pool, &alice).await.unwrap();
    assert_eq!(
        env.token_balance(&alice.lst_account).await,
        0,
        "no yield on a loss"
    );

    // Bob leaves first; Alice is not left holding the loss.
    let tb = env
        .request_withdrawal(&pool, &bob, 300 * ONE)
        .await
        .unwrap();
    let ta = env
        .request_withdrawal(&pool, &alice, 100 * ONE)
        .await
        .unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_withdrawal(&pool, &bob, tb).await.unwrap();
    env.complete_withdrawal(&pool, &alice, ta).await.unwrap();
    assert_eq!(env.token_balance(&bob.lst_account).await, 300 * ONE);
    assert_eq!(env.token_balance(&alice.lst_account).await, 100 * ONE);
    assert_eq!(env.token_balance(&pool.keys.vault).await, 0);
}

#[tokio::test]
async fn newcomer_to_a_bucket_in_loss_is_not_cross_subsidised() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 0).await;
    let alice = env.user(&pool, 100 * ONE).await;
    let bob = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    env.delegate(&pool, &alice, &x, 100 * ONE).await.unwrap();

    // The rate falls to 0.8; Bob deposits and delegates at the low rate.
    env.set_rate(&pool, 8 * ONE, 10 * ONE).await;
    env.deposit(&pool, &bob, 100 * ONE).await.unwrap();
    env.delegate(&pool, &bob, &x, 100 * ONE).await.unwrap();

    // The rate recovers to 1.0: the bucket as a whole is back at its principal, so nothing is
    // stripped — Bob's 25 % gain stays in his own LST rather than being paid out of Alice's.
    env.set_rate(&pool, ONE, ONE).await;
    env.claim_delegation(&pool, &alice, &x).await.unwrap();
    env.claim_delegation(&pool, &bob, &x).await.unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, 0);
    assert_eq!(env.token_balance(&bob.lst_account).await, 0);
    assert_eq!(env.delegated_lst(&pool, &alice, &x).await, 100 * ONE);
    assert_eq!(env.delegated_lst(&pool, &bob, &x).await, 100 * ONE);

    // Both leave with exactly their LST.
    for user in [&alice, &bob] {
        let shares = env.delegation(&pool, user, &x).await.shares;
        let t = env.undelegate(&pool, user, &x, shares).await.unwrap();
        env.advance_time(WITHDRAWAL_DELAY).await;
        env.set_rate(&pool, ONE, ONE).await;
        env.complete_undelegation(&pool, user, &x, t).await.unwrap();
        assert_eq!(env.position(&pool, user).await.idle_lst, 100 * ONE);
    }
}

/// Issue 10 item 7. Alice's idle 100 at rate 1.0; the rate moves to 1.1 and a harvest strips
/// 100 − ceil(100 / 1.1) = 9.090909090 LST for her. Then the pool's own stake-pool account
/// reads as unusable (supply 0): `claim` still pays the 9.090909090 already stripped and strips
/// nothing new. A wrong account in its place still fails.
#[tokio::test]
async fn claim_pays_earned_yield_when_own_source_unusable() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    let position = pool.keys.position(&alice.key());
    env.ok(
        &[client::harvest_accounts(&pool.keys, Some(position), None)],
        &[],
    )
    .await;
    assert_eq!(
        env.position(&pool, &alice).await.unclaimed_yield,
        9_090_909_090
    );

    env.set_rate(&pool, 11 * ONE, 0).await;
    // a wrong account: another stake pool of the same mint
    let mut wrong = client::claim(alice.key(), &pool.keys, alice.lst_account);
    let fake = Pubkey::new_unique();
    env.set_stake_pool(&fake, &pool.keys.lst_mint, 11 * ONE, 10 * ONE)
        .await;
    for meta in wrong.accounts.iter_mut() {
        if Some(meta.pubkey) == pool.keys.rate_source {
            meta.pubkey = fake;
        }
    }
    assert_error(
        env.send(&[wrong], &[&alice.kp]).await,
        RestakingError::RateSourceMismatch,
    );

    env.claim(&pool, &alice).await.unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, 9_090_909_090);
    let p = env.position(&pool, &alice).await;
    assert_eq!((p.idle_lst, p.unclaimed_yield), (90_909_090_910, 0));
}
