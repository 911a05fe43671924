//! Restaking reward streams (SPEC §3 "Restaking rewards", invariant 4): `add_reward_mint`,
//! `fund_rewards`, `claim_commission`, `claim_protocol_fees`, the reward legs of `claim`, and
//! the remaining-account layouts of `delegate` / `undelegate` / `cancel_withdrawal`
//! (see `reward_streams.rs`). Ends with the dormant-versus-eager staker test.
//!
//! Every failure asserts the exact named error and that every involved account is unchanged.
#![allow(clippy::arithmetic_side_effects)]

use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_spl::token::spl_token;
use anchor_spl::token_2022::spl_token_2022;
use restaking::constants::{ACCOUNT_VERSION, MAX_REWARD_MINTS};
use restaking::error::RestakingError;
use restaking::state::{RewardIndex, REWARD_ACC_SCALE};
use restaking_tests::client::{self, StreamKeys};
use restaking_tests::solana_sdk::pubkey::Pubkey;
use restaking_tests::solana_sdk::signature::{Keypair, Signer};
use restaking_tests::*;

// ---- helpers -----------------------------------------------------------------------------

/// Reward tokens have 6 decimals.
const TOKEN: u64 = 1_000_000;

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

/// Mint and owner of a token account.
async fn token_account_info(env: &mut Env, key: &Pubkey) -> (Pubkey, Pubkey) {
    use spl_token_2022::extension::StateWithExtensions;
    let data = env.account(key).await.expect("token account").data;
    let state = StateWithExtensions::<spl_token_2022::state::Account>::unpack(&data)
        .expect("token account");
    (state.base.mint, state.base.owner)
}

/// A fresh `RewardIndex` as `add_reward_mint` writes it at `now`.
fn fresh_index(stream: &StreamKeys, slot: u8, now: i64) -> RewardIndex {
    RewardIndex {
        operator_pool: stream.operator_pool,
        reward_mint: stream.reward_mint,
        reward_vault: stream.reward_vault,
        token_program: stream.token_program,
        slot,
        acc_per_share: 0,
        carry_scaled: 0,
        streaming_scaled: 0,
        stream_remaining_secs: 0,
        last_update_ts: now,
        min_duration_secs: 0,
        protocol_fees_owed: 0,
        commission_owed: 0,
        total_funded: 0,
        total_net: 0,
        total_paid: 0,
        total_protocol_fees: 0,
        total_commission: 0,
        bump: bump_of(&[
            RewardIndex::SEED,
            stream.operator_pool.as_ref(),
            stream.reward_mint.as_ref(),
        ]),
        vault_bump: bump_of(&[RewardIndex::VAULT_SEED, stream.reward_index.as_ref()]),
        version: ACCOUNT_VERSION,
        reserved: [0; 32],
    }
}

/// A 1:1 LST, operator X (10 % commission), Alice with 100 LST deposited (not delegated).
async fn setup() -> (Env, TestPool, TestOperator, User) {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    (env, pool, x, alice)
}

/// [`setup`] plus one SPL reward stream on X's bucket, Alice's 100 LST delegated to X, and a
/// funder holding 1,000,000 reward tokens.
async fn setup_stream() -> (Env, TestPool, TestOperator, User, StreamKeys, User) {
    let (mut env, pool, x, alice) = setup().await;
    let mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = env.add_stream(&x, mint).await;
    env.delegate(&pool, &alice, &x, 100 * ONE).await.unwrap();
    let funder = env.funder(&mint, 1_000_000 * TOKEN).await;
    (env, pool, x, alice, stream, funder)
}

/// Invariant 4: the reward vault holds at least what its index owes.
async fn assert_vault_covers(env: &mut Env, stream: &StreamKeys) {
    let index = env.reward_index(stream).await;
    let balance = env.token_balance(&stream.reward_vault).await;
    assert!(
        balance >= index.obligations().unwrap(),
        "reward vault {balance} < obligations {}",
        index.obligations().unwrap()
    );
}

// ---- add_reward_mint -----------------------------------------------------------------------

#[tokio::test]
async fn add_reward_mint_ok_by_operator() {
    let (mut env, _pool, x, _alice) = setup().await;
    let mint = env.create_mint(MintKind::Spl, 6).await;
    let lamports = env.lamports(&x.kp.pubkey()).await;
    let stream = env.add_stream(&x, mint).await;

    let now = env.clock().await.unix_timestamp;
    assert_state(
        &env.reward_index(&stream).await,
        &fresh_index(&stream, 0, now),
    );
    let vault = env.account(&stream.reward_vault).await.unwrap();
    assert_eq!(vault.owner, spl_token::ID);
    assert_eq!(
        token_account_info(&mut env, &stream.reward_vault).await,
        (mint, stream.reward_index)
    );
    assert_eq!(env.token_balance(&stream.reward_vault).await, 0);
    let b = env.bucket(&x).await;
    assert_eq!(b.reward_mint_count, 1);
    assert_eq!(
        b.reward_mints,
        [
            mint,
            Pubkey::default(),
            Pubkey::default(),
            Pubkey::default()
        ]
    );
    // the operator paid both rents
    let rent = env.lamports(&stream.reward_index).await + vault.lamports;
    assert_eq!(env.lamports(&x.kp.pubkey()).await, lamports - rent);
}

/// The admin may open a stream on any bucket; a Token-2022 reward mint without rejected
/// extensions is accepted, its vault under Token-2022.
#[tokio::test]
async fn add_reward_mint_ok_by_admin() {
    let (mut env, _pool, x, _alice) = setup().await;
    let first = env.create_mint(MintKind::Spl, 6).await;
    env.add_stream(&x, first).await;
    let mint = env.create_mint(MintKind::Token2022, 6).await;
    let stream = StreamKeys::new(x.bucket, mint, spl_token_2022::ID);
    let admin = env.admin.insecure_clone();
    env.ok(
        &[client::add_reward_mint(
            admin.pubkey(),
            x.operator,
            x.bucket,
            &stream,
        )],
        &[&admin],
    )
    .await;
    let now = env.clock().await.unix_timestamp;
    assert_state(
        &env.reward_index(&stream).await,
        &fresh_index(&stream, 1, now),
    );
    assert_eq!(
        env.account(&stream.reward_vault).await.unwrap().owner,
        spl_token_2022::ID
    );
    let b = env.bucket(&x).await;
    assert_eq!((b.reward_mint_count, b.reward_mints[1]), (2, mint));
}

