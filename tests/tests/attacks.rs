//! Attack classes (STYLE "Tests": `attack_<class>`), each against every instruction it applies
//! to: missing signers, type cosplay, PDA substitution, duplicate mutable accounts,
//! reinitialisation, closing and revival, first-depositor inflation, fake rate sources and
//! `u64::MAX` amounts.
//!
//! Every failure asserts the exact named error (the program's, or Anchor's for account
//! validation it performs) and that no watched account — balances, program state, the signer's
//! lamports — changed.
#![allow(clippy::arithmetic_side_effects)]

use anchor_lang::error::ErrorCode as Anchor;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_spl::token::spl_token;
use restaking::constants::{PAUSE_ALL, SPL_STAKE_POOL_PROGRAM_ID};
use restaking::error::RestakingError;
use restaking::state::RateSource;
use restaking_tests::client::{self, PoolKeys, StreamKeys, UpdateOperatorArgs};
use restaking_tests::solana_sdk::pubkey::Pubkey;
use restaking_tests::solana_sdk::signature::{Keypair, Signer};
use restaking_tests::*;

// ---- helpers -----------------------------------------------------------------------------

/// Reward tokens have 6 decimals.
const TOKEN: u64 = 1_000_000;

/// Replaces every occurrence of `from` among the instruction's accounts by `to`.
fn swap_account(ix: &mut Instruction, from: Pubkey, to: Pubkey) {
    let mut n = 0;
    for meta in ix.accounts.iter_mut().filter(|m| m.pubkey == from) {
        meta.pubkey = to;
        n += 1;
    }
    assert!(n > 0, "{from} is not an account of the instruction");
}

/// `ix` with `signer` no longer marked as signing.
fn unsigned(mut ix: Instruction, signer: Pubkey) -> Instruction {
    let mut n = 0;
    for meta in ix.accounts.iter_mut().filter(|m| m.pubkey == signer) {
        meta.is_signer = false;
        n += 1;
    }
    assert!(n > 0, "{signer} is not an account of the instruction");
    ix
}

/// Moves `amount` LST from `from` (owned by `owner`) straight into `to` with SPL Token.
fn token_transfer(from: Pubkey, to: Pubkey, owner: Pubkey, amount: u64) -> Instruction {
    spl_token::instruction::transfer(&spl_token::ID, &from, &to, &owner, &[], amount)
        .expect("transfer")
}

/// The full fixture: a 1:1 LST (pool A) and a second one (pool B); operator X with buckets in
/// both, a reward stream on its pool-A bucket and a linked service; Alice and Mallory each with
/// 100 LST deposited and 50 delegated to X, rewards funded, and Alice holding a `Withdraw`
/// ticket (nonce 0, 10 LST) and an `Undelegate` ticket (nonce 1, 10 shares).
struct World {
    env: Env,
    pool: TestPool,
    other: TestPool,
    x: TestOperator,
    x_other_bucket: Pubkey,
    stream: StreamKeys,
    svc: TestService,
    funder: User,
    alice: User,
    mallory: User,
    alice_rewards: Pubkey,
    withdraw_ticket: Pubkey,
    undelegate_ticket: Pubkey,
}

async fn world() -> World {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let other = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    env.ok(
        &[client::open_operator_pool(x.kp.pubkey(), other.keys.pool)],
        &[&x.kp],
    )
    .await;
    let x_other_bucket = client::operator_pool_pda(&x.operator, &other.keys.pool);
    let mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = env.add_stream(&x, mint).await;
    let svc = env.service(&pool, &x, 2_000).await;
    let alice = env.user(&pool, 100 * ONE).await;
    let mallory = env.user(&pool, 100 * ONE).await;
    for user in [&alice, &mallory] {
        env.deposit(&pool, user, 100 * ONE).await.unwrap();
        env.delegate(&pool, user, &x, 50 * ONE).await.unwrap();
    }
    let funder = env.funder(&mint, 10_000 * TOKEN).await;
    env.fund(&funder, &x, &stream, 1_000 * TOKEN).await.unwrap();
    let alice_rewards = env.create_token_account(&mint, &alice.key()).await;
    let withdraw_ticket = env
        .request_withdrawal(&pool, &alice, 10 * ONE)
        .await
        .unwrap();
    let undelegate_ticket = env.undelegate(&pool, &alice, &x, 10 * ONE).await.unwrap();
    World {
        env,
        pool,
        other,
        x,
        x_other_bucket,
        stream,
        svc,
        funder,
        alice,
        mallory,
        alice_rewards,
        withdraw_ticket,
        undelegate_ticket,
    }
}

impl World {
    fn position(&self, user: &User) -> Pubkey {
        self.pool.keys.position(&user.key())
    }

    fn delegation(&self, user: &User) -> Pubkey {
        client::delegation_pda(&self.position(user), &self.x.bucket)
    }

    /// Every account of the world an attack could touch.
    fn watched(&self) -> Vec<Pubkey> {
        let alice_position = self.position(&self.alice);
        let mallory_position = self.position(&self.mallory);
        vec![
            client::config_pda(),
            self.pool.keys.pool,
            self.pool.keys.vault,
            self.other.keys.pool,
            self.other.keys.vault,
            self.x.operator,
            self.x.bucket,
            self.x_other_bucket,
            self.stream.reward_index,
            self.stream.reward_vault,
            self.svc.service,
            self.svc.destination,
            client::service_link_pda(&self.svc.service, &self.x.operator),
            self.funder.lst_account,
            self.alice.key(),
            self.alice.lst_account,
            self.alice_rewards,
            alice_position,
            self.delegation(&self.alice),
            self.withdraw_ticket,
            self.undelegate_ticket,
            client::ticket_pda(&alice_position, 2),
            self.mallory.key(),
            self.mallory.lst_account,
            mallory_position,
            self.delegation(&self.mallory),
            client::ticket_pda(&mallory_position, 0),
        ]
    }

    /// Alice's claim with her delegation leg and her reward stream.
    fn alice_claim(&self) -> Instruction {
        let mut ix = client::claim_delegation(
            self.alice.key(),
            &self.pool.keys,
            self.alice.lst_account,
            Some(self.x.bucket),
        );
        ix.accounts
            .extend(self.stream.claim_group(self.alice_rewards));
        ix
    }

    fn reward_index_metas(&self) -> Vec<AccountMeta> {
        client::reward_index_metas(&self.x.bucket, &[self.stream.reward_mint])
    }
}

// ---- missing signer ------------------------------------------------------------------------

