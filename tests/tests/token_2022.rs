//! Token-2022 policy (SPEC §3): plain Token-2022 LSTs work end to end; a transfer-fee LST is
//! credited with what the vault actually received and pays withdrawals net of the fee; mints
//! with a permanent delegate, non-transferable or default-frozen state are rejected at
//! `add_pool` (and, as reward mints, at `add_reward_mint`) and create nothing.
#![allow(clippy::arithmetic_side_effects)]

use anchor_lang::solana_program::instruction::Instruction;
use anchor_spl::token::spl_token;
use anchor_spl::token_2022::spl_token_2022;
use restaking::error::RestakingError;
use restaking::state::{Config, RateSource};
use restaking_tests::client::{self, PoolKeys};
use restaking_tests::solana_sdk::pubkey::Pubkey;
use restaking_tests::solana_sdk::signature::{Keypair, Signer};
use restaking_tests::*;

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

/// Token-2022's fee on a transfer of `amount`: `ceil(amount × bps / 10_000)`, capped.
fn transfer_fee(amount: u64, bps: u16, max_fee: u64) -> u64 {
    let fee = (u128::from(amount) * u128::from(bps)).div_ceil(10_000);
    u64::try_from(fee).unwrap().min(max_fee)
}

const FEE_BPS: u16 = 100;
const MAX_FEE: u64 = 5 * ONE;
const FEE_MINT: MintKind = MintKind::Token2022TransferFee {
    bps: FEE_BPS,
    max_fee: MAX_FEE,
};

fn staker_accounts(pool: &TestPool, user: &User) -> Vec<Pubkey> {
    vec![
        user.key(),
        user.lst_account,
        pool.keys.pool,
        pool.keys.vault,
        pool.keys.position(&user.key()),
    ]
}

/// A plain Token-2022 LST: add_pool, deposit, claim base yield, withdraw, close.
#[tokio::test]
async fn token2022_pool_end_to_end() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Token2022, ONE, ONE).await;
    let p = env.pool(&pool).await;
    assert_eq!(p.token_program, spl_token_2022::ID);
    assert_eq!(
        env.account(&pool.keys.vault).await.unwrap().owner,
        spl_token_2022::ID
    );

    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    assert_eq!(env.token_balance(&pool.keys.vault).await, 100 * ONE);
    assert_eq!(env.token_balance(&alice.lst_account).await, 0);
    let a = env.position(&pool, &alice).await;
    assert_eq!((a.idle_lst, a.idle_principal), (100 * ONE, 100 * ONE));

    // 1.00 → 1.25: 20 LST of base yield
    env.set_rate(&pool, 5 * ONE, 4 * ONE).await;
    env.claim(&pool, &alice).await.unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, 20 * ONE);
    assert_eq!(env.token_balance(&pool.keys.vault).await, 80 * ONE);

    let ticket = env
        .request_withdrawal(&pool, &alice, 80 * ONE)
        .await
        .unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_withdrawal(&pool, &alice, ticket)
        .await
        .unwrap();
    assert_eq!(env.token_balance(&alice.lst_account).await, 100 * ONE);
    assert_eq!(env.token_balance(&pool.keys.vault).await, 0);
    let s = env.pool(&pool).await;
    assert_eq!(
        (
            s.total_idle_lst,
            s.total_principal,
            s.total_ticket_lst,
            s.total_unclaimed_yield,
            s.total_deposited_lst,
            s.total_withdrawn_lst,
            s.total_yield_paid_lst
        ),
        (0, 0, 0, 0, 100 * ONE, 80 * ONE, 20 * ONE)
    );
    env.ok(
        &[client::close_position(alice.key(), &pool.keys)],
        &[&alice.kp],
    )
    .await;
    assert!(!env.exists(&pool.keys.position(&alice.key())).await);
}

/// The SPL Token program cannot stand in for Token-2022 (nor the reverse).
#[tokio::test]
async fn token2022_invalid_token_program() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Token2022, ONE, ONE).await;
    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 50 * ONE).await.unwrap();
    env.set_rate(&pool, 2 * ONE, ONE).await;
    let mut keys = pool.keys;
    keys.token_program = spl_token::ID;
    let watched = staker_accounts(&pool, &alice);
    let ix = client::deposit(alice.key(), &keys, alice.lst_account, ONE, 0);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::InvalidTokenProgram,
    )
    .await;
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

