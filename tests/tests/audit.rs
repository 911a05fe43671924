//! Peer-audit findings (issue 15 parts 3 and 4), one named test each (`audit_*`), every one
//! with exact numbers:
//!
//! - donations straight into the pool vault, a reward vault, and the address of a position's
//!   next ticket change nobody's balance, share value, claim or ticket;
//! - 10,000 tiny deposits, delegations and claims give nobody a base unit;
//! - undelegating or withdrawing during a pending slash does not escape it, and an exit matured
//!   before the request leaves uncut;
//! - with every pause flag set, matured exits complete and claims pay;
//! - `u64::MAX` and 0 on every amount argument of every instruction;
//! - an LST mint whose freeze authority freezes the pool vault: what stakers can and cannot do.
//!
//! Every failure asserts the exact named error (the program's, or the token program's where it
//! is the token program that refuses) and that no watched account changed.
#![allow(clippy::arithmetic_side_effects)]

use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::solana_program::program_pack::Pack;
use anchor_lang::solana_program::system_instruction;
use anchor_spl::token::spl_token;
use anchor_spl::token::spl_token::error::TokenError;
use restaking::constants::{
    ADMIN_TIMELOCK_SECS, MAX_RATE, MAX_WITHDRAWAL_DELAY_SECS, PAUSE_ALL, PAUSE_DELEGATIONS,
    PAUSE_DEPOSITS,
};
use restaking::error::RestakingError;
use restaking::math::{accrued, assets_for_shares, BASE_ACC_SCALE};
use restaking::state::{
    Config, Delegation, RateSource, WithdrawalTicket, MAX_REWARD_DURATION_SECS, REWARD_ACC_SCALE,
};
use restaking_tests::client::{
    self, PoolKeys, StreamKeys, UpdateConfigArgs, UpdateOperatorArgs, UpdatePoolArgs,
};
use restaking_tests::solana_sdk::pubkey::Pubkey;
use restaking_tests::solana_sdk::signature::{Keypair, Signer};
use restaking_tests::*;

// ---- helpers -----------------------------------------------------------------------------

/// Reward tokens have 6 decimals.
const TOKEN: u64 = 1_000_000;
/// The world's protocol fee on restaking rewards.
const FEE_BPS: u16 = 500;
/// The token program's `AccountFrozen` error, as a custom code.
const ACCOUNT_FROZEN: u32 = TokenError::AccountFrozen as u32;

/// Moves `amount` of a mint from `from` (owned by `owner`) straight into `to` with SPL Token.
fn token_transfer(from: Pubkey, to: Pubkey, owner: Pubkey, amount: u64) -> Instruction {
    spl_token::instruction::transfer(&spl_token::ID, &from, &to, &owner, &[], amount)
        .expect("transfer")
}

/// The world of the donation, pause and amount tests, at the rate 1.10 after a harvest:
///
/// - a 1:1 LST priced by an SPL stake pool, a 5 % protocol fee;
/// - operator X (10 % commission) with a reward stream (6 decimals) and a linked service;
/// - Alice deposited 100 LST, delegated 60 and asked 10 out (ticket nonce 0); Bob deposited
///   and delegated 300;
/// - 1,000 reward tokens funded at once: 50 protocol fee, 95 commission, 855 net, of which
///   Alice is owed 142.5 and Bob 712.5 (60 and 300 of 360 shares);
/// - the rate moved 1.00 → 1.10 and both Alice's idle holding and X's bucket were harvested:
///   Alice's idle 30 LST strip 30 − ceil(30 / 1.1) = 2.727272727; the bucket's 360 strip
///   360 − ceil(360 / 1.1) = 32.727272727 into its index (Alice 5.454545454, Bob
///   27.272727272, 1 base unit of index remainder owed to nobody).
struct World {
    env: Env,
    pool: TestPool,
    x: TestOperator,
    stream: StreamKeys,
    svc: TestService,
    funder: User,
    alice: User,
    bob: User,
    alice_rewards: Pubkey,
    bob_rewards: Pubkey,
    operator_rewards: Pubkey,
    treasury_rewards: Pubkey,
    /// Alice's `Withdraw` ticket of 10 LST (nonce 0), unlocking 7 days after the world began.
    ticket: Pubkey,
}

/// Alice's idle base yield stripped at 1.10: 30 − ceil(30 / 1.1).
const ALICE_IDLE_YIELD: u64 = 2_727_272_727;
/// Alice's idle LST after that strip (worth her 30 LST of principal).
const ALICE_IDLE: u64 = 30 * ONE - ALICE_IDLE_YIELD;
/// Alice's and Bob's shares of the bucket's 32.727272727 stripped LST.
const ALICE_BUCKET_YIELD: u64 = 5_454_545_454;
const BOB_BUCKET_YIELD: u64 = 27_272_727_272;
/// LST left in X's bucket after the strip: ceil(360 / 1.1).
const BUCKET_LST: u64 = 327_272_727_273;
/// The reward split of the 1,000 tokens.
const ALICE_REWARDS: u64 = 142_500_000;
const BOB_REWARDS: u64 = 712_500_000;
const COMMISSION: u64 = 95_000_000;
const PROTOCOL_FEE: u64 = 50_000_000;

async fn world() -> World {
    let mut env = Env::new().await;
    env.set_protocol_fee(FEE_BPS).await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = env.add_stream(&x, mint).await;
    let svc = env.service(&pool, &x, 2_000).await;
    let alice = env.user(&pool, 100 * ONE).await;
    let bob = env.user(&pool, 300 * ONE).await;
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    env.delegate(&pool, &alice, &x, 60 * ONE).await.unwrap();
    env.deposit(&pool, &bob, 300 * ONE).await.unwrap();
    env.delegate(&pool, &bob, &x, 300 * ONE).await.unwrap();
    let ticket = env
        .request_withdrawal(&pool, &alice, 10 * ONE)
        .await
        .unwrap();
    let funder = env.funder(&mint, 10_000 * TOKEN).await;
    env.fund(&funder, &x, &stream, 1_000 * TOKEN).await.unwrap();
    let alice_rewards = env.create_token_account(&mint, &alice.key()).await;
    let bob_rewards = env.create_token_account(&mint, &bob.key()).await;
    let operator_rewards = env.create_token_account(&mint, &x.kp.pubkey()).await;
    let treasury = env.treasury;
    let treasury_rewards = env.create_token_account(&mint, &treasury).await;

    env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    env.harvest_bucket(&pool, &x).await.unwrap();
    let alice_position = pool.keys.position(&alice.key());
    env.ok(&[client::harvest(&pool.keys, alice_position)], &[])
        .await;
    let p = env.position(&pool, &alice).await;
    assert_eq!(
        (p.idle_lst, p.unclaimed_yield),
        (ALICE_IDLE, ALICE_IDLE_YIELD)
    );
    assert_eq!(env.bucket(&x).await.total_lst, BUCKET_LST);
    World {
        env,
        pool,
        x,
        stream,
        svc,
        funder,
        alice,
        bob,
        alice_rewards,
        bob_rewards,
        operator_rewards,
        treasury_rewards,
        ticket,
    }
}

impl World {
    fn position(&self, user: &User) -> Pubkey {
        self.pool.keys.position(&user.key())
    }

    fn delegation(&self, user: &User) -> Pubkey {
        client::delegation_pda(&self.position(user), &self.x.bucket)
    }

    /// Every program account of the world: the books.
    fn books(&self) -> Vec<Pubkey> {
        vec![
            client::config_pda(),
            self.pool.keys.pool,
            self.x.operator,
            self.x.bucket,
            client::queue_pda(&self.x.bucket),
            self.stream.reward_index,
            self.svc.service,
            client::service_link_pda(&self.svc.service, &self.x.operator),
            self.position(&self.alice),
            self.delegation(&self.alice),
            self.ticket,
            self.position(&self.bob),
            self.delegation(&self.bob),
        ]
    }

    /// The books and every token account and wallet of the world.
    fn watched(&self) -> Vec<Pubkey> {
        let mut w = self.books();
        w.extend([
            self.pool.keys.vault,
            self.stream.reward_vault,
            self.svc.destination,
            self.funder.lst_account,
            self.alice.key(),
            self.alice.lst_account,
            self.alice_rewards,
            self.bob.key(),
            self.bob.lst_account,
            self.bob_rewards,
            self.operator_rewards,
            self.treasury_rewards,
        ]);
        w
    }

    /// `user`'s claim of both legs of their delegation to X, paying the stream to `rewards`.
    fn claim_ix(&self, user: &User, rewards: Pubkey) -> Instruction {
        let mut ix = client::claim_delegation(
            user.key(),
            &self.pool.keys,
            user.lst_account,
            Some(self.x.bucket),
        );
        ix.accounts.extend(self.stream.claim_group(rewards));
        ix
    }

    fn reward_index_metas(&self) -> Vec<AccountMeta> {
        client::reward_index_metas(&self.x.bucket, &[self.stream.reward_mint])
    }

    /// The vault's LST beyond the pool's books (donations and rounding dust owed to nobody).
    async fn vault_surplus(&mut self) -> u64 {
        let p = self.env.pool(&self.pool).await;
        let vault = self.env.token_balance(&self.pool.keys.vault).await;
        vault - p.obligations().unwrap()
    }

    /// The reward vault's tokens beyond what its index owes.
    async fn reward_surplus(&mut self) -> u64 {
        let index = self.env.reward_index(&self.stream).await;
        let vault = self.env.token_balance(&self.stream.reward_vault).await;
        vault - index.obligations().unwrap()
    }

