//! The reference lender (`programs/lender`, SPEC §6): a real CPI caller built with
//! `declare_program!(restaking)` from the committed IDL. It takes a lien with its PDA, values
//! positions by CPI to `get_position_value`, lends up to a loan-to-value limit, releases the
//! lien on repayment and, on default, enforces it and collects the LST.
//!
//! Each lender instruction's success and refusals, the attack of a borrower pledging someone
//! else's position, a default after a slash and a default after a rate fall (liquidate →
//! collect → every LST unit in the lender's collateral vault), and S10's view by CPI.
//!
//! The view answers through return data, which only the SBF binaries set (the natively
//! compiled programs' `set_return_data` is a no-op off-chain): the tests whose outcome depends
//! on a valuation (`borrow`, `liquidate`, `value_position` and what follows them) run on the
//! binaries (`RESTAKING_SBF=1`) and return early natively; the others run on both.
//!
//! Every `LenderError` is reached here but five the lender asserts as invariants no sequence
//! of instructions can break: `TicketsOpen` and `LienNotHeld` (an active loan's position has no
//! ticket and the market's lien: it never co-signs one, and only it releases the lien),
//! `InvalidPositionValue` (the restaking program's own encoding), `MathOverflow` and
//! `DivisionByZero` (the lender's unit tests cover the arithmetic).
#![allow(clippy::arithmetic_side_effects)]
// solana-program-test 3.x marks `ProgramTestContext`'s fields "to become unstable in 4.0"; the
// compute-unit measurement simulates through them.
#![allow(deprecated)]

use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::{AnchorDeserialize, InstructionData, ToAccountMetas};
use restaking::error::RestakingError;
use restaking::state::{Position, WithdrawalTicket};
use restaking_lender::error::LenderError;
use restaking_lender::instructions::InitMarketArgs;
use restaking_lender::pda;
use restaking_lender::state::{Loan, LoanStatus, Market};
use restaking_lender::Valuation;
use restaking_tests::client;
use restaking_tests::solana_sdk::pubkey::Pubkey;
use restaking_tests::solana_sdk::signature::{Keypair, Signer};
use restaking_tests::solana_sdk::transaction::Transaction;
use restaking_tests::*;

/// Reward tokens have 6 decimals.
const TOKEN: u64 = 1_000_000;
/// The markets' terms: lend up to 80 % of the collateral's value; liquidate below 120 % of
/// the debt; the loan token (9 decimals) priced 1:1 against the numeraire.
const LTV_BPS: u16 = 8_000;
const MAINTENANCE_BPS: u16 = 12_000;
const LIQUIDITY: u64 = 1_000 * ONE;

fn args() -> InitMarketArgs {
    InitMarketArgs {
        ltv_bps: LTV_BPS,
        maintenance_bps: MAINTENANCE_BPS,
        price_num: 1,
        price_den: 1,
    }
}

fn lender_ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: restaking_lender::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

/// A market's addresses.
#[derive(Clone, Copy)]
struct MarketKeys {
    market: Pubkey,
    authority: Pubkey,
    liquidity_vault: Pubkey,
    collateral_vault: Pubkey,
    loan_mint: Pubkey,
    pool: client::PoolKeys,
}

impl MarketKeys {
    fn new(admin: &Pubkey, pool: &TestPool, loan_mint: Pubkey) -> Self {
        let market = pda::market_address(admin, &pool.keys.pool, &loan_mint).0;
        Self {
            market,
            authority: pda::authority_address(&market).0,
            liquidity_vault: pda::liquidity_vault_address(&market).0,
            collateral_vault: pda::collateral_vault_address(&market).0,
            loan_mint,
            pool: pool.keys,
        }
    }

    fn keys(&self) -> client::PoolKeys {
        self.pool
    }

    fn loan(&self, borrower: &Pubkey) -> Pubkey {
        pda::loan_address(&self.market, borrower).0
    }

    fn init_market(&self, admin: Pubkey, args: InitMarketArgs) -> Instruction {
        let keys = self.keys();
        lender_ix(
            restaking_lender::accounts::InitMarket {
                admin,
                pool: keys.pool,
                lst_mint: keys.lst_mint,
                lst_token_program: keys.token_program,
                loan_mint: self.loan_mint,
                loan_token_program: anchor_spl::token::ID,
                market: self.market,
                market_authority: self.authority,
                liquidity_vault: self.liquidity_vault,
                collateral_vault: self.collateral_vault,
                system_program: anchor_lang::system_program::ID,
            },
            restaking_lender::instruction::InitMarket { args },
        )
    }

    fn fund_liquidity(&self, admin: Pubkey, from: Pubkey, amount: u64) -> Instruction {
        lender_ix(
            restaking_lender::accounts::FundLiquidity {
                admin,
                market: self.market,
                admin_loan_account: from,
                liquidity_vault: self.liquidity_vault,
                loan_mint: self.loan_mint,
                loan_token_program: anchor_spl::token::ID,
            },
            restaking_lender::instruction::FundLiquidity { amount },
        )
    }

    /// `open_loan` of `borrower` pledging `position`.
    fn open_loan(&self, borrower: Pubkey, position: Pubkey) -> Instruction {
        lender_ix(
            restaking_lender::accounts::OpenLoan {
                borrower,
                market: self.market,
                market_authority: self.authority,
                position,
                loan: self.loan(&borrower),
                restaking_event_authority: client::event_authority(),
                restaking_program: restaking::ID,
                system_program: anchor_lang::system_program::ID,
            },
            restaking_lender::instruction::OpenLoan {},
        )
    }

    /// `borrow(amount)` against `position` with the view's `groups`.
    fn borrow(
        &self,
        borrower: Pubkey,
        position: Pubkey,
        to: Pubkey,
        amount: u64,
        groups: &[AccountMeta],
    ) -> Instruction {
        let keys = self.keys();
        let mut ix = lender_ix(
            restaking_lender::accounts::Borrow {
                borrower,
                market: self.market,
                loan: self.loan(&borrower),
                market_authority: self.authority,
                pool: keys.pool,
                position,
                rate_source: keys.rate_source,
                liquidity_vault: self.liquidity_vault,
                borrower_loan_account: to,
                loan_mint: self.loan_mint,
                loan_token_program: anchor_spl::token::ID,
                restaking_program: restaking::ID,
            },
            restaking_lender::instruction::Borrow { amount },
        );
        ix.accounts.extend_from_slice(groups);
        ix
    }