#[tokio::test]
async fn add_reward_mint_not_operator_or_admin() {
    let (mut env, _pool, x, _alice) = setup().await;
    let mallory = Keypair::new();
    env.airdrop(&mallory.pubkey(), ONE).await;
    let mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = StreamKeys::new(x.bucket, mint, spl_token::ID);
    let ix = client::add_reward_mint(mallory.pubkey(), x.operator, x.bucket, &stream);
    let watched = [
        mallory.pubkey(),
        x.bucket,
        stream.reward_index,
        stream.reward_vault,
    ];
    env.fails(
        &[ix],
        &[&mallory],
        &watched,
        RestakingError::NotOperatorOrAdmin,
    )
    .await;
}

#[tokio::test]
async fn add_reward_mint_too_many_reward_mints() {
    let (mut env, _pool, x, _alice) = setup().await;
    for _ in 0..MAX_REWARD_MINTS {
        let mint = env.create_mint(MintKind::Spl, 6).await;
        env.add_stream(&x, mint).await;
    }
    let mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = StreamKeys::new(x.bucket, mint, spl_token::ID);
    let ix = client::add_reward_mint(x.kp.pubkey(), x.operator, x.bucket, &stream);
    let watched = [
        x.kp.pubkey(),
        x.bucket,
        stream.reward_index,
        stream.reward_vault,
    ];
    env.fails(
        &[ix],
        &[&x.kp],
        &watched,
        RestakingError::TooManyRewardMints,
    )
    .await;
    // by the admin neither
    let admin = env.admin.insecure_clone();
    let ix = client::add_reward_mint(admin.pubkey(), x.operator, x.bucket, &stream);
    env.fails(
        &[ix],
        &[&admin],
        &watched,
        RestakingError::TooManyRewardMints,
    )
    .await;
    assert_eq!(
        env.bucket(&x).await.reward_mint_count,
        MAX_REWARD_MINTS as u8
    );
}

/// One stream per (bucket, mint): the same mint cannot take a second slot.
#[tokio::test]
async fn add_reward_mint_same_mint_twice() {
    let (mut env, _pool, x, _alice) = setup().await;
    let mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = env.add_stream(&x, mint).await;
    let ix = client::add_reward_mint(x.kp.pubkey(), x.operator, x.bucket, &stream);
    let watched = [
        x.kp.pubkey(),
        x.bucket,
        stream.reward_index,
        stream.reward_vault,
    ];
    env.fails(
        &[ix],
        &[&x.kp],
        &watched,
        RestakingError::AccountAlreadyExists,
    )
    .await;
    assert_eq!(env.bucket(&x).await.reward_mint_count, 1);
}

#[tokio::test]
async fn add_reward_mint_unsupported_mint_extension() {
    let (mut env, _pool, x, _alice) = setup().await;
    for kind in [
        MintKind::Token2022PermanentDelegate,
        MintKind::Token2022NonTransferable,
        MintKind::Token2022DefaultFrozen,
    ] {
        let mint = env.create_mint(kind, 6).await;
        let stream = StreamKeys::new(x.bucket, mint, spl_token_2022::ID);
        let ix = client::add_reward_mint(x.kp.pubkey(), x.operator, x.bucket, &stream);
        let watched = [
            x.kp.pubkey(),
            x.bucket,
            stream.reward_index,
            stream.reward_vault,
        ];
        env.fails(
            &[ix],
            &[&x.kp],
            &watched,
            RestakingError::UnsupportedMintExtension,
        )
        .await;
    }
    assert_eq!(env.bucket(&x).await.reward_mint_count, 0);
}

// ---- fund_rewards --------------------------------------------------------------------------

/// Alice (100) and Bob (300) delegated; 1,000 tokens at 10 % commission: 100 to the operator,
/// 900 spread over 400 LST of shares.
#[tokio::test]
async fn fund_rewards_ok() {
    let (mut env, pool, x, _alice, stream, funder) = setup_stream().await;
    let bob = env.user(&pool, 300 * ONE).await;
    env.deposit(&pool, &bob, 300 * ONE).await.unwrap();
    env.delegate(&pool, &bob, &x, 300 * ONE).await.unwrap();

    env.fund(&funder, &x, &stream, 1_000 * TOKEN).await.unwrap();
    let now = env.clock().await.unix_timestamp;
    let mut expected = fresh_index(&stream, 0, now);
    expected.acc_per_share = u128::from(900 * TOKEN) * REWARD_ACC_SCALE / u128::from(400 * ONE);
    expected.commission_owed = 100 * TOKEN;
    expected.total_funded = 1_000 * TOKEN;
    expected.total_net = 900 * TOKEN;
    expected.total_commission = 100 * TOKEN;
    assert_state(&env.reward_index(&stream).await, &expected);
    assert_eq!(env.token_balance(&stream.reward_vault).await, 1_000 * TOKEN);
    assert_eq!(
        env.token_balance(&funder.lst_account).await,
        999_000 * TOKEN
    );
    assert_vault_covers(&mut env, &stream).await;
}

#[tokio::test]
async fn fund_rewards_zero_amount() {
    let (mut env, _pool, x, _alice, stream, funder) = setup_stream().await;
    let ix = client::fund_rewards(funder.key(), x.operator, &stream, funder.lst_account, 0);
    let watched = [stream.reward_index, stream.reward_vault, funder.lst_account];
    env.fails(&[ix], &[&funder.kp], &watched, RestakingError::ZeroAmount)
        .await;
}

#[tokio::test]
async fn fund_rewards_insufficient_funds() {
    let (mut env, _pool, x, _alice, stream, funder) = setup_stream().await;
    let watched = [stream.reward_index, stream.reward_vault, funder.lst_account];
    for amount in [1_000_000 * TOKEN + 1, u64::MAX] {
        let ix = client::fund_rewards(
            funder.key(),
            x.operator,
            &stream,
            funder.lst_account,
            amount,
        );
        env.fails(
            &[ix],
            &[&funder.kp],
            &watched,
            RestakingError::InsufficientFunds,
        )
        .await;
    }
}

