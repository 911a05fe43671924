//! SPEC §7 reference scenarios with their exact numbers (the parts that exist: S1, S5, S7, S8).
use restaking::constants::PAUSE_ALL;
use restaking::error::RestakingError;
use restaking_tests::client;
use restaking_tests::*;
use solana_sdk::signature::Signer;

/// S1 — base yield. Rate 1.00; Alice deposits 100, Bob 300; the rate moves to 1.10.
/// Alice's claim pays exactly 9.090909090 LST and leaves 90.909090910 worth 100;
/// Bob's pending base yield is 27.272727272.
#[tokio::test]
async fn scenario_s1_base_yield() {
    let mut env = Env::new().await;
    let pool = env
        .stake_pool_lst(MintKind::Spl, 1_000 * ONE, 1_000 * ONE)
        .await;
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
    assert_eq!(
        restaking::math::value_of_lst_floor(a.idle_lst, rate(11, 10)).unwrap(),
        100 * ONE + 1
    );

    let bob_key = pool.keys.position(&bob.key());
    env.ok(&[client::harvest(&pool.keys, bob_key)], &[]).await;
    let b = env.position(&pool, &bob).await;
    assert_eq!(b.unclaimed_yield, 27_272_727_272);
    assert_eq!(b.idle_lst, 300 * ONE - 27_272_727_272);

    // the vault backs every obligation exactly
    let p = env.pool(&pool).await;
    assert_eq!(
        env.token_balance(&pool.keys.vault).await,
        p.obligations().unwrap()
    );
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
    let ticket = env
        .request_withdrawal(&pool, &alice, 40 * ONE)
        .await
        .unwrap();
    assert_eq!(env.position(&pool, &alice).await.idle_lst, 60 * ONE);

    env.set_time(start + WITHDRAWAL_DELAY - 1).await;
    env.set_rate(&pool, ONE, ONE).await;
    let before = env
        .snapshot(&[alice.lst_account, pool.keys.vault, ticket])
        .await;
    assert_error(
        env.complete_withdrawal(&pool, &alice, ticket).await,
        RestakingError::TicketNotMatured,
    );
    assert_eq!(
        env.snapshot(&[alice.lst_account, pool.keys.vault, ticket])
            .await,
        before
    );

    env.set_time(start + WITHDRAWAL_DELAY).await;
    let owner_lamports = env.lamports(&alice.key()).await;
    let ticket_rent = env.lamports(&ticket).await;
    env.complete_withdrawal(&pool, &alice, ticket)
        .await
        .unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, 40 * ONE);
    assert!(!env.exists(&ticket).await);
    assert_eq!(
        env.lamports(&alice.key()).await,
        owner_lamports + ticket_rent
    );

    let again = env.complete_withdrawal(&pool, &alice, ticket).await;
    assert_anchor_error(again, anchor_lang::error::ErrorCode::AccountNotInitialized);
    assert_eq!(env.token_balance(&alice.lst_account).await, 40 * ONE);

    // cancel: a second ticket goes back to idle
    let ticket2 = env
        .request_withdrawal(&pool, &alice, 10 * ONE)
        .await
        .unwrap();
    assert_eq!(env.position(&pool, &alice).await.idle_lst, 50 * ONE);
    env.ok(
        &[client::cancel_withdrawal(alice.key(), &pool.keys, ticket2)],
        &[&alice.kp],
    )
    .await;
    let a = env.position(&pool, &alice).await;
    assert_eq!(
        (a.idle_lst, a.idle_principal, a.open_tickets),
        (60 * ONE, 60 * ONE, 0)
    );
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
    let ticket = env
        .request_withdrawal(&pool, &alice, 20 * ONE)
        .await
        .unwrap();

    let guardian = env.guardian.insecure_clone();
    env.ok(
        &[client::set_pause(guardian.pubkey(), PAUSE_ALL)],
        &[&guardian],
    )
    .await;

    let before = env.snapshot(&[alice.lst_account, pool.keys.vault]).await;
    assert_error(
        env.deposit(&pool, &alice, ONE).await,
        RestakingError::DepositsPaused,
    );
    assert_eq!(
        env.snapshot(&[alice.lst_account, pool.keys.vault]).await,
        before
    );

    env.advance_time(WITHDRAWAL_DELAY).await;
    env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    env.complete_withdrawal(&pool, &alice, ticket)
        .await
        .unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, 70 * ONE);
    env.claim(&pool, &alice).await.unwrap();
    assert!(env.token_balance(&alice.lst_account).await > 70 * ONE);

    // only the admin lifts the pause
    assert_error(
        env.send(&[client::set_pause(guardian.pubkey(), 0)], &[&guardian])
            .await,
        RestakingError::GuardianCannotUnpause,
    );
    let admin = env.admin.insecure_clone();
    env.ok(&[client::set_pause(admin.pubkey(), 0)], &[&admin])
        .await;
    env.deposit(&pool, &alice, ONE).await.unwrap();
}