    fn repay(&self, payer: Pubkey, borrower: Pubkey, from: Pubkey, amount: u64) -> Instruction {
        lender_ix(
            restaking_lender::accounts::Repay {
                payer,
                market: self.market,
                loan: self.loan(&borrower),
                payer_loan_account: from,
                liquidity_vault: self.liquidity_vault,
                loan_mint: self.loan_mint,
                loan_token_program: anchor_spl::token::ID,
            },
            restaking_lender::instruction::Repay { amount },
        )
    }

    fn close_loan(&self, borrower: Pubkey, position: Pubkey) -> Instruction {
        lender_ix(
            restaking_lender::accounts::CloseLoan {
                borrower,
                market: self.market,
                loan: self.loan(&borrower),
                market_authority: self.authority,
                position,
                restaking_event_authority: client::event_authority(),
                restaking_program: restaking::ID,
            },
            restaking_lender::instruction::CloseLoan {},
        )
    }

    /// `liquidate` of `borrower`'s loan with `groups` (`[delegation, bucket, reward indexes,
    /// queue, new ticket]` each) and the idle LST's ticket.
    fn liquidate(
        &self,
        liquidator: Pubkey,
        borrower: Pubkey,
        position: Pubkey,
        idle_ticket: Option<Pubkey>,
        groups: &[AccountMeta],
    ) -> Instruction {
        let keys = self.keys();
        let mut ix = lender_ix(
            restaking_lender::accounts::Liquidate {
                liquidator,
                market: self.market,
                loan: self.loan(&borrower),
                market_authority: self.authority,
                pool: keys.pool,
                position,
                rate_source: keys.rate_source,
                idle_ticket,
                restaking_event_authority: client::event_authority(),
                restaking_program: restaking::ID,
                system_program: anchor_lang::system_program::ID,
            },
            restaking_lender::instruction::Liquidate {},
        );
        ix.accounts.extend_from_slice(groups);
        ix
    }

    /// `collect` of `borrower`'s loan: settles `ticket` (an `Undelegate` ticket of `bucket` if
    /// given) and requests idle LST into `next_ticket`.
    fn collect(
        &self,
        cranker: Pubkey,
        borrower: Pubkey,
        ticket: Option<Pubkey>,
        bucket: Option<Pubkey>,
        next_ticket: Option<Pubkey>,
    ) -> Instruction {
        let keys = self.keys();
        let position = keys.position(&borrower);
        lender_ix(
            restaking_lender::accounts::Collect {
                cranker,
                market: self.market,
                loan: self.loan(&borrower),
                market_authority: self.authority,
                pool: keys.pool,
                position,
                ticket,
                pool_vault: keys.vault,
                lst_mint: keys.lst_mint,
                collateral_vault: self.collateral_vault,
                lst_token_program: keys.token_program,
                rate_source: keys.rate_source,
                operator_pool: bucket,
                delegation: bucket.map(|b| client::delegation_pda(&position, &b)),
                queue: bucket.map(|b| client::queue_pda(&b)),
                next_ticket,
                restaking_event_authority: client::event_authority(),
                restaking_program: restaking::ID,
                system_program: anchor_lang::system_program::ID,
            },
            restaking_lender::instruction::Collect {},
        )
    }

    fn value_position(&self, position: Pubkey, groups: &[AccountMeta]) -> Instruction {
        let keys = self.keys();
        let mut ix = lender_ix(
            restaking_lender::accounts::ValuePosition {
                market: self.market,
                pool: keys.pool,
                position,
                rate_source: keys.rate_source,
                restaking_program: restaking::ID,
            },
            restaking_lender::instruction::ValuePosition {},
        );
        ix.accounts.extend_from_slice(groups);
        ix
    }
}

/// A 1:1 SPL-stake-pool LST; operator X (10 % commission) with one reward stream and a
/// linked service; Alice with 100 LST deposited and 60 delegated to X; a market lending a
/// 9-decimal loan token against the pool, funded with 1,000; Alice's loan-token account.
struct World {
    env: Env,
    pool: TestPool,
    x: TestOperator,
    svc: TestService,
    stream: client::StreamKeys,
    alice: User,
    admin: Keypair,
    m: MarketKeys,
    alice_loan_account: Pubkey,
}

impl World {
    async fn new() -> Self {
        let mut env = Env::new().await;
        let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
        let x = env.operator(&pool, 1_000).await;
        let svc = env.service(&pool, &x, 2_000).await;
        let reward_mint = env.create_mint(MintKind::Spl, 6).await;
        let stream = env.add_stream(&x, reward_mint).await;
        let alice = env.user(&pool, 100 * ONE).await;
        env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
        env.delegate(&pool, &alice, &x, 60 * ONE).await.unwrap();
        Self::with(env, pool, x, svc, stream, alice).await
    }

    /// A market over `pool` and Alice's loan-token account, in an existing state.
    async fn with(
        mut env: Env,
        pool: TestPool,
        x: TestOperator,
        svc: TestService,
        stream: client::StreamKeys,
        alice: User,
    ) -> Self {
        let admin = Keypair::new();
        env.airdrop(&admin.pubkey(), 10 * ONE).await;
        let loan_mint = env.create_mint(MintKind::Spl, 9).await;
        let m = MarketKeys::new(&admin.pubkey(), &pool, loan_mint);
        env.ok(&[m.init_market(admin.pubkey(), args())], &[&admin])
            .await;
        let admin_account = env.create_token_account(&loan_mint, &admin.pubkey()).await;
        env.mint_to(&loan_mint, &admin_account, LIQUIDITY).await;
        env.ok(
            &[m.fund_liquidity(admin.pubkey(), admin_account, LIQUIDITY)],
            &[&admin],
        )
        .await;
        let alice_loan_account = env.create_token_account(&loan_mint, &alice.key()).await;
        Self {
            env,
            pool,
            x,
            svc,
            stream,
            alice,
            admin,
            m,
            alice_loan_account,
        }
    }