/// A token account of the reward mint that is not the stream's vault — an outsider's, or the
/// vault of the same mint's stream on another bucket.
#[tokio::test]
async fn fund_rewards_invalid_reward_vault() {
    let (mut env, pool, x, _alice, stream, funder) = setup_stream().await;
    let y = env.operator(&pool, 1_000).await;
    let other = env.add_stream(&y, stream.reward_mint).await;
    let outsider = env
        .create_token_account(&stream.reward_mint, &Pubkey::new_unique())
        .await;
    let watched = [
        stream.reward_index,
        stream.reward_vault,
        other.reward_index,
        other.reward_vault,
        outsider,
        funder.lst_account,
    ];
    for vault in [outsider, other.reward_vault] {
        let mut ix =
            client::fund_rewards(funder.key(), x.operator, &stream, funder.lst_account, TOKEN);
        swap_account(&mut ix, stream.reward_vault, vault);
        env.fails(
            &[ix],
            &[&funder.kp],
            &watched,
            RestakingError::InvalidRewardVault,
        )
        .await;
    }
}

/// Funding an empty bucket is carried forward (the commission is still set aside), and spread
/// over the shares present at the next funding.
#[tokio::test]
async fn fund_rewards_without_shares_is_carried_forward() {
    let (mut env, pool, x, alice) = setup().await;
    let mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = env.add_stream(&x, mint).await;
    let funder = env.funder(&mint, 2_000 * TOKEN).await;

    env.fund(&funder, &x, &stream, 1_000 * TOKEN).await.unwrap();
    let index = env.reward_index(&stream).await;
    assert_eq!(
        (
            index.carry_scaled,
            index.acc_per_share,
            index.commission_owed,
            index.total_net
        ),
        (
            u128::from(900 * TOKEN) * REWARD_ACC_SCALE,
            0,
            100 * TOKEN,
            900 * TOKEN
        )
    );
    assert_vault_covers(&mut env, &stream).await;

    env.delegate(&pool, &alice, &x, 100 * ONE).await.unwrap();
    env.fund(&funder, &x, &stream, 10 * TOKEN).await.unwrap();
    let index = env.reward_index(&stream).await;
    assert_eq!(
        (index.carry_scaled, index.total_net, index.commission_owed),
        (0, 909 * TOKEN, 101 * TOKEN)
    );

    let alice_rewards = env.create_token_account(&mint, &alice.key()).await;
    env.claim_streams(&pool, &alice, &x, &[(stream, alice_rewards)])
        .await
        .unwrap();
    assert_eq!(env.token_balance(&alice_rewards).await, 909 * TOKEN);
    assert_eq!(env.token_balance(&stream.reward_vault).await, 101 * TOKEN);
    assert_eq!(
        env.reward_index(&stream).await.obligations().unwrap(),
        101 * TOKEN
    );
}

// ---- protocol fee and claim_protocol_fees --------------------------------------------------

/// Protocol fee 5 %: of 1,000 tokens, 50 to the protocol, 95 (10 % of the rest) to the
/// operator, 855 to the delegators; `claim_protocol_fees` pays the 50 to the treasury.
#[tokio::test]
async fn claim_protocol_fees_ok() {
    let (mut env, pool, x, alice, stream, funder) = setup_stream().await;
    env.set_protocol_fee(500).await;
    env.fund(&funder, &x, &stream, 1_000 * TOKEN).await.unwrap();
    let index = env.reward_index(&stream).await;
    assert_eq!(
        (
            index.protocol_fees_owed,
            index.commission_owed,
            index.total_net
        ),
        (50 * TOKEN, 95 * TOKEN, 855 * TOKEN)
    );

    let treasury = env.treasury;
    let treasury_account = env
        .create_token_account(&stream.reward_mint, &treasury)
        .await;
    env.ok(
        &[client::claim_protocol_fees(&stream, treasury_account)],
        &[],
    )
    .await;
    assert_eq!(env.token_balance(&treasury_account).await, 50 * TOKEN);
    let index = env.reward_index(&stream).await;
    assert_eq!(
        (index.protocol_fees_owed, index.total_protocol_fees),
        (0, 50 * TOKEN)
    );
    // a second claim pays nothing more
    env.ok(
        &[client::claim_protocol_fees(&stream, treasury_account)],
        &[],
    )
    .await;
    assert_eq!(env.token_balance(&treasury_account).await, 50 * TOKEN);

    let alice_rewards = env
        .create_token_account(&stream.reward_mint, &alice.key())
        .await;
    env.claim_streams(&pool, &alice, &x, &[(stream, alice_rewards)])
        .await
        .unwrap();
    assert_eq!(env.token_balance(&alice_rewards).await, 855 * TOKEN);
    assert_eq!(env.token_balance(&stream.reward_vault).await, 95 * TOKEN);
    assert_vault_covers(&mut env, &stream).await;
}

#[tokio::test]
async fn claim_protocol_fees_invalid_treasury_account() {
    let (mut env, _pool, x, _alice, stream, funder) = setup_stream().await;
    env.set_protocol_fee(500).await;
    env.fund(&funder, &x, &stream, 1_000 * TOKEN).await.unwrap();
    let mallory_account = env
        .create_token_account(&stream.reward_mint, &Pubkey::new_unique())
        .await;
    let ix = client::claim_protocol_fees(&stream, mallory_account);
    let watched = [stream.reward_index, stream.reward_vault, mallory_account];
    env.fails(&[ix], &[], &watched, RestakingError::InvalidTreasuryAccount)
        .await;
}

// ---- claim_commission ----------------------------------------------------------------------

#[tokio::test]
async fn claim_commission_ok() {
    let (mut env, _pool, x, _alice, stream, funder) = setup_stream().await;
    env.fund(&funder, &x, &stream, 1_000 * TOKEN).await.unwrap();
    let destination = env
        .create_token_account(&stream.reward_mint, &x.kp.pubkey())
        .await;
    let ix = client::claim_commission(x.kp.pubkey(), &stream, destination);
    env.ok(&[ix], &[&x.kp]).await;
    assert_eq!(env.token_balance(&destination).await, 100 * TOKEN);
    let index = env.reward_index(&stream).await;
    assert_eq!(
        (index.commission_owed, index.total_commission),
        (0, 100 * TOKEN)
    );
    assert_eq!(env.token_balance(&stream.reward_vault).await, 900 * TOKEN);
    assert_vault_covers(&mut env, &stream).await;
}