/// A transfer-fee LST: a deposit is credited with what the vault received, the fee being
/// `ceil(amount × bps / 10_000)` capped at `max_fee`; the depositor pays the gross amount.
#[tokio::test]
async fn token2022_transfer_fee_deposit_credits_net() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(FEE_MINT, ONE, ONE).await;
    let alice = env.user(&pool, 2_000 * ONE).await;

    // 10.000000001 LST: fee ceil(100_000_000.01) = 100_000_001
    let amount = 10 * ONE + 1;
    let fee = transfer_fee(amount, FEE_BPS, MAX_FEE);
    assert_eq!(fee, 100_000_001);
    let net = amount - fee;
    assert_eq!(net, 9_900_000_000);
    env.deposit(&pool, &alice, amount).await.unwrap();
    assert_eq!(
        env.token_balance(&alice.lst_account).await,
        2_000 * ONE - amount
    );
    assert_eq!(env.token_balance(&pool.keys.vault).await, net);
    let a = env.position(&pool, &alice).await;
    assert_eq!((a.idle_lst, a.idle_principal), (net, net));
    let s = env.pool(&pool).await;
    assert_eq!(
        (s.total_idle_lst, s.total_principal, s.total_deposited_lst),
        (net, net, net)
    );

    // 1,000 LST: 1 % would be 10, the cap takes 5
    assert_eq!(transfer_fee(1_000 * ONE, FEE_BPS, MAX_FEE), MAX_FEE);
    env.deposit(&pool, &alice, 1_000 * ONE).await.unwrap();
    let total = net + 995 * ONE;
    assert_eq!(env.token_balance(&pool.keys.vault).await, total);
    assert_eq!(
        env.token_balance(&alice.lst_account).await,
        2_000 * ONE - amount - 1_000 * ONE
    );
    let a = env.position(&pool, &alice).await;
    assert_eq!((a.idle_lst, a.idle_principal), (total, total));
    assert_eq!(env.pool(&pool).await.obligations().unwrap(), total);
}

/// `min_value` is checked against the value of what was received, not what was sent.
#[tokio::test]
async fn token2022_transfer_fee_slippage_counts_the_fee() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(FEE_MINT, ONE, ONE).await;
    let alice = env.user(&pool, 100 * ONE).await;
    let watched = staker_accounts(&pool, &alice);
    let ix = client::deposit(
        alice.key(),
        &pool.keys,
        alice.lst_account,
        10 * ONE,
        10 * ONE,
    );
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::SlippageExceeded,
    )
    .await;
    let ix = client::deposit(
        alice.key(),
        &pool.keys,
        alice.lst_account,
        10 * ONE,
        9_900_000_000,
    );
    env.ok(&[ix], &[&alice.kp]).await;
    assert_eq!(env.position(&pool, &alice).await.idle_lst, 9_900_000_000);
}

/// Withdrawals and yield leave the vault in full; the recipient gets them net of the fee.
#[tokio::test]
async fn token2022_transfer_fee_pays_withdrawals() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(FEE_MINT, ONE, ONE).await;
    let alice = env.user(&pool, 100 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    let held = 99 * ONE; // 100 less a 1 LST fee
    assert_eq!(env.token_balance(&pool.keys.vault).await, held);

    // 1.00 → 1.10: base yield 99 − ceil(99 / 1.1) = 9 LST
    env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    env.claim(&pool, &alice).await.unwrap();
    let yield_lst = 9 * ONE;
    let yield_fee = transfer_fee(yield_lst, FEE_BPS, MAX_FEE);
    assert_eq!(yield_fee, 90_000_000);
    assert_eq!(
        env.token_balance(&alice.lst_account).await,
        yield_lst - yield_fee
    );
    assert_eq!(env.token_balance(&pool.keys.vault).await, held - yield_lst);
    let a = env.position(&pool, &alice).await;
    assert_eq!((a.idle_lst, a.idle_principal), (90 * ONE, 99 * ONE));

    let ticket = env
        .request_withdrawal(&pool, &alice, 90 * ONE)
        .await
        .unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.complete_withdrawal(&pool, &alice, ticket)
        .await
        .unwrap();
    let fee = transfer_fee(90 * ONE, FEE_BPS, MAX_FEE);
    assert_eq!(fee, 900_000_000);
    assert_eq!(
        env.token_balance(&alice.lst_account).await,
        yield_lst - yield_fee + 90 * ONE - fee
    );
    assert_eq!(env.token_balance(&pool.keys.vault).await, 0);
    let s = env.pool(&pool).await;
    assert_eq!(
        (
            s.total_idle_lst,
            s.total_principal,
            s.total_ticket_lst,
            s.total_withdrawn_lst
        ),
        (0, 0, 0, 90 * ONE)
    );
}