    /// Everyone is paid and leaves: both claims, the operator's commission and the treasury's
    /// fee; Alice's first ticket completes, her idle LST leaves through her next ticket, both
    /// undelegate everything and withdraw it. Asserts every payment to the base unit — the same
    /// numbers whatever was donated before.
    async fn settle_and_leave(&mut self) {
        let (alice, bob) = (self.alice.kp.insecure_clone(), self.bob.kp.insecure_clone());
        let (pool, x) = (self.pool, self.x.kp.insecure_clone());

        let ix = self.claim_ix(&self.alice, self.alice_rewards);
        self.env.ok(&[ix], &[&alice]).await;
        let ix = self.claim_ix(&self.bob, self.bob_rewards);
        self.env.ok(&[ix], &[&bob]).await;
        let ix = client::claim_commission(x.pubkey(), &self.stream, self.operator_rewards);
        self.env.ok(&[ix], &[&x]).await;
        let ix = client::claim_protocol_fees(&self.stream, self.treasury_rewards);
        self.env.ok(&[ix], &[]).await;
        assert_eq!(
            self.env.token_balance(&self.alice.lst_account).await,
            ALICE_IDLE_YIELD + ALICE_BUCKET_YIELD
        );
        assert_eq!(
            self.env.token_balance(&self.bob.lst_account).await,
            BOB_BUCKET_YIELD
        );
        for (account, expected) in [
            (self.alice_rewards, ALICE_REWARDS),
            (self.bob_rewards, BOB_REWARDS),
            (self.operator_rewards, COMMISSION),
            (self.treasury_rewards, PROTOCOL_FEE),
        ] {
            assert_eq!(self.env.token_balance(&account).await, expected);
        }

        // Alice's idle LST through her next ticket (nonce 1), then both undelegate everything
        // (Alice nonce 2, Bob nonce 0)
        let next = self
            .env
            .request_withdrawal(&pool, &self.alice, ALICE_IDLE)
            .await
            .unwrap();
        assert_eq!(next, client::ticket_pda(&self.position(&self.alice), 1));
        let alice_out = self
            .env
            .undelegate(&pool, &self.alice, &self.x, 60 * ONE)
            .await
            .unwrap();
        let bob_out = self
            .env
            .undelegate(&pool, &self.bob, &self.x, 300 * ONE)
            .await
            .unwrap();
        self.env.advance_time(WITHDRAWAL_DELAY).await;
        self.env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
        for ticket in [self.ticket, next] {
            self.env
                .complete_withdrawal(&pool, &self.alice, ticket)
                .await
                .unwrap();
        }
        self.env
            .complete_undelegation(&pool, &self.alice, &self.x, alice_out)
            .await
            .unwrap();
        self.env
            .complete_undelegation(&pool, &self.bob, &self.x, bob_out)
            .await
            .unwrap();
        // 60 of 360 shares of the bucket's 327.272727273 (54.5454545455), rounded down, the
        // unit her fraction started left in the vault as dust owed to nobody; Bob, the last
        // holder, takes the rest: nothing more to strip at 1.10
        let alice_back = 54_545_454_545;
        let bob_back = BUCKET_LST - alice_back - 1;
        assert_eq!(
            self.env.position(&pool, &self.alice).await.idle_lst,
            alice_back
        );
        assert_eq!(self.env.position(&pool, &self.bob).await.idle_lst, bob_back);
        let a = self
            .env
            .request_withdrawal(&pool, &self.alice, alice_back)
            .await
            .unwrap();
        let b = self
            .env
            .request_withdrawal(&pool, &self.bob, bob_back)
            .await
            .unwrap();
        self.env.advance_time(WITHDRAWAL_DELAY).await;
        self.env
            .complete_withdrawal(&pool, &self.alice, a)
            .await
            .unwrap();
        self.env
            .complete_withdrawal(&pool, &self.bob, b)
            .await
            .unwrap();

        // 100 LST − 1 base unit for Alice (her rounding), 300 − 1 for Bob (his share of the
        // dust Alice's exit left: holders who stay never gain a leaver's fraction)
        assert_eq!(
            self.env.token_balance(&self.alice.lst_account).await,
            100 * ONE - 1
        );
        assert_eq!(
            self.env.token_balance(&self.bob.lst_account).await,
            300 * ONE - 1
        );
        for user in [&self.alice, &self.bob] {
            let p = self.env.position(&pool, user).await;
            assert_eq!((p.idle_lst, p.unclaimed_yield, p.open_tickets), (0, 0, 0));
        }
        // the books owe 1 base unit (the index remainder of the harvest), held by the vault
        let p = self.env.pool(&pool).await;
        assert_eq!(p.obligations().unwrap(), 1);
        assert_eq!(p.total_unclaimed_yield, 1);
    }
}

// ---- donations -----------------------------------------------------------------------------

/// LST donated to the pool vault.
const DONATED_LST: u64 = 1_000 * ONE;
/// Lamports donated to an account.
const DONATED_LAMPORTS: u64 = 7 * ONE;

/// Mallory sends 1,000 LST and 7 SOL straight to the pool vault. No program account changes
/// (the books are byte-identical, also after harvests that could have mistaken the donation
/// for yield); every claim, ticket and exit then pays exactly what it would have without it;
/// the donation stays in the vault, owed to nobody.
#[tokio::test]
async fn audit_donation_to_pool_vault() {
    let mut w = world().await;
    let books = w.books();
    let before = w.env.snapshot(&books).await;
    let vault_lamports = w.env.lamports(&w.pool.keys.vault).await;
    let vault_lst = w.env.token_balance(&w.pool.keys.vault).await;
    assert_eq!(w.vault_surplus().await, 0);

    let mallory = w.env.funder(&w.pool.keys.lst_mint, DONATED_LST).await;
    let ix = token_transfer(
        mallory.lst_account,
        w.pool.keys.vault,
        mallory.key(),
        DONATED_LST,
    );
    w.env.ok(&[ix], &[&mallory.kp]).await;
    w.env.airdrop(&w.pool.keys.vault, DONATED_LAMPORTS).await;
    assert_eq!(
        w.env.token_balance(&w.pool.keys.vault).await,
        vault_lst + DONATED_LST
    );
    assert_eq!(
        w.env.snapshot(&books).await,
        before,
        "a donation moved the books"
    );

    // permissionless harvests see no yield in it
    w.env.harvest_bucket(&w.pool, &w.x).await.unwrap();
    let alice_position = w.position(&w.alice);
    let bob_position = w.position(&w.bob);
    w.env
        .ok(
            &[
                client::harvest(&w.pool.keys, alice_position),
                client::harvest(&w.pool.keys, bob_position),
            ],
            &[],
        )
        .await;
    assert_eq!(
        w.env.snapshot(&books).await,
        before,
        "a harvest used the donation"
    );
    // share value: X's bucket still holds 327.272727273 LST for 360 shares
    let b = w.env.bucket(&w.x).await;
    assert_eq!((b.total_shares, b.total_lst), (360 * ONE, BUCKET_LST));
    assert_eq!(
        w.env.delegated_lst(&w.pool, &w.alice, &w.x).await,
        54_545_454_545
    );

    w.settle_and_leave().await;
    // the donation, and the unit of dust Alice's exit left
    assert_eq!(w.vault_surplus().await, DONATED_LST + 1);
    assert_eq!(
        w.env.lamports(&w.pool.keys.vault).await,
        vault_lamports + DONATED_LAMPORTS
    );
}

/// Mallory sends 1,000 reward tokens and 7 SOL straight to X's reward vault. The stream's
/// index is unchanged; Alice and Bob are paid exactly 142.5 and 712.5 tokens, the operator 95,
/// the treasury 50; a second funding is split exactly like the first; the donation stays in
/// the vault, owed to nobody.
#[tokio::test]
async fn audit_donation_to_reward_vault() {
    let mut w = world().await;
    let books = w.books();
    let before = w.env.snapshot(&books).await;
    let vault_lamports = w.env.lamports(&w.stream.reward_vault).await;
    assert_eq!(w.reward_surplus().await, 0);

    let donated = 1_000 * TOKEN;
    let mallory = w.env.funder(&w.stream.reward_mint, donated).await;
    let ix = token_transfer(
        mallory.lst_account,
        w.stream.reward_vault,
        mallory.key(),
        donated,
    );
    w.env.ok(&[ix], &[&mallory.kp]).await;
    w.env
        .airdrop(&w.stream.reward_vault, DONATED_LAMPORTS)
        .await;
    assert_eq!(
        w.env.snapshot(&books).await,
        before,
        "a donation moved the books"
    );
    assert_eq!(w.reward_surplus().await, donated);

    w.settle_and_leave().await;
    let index = w.env.reward_index(&w.stream).await;
    assert_eq!(
        (index.total_funded, index.total_net, index.total_paid),
        (1_000 * TOKEN, 855 * TOKEN, 855 * TOKEN)
    );
    assert_eq!(index.obligations().unwrap(), 0);
    assert_eq!(
        w.env.token_balance(&w.stream.reward_vault).await,
        donated,
        "the donation is all that is left"
    );
    assert_eq!(
        w.env.lamports(&w.stream.reward_vault).await,
        vault_lamports + DONATED_LAMPORTS
    );

    // a new funding while the donation sits in the vault: streamed to no one (no shares left),
    // carried whole, never handed out of the donation
    let funder = w.funder.kp.insecure_clone();
    let ix = client::fund_rewards(
        funder.pubkey(),
        w.x.operator,
        &w.stream,
        w.funder.lst_account,
        1_000 * TOKEN,
    );
    w.env.ok(&[ix], &[&funder]).await;
    let index = w.env.reward_index(&w.stream).await;
    assert_eq!(
        index.carry_scaled,
        u128::from(855 * TOKEN) * REWARD_ACC_SCALE
    );
    assert_eq!(w.reward_surplus().await, donated);
}

/// Mallory pre-funds the addresses of Alice's and Bob's next tickets before they are opened,
/// with the least the runtime lets a new account hold (the rent exemption of 0 bytes), the
/// ticket's rent − 1, exactly the ticket's rent, and 7 SOL. Only lamports can land there: an
/// address that is no account yet cannot be made a token account (or anything else) without
/// its own signature. Every ticket still opens — the program tops the address up to rent
/// exemption (or takes it as it is), allocates and assigns it — and pays exactly what it
/// would have; the donated lamports go to whoever closes the ticket.
#[tokio::test]
#[allow(deprecated)] // `banks_client`, for the rent
async fn audit_donation_to_ticket_address() {
    let mut w = world().await;
    let rent = w.env.ctx.banks_client.get_rent().await.unwrap();
    let (least, ticket_rent) = (
        rent.minimum_balance(0),
        rent.minimum_balance(WithdrawalTicket::SPACE),
    );
    let alice_position = w.position(&w.alice);
    let bob_position = w.position(&w.bob);
    // Alice's nonces 1 (withdrawal), 2 (undelegation), 3 (withdrawal); Bob's 0 (undelegation)
    // and 1 (withdrawal)
    let alice_donations = [
        (client::ticket_pda(&alice_position, 1), least),
        (client::ticket_pda(&alice_position, 2), ticket_rent),
        (client::ticket_pda(&alice_position, 3), ticket_rent - 1),
    ];
    let bob_donations = [
        (client::ticket_pda(&bob_position, 0), DONATED_LAMPORTS),
        (client::ticket_pda(&bob_position, 1), least),
    ];
    let books = w.books();
    let before = w.env.snapshot(&books).await;
    // less than that the runtime itself refuses to leave at a new address
    let payer = w.env.ctx.payer.insecure_clone();
    let dust = system_instruction::transfer(&payer.pubkey(), &alice_donations[0].0, least - 1);
    assert!(w.env.send(&[dust], &[]).await.is_err());
    for (address, lamports) in alice_donations.iter().chain(&bob_donations) {
        w.env.airdrop(address, *lamports).await;
        let account = w.env.account(address).await.unwrap();
        assert_eq!(account.owner, anchor_lang::system_program::ID);
        assert!(account.data.is_empty());
    }
    assert_eq!(
        w.env.snapshot(&books).await,
        before,
        "a donation moved the books"
    );
    let alice_lamports = w.env.lamports(&w.alice.key()).await;
    let bob_lamports = w.env.lamports(&w.bob.key()).await;

    w.settle_and_leave().await;
    // every pre-funded address became a ticket and was closed: gone
    for (address, _) in alice_donations.iter().chain(&bob_donations) {
        assert!(!w.env.exists(address).await, "{address} still exists");
    }
    // each ticket's payer got its rent back and, on top, what was donated to its address
    // (Alice also the rent of the world's ticket, which she paid before)
    let alice_donated: u64 = alice_donations.iter().map(|(_, l)| l).sum();
    let bob_donated: u64 = bob_donations.iter().map(|(_, l)| l).sum();
    assert_eq!(
        w.env.lamports(&w.alice.key()).await,
        alice_lamports + ticket_rent + alice_donated
    );
    assert_eq!(
        w.env.lamports(&w.bob.key()).await,
        bob_lamports + bob_donated
    );
    // the unit of dust Alice's exit left
    assert_eq!(w.vault_surplus().await, 1);
}