/// Every signer-gated instruction, sent with its signer's signature missing, fails with
/// `AccountNotSigner` and changes nothing.
#[tokio::test]
async fn attack_missing_signer() {
    let mut w = world().await;
    let updater = Keypair::new();
    let manual = w.env.manual_lst(updater.pubkey(), rate(1, 1)).await;
    let request = w.env.request_slash(&w.svc, &w.x, 1_000).await.unwrap();
    let mut watched = w.watched();
    watched.extend([manual.keys.pool, request]);
    let keys = w.pool.keys;
    let (alice, x, funder) = (w.alice.key(), w.x.kp.pubkey(), w.funder.key());
    let guardian = w.env.guardian.pubkey();
    let slasher = w.svc.slasher.pubkey();
    let nonce = w.env.bucket(&w.x).await.slash_nonce;
    let new_mint = w.env.create_mint(MintKind::Spl, 6).await;
    let new_stream = StreamKeys::new(w.x.bucket, new_mint, spl_token::ID);
    let operator_account = w.env.create_token_account(&w.stream.reward_mint, &x).await;
    let third = w.env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;

    let mut delegate = client::delegate(alice, &keys, w.x.operator, ONE);
    delegate.accounts.extend(w.reward_index_metas());
    let mut undelegate = client::undelegate(alice, &keys, w.x.bucket, 2, ONE, None);
    undelegate.accounts.extend(w.reward_index_metas());
    let cases: Vec<(Instruction, Pubkey)> = vec![
        (
            client::deposit(alice, &keys, w.alice.lst_account, ONE, 0),
            alice,
        ),
        (
            client::request_withdrawal(alice, &keys, 2, ONE, None),
            alice,
        ),
        (delegate, alice),
        (undelegate, alice),
        (
            client::complete_withdrawal(alice, &keys, w.withdraw_ticket, w.alice.lst_account),
            alice,
        ),
        (
            client::cancel_withdrawal(alice, &keys, w.withdraw_ticket),
            alice,
        ),
        (w.alice_claim(), alice),
        (client::close_position(alice, &keys), alice),
        (client::close_delegation(alice, &keys, w.x.bucket), alice),
        (
            client::update_operator(
                x,
                UpdateOperatorArgs {
                    commission_bps: Some(0),
                    ..Default::default()
                },
            ),
            x,
        ),
        (client::open_operator_pool(x, third.keys.pool), x),
        (
            client::add_reward_mint(x, w.x.operator, w.x.bucket, &new_stream),
            x,
        ),
        (client::claim_commission(x, &w.stream, operator_account), x),
        (client::link_service(x, w.svc.service, 5_000), x),
        (client::unlink_service(x, w.svc.service), x),
        (
            client::fund_rewards(funder, w.x.operator, &w.stream, w.funder.lst_account, TOKEN),
            funder,
        ),
        (
            client::request_slash(
                slasher,
                w.svc.service,
                w.x.operator,
                w.x.bucket,
                nonce,
                1_000,
                [0; 32],
            ),
            slasher,
        ),
        (
            client::veto_slash(
                guardian,
                w.x.bucket,
                request,
                client::service_link_pda(&w.svc.service, &w.x.operator),
            ),
            guardian,
        ),
        (client::set_pause(guardian, PAUSE_ALL), guardian),
        (
            client::push_rate(updater.pubkey(), manual.keys.pool, rate(101, 100)),
            updater.pubkey(),
        ),
    ];
    watched.extend([
        new_stream.reward_index,
        new_stream.reward_vault,
        operator_account,
    ]);
    for (ix, signer) in cases {
        let ix = unsigned(ix, signer);
        w.env
            .fails(&[ix], &[], &watched, Anchor::AccountNotSigner)
            .await;
    }
}

// ---- type cosplay --------------------------------------------------------------------------

/// An account of one program type passed where another is expected fails Anchor's
/// discriminator check; a token account passed as program state fails its owner check.
#[tokio::test]
async fn attack_type_cosplay() {
    let mut w = world().await;
    let watched = w.watched();
    let keys = w.pool.keys;
    let alice = w.alice.key();
    let signer = w.alice.kp.insecure_clone();
    let a = Anchor::AccountDiscriminatorMismatch;

    // a Pool as a Position
    let mut ix = client::claim(alice, &keys, w.alice.lst_account);
    swap_account(&mut ix, w.position(&w.alice), keys.pool);
    w.env.fails(&[ix], &[&signer], &watched, a).await;
    // an OperatorPool as a Position
    let mut ix = client::deposit(alice, &keys, w.alice.lst_account, ONE, 0);
    swap_account(&mut ix, w.position(&w.alice), w.x.bucket);
    w.env.fails(&[ix], &[&signer], &watched, a).await;
    // an OperatorPool as a Delegation, in claim and in undelegate
    let mut ix = w.alice_claim();
    swap_account(&mut ix, w.delegation(&w.alice), w.x.bucket);
    w.env.fails(&[ix], &[&signer], &watched, a).await;
    let mut ix = client::undelegate(alice, &keys, w.x.bucket, 2, ONE, None);
    swap_account(&mut ix, w.delegation(&w.alice), w.x.bucket);
    w.env.fails(&[ix], &[&signer], &watched, a).await;
    // a Position as a WithdrawalTicket
    let ix = client::complete_withdrawal(alice, &keys, w.position(&w.alice), w.alice.lst_account);
    w.env.fails(&[ix], &[&signer], &watched, a).await;
    // a Delegation as a WithdrawalTicket
    let ix = client::cancel_withdrawal(alice, &keys, w.delegation(&w.alice));
    w.env.fails(&[ix], &[&signer], &watched, a).await;
    // an OperatorPool as a RewardIndex, in fund_rewards and in a claim group
    let mut ix = client::fund_rewards(
        w.funder.key(),
        w.x.operator,
        &w.stream,
        w.funder.lst_account,
        TOKEN,
    );
    swap_account(&mut ix, w.stream.reward_index, w.x.bucket);
    let funder = w.funder.kp.insecure_clone();
    w.env.fails(&[ix], &[&funder], &watched, a).await;
    let mut ix = client::claim_delegation(alice, &keys, w.alice.lst_account, Some(w.x.bucket));
    let mut group = w.stream.claim_group(w.alice_rewards);
    group[0] = AccountMeta::new(w.x_other_bucket, false);
    ix.accounts.extend(group);
    w.env.fails(&[ix], &[&signer], &watched, a).await;
    // a ServiceLink as a SlashRequest
    let link = client::service_link_pda(&w.svc.service, &w.x.operator);
    let ix = client::execute_slash(&keys, w.x.bucket, link, w.svc.service, w.svc.destination);
    w.env.fails(&[ix], &[], &watched, a).await;
    // an Operator as a Service
    let ix = client::link_service(w.x.kp.pubkey(), w.x.operator, 5_000);
    let op = w.x.kp.insecure_clone();
    w.env.fails(&[ix], &[&op], &watched, a).await;

    // the pool vault (a token account) as the Pool
    let mut ix = client::claim(alice, &keys, w.alice.lst_account);
    swap_account(&mut ix, keys.pool, keys.vault);
    w.env
        .fails(
            &[ix],
            &[&signer],
            &watched,
            Anchor::AccountOwnedByWrongProgram,
        )
        .await;
}

// ---- PDA substitution ----------------------------------------------------------------------