/// S8 — hostile input: wrong mint, wrong vault, foreign position, missing signer, fake
/// stake-pool account (wrong owner or mint), stale rate, zero and u64::MAX amounts each fail
/// with a named error and change no balance. (The reward-vault case arrives with rewards.)
#[tokio::test]
async fn scenario_s8_hostile_input() {
    use anchor_lang::error::ErrorCode as Anchor;
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let alice = env.user(&pool, 100 * ONE).await;
    let mallory = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 50 * ONE).await.unwrap();
    env.deposit(&pool, &mallory, 10 * ONE).await.unwrap();

    let other_mint = env.create_mint(MintKind::Spl, 9).await;
    let other_account = env.create_token_account(&other_mint, &mallory.key()).await;
    env.mint_to(&other_mint, &other_account, 100 * ONE).await;
    let fake_vault = env
        .create_token_account(&pool.keys.lst_mint, &mallory.key())
        .await;

    let watched = [
        alice.lst_account,
        mallory.lst_account,
        other_account,
        fake_vault,
        pool.keys.vault,
        pool.keys.pool,
        pool.keys.position(&alice.key()),
        pool.keys.position(&mallory.key()),
    ];
    let before = env.snapshot(&watched).await;
    let m = mallory.kp.insecure_clone();

    // wrong mint: the pool's mint swapped for another, or a token account of another mint
    let mut keys = pool.keys;
    keys.lst_mint = other_mint;
    let r = env
        .send(
            &[client::deposit(m.pubkey(), &keys, other_account, ONE, 0)],
            &[&m],
        )
        .await;
    assert_error(r, RestakingError::InvalidMint);
    let r = env
        .send(
            &[client::deposit(
                m.pubkey(),
                &pool.keys,
                other_account,
                ONE,
                0,
            )],
            &[&m],
        )
        .await;
    assert_error(r, RestakingError::InvalidMint);

    // wrong vault: a token account of the right mint that is not the pool's vault
    let mut keys = pool.keys;
    keys.vault = fake_vault;
    let r = env
        .send(
            &[client::deposit(
                m.pubkey(),
                &keys,
                mallory.lst_account,
                ONE,
                0,
            )],
            &[&m],
        )
        .await;
    assert_error(r, RestakingError::InvalidVault);
    let r = env
        .send(
            &[client::claim(m.pubkey(), &keys, mallory.lst_account)],
            &[&m],
        )
        .await;
    assert_error(r, RestakingError::InvalidVault);

    // foreign position: Mallory names Alice's position
    let alice_position = pool.keys.position(&alice.key());
    let mut ix = client::request_withdrawal(m.pubkey(), &pool.keys, 0, ONE, None);
    ix.accounts[3].pubkey = alice_position;
    ix.accounts[4].pubkey = client::ticket_pda(&alice_position, 0);
    assert_error(
        env.send(&[ix], &[&m]).await,
        RestakingError::NotPositionOwner,
    );
    let mut ix = client::claim(m.pubkey(), &pool.keys, mallory.lst_account);
    ix.accounts[2].pubkey = pool.keys.position(&alice.key());
    assert_error(
        env.send(&[ix], &[&m]).await,
        RestakingError::NotPositionOwner,
    );

    // missing signer: Alice's claim sent without Alice's signature
    let mut ix = client::claim(alice.key(), &pool.keys, mallory.lst_account);
    ix.accounts[0].is_signer = false;
    assert_anchor_error(env.send(&[ix], &[]).await, Anchor::AccountNotSigner);

    // fake stake-pool accounts: another address, the right address with the wrong owner, or
    // the right owner describing another mint
    let source = pool.keys.rate_source.unwrap();
    let mut keys = pool.keys;
    let impostor = solana_sdk::pubkey::Pubkey::new_unique();
    env.set_stake_pool(&impostor, &pool.keys.lst_mint, 2 * ONE, ONE)
        .await;
    keys.rate_source = Some(impostor);
    let r = env
        .send(
            &[client::claim(m.pubkey(), &keys, mallory.lst_account)],
            &[&m],
        )
        .await;
    assert_error(r, RestakingError::RateSourceMismatch);
    let data = restaking_tests::rate_accounts::stake_pool_account_data(
        &pool.keys.lst_mint,
        2 * ONE,
        ONE,
        0,
    );
    env.set_account(&source, &solana_sdk::pubkey::Pubkey::new_unique(), data)
        .await;
    let r = env
        .send(
            &[client::claim(m.pubkey(), &pool.keys, mallory.lst_account)],
            &[&m],
        )
        .await;
    assert_error(r, RestakingError::InvalidRateSourceOwner);
    env.set_stake_pool(&source, &other_mint, 2 * ONE, ONE).await;
    let r = env
        .send(
            &[client::claim(m.pubkey(), &pool.keys, mallory.lst_account)],
            &[&m],
        )
        .await;
    assert_error(r, RestakingError::RateSourceMintMismatch);

    // stale rate: the stake pool was last updated in an earlier epoch
    env.set_epoch(7).await;
    env.set_stake_pool_at_epoch(&source, &pool.keys.lst_mint, 2 * ONE, ONE, 6)
        .await;
    assert_error(
        env.deposit(&pool, &mallory, ONE).await,
        RestakingError::StaleRate,
    );
    env.set_stake_pool(&source, &pool.keys.lst_mint, ONE, ONE)
        .await;

    // zero and u64::MAX amounts
    assert_error(
        env.deposit(&pool, &mallory, 0).await,
        RestakingError::ZeroAmount,
    );
    assert_error(
        env.deposit(&pool, &mallory, u64::MAX).await,
        RestakingError::InsufficientFunds,
    );
    assert_error(
        env.request_withdrawal(&pool, &mallory, 0).await.map(|_| ()),
        RestakingError::ZeroAmount,
    );
    assert_error(
        env.request_withdrawal(&pool, &mallory, u64::MAX)
            .await
            .map(|_| ()),
        RestakingError::InsufficientIdle,
    );

    assert_eq!(
        env.snapshot(&watched).await,
        before,
        "a hostile instruction changed state"
    );
}