// ---- rounding drift ------------------------------------------------------------------------

/// Tiny operations in the drift test: deposits, delegations and claims together.
const DRIFT_OPS: usize = 10_000;
const DRIFT_USERS: usize = 4;
/// LST base units each drift user starts with in their wallet.
const DRIFT_WALLET: u64 = 1_000_000;
/// Instructions of one drift transaction: three (deposit, delegate, claim) triples, as many as
/// fit a legacy transaction.
const DRIFT_TRIPLES: usize = 3;

/// xorshift64*: a seeded, reproducible stream of small numbers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// The drift test's cast: two operators with one stream each, several users.
struct Drift {
    pool: TestPool,
    ops: Vec<TestOperator>,
    streams: Vec<StreamKeys>,
    users: Vec<User>,
    user_rewards: Vec<Pubkey>,
    operator_rewards: Vec<Pubkey>,
    treasury_rewards: Pubkey,
    /// LST each user deposited so far.
    put_in: Vec<u64>,
    /// Reward tokens funded so far (gross).
    funded: u64,
}

impl Drift {
    /// Nobody gains a base unit, so far: for each user, the LST taken out plus everything the
    /// position still holds (idle, stripped yield, bucket shares at their redemption value,
    /// settled and pending bucket yield) is at most what they put in. The vault covers the
    /// books, each reward vault its index, and no more reward tokens were paid or promised
    /// than funded.
    async fn check(&self, env: &mut Env, round: usize) {
        let pool = &self.pool;
        let mut buckets = Vec::new();
        for op in &self.ops {
            buckets.push(env.bucket(op).await);
        }
        let mut indexes = Vec::new();
        for s in &self.streams {
            indexes.push(env.reward_index(s).await);
        }
        let mut owed = [0u64; 2];
        for (u, user) in self.users.iter().enumerate() {
            let p = env.position(pool, user).await;
            let wallet = env.token_balance(&user.lst_account).await;
            let taken_out = wallet - (DRIFT_WALLET - self.put_in[u]);
            let mut holdings = taken_out + p.idle_lst + p.unclaimed_yield;
            let position = pool.keys.position(&user.key());
            for (o, op) in self.ops.iter().enumerate() {
                let key = client::delegation_pda(&position, &op.bucket);
                if !env.exists(&key).await {
                    continue;
                }
                let d: Delegation = env.state(&key).await;
                let b = &buckets[o];
                holdings += assets_for_shares(d.shares, b.total_shares, b.total_lst).unwrap()
                    + d.unclaimed_base_yield
                    + accrued(
                        d.shares,
                        b.base_acc_per_share - d.base_acc_checkpoint,
                        BASE_ACC_SCALE,
                    )
                    .unwrap();
                owed[o] += d.reward_owed[0]
                    + accrued(
                        d.shares,
                        indexes[o].acc_per_share - d.reward_checkpoints[0],
                        REWARD_ACC_SCALE,
                    )
                    .unwrap();
            }
            assert!(
                holdings <= self.put_in[u],
                "round {round}: user {u} holds {holdings} LST units of the {} put in",
                self.put_in[u]
            );
        }
        let p = env.pool(pool).await;
        let vault = env.token_balance(&pool.keys.vault).await;
        assert!(
            vault >= p.obligations().unwrap(),
            "round {round}: vault {vault} < books {}",
            p.obligations().unwrap()
        );
        let mut paid = 0;
        for account in self.user_rewards.iter().chain(&self.operator_rewards) {
            paid += env.token_balance(account).await;
        }
        paid += env.token_balance(&self.treasury_rewards).await;
        let mut promised = 0;
        for (o, index) in indexes.iter().enumerate() {
            let balance = env.token_balance(&index.reward_vault).await;
            assert!(
                balance >= index.obligations().unwrap(),
                "round {round}: stream {o}"
            );
            assert!(index.total_paid <= index.total_net);
            assert!(
                index.total_paid + owed[o] <= index.total_net,
                "round {round}: stream {o} promises {} + paid {} > net {}",
                owed[o],
                index.total_paid,
                index.total_net
            );
            promised += owed[o] + index.protocol_fees_owed + index.commission_owed;
        }
        assert!(
            paid + promised <= self.funded,
            "round {round}: paid {paid} + promised {promised} > funded {}",
            self.funded
        );
    }
}

/// 10,000 tiny operations — deposits of 2–3 base units, delegations of 2–3 units of them to
/// one of two operators, claims of both legs — by four users, batched three triples to a
/// transaction, while the rate walks a little every round (−0.03 % … +0.09 %), time passes,
/// both streams are funded a few units at once on top of a long streamed funding, and the
/// operators and the treasury claim. After every 10 rounds and at the end, after everyone has
/// left: nobody holds a base unit more than they put in, the vault covers the books, and no
/// reward token is paid or promised beyond what was funded.
#[tokio::test]
async fn audit_rounding_drift_10k_tiny_operations() {
    let started = std::time::Instant::now();
    let mut env = Env::new().await;
    env.set_protocol_fee(FEE_BPS).await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let mut lamports = ONE;
    let reward_mint = env.create_mint(MintKind::Spl, 6).await;
    let mut ops = Vec::new();
    let mut streams = Vec::new();
    let mut operator_rewards = Vec::new();
    for commission in [1_000, 333] {
        let op = env.operator(&pool, commission).await;
        streams.push(env.add_stream(&op, reward_mint).await);
        operator_rewards.push(
            env.create_token_account(&reward_mint, &op.kp.pubkey())
                .await,
        );
        ops.push(op);
    }
    let treasury = env.treasury;
    let treasury_rewards = env.create_token_account(&reward_mint, &treasury).await;
    let funder = env.funder(&reward_mint, 1_000_000_000 * TOKEN).await;
    let mut users = Vec::new();
    let mut user_rewards = Vec::new();
    for _ in 0..DRIFT_USERS {
        let user = env.user(&pool, DRIFT_WALLET).await;
        user_rewards.push(env.create_token_account(&reward_mint, &user.key()).await);
        users.push(user);
    }
    let mut d = Drift {
        pool,
        ops,
        streams,
        users,
        user_rewards,
        operator_rewards,
        treasury_rewards,
        put_in: vec![0; DRIFT_USERS],
        funded: 0,
    };
    // long streams: 1,000,003 units over 30 days on X, 777,777 over 7 days on Y
    for (o, (amount, days)) in [(1_000_003, 30), (777_777, 7)].into_iter().enumerate() {
        env.fund_over(&funder, &d.ops[o], &d.streams[o], amount, days * DAY as u32)
            .await
            .unwrap();
        d.funded += amount;
    }

    let mut rng = Rng(0x5eed_a0d1_7000_0015);
    let mut done = 0;
    let mut round = 0;
    let mut transactions = 0;
    while done < DRIFT_OPS {
        // the rate walks a little, time passes
        let step = rng.range(0, 1_200_000) as i64 - 300_000;
        lamports = (lamports as i64 + step).max(ONE as i64) as u64;
        env.advance_time(rng.range(60, 1_800) as i64).await;
        env.set_rate(&d.pool, lamports, ONE).await;

        for u in 0..DRIFT_USERS {
            let o = (u + round) % 2;
            let (user, op, stream) = (&d.users[u], &d.ops[o], &d.streams[o]);
            let metas = client::reward_index_metas(&op.bucket, &[stream.reward_mint]);
            let mut ixs = Vec::new();
            for _ in 0..DRIFT_TRIPLES {
                if done == DRIFT_OPS {
                    break;
                }
                // two units at least: one unit's shares can stand for less than a unit, and
                // `delegate` keeps only what they stand for (a 1-unit delegation worth 0 is
                // refused, `ZeroValue`)
                let amount = rng.range(2, 3);
                ixs.push(client::deposit(
                    user.key(),
                    &d.pool.keys,
                    user.lst_account,
                    amount,
                    0,
                ));
                d.put_in[u] += amount;
                done += 1;
                if done == DRIFT_OPS {
                    break;
                }
                // at a rate ≥ 1 the idle holding keeps at least what was just deposited
                let mut ix =
                    client::delegate(user.key(), &d.pool.keys, op.operator, rng.range(2, amount));
                ix.accounts.extend(metas.iter().cloned());
                ixs.push(ix);
                done += 1;
                if done == DRIFT_OPS {
                    break;
                }
                let mut ix = client::claim_delegation(
                    user.key(),
                    &d.pool.keys,
                    user.lst_account,
                    Some(op.bucket),
                );
                ix.accounts.extend(stream.claim_group(d.user_rewards[u]));
                ixs.push(ix);
                done += 1;
            }
            if !ixs.is_empty() {
                let kp = user.kp.insecure_clone();
                if let Err(e) = env.send(&ixs, &[&kp]).await {
                    panic!("round {round}, user {u}: {e:?}");
                }
                transactions += 1;
            }
        }

        // both streams funded a few units at once
        let mut ixs = Vec::new();
        for (op, stream) in d.ops.iter().zip(&d.streams) {
            let amount = rng.range(1, 50);
            ixs.push(client::fund_rewards(
                funder.key(),
                op.operator,
                stream,
                funder.lst_account,
                amount,
            ));
            d.funded += amount;
        }
        let kp = funder.kp.insecure_clone();
        env.ok(&ixs, &[&kp]).await;

        if round % 10 == 0 {
            let mut ixs = Vec::new();
            let mut signers = Vec::new();
            for (o, op) in d.ops.iter().enumerate() {
                ixs.push(client::claim_commission(
                    op.kp.pubkey(),
                    &d.streams[o],
                    d.operator_rewards[o],
                ));
                ixs.push(client::claim_protocol_fees(
                    &d.streams[o],
                    d.treasury_rewards,
                ));
                signers.push(op.kp.insecure_clone());
            }
            let signers: Vec<&Keypair> = signers.iter().collect();
            env.ok(&ixs, &signers).await;
            d.check(&mut env, round).await;
            env.refresh_blockhash().await;
        }
        round += 1;
    }
    d.check(&mut env, round).await;
    let main_loop = started.elapsed();

    // everyone leaves: undelegate everything, complete, claim, withdraw the idle holding
    let mut tickets = Vec::new();
    for u in 0..DRIFT_USERS {
        for o in 0..2 {
            let shares = env.delegation(&d.pool, &d.users[u], &d.ops[o]).await.shares;
            if shares > 0 {
                let t = env
                    .undelegate(&d.pool, &d.users[u], &d.ops[o], shares)
                    .await
                    .unwrap();
                tickets.push((u, o, t));
            }
        }
    }
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.set_rate(&d.pool, lamports, ONE).await;
    for (u, o, t) in tickets {
        env.complete_undelegation(&d.pool, &d.users[u], &d.ops[o], t)
            .await
            .unwrap();
    }
    let mut withdrawals = Vec::new();
    for u in 0..DRIFT_USERS {
        for o in 0..2 {
            let streams = [(d.streams[o], d.user_rewards[u])];
            env.claim_streams(&d.pool, &d.users[u], &d.ops[o], &streams)
                .await
                .unwrap();
        }
        let idle = env.position(&d.pool, &d.users[u]).await.idle_lst;
        if idle > 0 {
            let t = env
                .request_withdrawal(&d.pool, &d.users[u], idle)
                .await
                .unwrap();
            withdrawals.push((u, t));
        }
    }
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.set_rate(&d.pool, lamports, ONE).await;
    for (u, t) in withdrawals {
        env.complete_withdrawal(&d.pool, &d.users[u], t)
            .await
            .unwrap();
    }
    let mut ixs = Vec::new();
    let mut signers = Vec::new();
    for (o, op) in d.ops.iter().enumerate() {
        ixs.push(client::claim_commission(
            op.kp.pubkey(),
            &d.streams[o],
            d.operator_rewards[o],
        ));
        ixs.push(client::claim_protocol_fees(
            &d.streams[o],
            d.treasury_rewards,
        ));
        signers.push(op.kp.insecure_clone());
    }
    let signers: Vec<&Keypair> = signers.iter().collect();
    env.ok(&ixs, &signers).await;
    d.check(&mut env, round).await;

    // nobody gained a base unit; what they lost to rounding is exactly what the vault kept
    let mut lost = 0;
    let mut losses = Vec::new();
    for (u, user) in d.users.iter().enumerate() {
        let p = env.position(&d.pool, user).await;
        assert_eq!((p.idle_lst, p.unclaimed_yield, p.open_tickets), (0, 0, 0));
        let wallet = env.token_balance(&user.lst_account).await;
        assert!(
            wallet <= DRIFT_WALLET,
            "user {u} left with {} base units more than they brought",
            wallet - DRIFT_WALLET
        );
        losses.push(DRIFT_WALLET - wallet);
        lost += DRIFT_WALLET - wallet;
    }
    let vault = env.token_balance(&d.pool.keys.vault).await;
    assert_eq!(vault, lost, "LST is conserved");
    let p = env.pool(&d.pool).await;
    assert!(vault >= p.obligations().unwrap());
    let mut paid = 0;
    for account in d.user_rewards.iter().chain(&d.operator_rewards) {
        paid += env.token_balance(account).await;
    }
    paid += env.token_balance(&d.treasury_rewards).await;
    assert!(paid <= d.funded);
    println!(
        "{DRIFT_OPS} tiny operations in {round} rounds, {transactions} transactions, \
         {:.1} s (+ exits {:.1} s); put in {:?}, lost to rounding {losses:?}, vault keeps \
         {vault} (books {}); rate 1 → {}; rewards funded {}, paid {paid}",
        main_loop.as_secs_f64(),
        (started.elapsed() - main_loop).as_secs_f64(),
        d.put_in,
        p.obligations().unwrap(),
        lamports as f64 / ONE as f64,
        d.funded,
    );
}