/// Mallory names Alice's delegation, tickets and position in her own instructions, and a
/// bucket or stream of another pool or bucket is named for this one.
#[tokio::test]
async fn attack_pda_substitution() {
    let mut w = world().await;
    w.env.advance_time(WITHDRAWAL_DELAY).await;
    let keys = w.pool.keys;
    let m = w.mallory.kp.insecure_clone();
    let mallory = m.pubkey();
    let alice_position = w.position(&w.alice);
    let mallory_position = w.position(&w.mallory);
    let alice_delegation = w.delegation(&w.alice);
    let mallory_delegation = w.delegation(&w.mallory);
    let watched = w.watched();

    // another user's delegation
    let mut ix = client::claim_delegation(mallory, &keys, w.mallory.lst_account, Some(w.x.bucket));
    swap_account(&mut ix, mallory_delegation, alice_delegation);
    w.env
        .fails(&[ix], &[&m], &watched, RestakingError::WrongDelegation)
        .await;
    // ... and, for delegate, a new record at an address that is not the (position, bucket) PDA
    for (mut ix, substitute) in [
        (
            client::undelegate(mallory, &keys, w.x.bucket, 0, ONE, None),
            alice_delegation,
        ),
        (
            client::delegate(mallory, &keys, w.x.operator, ONE),
            alice_delegation,
        ),
        (
            client::delegate(mallory, &keys, w.x.operator, ONE),
            Pubkey::new_unique(),
        ),
    ] {
        ix.accounts.extend(w.reward_index_metas());
        swap_account(&mut ix, mallory_delegation, substitute);
        w.env
            .fails(&[ix], &[&m], &watched, RestakingError::WrongDelegation)
            .await;
    }
    // Alice's own Undelegate ticket completed against Mallory's delegation
    let mut ix = client::complete_ticket(
        w.alice.key(),
        &keys,
        w.undelegate_ticket,
        w.alice.lst_account,
        Some(w.x.bucket),
    );
    swap_account(&mut ix, alice_delegation, mallory_delegation);
    let a = w.alice.kp.insecure_clone();
    w.env
        .fails(&[ix], &[&a], &watched, RestakingError::WrongDelegation)
        .await;

    // another user's tickets
    let ix = client::complete_withdrawal(mallory, &keys, w.withdraw_ticket, w.mallory.lst_account);
    w.env
        .fails(&[ix], &[&m], &watched, RestakingError::WrongTicket)
        .await;
    let ix = client::cancel_withdrawal(mallory, &keys, w.withdraw_ticket);
    w.env
        .fails(&[ix], &[&m], &watched, RestakingError::WrongTicket)
        .await;
    let ix = client::complete_ticket(
        mallory,
        &keys,
        w.undelegate_ticket,
        w.mallory.lst_account,
        Some(w.x.bucket),
    );
    w.env
        .fails(&[ix], &[&m], &watched, RestakingError::WrongTicket)
        .await;

    // another user's position
    let mut ix = client::claim(mallory, &keys, w.mallory.lst_account);
    swap_account(&mut ix, mallory_position, alice_position);
    w.env
        .fails(&[ix], &[&m], &watched, RestakingError::NotPositionOwner)
        .await;
    let mut ix = client::claim_delegation(mallory, &keys, w.mallory.lst_account, Some(w.x.bucket));
    swap_account(&mut ix, mallory_position, alice_position);
    swap_account(&mut ix, mallory_delegation, alice_delegation);
    w.env
        .fails(&[ix], &[&m], &watched, RestakingError::NotPositionOwner)
        .await;
    let mut ix = client::request_withdrawal(mallory, &keys, 0, ONE, None);
    swap_account(&mut ix, mallory_position, alice_position);
    swap_account(
        &mut ix,
        client::ticket_pda(&mallory_position, 0),
        client::ticket_pda(&alice_position, 2),
    );
    w.env
        .fails(&[ix], &[&m], &watched, RestakingError::NotPositionOwner)
        .await;
    let mut ix = client::undelegate(mallory, &keys, w.x.bucket, 0, ONE, None);
    ix.accounts.extend(w.reward_index_metas());
    swap_account(&mut ix, mallory_position, alice_position);
    swap_account(&mut ix, mallory_delegation, alice_delegation);
    swap_account(
        &mut ix,
        client::ticket_pda(&mallory_position, 0),
        client::ticket_pda(&alice_position, 2),
    );
    w.env
        .fails(&[ix], &[&m], &watched, RestakingError::NotPositionOwner)
        .await;
    let mut ix = client::close_delegation(mallory, &keys, w.x.bucket);
    swap_account(&mut ix, mallory_position, alice_position);
    swap_account(&mut ix, mallory_delegation, alice_delegation);
    w.env
        .fails(&[ix], &[&m], &watched, RestakingError::NotPositionOwner)
        .await;

    // a bucket of another pool
    let mut ix = client::delegate(w.alice.key(), &keys, w.x.operator, ONE);
    swap_account(&mut ix, w.x.bucket, w.x_other_bucket);
    swap_account(
        &mut ix,
        alice_delegation,
        client::delegation_pda(&alice_position, &w.x_other_bucket),
    );
    w.env
        .fails(&[ix], &[&a], &watched, RestakingError::WrongPool)
        .await;
    let mut ix =
        client::claim_delegation(w.alice.key(), &keys, w.alice.lst_account, Some(w.x.bucket));
    swap_account(&mut ix, w.x.bucket, w.x_other_bucket);
    w.env
        .fails(&[ix], &[&a], &watched, RestakingError::WrongPool)
        .await;
    let mut ix = client::undelegate(w.alice.key(), &keys, w.x.bucket, 2, ONE, None);
    swap_account(&mut ix, w.x.bucket, w.x_other_bucket);
    w.env
        .fails(&[ix], &[&a], &watched, RestakingError::WrongPool)
        .await;
    let ix = client::harvest_accounts(&keys, None, Some(w.x_other_bucket));
    w.env
        .fails(&[ix], &[], &watched, RestakingError::WrongPool)
        .await;

    // a reward stream of another bucket named for X's pool-A bucket
    let x_b = TestOperator {
        kp: w.x.kp.insecure_clone(),
        operator: w.x.operator,
        bucket: w.x_other_bucket,
    };
    let foreign = w.env.add_stream(&x_b, w.stream.reward_mint).await;
    let mut ix = client::fund_rewards(
        w.funder.key(),
        w.x.operator,
        &w.stream,
        w.funder.lst_account,
        TOKEN,
    );
    swap_account(&mut ix, w.stream.reward_index, foreign.reward_index);
    swap_account(&mut ix, w.stream.reward_vault, foreign.reward_vault);
    let funder = w.funder.kp.insecure_clone();
    let mut watched = watched;
    watched.extend([foreign.reward_index, foreign.reward_vault]);
    w.env
        .fails(
            &[ix],
            &[&funder],
            &watched,
            RestakingError::RewardStreamMismatch,
        )
        .await;

    // a pending slash of X's pool-A bucket executed against its pool-B bucket
    let request = w.env.request_slash(&w.svc, &w.x, 1_000).await.unwrap();
    w.env.advance_time(VETO_SECS).await;
    w.env.set_rate(&w.pool, ONE, ONE).await;
    let mut ix =
        client::execute_slash(&keys, w.x.bucket, request, w.svc.service, w.svc.destination);
    swap_account(&mut ix, w.x.bucket, w.x_other_bucket);
    watched.push(request);
    w.env
        .fails(&[ix], &[], &watched, RestakingError::WrongPool)
        .await;
}

// ---- duplicate mutable accounts ------------------------------------------------------------

/// A vault named as the user's own source or destination is refused with the program's named
/// error; the same stream group twice in one claim pays once.
///
/// The program marks its writable fields `dup` (Anchor's own `HashSet` check costs ~840 CU an
/// account) and tells every pair of writable token accounts apart itself; this test passes
/// each such pair and expects `InvalidVault` / `InvalidRewardVault` /
/// `InvalidTreasuryAccount` / `InvalidSlashDestination`.
#[tokio::test]
async fn attack_duplicate_mutable_accounts() {
    let mut w = world().await;
    w.env.advance_time(WITHDRAWAL_DELAY).await;
    let keys = w.pool.keys;
    let alice = w.alice.key();
    let a = w.alice.kp.insecure_clone();
    let watched = w.watched();

    // the pool vault as the user's LST account
    let ix = client::claim(alice, &keys, keys.vault);
    w.env
        .fails(&[ix], &[&a], &watched, RestakingError::InvalidVault)
        .await;
    let ix = client::complete_withdrawal(alice, &keys, w.withdraw_ticket, keys.vault);
    w.env
        .fails(&[ix], &[&a], &watched, RestakingError::InvalidVault)
        .await;
    let ix = client::deposit(alice, &keys, keys.vault, ONE, 0);
    w.env
        .fails(&[ix], &[&a], &watched, RestakingError::InvalidVault)
        .await;

    // the reward vault as the claimant's reward account
    let mut ix = client::claim_delegation(alice, &keys, w.alice.lst_account, Some(w.x.bucket));
    ix.accounts
        .extend(w.stream.claim_group(w.stream.reward_vault));
    w.env
        .fails(&[ix], &[&a], &watched, RestakingError::InvalidRewardVault)
        .await;
    // the reward vault as the funder's source
    let ix = client::fund_rewards(
        w.funder.key(),
        w.x.operator,
        &w.stream,
        w.stream.reward_vault,
        TOKEN,
    );
    let funder = w.funder.kp.insecure_clone();
    w.env
        .fails(
            &[ix],
            &[&funder],
            &watched,
            RestakingError::InvalidRewardVault,
        )
        .await;
    let ix = client::claim_commission(w.x.kp.pubkey(), &w.stream, w.stream.reward_vault);
    let op = w.x.kp.insecure_clone();
    w.env
        .fails(&[ix], &[&op], &watched, RestakingError::InvalidRewardVault)
        .await;
    let ix = client::claim_protocol_fees(&w.stream, w.stream.reward_vault);
    w.env
        .fails(&[ix], &[], &watched, RestakingError::InvalidTreasuryAccount)
        .await;

    // the pool vault as the service's destination
    let request = w.env.request_slash(&w.svc, &w.x, 1_000).await.unwrap();
    w.env.advance_time(VETO_SECS).await;
    w.env.set_rate(&w.pool, ONE, ONE).await;
    let ix = client::execute_slash(&keys, w.x.bucket, request, w.svc.service, keys.vault);
    let mut with_request = watched.clone();
    with_request.push(request);
    w.env
        .fails(
            &[ix],
            &[],
            &with_request,
            RestakingError::InvalidSlashDestination,
        )
        .await;

    // the same stream group twice: paid once. Alice held 50 of 100 shares when 900 were
    // spread, so she is owed 450.
    let mut ix = w.alice_claim();
    ix.accounts.extend(w.stream.claim_group(w.alice_rewards));
    w.env.ok(&[ix], &[&a]).await;
    assert_eq!(w.env.token_balance(&w.alice_rewards).await, 450 * TOKEN);
    let index = w.env.reward_index(&w.stream).await;
    assert_eq!(index.total_paid, 450 * TOKEN);
    assert!(w.env.token_balance(&w.stream.reward_vault).await >= index.obligations().unwrap());
}