    fn position_key(&self) -> Pubkey {
        self.pool.keys.position(&self.alice.key())
    }

    async fn position(&mut self) -> Position {
        let key = self.position_key();
        self.env.state(&key).await
    }

    async fn loan(&mut self) -> Loan {
        let key = self.m.loan(&self.alice.key());
        self.env.state(&key).await
    }

    async fn market(&mut self) -> Market {
        let key = self.m.market;
        self.env.state(&key).await
    }

    async fn open_loan(&mut self) {
        let ix = self.m.open_loan(self.alice.key(), self.position_key());
        let alice = self.alice.kp.insecure_clone();
        self.env.ok(&[ix], &[&alice]).await;
    }

    /// The view's group for Alice's delegation to X.
    async fn view_groups(&mut self) -> Vec<AccountMeta> {
        let b = self.env.bucket(&self.x).await;
        let mints = &b.reward_mints[..usize::from(b.reward_mint_count)];
        client::view_delegation_metas(&self.position_key(), &self.x.bucket, mints)
    }

    fn borrow_ix(&self, amount: u64, groups: &[AccountMeta]) -> Instruction {
        self.m.borrow(
            self.alice.key(),
            self.position_key(),
            self.alice_loan_account,
            amount,
            groups,
        )
    }

    async fn borrow(&mut self, amount: u64) -> TxResult {
        let groups = self.view_groups().await;
        let ix = self.borrow_ix(amount, &groups);
        let alice = self.alice.kp.insecure_clone();
        self.env.send(&[ix], &[&alice]).await
    }

    /// `liquidate` with the group of Alice's delegation to X, the undelegation ticket at the
    /// position's next nonce and the idle one after it; returns (undelegation, withdrawal).
    async fn liquidate_ix(&mut self, liquidator: Pubkey) -> (Instruction, Pubkey, Pubkey) {
        let position = self.position_key();
        let nonce = self.position().await.ticket_nonce;
        let undelegation = client::ticket_pda(&position, nonce);
        let withdrawal = client::ticket_pda(&position, nonce + 1);
        let mut groups = self.view_groups().await;
        groups.push(AccountMeta::new(client::queue_pda(&self.x.bucket), false));
        groups.push(AccountMeta::new(undelegation, false));
        // the bucket, the delegation and the reward indexes are written by `undelegate`
        for meta in groups.iter_mut() {
            meta.is_writable = true;
        }
        let ix = self.m.liquidate(
            liquidator,
            self.alice.key(),
            position,
            Some(withdrawal),
            &groups,
        );
        (ix, undelegation, withdrawal)
    }

    /// `value_position` of Alice's position by simulation: the lender's valuation.
    async fn valuation(&mut self) -> Valuation {
        let groups = self.view_groups().await;
        let ix = self.m.value_position(self.position_key(), &groups);
        let data = self.env.simulate_return(&[ix], &[]).await.unwrap();
        decode_valuation(&data)
    }

    /// Every account a refused lender instruction must leave unchanged.
    fn watched(&self) -> Vec<Pubkey> {
        let position = self.position_key();
        vec![
            position,
            self.pool.keys.pool,
            self.pool.keys.vault,
            self.x.bucket,
            client::delegation_pda(&position, &self.x.bucket),
            self.m.market,
            self.m.loan(&self.alice.key()),
            self.m.liquidity_vault,
            self.m.collateral_vault,
            self.alice_loan_account,
        ]
    }
}

/// Decodes `value_position`'s return data (trailing zero bytes may have been dropped).
fn decode_valuation(data: &[u8]) -> Valuation {
    use std::io::Read;
    let mut reader = data.chain(std::io::repeat(0));
    Valuation::deserialize_reader(&mut reader).expect("valuation")
}

// ---- accounts and constants --------------------------------------------------------------

/// The lender's facts about the restaking program (it has no dependency on its crate) match it.
#[test]
fn lender_constants_match_restaking() {
    assert_eq!(
        restaking_lender::constants::TICKET_SPACE,
        WithdrawalTicket::SPACE
    );
    assert_eq!(
        restaking_lender::constants::RESTAKING_EVENT_AUTHORITY,
        client::event_authority()
    );
    assert_eq!(
        restaking_lender::constants::RATE_SCALE,
        restaking::constants::RATE_SCALE
    );
    assert_eq!(restaking_lender::restaking::ID, restaking::ID);
}

// ---- init_market / fund_liquidity ----------------------------------------------------------

#[tokio::test]
async fn init_market_ok() {
    let mut w = World::new().await;
    let m = w.market().await;
    assert_eq!(m.admin, w.admin.pubkey());
    assert_eq!(m.pool, w.pool.keys.pool);
    assert_eq!(m.lst_mint, w.pool.keys.lst_mint);
    assert_eq!(m.loan_mint, w.m.loan_mint);
    assert_eq!(m.liquidity_vault, w.m.liquidity_vault);
    assert_eq!(m.collateral_vault, w.m.collateral_vault);
    assert_eq!(
        (m.ltv_bps, m.maintenance_bps, m.price_num, m.price_den),
        (LTV_BPS, MAINTENANCE_BPS, 1, 1)
    );
    assert_eq!((m.total_debt, m.open_loans), (0, 0));
    assert_eq!(m.authority_bump, pda::authority_address(&w.m.market).1);
    assert_eq!(
        w.env.token_balance(&w.m.liquidity_vault).await,
        LIQUIDITY,
        "funded"
    );
    // both vaults belong to the authority PDA
    use anchor_lang::AccountDeserialize;
    for vault in [w.m.liquidity_vault, w.m.collateral_vault] {
        let data = w.env.account(&vault).await.unwrap().data;
        let account =
            anchor_spl::token::TokenAccount::try_deserialize(&mut data.as_slice()).unwrap();
        assert_eq!(account.owner, w.m.authority);
    }
}