/// Found while writing these tests (fixed): the drift test's operations never handed a unit to
/// anyone, but an undelegation did. Alice (60 LST) and Bob (300) share X's bucket; the rate
/// moves 1.00 → 1.10. Alice leaves in two halves, Bob claims in between and leaves last.
///
/// Alice's first half redeems 30 of 360 shares of 327.272727273 LST: 27.27272727275. Before the
/// fix she was paid 27.272727272 and the 0.75 of a unit left in the bucket reached Bob (his
/// claim stripped it, and as the last holder he took the rest): Bob ended with 300.000000001
/// of his 300. Now a leaver's fraction takes its whole unit out of the bucket as dust owed to
/// nobody (`math::assets_leaving`, for buckets and for queue cohorts), so the holders who stay
/// can only lose a fraction, never gain one: Bob's claim pays 27.272727272, his exit
/// 272.727272727, and he ends with 299.999999999; Alice with 59.999999998; the vault keeps the
/// 3 units of dust.
#[tokio::test]
async fn audit_rounding_no_gain_from_another_stakers_exit() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 0).await;
    let alice = env.user(&pool, 60 * ONE).await;
    let bob = env.user(&pool, 300 * ONE).await;
    for (user, lst) in [(&alice, 60 * ONE), (&bob, 300 * ONE)] {
        env.deposit(&pool, user, lst).await.unwrap();
        env.delegate(&pool, user, &x, lst).await.unwrap();
    }
    env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    let first = env.undelegate(&pool, &alice, &x, 30 * ONE).await.unwrap();
    assert_eq!(
        env.state::<WithdrawalTicket>(&first).await.lst,
        27_272_727_272
    );
    env.claim_delegation(&pool, &bob, &x).await.unwrap();
    assert_eq!(env.token_balance(&bob.lst_account).await, 27_272_727_272);
    let second = env.undelegate(&pool, &alice, &x, 30 * ONE).await.unwrap();
    assert_eq!(
        env.state::<WithdrawalTicket>(&second).await.lst,
        27_272_727_272
    );
    let bob_out = env.undelegate(&pool, &bob, &x, 300 * ONE).await.unwrap();
    assert_eq!(
        env.state::<WithdrawalTicket>(&bob_out).await.lst,
        272_727_272_727
    );
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    for (user, ticket) in [(&alice, first), (&alice, second), (&bob, bob_out)] {
        env.complete_undelegation(&pool, user, &x, ticket)
            .await
            .unwrap();
    }
    let mut out = Vec::new();
    for user in [&alice, &bob] {
        env.claim_delegation(&pool, user, &x).await.unwrap();
        let idle = env.position(&pool, user).await.idle_lst;
        out.push(env.request_withdrawal(&pool, user, idle).await.unwrap());
    }
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    for (user, ticket) in [&alice, &bob].into_iter().zip(out) {
        env.complete_withdrawal(&pool, user, ticket).await.unwrap();
    }
    let alice_total = env.token_balance(&alice.lst_account).await;
    let bob_total = env.token_balance(&bob.lst_account).await;
    let vault = env.token_balance(&pool.keys.vault).await;
    assert_eq!(alice_total, 60 * ONE - 2);
    assert_eq!(bob_total, 300 * ONE - 1);
    assert_eq!(vault, 3);
    assert_eq!(alice_total + bob_total + vault, 360 * ONE);
    // nobody gains a base unit
    assert!(
        bob_total <= 300 * ONE,
        "Bob took out {bob_total} LST base units of the {} he put in",
        300 * ONE
    );
}

// ---- exit during a pending slash -----------------------------------------------------------

/// Everything at the rate 1.00, X with no commission, a service linked at 20 %. Carol and Eve
/// undelegated all their 100 LST 8 days before the request (matured a day before it), Dave 50
/// of his 100 delegated 6 days before (maturing a day after it); Alice keeps her 100 delegated;
/// Bob (300) and Dave try to get out once the 10 % request is made.
///
/// Undelegating stays open but does not escape: Bob's ticket is cut with the queue, 300 → 270.
/// Dave's ticket, maturing inside the veto window, is held (`SlashPending`) and cut, 50 → 45;
/// neither can be cancelled back into the bucket, and no one can delegate into it meanwhile.
/// Dave's idle 50 was never delegated and leaves whole through a withdrawal requested during
/// the request. Carol's ticket, matured before the request, completes during it, whole; Eve's
/// completes after the execution, whole too. The service receives 10 % of what was exposed:
/// Alice's 100 and Dave's 50 active, Bob's 300 and Dave's 50 queued — 50 LST.
#[tokio::test]
async fn audit_exit_during_pending_slash() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 0).await;
    let svc = env.service(&pool, &x, 2_000).await;
    let mut users = Vec::new();
    for (deposit, delegate) in [
        (100, 100), // Alice
        (300, 300), // Bob
        (100, 100), // Carol
        (150, 100), // Dave
        (100, 100), // Eve
    ] {
        let user = env.user(&pool, deposit * ONE).await;
        env.deposit(&pool, &user, deposit * ONE).await.unwrap();
        env.delegate(&pool, &user, &x, delegate * ONE)
            .await
            .unwrap();
        users.push(user);
    }
    let Ok([alice, bob, carol, dave, eve]) = <[User; 5]>::try_from(users) else {
        unreachable!("five users")
    };
    let t0 = env.clock().await.unix_timestamp;
    let request_ts = t0 + 8 * DAY;

    let carol_out = env.undelegate(&pool, &carol, &x, 100 * ONE).await.unwrap();
    let eve_out = env.undelegate(&pool, &eve, &x, 100 * ONE).await.unwrap();
    env.set_time(request_ts - 6 * DAY).await;
    env.set_rate(&pool, ONE, ONE).await;
    let dave_out = env.undelegate(&pool, &dave, &x, 50 * ONE).await.unwrap();
    env.set_time(request_ts).await;
    env.set_rate(&pool, ONE, ONE).await;
    let request = env.request_slash(&svc, &x, 1_000).await.unwrap();
    let b = env.bucket(&x).await;
    assert_eq!((b.total_lst, b.queued_lst), (450 * ONE, 250 * ONE));

    // Bob runs: undelegating is never refused...
    let bob_out = env.undelegate(&pool, &bob, &x, 300 * ONE).await.unwrap();
    // ...but nothing re-enters the bucket while the request is pending
    let mut watched = vec![
        pool.keys.pool,
        pool.keys.vault,
        x.bucket,
        client::queue_pda(&x.bucket),
        svc.destination,
    ];
    for user in [&alice, &bob, &carol, &dave, &eve] {
        let position = pool.keys.position(&user.key());
        watched.extend([
            position,
            client::delegation_pda(&position, &x.bucket),
            user.lst_account,
        ]);
    }
    watched.extend([carol_out, eve_out, dave_out, bob_out]);
    let ix = client::cancel_ticket(
        bob.key(),
        &pool.keys,
        bob_out,
        Some(x.bucket),
        Some(x.operator),
    );
    env.fails(&[ix], &[&bob.kp], &watched, RestakingError::SlashPending)
        .await;
    let ix = client::delegate(dave.key(), &pool.keys, x.operator, 10 * ONE);
    env.fails(&[ix], &[&dave.kp], &watched, RestakingError::SlashPending)
        .await;

    // Dave's idle LST was never exposed: his withdrawal request goes through, whole
    let dave_idle_out = env
        .request_withdrawal(&pool, &dave, 50 * ONE)
        .await
        .unwrap();
    // Carol's ticket matured before the request: it leaves while it is pending, whole
    env.complete_undelegation(&pool, &carol, &x, carol_out)
        .await
        .unwrap();
    assert_eq!(env.position(&pool, &carol).await.idle_lst, 100 * ONE);
    let carol_idle_out = env
        .request_withdrawal(&pool, &carol, 100 * ONE)
        .await
        .unwrap();

    // Dave's ticket matures inside the veto window: held, and not cancellable either
    env.set_time(request_ts + DAY).await;
    env.set_rate(&pool, ONE, ONE).await;
    let ix = client::complete_ticket(
        dave.key(),
        &pool.keys,
        dave_out,
        dave.lst_account,
        Some(x.bucket),
    );
    env.fails(&[ix], &[&dave.kp], &watched, RestakingError::SlashPending)
        .await;
    let ix = client::cancel_ticket(
        dave.key(),
        &pool.keys,
        dave_out,
        Some(x.bucket),
        Some(x.operator),
    );
    env.fails(&[ix], &[&dave.kp], &watched, RestakingError::SlashPending)
        .await;

    env.set_time(request_ts + VETO_SECS).await;
    env.set_rate(&pool, ONE, ONE).await;
    env.execute_slash(&pool, &svc, &x, request).await.unwrap();
    // 10 % of the active 150 (Alice 100, Dave 50) and of the cut queue (Bob 300, Dave 50);
    // Eve's 100, matured before the request, is not cut
    assert_eq!(env.token_balance(&svc.destination).await, 50 * ONE);
    let b = env.bucket(&x).await;
    // queued: Eve 100 uncut, Dave 45 and Bob 270 cut (Carol's 100 already left)
    assert_eq!((b.total_lst, b.queued_lst), (135 * ONE, 415 * ONE));

    env.complete_undelegation(&pool, &dave, &x, dave_out)
        .await
        .unwrap();
    env.complete_undelegation(&pool, &eve, &x, eve_out)
        .await
        .unwrap();
    assert_eq!(env.position(&pool, &dave).await.idle_lst, 45 * ONE);
    assert_eq!(env.position(&pool, &eve).await.idle_lst, 100 * ONE);
    // the rest leave after the slash
    let alice_out = env.undelegate(&pool, &alice, &x, 100 * ONE).await.unwrap();
    let dave_rest = env.undelegate(&pool, &dave, &x, 50 * ONE).await.unwrap();
    env.set_time(request_ts + VETO_SECS + WITHDRAWAL_DELAY)
        .await;
    env.set_rate(&pool, ONE, ONE).await;
    for (user, ticket) in [(&alice, alice_out), (&bob, bob_out), (&dave, dave_rest)] {
        env.complete_undelegation(&pool, user, &x, ticket)
            .await
            .unwrap();
    }
    env.complete_withdrawal(&pool, &dave, dave_idle_out)
        .await
        .unwrap();
    env.complete_withdrawal(&pool, &carol, carol_idle_out)
        .await
        .unwrap();
    let mut last = Vec::new();
    for user in [&alice, &bob, &dave, &eve] {
        let idle = env.position(&pool, user).await.idle_lst;
        last.push(env.request_withdrawal(&pool, user, idle).await.unwrap());
    }
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.set_rate(&pool, ONE, ONE).await;
    for (user, ticket) in [&alice, &bob, &dave, &eve].into_iter().zip(last) {
        env.complete_withdrawal(&pool, user, ticket).await.unwrap();
    }
    for (user, lst) in [
        (&alice, 90),
        (&bob, 270),
        (&carol, 100),
        (&dave, 50 + 45 + 45),
        (&eve, 100),
    ] {
        assert_eq!(env.token_balance(&user.lst_account).await, lst * ONE);
    }
    // 750 deposited = 700 paid out + 50 seized; the vault and the books are empty
    assert_eq!(env.token_balance(&pool.keys.vault).await, 0);
    assert_eq!(env.pool(&pool).await.obligations().unwrap(), 0);
}

