//! Services and slashing (SPEC §3 "Slashing", S6): `register_service`, `link_service`,
//! `unlink_service`, `request_slash`, `veto_slash`, `execute_slash`, and what a slash does to
//! stakers — compounding, no escape through undelegation, base yield already stripped is spared.
//!
//! Every failure asserts the exact named error and that every involved account is unchanged.
#![allow(clippy::arithmetic_side_effects)]

use anchor_lang::error::ErrorCode as Anchor;
use anchor_lang::solana_program::instruction::Instruction;
use restaking::constants::{ACCOUNT_VERSION, COHORT_SECS, PAUSE_DELEGATIONS, SLASH_GRACE_SECS};
use restaking::error::RestakingError;
use restaking::state::{
    Service, ServiceLink, SlashRequest, SlashStatus, WithdrawalTicket, MAX_METADATA_URI_LEN,
};
use restaking_tests::client;
use restaking_tests::solana_sdk::pubkey::Pubkey;
use restaking_tests::solana_sdk::signature::{Keypair, Signer};
use restaking_tests::*;

// ---- helpers -----------------------------------------------------------------------------

/// Asserts two account states are equal field by field (via their `Debug` output).
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

/// A 1:1 LST; operator X; a service linked by X with at most 20 % per request; Alice 100 and
/// Bob 300 delegated to X.
struct Fixture {
    env: Env,
    pool: TestPool,
    x: TestOperator,
    svc: TestService,
    alice: User,
    bob: User,
}

async fn fixture() -> Fixture {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let svc = env.service(&pool, &x, 2_000).await;
    let alice = env.user(&pool, 100 * ONE).await;
    let bob = env.user(&pool, 300 * ONE).await;
    for (user, amount) in [(&alice, 100 * ONE), (&bob, 300 * ONE)] {
        env.deposit(&pool, user, amount).await.unwrap();
        env.delegate(&pool, user, &x, amount).await.unwrap();
    }
    Fixture {
        env,
        pool,
        x,
        svc,
        alice,
        bob,
    }
}

impl Fixture {
    /// Accounts a slash can touch.
    fn watched(&self) -> Vec<Pubkey> {
        vec![
            self.pool.keys.pool,
            self.pool.keys.vault,
            self.x.bucket,
            self.svc.destination,
            self.svc.service,
            client::service_link_pda(&self.svc.service, &self.x.operator),
        ]
    }

    /// Requests `bps`, waits out the veto window and executes it.
    async fn slash(&mut self, bps: u16) -> Pubkey {
        let request = self
            .env
            .request_slash(&self.svc, &self.x, bps)
            .await
            .unwrap();
        self.env.advance_time(VETO_SECS).await;
        self.env
            .execute_slash(&self.pool, &self.svc, &self.x, request)
            .await
            .unwrap();
        request
    }

    /// X's link to the service.
    fn link(&self) -> Pubkey {
        client::service_link_pda(&self.svc.service, &self.x.operator)
    }

    async fn assert_vault_covers(&mut self) {
        let p = self.env.pool(&self.pool).await;
        assert!(self.env.token_balance(&self.pool.keys.vault).await >= p.obligations().unwrap());
    }
}

/// Undelegates all of `user`'s shares in `x`'s bucket, waits the delay and completes;
/// returns the LST that came back to idle.
async fn leave(env: &mut Env, pool: &TestPool, x: &TestOperator, user: &User) -> u64 {
    let shares = env.delegation(pool, user, x).await.shares;
    let idle = env.position(pool, user).await.idle_lst;
    let ticket = env.undelegate(pool, user, x, shares).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_undelegation(pool, user, x, ticket)
        .await
        .unwrap();
    env.position(pool, user).await.idle_lst - idle
}

/// A registered service of `authority` with its own slasher, not linked to anyone.
async fn register(env: &mut Env, authority: &Keypair, slasher: Pubkey) -> Pubkey {
    env.airdrop(&authority.pubkey(), ONE).await;
    let ix = client::register_service(
        authority.pubkey(),
        slasher,
        authority.pubkey(),
        "https://service.example",
    );
    env.ok(&[ix], &[authority]).await;
    client::service_pda(&authority.pubkey())
}

// ---- register_service ----------------------------------------------------------------------

#[tokio::test]
async fn register_service_ok() {
    let mut env = Env::new().await;
    let authority = Keypair::new();
    env.airdrop(&authority.pubkey(), ONE).await;
    let slasher = Pubkey::new_unique();
    let destination = Pubkey::new_unique();
    let uri = "s".repeat(MAX_METADATA_URI_LEN);
    let ix = client::register_service(authority.pubkey(), slasher, destination, &uri);
    env.ok(&[ix], &[&authority]).await;
    let key = client::service_pda(&authority.pubkey());
    assert_state(
        &env.state::<Service>(&key).await,
        &Service {
            authority: authority.pubkey(),
            slasher,
            destination,
            metadata_uri: uri,
            bump: bump_of(&[Service::SEED, authority.pubkey().as_ref()]),
            version: ACCOUNT_VERSION,
            reserved: [0; 32],
        },
    );
    let rent = env.lamports(&key).await;
    assert_eq!(env.lamports(&authority.pubkey()).await, ONE - rent);
}

#[tokio::test]
async fn register_service_invalid_address() {
    let mut env = Env::new().await;
    let authority = Keypair::new();
    env.airdrop(&authority.pubkey(), ONE).await;
    let watched = [authority.pubkey(), client::service_pda(&authority.pubkey())];
    for (slasher, destination) in [
        (Pubkey::default(), Pubkey::new_unique()),
        (Pubkey::new_unique(), Pubkey::default()),
    ] {
        let ix = client::register_service(authority.pubkey(), slasher, destination, "u");
        env.fails(
            &[ix],
            &[&authority],
            &watched,
            RestakingError::InvalidAddress,
        )
        .await;
    }
}

#[tokio::test]
async fn register_service_metadata_too_long() {
    let mut env = Env::new().await;
    let authority = Keypair::new();
    env.airdrop(&authority.pubkey(), ONE).await;
    let uri = "s".repeat(MAX_METADATA_URI_LEN + 1);
    let ix = client::register_service(
        authority.pubkey(),
        Pubkey::new_unique(),
        Pubkey::new_unique(),
        &uri,
    );
    let watched = [authority.pubkey(), client::service_pda(&authority.pubkey())];
    env.fails(
        &[ix],
        &[&authority],
        &watched,
        RestakingError::MetadataTooLong,
    )
    .await;
}

#[tokio::test]
async fn register_service_twice() {
    let mut env = Env::new().await;
    let authority = Keypair::new();
    let service = register(&mut env, &authority, Pubkey::new_unique()).await;
    let ix = client::register_service(
        authority.pubkey(),
        authority.pubkey(),
        authority.pubkey(),
        "https://hijack.example",
    );
    env.fails(
        &[ix],
        &[&authority],
        &[service, authority.pubkey()],
        RestakingError::AccountAlreadyExists,
    )
    .await;
}