#[tokio::test]
async fn init_market_invalid_params() {
    let mut w = World::new().await;
    let admin = w.admin.insecure_clone();
    let loan_mint = w.env.create_mint(MintKind::Spl, 6).await;
    let m = MarketKeys::new(&admin.pubkey(), &w.pool, loan_mint);
    let bad = [
        (
            InitMarketArgs {
                ltv_bps: 0,
                ..args()
            },
            LenderError::InvalidRiskParams,
        ),
        (
            InitMarketArgs {
                maintenance_bps: 9_999,
                ..args()
            },
            LenderError::InvalidRiskParams,
        ),
        (
            // a loan at the limit would be liquidatable at once: 0.8 × 1.3 > 1
            InitMarketArgs {
                maintenance_bps: 13_000,
                ..args()
            },
            LenderError::InvalidRiskParams,
        ),
        (
            InitMarketArgs {
                price_den: 0,
                ..args()
            },
            LenderError::InvalidPrice,
        ),
    ];
    for (args, error) in bad {
        w.env
            .fails(
                &[m.init_market(admin.pubkey(), args)],
                &[&admin],
                &[m.market],
                error,
            )
            .await;
    }
    // an LST mint other than the pool's
    let mut ix = m.init_market(admin.pubkey(), args());
    ix.accounts[2].pubkey = loan_mint;
    w.env
        .fails(&[ix], &[&admin], &[m.market], LenderError::WrongMint)
        .await;
}

#[tokio::test]
async fn fund_liquidity_refusals() {
    let mut w = World::new().await;
    let mallory = Keypair::new();
    w.env.airdrop(&mallory.pubkey(), ONE).await;
    let from = w
        .env
        .create_token_account(&w.m.loan_mint, &mallory.pubkey())
        .await;
    w.env.mint_to(&w.m.loan_mint, &from, ONE).await;
    let watched = [w.m.liquidity_vault, from];
    w.env
        .fails(
            &[w.m.fund_liquidity(mallory.pubkey(), from, ONE)],
            &[&mallory],
            &watched,
            LenderError::NotMarketAdmin,
        )
        .await;
    let admin = w.admin.insecure_clone();
    let admin_account = w
        .env
        .create_token_account(&w.m.loan_mint, &admin.pubkey())
        .await;
    w.env
        .fails(
            &[w.m.fund_liquidity(admin.pubkey(), admin_account, 0)],
            &[&admin],
            &watched,
            LenderError::ZeroAmount,
        )
        .await;
    // a vault that is not the market's, a token program that is not the mint's
    w.env.mint_to(&w.m.loan_mint, &admin_account, ONE).await;
    let mut ix = w.m.fund_liquidity(admin.pubkey(), admin_account, ONE);
    ix.accounts[3].pubkey = from;
    w.env
        .fails(&[ix], &[&admin], &watched, LenderError::WrongVault)
        .await;
    let mut ix = w.m.fund_liquidity(admin.pubkey(), admin_account, ONE);
    ix.accounts[5].pubkey = anchor_spl::token_2022::ID;
    w.env
        .fails(&[ix], &[&admin], &watched, LenderError::WrongTokenProgram)
        .await;
}

// ---- open_loan / close_loan ------------------------------------------------------------------

#[tokio::test]
async fn open_loan_ok() {
    let mut w = World::new().await;
    w.open_loan().await;
    let position = w.position().await;
    assert_eq!(
        position.lien_holder, w.m.authority,
        "the market's PDA holds the lien"
    );
    let loan = w.loan().await;
    assert_eq!(loan.borrower, w.alice.key());
    assert_eq!(loan.position, w.position_key());
    assert_eq!((loan.debt, loan.status), (0, LoanStatus::Active));
    assert_eq!(w.market().await.open_loans, 1);

    // the lien binds Alice: she can no longer take LST out alone
    let nonce = position.ticket_nonce;
    let alice = w.alice.kp.insecure_clone();
    let ix = client::request_withdrawal(alice.pubkey(), &w.pool.keys, nonce, ONE, None);
    w.env
        .fails(
            &[ix],
            &[&alice],
            &w.watched(),
            RestakingError::LienHolderSignatureRequired,
        )
        .await;
    // ... and a second loan on the same position is refused
    let ix = w.m.open_loan(alice.pubkey(), w.position_key());
    assert!(w.env.send(&[ix], &[&alice]).await.is_err());
}

/// The address of a loan funded before it exists does not block it.
#[tokio::test]
async fn open_loan_prefunded_address() {
    let mut w = World::new().await;
    let loan = w.m.loan(&w.alice.key());
    w.env.airdrop(&loan, ONE).await;
    w.open_loan().await;
    assert_eq!(w.loan().await.status, LoanStatus::Active);
}

/// A borrower pledging someone else's position: the lender refuses before any CPI, and the
/// restaking program would too (`set_lien` needs the owner's signature).
#[tokio::test]
async fn attack_open_loan_on_foreign_position() {
    let mut w = World::new().await;
    let mallory = w.env.user(&w.pool, 0).await;
    let m_kp = mallory.kp.insecure_clone();
    let ix = w.m.open_loan(m_kp.pubkey(), w.position_key());
    let mut watched = w.watched();
    watched.push(w.m.loan(&m_kp.pubkey()));
    w.env
        .fails(&[ix], &[&m_kp], &watched, LenderError::NotPositionOwner)
        .await;
    // Mallory's own position in another pool
    let other = w.env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let theirs = other.keys.position(&m_kp.pubkey());
    w.env
        .ok(
            &[client::open_position(m_kp.pubkey(), &other.keys)],
            &[&m_kp],
        )
        .await;
    let ix = w.m.open_loan(m_kp.pubkey(), theirs);
    w.env
        .fails(&[ix], &[&m_kp], &watched, LenderError::WrongPool)
        .await;
    assert!(!w.position().await.has_lien());

    // with a loan on her own position, Mallory cannot borrow against Alice's, nor close hers
    // releasing Alice's lien
    let mine = w.pool.keys.position(&m_kp.pubkey());
    w.env
        .ok(&[w.m.open_loan(m_kp.pubkey(), mine)], &[&m_kp])
        .await;
    w.open_loan().await;
    let groups = w.view_groups().await;
    let to = w
        .env
        .create_token_account(&w.m.loan_mint, &m_kp.pubkey())
        .await;
    let ix =
        w.m.borrow(m_kp.pubkey(), w.position_key(), to, ONE, &groups);
    w.env
        .fails(&[ix], &[&m_kp], &w.watched(), LenderError::WrongPosition)
        .await;
    let ix = w.m.close_loan(m_kp.pubkey(), w.position_key());
    w.env
        .fails(&[ix], &[&m_kp], &w.watched(), LenderError::WrongPosition)
        .await;
    assert_eq!(w.position().await.lien_holder, w.m.authority);
}