// ---- pause during matured withdrawals ------------------------------------------------------

/// The world, plus an undelegation of 30 of Alice's 60 shares; both her tickets mature, then
/// the guardian sets every pause flag. Deposits, delegations and a cancelled undelegation (a
/// delegation again) are refused; everything that lets a staker out is not: her matured
/// withdrawal pays 10 LST, her matured undelegation returns 27.272727272 LST to idle, claims
/// pay both legs (8.181818181 LST and 142.5 tokens to Alice, 27.272727273 LST and 712.5 tokens
/// to Bob), the operator and the treasury are paid, and Alice undelegates, requests, cancels
/// and completes her way out, all while paused: 100 LST − 2 base units of rounding.
#[tokio::test]
async fn audit_pause_during_matured_withdrawals() {
    let mut w = world().await;
    let pool = w.pool;
    let (alice, bob) = (w.alice.kp.insecure_clone(), w.bob.kp.insecure_clone());
    let undelegation = w
        .env
        .undelegate(&pool, &w.alice, &w.x, 30 * ONE)
        .await
        .unwrap();
    // 30 of 360 shares of 327.272727273 LST, rounded down
    let queued = 27_272_727_272;
    assert_eq!(
        w.env.state::<WithdrawalTicket>(&undelegation).await.lst,
        queued
    );
    w.env.advance_time(WITHDRAWAL_DELAY).await;
    w.env.set_rate(&pool, 11 * ONE, 10 * ONE).await;

    let guardian = w.env.guardian.insecure_clone();
    w.env
        .ok(
            &[client::set_pause(guardian.pubkey(), PAUSE_ALL)],
            &[&guardian],
        )
        .await;
    let config: Config = w.env.state(&client::config_pda()).await;
    assert_eq!(config.pause_flags, PAUSE_DEPOSITS | PAUSE_DELEGATIONS);

    // what the pause stops
    let mut watched = w.watched();
    watched.push(undelegation);
    let ix = client::deposit(w.alice.key(), &pool.keys, w.alice.lst_account, ONE, 0);
    w.env
        .fails(&[ix], &[&alice], &watched, RestakingError::DepositsPaused)
        .await;
    let mut ix = client::delegate(w.alice.key(), &pool.keys, w.x.operator, ONE);
    ix.accounts.extend(w.reward_index_metas());
    w.env
        .fails(
            &[ix],
            &[&alice],
            &watched,
            RestakingError::DelegationsPaused,
        )
        .await;
    let mut ix = client::cancel_ticket(
        w.alice.key(),
        &pool.keys,
        undelegation,
        Some(w.x.bucket),
        Some(w.x.operator),
    );
    ix.accounts.extend(w.reward_index_metas());
    w.env
        .fails(
            &[ix],
            &[&alice],
            &watched,
            RestakingError::DelegationsPaused,
        )
        .await;

    // what it does not: matured tickets complete, claims pay
    let ticket = w.ticket;
    w.env
        .complete_withdrawal(&pool, &w.alice, ticket)
        .await
        .unwrap();
    assert_eq!(w.env.token_balance(&w.alice.lst_account).await, 10 * ONE);
    w.env
        .complete_undelegation(&pool, &w.alice, &w.x, undelegation)
        .await
        .unwrap();
    let idle = ALICE_IDLE + queued;
    assert_eq!(w.env.position(&pool, &w.alice).await.idle_lst, idle);
    let ix = w.claim_ix(&w.alice, w.alice_rewards);
    w.env.ok(&[ix], &[&alice]).await;
    let claimed = ALICE_IDLE_YIELD + ALICE_BUCKET_YIELD;
    assert_eq!(
        w.env.token_balance(&w.alice.lst_account).await,
        10 * ONE + claimed
    );
    assert_eq!(w.env.token_balance(&w.alice_rewards).await, ALICE_REWARDS);
    // Alice's rounded-down undelegation took the unit her fraction started out of the bucket
    // as dust: nothing of hers is left for Bob's claim to strip, so he gets his own yield
    let ix = w.claim_ix(&w.bob, w.bob_rewards);
    w.env.ok(&[ix], &[&bob]).await;
    assert_eq!(
        w.env.token_balance(&w.bob.lst_account).await,
        BOB_BUCKET_YIELD
    );
    assert_eq!(w.env.token_balance(&w.bob_rewards).await, BOB_REWARDS);
    let x = w.x.kp.insecure_clone();
    w.env
        .ok(
            &[
                client::claim_commission(x.pubkey(), &w.stream, w.operator_rewards),
                client::claim_protocol_fees(&w.stream, w.treasury_rewards),
            ],
            &[&x],
        )
        .await;
    assert_eq!(w.env.token_balance(&w.operator_rewards).await, COMMISSION);
    assert_eq!(w.env.token_balance(&w.treasury_rewards).await, PROTOCOL_FEE);

    // and Alice walks out, still paused: a withdrawal request (and its cancellation), the rest
    // of her delegation, both completed
    let t = w
        .env
        .request_withdrawal(&pool, &w.alice, ONE)
        .await
        .unwrap();
    w.env
        .ok(
            &[client::cancel_withdrawal(w.alice.key(), &pool.keys, t)],
            &[&alice],
        )
        .await;
    assert_eq!(w.env.position(&pool, &w.alice).await.idle_lst, idle);
    let rest = w
        .env
        .undelegate(&pool, &w.alice, &w.x, 30 * ONE)
        .await
        .unwrap();
    // 30 of the remaining 330 shares of 300 LST, rounded down
    let rest_lst = 27_272_727_272;
    assert_eq!(w.env.state::<WithdrawalTicket>(&rest).await.lst, rest_lst);
    let out = w
        .env
        .request_withdrawal(&pool, &w.alice, idle)
        .await
        .unwrap();
    w.env.advance_time(WITHDRAWAL_DELAY).await;
    w.env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    w.env
        .complete_undelegation(&pool, &w.alice, &w.x, rest)
        .await
        .unwrap();
    w.env
        .complete_withdrawal(&pool, &w.alice, out)
        .await
        .unwrap();
    let ix = w.claim_ix(&w.alice, w.alice_rewards);
    w.env.ok(&[ix], &[&alice]).await;
    let last = w
        .env
        .request_withdrawal(&pool, &w.alice, rest_lst)
        .await
        .unwrap();
    w.env.advance_time(WITHDRAWAL_DELAY).await;
    w.env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    w.env
        .complete_withdrawal(&pool, &w.alice, last)
        .await
        .unwrap();
    assert_eq!(
        w.env
            .state::<Config>(&client::config_pda())
            .await
            .pause_flags,
        PAUSE_ALL,
        "paused throughout"
    );
    assert_eq!(
        w.env.token_balance(&w.alice.lst_account).await,
        10 * ONE + claimed + idle + rest_lst
    );
    assert_eq!(
        w.env.token_balance(&w.alice.lst_account).await,
        100 * ONE - 2
    );
    assert_eq!(w.env.token_balance(&w.alice_rewards).await, ALICE_REWARDS);
    let p = w.env.position(&pool, &w.alice).await;
    assert_eq!((p.idle_lst, p.unclaimed_yield, p.open_tickets), (0, 0, 0));
    // the vault holds the books (Bob's 272.727272727 LST and 1 unit of index remainder) and
    // the 2 units of dust Alice's two undelegations left
    assert_eq!(w.vault_surplus().await, 2);

    // only the admin lifts the pause; deposits then work again
    let admin = w.env.admin.insecure_clone();
    w.env
        .ok(&[client::set_pause(admin.pubkey(), 0)], &[&admin])
        .await;
    w.env.deposit(&pool, &w.alice, ONE).await.unwrap();
}

// ---- u64::MAX and zero on every amount argument ----------------------------------------------

/// A failing call: what it is, the instruction, who signs, the error, and the accounts it may
/// create besides the world's.
struct Refused {
    what: &'static str,
    ix: Instruction,
    signer: Keypair,
    error: u32,
    creates: Vec<Pubkey>,
}

fn refused(
    what: &'static str,
    ix: Instruction,
    signer: &Keypair,
    error: RestakingError,
) -> Refused {
    Refused {
        what,
        ix,
        signer: signer.insecure_clone(),
        error: u32::from(error),
        creates: Vec::new(),
    }
}

impl Refused {
    fn creating(mut self, keys: &[Pubkey]) -> Self {
        self.creates.extend_from_slice(keys);
        self
    }
}