/// S2 — no double delegation. Alice deposits 100 and delegates 60 to X; 50 more to Y fails
/// (`InsufficientIdle`); 40 to Y succeeds; a withdrawal of 1 idle LST then fails; a second
/// `Delegation` for (Alice, X) cannot be created.
#[tokio::test]
async fn scenario_s2_no_double_delegation() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let y = env.operator(&pool, 1_000).await;
    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();

    env.delegate(&pool, &alice, &x, 60 * ONE).await.unwrap();
    assert_eq!(env.position(&pool, &alice).await.idle_lst, 40 * ONE);
    assert_eq!(env.delegation(&pool, &alice, &x).await.shares, 60 * ONE);

    let watched = [
        pool.keys.pool,
        pool.keys.position(&alice.key()),
        x.bucket,
        y.bucket,
        pool.keys.vault,
    ];
    let before = env.snapshot(&watched).await;
    assert_error(
        env.delegate(&pool, &alice, &y, 50 * ONE).await,
        RestakingError::InsufficientIdle,
    );
    assert_eq!(env.snapshot(&watched).await, before);

    env.delegate(&pool, &alice, &y, 40 * ONE).await.unwrap();
    let a = env.position(&pool, &alice).await;
    assert_eq!((a.idle_lst, a.open_delegations), (0, 2));

    let before = env.snapshot(&watched).await;
    assert_error(
        env.request_withdrawal(&pool, &alice, ONE).await.map(|_| ()),
        RestakingError::InsufficientIdle,
    );
    assert_eq!(env.snapshot(&watched).await, before);

    // Delegating to X again reuses Alice's one record for X; any other record (here her
    // record for Y) is rejected.
    env.advance_time(1).await;
    let alice_position = pool.keys.position(&alice.key());
    let mut ix = client::delegate(alice.key(), &pool.keys, x.operator, ONE);
    let fake = client::delegation_pda(&alice_position, &y.bucket);
    ix.accounts[7].pubkey = fake;
    assert_error(
        env.send(&[ix], &[&alice.kp]).await,
        RestakingError::WrongDelegation,
    );
    assert_eq!(env.position(&pool, &alice).await.open_delegations, 2);

    // every LST unit is in exactly one place
    let p = env.pool(&pool).await;
    assert_eq!((p.total_idle_lst, p.total_bucket_lst), (0, 100 * ONE));
    assert_eq!(
        env.delegated_lst(&pool, &alice, &x).await + env.delegated_lst(&pool, &alice, &y).await,
        100 * ONE
    );
    assert_eq!(
        env.token_balance(&pool.keys.vault).await,
        p.obligations().unwrap()
    );
}