/// Mallory signs and names X's operator account: she cannot take X's commission.
#[tokio::test]
async fn claim_commission_not_operator_authority() {
    let (mut env, _pool, x, _alice, stream, funder) = setup_stream().await;
    env.fund(&funder, &x, &stream, 1_000 * TOKEN).await.unwrap();
    let mallory = Keypair::new();
    let loot = env
        .create_token_account(&stream.reward_mint, &mallory.pubkey())
        .await;
    let mut ix = client::claim_commission(mallory.pubkey(), &stream, loot);
    swap_account(&mut ix, client::operator_pda(&mallory.pubkey()), x.operator);
    let watched = [stream.reward_index, stream.reward_vault, loot, x.operator];
    env.fails(
        &[ix],
        &[&mallory],
        &watched,
        RestakingError::NotOperatorAuthority,
    )
    .await;
}

// ---- claim: reward legs --------------------------------------------------------------------

/// Four streams, Alice the only delegator. A claim with no stream group pays no reward; one
/// group pays that stream alone; all four groups in one instruction pay the rest.
#[tokio::test]
async fn claim_streams_zero_one_and_four() {
    let (mut env, pool, x, alice) = setup().await;
    env.delegate(&pool, &alice, &x, 100 * ONE).await.unwrap();
    let amounts = [1_000 * TOKEN, 333 * TOKEN + 7, 17, 5 * TOKEN + 1];
    let mut streams = Vec::new();
    let mut accounts = Vec::new();
    for (i, amount) in amounts.iter().enumerate() {
        let decimals = if i == 2 { 0 } else { 6 };
        let mint = env.create_mint(MintKind::Spl, decimals).await;
        let stream = env.add_stream(&x, mint).await;
        let funder = env.funder(&mint, *amount).await;
        env.fund(&funder, &x, &stream, *amount).await.unwrap();
        accounts.push(env.create_token_account(&mint, &alice.key()).await);
        streams.push(stream);
    }
    // net of the 10 % commission (rounded up); Alice holds every share
    let net: Vec<u64> = amounts.iter().map(|a| a - a.div_ceil(10)).collect();

    env.claim_streams(&pool, &alice, &x, &[]).await.unwrap();
    for account in &accounts {
        assert_eq!(env.token_balance(account).await, 0);
    }

    env.claim_streams(&pool, &alice, &x, &[(streams[1], accounts[1])])
        .await
        .unwrap();
    assert_eq!(env.token_balance(&accounts[1]).await, net[1]);
    for i in [0, 2, 3] {
        assert_eq!(env.token_balance(&accounts[i]).await, 0);
    }

    let groups: Vec<(StreamKeys, Pubkey)> = streams
        .iter()
        .copied()
        .zip(accounts.iter().copied())
        .collect();
    env.claim_streams(&pool, &alice, &x, &groups).await.unwrap();
    for i in 0..4 {
        assert_eq!(env.token_balance(&accounts[i]).await, net[i], "stream {i}");
        let index = env.reward_index(&streams[i]).await;
        assert_eq!(index.total_paid, net[i]);
        // only the commission is left in each vault
        assert_eq!(
            env.token_balance(&streams[i].reward_vault).await,
            index.obligations().unwrap()
        );
        assert_eq!(index.obligations().unwrap(), amounts[i].div_ceil(10));
    }
    assert_eq!(
        env.delegation(&pool, &alice, &x).await.reward_owed,
        [0; MAX_REWARD_MINTS]
    );
    // claiming again pays nothing
    env.claim_streams(&pool, &alice, &x, &groups).await.unwrap();
    assert_eq!(env.token_balance(&accounts[0]).await, net[0]);
}

/// SPEC S8 "a reward vault of another index": the group names stream A's index with the vault
/// of the same mint's stream on another bucket.
#[tokio::test]
async fn claim_invalid_reward_vault() {
    let (mut env, pool, x, alice, stream, funder) = setup_stream().await;
    let y = env.operator(&pool, 1_000).await;
    let other = env.add_stream(&y, stream.reward_mint).await;
    let bob = env.user(&pool, 10 * ONE).await;
    env.deposit(&pool, &bob, 10 * ONE).await.unwrap();
    env.delegate(&pool, &bob, &y, 10 * ONE).await.unwrap();
    env.fund(&funder, &x, &stream, 1_000 * TOKEN).await.unwrap();
    env.fund(&funder, &y, &other, 1_000 * TOKEN).await.unwrap();
    let alice_rewards = env
        .create_token_account(&stream.reward_mint, &alice.key())
        .await;

    let mut ix =
        client::claim_delegation(alice.key(), &pool.keys, alice.lst_account, Some(x.bucket));
    let mut group = stream.claim_group(alice_rewards);
    group[1] = AccountMeta::new(other.reward_vault, false);
    ix.accounts.extend(group);
    let position = pool.keys.position(&alice.key());
    let watched = [
        stream.reward_index,
        stream.reward_vault,
        other.reward_index,
        other.reward_vault,
        alice_rewards,
        position,
        client::delegation_pda(&position, &x.bucket),
        x.bucket,
        pool.keys.vault,
    ];
    env.fails(
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InvalidRewardVault,
    )
    .await;

    // and Y's whole stream group on Alice's delegation to X: not this bucket's stream
    let mut ix =
        client::claim_delegation(alice.key(), &pool.keys, alice.lst_account, Some(x.bucket));
    ix.accounts.extend(other.claim_group(alice_rewards));
    env.fails(
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::RewardStreamMismatch,
    )
    .await;
}

// ---- remaining accounts of delegate / undelegate / cancel_withdrawal -----------------------

/// X's bucket with two streams and Alice's 50 LST delegated.
async fn setup_two_streams() -> (Env, TestPool, TestOperator, User, [StreamKeys; 2]) {
    let (mut env, pool, x, alice) = setup().await;
    let a = env.create_mint(MintKind::Spl, 6).await;
    let b = env.create_mint(MintKind::Spl, 6).await;
    let sa = env.add_stream(&x, a).await;
    let sb = env.add_stream(&x, b).await;
    env.delegate(&pool, &alice, &x, 50 * ONE).await.unwrap();
    (env, pool, x, alice, [sa, sb])
}

fn index_meta(stream: &StreamKeys) -> AccountMeta {
    AccountMeta::new(stream.reward_index, false)
}