/// The restaking program's own refusal comes back through the CPI: no lien over open tickets.
#[tokio::test]
async fn open_loan_with_open_ticket() {
    let mut w = World::new().await;
    w.env
        .request_withdrawal(&w.pool, &w.alice, ONE)
        .await
        .unwrap();
    let alice = w.alice.kp.insecure_clone();
    let ix = w.m.open_loan(alice.pubkey(), w.position_key());
    w.env
        .fails(&[ix], &[&alice], &w.watched(), RestakingError::TicketsOpen)
        .await;
}

#[tokio::test]
async fn close_loan_ok() {
    let mut w = World::new().await;
    w.open_loan().await;
    let alice = w.alice.kp.insecure_clone();
    let loan = w.m.loan(&alice.pubkey());
    let lamports = w.env.lamports(&alice.pubkey()).await;
    let rent = w.env.lamports(&loan).await;
    w.env
        .ok(
            &[w.m.close_loan(alice.pubkey(), w.position_key())],
            &[&alice],
        )
        .await;
    assert!(!w.env.exists(&loan).await);
    assert_eq!(w.env.lamports(&alice.pubkey()).await, lamports + rent);
    assert!(!w.position().await.has_lien(), "the lien is released");
    assert_eq!(w.market().await.open_loans, 0);
    // Alice acts alone again
    w.env
        .request_withdrawal(&w.pool, &w.alice, ONE)
        .await
        .unwrap();
}

#[tokio::test]
async fn close_loan_not_borrower() {
    let mut w = World::new().await;
    w.open_loan().await;
    let mallory = Keypair::new();
    w.env.airdrop(&mallory.pubkey(), ONE).await;
    // Mallory has no loan: Alice's is not hers to close
    let mut ix = w.m.close_loan(mallory.pubkey(), w.position_key());
    ix.accounts[2].pubkey = w.m.loan(&w.alice.key());
    w.env
        .fails(
            &[ix],
            &[&mallory],
            &w.watched(),
            anchor_lang::error::ErrorCode::ConstraintSeeds,
        )
        .await;
}

// ---- borrow / repay --------------------------------------------------------------------------

/// Refusals decided before the valuation.
#[tokio::test]
async fn borrow_refusals_before_valuation() {
    let mut w = World::new().await;
    w.open_loan().await;
    let alice = w.alice.kp.insecure_clone();
    let groups = w.view_groups().await;
    let ix = w.borrow_ix(0, &groups);
    w.env
        .fails(&[ix], &[&alice], &w.watched(), LenderError::ZeroAmount)
        .await;
    // a loan-token account of another mint
    let other_mint = w.env.create_mint(MintKind::Spl, 9).await;
    let other = w
        .env
        .create_token_account(&other_mint, &alice.pubkey())
        .await;
    let ix =
        w.m.borrow(alice.pubkey(), w.position_key(), other, ONE, &groups);
    w.env
        .fails(
            &[ix],
            &[&alice],
            &w.watched(),
            anchor_lang::error::ErrorCode::ConstraintTokenMint,
        )
        .await;
}

/// Natively the restaking view sets no return data (see the module doc): the lender reports it
/// by name instead of lending blind.
#[tokio::test]
async fn borrow_without_an_answer_from_the_view() {
    if Env::sbf() {
        return;
    }
    let mut w = World::new().await;
    w.open_loan().await;
    let groups = w.view_groups().await;
    let ix = w.borrow_ix(ONE, &groups);
    let alice = w.alice.kp.insecure_clone();
    w.env
        .fails(&[ix], &[&alice], &w.watched(), LenderError::NoPositionValue)
        .await;
}

/// Alice borrows up to 80 % of her 100 LST worth 100; one unit more is refused; a valuation
/// that leaves out her delegation, or at a stale rate, is refused too.
#[tokio::test]
async fn borrow_ok_up_to_the_ltv_limit() {
    if !Env::sbf() {
        return;
    }
    let mut w = World::new().await;
    w.open_loan().await;
    w.borrow(50 * ONE).await.unwrap();
    w.borrow(30 * ONE).await.unwrap();
    assert_eq!(w.env.token_balance(&w.alice_loan_account).await, 80 * ONE);
    assert_eq!(w.loan().await.debt, 80 * ONE);
    assert_eq!(w.market().await.total_debt, 80 * ONE);
    assert_eq!(
        w.env.token_balance(&w.m.liquidity_vault).await,
        LIQUIDITY - 80 * ONE
    );
    let alice = w.alice.kp.insecure_clone();
    let groups = w.view_groups().await;
    let ix = w.borrow_ix(1, &groups);
    w.env
        .fails(
            std::slice::from_ref(&ix),
            &[&alice],
            &w.watched(),
            LenderError::ExceedsLoanToValue,
        )
        .await;

    // compute units of a borrow with one delegation and one stream (simulated, refused at the
    // limit after the whole valuation)
    let payer = w.env.ctx.payer.insecure_clone();
    let tx = Transaction::new_signed_with_payer(
        &[w.borrow_ix(1, &groups)],
        Some(&payer.pubkey()),
        &[&payer, &alice],
        w.env.ctx.last_blockhash,
    );
    let sim = w
        .env
        .ctx
        .banks_client
        .simulate_transaction(tx)
        .await
        .unwrap();
    let units = sim.simulation_details.unwrap().units_consumed;
    println!("borrow (1 delegation, 1 stream, refused at the limit): {units} CU");

    // the delegation left out: the position looks like its idle 40 alone
    let ix = w.borrow_ix(1, &[]);
    w.env
        .fails(
            &[ix],
            &[&alice],
            &w.watched(),
            LenderError::IncompleteValuation,
        )
        .await;
    // a stale rate (the stake pool not updated this epoch)
    let epoch = w.env.clock().await.epoch;
    w.env.set_epoch(epoch + 1).await;
    let ix = w.borrow_ix(1, &groups);
    w.env
        .fails(&[ix], &[&alice], &w.watched(), LenderError::StaleRate)
        .await;
}