// ---- link_service / unlink_service ---------------------------------------------------------

#[tokio::test]
async fn link_service_ok() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let authority = Keypair::new();
    let service = register(&mut env, &authority, Pubkey::new_unique()).await;
    let now = env.clock().await.unix_timestamp;
    env.ok(
        &[client::link_service(x.kp.pubkey(), service, 1_500)],
        &[&x.kp],
    )
    .await;
    let key = client::service_link_pda(&service, &x.operator);
    let expected = ServiceLink {
        service,
        operator: x.operator,
        max_slash_bps: 1_500,
        linked_ts: now,
        unlink_effective_ts: 0,
        bump: bump_of(&[ServiceLink::SEED, service.as_ref(), x.operator.as_ref()]),
        version: ACCOUNT_VERSION,
        window_start_ts: 0,
        window_bps: 0,
        reserved: [0; 16],
    };
    assert_state(&env.state::<ServiceLink>(&key).await, &expected);

    // linking again may raise the maximum
    env.advance_time(10).await;
    env.ok(
        &[client::link_service(x.kp.pubkey(), service, 10_000)],
        &[&x.kp],
    )
    .await;
    let link: ServiceLink = env.state(&key).await;
    assert_eq!((link.max_slash_bps, link.linked_ts), (10_000, now + 10));
}

#[tokio::test]
async fn link_service_invalid_bps() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let service = register(&mut env, &Keypair::new(), Pubkey::new_unique()).await;
    let watched = [
        x.kp.pubkey(),
        x.operator,
        client::service_link_pda(&service, &x.operator),
    ];
    for bps in [0, 10_001, u16::MAX] {
        let ix = client::link_service(x.kp.pubkey(), service, bps);
        env.fails(&[ix], &[&x.kp], &watched, RestakingError::InvalidBps)
            .await;
    }
}

#[tokio::test]
async fn link_service_not_operator_authority() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let mallory = env.operator(&pool, 1_000).await;
    let service = register(&mut env, &Keypair::new(), Pubkey::new_unique()).await;
    // Mallory links X to the service, at the most slashable setting
    let mut ix = client::link_service(mallory.kp.pubkey(), service, 10_000);
    swap_account(&mut ix, mallory.operator, x.operator);
    swap_account(
        &mut ix,
        client::service_link_pda(&service, &mallory.operator),
        client::service_link_pda(&service, &x.operator),
    );
    let watched = [
        mallory.kp.pubkey(),
        x.operator,
        client::service_link_pda(&service, &x.operator),
    ];
    env.fails(
        &[ix],
        &[&mallory.kp],
        &watched,
        RestakingError::NotOperatorAuthority,
    )
    .await;
}

/// Lowering the maximum of an active link would be an instant partial unlink.
#[tokio::test]
async fn link_service_cannot_loosen() {
    let mut f = fixture().await;
    let link = client::service_link_pda(&f.svc.service, &f.x.operator);
    let ix = client::link_service(f.x.kp.pubkey(), f.svc.service, 1);
    let w = [link, f.x.operator];
    f.env
        .fails(&[ix], &[&f.x.kp], &w, RestakingError::LinkCannotLoosen)
        .await;
    // not during the unlink delay either
    f.env
        .ok(
            &[client::unlink_service(f.x.kp.pubkey(), f.svc.service)],
            &[&f.x.kp],
        )
        .await;
    let ix = client::link_service(f.x.kp.pubkey(), f.svc.service, 1);
    f.env
        .fails(&[ix], &[&f.x.kp], &w, RestakingError::LinkCannotLoosen)
        .await;
    // once the unlink has taken effect, linking starts afresh
    f.env.advance_time(ServiceLink::UNLINK_DELAY_SECS).await;
    f.env
        .ok(
            &[client::link_service(f.x.kp.pubkey(), f.svc.service, 1)],
            &[&f.x.kp],
        )
        .await;
    let l: ServiceLink = f.env.state(&link).await;
    assert_eq!((l.max_slash_bps, l.unlink_effective_ts), (1, 0));
}

/// An unlink takes `UNLINK_DELAY_SECS`: the service can still request a slash until then, and
/// not from then on.
#[tokio::test]
async fn unlink_service_ok() {
    let mut f = fixture().await;
    let now = f.env.clock().await.unix_timestamp;
    let link = client::service_link_pda(&f.svc.service, &f.x.operator);
    f.env
        .ok(
            &[client::unlink_service(f.x.kp.pubkey(), f.svc.service)],
            &[&f.x.kp],
        )
        .await;
    let effective = now + ServiceLink::UNLINK_DELAY_SECS;
    let l: ServiceLink = f.env.state(&link).await;
    assert_eq!((l.unlink_effective_ts, l.max_slash_bps), (effective, 2_000));

    // during the delay: still slashable
    f.env.set_time(effective - 1).await;
    let request = f.env.request_slash(&f.svc, &f.x, 1_000).await.unwrap();
    assert_eq!(
        f.env.state::<SlashRequest>(&request).await.status,
        SlashStatus::Pending
    );
    f.env.veto_slash(&f.x, request).await.unwrap();

    // from the effective time on: not linked
    f.env.set_time(effective).await;
    let nonce = f.env.bucket(&f.x).await.slash_nonce;
    let ix = client::request_slash(
        f.svc.slasher.pubkey(),
        f.svc.service,
        f.x.operator,
        f.x.bucket,
        nonce,
        1_000,
        [1; 32],
    );
    let mut w = f.watched();
    w.push(client::slash_request_pda(
        &f.x.bucket,
        &f.svc.service,
        nonce,
    ));
    f.env
        .fails(
            &[ix],
            &[&f.svc.slasher],
            &w,
            RestakingError::ServiceNotLinked,
        )
        .await;
}

#[tokio::test]
async fn unlink_service_twice() {
    let mut f = fixture().await;
    let ix = client::unlink_service(f.x.kp.pubkey(), f.svc.service);
    f.env.ok(std::slice::from_ref(&ix), &[&f.x.kp]).await;
    let link = client::service_link_pda(&f.svc.service, &f.x.operator);
    f.env.advance_time(1).await;
    f.env
        .fails(&[ix], &[&f.x.kp], &[link], RestakingError::ServiceNotLinked)
        .await;
}

#[tokio::test]
async fn unlink_service_not_operator_authority() {
    let mut f = fixture().await;
    let mallory = Keypair::new();
    let mut ix = client::unlink_service(mallory.pubkey(), f.svc.service);
    let mallory_operator = client::operator_pda(&mallory.pubkey());
    swap_account(&mut ix, mallory_operator, f.x.operator);
    swap_account(
        &mut ix,
        client::service_link_pda(&f.svc.service, &mallory_operator),
        client::service_link_pda(&f.svc.service, &f.x.operator),
    );
    let w = f.watched();
    f.env
        .fails(&[ix], &[&mallory], &w, RestakingError::NotOperatorAuthority)
        .await;
}