fn staker_watched(pool: &TestPool, user: &User, op: &TestOperator) -> Vec<Pubkey> {
    let position = pool.keys.position(&user.key());
    vec![
        pool.keys.pool,
        position,
        op.bucket,
        client::delegation_pda(&position, &op.bucket),
        client::ticket_pda(&position, 0),
        client::ticket_pda(&position, 1),
        user.key(),
    ]
}

#[tokio::test]
async fn delegate_missing_reward_indexes() {
    let (mut env, pool, x, alice, streams) = setup_two_streams().await;
    let w = staker_watched(&pool, &alice, &x);
    for metas in [vec![], vec![index_meta(&streams[0])]] {
        let mut ix = client::delegate(alice.key(), &pool.keys, x.operator, ONE);
        ix.accounts.extend(metas);
        env.fails(
            &[ix],
            &[&alice.kp],
            &w,
            RestakingError::MissingRewardIndexes,
        )
        .await;
    }
    // a first delegation of another staker needs them too
    let bob = env.user(&pool, 10 * ONE).await;
    env.deposit(&pool, &bob, 10 * ONE).await.unwrap();
    let ix = client::delegate(bob.key(), &pool.keys, x.operator, ONE);
    let w = staker_watched(&pool, &bob, &x);
    env.fails(&[ix], &[&bob.kp], &w, RestakingError::MissingRewardIndexes)
        .await;
}

#[tokio::test]
async fn delegate_reward_stream_mismatch() {
    let (mut env, pool, x, alice, streams) = setup_two_streams().await;
    let y = env.operator(&pool, 1_000).await;
    let foreign = env.add_stream(&y, streams[0].reward_mint).await;
    let w = staker_watched(&pool, &alice, &x);
    for metas in [
        // out of slot order
        vec![index_meta(&streams[1]), index_meta(&streams[0])],
        // the same stream twice
        vec![index_meta(&streams[0]), index_meta(&streams[0])],
        // another bucket's stream in slot 0
        vec![index_meta(&foreign), index_meta(&streams[1])],
    ] {
        let mut ix = client::delegate(alice.key(), &pool.keys, x.operator, ONE);
        ix.accounts.extend(metas);
        env.fails(
            &[ix],
            &[&alice.kp],
            &w,
            RestakingError::RewardStreamMismatch,
        )
        .await;
    }
    // in order, it works
    env.delegate(&pool, &alice, &x, ONE).await.unwrap();
}

#[tokio::test]
async fn undelegate_and_cancel_need_reward_indexes() {
    let (mut env, pool, x, alice, streams) = setup_two_streams().await;
    let w = staker_watched(&pool, &alice, &x);
    let ix = client::undelegate(alice.key(), &pool.keys, x.bucket, 0, ONE, None);
    env.fails(
        &[ix],
        &[&alice.kp],
        &w,
        RestakingError::MissingRewardIndexes,
    )
    .await;
    let mut ix = client::undelegate(alice.key(), &pool.keys, x.bucket, 0, ONE, None);
    ix.accounts
        .extend([index_meta(&streams[1]), index_meta(&streams[0])]);
    env.fails(
        &[ix],
        &[&alice.kp],
        &w,
        RestakingError::RewardStreamMismatch,
    )
    .await;

    let ticket = env.undelegate(&pool, &alice, &x, ONE).await.unwrap();
    let ix = client::cancel_ticket(
        alice.key(),
        &pool.keys,
        ticket,
        Some(x.bucket),
        Some(x.operator),
    );
    env.fails(
        &[ix],
        &[&alice.kp],
        &w,
        RestakingError::MissingRewardIndexes,
    )
    .await;
    let mut ix = client::cancel_ticket(
        alice.key(),
        &pool.keys,
        ticket,
        Some(x.bucket),
        Some(x.operator),
    );
    ix.accounts
        .extend([index_meta(&streams[1]), index_meta(&streams[0])]);
    env.fails(
        &[ix],
        &[&alice.kp],
        &w,
        RestakingError::RewardStreamMismatch,
    )
    .await;
    env.cancel_undelegation(&pool, &alice, &x, ticket)
        .await
        .unwrap();
}

/// Rewards settle before a share change: Alice's owed rewards survive her delegating more and
/// undelegating, and a newcomer's first delegation starts at the current index.
#[tokio::test]
async fn share_changes_settle_rewards_first() {
    let (mut env, pool, x, alice, stream, funder) = setup_stream().await;
    env.fund(&funder, &x, &stream, 1_000 * TOKEN).await.unwrap();
    let bob = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &bob, 100 * ONE).await.unwrap();
    env.delegate(&pool, &bob, &x, 100 * ONE).await.unwrap();
    let d = env.delegation(&pool, &bob, &x).await;
    assert_eq!(
        d.reward_checkpoints[0],
        env.reward_index(&stream).await.acc_per_share
    );
    let alice_shares = env.delegation(&pool, &alice, &x).await.shares;
    env.undelegate(&pool, &alice, &x, alice_shares / 2)
        .await
        .unwrap();
    assert_eq!(
        env.delegation(&pool, &alice, &x).await.reward_owed[0],
        900 * TOKEN
    );

    env.fund(&funder, &x, &stream, 1_000 * TOKEN).await.unwrap();
    // 900 more over 150 LST of shares: Alice 50 → 300, Bob 100 → 600
    let alice_rewards = env
        .create_token_account(&stream.reward_mint, &alice.key())
        .await;
    let bob_rewards = env
        .create_token_account(&stream.reward_mint, &bob.key())
        .await;
    env.claim_streams(&pool, &alice, &x, &[(stream, alice_rewards)])
        .await
        .unwrap();
    env.claim_streams(&pool, &bob, &x, &[(stream, bob_rewards)])
        .await
        .unwrap();
    assert_eq!(env.token_balance(&alice_rewards).await, 1_200 * TOKEN);
    assert_eq!(env.token_balance(&bob_rewards).await, 600 * TOKEN);
    assert_vault_covers(&mut env, &stream).await;
}

// ---- dormant versus eager ------------------------------------------------------------------

/// xorshift64*: a deterministic pseudo-random sequence.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Largest serialized transaction a cluster accepts (`solana_packet::PACKET_DATA_SIZE`).
const PACKET_DATA_SIZE: usize = 1_232;