/// A fee that eats the whole amount credits nothing: the deposit is refused.
#[tokio::test]
async fn attack_token2022_fee_eats_whole_deposit() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(FEE_MINT, ONE, ONE).await;
    let alice = env.user(&pool, 100 * ONE).await;
    assert_eq!(transfer_fee(1, FEE_BPS, MAX_FEE), 1);
    let watched = staker_accounts(&pool, &alice);
    let ix = client::deposit(alice.key(), &pool.keys, alice.lst_account, 1, 0);
    fails(
        &mut env,
        &[ix],
        &[&alice.kp],
        &watched,
        RestakingError::NothingReceived,
    )
    .await;
}

/// `add_pool` of a mint of `kind` fails with `UnsupportedMintExtension` and creates nothing.
async fn assert_rejected_mint(kind: MintKind) {
    let mut env = Env::new().await;
    let mint = env.create_mint(kind, 9).await;
    let stake_pool = Pubkey::new_unique();
    env.set_stake_pool(&stake_pool, &mint, ONE, ONE).await;
    let source = RateSource::SplStakePool { stake_pool };
    let keys = PoolKeys::new(mint, spl_token_2022::ID, &source);
    let admin = env.admin.insecure_clone();
    let config = client::config_pda();
    let ix = client::add_pool(admin.pubkey(), &keys, Env::pool_args(source, 0));
    fails(
        &mut env,
        &[ix],
        &[&admin],
        &[keys.pool, keys.vault, config, mint],
        RestakingError::UnsupportedMintExtension,
    )
    .await;
    assert!(!env.exists(&keys.pool).await, "{kind:?}: pool created");
    assert!(!env.exists(&keys.vault).await, "{kind:?}: vault created");
    assert_eq!(env.state::<Config>(&config).await.pool_count, 0);
}

/// A permanent delegate could move the vault's LST at will.
#[tokio::test]
async fn attack_token2022_permanent_delegate_rejected() {
    assert_rejected_mint(MintKind::Token2022PermanentDelegate).await;
}

/// A non-transferable LST could never be withdrawn.
#[tokio::test]
async fn attack_token2022_non_transferable_rejected() {
    assert_rejected_mint(MintKind::Token2022NonTransferable).await;
}

/// A default-frozen mint would create a frozen vault.
#[tokio::test]
async fn attack_token2022_default_frozen_rejected() {
    assert_rejected_mint(MintKind::Token2022DefaultFrozen).await;
}

/// A transfer fee is an accepted extension: the pool is created.
#[tokio::test]
async fn token2022_transfer_fee_mint_accepted() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(FEE_MINT, ONE, ONE).await;
    let p = env.pool(&pool).await;
    assert_eq!(
        (p.token_program, p.lst_mint),
        (spl_token_2022::ID, pool.keys.lst_mint)
    );
    assert_eq!(
        env.state::<Config>(&client::config_pda()).await.pool_count,
        1
    );
}

/// Reward mints follow the same policy: `add_reward_mint` refuses a rejected extension and
/// creates no stream.
#[tokio::test]
async fn attack_token2022_reward_mint_extension_rejected() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let op = env.operator(&pool, 1_000).await;
    for kind in [
        MintKind::Token2022PermanentDelegate,
        MintKind::Token2022NonTransferable,
        MintKind::Token2022DefaultFrozen,
    ] {
        let mint = env.create_mint(kind, 6).await;
        let stream = client::StreamKeys::new(op.bucket, mint, spl_token_2022::ID);
        let ix = client::add_reward_mint(op.kp.pubkey(), op.operator, op.bucket, &stream);
        let watched = [
            op.bucket,
            stream.reward_index,
            stream.reward_vault,
            op.kp.pubkey(),
        ];
        fails(
            &mut env,
            &[ix],
            &[&op.kp],
            &watched,
            RestakingError::UnsupportedMintExtension,
        )
        .await;
        assert!(!env.exists(&stream.reward_index).await, "{kind:?}");
    }
    assert_eq!(env.bucket(&op).await.reward_mint_count, 0);
}