/// The compute units of a successful borrow (printed; `cargo test -- --nocapture`).
#[tokio::test]
async fn borrow_compute_units() {
    if !Env::sbf() {
        return;
    }
    let mut w = World::new().await;
    w.open_loan().await;
    let groups = w.view_groups().await;
    let alice = w.alice.kp.insecure_clone();
    let payer = w.env.ctx.payer.insecure_clone();
    let tx = Transaction::new_signed_with_payer(
        &[w.borrow_ix(10 * ONE, &groups)],
        Some(&payer.pubkey()),
        &[&payer, &alice],
        w.env.ctx.last_blockhash,
    );
    let sim = w
        .env
        .ctx
        .banks_client
        .simulate_transaction(tx)
        .await
        .unwrap();
    assert!(matches!(sim.result, Some(Ok(()))), "{:?}", sim.result);
    let units = sim.simulation_details.unwrap().units_consumed;
    println!("borrow (1 delegation, 1 stream): {units} CU");
    assert!(units < 200_000, "borrow fits the default budget: {units}");
}

#[tokio::test]
async fn repay_ok_then_close() {
    if !Env::sbf() {
        return;
    }
    let mut w = World::new().await;
    w.open_loan().await;
    w.borrow(50 * ONE).await.unwrap();
    let alice = w.alice.kp.insecure_clone();
    let from = w.alice_loan_account;
    // closing with debt is refused
    let close = w.m.close_loan(alice.pubkey(), w.position_key());
    w.env
        .fails(
            std::slice::from_ref(&close),
            &[&alice],
            &w.watched(),
            LenderError::DebtOutstanding,
        )
        .await;
    w.env
        .ok(
            &[w.m.repay(alice.pubkey(), alice.pubkey(), from, 20 * ONE)],
            &[&alice],
        )
        .await;
    assert_eq!(w.loan().await.debt, 30 * ONE);
    w.env
        .fails(
            &[w.m.repay(alice.pubkey(), alice.pubkey(), from, 30 * ONE + 1)],
            &[&alice],
            &w.watched(),
            LenderError::RepayExceedsDebt,
        )
        .await;
    w.env
        .fails(
            &[w.m.repay(alice.pubkey(), alice.pubkey(), from, 0)],
            &[&alice],
            &w.watched(),
            LenderError::ZeroAmount,
        )
        .await;
    // anyone may repay: a friend pays the rest
    let friend = Keypair::new();
    w.env.airdrop(&friend.pubkey(), ONE).await;
    let friend_account = w
        .env
        .create_token_account(&w.m.loan_mint, &friend.pubkey())
        .await;
    w.env
        .mint_to(&w.m.loan_mint, &friend_account, 30 * ONE)
        .await;
    w.env
        .ok(
            &[w.m.repay(friend.pubkey(), alice.pubkey(), friend_account, 30 * ONE)],
            &[&friend],
        )
        .await;
    assert_eq!(w.loan().await.debt, 0);
    assert_eq!(w.market().await.total_debt, 0);
    assert_eq!(w.env.token_balance(&w.m.liquidity_vault).await, LIQUIDITY);
    w.env.ok(&[close], &[&alice]).await;
    assert!(!w.position().await.has_lien());
}

// ---- liquidate / collect ---------------------------------------------------------------------

#[tokio::test]
async fn collect_not_liquidating() {
    let mut w = World::new().await;
    w.open_loan().await;
    let payer = w.env.ctx.payer.pubkey();
    let ix = w.m.collect(payer, w.alice.key(), None, None, None);
    w.env
        .fails(&[ix], &[], &w.watched(), LenderError::LoanNotLiquidating)
        .await;
}

/// A remaining-accounts group cut short is refused before any CPI.
#[tokio::test]
async fn liquidate_malformed_groups() {
    let mut w = World::new().await;
    w.open_loan().await;
    let liquidator = w.env.ctx.payer.pubkey();
    let position = w.position_key();
    let delegation = client::delegation_pda(&position, &w.x.bucket);
    let groups = [
        AccountMeta::new(delegation, false),
        AccountMeta::new(w.x.bucket, false),
    ];
    let ix =
        w.m.liquidate(liquidator, w.alice.key(), position, None, &groups);
    w.env
        .fails(
            &[ix],
            &[],
            &w.watched(),
            LenderError::InvalidRemainingAccounts,
        )
        .await;
}

#[tokio::test]
async fn liquidate_healthy_loan() {
    if !Env::sbf() {
        return;
    }
    let mut w = World::new().await;
    w.open_loan().await;
    w.borrow(80 * ONE).await.unwrap();
    // 100 LST worth 100 ≥ 80 × 120 % = 96
    let liquidator = w.env.ctx.payer.pubkey();
    let (ix, _, _) = w.liquidate_ix(liquidator).await;
    w.env
        .fails(&[ix], &[], &w.watched(), LenderError::LoanHealthy)
        .await;
    // a liquidator leaving a delegation out to undervalue the position is refused
    let position = w.position_key();
    let nonce = w.position().await.ticket_nonce;
    let ix = w.m.liquidate(
        liquidator,
        w.alice.key(),
        position,
        Some(client::ticket_pda(&position, nonce)),
        &[],
    );
    w.env
        .fails(&[ix], &[], &w.watched(), LenderError::IncompleteValuation)
        .await;
}