/// Asserts `ixs` (with the fixture's compute-budget instruction) fit one legacy transaction
/// with `signers` signatures, so batching them is something a real client could do.
fn assert_fits_one_transaction(env: &Env, ixs: &[Instruction], signers: usize) {
    use restaking_tests::solana_sdk::message::Message;
    let mut all = vec![compute_unit_limit(1_400_000)];
    all.extend_from_slice(ixs);
    // the fixture's fee payer is the admin's key
    let payer = env.admin.pubkey();
    let message = Message::new(&all, Some(&payer));
    let size = 1 + 64 * signers + message.serialize().len();
    assert!(size <= PACKET_DATA_SIZE, "{size} bytes");
}

/// Number of fundings; the eager staker claims after each, the dormant one once at the end.
const FUNDINGS: u64 = 1_000;
/// Fundings (each followed by the eager staker's claim) per transaction.
const PER_TX: usize = 4;

/// The test: two stakers with equal shares; 1,000 fundings of varied amounts
/// (deterministic, including many small odd amounts); the eager one claims after each funding,
/// the dormant one once at the end.
///
/// Dust bound. A delegation's reward is `floor(shares × Δacc / SCALE)`, computed exactly
/// (`math::accrued`). The dormant staker is paid `floor(Σ xᵢ)` once, the eager one
/// `Σ floor(xᵢ)` over 1,000 claims, where `xᵢ = shares × Δaccᵢ / SCALE` is the same real number
/// for both (same shares, same index). Each floor drops a fraction in [0, 1), so
/// `0 ≤ dormant − eager ≤ floor(Σ frac(xᵢ)) ≤ 999`: the dormant staker never gets less, and at
/// most 999 base units (< 1 per eager claim) more. Both together never exceed what the index
/// distributed, and the reward vault covers the index's obligations after every transaction.
#[tokio::test]
async fn dormant_staker_matches_eager_staker() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    // 7 % commission so the split itself rounds too
    let x = env.operator(&pool, 700).await;
    let mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = env.add_stream(&x, mint).await;
    // equal, odd share counts so the index increments do not divide evenly
    let stake = 100 * ONE + 7;
    let eager = env.user(&pool, stake).await;
    let dormant = env.user(&pool, stake).await;
    for user in [&eager, &dormant] {
        env.deposit(&pool, user, stake).await.unwrap();
        env.delegate(&pool, user, &x, stake).await.unwrap();
    }
    // a third delegator with a different share count, so the two are not the whole bucket
    let other = env.user(&pool, 33 * ONE + 1).await;
    env.deposit(&pool, &other, 33 * ONE + 1).await.unwrap();
    env.delegate(&pool, &other, &x, 33 * ONE + 1).await.unwrap();

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let amounts: Vec<u64> = (0..FUNDINGS)
        .map(|i| {
            let r = rng.next();
            match i % 5 {
                0 => 1 + 2 * (r % 5),         // 1, 3, 5, 7, 9
                1 => 1 + r % 1_000,           // up to 0.001 token
                2 => 1 + r % 1_000_000,       // up to 1 token
                3 => 1 + r % (1_000 * TOKEN), // up to 1,000 tokens
                _ => (r % (10 * TOKEN)) | 1,  // odd, up to 10 tokens
            }
        })
        .collect();
    let total: u64 = amounts.iter().sum();
    let funder = env.funder(&mint, total).await;
    let eager_rewards = env.create_token_account(&mint, &eager.key()).await;
    let dormant_rewards = env.create_token_account(&mint, &dormant.key()).await;

    let mut claim =
        client::claim_delegation(eager.key(), &pool.keys, eager.lst_account, Some(x.bucket));
    claim.accounts.extend(stream.claim_group(eager_rewards));
    for (n, batch) in amounts.chunks(PER_TX).enumerate() {
        if n % 25 == 0 {
            env.refresh_blockhash().await;
        }
        let mut ixs = Vec::with_capacity(2 * PER_TX);
        for amount in batch {
            ixs.push(client::fund_rewards(
                funder.key(),
                x.operator,
                &stream,
                funder.lst_account,
                *amount,
            ));
            ixs.push(claim.clone());
        }
        if n == 0 {
            assert_fits_one_transaction(&env, &ixs, 3);
        }
        env.ok(&ixs, &[&funder.kp, &eager.kp]).await;
        assert_vault_covers(&mut env, &stream).await;
    }
    env.claim_streams(&pool, &dormant, &x, &[(stream, dormant_rewards)])
        .await
        .unwrap();
    assert_vault_covers(&mut env, &stream).await;

    let eager_total = env.token_balance(&eager_rewards).await;
    let dormant_total = env.token_balance(&dormant_rewards).await;
    let index = env.reward_index(&stream).await;
    assert_eq!(index.total_funded, total);
    assert!(eager_total > 0);
    assert!(
        dormant_total >= eager_total,
        "dormant {dormant_total} < eager {eager_total}"
    );
    assert!(
        dormant_total - eager_total < FUNDINGS,
        "dust {} exceeds 1 base unit per eager claim",
        dormant_total - eager_total
    );
    assert!(eager_total + dormant_total <= index.total_net);
    assert_eq!(index.total_paid, eager_total + dormant_total);
    println!(
        "dormant {dormant_total}, eager {eager_total}, dust {}",
        dormant_total - eager_total
    );

    // after everyone is paid the vault still covers the third delegator and the operator
    let other_rewards = env.create_token_account(&mint, &other.key()).await;
    env.claim_streams(&pool, &other, &x, &[(stream, other_rewards)])
        .await
        .unwrap();
    let op_rewards = env.create_token_account(&mint, &x.kp.pubkey()).await;
    env.ok(
        &[client::claim_commission(x.kp.pubkey(), &stream, op_rewards)],
        &[&x.kp],
    )
    .await;
    assert_vault_covers(&mut env, &stream).await;
    let index = env.reward_index(&stream).await;
    assert_eq!(
        env.token_balance(&stream.reward_vault).await,
        index.obligations().unwrap()
    );
}

// ---- streamed rewards (SPEC §3, issue: rewards that stream over time) ----------------------

const WEEK: u32 = 7 * 24 * 60 * 60;