/// Reward tokens of the reference scenarios have 6 decimals.
const TOKEN: u64 = 1_000_000;

/// S3 — restaking rewards. Alice delegates 100 and Bob 300 to X (commission 10 %, protocol fee
/// 0). A service funds 1,000 reward tokens into X's stream: Alice can claim 225, Bob 675, X's
/// operator 100. A second funding after Bob undelegates everything is paid to Alice alone.
#[tokio::test]
async fn scenario_s3_restaking_rewards() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let reward_mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = env.add_stream(&x, reward_mint).await;
    let alice = env.user(&pool, 100 * ONE).await;
    let bob = env.user(&pool, 300 * ONE).await;
    for (user, amount) in [(&alice, 100 * ONE), (&bob, 300 * ONE)] {
        env.deposit(&pool, user, amount).await.unwrap();
        env.delegate(&pool, user, &x, amount).await.unwrap();
    }
    let service = env.funder(&reward_mint, 2_000 * TOKEN).await;
    env.fund(&service, &x, &stream, 1_000 * TOKEN)
        .await
        .unwrap();

    let alice_rewards = env.create_token_account(&reward_mint, &alice.key()).await;
    let bob_rewards = env.create_token_account(&reward_mint, &bob.key()).await;
    let operator_rewards = env.create_token_account(&reward_mint, &x.kp.pubkey()).await;
    env.claim_streams(&pool, &alice, &x, &[(stream, alice_rewards)])
        .await
        .unwrap();
    env.claim_streams(&pool, &bob, &x, &[(stream, bob_rewards)])
        .await
        .unwrap();
    let op_kp = x.kp.insecure_clone();
    env.ok(
        &[client::claim_commission(
            op_kp.pubkey(),
            &stream,
            operator_rewards,
        )],
        &[&op_kp],
    )
    .await;
    assert_eq!(env.token_balance(&alice_rewards).await, 225 * TOKEN);
    assert_eq!(env.token_balance(&bob_rewards).await, 675 * TOKEN);
    assert_eq!(env.token_balance(&operator_rewards).await, 100 * TOKEN);
    assert_eq!(env.token_balance(&stream.reward_vault).await, 0);

    // Bob undelegates everything; the next funding is Alice's alone.
    let bob_shares = env.delegation(&pool, &bob, &x).await.shares;
    env.undelegate(&pool, &bob, &x, bob_shares).await.unwrap();
    env.fund(&service, &x, &stream, 1_000 * TOKEN)
        .await
        .unwrap();
    env.claim_streams(&pool, &alice, &x, &[(stream, alice_rewards)])
        .await
        .unwrap();
    env.claim_streams(&pool, &bob, &x, &[(stream, bob_rewards)])
        .await
        .unwrap();
    assert_eq!(env.token_balance(&alice_rewards).await, (225 + 900) * TOKEN);
    assert_eq!(env.token_balance(&bob_rewards).await, 675 * TOKEN);
    let index: restaking::state::RewardIndex = env.state(&stream.reward_index).await;
    assert_eq!(index.commission_owed, 100 * TOKEN);
    assert_eq!(
        env.token_balance(&stream.reward_vault).await,
        index.obligations().unwrap()
    );
}

/// S4's state before Alice's claim: X (10 % commission) with one stream, Alice 100 and Bob 300
/// delegated to X, the rate moved 1.00 → 1.05, and 1,000 reward tokens funded into X's stream.
async fn s4_state() -> (Env, TestPool, TestOperator, client::StreamKeys, User) {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let reward_mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = env.add_stream(&x, reward_mint).await;
    let alice = env.user(&pool, 100 * ONE).await;
    let bob = env.user(&pool, 300 * ONE).await;
    for (user, amount) in [(&alice, 100 * ONE), (&bob, 300 * ONE)] {
        env.deposit(&pool, user, amount).await.unwrap();
        env.delegate(&pool, user, &x, amount).await.unwrap();
    }
    env.set_rate(&pool, 105 * ONE, 100 * ONE).await;
    let service = env.funder(&reward_mint, 1_000 * TOKEN).await;
    env.fund(&service, &x, &stream, 1_000 * TOKEN)
        .await
        .unwrap();
    (env, pool, x, stream, alice)
}