// ---- reinitialisation ----------------------------------------------------------------------

/// Creating any account a second time fails with `AccountAlreadyExists`, whoever tries, and
/// leaves the original untouched.
#[tokio::test]
async fn attack_reinitialisation() {
    let mut w = world().await;
    let watched = w.watched();
    let mallory = w.mallory.kp.insecure_clone();
    let admin = w.env.admin.insecure_clone();
    let exists = RestakingError::AccountAlreadyExists;

    // the config, by the admin and by Mallory making herself admin and guardian
    let args = w.env.default_config_args();
    let ix = client::initialize_config(admin.pubkey(), args);
    w.env.fails(&[ix], &[&admin], &watched, exists).await;
    let mut args = w.env.default_config_args();
    args.guardian = mallory.pubkey();
    args.treasury = mallory.pubkey();
    let ix = client::initialize_config(mallory.pubkey(), args);
    w.env.fails(&[ix], &[&mallory], &watched, exists).await;
    let config: restaking::state::Config = w.env.state(&client::config_pda()).await;
    assert_eq!(config.admin, admin.pubkey());

    // a pool
    let source = RateSource::SplStakePool {
        stake_pool: w.pool.keys.rate_source.unwrap(),
    };
    let ix = client::add_pool(admin.pubkey(), &w.pool.keys, Env::pool_args(source, 0));
    w.env.fails(&[ix], &[&admin], &watched, exists).await;
    // a position, with deposits and tickets in it
    let ix = client::open_position(w.alice.key(), &w.pool.keys);
    let a = w.alice.kp.insecure_clone();
    w.env.fails(&[ix], &[&a], &watched, exists).await;
    // an operator, its bucket, its stream
    let op = w.x.kp.insecure_clone();
    let ix = client::register_operator(op.pubkey(), 0, "https://reset.example");
    w.env.fails(&[ix], &[&op], &watched, exists).await;
    let ix = client::open_operator_pool(op.pubkey(), w.pool.keys.pool);
    w.env.fails(&[ix], &[&op], &watched, exists).await;
    let ix = client::add_reward_mint(op.pubkey(), w.x.operator, w.x.bucket, &w.stream);
    w.env.fails(&[ix], &[&op], &watched, exists).await;
    let ix = client::add_reward_mint(admin.pubkey(), w.x.operator, w.x.bucket, &w.stream);
    w.env.fails(&[ix], &[&admin], &watched, exists).await;
    // a service
    let authority = w.svc.authority.insecure_clone();
    let ix = client::register_service(
        authority.pubkey(),
        mallory.pubkey(),
        mallory.pubkey(),
        "https://reset.example",
    );
    w.env.fails(&[ix], &[&authority], &watched, exists).await;
}

// ---- closing and revival -------------------------------------------------------------------

/// A completed ticket is gone for good: completing or cancelling it again fails, even after
/// Mallory sends lamports to its address to make it look alive, and nothing moves.
#[tokio::test]
async fn attack_closing_and_revival_ticket() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    let ticket = env
        .request_withdrawal(&pool, &alice, 40 * ONE)
        .await
        .unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_withdrawal(&pool, &alice, ticket)
        .await
        .unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, 40 * ONE);

    let position = pool.keys.position(&alice.key());
    let watched = [
        alice.key(),
        alice.lst_account,
        pool.keys.pool,
        pool.keys.vault,
        position,
        ticket,
    ];
    let complete = client::complete_withdrawal(alice.key(), &pool.keys, ticket, alice.lst_account);
    let cancel = client::cancel_withdrawal(alice.key(), &pool.keys, ticket);
    env.fails(
        std::slice::from_ref(&complete),
        &[&alice.kp],
        &watched,
        Anchor::AccountNotInitialized,
    )
    .await;

    env.airdrop(&ticket, ONE).await;
    assert!(env.exists(&ticket).await);
    env.fails(
        std::slice::from_ref(&complete),
        &[&alice.kp],
        &watched,
        Anchor::AccountOwnedByWrongProgram,
    )
    .await;
    env.fails(
        &[cancel],
        &[&alice.kp],
        &watched,
        Anchor::AccountOwnedByWrongProgram,
    )
    .await;
    let p = env.position(&pool, &alice).await;
    assert_eq!(
        (p.idle_lst, p.open_tickets, p.ticket_nonce),
        (60 * ONE, 0, 1)
    );
    // the next ticket takes the next nonce, never the revived address
    let next = env.request_withdrawal(&pool, &alice, ONE).await.unwrap();
    assert_ne!(next, ticket);
}

/// A closed position is gone; reopening it (even at an address Mallory pre-funded) gives a
/// fresh, empty position that owns nothing of the old one.
#[tokio::test]
async fn attack_closing_and_revival_position() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let alice = env.user(&pool, 100 * ONE).await;
    let bob = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &bob, 100 * ONE).await.unwrap();
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    let ticket = env
        .request_withdrawal(&pool, &alice, 100 * ONE)
        .await
        .unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_withdrawal(&pool, &alice, ticket)
        .await
        .unwrap();
    let position = pool.keys.position(&alice.key());
    env.ok(
        &[client::close_position(alice.key(), &pool.keys)],
        &[&alice.kp],
    )
    .await;
    assert!(!env.exists(&position).await);

    let watched = [
        alice.key(),
        alice.lst_account,
        pool.keys.pool,
        pool.keys.vault,
        position,
        ticket,
    ];
    let claim = client::claim(alice.key(), &pool.keys, alice.lst_account);
    env.fails(
        std::slice::from_ref(&claim),
        &[&alice.kp],
        &watched,
        Anchor::AccountNotInitialized,
    )
    .await;
    env.airdrop(&position, ONE).await;
    env.fails(
        &[claim],
        &[&alice.kp],
        &watched,
        Anchor::AccountOwnedByWrongProgram,
    )
    .await;
    let ix = client::request_withdrawal(alice.key(), &pool.keys, 0, ONE, None);
    env.fails(
        &[ix],
        &[&alice.kp],
        &watched,
        Anchor::AccountOwnedByWrongProgram,
    )
    .await;

    env.ok(
        &[client::open_position(alice.key(), &pool.keys)],
        &[&alice.kp],
    )
    .await;
    let p = env.position(&pool, &alice).await;
    assert_eq!(
        (
            p.idle_lst,
            p.idle_principal,
            p.unclaimed_yield,
            p.ticket_nonce,
            p.open_tickets,
            p.open_delegations
        ),
        (0, 0, 0, 0, 0, 0)
    );
    // it owns nothing: Bob's 100 stays Bob's
    let ix = client::request_withdrawal(alice.key(), &pool.keys, 0, 1, None);
    let watched = [
        alice.key(),
        pool.keys.pool,
        pool.keys.vault,
        position,
        client::ticket_pda(&position, 0),
    ];
    env.fails(
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InsufficientIdle,
    )
    .await;
    assert_eq!(env.token_balance(&pool.keys.vault).await, 100 * ONE);
    assert_eq!(env.pool(&pool).await.position_count, 2);
}