/// Just-in-time capture is gone: Bob delegates one second before a 1,000-token funding over 7
/// days and undelegates one second after; Alice is delegated the whole week. Bob earns his half
/// of one second's release (~1/604,800 of his share); Alice earns the rest; nothing is
/// promised beyond what was funded.
#[tokio::test]
async fn streamed_rewards_pay_a_just_in_time_staker_only_his_second() {
    let (mut env, pool, x, alice, stream, funder) = setup_stream().await;
    let bob = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &bob, 100 * ONE).await.unwrap();
    env.advance_time(DAY).await;

    env.delegate(&pool, &bob, &x, 100 * ONE).await.unwrap();
    env.advance_time(1).await;
    env.fund_over(&funder, &x, &stream, 1_000 * TOKEN, WEEK)
        .await
        .unwrap();
    let index = env.reward_index(&stream).await;
    assert_eq!(index.acc_per_share, 0, "nothing is released at funding");
    assert_eq!(index.stream_remaining_secs, u64::from(WEEK));
    env.advance_time(1).await;
    let shares = env.delegation(&pool, &bob, &x).await.shares;
    env.undelegate(&pool, &bob, &x, shares).await.unwrap();

    // one second of 900 net tokens over a week is 1,488 units; Bob held half the shares
    let net = 900 * TOKEN;
    let bob_rewards = env
        .create_token_account(&stream.reward_mint, &bob.key())
        .await;
    env.claim_streams(&pool, &bob, &x, &[(stream, bob_rewards)])
        .await
        .unwrap();
    let bob_paid = env.token_balance(&bob_rewards).await;
    assert_eq!(bob_paid, net / u64::from(WEEK) / 2);
    assert_eq!(bob_paid, 744, "~1/604,800 of his 450-token share");

    env.advance_time(i64::from(WEEK)).await;
    let alice_rewards = env
        .create_token_account(&stream.reward_mint, &alice.key())
        .await;
    env.claim_streams(&pool, &alice, &x, &[(stream, alice_rewards)])
        .await
        .unwrap();
    let alice_paid = env.token_balance(&alice_rewards).await;
    assert!(alice_paid + bob_paid <= net, "never more than funded");
    assert!(
        alice_paid + bob_paid >= net - 2,
        "Alice, present all week, earns everything else: {alice_paid}"
    );
    let index = env.reward_index(&stream).await;
    assert_eq!(
        (index.streaming_scaled, index.stream_remaining_secs),
        (0, 0)
    );
    assert_vault_covers(&mut env, &stream).await;
}

/// With immediate funding (duration 0, the stream's minimum 0) the same just-in-time staker
/// takes half the funding — what a stream's minimum duration exists to prevent.
#[tokio::test]
async fn immediate_funding_still_pays_at_once_where_the_stream_allows_it() {
    let (mut env, pool, x, _alice, stream, funder) = setup_stream().await;
    let bob = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &bob, 100 * ONE).await.unwrap();
    env.delegate(&pool, &bob, &x, 100 * ONE).await.unwrap();
    env.fund(&funder, &x, &stream, 1_000 * TOKEN).await.unwrap();
    let shares = env.delegation(&pool, &bob, &x).await.shares;
    env.undelegate(&pool, &bob, &x, shares).await.unwrap();
    let bob_rewards = env
        .create_token_account(&stream.reward_mint, &bob.key())
        .await;
    env.claim_streams(&pool, &bob, &x, &[(stream, bob_rewards)])
        .await
        .unwrap();
    assert_eq!(env.token_balance(&bob_rewards).await, 450 * TOKEN);
}

/// What streams while the bucket has no active shares is kept: the stream waits, and the first
/// staker to arrive earns it over the stream's time, not in one lump.
#[tokio::test]
async fn stream_waits_while_the_bucket_is_empty() {
    let (mut env, pool, x, alice) = setup().await;
    let mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = env.add_stream(&x, mint).await;
    let funder = env.funder(&mint, 1_000 * TOKEN).await;
    env.fund_over(&funder, &x, &stream, 1_000 * TOKEN, 10 * DAY as u32)
        .await
        .unwrap();
    env.advance_time(30 * DAY).await;
    env.delegate(&pool, &alice, &x, 100 * ONE).await.unwrap();
    let index = env.reward_index(&stream).await;
    assert_eq!(
        (index.acc_per_share, index.carry_scaled),
        (0, 0),
        "nothing was released to nobody"
    );
    assert_eq!(index.stream_remaining_secs, 10 * DAY as u64);

    let alice_rewards = env.create_token_account(&mint, &alice.key()).await;
    env.claim_streams(&pool, &alice, &x, &[(stream, alice_rewards)])
        .await
        .unwrap();
    assert_eq!(
        env.token_balance(&alice_rewards).await,
        0,
        "no lump on arrival"
    );
    env.advance_time(DAY).await;
    env.claim_streams(&pool, &alice, &x, &[(stream, alice_rewards)])
        .await
        .unwrap();
    assert_eq!(
        env.token_balance(&alice_rewards).await,
        90 * TOKEN,
        "a tenth of 900"
    );
}

/// A new funding blends into what is still streaming: amount-weighted end, nothing lost.
#[tokio::test]
async fn fund_rewards_blends_into_the_running_stream() {
    let (mut env, pool, x, alice, stream, funder) = setup_stream().await;
    env.fund_over(&funder, &x, &stream, 1_000 * TOKEN, 10 * DAY as u32)
        .await
        .unwrap();
    env.advance_time(5 * DAY).await;
    env.fund_over(&funder, &x, &stream, 1_000 * TOKEN, 15 * DAY as u32)
        .await
        .unwrap();
    let index = env.reward_index(&stream).await;
    // 450 left over 5 days and 900 new over 15 days: (450×5 + 900×15) / 1,350 = 11⅔ days
    assert_eq!(index.streaming(), Ok(1_350 * TOKEN));
    assert_eq!(
        index.stream_remaining_secs,
        (450 * 5 + 900 * 15) * DAY as u64 / 1_350
    );
    env.advance_time(12 * DAY).await;
    let alice_rewards = env
        .create_token_account(&stream.reward_mint, &alice.key())
        .await;
    env.claim_streams(&pool, &alice, &x, &[(stream, alice_rewards)])
        .await
        .unwrap();
    assert_eq!(env.token_balance(&alice_rewards).await, 1_800 * TOKEN);
    assert_vault_covers(&mut env, &stream).await;
}