// ---- request_slash -------------------------------------------------------------------------

#[tokio::test]
async fn request_slash_ok() {
    let mut f = fixture().await;
    let now = f.env.clock().await.unix_timestamp;
    let lamports = f.env.lamports(&f.svc.slasher.pubkey()).await;
    let w = [f.pool.keys.vault, f.svc.destination];
    let before = f.env.snapshot(&w).await;
    let request = f.env.request_slash(&f.svc, &f.x, 1_500).await.unwrap();
    assert_state(
        &f.env.state::<SlashRequest>(&request).await,
        &SlashRequest {
            operator_pool: f.x.bucket,
            service: f.svc.service,
            nonce: 0,
            bps: 1_500,
            evidence_hash: [7; 32],
            requested_ts: now,
            executable_ts: now + VETO_SECS,
            status: SlashStatus::Pending,
            seized_active_lst: 0,
            seized_queued_lst: 0,
            bump: bump_of(&[
                SlashRequest::SEED,
                f.x.bucket.as_ref(),
                f.svc.service.as_ref(),
                &0u64.to_le_bytes(),
            ]),
            version: ACCOUNT_VERSION,
            expires_ts: now + VETO_SECS + SLASH_GRACE_SECS,
            reserved: [0; 8],
        },
    );
    let b = f.env.bucket(&f.x).await;
    assert_eq!((b.live_slashes(now), b.slash_nonce), (1, 1));
    assert_eq!(b.total_lst, 400 * ONE, "a request moves nothing");
    assert_eq!(f.env.snapshot(&w).await, before);
    let rent = f.env.lamports(&request).await;
    assert_eq!(
        f.env.lamports(&f.svc.slasher.pubkey()).await,
        lamports - rent
    );

    // a second request while the first is pending is its own account, within the link's
    // 20 % per window
    let second = f.env.request_slash(&f.svc, &f.x, 500).await.unwrap();
    assert_ne!(second, request);
    assert_eq!(f.env.bucket(&f.x).await.live_slashes(now), 2);
}

/// `request_slash` signed by `signer` for `f.svc` against `op`'s bucket at its next nonce;
/// returns the instruction and the request address.
async fn request_ix(
    f: &mut Fixture,
    signer: Pubkey,
    op: Option<&TestOperator>,
    bps: u16,
) -> (Instruction, Pubkey) {
    let (operator, bucket) = op.map_or((f.x.operator, f.x.bucket), |o| (o.operator, o.bucket));
    let nonce = f
        .env
        .state::<restaking::state::OperatorPool>(&bucket)
        .await
        .slash_nonce;
    let service = f.svc.service;
    let ix = client::request_slash(signer, service, operator, bucket, nonce, bps, [1; 32]);
    (ix, client::slash_request_pda(&bucket, &service, nonce))
}

#[tokio::test]
async fn request_slash_not_slasher() {
    let mut f = fixture().await;
    // the service's own authority is not its slasher
    let authority = f.svc.authority.insecure_clone();
    let (ix, request) = request_ix(&mut f, authority.pubkey(), None, 1_000).await;
    let mut w = f.watched();
    w.push(request);
    f.env
        .fails(&[ix], &[&authority], &w, RestakingError::NotSlasher)
        .await;
}

#[tokio::test]
async fn request_slash_too_large() {
    let mut f = fixture().await;
    let slasher = f.svc.slasher.insecure_clone();
    for bps in [2_001, 10_000, u16::MAX, 0] {
        let (ix, request) = request_ix(&mut f, slasher.pubkey(), None, bps).await;
        let mut w = f.watched();
        w.push(request);
        f.env
            .fails(&[ix], &[&slasher], &w, RestakingError::SlashTooLarge)
            .await;
    }
}

/// Operator Y never linked the service: its link account does not exist, and X's link or a
/// link of Y to another service does not stand in for it.
#[tokio::test]
async fn request_slash_service_not_linked() {
    let mut f = fixture().await;
    let y = f.env.operator(&f.pool, 1_000).await;
    let carol = f.env.user(&f.pool, 10 * ONE).await;
    f.env.deposit(&f.pool, &carol, 10 * ONE).await.unwrap();
    f.env.delegate(&f.pool, &carol, &y, 10 * ONE).await.unwrap();
    let slasher = f.svc.slasher.insecure_clone();
    let y_link = client::service_link_pda(&f.svc.service, &y.operator);
    let mut w = f.watched();
    w.extend([y.bucket, y_link]);

    // the derived link address: nothing there
    let (ix, request) = request_ix(&mut f, slasher.pubkey(), Some(&y), 1_000).await;
    w.push(request);
    f.env
        .fails(&[ix], &[&slasher], &w, Anchor::AccountNotInitialized)
        .await;

    // X's link named for Y's bucket
    let (mut ix, _) = request_ix(&mut f, slasher.pubkey(), Some(&y), 1_000).await;
    swap_account(
        &mut ix,
        y_link,
        client::service_link_pda(&f.svc.service, &f.x.operator),
    );
    f.env
        .fails(&[ix], &[&slasher], &w, RestakingError::ServiceNotLinked)
        .await;

    // Y's link to another service named for this one
    let other_authority = Keypair::new();
    let other = register(&mut f.env, &other_authority, Pubkey::new_unique()).await;
    f.env
        .ok(
            &[client::link_service(y.kp.pubkey(), other, 5_000)],
            &[&y.kp],
        )
        .await;
    let (mut ix, _) = request_ix(&mut f, slasher.pubkey(), Some(&y), 1_000).await;
    swap_account(
        &mut ix,
        y_link,
        client::service_link_pda(&other, &y.operator),
    );
    f.env
        .fails(&[ix], &[&slasher], &w, RestakingError::ServiceNotLinked)
        .await;
}

// ---- veto_slash ----------------------------------------------------------------------------

#[tokio::test]
async fn veto_slash_ok() {
    let mut f = fixture().await;
    let request = f.env.request_slash(&f.svc, &f.x, 1_000).await.unwrap();
    let w = [f.pool.keys.vault, f.svc.destination, f.pool.keys.pool];
    let before = f.env.snapshot(&w).await;
    let bucket_before = f.env.bucket(&f.x).await;
    f.env.veto_slash(&f.x, request).await.unwrap();
    assert_eq!(
        f.env.state::<SlashRequest>(&request).await.status,
        SlashStatus::Vetoed
    );
    let mut expected = bucket_before;
    let cut_key = f
        .env
        .state::<SlashRequest>(&request)
        .await
        .cut_key()
        .unwrap();
    expected.close_slash(cut_key).unwrap();
    assert_state(&f.env.bucket(&f.x).await, &expected);
    let now = f.env.clock().await.unix_timestamp;
    assert_eq!(f.env.bucket(&f.x).await.live_slashes(now), 0);
    assert_eq!(f.env.snapshot(&w).await, before);
    // the bucket is free again
    f.env
        .undelegate(&f.pool, &f.alice, &f.x, ONE)
        .await
        .unwrap();
}

