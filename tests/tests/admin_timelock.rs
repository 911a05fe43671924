//! Timelocked admin (issue 15): a change that can hurt stakers — protocol fee or commission
//! cap up, veto window shorter, another guardian, a pool's withdrawal delay up or its rate
//! source changed — is only proposed, and applies `ADMIN_TIMELOCK_SECS` later (longer than
//! any withdrawal delay plus the longest slash hold, so a staker can leave first); a change in
//! the stakers' favour applies at once. And the LST freeze-authority policy of `add_pool`.
#![allow(clippy::arithmetic_side_effects)]

use restaking::constants::{ADMIN_TIMELOCK_SECS, MAX_WITHDRAWAL_DELAY_SECS};
use restaking::error::RestakingError;
use restaking::state::{Config, Pool, RateSource};
use restaking_tests::client::{self, UpdateConfigArgs, UpdatePoolArgs};
use restaking_tests::solana_sdk::pubkey::Pubkey;
use restaking_tests::solana_sdk::signature::Signer;
use restaking_tests::*;

async fn config(env: &mut Env) -> Config {
    env.state(&client::config_pda()).await
}

async fn update_config(env: &mut Env, args: UpdateConfigArgs) {
    let admin = env.admin.insecure_clone();
    env.ok(&[client::update_config(admin.pubkey(), args)], &[&admin])
        .await;
}

/// A fee raise waits the full timelock — not a second less — and a staker who starts to leave
/// when it is proposed is out under the old fee before it applies.
#[tokio::test]
async fn timelock_fee_raise_waits_and_stakers_leave_first() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 0).await;
    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    env.delegate(&pool, &alice, &x, 100 * ONE).await.unwrap();

    // nothing proposed yet: nothing to apply
    let watched = [client::config_pda()];
    env.fails(
        &[client::apply_config_update()],
        &[],
        &watched,
        RestakingError::NothingPending,
    )
    .await;

    let t0 = env.clock().await.unix_timestamp;
    update_config(
        &mut env,
        UpdateConfigArgs {
            protocol_fee_bps: Some(1_000),
            ..Default::default()
        },
    )
    .await;
    let c = config(&mut env).await;
    assert_eq!((c.protocol_fee_bps, c.pending_protocol_fee_bps), (0, 1_000));
    assert_eq!(c.pending_effective_ts, t0 + ADMIN_TIMELOCK_SECS);

    // Alice disagrees: she undelegates at once, and requests her LST out when it returns
    let shares = env.delegation(&pool, &alice, &x).await.shares;
    let t = env.undelegate(&pool, &alice, &x, shares).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_undelegation(&pool, &alice, &x, t)
        .await
        .unwrap();
    let w = env
        .request_withdrawal(&pool, &alice, 100 * ONE)
        .await
        .unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_withdrawal(&pool, &alice, w).await.unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, 100 * ONE);

    // one second early: refused, nothing changes
    env.set_time(t0 + ADMIN_TIMELOCK_SECS - 1).await;
    env.fails(
        &[client::apply_config_update()],
        &[],
        &watched,
        RestakingError::TimelockNotElapsed,
    )
    .await;
    // on time: anyone applies it
    env.set_time(t0 + ADMIN_TIMELOCK_SECS).await;
    env.ok(&[client::apply_config_update()], &[]).await;
    let c = config(&mut env).await;
    assert_eq!((c.protocol_fee_bps, c.pending_mask), (1_000, 0));
}