/// A closed delegation cannot be used — not closed, nor after lamports are sent to its
/// address — and delegating again creates a fresh record that earns nothing of what was
/// funded while Alice was away.
#[tokio::test]
async fn attack_closing_and_revival_delegation() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 0).await;
    let mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = env.add_stream(&x, mint).await;
    let funder = env.funder(&mint, 10_000 * TOKEN).await;
    let alice = env.user(&pool, 100 * ONE).await;
    let bob = env.user(&pool, 100 * ONE).await;
    for user in [&alice, &bob] {
        env.deposit(&pool, user, 100 * ONE).await.unwrap();
        env.delegate(&pool, user, &x, 100 * ONE).await.unwrap();
    }
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
    let position = pool.keys.position(&alice.key());
    let delegation = client::delegation_pda(&position, &x.bucket);
    assert!(!env.exists(&delegation).await);
    // funded while Alice is away: Bob's alone
    env.fund(&funder, &x, &stream, 1_000 * TOKEN).await.unwrap();

    let alice_rewards = env.create_token_account(&mint, &alice.key()).await;
    let watched = [
        alice.key(),
        alice.lst_account,
        alice_rewards,
        pool.keys.pool,
        pool.keys.vault,
        position,
        delegation,
        x.bucket,
        stream.reward_index,
        stream.reward_vault,
    ];
    let mut claim =
        client::claim_delegation(alice.key(), &pool.keys, alice.lst_account, Some(x.bucket));
    claim.accounts.extend(stream.claim_group(alice_rewards));
    let mut undelegate = client::undelegate(alice.key(), &pool.keys, x.bucket, 1, ONE, None);
    undelegate
        .accounts
        .extend(client::reward_index_metas(&x.bucket, &[mint]));
    let close = client::close_delegation(alice.key(), &pool.keys, x.bucket);
    for ix in [&claim, &undelegate, &close] {
        env.fails(
            std::slice::from_ref(ix),
            &[&alice.kp],
            &watched,
            Anchor::AccountNotInitialized,
        )
        .await;
    }
    env.airdrop(&delegation, ONE).await;
    for ix in [&claim, &undelegate, &close] {
        env.fails(
            std::slice::from_ref(ix),
            &[&alice.kp],
            &watched,
            Anchor::AccountOwnedByWrongProgram,
        )
        .await;
    }

    // delegating again revives a fresh record at the current index
    env.delegate(&pool, &alice, &x, 100 * ONE).await.unwrap();
    let d = env.delegation(&pool, &alice, &x).await;
    assert_eq!(d.shares, 100 * ONE);
    assert_eq!(
        d.reward_checkpoints[0],
        env.reward_index(&stream).await.acc_per_share
    );
    assert_eq!(env.position(&pool, &alice).await.open_delegations, 1);
    env.claim_streams(&pool, &alice, &x, &[(stream, alice_rewards)])
        .await
        .unwrap();
    assert_eq!(env.token_balance(&alice_rewards).await, 0);
    env.fund(&funder, &x, &stream, 1_000 * TOKEN).await.unwrap();
    env.claim_streams(&pool, &alice, &x, &[(stream, alice_rewards)])
        .await
        .unwrap();
    assert_eq!(env.token_balance(&alice_rewards).await, 500 * TOKEN);
}

/// Lamports Mallory sends to an address before it exists: at least what a system transfer may
/// leave in a new, empty account (its rent-exempt minimum, 890,880).
const PREFUND: u64 = 1_000_000;

/// Anyone can send lamports to an address before the program creates an account there. No
/// such pre-funding may block a user's next position, ticket or delegation, an operator's
/// registration, bucket or stream, a service, its link or a slash request, or a pool.
#[tokio::test]
async fn attack_closing_and_revival_prefunded_addresses() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;

    // a pool at a pre-funded address, with a pre-funded vault
    let mint = env.create_mint(MintKind::Spl, 9).await;
    let stake_pool = Pubkey::new_unique();
    env.set_stake_pool(&stake_pool, &mint, ONE, ONE).await;
    let source = RateSource::SplStakePool { stake_pool };
    let keys = PoolKeys::new(mint, spl_token::ID, &source);
    env.airdrop(&keys.pool, PREFUND).await;
    env.airdrop(&keys.vault, PREFUND).await;
    let fresh = env.add_pool(mint, MintKind::Spl, source, 0).await;
    assert_eq!(env.token_balance(&fresh.keys.vault).await, 0);

    // a user's position, first ticket and delegation
    let bob = Keypair::new();
    env.airdrop(&bob.pubkey(), 10 * ONE).await;
    let position = pool.keys.position(&bob.pubkey());
    env.airdrop(&position, PREFUND).await;
    env.ok(&[client::open_position(bob.pubkey(), &pool.keys)], &[&bob])
        .await;
    let bob_lst = env
        .create_token_account(&pool.keys.lst_mint, &bob.pubkey())
        .await;
    env.mint_to(&pool.keys.lst_mint, &bob_lst, 100 * ONE).await;
    let bob_user = User {
        kp: bob,
        lst_account: bob_lst,
    };
    env.deposit(&pool, &bob_user, 100 * ONE).await.unwrap();
    env.airdrop(&client::ticket_pda(&position, 0), PREFUND)
        .await;
    env.request_withdrawal(&pool, &bob_user, ONE).await.unwrap();

    // an operator, its bucket, its stream
    let op = Keypair::new();
    env.airdrop(&op.pubkey(), 10 * ONE).await;
    let operator = client::operator_pda(&op.pubkey());
    let bucket = client::operator_pool_pda(&operator, &pool.keys.pool);
    env.airdrop(&operator, PREFUND).await;
    env.airdrop(&bucket, PREFUND).await;
    env.ok(
        &[
            client::register_operator(op.pubkey(), 1_000, "https://operator.example"),
            client::open_operator_pool(op.pubkey(), pool.keys.pool),
        ],
        &[&op],
    )
    .await;
    let x = TestOperator {
        kp: op,
        operator,
        bucket,
    };
    let reward_mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = StreamKeys::new(bucket, reward_mint, spl_token::ID);
    env.airdrop(&stream.reward_index, PREFUND).await;
    env.airdrop(&stream.reward_vault, PREFUND).await;
    env.add_stream(&x, reward_mint).await;
    env.airdrop(&client::delegation_pda(&position, &bucket), PREFUND)
        .await;
    env.delegate(&pool, &bob_user, &x, 50 * ONE).await.unwrap();
    assert_eq!(env.delegation(&pool, &bob_user, &x).await.shares, 50 * ONE);
    env.airdrop(&client::ticket_pda(&position, 1), PREFUND)
        .await;
    env.undelegate(&pool, &bob_user, &x, ONE).await.unwrap();

    // a service, its link and a slash request
    let authority = Keypair::new();
    env.airdrop(&authority.pubkey(), ONE).await;
    let service = client::service_pda(&authority.pubkey());
    env.airdrop(&service, PREFUND).await;
    env.ok(
        &[client::register_service(
            authority.pubkey(),
            authority.pubkey(),
            authority.pubkey(),
            "https://service.example",
        )],
        &[&authority],
    )
    .await;
    env.airdrop(&client::service_link_pda(&service, &operator), PREFUND)
        .await;
    env.ok(
        &[client::link_service(x.kp.pubkey(), service, 1_000)],
        &[&x.kp],
    )
    .await;
    let request = client::slash_request_pda(&bucket, &service, 0);
    env.airdrop(&request, PREFUND).await;
    env.ok(
        &[client::request_slash(
            authority.pubkey(),
            service,
            operator,
            bucket,
            0,
            1_000,
            [0; 32],
        )],
        &[&authority],
    )
    .await;
    let now = env.clock().await.unix_timestamp;
    assert_eq!(env.bucket(&x).await.live_slashes(now), 1);
}

// ---- first-depositor inflation -------------------------------------------------------------