#[tokio::test]
async fn veto_slash_not_guardian() {
    let mut f = fixture().await;
    let request = f.env.request_slash(&f.svc, &f.x, 1_000).await.unwrap();
    let mut w = f.watched();
    w.push(request);
    // neither a stranger nor the admin
    let admin = f.env.admin.insecure_clone();
    for signer in [Keypair::new(), admin] {
        let ix = client::veto_slash(signer.pubkey(), f.x.bucket, request, f.link());
        f.env
            .fails(&[ix], &[&signer], &w, RestakingError::NotGuardian)
            .await;
    }
}

#[tokio::test]
async fn veto_slash_slash_not_pending() {
    let mut f = fixture().await;
    let request = f.env.request_slash(&f.svc, &f.x, 1_000).await.unwrap();
    f.env.veto_slash(&f.x, request).await.unwrap();
    let guardian = f.env.guardian.insecure_clone();
    let ix = client::veto_slash(guardian.pubkey(), f.x.bucket, request, f.link());
    let mut w = f.watched();
    w.push(request);
    f.env.advance_time(1).await;
    f.env
        .fails(&[ix], &[&guardian], &w, RestakingError::SlashNotPending)
        .await;

    // an executed request cannot be vetoed afterwards either
    let executed = f.slash(1_000).await;
    let ix = client::veto_slash(guardian.pubkey(), f.x.bucket, executed, f.link());
    let mut w = f.watched();
    w.push(executed);
    f.env
        .fails(&[ix], &[&guardian], &w, RestakingError::SlashNotPending)
        .await;
}

// ---- execute_slash -------------------------------------------------------------------------

/// 10 % of X's 400: the bucket keeps 360, the service receives 40; Alice can take 90, Bob 270.
#[tokio::test]
async fn execute_slash_ok() {
    let mut f = fixture().await;
    let request = f.slash(1_000).await;
    let r: SlashRequest = f.env.state(&request).await;
    assert_eq!(r.status, SlashStatus::Executed);
    assert_eq!((r.seized_active_lst, r.seized_queued_lst), (40 * ONE, 0));
    let b = f.env.bucket(&f.x).await;
    assert_eq!(
        (
            b.total_shares,
            b.total_lst,
            b.total_principal,
            b.live_slashes(r.requested_ts)
        ),
        (400 * ONE, 360 * ONE, 360 * ONE, 0)
    );
    assert_eq!(f.env.token_balance(&f.svc.destination).await, 40 * ONE);
    assert_eq!(f.env.token_balance(&f.pool.keys.vault).await, 360 * ONE);
    let p = f.env.pool(&f.pool).await;
    assert_eq!(
        (p.total_bucket_lst, p.total_principal),
        (360 * ONE, 360 * ONE)
    );
    f.assert_vault_covers().await;
    assert_eq!(leave(&mut f.env, &f.pool, &f.x, &f.alice).await, 90 * ONE);
    assert_eq!(leave(&mut f.env, &f.pool, &f.x, &f.bob).await, 270 * ONE);
    f.assert_vault_covers().await;
}

#[tokio::test]
async fn execute_slash_veto_window_open() {
    let mut f = fixture().await;
    let request = f.env.request_slash(&f.svc, &f.x, 1_000).await.unwrap();
    let executable = f.env.state::<SlashRequest>(&request).await.executable_ts;
    f.env.set_time(executable - 1).await;
    let ix = client::execute_slash(
        &f.pool.keys,
        f.x.bucket,
        request,
        f.svc.service,
        f.svc.destination,
    );
    let mut w = f.watched();
    w.push(request);
    f.env
        .fails(&[ix], &[], &w, RestakingError::VetoWindowOpen)
        .await;
}

#[tokio::test]
async fn execute_slash_slash_not_pending() {
    let mut f = fixture().await;
    let request = f.slash(1_000).await;
    let ix = client::execute_slash(
        &f.pool.keys,
        f.x.bucket,
        request,
        f.svc.service,
        f.svc.destination,
    );
    let mut w = f.watched();
    w.push(request);
    f.env
        .fails(&[ix], &[], &w, RestakingError::SlashNotPending)
        .await;
    assert_eq!(f.env.bucket(&f.x).await.total_lst, 360 * ONE);
}

/// Seized LST goes only to a token account owned by the service's destination.
#[tokio::test]
async fn execute_slash_invalid_slash_destination() {
    let mut f = fixture().await;
    let request = f.env.request_slash(&f.svc, &f.x, 1_000).await.unwrap();
    f.env.advance_time(VETO_SECS).await;
    let slasher = f.svc.slasher.pubkey();
    let loot = f
        .env
        .create_token_account(&f.pool.keys.lst_mint, &slasher)
        .await;
    let mut w = f.watched();
    w.extend([request, loot]);
    for destination in [loot, f.alice.lst_account] {
        let ix = client::execute_slash(
            &f.pool.keys,
            f.x.bucket,
            request,
            f.svc.service,
            destination,
        );
        f.env
            .fails(&[ix], &[], &w, RestakingError::InvalidSlashDestination)
            .await;
    }
    // another service's account for this request: not the request's service
    let other_authority = Keypair::new();
    let other = register(&mut f.env, &other_authority, slasher).await;
    let other_destination = f
        .env
        .create_token_account(&f.pool.keys.lst_mint, &other_authority.pubkey())
        .await;
    let ix = client::execute_slash(&f.pool.keys, f.x.bucket, request, other, other_destination);
    w.push(other_destination);
    f.env
        .fails(&[ix], &[], &w, RestakingError::ServiceNotLinked)
        .await;
}

// ---- what a slash does to stakers ----------------------------------------------------------

/// 10 % then 10 % leaves exactly 81 %: 400 → 360 → 324, Alice 81, Bob 243.
#[tokio::test]
async fn slash_twice_compounds() {
    let mut f = fixture().await;
    f.slash(1_000).await;
    f.slash(1_000).await;
    let b = f.env.bucket(&f.x).await;
    assert_eq!(
        (b.total_shares, b.total_lst, b.total_principal),
        (400 * ONE, 324 * ONE, 324 * ONE)
    );
    assert_eq!(f.env.token_balance(&f.svc.destination).await, 76 * ONE);
    assert_eq!(f.env.delegated_lst(&f.pool, &f.alice, &f.x).await, 81 * ONE);
    assert_eq!(f.env.delegated_lst(&f.pool, &f.bob, &f.x).await, 243 * ONE);
    assert_eq!(leave(&mut f.env, &f.pool, &f.x, &f.alice).await, 81 * ONE);
    f.assert_vault_covers().await;
}