/// S4 — dual yield in one claim: S3 with the rate moving 1.00 → 1.05 before the funding. Alice's
/// single `claim` pays both 100 − ceil(100/1.05) LST and 225 reward tokens.
#[tokio::test]
async fn scenario_s4_dual_yield_claim() {
    let (mut env, pool, x, stream, alice) = s4_state().await;
    let reward_mint = stream.reward_mint;

    let alice_rewards = env.create_token_account(&reward_mint, &alice.key()).await;
    env.claim_streams(&pool, &alice, &x, &[(stream, alice_rewards)])
        .await
        .unwrap();

    // 100 − ceil(100 / 1.05) = 100 − 95.238095239 = 4.761904761
    let expected_lst = 100 * ONE - (100 * ONE * 100).div_ceil(105);
    assert_eq!(expected_lst, 4_761_904_761);
    assert_eq!(env.token_balance(&alice.lst_account).await, expected_lst);
    assert_eq!(env.token_balance(&alice_rewards).await, 225 * TOKEN);
    // her shares still hold LST worth her 100 of principal
    let held = env.delegated_lst(&pool, &alice, &x).await;
    assert!(restaking::math::value_of_lst_floor(held, rate(105, 100)).unwrap() >= 100 * ONE - 1);
    let p = env.pool(&pool).await;
    assert!(env.token_balance(&pool.keys.vault).await >= p.obligations().unwrap());
}

/// S10 — view. In S4's state, before the claim, `get_position_value` (simulated) reports
/// pending base yield 100 − ceil(100/1.05) LST and 225 claimable reward tokens for Alice —
/// exactly what her `claim` then pays — and her total value.
#[tokio::test]
async fn scenario_s10_view() {
    // The view answers through return data, which only the SBF binary sets: this scenario
    // runs on the binary (RESTAKING_SBF=1, the second run of scripts/test.sh).
    if !Env::sbf() {
        return;
    }
    let (mut env, pool, x, stream, alice) = s4_state().await;
    let reward_mint = stream.reward_mint;

    let view = env.position_value(&pool, &alice, &[&x], &[]).await.unwrap();
    let expected_lst = 100 * ONE - (100 * ONE * 100).div_ceil(105);
    assert_eq!(view.rate, rate(105, 100));
    assert!(view.rate_fresh);
    assert_eq!(view.lien_holder, None);
    assert_eq!(view.pending_base_yield, expected_lst);
    assert_eq!(view.delegations.len(), 1);
    assert_eq!(view.delegations[0].base_yield, expected_lst);
    assert_eq!(view.delegations[0].rewards, vec![225 * TOKEN]);
    // her quarter of the bucket's 400 × 100/105 (rounded up), rounded down: one unit of dust
    assert_eq!(view.delegations[0].lst, 95_238_095_238);
    assert_eq!(view.total_lst, 100 * ONE - 1);
    assert_eq!(
        view.total_value,
        restaking::math::value_of_lst_floor(100 * ONE - 1, rate(105, 100)).unwrap()
    );

    let alice_rewards = env.create_token_account(&reward_mint, &alice.key()).await;
    env.claim_streams(&pool, &alice, &x, &[(stream, alice_rewards)])
        .await
        .unwrap();
    assert_eq!(
        env.token_balance(&alice.lst_account).await,
        view.pending_base_yield
    );
    assert_eq!(
        env.token_balance(&alice_rewards).await,
        view.delegations[0].rewards[0]
    );
    let after = env.position_value(&pool, &alice, &[&x], &[]).await.unwrap();
    assert_eq!(
        (
            after.pending_base_yield,
            after.delegations[0].rewards.clone()
        ),
        (0, vec![0])
    );
}