/// Mallory is first in X's empty bucket with 1 base unit, then tries to skew the bucket:
/// harvests, donations of LST straight to the pool vault, delegating and undelegating more.
/// A donation changes no position or bucket; Alice then delegates 100 LST and can take back
/// at least 100 LST − 1; Mallory ends with no more than she put in.
#[tokio::test]
async fn attack_first_depositor_inflation() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 0).await;
    let mallory = env.user(&pool, 10_000 * ONE).await;
    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &mallory, 10 * ONE).await.unwrap();
    env.delegate(&pool, &mallory, &x, 1).await.unwrap();
    assert_eq!(env.bucket(&x).await.total_shares, 1);

    // harvests of a 1-unit bucket strip nothing
    env.harvest_bucket(&pool, &x).await.unwrap();
    // a donation straight to the vault: no account of the program changes
    let mallory_position = pool.keys.position(&mallory.key());
    let alice_position = pool.keys.position(&alice.key());
    let state = [pool.keys.pool, x.bucket, mallory_position, alice_position];
    let before = env.snapshot(&state).await;
    env.ok(
        &[token_transfer(
            mallory.lst_account,
            pool.keys.vault,
            mallory.key(),
            5_000 * ONE,
        )],
        &[&mallory.kp],
    )
    .await;
    assert_eq!(env.snapshot(&state).await, before, "a donation moved state");
    env.harvest_bucket(&pool, &x).await.unwrap();
    env.ok(&[client::harvest(&pool.keys, mallory_position)], &[])
        .await;
    assert_eq!(
        env.snapshot(&state).await,
        before,
        "a harvest used the donation"
    );
    // delegate a lot and take it back, leaving the 1 unit
    env.delegate(&pool, &mallory, &x, 5 * ONE).await.unwrap();
    let t = env.undelegate(&pool, &mallory, &x, 5 * ONE).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_undelegation(&pool, &mallory, &x, t)
        .await
        .unwrap();
    let b = env.bucket(&x).await;
    assert_eq!((b.total_shares, b.total_lst, b.total_principal), (1, 1, 1));

    // the victim
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    env.delegate(&pool, &alice, &x, 100 * ONE).await.unwrap();
    assert_eq!(env.delegation(&pool, &alice, &x).await.shares, 100 * ONE);
    env.harvest_bucket(&pool, &x).await.unwrap();
    let shares = env.delegation(&pool, &alice, &x).await.shares;
    let t = env.undelegate(&pool, &alice, &x, shares).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_undelegation(&pool, &alice, &x, t)
        .await
        .unwrap();
    env.claim_delegation(&pool, &alice, &x).await.unwrap();
    let back = env.position(&pool, &alice).await.idle_lst;
    assert!(back >= 100 * ONE - 1, "Alice got back {back}");
    assert_eq!(
        env.token_balance(&alice.lst_account).await,
        0,
        "no yield at a flat rate"
    );

    // Mallory leaves with what she has: never more than she put in
    let shares = env.delegation(&pool, &mallory, &x).await.shares;
    let t = env.undelegate(&pool, &mallory, &x, shares).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_undelegation(&pool, &mallory, &x, t)
        .await
        .unwrap();
    env.claim_delegation(&pool, &mallory, &x).await.unwrap();
    let m = env.position(&pool, &mallory).await;
    let mallory_wallet = env.token_balance(&mallory.lst_account).await;
    assert!(m.idle_lst + mallory_wallet <= 10_000 * ONE - 5_000 * ONE);
    let p = env.pool(&pool).await;
    assert!(env.token_balance(&pool.keys.vault).await >= p.obligations().unwrap());
}

/// Seeding an empty bucket with a unit worth nothing (rate 0.5: 1 base unit carries a
/// principal of 0) would let the next harvest strip the bucket's only LST and leave its share
/// backed by nothing, depleting the bucket for everyone: refused with `ZeroValue`.
#[tokio::test]
async fn attack_first_depositor_worthless_seed() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, 2 * ONE).await;
    let x = env.operator(&pool, 0).await;
    let mallory = env.user(&pool, 10).await;
    env.deposit(&pool, &mallory, 3).await.unwrap();
    let position = pool.keys.position(&mallory.key());
    assert_eq!(env.position(&pool, &mallory).await.idle_principal, 1);
    let ix = client::delegate(mallory.key(), &pool.keys, x.operator, 1);
    let watched = [
        pool.keys.pool,
        pool.keys.vault,
        position,
        x.bucket,
        client::delegation_pda(&position, &x.bucket),
    ];
    env.fails(&[ix], &[&mallory.kp], &watched, RestakingError::ZeroValue)
        .await;
    // two units carry a principal of 1: accepted, and a victim can still enter
    env.delegate(&pool, &mallory, &x, 2).await.unwrap();
    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    env.delegate(&pool, &alice, &x, 100 * ONE).await.unwrap();
    env.harvest_bucket(&pool, &x).await.unwrap();
    assert!(env.delegated_lst(&pool, &alice, &x).await >= 100 * ONE - 1);
}

/// The same attack with a harvest at a risen rate: Mallory's 1 unit entered at 1.00, the rate
/// is 1.50 when Alice deposits and delegates 100 LST, and it stays there. Nothing Alice holds
/// earned any base yield, so undelegating must give her back at least 100 LST − 1 — and in
/// any case Mallory gains nothing from her.
#[tokio::test]
async fn attack_first_depositor_inflation_at_risen_rate() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 0).await;
    let mallory = env.user(&pool, 10 * ONE).await;
    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &mallory, 10 * ONE).await.unwrap();
    env.delegate(&pool, &mallory, &x, 1).await.unwrap();
    env.set_rate(&pool, 3 * ONE, 2 * ONE).await;
    env.harvest_bucket(&pool, &x).await.unwrap();
    assert_eq!(env.bucket(&x).await.total_lst, 1, "1 unit strips nothing");

    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    env.delegate(&pool, &alice, &x, 100 * ONE).await.unwrap();
    let shares = env.delegation(&pool, &alice, &x).await.shares;
    let t = env.undelegate(&pool, &alice, &x, shares).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_undelegation(&pool, &alice, &x, t)
        .await
        .unwrap();
    env.claim_delegation(&pool, &alice, &x).await.unwrap();
    let idle = env.position(&pool, &alice).await.idle_lst;
    let claimed = env.token_balance(&alice.lst_account).await;
    // what is never in doubt: Alice's LST is all hers, up to 1 base unit
    assert!(idle + claimed >= 100 * ONE - 1, "{idle} + {claimed}");
    // SPEC: no base yield was earned, so it all comes back as principal
    assert!(idle >= 100 * ONE - 1, "Alice undelegated only {idle}");
}

// ---- fake rate sources ---------------------------------------------------------------------

/// Ways the stake-pool account can be faked, and the error each must produce.
#[derive(Clone, Copy, Debug)]
enum Fake {
    /// Not passed at all.
    Missing,
    /// Another, well-formed stake-pool account at another address.
    OtherAddress,
    /// The configured address, owned by another program.
    WrongOwner,
    /// The configured address and owner, describing another mint.
    OtherMint,
    /// Last updated in an earlier epoch.
    Stale,
    /// The configured address and owner, not a stake pool at all.
    Garbage,
}

impl Fake {
    const ALL: [Fake; 6] = [
        Fake::Missing,
        Fake::OtherAddress,
        Fake::WrongOwner,
        Fake::OtherMint,
        Fake::Stale,
        Fake::Garbage,
    ];

    fn error(self) -> RestakingError {
        match self {
            Fake::Missing => RestakingError::RateSourceMissing,
            Fake::OtherAddress => RestakingError::RateSourceMismatch,
            Fake::WrongOwner => RestakingError::InvalidRateSourceOwner,
            Fake::OtherMint => RestakingError::RateSourceMintMismatch,
            Fake::Stale => RestakingError::StaleRate,
            Fake::Garbage => RestakingError::MalformedRateSource,
        }
    }

    /// Puts the fake in place (at a doubled rate, the attacker's point); returns the keys an
    /// instruction should be built with.
    async fn apply(self, env: &mut Env, pool: &TestPool) -> PoolKeys {
        let source = pool.keys.rate_source.expect("stake-pool priced");
        let mint = pool.keys.lst_mint;
        let mut keys = pool.keys;
        match self {
            Fake::Missing => keys.rate_source = None,
            Fake::OtherAddress => {
                let impostor = Pubkey::new_unique();
                env.set_stake_pool(&impostor, &mint, 2 * ONE, ONE).await;
                keys.rate_source = Some(impostor);
            }
            Fake::WrongOwner => {
                let epoch = env.clock().await.epoch;
                let data = rate_accounts::stake_pool_account_data(&mint, 2 * ONE, ONE, epoch);
                env.set_account(&source, &Pubkey::new_unique(), data).await;
            }
            Fake::OtherMint => {
                let other = env.create_mint(MintKind::Spl, 9).await;
                env.set_stake_pool(&source, &other, 2 * ONE, ONE).await;
            }
            Fake::Stale => {
                let epoch = env.clock().await.epoch;
                env.set_epoch(epoch + 1).await;
                env.set_stake_pool_at_epoch(&source, &mint, 2 * ONE, ONE, epoch)
                    .await;
            }
            Fake::Garbage => {
                env.set_account(&source, &SPL_STAKE_POOL_PROGRAM_ID, vec![7; 64])
                    .await;
            }
        }
        keys
    }
}