/// Bob tries to run once the slash is requested: undelegating is not refused, and his ticket
/// is cut with the queue, so he leaves with 270 like everyone. Alice's ticket opened before the
/// request is held and cut the same, and cannot be cancelled back into the bucket meanwhile.
#[tokio::test]
async fn slash_pending_cannot_be_escaped() {
    let mut f = fixture().await;
    let w = f.watched();
    let Fixture {
        env,
        pool,
        x,
        svc,
        alice,
        bob,
    } = &mut f;
    let alice_ticket = env.undelegate(pool, alice, x, 100 * ONE).await.unwrap();
    let request = env.request_slash(svc, x, 1_000).await.unwrap();
    let bob_ticket = env.undelegate(pool, bob, x, 300 * ONE).await.unwrap();
    // neither can Alice cancel back into the bucket
    let ix = client::cancel_ticket(
        alice.key(),
        &pool.keys,
        alice_ticket,
        Some(x.bucket),
        Some(x.operator),
    );
    let mut w = w;
    w.push(alice_ticket);
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::SlashPending)
        .await;

    env.advance_time(VETO_SECS).await;
    env.execute_slash(pool, svc, x, request).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    for (user, ticket) in [(&*alice, alice_ticket), (&*bob, bob_ticket)] {
        env.complete_undelegation(pool, user, x, ticket)
            .await
            .unwrap();
    }
    assert_eq!(env.position(pool, alice).await.idle_lst, 90 * ONE);
    assert_eq!(env.position(pool, bob).await.idle_lst, 270 * ONE);
    assert_eq!(env.token_balance(&svc.destination).await, 40 * ONE);
    f.assert_vault_covers().await;
}

/// The rate moves 1.00 → 1.10 before the slash: the bucket's base yield is stripped first
/// (whether by a harvest before the request or by the execution itself) and paid in full;
/// only the LST backing the principal is cut.
#[tokio::test]
async fn slash_spares_base_yield_already_stripped() {
    for harvest_first in [true, false] {
        let mut f = fixture().await;
        f.env.set_rate(&f.pool, 11 * ONE, 10 * ONE).await;
        if harvest_first {
            f.env.harvest_bucket(&f.pool, &f.x).await.unwrap();
        }
        f.slash(1_000).await;
        // 400 − ceil(400 / 1.1) = 36.363636363 stripped; 363.636363637 left, cut by 10 %
        let left = 400 * ONE - 36_363_636_363;
        let cut = left / 10;
        let b = f.env.bucket(&f.x).await;
        assert_eq!(b.unclaimed_base_yield, 36_363_636_363, "{harvest_first}");
        assert_eq!(b.total_lst, left - cut);
        assert_eq!(f.env.token_balance(&f.svc.destination).await, cut);

        // Alice's quarter of the yield, untouched by the slash. The cut floors the LST and
        // the principal separately, which can leave 1 base unit more LST than the principal
        // needs: the claim's own harvest strips it, and Alice's quarter of it can round her
        // payment up by 1.
        f.env
            .claim_delegation(&f.pool, &f.alice, &f.x)
            .await
            .unwrap();
        let paid = f.env.token_balance(&f.alice.lst_account).await;
        assert!(
            (9_090_909_090..=9_090_909_091).contains(&paid),
            "{harvest_first}: {paid}"
        );
        f.assert_vault_covers().await;
    }
}

/// X's bucket with Alice's 60 LST, wiped out by a 100 % slash (a link allowing it).
async fn wiped_out() -> (Env, TestPool, TestOperator, User) {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let svc = env.service(&pool, &x, 10_000).await;
    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    env.delegate(&pool, &alice, &x, 60 * ONE).await.unwrap();
    let request = env.request_slash(&svc, &x, 10_000).await.unwrap();
    env.advance_time(VETO_SECS).await;
    env.execute_slash(&pool, &svc, &x, request).await.unwrap();
    assert_eq!(env.bucket(&x).await.total_lst, 0);
    assert_eq!(env.token_balance(&svc.destination).await, 60 * ONE);
    (env, pool, x, alice)
}

/// A wiped-out bucket takes no new delegation: the newcomer would be diluted into nothing.
#[tokio::test]
async fn slash_of_everything_depletes_the_bucket() {
    let (mut env, pool, x, alice) = wiped_out().await;
    let mut ix = client::delegate(alice.key(), &pool.keys, x.operator, ONE);
    ix.accounts.extend(env.reward_index_metas(&x).await);
    let position = pool.keys.position(&alice.key());
    let w = [
        pool.keys.pool,
        position,
        x.bucket,
        pool.keys.vault,
        client::delegation_pda(&position, &x.bucket),
    ];
    env.fails(&[ix], &[&alice.kp], &w, RestakingError::BucketDepleted)
        .await;
    assert_eq!(env.position(&pool, &alice).await.idle_lst, 40 * ONE);
}

/// After a 20 % slash a share holds 0.8 base units: undelegating a single share would queue
/// nothing, and fails with `ZeroShares`, changing nothing.
#[tokio::test]
async fn undelegate_dust_after_slash_zero_shares() {
    let mut f = fixture().await;
    f.slash(2_000).await;
    let position = f.pool.keys.position(&f.alice.key());
    let mut ix = client::undelegate(f.alice.key(), &f.pool.keys, f.x.bucket, 0, 1, None);
    ix.accounts.extend(f.env.reward_index_metas(&f.x).await);
    let mut w = f.watched();
    w.extend([
        position,
        client::delegation_pda(&position, &f.x.bucket),
        client::ticket_pda(&position, 0),
    ]);
    f.env
        .fails(&[ix], &[&f.alice.kp], &w, RestakingError::ZeroShares)
        .await;
}

/// Yet its stakers must still be able to leave their worthless shares and close their
/// delegation and position (SPEC §3: no exit can be trapped).
#[tokio::test]
async fn slash_of_everything_lets_stakers_leave() {
    let (mut env, pool, x, alice) = wiped_out().await;
    let ticket = env.undelegate(&pool, &alice, &x, 60 * ONE).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_undelegation(&pool, &alice, &x, ticket)
        .await
        .unwrap();
    env.ok(
        &[client::close_delegation(alice.key(), &pool.keys, x.bucket)],
        &[&alice.kp],
    )
    .await;
    assert_eq!(env.position(&pool, &alice).await.idle_lst, 40 * ONE);
    assert_eq!(env.position(&pool, &alice).await.open_delegations, 0);
}

/// Carol undelegates 50; her ticket matures; only then does the service request a slash.
async fn matured_ticket_fixture() -> (Fixture, User, Pubkey) {
    let mut f = fixture().await;
    let carol = carol(&mut f, 50 * ONE).await;
    let ticket = f
        .env
        .undelegate(&f.pool, &carol, &f.x, 50 * ONE)
        .await
        .unwrap();
    let unlock = f.env.state::<WithdrawalTicket>(&ticket).await.unlock_ts;
    f.env.set_time(unlock + 1).await;
    (f, carol, ticket)
}