/// S6 — slashing. Alice 100 and Bob 300 delegated to X. A linked service requests a 10 %
/// slash; execution before the veto window fails; after it X's bucket holds 360, the service
/// received 40, Alice can withdraw at most 90 and Bob 270. A vetoed request moves nothing. An
/// `Undelegate` ticket opened before the slash executes is cut by the same 10 %.
#[tokio::test]
async fn scenario_s6_slashing() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let svc = env.service(&pool, &x, 2_000).await;
    let alice = env.user(&pool, 100 * ONE).await;
    let bob = env.user(&pool, 300 * ONE).await;
    let carol = env.user(&pool, 50 * ONE).await;
    for (user, amount) in [(&alice, 100 * ONE), (&bob, 300 * ONE), (&carol, 50 * ONE)] {
        env.deposit(&pool, user, amount).await.unwrap();
        env.delegate(&pool, user, &x, amount).await.unwrap();
    }
    // Carol undelegates before any slash is requested: her ticket is still slashable.
    let carol_ticket = env.undelegate(&pool, &carol, &x, 50 * ONE).await.unwrap();

    // A vetoed request moves nothing.
    let vetoed = env.request_slash(&svc, &x, 1_000).await.unwrap();
    let watched = [pool.keys.vault, svc.destination, x.bucket, pool.keys.pool];
    let before = env.snapshot(&watched).await;
    let guardian = env.guardian.insecure_clone();
    env.ok(
        &[client::veto_slash(
            guardian.pubkey(),
            x.bucket,
            vetoed,
            client::service_link_pda(&svc.service, &x.operator),
        )],
        &[&guardian],
    )
    .await;
    env.advance_time(VETO_SECS).await;
    env.set_rate(&pool, ONE, ONE).await;
    assert_error(
        env.execute_slash(&pool, &svc, &x, vetoed).await,
        RestakingError::SlashNotPending,
    );
    let after = env.snapshot(&watched).await;
    assert_eq!(after[..2], before[..2], "a vetoed slash moved LST");
    let now = env.clock().await.unix_timestamp;
    assert_eq!(env.bucket(&x).await.live_slashes(now), 0);

    // The real request: 10 %. Carol's ticket, which had not matured when it came, is held
    // and cut with the bucket (undelegating stays open: the queue is cut too).
    let request = env.request_slash(&svc, &x, 1_000).await.unwrap();
    let executable_ts = env
        .state::<restaking::state::SlashRequest>(&request)
        .await
        .executable_ts;
    env.set_time(executable_ts - 1).await;
    let before = env.snapshot(&watched).await;
    assert_error(
        env.execute_slash(&pool, &svc, &x, request).await,
        RestakingError::VetoWindowOpen,
    );
    assert_eq!(env.snapshot(&watched).await, before);

    env.advance_time(1).await;
    env.execute_slash(&pool, &svc, &x, request).await.unwrap();
    let b = env.bucket(&x).await;
    assert_eq!(b.total_lst, 360 * ONE);
    assert_eq!(b.queued_lst, 45 * ONE);
    assert_eq!(
        env.token_balance(&svc.destination).await,
        40 * ONE + 5 * ONE
    );
    assert_eq!(env.delegated_lst(&pool, &alice, &x).await, 90 * ONE);
    assert_eq!(env.delegated_lst(&pool, &bob, &x).await, 270 * ONE);

    // Alice withdraws everything she can: exactly 90.
    let shares = env.delegation(&pool, &alice, &x).await.shares;
    let t = env.undelegate(&pool, &alice, &x, shares).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.set_rate(&pool, ONE, ONE).await;
    env.complete_undelegation(&pool, &alice, &x, t)
        .await
        .unwrap();
    assert_eq!(env.position(&pool, &alice).await.idle_lst, 90 * ONE);
    let w = env
        .request_withdrawal(&pool, &alice, 90 * ONE)
        .await
        .unwrap();
    assert_error(
        env.request_withdrawal(&pool, &alice, 1).await.map(|_| ()),
        RestakingError::InsufficientIdle,
    );
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_withdrawal(&pool, &alice, w).await.unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, 90 * ONE);

    // Carol's ticket, opened before the slash, was cut by the same 10 %.
    env.complete_undelegation(&pool, &carol, &x, carol_ticket)
        .await
        .unwrap();
    assert_eq!(env.position(&pool, &carol).await.idle_lst, 45 * ONE);

    let p = env.pool(&pool).await;
    assert_eq!(
        env.token_balance(&pool.keys.vault).await,
        p.obligations().unwrap()
    );
}