/// `u64::MAX` and 0 (and the extremes of every other amount-like argument: `u16::MAX` basis
/// points, `u128::MAX` rates, `i64::MAX`/`i64::MIN` delays, `u32::MAX` durations, `u8::MAX`
/// pause flags) on every amount argument of every instruction. Each is refused with a named
/// error and changes nothing — or, where the value is legitimate (a zero slippage bound, a zero
/// or unlimited deposit cap, a zero fee, commission cap or commission, a zero veto window, no
/// pause), it is accepted and the test shows what it does and that stakers keep every way out.
#[tokio::test]
async fn audit_u64_max_and_zero_amounts() {
    use RestakingError as E;
    let mut w = world().await;
    let updater = Keypair::new();
    let manual = w.env.manual_lst(updater.pubkey(), rate(1, 1)).await;
    // a second stream on X whose fundings must last at least a day
    let slow_mint = w.env.create_mint(MintKind::Spl, 6).await;
    let slow = w
        .env
        .add_stream_with_min_duration(&w.x, slow_mint, 86_400)
        .await;
    let slow_funder = w.env.funder(&slow_mint, 1_000 * TOKEN).await;
    // Alice gets one LST back in her wallet, so that a deposit is possible at all
    w.env
        .mint_to(&w.pool.keys.lst_mint, &w.alice.lst_account, ONE)
        .await;
    let mut watched = w.watched();
    watched.extend([
        manual.keys.pool,
        slow.reward_index,
        slow.reward_vault,
        slow_funder.lst_account,
    ]);

    let keys = w.pool.keys;
    let admin = w.env.admin.insecure_clone();
    let alice = w.alice.kp.insecure_clone();
    let x = w.x.kp.insecure_clone();
    let slasher = w.svc.slasher.insecure_clone();
    let funder = w.funder.kp.insecure_clone();
    let (max, max16, max32) = (u64::MAX, u16::MAX, u32::MAX);
    let metas = w.env.reward_index_metas(&w.x).await;
    let alice_position = w.position(&w.alice);
    let next_ticket = client::ticket_pda(&alice_position, 1);
    let with = |mut ix: Instruction, extra: &[AccountMeta]| {
        ix.accounts.extend_from_slice(extra);
        ix
    };
    let fund = |amount, duration| {
        client::fund_rewards_over(
            w.funder.key(),
            w.x.operator,
            &w.stream,
            w.funder.lst_account,
            amount,
            duration,
        )
    };
    let nonce = w.env.bucket(&w.x).await.slash_nonce;
    let slash = |bps| {
        client::request_slash(
            slasher.pubkey(),
            w.svc.service,
            w.x.operator,
            w.x.bucket,
            nonce,
            bps,
            [9; 32],
        )
    };
    let request = client::slash_request_pda(&w.x.bucket, &w.svc.service, nonce);
    let config = |args: UpdateConfigArgs| client::update_config(admin.pubkey(), args);
    let pool_update =
        |pool: Pubkey, args: UpdatePoolArgs| client::update_pool(admin.pubkey(), pool, args);
    let manual_source = |max_change_bps, max_age_secs| RateSource::Manual {
        updater: updater.pubkey(),
        max_change_bps,
        max_age_secs,
    };
    // a mint for add_pool
    let new_mint = w.env.create_mint(MintKind::Spl, 9).await;
    let new_keys = PoolKeys::new(new_mint, spl_token::ID, &manual_source(1_000, 3_600));
    let add_pool = |initial_rate, delay, source| {
        let mut args = Env::pool_args(source, initial_rate);
        args.withdrawal_delay_secs = delay;
        client::add_pool(admin.pubkey(), &new_keys, args)
    };
    let newcomer = Keypair::new();
    w.env.airdrop(&newcomer.pubkey(), ONE).await;
    let newcomer_operator = client::operator_pda(&newcomer.pubkey());
    let third_mint = w.env.create_mint(MintKind::Spl, 6).await;
    let third = StreamKeys::new(w.x.bucket, third_mint, spl_token::ID);
    let new_pool = [new_keys.pool, new_keys.vault];
    let manual_ok = manual_source(1_000, 3_600);

    let cases = vec![
        // staker amounts
        refused(
            "deposit amount 0",
            client::deposit(alice.pubkey(), &keys, w.alice.lst_account, 0, 0),
            &alice,
            E::ZeroAmount,
        ),
        refused(
            "deposit amount u64::MAX",
            client::deposit(alice.pubkey(), &keys, w.alice.lst_account, max, 0),
            &alice,
            E::InsufficientFunds,
        ),
        refused(
            "deposit min_value u64::MAX",
            client::deposit(alice.pubkey(), &keys, w.alice.lst_account, ONE, max),
            &alice,
            E::SlippageExceeded,
        ),
        refused(
            "delegate 0",
            with(
                client::delegate(alice.pubkey(), &keys, w.x.operator, 0),
                &metas,
            ),
            &alice,
            E::ZeroAmount,
        ),
        refused(
            "delegate u64::MAX",
            with(
                client::delegate(alice.pubkey(), &keys, w.x.operator, max),
                &metas,
            ),
            &alice,
            E::InsufficientIdle,
        ),
        refused(
            "undelegate 0 shares",
            with(
                client::undelegate(alice.pubkey(), &keys, w.x.bucket, 1, 0, None),
                &metas,
            ),
            &alice,
            E::ZeroAmount,
        )
        .creating(&[next_ticket]),
        refused(
            "undelegate u64::MAX shares",
            with(
                client::undelegate(alice.pubkey(), &keys, w.x.bucket, 1, max, None),
                &metas,
            ),
            &alice,
            E::InsufficientShares,
        )
        .creating(&[next_ticket]),
        refused(
            "request_withdrawal 0",
            client::request_withdrawal(alice.pubkey(), &keys, 1, 0, None),
            &alice,
            E::ZeroAmount,
        )
        .creating(&[next_ticket]),
        refused(
            "request_withdrawal u64::MAX",
            client::request_withdrawal(alice.pubkey(), &keys, 1, max, None),
            &alice,
            E::InsufficientIdle,
        )
        .creating(&[next_ticket]),
        // rewards
        refused("fund_rewards amount 0", fund(0, 0), &funder, E::ZeroAmount),
        refused(
            "fund_rewards amount u64::MAX",
            fund(max, 0),
            &funder,
            E::InsufficientFunds,
        ),
        refused(
            "fund_rewards duration u32::MAX",
            fund(TOKEN, max32),
            &funder,
            E::RewardDurationTooLong,
        ),
        refused(
            "fund_rewards duration 365 days + 1 s",
            fund(TOKEN, MAX_REWARD_DURATION_SECS + 1),
            &funder,
            E::RewardDurationTooLong,
        ),
        refused(
            "fund_rewards duration 0 on a stream of at least a day",
            client::fund_rewards(
                slow_funder.key(),
                w.x.operator,
                &slow,
                slow_funder.lst_account,
                TOKEN,
            ),
            &slow_funder.kp,
            E::RewardDurationTooShort,
        ),
        refused(
            "add_reward_mint min_duration u32::MAX",
            client::add_reward_mint_with_min_duration(
                x.pubkey(),
                w.x.operator,
                w.x.bucket,
                &third,
                max32,
            ),
            &x,
            E::RewardDurationTooLong,
        )
        .creating(&[third.reward_index, third.reward_vault]),
        // slashing
        refused("request_slash bps 0", slash(0), &slasher, E::SlashTooLarge).creating(&[request]),
        refused(
            "request_slash bps u16::MAX",
            slash(max16),
            &slasher,
            E::SlashTooLarge,
        )
        .creating(&[request]),
        refused(
            "link_service max_slash_bps 0",
            client::link_service(x.pubkey(), w.svc.service, 0),
            &x,
            E::InvalidBps,
        ),
        refused(
            "link_service max_slash_bps u16::MAX",
            client::link_service(x.pubkey(), w.svc.service, max16),
            &x,
            E::InvalidBps,
        ),
        // operators
        refused(
            "register_operator commission u16::MAX",
            client::register_operator(newcomer.pubkey(), max16, "u"),
            &newcomer,
            E::CommissionTooHigh,
        )
        .creating(&[newcomer.pubkey(), newcomer_operator]),
        refused(
            "update_operator commission u16::MAX",
            client::update_operator(
                x.pubkey(),
                UpdateOperatorArgs {
                    commission_bps: Some(max16),
                    ..Default::default()
                },
            ),
            &x,
            E::CommissionTooHigh,
        ),
        // rates
        refused(
            "push_rate 0",
            client::push_rate(updater.pubkey(), manual.keys.pool, 0),
            &updater,
            E::InvalidRate,
        ),
        refused(
            "push_rate u128::MAX",
            client::push_rate(updater.pubkey(), manual.keys.pool, u128::MAX),
            &updater,
            E::InvalidRate,
        ),
        refused(
            "push_rate MAX_RATE + 1",
            client::push_rate(updater.pubkey(), manual.keys.pool, MAX_RATE + 1),
            &updater,
            E::InvalidRate,
        ),
        refused(
            "push_rate MAX_RATE (a usable rate, 18× the last)",
            client::push_rate(updater.pubkey(), manual.keys.pool, MAX_RATE),
            &updater,
            E::RateChangeTooLarge,
        ),
        // add_pool
        refused(
            "add_pool initial_rate 0",
            add_pool(0, WITHDRAWAL_DELAY, manual_ok),
            &admin,
            E::InvalidRate,
        )
        .creating(&new_pool),
        refused(
            "add_pool initial_rate u128::MAX",
            add_pool(u128::MAX, WITHDRAWAL_DELAY, manual_ok),
            &admin,
            E::InvalidRate,
        )
        .creating(&new_pool),
        refused(
            "add_pool withdrawal_delay 0",
            add_pool(rate(1, 1), 0, manual_ok),
            &admin,
            E::InvalidWithdrawalDelay,
        )
        .creating(&new_pool),
        refused(
            "add_pool withdrawal_delay i64::MAX",
            add_pool(rate(1, 1), i64::MAX, manual_ok),
            &admin,
            E::InvalidWithdrawalDelay,
        )
        .creating(&new_pool),
        refused(
            "add_pool withdrawal_delay i64::MIN",
            add_pool(rate(1, 1), i64::MIN, manual_ok),
            &admin,
            E::InvalidWithdrawalDelay,
        )
        .creating(&new_pool),
        refused(
            "add_pool max_change_bps 0",
            add_pool(rate(1, 1), WITHDRAWAL_DELAY, manual_source(0, 3_600)),
            &admin,
            E::InvalidBps,
        )
        .creating(&new_pool),
        refused(
            "add_pool max_change_bps u16::MAX",
            add_pool(rate(1, 1), WITHDRAWAL_DELAY, manual_source(max16, 3_600)),
            &admin,
            E::InvalidBps,
        )
        .creating(&new_pool),
        refused(
            "add_pool max_age_secs 0",
            add_pool(rate(1, 1), WITHDRAWAL_DELAY, manual_source(1_000, 0)),
            &admin,
            E::StaleRate,
        )
        .creating(&new_pool),
        // update_pool
        refused(
            "update_pool withdrawal_delay 0",
            pool_update(
                keys.pool,
                UpdatePoolArgs {
                    withdrawal_delay_secs: Some(0),
                    ..Default::default()
                },
            ),
            &admin,
            E::InvalidWithdrawalDelay,
        ),
        refused(
            "update_pool withdrawal_delay i64::MAX",
            pool_update(
                keys.pool,
                UpdatePoolArgs {
                    withdrawal_delay_secs: Some(i64::MAX),
                    ..Default::default()
                },
            ),
            &admin,
            E::InvalidWithdrawalDelay,
        ),
        refused(
            "update_pool max_change_bps 0",
            pool_update(
                manual.keys.pool,
                UpdatePoolArgs {
                    rate_source: Some(manual_source(0, 3_600)),
                    ..Default::default()
                },
            ),
            &admin,
            E::InvalidBps,
        ),
        refused(
            "update_pool max_change_bps u16::MAX",
            pool_update(
                manual.keys.pool,
                UpdatePoolArgs {
                    rate_source: Some(manual_source(max16, 3_600)),
                    ..Default::default()
                },
            ),
            &admin,
            E::InvalidBps,
        ),
        refused(
            "update_pool max_age_secs 0",
            pool_update(
                manual.keys.pool,
                UpdatePoolArgs {
                    rate_source: Some(manual_source(1_000, 0)),
                    ..Default::default()
                },
            ),
            &admin,
            E::StaleRate,
        ),
        // update_config
        refused(
            "update_config protocol_fee_bps u16::MAX",
            config(UpdateConfigArgs {
                protocol_fee_bps: Some(max16),
                ..Default::default()
            }),
            &admin,
            E::InvalidBps,
        ),
        refused(
            "update_config max_commission_bps u16::MAX",
            config(UpdateConfigArgs {
                max_commission_bps: Some(max16),
                ..Default::default()
            }),
            &admin,
            E::InvalidBps,
        ),
        refused(
            "update_config min_withdrawal_delay_secs 0",
            config(UpdateConfigArgs {
                min_withdrawal_delay_secs: Some(0),
                ..Default::default()
            }),
            &admin,
            E::InvalidWithdrawalDelay,
        ),
        refused(
            "update_config min_withdrawal_delay_secs i64::MAX",
            config(UpdateConfigArgs {
                min_withdrawal_delay_secs: Some(i64::MAX),
                ..Default::default()
            }),
            &admin,
            E::InvalidWithdrawalDelay,
        ),
        refused(
            "update_config min_withdrawal_delay_secs i64::MIN",
            config(UpdateConfigArgs {
                min_withdrawal_delay_secs: Some(i64::MIN),
                ..Default::default()
            }),
            &admin,
            E::InvalidWithdrawalDelay,
        ),
        refused(
            "update_config slash_veto_secs i64::MAX",
            config(UpdateConfigArgs {
                slash_veto_secs: Some(i64::MAX),
                ..Default::default()
            }),
            &admin,
            E::VetoWindowTooLong,
        ),
        refused(
            "update_config slash_veto_secs i64::MIN",
            config(UpdateConfigArgs {
                slash_veto_secs: Some(i64::MIN),
                ..Default::default()
            }),
            &admin,
            E::VetoWindowTooLong,
        ),
        refused(
            "set_pause u8::MAX",
            client::set_pause(admin.pubkey(), u8::MAX),
            &admin,
            E::InvalidPauseFlags,
        ),
    ];
    let refused_count = cases.len();
    for case in cases {
        let mut watched = watched.clone();
        watched.extend(case.creates.iter().copied());
        let before = w.env.snapshot(&watched).await;
        let result = w.env.send(&[case.ix], &[&case.signer]).await;
        assert_eq!(
            custom_code(&result),
            Some(case.error),
            "{}: expected {}, got {result:?}",
            case.what,
            case.error
        );
        assert_eq!(
            w.env.snapshot(&watched).await,
            before,
            "{} changed state",
            case.what
        );
    }
    // `initialize_config`, on a bank without a config
    let mut bare = Env::without_config().await;
    let bare_admin = bare.admin.insecure_clone();
    let defaults = bare.default_config_args();
    for (what, args, error) in [
        (
            "protocol_fee_bps u16::MAX",
            client::InitializeConfigArgs {
                protocol_fee_bps: max16,
                ..defaults.clone()
            },
            E::InvalidBps,
        ),
        (
            "max_commission_bps u16::MAX",
            client::InitializeConfigArgs {
                max_commission_bps: max16,
                ..defaults.clone()
            },
            E::InvalidBps,
        ),
        (
            "min_withdrawal_delay_secs 0",
            client::InitializeConfigArgs {
                min_withdrawal_delay_secs: 0,
                ..defaults.clone()
            },
            E::InvalidWithdrawalDelay,
        ),
        (
            "min_withdrawal_delay_secs i64::MAX",
            client::InitializeConfigArgs {
                min_withdrawal_delay_secs: i64::MAX,
                ..defaults.clone()
            },
            E::InvalidWithdrawalDelay,
        ),
        (
            "slash_veto_secs i64::MAX",
            client::InitializeConfigArgs {
                slash_veto_secs: i64::MAX,
                ..defaults.clone()
            },
            E::VetoWindowTooLong,
        ),
        (
            "slash_veto_secs −1",
            client::InitializeConfigArgs {
                slash_veto_secs: -1,
                ..defaults.clone()
            },
            E::VetoWindowTooLong,
        ),
    ] {
        let ix = client::initialize_config(bare_admin.pubkey(), args);
        let result = bare.send(&[ix], &[&bare_admin]).await;
        assert_eq!(
            custom_code(&result),
            Some(u32::from(error)),
            "initialize_config {what}: {result:?}"
        );
        assert!(!bare.exists(&client::config_pda()).await, "{what}");
    }

    // ---- the legitimate extremes: accepted, and harmless ----

    // a zero slippage bound is no bound: credited exactly 1 LST at its value, 1.1
    w.env.deposit(&w.pool, &w.alice, ONE).await.unwrap();
    let p = w.env.position(&w.pool, &w.alice).await;
    assert_eq!(
        (p.idle_lst, p.idle_principal),
        (ALICE_IDLE + ONE, 30 * ONE + 1_100_000_000)
    );
    // the world's deposit cap is u64::MAX: unlimited, and the principal sum is checked, so
    // the u64::MAX deposit above failed on the funds, not on an overflow of the cap
    assert_eq!(w.env.pool(&w.pool).await.deposit_cap_value, u64::MAX);
    // a zero cap (at add_pool or update_pool) takes no deposit and lets everyone out
    let mut args = Env::pool_args(manual_ok, rate(1, 1));
    args.deposit_cap_value = 0;
    w.env
        .ok(
            &[client::add_pool(admin.pubkey(), &new_keys, args)],
            &[&admin],
        )
        .await;
    let new_pool_state: restaking::state::Pool = w.env.state(&new_keys.pool).await;
    assert_eq!(new_pool_state.deposit_cap_value, 0);
    w.env
        .ok(
            &[pool_update(
                keys.pool,
                UpdatePoolArgs {
                    deposit_cap_value: Some(0),
                    ..Default::default()
                },
            )],
            &[&admin],
        )
        .await;
    w.env
        .mint_to(&w.pool.keys.lst_mint, &w.alice.lst_account, ONE)
        .await;
    let ix = client::deposit(alice.pubkey(), &keys, w.alice.lst_account, ONE, 0);
    w.env
        .fails(&[ix], &[&alice], &watched, E::DepositCapExceeded)
        .await;
    let out = w
        .env
        .request_withdrawal(&w.pool, &w.alice, ONE)
        .await
        .unwrap();
    assert_eq!(out, next_ticket);
    w.env
        .ok(
            &[pool_update(
                keys.pool,
                UpdatePoolArgs {
                    deposit_cap_value: Some(u64::MAX),
                    ..Default::default()
                },
            )],
            &[&admin],
        )
        .await;
    w.env.deposit(&w.pool, &w.alice, ONE).await.unwrap();

    // a zero fee and a zero commission cap apply at once (stakers keep more); a zero veto
    // window is only proposed, behind the timelock, and withdrawn by proposing the current one
    let now = w.env.clock().await.unix_timestamp;
    w.env
        .ok(
            &[config(UpdateConfigArgs {
                protocol_fee_bps: Some(0),
                max_commission_bps: Some(0),
                slash_veto_secs: Some(0),
                ..Default::default()
            })],
            &[&admin],
        )
        .await;
    let c: Config = w.env.state(&client::config_pda()).await;
    assert_eq!((c.protocol_fee_bps, c.max_commission_bps), (0, 0));
    assert_eq!(c.slash_veto_secs, VETO_SECS);
    assert_eq!(
        (
            c.pending_mask,
            c.pending_slash_veto_secs,
            c.pending_effective_ts
        ),
        (Config::PENDING_SLASH_VETO, 0, now + ADMIN_TIMELOCK_SECS)
    );
    w.env
        .ok(
            &[config(UpdateConfigArgs {
                slash_veto_secs: Some(VETO_SECS),
                ..Default::default()
            })],
            &[&admin],
        )
        .await;
    let c: Config = w.env.state(&client::config_pda()).await;
    assert_eq!((c.pending_mask, c.pending_effective_ts), (0, 0));
    // with both at 0, a funding goes whole to the stakers: 1,000 tokens over 360 shares
    let before = w.env.reward_index(&w.stream).await;
    w.env.ok(&[fund(1_000 * TOKEN, 0)], &[&funder]).await;
    let after = w.env.reward_index(&w.stream).await;
    assert_eq!(after.total_net - before.total_net, 1_000 * TOKEN);
    assert_eq!(after.commission_owed, before.commission_owed);

    // a zero commission, registered or set: accepted at once
    w.env
        .ok(
            &[client::register_operator(newcomer.pubkey(), 0, "u")],
            &[&newcomer],
        )
        .await;
    w.env
        .ok(
            &[client::update_operator(
                x.pubkey(),
                UpdateOperatorArgs {
                    commission_bps: Some(0),
                    ..Default::default()
                },
            )],
            &[&x],
        )
        .await;
    let op: restaking::state::Operator = w.env.state(&w.x.operator).await;
    assert_eq!((op.commission_bps, op.commission_effective_ts), (0, 0));
    // no pause at all: the admin's 0 is accepted; the longest legal delay is accepted too
    w.env
        .ok(&[client::set_pause(admin.pubkey(), 0)], &[&admin])
        .await;
    assert_eq!(
        w.env
            .state::<Config>(&client::config_pda())
            .await
            .pause_flags,
        0
    );
    w.env
        .ok(
            &[pool_update(
                manual.keys.pool,
                UpdatePoolArgs {
                    withdrawal_delay_secs: Some(MAX_WITHDRAWAL_DELAY_SECS),
                    ..Default::default()
                },
            )],
            &[&admin],
        )
        .await;
    println!("{refused_count} extreme arguments refused, 6 at initialize_config");
}