/// Carol, with `amount` deposited and delegated to X.
async fn carol(f: &mut Fixture, amount: u64) -> User {
    let carol = f.env.user(&f.pool, amount).await;
    f.env.deposit(&f.pool, &carol, amount).await.unwrap();
    f.env.delegate(&f.pool, &carol, &f.x, amount).await.unwrap();
    carol
}

/// SPEC §3: an `Undelegate` ticket "stays slashable until it matures". A ticket that had
/// matured before the request may complete while the slash is pending, in full; a ticket that
/// matures while it is pending (requested two days before) is held until it is executed.
#[tokio::test]
async fn slash_pending_lets_tickets_matured_before_it_leave() {
    let (mut f, carol, ticket) = matured_ticket_fixture().await;
    // Alice's ticket matures two days after the request: it is cut and waits for it
    let now = f.env.clock().await.unix_timestamp;
    f.env.set_time(now - WITHDRAWAL_DELAY + 2 * DAY).await;
    let alice_ticket = f
        .env
        .undelegate(&f.pool, &f.alice, &f.x, 10 * ONE)
        .await
        .unwrap();
    f.env.set_time(now).await;
    let request = f.env.request_slash(&f.svc, &f.x, 1_000).await.unwrap();
    f.env.advance_time(2 * DAY).await;
    let ix = client::complete_ticket(
        f.alice.key(),
        &f.pool.keys,
        alice_ticket,
        f.alice.lst_account,
        Some(f.x.bucket),
    );
    let alice_position = f.pool.keys.position(&f.alice.key());
    let mut w = f.watched();
    w.extend([
        alice_ticket,
        alice_position,
        client::delegation_pda(&alice_position, &f.x.bucket),
    ]);
    f.env
        .fails(&[ix], &[&f.alice.kp], &w, RestakingError::SlashPending)
        .await;
    f.env
        .complete_undelegation(&f.pool, &carol, &f.x, ticket)
        .await
        .unwrap();
    assert_eq!(f.env.position(&f.pool, &carol).await.idle_lst, 50 * ONE);

    f.env
        .execute_slash(&f.pool, &f.svc, &f.x, request)
        .await
        .unwrap();
    // 10 % of the active 390 and of Alice's queued 10 (Carol's 50 already left)
    assert_eq!(f.env.token_balance(&f.svc.destination).await, 40 * ONE);
    f.env
        .complete_undelegation(&f.pool, &f.alice, &f.x, alice_ticket)
        .await
        .unwrap();
    assert_eq!(f.env.position(&f.pool, &f.alice).await.idle_lst, 9 * ONE);
    f.assert_vault_covers().await;
}

/// Issue 10 item 3: a ticket that matured before a request is never cut by it, completed or
/// not. Carol's matured ticket is left in the queue while a 10 % slash is requested and
/// executed: she still receives her 50; the service receives 10 % of the active 400 only.
#[tokio::test]
async fn slash_never_cuts_tickets_matured_before_request() {
    let (mut f, carol, ticket) = matured_ticket_fixture().await;
    f.slash(1_000).await;
    assert_eq!(f.env.bucket(&f.x).await.queued_lst, 50 * ONE);
    f.env
        .complete_undelegation(&f.pool, &carol, &f.x, ticket)
        .await
        .unwrap();
    assert_eq!(f.env.position(&f.pool, &carol).await.idle_lst, 50 * ONE);
    assert_eq!(f.env.token_balance(&f.svc.destination).await, 40 * ONE);
    f.assert_vault_covers().await;
}

/// Both sides of the escape bound (one cohort width, `COHORT_SECS` = 1 day): a request made at
/// mid-day `R` cuts a ticket unlocking at `R + COHORT_SECS` (and one unlocking just after the
/// day of `R` ends), while one unlocking at `R + 1 s` — less than a cohort width after — escapes
/// it; a ticket unlocking at `R` exactly (matured when it came) is never cut.
#[tokio::test]
async fn slash_escape_bound_is_one_cohort_width() {
    let mut f = fixture().await;
    let now = f.env.clock().await.unix_timestamp;
    let r = (now / COHORT_SECS + 10) * COHORT_SECS + COHORT_SECS / 2;
    let day_end = (r / COHORT_SECS + 1) * COHORT_SECS;
    let mut tickets = Vec::new();
    for (unlock, kept) in [
        (r, 10 * ONE),
        (r + 1, 10 * ONE),
        (day_end, 10 * ONE),
        (day_end + 1, 9 * ONE),
        (r + COHORT_SECS, 9 * ONE),
    ] {
        let user = carol(&mut f, 10 * ONE).await;
        f.env.set_time(unlock - WITHDRAWAL_DELAY).await;
        f.env.set_rate(&f.pool, ONE, ONE).await;
        let t = f
            .env
            .undelegate(&f.pool, &user, &f.x, 10 * ONE)
            .await
            .unwrap();
        assert_eq!(f.env.state::<WithdrawalTicket>(&t).await.unlock_ts, unlock);
        tickets.push((user, t, kept));
    }
    f.env.set_time(r).await;
    f.slash(1_000).await;
    f.env.advance_time(DAY).await;
    for (user, t, kept) in &tickets {
        f.env
            .complete_undelegation(&f.pool, user, &f.x, *t)
            .await
            .unwrap();
        assert_eq!(f.env.position(&f.pool, user).await.idle_lst, *kept);
    }
    // 10 % of the active 400 and of the two cut tickets
    assert_eq!(f.env.token_balance(&f.svc.destination).await, 42 * ONE);
    f.assert_vault_covers().await;
}

// ---- issue 10: no request may trap or over-cut an exit ------------------------------------

/// Item 1. A service linked at 1 bps; the operator unlinks at once (the link stays slashable
/// for its 60-day unlink delay); every 2 days the guardian vetoes the pending request and the
/// slasher files a new one. Alice's `undelegate` is accepted 30 times out of 30.
#[tokio::test]
async fn slash_spam_cannot_freeze_undelegate() {
    let mut f = fixture().await;
    let spam = f.env.service(&f.pool, &f.x, 1).await;
    let op = f.x.kp.insecure_clone();
    f.env
        .ok(&[client::unlink_service(op.pubkey(), spam.service)], &[&op])
        .await;
    let mut accepted = 0;
    for _ in 0..30 {
        let request = f.env.request_slash(&spam, &f.x, 1).await.unwrap();
        if f.env.undelegate(&f.pool, &f.alice, &f.x, ONE).await.is_ok() {
            accepted += 1;
        }
        f.env.advance_time(2 * DAY).await;
        f.env.veto_slash(&f.x, request).await.unwrap();
    }
    assert_eq!(accepted, 30);
    assert_eq!(
        f.env.delegation(&f.pool, &f.alice, &f.x).await.shares,
        70 * ONE
    );
}