/// Every instruction that reads the rate refuses each fake source and changes nothing.
#[tokio::test]
async fn attack_fake_rate_source() {
    let mut w = world().await;
    // Alice's wallet is empty after her deposit: give her LST so a deposit gets to the rate
    w.env
        .mint_to(&w.pool.keys.lst_mint, &w.alice.lst_account, 10 * ONE)
        .await;
    let mut watched = w.watched();
    watched.push(w.pool.keys.rate_source.unwrap());
    let alice = w.alice.key();
    let a = w.alice.kp.insecure_clone();
    let metas = w.reward_index_metas();
    let (bucket, operator) = (w.x.bucket, w.x.operator);
    let (withdraw_ticket, undelegate_ticket) = (w.withdraw_ticket, w.undelegate_ticket);
    let lst_account = w.alice.lst_account;
    let alice_position = w.position(&w.alice);

    type Make = Box<dyn Fn(&PoolKeys) -> Instruction>;
    let makers: Vec<(&str, Make)> = vec![
        (
            "deposit",
            Box::new(move |k| client::deposit(alice, k, lst_account, ONE, 0)),
        ),
        (
            "request_withdrawal",
            Box::new(move |k| client::request_withdrawal(alice, k, 2, ONE, None)),
        ),
        (
            "delegate",
            Box::new({
                let metas = metas.clone();
                move |k| {
                    let mut ix = client::delegate(alice, k, operator, ONE);
                    ix.accounts.extend(metas.clone());
                    ix
                }
            }),
        ),
        (
            "undelegate",
            Box::new({
                let metas = metas.clone();
                move |k| {
                    let mut ix = client::undelegate(alice, k, bucket, 2, ONE, None);
                    ix.accounts.extend(metas.clone());
                    ix
                }
            }),
        ),
        (
            "cancel_withdrawal",
            Box::new(move |k| client::cancel_withdrawal(alice, k, withdraw_ticket)),
        ),
        (
            "cancel_undelegation",
            Box::new({
                let metas = metas.clone();
                move |k| {
                    let mut ix = client::cancel_ticket(
                        alice,
                        k,
                        undelegate_ticket,
                        Some(bucket),
                        Some(operator),
                    );
                    ix.accounts.extend(metas.clone());
                    ix
                }
            }),
        ),
        (
            "claim",
            Box::new(move |k| client::claim_delegation(alice, k, lst_account, Some(bucket))),
        ),
    ];
    for (name, make) in &makers {
        assert_fakes(&mut w.env, &w.pool, &watched, name, make, &[&a]).await;
    }
    let harvest: Make =
        Box::new(move |k| client::harvest_accounts(k, Some(alice_position), Some(bucket)));
    assert_fakes(&mut w.env, &w.pool, &watched, "harvest", &harvest, &[]).await;

    // a pending slash, past its veto window
    let request = w.env.request_slash(&w.svc, &w.x, 1_000).await.unwrap();
    w.env.advance_time(VETO_SECS).await;
    w.env.set_rate(&w.pool, ONE, ONE).await;
    watched.push(request);
    let (svc, destination) = (w.svc.service, w.svc.destination);
    let execute: Make =
        Box::new(move |k| client::execute_slash(k, bucket, request, svc, destination));
    assert_fakes(
        &mut w.env,
        &w.pool,
        &watched,
        "execute_slash",
        &execute,
        &[],
    )
    .await;
}

/// For every [`Fake`]: the instruction built by `make` fails with the fake's error (a `claim`
/// at a stale rate succeeds without using it) and changes nothing in `watched` (the source
/// account itself aside); then the real source is restored.
async fn assert_fakes(
    env: &mut Env,
    pool: &TestPool,
    watched: &[Pubkey],
    name: &str,
    make: &dyn Fn(&PoolKeys) -> Instruction,
    signers: &[&Keypair],
) {
    for fake in Fake::ALL {
        let keys = fake.apply(env, pool).await;
        let before = env.snapshot(watched).await;
        let result = env.send(&[make(&keys)], signers).await;
        if matches!(fake, Fake::Stale | Fake::Garbage) && name == "claim" {
            // `claim` is never blocked by its own source being stale or unusable: it pays what
            // was already earned and strips nothing new — the fake (doubled) rate moves nothing
            assert!(result.is_ok(), "{name} {fake:?}: {result:?}");
        } else {
            assert_eq!(
                custom_code(&result),
                Some(u32::from(fake.error())),
                "{name} {fake:?}: {result:?}"
            );
        }
        let restored = fake_restore(env, pool, &before, watched).await;
        assert!(restored, "{name} {fake:?} changed state");
    }
}

/// Puts the real 1:1 stake pool back and checks every watched account other than the source
/// itself is as `before`.
async fn fake_restore(
    env: &mut Env,
    pool: &TestPool,
    before: &[Option<(u64, Pubkey, Vec<u8>)>],
    watched: &[Pubkey],
) -> bool {
    let source = pool.keys.rate_source.unwrap();
    let after = env.snapshot(watched).await;
    let unchanged = watched
        .iter()
        .zip(before.iter().zip(after.iter()))
        .all(|(key, (b, a))| *key == source || b == a);
    env.set_stake_pool(&source, &pool.keys.lst_mint, ONE, ONE)
        .await;
    unchanged
}

// ---- u64::MAX amounts ----------------------------------------------------------------------

/// `u64::MAX` (and the largest value of every other amount-like argument) in every instruction
/// that takes one fails with a named error and changes nothing.
#[tokio::test]
async fn attack_u64_max_amounts() {
    let mut w = world().await;
    let updater = Keypair::new();
    let manual = w.env.manual_lst(updater.pubkey(), rate(1, 1)).await;
    let mut watched = w.watched();
    watched.push(manual.keys.pool);
    let keys = w.pool.keys;
    let alice = w.alice.key();
    let a = w.alice.kp.insecure_clone();
    let max = u64::MAX;

    let ix = client::deposit(alice, &keys, w.alice.lst_account, max, 0);
    w.env
        .fails(&[ix], &[&a], &watched, RestakingError::InsufficientFunds)
        .await;
    // Alice's wallet holds nothing after her deposit; mint her one LST for the next case
    w.env
        .mint_to(&keys.lst_mint, &w.alice.lst_account, ONE)
        .await;
    let ix = client::deposit(alice, &keys, w.alice.lst_account, ONE, max);
    w.env
        .fails(&[ix], &[&a], &watched, RestakingError::SlippageExceeded)
        .await;
    let ix = client::request_withdrawal(alice, &keys, 2, max, None);
    w.env
        .fails(&[ix], &[&a], &watched, RestakingError::InsufficientIdle)
        .await;
    let mut ix = client::delegate(alice, &keys, w.x.operator, max);
    ix.accounts.extend(w.reward_index_metas());
    w.env
        .fails(&[ix], &[&a], &watched, RestakingError::InsufficientIdle)
        .await;
    let mut ix = client::undelegate(alice, &keys, w.x.bucket, 2, max, None);
    ix.accounts.extend(w.reward_index_metas());
    w.env
        .fails(&[ix], &[&a], &watched, RestakingError::InsufficientShares)
        .await;
    let ix = client::fund_rewards(
        w.funder.key(),
        w.x.operator,
        &w.stream,
        w.funder.lst_account,
        max,
    );
    let funder = w.funder.kp.insecure_clone();
    w.env
        .fails(
            &[ix],
            &[&funder],
            &watched,
            RestakingError::InsufficientFunds,
        )
        .await;

    // basis points and rates
    let ix = client::push_rate(updater.pubkey(), manual.keys.pool, u128::MAX);
    w.env
        .fails(&[ix], &[&updater], &watched, RestakingError::InvalidRate)
        .await;
    let op = w.x.kp.insecure_clone();
    let args = UpdateOperatorArgs {
        commission_bps: Some(u16::MAX),
        ..Default::default()
    };
    let ix = client::update_operator(op.pubkey(), args);
    w.env
        .fails(&[ix], &[&op], &watched, RestakingError::CommissionTooHigh)
        .await;
    let newcomer = Keypair::new();
    w.env.airdrop(&newcomer.pubkey(), ONE).await;
    let ix = client::register_operator(newcomer.pubkey(), u16::MAX, "u");
    let mut with_newcomer = watched.clone();
    with_newcomer.extend([newcomer.pubkey(), client::operator_pda(&newcomer.pubkey())]);
    w.env
        .fails(
            &[ix],
            &[&newcomer],
            &with_newcomer,
            RestakingError::CommissionTooHigh,
        )
        .await;
    let ix = client::link_service(op.pubkey(), w.svc.service, u16::MAX);
    w.env
        .fails(&[ix], &[&op], &watched, RestakingError::InvalidBps)
        .await;
    let slasher = w.svc.slasher.insecure_clone();
    let nonce = w.env.bucket(&w.x).await.slash_nonce;
    let ix = client::request_slash(
        slasher.pubkey(),
        w.svc.service,
        w.x.operator,
        w.x.bucket,
        nonce,
        u16::MAX,
        [0; 32],
    );
    let mut with_request = watched.clone();
    with_request.push(client::slash_request_pda(
        &w.x.bucket,
        &w.svc.service,
        nonce,
    ));
    w.env
        .fails(
            &[ix],
            &[&slasher],
            &with_request,
            RestakingError::SlashTooLarge,
        )
        .await;
    let admin = w.env.admin.insecure_clone();
    let args = client::UpdateConfigArgs {
        protocol_fee_bps: Some(u16::MAX),
        ..Default::default()
    };
    let ix = client::update_config(admin.pubkey(), args);
    w.env
        .fails(&[ix], &[&admin], &watched, RestakingError::InvalidBps)
        .await;
    let args = client::UpdatePoolArgs {
        withdrawal_delay_secs: Some(i64::MAX),
        ..Default::default()
    };
    let ix = client::update_pool(admin.pubkey(), keys.pool, args);
    w.env
        .fails(
            &[ix],
            &[&admin],
            &watched,
            RestakingError::InvalidWithdrawalDelay,
        )
        .await;
}