#[tokio::test]
async fn fund_rewards_duration_below_the_stream_minimum() {
    let (mut env, pool, x, alice) = setup().await;
    let mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = env.add_stream_with_min_duration(&x, mint, WEEK).await;
    assert_eq!(env.reward_index(&stream).await.min_duration_secs, WEEK);
    env.delegate(&pool, &alice, &x, 100 * ONE).await.unwrap();
    let funder = env.funder(&mint, 1_000 * TOKEN).await;
    let watched = [stream.reward_index, stream.reward_vault, funder.lst_account];
    for duration in [0, WEEK - 1] {
        let ix = client::fund_rewards_over(
            funder.key(),
            x.operator,
            &stream,
            funder.lst_account,
            TOKEN,
            duration,
        );
        env.fails(
            &[ix],
            &[&funder.kp],
            &watched,
            RestakingError::RewardDurationTooShort,
        )
        .await;
    }
    env.fund_over(&funder, &x, &stream, TOKEN, WEEK)
        .await
        .unwrap();
}

#[tokio::test]
async fn fund_rewards_duration_above_the_maximum() {
    let (mut env, _pool, x, _alice, stream, funder) = setup_stream().await;
    let ix = client::fund_rewards_over(
        funder.key(),
        x.operator,
        &stream,
        funder.lst_account,
        TOKEN,
        restaking::state::MAX_REWARD_DURATION_SECS + 1,
    );
    let watched = [stream.reward_index, stream.reward_vault, funder.lst_account];
    env.fails(
        &[ix],
        &[&funder.kp],
        &watched,
        RestakingError::RewardDurationTooLong,
    )
    .await;
}

#[tokio::test]
async fn add_reward_mint_minimum_duration_above_the_maximum() {
    let (mut env, _pool, x, _alice) = setup().await;
    let mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = StreamKeys::new(x.bucket, mint, spl_token::ID);
    let ix = client::add_reward_mint_with_min_duration(
        x.kp.pubkey(),
        x.operator,
        x.bucket,
        &stream,
        restaking::state::MAX_REWARD_DURATION_SECS + 1,
    );
    env.fails(
        &[ix],
        &[&x.kp],
        &[x.bucket, stream.reward_index],
        RestakingError::RewardDurationTooLong,
    )
    .await;
}

/// Reward indexes passed to a share change must be writable (their streams are brought up to
/// date first).
#[tokio::test]
async fn delegate_with_read_only_reward_index() {
    let (mut env, pool, x, alice, stream, _funder) = setup_stream().await;
    let mut ix = client::delegate(alice.key(), &pool.keys, x.operator, ONE);
    ix.accounts
        .push(AccountMeta::new_readonly(stream.reward_index, false));
    let delegation = client::delegation_pda(&pool.keys.position(&alice.key()), &x.bucket);
    env.fails(
        &[ix],
        &[&alice.kp],
        &[stream.reward_index, delegation, x.bucket],
        RestakingError::RewardIndexNotWritable,
    )
    .await;
}

// ---- records that can always close -------------------------------------------------------

/// A reward mint whose freeze authority is the operator is accepted; the operator freezes the
/// stream's vault. Claiming that stream fails, but Alice still claims her base yield, leaves
/// the bucket, forfeits the frozen stream's rewards with `close_delegation(forfeit_rewards)`,
/// withdraws every LST and closes her position: nothing traps her LST or her records.
#[tokio::test]
async fn frozen_reward_vault_never_traps_records() {
    let (mut env, pool, x, alice) = setup().await;
    let mint = env.create_freezable_mint(6, &x.kp.pubkey()).await;
    let stream = env.add_stream(&x, mint).await;
    env.delegate(&pool, &alice, &x, 100 * ONE).await.unwrap();
    let funder = env.funder(&mint, 1_000 * TOKEN).await;
    env.fund(&funder, &x, &stream, 1_000 * TOKEN).await.unwrap();

    let freeze = spl_token::instruction::freeze_account(
        &spl_token::ID,
        &stream.reward_vault,
        &mint,
        &x.kp.pubkey(),
        &[],
    )
    .unwrap();
    env.ok(&[freeze], &[&x.kp]).await;

    let alice_rewards = env.create_token_account(&mint, &alice.key()).await;
    let frozen = env
        .claim_streams(&pool, &alice, &x, &[(stream, alice_rewards)])
        .await;
    assert!(frozen.is_err(), "a frozen vault cannot pay");
    env.claim_delegation(&pool, &alice, &x).await.unwrap();

    let shares = env.delegation(&pool, &alice, &x).await.shares;
    let ticket = env.undelegate(&pool, &alice, &x, shares).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_undelegation(&pool, &alice, &x, ticket)
        .await
        .unwrap();
    let delegation = client::delegation_pda(&pool.keys.position(&alice.key()), &x.bucket);
    assert_eq!(
        env.delegation(&pool, &alice, &x).await.reward_owed[0],
        900 * TOKEN
    );
    env.fails(
        &[client::close_delegation(alice.key(), &pool.keys, x.bucket)],
        &[&alice.kp],
        &[delegation, stream.reward_index],
        RestakingError::DelegationNotEmpty,
    )
    .await;
    env.fails(
        &[client::close_delegation_forfeiting(
            alice.key(),
            &pool.keys,
            x.bucket,
            &[],
        )],
        &[&alice.kp],
        &[delegation, stream.reward_index],
        RestakingError::DelegationNotEmpty,
    )
    .await;

    env.ok(
        &[client::close_delegation_forfeiting(
            alice.key(),
            &pool.keys,
            x.bucket,
            &[mint],
        )],
        &[&alice.kp],
    )
    .await;
    assert!(!env.exists(&delegation).await);
    let index = env.reward_index(&stream).await;
    assert_eq!(
        index.carry_scaled,
        u128::from(900 * TOKEN) * REWARD_ACC_SCALE,
        "forfeited rewards go back to the stream (no shares left: carried)"
    );
    assert_eq!(index.obligations(), Ok(1_000 * TOKEN), "nothing lost");

    let idle = env.position(&pool, &alice).await.idle_lst;
    let ticket = env.request_withdrawal(&pool, &alice, idle).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_withdrawal(&pool, &alice, ticket)
        .await
        .unwrap();
    env.ok(
        &[client::close_position(alice.key(), &pool.keys)],
        &[&alice.kp],
    )
    .await;
    assert_eq!(env.token_balance(&alice.lst_account).await, 100 * ONE);
}