/// Changes in the stakers' favour apply at once, and withdraw a pending proposal for the same
/// setting (proposing the current value does too).
#[tokio::test]
async fn timelock_favourable_changes_apply_at_once() {
    let mut env = Env::new().await;
    env.set_protocol_fee(2_000).await;
    update_config(
        &mut env,
        UpdateConfigArgs {
            protocol_fee_bps: Some(3_000),
            max_commission_bps: Some(6_000),
            ..Default::default()
        },
    )
    .await;
    let c = config(&mut env).await;
    assert_eq!(
        c.pending_mask,
        Config::PENDING_PROTOCOL_FEE | Config::PENDING_MAX_COMMISSION
    );
    // a lower fee and cap: at once, and the proposals are gone
    update_config(
        &mut env,
        UpdateConfigArgs {
            protocol_fee_bps: Some(500),
            max_commission_bps: Some(4_000),
            ..Default::default()
        },
    )
    .await;
    let c = config(&mut env).await;
    assert_eq!(
        (c.protocol_fee_bps, c.max_commission_bps, c.pending_mask),
        (500, 4_000, 0)
    );
    assert_eq!(c.pending_effective_ts, 0);

    // a new guardian is proposed; naming the current one withdraws it
    let guardian = c.guardian;
    update_config(
        &mut env,
        UpdateConfigArgs {
            guardian: Some(Pubkey::new_unique()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        config(&mut env).await.pending_mask,
        Config::PENDING_GUARDIAN
    );
    assert_eq!(config(&mut env).await.guardian, guardian);
    update_config(
        &mut env,
        UpdateConfigArgs {
            guardian: Some(guardian),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(config(&mut env).await.pending_mask, 0);

    // a shorter veto window is proposed; a longer one is refused outright
    let veto = config(&mut env).await.slash_veto_secs;
    update_config(
        &mut env,
        UpdateConfigArgs {
            slash_veto_secs: Some(veto - 1),
            ..Default::default()
        },
    )
    .await;
    let c = config(&mut env).await;
    assert_eq!(
        (c.slash_veto_secs, c.pending_slash_veto_secs),
        (veto, veto - 1)
    );
    let admin = env.admin.insecure_clone();
    let ix = client::update_config(
        admin.pubkey(),
        UpdateConfigArgs {
            slash_veto_secs: Some(veto + 1),
            ..Default::default()
        },
    );
    env.fails(
        &[ix],
        &[&admin],
        &[client::config_pda()],
        RestakingError::VetoWindowTooLong,
    )
    .await;
}

/// A longer pool delay and new rate-source parameters wait out the timelock (tickets opened
/// meanwhile keep the old delay); a shorter delay and the cap apply at once.
#[tokio::test]
async fn timelock_pool_delay_and_rate_source() {
    let mut env = Env::new().await;
    let admin = env.admin.insecure_clone();
    let updater = Pubkey::new_unique();
    let pool = env.manual_lst(updater, rate(1, 1)).await;
    let alice = env.user(&pool, 10 * ONE).await;
    env.deposit(&pool, &alice, 10 * ONE).await.unwrap();
    let before: Pool = env.pool(&pool).await;
    let new_source = RateSource::Manual {
        updater: Pubkey::new_unique(),
        max_change_bps: 5_000,
        max_age_secs: 60,
    };
    let t0 = env.clock().await.unix_timestamp;
    let args = UpdatePoolArgs {
        withdrawal_delay_secs: Some(MAX_WITHDRAWAL_DELAY_SECS),
        rate_source: Some(new_source),
        deposit_cap_value: Some(1_000 * ONE),
    };
    env.ok(
        &[client::update_pool(admin.pubkey(), pool.keys.pool, args)],
        &[&admin],
    )
    .await;
    let p = env.pool(&pool).await;
    assert_eq!(p.deposit_cap_value, 1_000 * ONE);
    assert_eq!(p.withdrawal_delay_secs, before.withdrawal_delay_secs);
    assert_eq!(p.rate_source, before.rate_source);
    assert_eq!(
        p.pending_mask,
        Pool::PENDING_WITHDRAWAL_DELAY | Pool::PENDING_RATE_SOURCE
    );

    // a withdrawal requested meanwhile keeps the old delay
    let ticket = env.request_withdrawal(&pool, &alice, ONE).await.unwrap();
    let t: restaking::state::WithdrawalTicket = env.state(&ticket).await;
    assert_eq!(t.unlock_ts, t0 + WITHDRAWAL_DELAY);

    env.set_time(t0 + ADMIN_TIMELOCK_SECS - 1).await;
    env.fails(
        &[client::apply_pool_update(pool.keys.pool)],
        &[],
        &[pool.keys.pool],
        RestakingError::TimelockNotElapsed,
    )
    .await;
    env.set_time(t0 + ADMIN_TIMELOCK_SECS).await;
    env.ok(&[client::apply_pool_update(pool.keys.pool)], &[])
        .await;
    let p = env.pool(&pool).await;
    assert_eq!(p.withdrawal_delay_secs, MAX_WITHDRAWAL_DELAY_SECS);
    assert_eq!((p.rate_source, p.pending_mask), (new_source, 0));

    // shorter: at once
    let args = UpdatePoolArgs {
        withdrawal_delay_secs: Some(4 * DAY),
        ..Default::default()
    };
    env.ok(
        &[client::update_pool(admin.pubkey(), pool.keys.pool, args)],
        &[&admin],
    )
    .await;
    let p = env.pool(&pool).await;
    assert_eq!((p.withdrawal_delay_secs, p.pending_mask), (4 * DAY, 0));
}

// The timelock is longer than the longest exit: the longest withdrawal delay plus the longest
// time a slash request can hold a matured undelegation (checked at compile time).
const _: () = assert!(
    ADMIN_TIMELOCK_SECS
        >= MAX_WITHDRAWAL_DELAY_SECS
            + restaking::constants::MAX_SLASH_VETO_SECS
            + restaking::constants::SLASH_GRACE_SECS
);

/// An LST mint with a freeze authority is refused unless the admin names that authority; the
/// event logs it. Mints without one need nothing.
#[tokio::test]
async fn add_pool_freeze_authority_policy() {
    let mut env = Env::new().await;
    let admin = env.admin.insecure_clone();
    let issuer = Pubkey::new_unique();
    let mint = env.create_freezable_mint(9, &issuer).await;
    let source = RateSource::Manual {
        updater: Pubkey::new_unique(),
        max_change_bps: 1_000,
        max_age_secs: 3_600,
    };
    let keys = client::PoolKeys::new(mint, MintKind::Spl.token_program(), &source);
    let watched = [client::config_pda(), keys.pool, keys.vault];
    for accepted in [None, Some(Pubkey::new_unique())] {
        let mut args = Env::pool_args(source, rate(1, 1));
        args.accepted_freeze_authority = accepted;
        env.fails(
            &[client::add_pool(admin.pubkey(), &keys, args)],
            &[&admin],
            &watched,
            RestakingError::FreezeAuthorityNotAccepted,
        )
        .await;
    }
    let mut args = Env::pool_args(source, rate(1, 1));
    args.accepted_freeze_authority = Some(issuer);
    env.ok(&[client::add_pool(admin.pubkey(), &keys, args)], &[&admin])
        .await;

    // naming a freeze authority the mint does not have is refused too
    let plain = env.create_mint(MintKind::Spl, 9).await;
    let keys = client::PoolKeys::new(plain, MintKind::Spl.token_program(), &source);
    let mut args = Env::pool_args(source, rate(1, 1));
    args.accepted_freeze_authority = Some(issuer);
    env.fails(
        &[client::add_pool(admin.pubkey(), &keys, args)],
        &[&admin],
        &[keys.pool],
        RestakingError::FreezeAuthorityNotAccepted,
    )
    .await;
}