/// Item 1, the hold bound. The slasher files a 1 bps request every 12 hours, overlapping, never
/// executed nor vetoed. Alice's ticket is held at maturity (a request made before it matured
/// is pending) but completes, in full, within `slash_veto_secs + SLASH_GRACE_SECS` (3 days)
/// after maturity, whatever the slasher keeps doing.
#[tokio::test]
async fn slash_hold_is_bounded_past_maturity() {
    let mut f = fixture().await;
    let ticket = f
        .env
        .undelegate(&f.pool, &f.alice, &f.x, 10 * ONE)
        .await
        .unwrap();
    let unlock = f.env.state::<WithdrawalTicket>(&ticket).await.unlock_ts;
    let mut completed_at = None;
    while completed_at.is_none() {
        f.env.request_slash(&f.svc, &f.x, 1).await.unwrap();
        let now = f.env.clock().await.unix_timestamp;
        if now >= unlock {
            let result = f
                .env
                .complete_undelegation(&f.pool, &f.alice, &f.x, ticket)
                .await;
            match result {
                Ok(()) => completed_at = Some(now),
                Err(e) => {
                    assert_error(Err(e), RestakingError::SlashPending);
                }
            }
        }
        f.env.advance_time(12 * 60 * 60).await;
    }
    let held = completed_at.unwrap() - unlock;
    assert!(held > 0, "a request made before maturity holds the ticket");
    assert!(
        held <= VETO_SECS + SLASH_GRACE_SECS,
        "held {held} s past maturity"
    );
    assert_eq!(f.env.position(&f.pool, &f.alice).await.idle_lst, 10 * ONE);
}

/// Item 2. Carol's ticket unlocks at T; request A at T − 1 day, request B at T + 60 s. With A
/// vetoed, nothing holds the ticket (B came after it matured) and B does not cut it: 50. With
/// A executed instead, A cuts it (45) and B, executed later, does not: 45.
#[tokio::test]
async fn stale_slash_time_neither_holds_nor_overcuts() {
    for veto_a in [true, false] {
        let mut f = fixture().await;
        let carol = carol(&mut f, 50 * ONE).await;
        let ticket = f
            .env
            .undelegate(&f.pool, &carol, &f.x, 50 * ONE)
            .await
            .unwrap();
        let t = f.env.state::<WithdrawalTicket>(&ticket).await.unlock_ts;
        f.env.set_time(t - DAY).await;
        let a = f.env.request_slash(&f.svc, &f.x, 1_000).await.unwrap();
        f.env.set_time(t + 60).await;
        let b = f.env.request_slash(&f.svc, &f.x, 1_000).await.unwrap();
        if veto_a {
            f.env.veto_slash(&f.x, a).await.unwrap();
        } else {
            assert_error(
                f.env
                    .complete_undelegation(&f.pool, &carol, &f.x, ticket)
                    .await,
                RestakingError::SlashPending,
            );
            f.env.set_time(t + DAY).await;
            f.env.execute_slash(&f.pool, &f.svc, &f.x, a).await.unwrap();
        }
        f.env
            .complete_undelegation(&f.pool, &carol, &f.x, ticket)
            .await
            .unwrap();
        f.env.set_time(t + 60 + VETO_SECS).await;
        f.env.execute_slash(&f.pool, &f.svc, &f.x, b).await.unwrap();
        let expected = if veto_a { 50 * ONE } else { 45 * ONE };
        assert_eq!(
            f.env.position(&f.pool, &carol).await.idle_lst,
            expected,
            "veto_a {veto_a}"
        );
        f.assert_vault_covers().await;
    }
}

/// Item 4. Ten 10 % requests filed at once by one service on one bucket would seize 65 % of
/// it; the link allows 20 % per window: the first two are accepted, the other eight fail
/// `SlashWindowExceeded` and change nothing. A veto releases its reservation; executed
/// requests keep theirs until the 60-day window is over.
#[tokio::test]
async fn stacked_requests_bounded_by_link_max() {
    let mut f = fixture().await;
    let slasher = f.svc.slasher.insecure_clone();
    let mut accepted = Vec::new();
    for _ in 0..10 {
        let (ix, request) = request_ix(&mut f, slasher.pubkey(), None, 1_000).await;
        let result = f.env.send(std::slice::from_ref(&ix), &[&slasher]).await;
        if result.is_ok() {
            accepted.push(request);
        } else {
            let mut w = f.watched();
            w.push(request);
            f.env
                .fails(&[ix], &[&slasher], &w, RestakingError::SlashWindowExceeded)
                .await;
        }
    }
    assert_eq!(accepted.len(), 2);
    // a veto releases 10 %: one more request fits
    f.env.veto_slash(&f.x, accepted[1]).await.unwrap();
    let third = f.env.request_slash(&f.svc, &f.x, 1_000).await.unwrap();
    f.env.advance_time(VETO_SECS).await;
    for request in [accepted[0], third] {
        f.env
            .execute_slash(&f.pool, &f.svc, &f.x, request)
            .await
            .unwrap();
    }
    // 400 → 360 → 324: 76 seized, within the link's 20 % (80)
    assert_eq!(f.env.bucket(&f.x).await.total_lst, 324 * ONE);
    assert_eq!(f.env.token_balance(&f.svc.destination).await, 76 * ONE);
    // executed requests still count in their window
    assert_error(
        f.env.request_slash(&f.svc, &f.x, 1).await.map(|_| ()),
        RestakingError::SlashWindowExceeded,
    );
    // a new window opens 60 days after the first request
    f.env
        .advance_time(restaking::state::ServiceLink::SLASH_WINDOW_SECS)
        .await;
    f.env.request_slash(&f.svc, &f.x, 2_000).await.unwrap();
}

/// The expiry: a request not executed within `SLASH_GRACE_SECS` after its veto window has
/// expired — execution fails `SlashExpired` and it holds nothing (the bucket takes
/// delegations again). Unexecuted, it still counts in the link's window until the guardian
/// vetoes it.
#[tokio::test]
async fn expired_request_holds_nothing() {
    let mut f = fixture().await;
    let request = f.env.request_slash(&f.svc, &f.x, 2_000).await.unwrap();
    let expires = f.env.state::<SlashRequest>(&request).await.expires_ts;
    f.env.set_time(expires).await;
    let ix = client::execute_slash(
        &f.pool.keys,
        f.x.bucket,
        request,
        f.svc.service,
        f.svc.destination,
    );
    let mut w = f.watched();
    w.push(request);
    f.env
        .fails(&[ix], &[], &w, RestakingError::SlashExpired)
        .await;
    assert_eq!(f.env.bucket(&f.x).await.live_slashes(expires), 0);
    assert_error(
        f.env.request_slash(&f.svc, &f.x, 1).await.map(|_| ()),
        RestakingError::SlashWindowExceeded,
    );
    f.env.veto_slash(&f.x, request).await.unwrap();
    f.env.request_slash(&f.svc, &f.x, 2_000).await.unwrap();
}