/// Drives a liquidated loan to its end: the withdrawal ticket pays the collateral vault, the
/// undelegation returns to idle and is requested again, which pays it too. Returns the LST
/// collected.
async fn collect_all(w: &mut World, undelegation: Pubkey, withdrawal: Pubkey) -> u64 {
    let cranker = Keypair::new();
    w.env.airdrop(&cranker.pubkey(), ONE).await;
    let alice = w.alice.key();
    let position = w.position_key();

    // not matured yet: the restaking program's refusal, through the CPI
    let ix =
        w.m.collect(cranker.pubkey(), alice, Some(withdrawal), None, None);
    w.env
        .fails(
            &[ix],
            &[&cranker],
            &w.watched(),
            RestakingError::TicketNotMatured,
        )
        .await;
    // Alice can neither complete nor cancel the lender's tickets
    let a_kp = w.alice.kp.insecure_clone();
    let ix = client::complete_ticket(alice, &w.pool.keys, withdrawal, w.alice.lst_account, None);
    w.env
        .fails(
            &[ix],
            &[&a_kp],
            &w.watched(),
            RestakingError::NotTicketBeneficiary,
        )
        .await;

    w.env.advance_time(WITHDRAWAL_DELAY).await;
    w.env.refresh_blockhash().await;
    let ix =
        w.m.collect(cranker.pubkey(), alice, Some(withdrawal), None, None);
    w.env.ok(&[ix], &[&cranker]).await;
    let first = w.env.token_balance(&w.m.collateral_vault).await;
    assert_eq!(w.loan().await.status, LoanStatus::Liquidating);

    let next = client::ticket_pda(&position, w.position().await.ticket_nonce);
    let ix = w.m.collect(
        cranker.pubkey(),
        alice,
        Some(undelegation),
        Some(w.x.bucket),
        Some(next),
    );
    w.env.ok(&[ix], &[&cranker]).await;
    let p = w.position().await;
    assert_eq!((p.idle_lst, p.enforcement_tickets), (0, 1));
    let requested: WithdrawalTicket = w.env.state(&next).await;
    assert!(requested.enforcement);

    w.env.advance_time(WITHDRAWAL_DELAY).await;
    w.env.refresh_blockhash().await;
    let ix = w.m.collect(cranker.pubkey(), alice, Some(next), None, None);
    w.env.ok(&[ix], &[&cranker]).await;
    let collected = w.env.token_balance(&w.m.collateral_vault).await;
    assert_eq!(collected - first, requested.lst);
    collected
}

/// A default after a slash. Alice has 100 LST (60 delegated to X) and borrows 80. A 10 % slash
/// of X leaves 54 + 40 = 94 LST worth 94 < 96: the loan is liquidated, and the lender ends with
/// all 94 LST in its collateral vault; the lien is released and the debt written off.
#[tokio::test]
async fn default_after_slash() {
    if !Env::sbf() {
        return;
    }
    let mut w = World::new().await;
    w.open_loan().await;
    w.borrow(80 * ONE).await.unwrap();

    let request = w.env.request_slash(&w.svc, &w.x, 1_000).await.unwrap();
    let executable_ts = w
        .env
        .state::<restaking::state::SlashRequest>(&request)
        .await
        .executable_ts;
    w.env.set_time(executable_ts).await;
    w.env.set_rate(&w.pool, ONE, ONE).await;
    w.env
        .execute_slash(&w.pool, &w.svc, &w.x, request)
        .await
        .unwrap();
    assert_eq!(w.env.delegated_lst(&w.pool, &w.alice, &w.x).await, 54 * ONE);

    let v = w.valuation().await;
    assert_eq!(v.collateral_lst, 94 * ONE);
    assert_eq!(v.collateral_loan_value, 94 * ONE);
    assert_eq!(v.lien_holder, Some(w.m.authority));

    let liquidator = Keypair::new();
    w.env.airdrop(&liquidator.pubkey(), ONE).await;
    let (ix, undelegation, withdrawal) = w.liquidate_ix(liquidator.pubkey()).await;
    // the idle LST needs its ticket account: without it nothing happens
    let mut without = ix.clone();
    without.accounts[7] = AccountMeta::new_readonly(restaking_lender::ID, false);
    w.env
        .fails(
            &[without],
            &[&liquidator],
            &w.watched(),
            LenderError::MissingTicketAccount,
        )
        .await;
    w.env.ok(&[ix], &[&liquidator]).await;
    let loan = w.loan().await;
    assert_eq!(loan.status, LoanStatus::Liquidating);
    let ix =
        w.m.collect(liquidator.pubkey(), w.alice.key(), None, None, None);
    w.env
        .fails(
            &[ix],
            &[&liquidator],
            &w.watched(),
            LenderError::NothingToCollect,
        )
        .await;
    let u: WithdrawalTicket = w.env.state(&undelegation).await;
    let r: WithdrawalTicket = w.env.state(&withdrawal).await;
    assert!(u.enforcement && r.enforcement);
    assert_eq!((u.lst, r.lst), (54 * ONE, 40 * ONE));
    assert_eq!(w.position().await.enforcement_tickets, 2);
    // liquidating again is refused; the borrower cannot repay or close meanwhile
    let (ix, _, _) = w.liquidate_ix(liquidator.pubkey()).await;
    w.env
        .fails(
            &[ix],
            &[&liquidator],
            &w.watched(),
            LenderError::LoanNotActive,
        )
        .await;
    let alice = w.alice.kp.insecure_clone();
    let ix = w.m.close_loan(alice.pubkey(), w.position_key());
    w.env
        .fails(&[ix], &[&alice], &w.watched(), LenderError::LoanNotActive)
        .await;

    let collected = collect_all(&mut w, undelegation, withdrawal).await;
    assert_eq!(collected, 94 * ONE, "every LST unit left after the slash");
    let loan = w.loan().await;
    assert_eq!(loan.status, LoanStatus::Defaulted);
    assert_eq!(loan.collected_lst, 94 * ONE);
    let m = w.market().await;
    assert_eq!(
        (m.total_debt, m.total_defaulted_debt, m.total_collected_lst),
        (0, 80 * ONE, 94 * ONE)
    );
    let p = w.position().await;
    assert!(!p.has_lien(), "released at the end of the default");
    assert_eq!((p.idle_lst, p.open_tickets), (0, 0));
    assert_eq!(w.env.token_balance(&w.alice_loan_account).await, 80 * ONE);
    // the borrower closes the record of the defaulted loan
    w.env
        .ok(
            &[w.m.close_loan(alice.pubkey(), w.position_key())],
            &[&alice],
        )
        .await;
    let pool = w.env.pool(&w.pool).await;
    assert_eq!(
        w.env.token_balance(&w.pool.keys.vault).await,
        pool.obligations().unwrap()
    );
}