// ---- a frozen pool vault -------------------------------------------------------------------

/// Whether the token account `key` is frozen.
async fn frozen(env: &mut Env, key: &Pubkey) -> bool {
    let data = env.account(key).await.expect("token account").data;
    spl_token::state::Account::unpack(&data)
        .expect("token account")
        .state
        == spl_token::state::AccountState::Frozen
}

/// Issue 15 part 4. The admin accepted an LST whose mint has a freeze authority, naming it at
/// `add_pool`; the issuer then freezes the pool vault. Every instruction that moves LST into or
/// out of the vault fails in the token program (`AccountFrozen`) and changes nothing: Carol's
/// deposit, Alice's matured withdrawal, Bob's claim (he has base yield to be paid, so his
/// reward leg fails with it), a slash execution. Everything else works: Alice's reward claim
/// (no base yield pending), Bob's undelegation and its completion back to idle, withdrawal
/// requests and their cancellation, an undelegation cancelled back into the bucket, a new
/// delegation, harvests, a funding and the operator's commission, a slash request and its veto.
/// Once thawed, everything waiting completes and everyone leaves with exactly their LST (Alice
/// 100 − 4 and Bob 300 − 1 of rounding, Carol 50) and rewards (240, 750, the operator 110
/// tokens); the vault keeps exactly the books' 1 base unit and the 4 units of rounding dust.
#[tokio::test]
async fn audit_frozen_pool_vault() {
    let mut env = Env::new().await;
    let issuer = Keypair::new();
    let mint = env.create_freezable_mint(9, &issuer.pubkey()).await;
    let stake_pool = Pubkey::new_unique();
    env.set_stake_pool(&stake_pool, &mint, ONE, ONE).await;
    let source = RateSource::SplStakePool { stake_pool };
    let keys = PoolKeys::new(mint, spl_token::ID, &source);
    let admin = env.admin.insecure_clone();
    let mut args = Env::pool_args(source, 0);
    args.accepted_freeze_authority = Some(issuer.pubkey());
    env.ok(&[client::add_pool(admin.pubkey(), &keys, args)], &[&admin])
        .await;
    let pool = TestPool {
        keys,
        kind: MintKind::Spl,
        decimals: 9,
    };
    let x = env.operator(&pool, 1_000).await;
    let svc = env.service(&pool, &x, 2_000).await;
    let reward_mint = env.create_mint(MintKind::Spl, 6).await;
    let stream = env.add_stream(&x, reward_mint).await;
    let funder = env.funder(&reward_mint, 10_000 * TOKEN).await;
    let alice = env.user(&pool, 100 * ONE).await;
    let bob = env.user(&pool, 300 * ONE).await;
    let carol = env.user(&pool, 50 * ONE).await;
    let mut rewards = Vec::new();
    for owner in [alice.key(), bob.key(), x.kp.pubkey()] {
        rewards.push(env.create_token_account(&reward_mint, &owner).await);
    }
    let [alice_rewards, bob_rewards, operator_rewards] = [rewards[0], rewards[1], rewards[2]];

    // before the freeze, at 1.00: the world's positions, one matured withdrawal ticket
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    env.delegate(&pool, &alice, &x, 60 * ONE).await.unwrap();
    env.deposit(&pool, &bob, 300 * ONE).await.unwrap();
    env.delegate(&pool, &bob, &x, 300 * ONE).await.unwrap();
    let alice_ticket = env
        .request_withdrawal(&pool, &alice, 10 * ONE)
        .await
        .unwrap();
    env.fund(&funder, &x, &stream, 1_000 * TOKEN).await.unwrap();
    // at 1.10 Alice takes her base yield (idle 2.727272727, bucket 5.454545454); Bob does not
    env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    env.claim_delegation(&pool, &alice, &x).await.unwrap();
    let alice_claimed = ALICE_IDLE_YIELD + ALICE_BUCKET_YIELD;
    assert_eq!(env.token_balance(&alice.lst_account).await, alice_claimed);
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.set_rate(&pool, 11 * ONE, 10 * ONE).await;

    // the issuer freezes the vault
    let freeze = spl_token::instruction::freeze_account(
        &spl_token::ID,
        &pool.keys.vault,
        &mint,
        &issuer.pubkey(),
        &[],
    )
    .unwrap();
    env.ok(&[freeze], &[&issuer]).await;
    assert!(frozen(&mut env, &pool.keys.vault).await);
    let vault_lst = env.token_balance(&pool.keys.vault).await;
    assert_eq!(vault_lst, 400 * ONE - alice_claimed);

    // ---- what stakers cannot do: move LST into or out of the vault ----
    let mut watched = vec![
        pool.keys.pool,
        pool.keys.vault,
        x.bucket,
        client::queue_pda(&x.bucket),
        stream.reward_index,
        stream.reward_vault,
        alice_ticket,
        svc.destination,
    ];
    for (user, account) in [(&alice, alice_rewards), (&bob, bob_rewards)] {
        let position = pool.keys.position(&user.key());
        watched.extend([
            position,
            client::delegation_pda(&position, &x.bucket),
            user.lst_account,
            account,
        ]);
    }
    watched.extend([carol.lst_account, pool.keys.position(&carol.key())]);
    let ix = client::deposit(carol.key(), &pool.keys, carol.lst_account, 50 * ONE, 0);
    env.fails(&[ix], &[&carol.kp], &watched, ACCOUNT_FROZEN)
        .await;
    let ix = client::complete_withdrawal(alice.key(), &pool.keys, alice_ticket, alice.lst_account);
    env.fails(&[ix], &[&alice.kp], &watched, ACCOUNT_FROZEN)
        .await;
    // Bob's claim would pay 27.272727272 LST of base yield: refused whole, reward leg included
    let mut ix = client::claim_delegation(bob.key(), &pool.keys, bob.lst_account, Some(x.bucket));
    ix.accounts.extend(stream.claim_group(bob_rewards));
    env.fails(&[ix], &[&bob.kp], &watched, ACCOUNT_FROZEN).await;

    // ---- what they can: everything that moves no LST ----
    // Alice has no base yield pending: her reward claim pays
    env.claim_streams(&pool, &alice, &x, &[(stream, alice_rewards)])
        .await
        .unwrap();
    assert_eq!(env.token_balance(&alice_rewards).await, 150 * TOKEN);
    assert_eq!(env.token_balance(&alice.lst_account).await, alice_claimed);
    // Bob leaves the bucket: 300 of 360 shares of 327.272727273, rounded down
    let bob_out = env.undelegate(&pool, &bob, &x, 300 * ONE).await.unwrap();
    let bob_back = 272_727_272_727;
    assert_eq!(env.state::<WithdrawalTicket>(&bob_out).await.lst, bob_back);
    // a funding and the commission (the reward vault is another mint's, not frozen): 90 of
    // 100 tokens to Alice, the only one left delegated, 10 to the operator
    env.fund(&funder, &x, &stream, 100 * TOKEN).await.unwrap();
    let ix = client::claim_commission(x.kp.pubkey(), &stream, operator_rewards);
    env.ok(&[ix], &[&x.kp]).await;
    assert_eq!(env.token_balance(&operator_rewards).await, 110 * TOKEN);
    // Alice asks her idle LST out and changes her mind; undelegates a third and changes her
    // mind; delegates one more LST
    let t = env
        .request_withdrawal(&pool, &alice, ALICE_IDLE)
        .await
        .unwrap();
    env.ok(
        &[client::cancel_withdrawal(alice.key(), &pool.keys, t)],
        &[&alice.kp],
    )
    .await;
    // (Bob's exit left 54.545454545 for her 60 shares, its dust unit gone)
    let t = env.undelegate(&pool, &alice, &x, 20 * ONE).await.unwrap();
    assert_eq!(env.state::<WithdrawalTicket>(&t).await.lst, 18_181_818_181);
    env.cancel_undelegation(&pool, &alice, &x, t).await.unwrap();
    // re-entering at the bucket's ratio after the dust of her exit: a share's fraction less
    assert_eq!(env.delegation(&pool, &alice, &x).await.shares, 60 * ONE - 1);
    env.delegate(&pool, &alice, &x, ONE).await.unwrap();
    let alice_shares = 61_099_999_999;
    assert_eq!(env.delegation(&pool, &alice, &x).await.shares, alice_shares);
    env.harvest_bucket(&pool, &x).await.unwrap();
    let alice_position = pool.keys.position(&alice.key());
    env.ok(&[client::harvest(&pool.keys, alice_position)], &[])
        .await;
    env.claim_streams(&pool, &alice, &x, &[(stream, alice_rewards)])
        .await
        .unwrap();
    assert_eq!(env.token_balance(&alice_rewards).await, 240 * TOKEN);
    // Bob's undelegation matures and returns to his idle holding; he asks it out
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    env.complete_undelegation(&pool, &bob, &x, bob_out)
        .await
        .unwrap();
    assert_eq!(env.position(&pool, &bob).await.idle_lst, bob_back);
    let bob_ticket = env.request_withdrawal(&pool, &bob, bob_back).await.unwrap();
    // a slash can be requested and vetoed, but not executed: the seized LST cannot leave
    let request = env.request_slash(&svc, &x, 1_000).await.unwrap();
    env.advance_time(VETO_SECS).await;
    env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    let ix = client::execute_slash(&pool.keys, x.bucket, request, svc.service, svc.destination);
    let mut w = watched.clone();
    w.push(request);
    env.fails(&[ix], &[], &w, ACCOUNT_FROZEN).await;
    env.veto_slash(&x, request).await.unwrap();
    // through all of it the vault did not move
    assert_eq!(env.token_balance(&pool.keys.vault).await, vault_lst);
    assert!(frozen(&mut env, &pool.keys.vault).await);

    // ---- thawed: everything waiting completes, and the books balance ----
    let thaw = spl_token::instruction::thaw_account(
        &spl_token::ID,
        &pool.keys.vault,
        &mint,
        &issuer.pubkey(),
        &[],
    )
    .unwrap();
    env.ok(&[thaw], &[&issuer]).await;
    assert!(!frozen(&mut env, &pool.keys.vault).await);
    env.complete_withdrawal(&pool, &alice, alice_ticket)
        .await
        .unwrap();
    env.claim_streams(&pool, &bob, &x, &[(stream, bob_rewards)])
        .await
        .unwrap();
    assert_eq!(env.token_balance(&bob.lst_account).await, BOB_BUCKET_YIELD);
    assert_eq!(env.token_balance(&bob_rewards).await, 750 * TOKEN);
    env.deposit(&pool, &carol, 50 * ONE).await.unwrap();
    let carol_out = env
        .request_withdrawal(&pool, &carol, 50 * ONE)
        .await
        .unwrap();
    // Alice, the bucket's last holder, takes all of its 55.545454542 LST
    let alice_out = env
        .undelegate(&pool, &alice, &x, alice_shares)
        .await
        .unwrap();
    assert_eq!(
        env.state::<WithdrawalTicket>(&alice_out).await.lst,
        55_545_454_542
    );
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    env.complete_withdrawal(&pool, &bob, bob_ticket)
        .await
        .unwrap();
    env.complete_withdrawal(&pool, &carol, carol_out)
        .await
        .unwrap();
    env.complete_undelegation(&pool, &alice, &x, alice_out)
        .await
        .unwrap();
    env.claim_streams(&pool, &alice, &x, &[(stream, alice_rewards)])
        .await
        .unwrap();
    let idle = env.position(&pool, &alice).await.idle_lst;
    assert_eq!(idle, 81_818_181_815);
    let last = env.request_withdrawal(&pool, &alice, idle).await.unwrap();
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.set_rate(&pool, 11 * ONE, 10 * ONE).await;
    env.complete_withdrawal(&pool, &alice, last).await.unwrap();

    for (account, expected) in [
        (alice.lst_account, 100 * ONE - 4),
        (bob.lst_account, 300 * ONE - 1),
        (carol.lst_account, 50 * ONE),
        (alice_rewards, 240 * TOKEN),
        (bob_rewards, 750 * TOKEN),
        (operator_rewards, 110 * TOKEN),
        (svc.destination, 0),
    ] {
        assert_eq!(env.token_balance(&account).await, expected);
    }
    // the vault keeps the books' 1 base unit of index remainder and the 4 units of dust of
    // Bob's exit and Alice's entries and exits, owed to nobody
    let p = env.pool(&pool).await;
    assert_eq!(p.obligations().unwrap(), 1);
    assert_eq!(env.token_balance(&pool.keys.vault).await, 5);
    let index = env.reward_index(&stream).await;
    assert_eq!(
        env.token_balance(&stream.reward_vault).await,
        index.obligations().unwrap()
    );
}