/// Item 5. Cancelling an undelegation is a delegation: with delegations paused, or the operator
/// inactive, `cancel_withdrawal` of Alice's 60 fails (`DelegationsPaused`, `OperatorInactive`)
/// and changes nothing; the LST stays queued and completes to idle at maturity.
#[tokio::test]
async fn cancel_undelegation_obeys_delegation_rules() {
    let mut f = fixture().await;
    let ticket = f
        .env
        .undelegate(&f.pool, &f.alice, &f.x, 60 * ONE)
        .await
        .unwrap();
    let position = f.pool.keys.position(&f.alice.key());
    let mut w = f.watched();
    w.extend([
        ticket,
        position,
        client::delegation_pda(&position, &f.x.bucket),
    ]);
    let cancel = |f: &Fixture| {
        client::cancel_ticket(
            f.alice.key(),
            &f.pool.keys,
            ticket,
            Some(f.x.bucket),
            Some(f.x.operator),
        )
    };
    let guardian = f.env.guardian.insecure_clone();
    f.env
        .ok(
            &[client::set_pause(guardian.pubkey(), PAUSE_DELEGATIONS)],
            &[&guardian],
        )
        .await;
    let ix = cancel(&f);
    f.env
        .fails(&[ix], &[&f.alice.kp], &w, RestakingError::DelegationsPaused)
        .await;
    let admin = f.env.admin.insecure_clone();
    f.env
        .ok(&[client::set_pause(admin.pubkey(), 0)], &[&admin])
        .await;
    let op = f.x.kp.insecure_clone();
    let args = client::UpdateOperatorArgs {
        commission_bps: None,
        metadata_uri: None,
        active: Some(false),
    };
    f.env
        .ok(&[client::update_operator(op.pubkey(), args)], &[&op])
        .await;
    let ix = cancel(&f);
    f.env
        .fails(&[ix], &[&f.alice.kp], &w, RestakingError::OperatorInactive)
        .await;
    assert_eq!(f.env.bucket(&f.x).await.queued_lst, 60 * ONE);
    f.env.advance_time(WITHDRAWAL_DELAY).await;
    f.env
        .complete_undelegation(&f.pool, &f.alice, &f.x, ticket)
        .await
        .unwrap();
    assert_eq!(f.env.position(&f.pool, &f.alice).await.idle_lst, 60 * ONE);
}

/// Item 6. Entry rate 1.5: Dave delegates 1 base unit (principal 1) and Erin 9, both undelegate
/// into the same cohort, and a 20 % slash cuts it. Dave's ticket returns 0 LST and 1 unit of
/// principal: his position holds nothing and closes (the principal leaves the pool's total);
/// `request_withdrawal(1)` still fails `InsufficientIdle`.
#[tokio::test]
async fn position_with_principal_but_no_lst_closes() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, 3 * ONE, 2 * ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let svc = env.service(&pool, &x, 2_000).await;
    let dave = env.user(&pool, 1).await;
    let erin = env.user(&pool, 9).await;
    for (user, amount) in [(&dave, 1), (&erin, 9)] {
        env.deposit(&pool, user, amount).await.unwrap();
        env.delegate(&pool, user, &x, amount).await.unwrap();
    }
    let dave_ticket = env.undelegate(&pool, &dave, &x, 1).await.unwrap();
    env.undelegate(&pool, &erin, &x, 9).await.unwrap();
    let request = env.request_slash(&svc, &x, 2_000).await.unwrap();
    env.advance_time(VETO_SECS).await;
    env.execute_slash(&pool, &svc, &x, request).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_undelegation(&pool, &dave, &x, dave_ticket)
        .await
        .unwrap();
    let p = env.position(&pool, &dave).await;
    assert_eq!((p.idle_lst, p.idle_principal), (0, 1));
    assert_error(
        env.request_withdrawal(&pool, &dave, 1).await.map(|_| ()),
        RestakingError::InsufficientIdle,
    );
    env.ok(
        &[client::close_delegation(dave.key(), &pool.keys, x.bucket)],
        &[&dave.kp],
    )
    .await;
    let principal = env.pool(&pool).await.total_principal;
    env.ok(
        &[client::close_position(dave.key(), &pool.keys)],
        &[&dave.kp],
    )
    .await;
    assert!(!env.exists(&pool.keys.position(&dave.key())).await);
    assert_eq!(env.pool(&pool).await.total_principal, principal - 1);
}

/// Item 6, the dust delegation. Dave delegates 1 base unit beside Alice's and Bob's 400; a 20 %
/// slash leaves his one share worth 0.8 units, i.e. 0 LST. He undelegates it whole (a part
/// that small would fail `ZeroShares`), completes and closes his delegation and position
/// without topping anything up.
#[tokio::test]
async fn dust_delegation_closes_without_top_up() {
    let mut f = fixture().await;
    let dave = f.env.user(&f.pool, 1).await;
    f.env.deposit(&f.pool, &dave, 1).await.unwrap();
    f.env.delegate(&f.pool, &dave, &f.x, 1).await.unwrap();
    f.slash(2_000).await;
    assert_eq!(f.env.delegated_lst(&f.pool, &dave, &f.x).await, 0);
    let ticket = f.env.undelegate(&f.pool, &dave, &f.x, 1).await.unwrap();
    f.env.advance_time(WITHDRAWAL_DELAY).await;
    f.env
        .complete_undelegation(&f.pool, &dave, &f.x, ticket)
        .await
        .unwrap();
    f.env
        .ok(
            &[client::close_delegation(
                dave.key(),
                &f.pool.keys,
                f.x.bucket,
            )],
            &[&dave.kp],
        )
        .await;
    f.env
        .ok(
            &[client::close_position(dave.key(), &f.pool.keys)],
            &[&dave.kp],
        )
        .await;
    assert!(!f.env.exists(&f.pool.keys.position(&dave.key())).await);
    f.assert_vault_covers().await;
}

/// Another bucket's undelegation queue never stands in for this one's (`WrongQueue`).
#[tokio::test]
async fn attack_substituted_queue() {
    let mut f = fixture().await;
    let y = f.env.operator(&f.pool, 1_000).await;
    let position = f.pool.keys.position(&f.alice.key());
    let mut ix = client::undelegate(f.alice.key(), &f.pool.keys, f.x.bucket, 0, ONE, None);
    swap_account(
        &mut ix,
        client::queue_pda(&f.x.bucket),
        client::queue_pda(&y.bucket),
    );
    let mut w = f.watched();
    w.extend([
        position,
        client::delegation_pda(&position, &f.x.bucket),
        client::ticket_pda(&position, 0),
        client::queue_pda(&f.x.bucket),
        client::queue_pda(&y.bucket),
    ]);
    f.env
        .fails(&[ix], &[&f.alice.kp], &w, RestakingError::WrongQueue)
        .await;
}