/// A default after a rate fall. Alice's 100 LST (60 delegated) back a debt of 80; the LST's
/// rate falls from 1.00 to 0.95, so they are worth 95 < 96: the lender collects all 100 LST.
#[tokio::test]
async fn default_after_rate_fall() {
    if !Env::sbf() {
        return;
    }
    let mut w = World::new().await;
    w.open_loan().await;
    w.borrow(80 * ONE).await.unwrap();
    w.env.set_rate(&w.pool, 95 * ONE, 100 * ONE).await;

    let v = w.valuation().await;
    assert_eq!(v.rate, rate(95, 100));
    assert!(v.rate_fresh);
    assert_eq!((v.collateral_lst, v.pending_base_yield), (100 * ONE, 0));
    assert_eq!(v.collateral_value, 95 * ONE);

    let liquidator = Keypair::new();
    w.env.airdrop(&liquidator.pubkey(), ONE).await;
    let (ix, undelegation, withdrawal) = w.liquidate_ix(liquidator.pubkey()).await;
    w.env.ok(&[ix], &[&liquidator]).await;
    let u: WithdrawalTicket = w.env.state(&undelegation).await;
    let r: WithdrawalTicket = w.env.state(&withdrawal).await;
    assert_eq!((u.lst, r.lst), (60 * ONE, 40 * ONE));

    // collect refuses a ticket of another position, and a vault that is not the pool's
    let bob = w.env.user(&w.pool, 10 * ONE).await;
    w.env.deposit(&w.pool, &bob, 10 * ONE).await.unwrap();
    let bobs = w.env.request_withdrawal(&w.pool, &bob, ONE).await.unwrap();
    let cranker = liquidator.pubkey();
    let ix = w.m.collect(cranker, w.alice.key(), Some(bobs), None, None);
    w.env
        .fails(
            &[ix],
            &[&liquidator],
            &w.watched(),
            LenderError::WrongTicket,
        )
        .await;
    let mut ix =
        w.m.collect(cranker, w.alice.key(), Some(withdrawal), None, None);
    ix.accounts[7].pubkey = w.m.collateral_vault;
    w.env
        .fails(&[ix], &[&liquidator], &w.watched(), LenderError::WrongVault)
        .await;

    let collected = collect_all(&mut w, undelegation, withdrawal).await;
    assert_eq!(collected, 100 * ONE);
    let loan = w.loan().await;
    assert_eq!(
        (loan.status, loan.collected_lst),
        (LoanStatus::Defaulted, 100 * ONE)
    );
    assert!(!w.position().await.has_lien());
    let m = w.market().await;
    assert_eq!((m.total_debt, m.total_defaulted_debt), (0, 80 * ONE));
    // the authority paid every ticket's rent and got it back: the liquidator and the cranker
    // funded it, nothing was lost
    let rent = w.env.ctx.banks_client.get_rent().await.unwrap();
    assert!(w.env.lamports(&w.m.authority).await >= rent.minimum_balance(0));
}

// ---- the view by CPI (S10) -------------------------------------------------------------------

/// S4's state: Alice 100 and Bob 300 delegated to X (commission 10 %, fee 0), the rate moved
/// 1.00 → 1.05, then 1,000 reward tokens funded into X's stream.
async fn s4_state() -> (
    Env,
    TestPool,
    TestOperator,
    TestService,
    client::StreamKeys,
    User,
) {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let svc = env.service(&pool, &x, 2_000).await;
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
    (env, pool, x, svc, stream, alice)
}

/// S10 — view, by CPI from the reference integration. In S4's state, with Alice's position
/// pledged to the lender, the lender's valuation (its CPI to `get_position_value`) reports
/// pending base yield 100 − ceil(100/1.05) LST and 225 claimable reward tokens — exactly what
/// Alice's `claim` then pays her (the yield is hers, lien or not) — and counts as collateral
/// only the LST that stays.
#[tokio::test]
async fn scenario_s10_view_by_cpi() {
    if !Env::sbf() {
        return;
    }
    let (env, pool, x, svc, stream, alice) = s4_state().await;
    let mut w = World::with(env, pool, x, svc, stream, alice).await;
    w.open_loan().await;

    let v = w.valuation().await;
    let expected_lst = 100 * ONE - (100 * ONE * 100).div_ceil(105);
    assert_eq!(expected_lst, 4_761_904_761);
    assert_eq!(v.position, w.position_key());
    assert_eq!(v.rate, rate(105, 100));
    assert!(v.rate_fresh);
    assert_eq!(v.lien_holder, Some(w.m.authority));
    assert_eq!(v.delegations, 1);
    assert_eq!(v.pending_base_yield, expected_lst);
    assert_eq!(v.rewards, vec![vec![225 * TOKEN]]);
    // her quarter of the bucket after the strip (one unit of dust), worth her 100 of principal
    assert_eq!(v.total_lst, 100 * ONE - 1);
    assert_eq!(v.collateral_lst, 95_238_095_238);
    assert_eq!(v.collateral_value, 99_999_999_999);
    assert_eq!(v.collateral_loan_value, 99_999_999_999);
    assert_eq!(
        v.total_value,
        restaking::math::value_of_lst_floor(100 * ONE - 1, rate(105, 100)).unwrap()
    );

    // what the lender saw is what Alice's claim pays
    let alice_rewards = w
        .env
        .create_token_account(&w.stream.reward_mint, &w.alice.key())
        .await;
    let stream = w.stream;
    w.env
        .claim_streams(&w.pool, &w.alice, &w.x, &[(stream, alice_rewards)])
        .await
        .unwrap();
    assert_eq!(
        w.env.token_balance(&w.alice.lst_account).await,
        v.pending_base_yield
    );
    assert_eq!(w.env.token_balance(&alice_rewards).await, v.rewards[0][0]);
    let after = w.valuation().await;
    assert_eq!(
        (after.pending_base_yield, after.rewards.clone()),
        (0, vec![vec![0]])
    );
    assert_eq!(
        after.collateral_lst, v.collateral_lst,
        "the claim took no collateral"
    );
}