/// A holder of the whole `u64::MAX` supply: at a rate above 1 its value does not fit and the
/// deposit fails cleanly; at 1.00 it goes in, through a bucket and a rate rise, and comes all
/// the way back out (principal plus base yield), with no overflow on the way.
#[tokio::test]
async fn attack_u64_max_balance_round_trip() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, 2 * ONE, ONE).await;
    let x = env.operator(&pool, 0).await;
    let whale = env.user(&pool, u64::MAX).await;
    let position = pool.keys.position(&whale.key());
    let watched = [whale.lst_account, pool.keys.vault, pool.keys.pool, position];
    let ix = client::deposit(whale.key(), &pool.keys, whale.lst_account, u64::MAX, 0);
    env.fails(&[ix], &[&whale.kp], &watched, RestakingError::MathOverflow)
        .await;

    env.set_rate(&pool, ONE, ONE).await;
    env.deposit(&pool, &whale, u64::MAX).await.unwrap();
    env.delegate(&pool, &whale, &x, u64::MAX).await.unwrap();
    env.set_rate(&pool, 3 * ONE, 2 * ONE).await;
    env.harvest_bucket(&pool, &x).await.unwrap();
    let shares = env.delegation(&pool, &whale, &x).await.shares;
    assert_eq!(shares, u64::MAX);
    let t = env.undelegate(&pool, &whale, &x, shares).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_undelegation(&pool, &whale, &x, t)
        .await
        .unwrap();
    env.claim_delegation(&pool, &whale, &x).await.unwrap();
    let idle = env.position(&pool, &whale).await.idle_lst;
    let w = env.request_withdrawal(&pool, &whale, idle).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_withdrawal(&pool, &whale, w).await.unwrap();
    // everything came back but index dust: the base-yield index has a resolution of 10^-18
    // LST per share, so with ~1.8 × 10^19 shares one harvest can leave < 19 base units in the
    // vault, owed to nobody (rounding favours the protocol)
    let back = env.token_balance(&whale.lst_account).await;
    assert!(back >= u64::MAX - 19, "{back}");
    assert!(
        back < u64::MAX,
        "a rate rise cannot pay more than the supply"
    );
    let p = env.pool(&pool).await;
    assert!(env.token_balance(&pool.keys.vault).await >= p.obligations().unwrap());
}

/// Cohort-slot squatting (found reviewing SECURITY.md, R-1): a bucket's queue has one slot per
/// unlock day, reused 128 days later only once its tickets are settled. Mallory undelegates one
/// unit on 128 consecutive days from two positions (a position holds at most 64 open tickets)
/// and never completes a ticket: every slot is held, and Alice's undelegation is refused
/// (`CohortSlotBusy`). The ticket holding her slot matured long ago, so anyone — Carol here —
/// settles it with `settle_undelegation` (Mallory's unit back to her idle holding, the rent to
/// her), and Alice undelegates. Refusals: a ticket not matured, the wrong beneficiary, a
/// `Withdraw` ticket, another position's delegation.
#[tokio::test]
async fn attack_cohort_slot_squatting() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 0).await;
    let alice = env.user(&pool, 100 * ONE).await;
    let carol = env.user(&pool, 0).await;
    let mallory = [env.user(&pool, ONE).await, env.user(&pool, ONE).await];
    for user in [&alice, &mallory[0], &mallory[1]] {
        let lst = env.token_balance(&user.lst_account).await;
        env.deposit(&pool, user, lst).await.unwrap();
        env.delegate(&pool, user, &x, lst).await.unwrap();
    }
    let mut tickets = Vec::new();
    for day in 0..128 {
        let m = &mallory[day / 64];
        tickets.push((m, env.undelegate(&pool, m, &x, 1).await.unwrap()));
        env.advance_time(DAY).await;
    }

    let alice_position = pool.keys.position(&alice.key());
    let nonce = env.position(&pool, &alice).await.ticket_nonce;
    let mut undelegate = client::undelegate(alice.key(), &pool.keys, x.bucket, nonce, ONE, None);
    undelegate.accounts.extend(env.reward_index_metas(&x).await);
    let watched = [alice_position, x.bucket, client::queue_pda(&x.bucket)];
    env.fails(
        std::slice::from_ref(&undelegate),
        &[&alice.kp],
        &watched,
        RestakingError::CohortSlotBusy,
    )
    .await;

    // the first ticket holds today's slot; a later one has not matured
    let (m0, squatter) = tickets[0];
    let (m_late, late) = tickets[127];
    let settle = |owner: &User, beneficiary: Pubkey, ticket: Pubkey| {
        client::settle_undelegation(
            carol.key(),
            owner.key(),
            beneficiary,
            &pool.keys,
            ticket,
            x.bucket,
        )
    };
    let m0_position = pool.keys.position(&m0.key());
    let watched = [
        m0_position,
        squatter,
        m0.key(),
        x.bucket,
        client::queue_pda(&x.bucket),
    ];
    env.fails(
        &[settle(m0, carol.key(), squatter)],
        &[&carol.kp],
        &watched,
        RestakingError::NotTicketBeneficiary,
    )
    .await;
    env.fails(
        &[settle(m_late, m_late.key(), late)],
        &[&carol.kp],
        &[pool.keys.position(&m_late.key()), late],
        RestakingError::TicketNotMatured,
    )
    .await;
    // another position's delegation to the same bucket
    let mut foreign = settle(m0, m0.key(), squatter);
    swap_account(
        &mut foreign,
        client::delegation_pda(&m0_position, &x.bucket),
        client::delegation_pda(&alice_position, &x.bucket),
    );
    env.fails(
        &[foreign],
        &[&carol.kp],
        &watched,
        RestakingError::WrongDelegation,
    )
    .await;

    let rent = env.lamports(&squatter).await;
    let m0_lamports = env.lamports(&m0.key()).await;
    let idle_before = env.position(&pool, m0).await.idle_lst;
    env.ok(&[settle(m0, m0.key(), squatter)], &[&carol.kp])
        .await;
    assert!(!env.exists(&squatter).await);
    assert_eq!(env.lamports(&m0.key()).await, m0_lamports + rent);
    assert_eq!(env.position(&pool, m0).await.idle_lst, idle_before + 1);
    env.ok(&[undelegate], &[&alice.kp]).await;
    assert_eq!(env.position(&pool, &alice).await.open_tickets, 1);
    // a `Withdraw` ticket is not an undelegation
    let withdraw = env.request_withdrawal(&pool, m0, 1).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.fails(
        &[settle(m0, m0.key(), withdraw)],
        &[&carol.kp],
        &[m0_position, withdraw],
        RestakingError::WrongTicket,
    )
    .await;
}
