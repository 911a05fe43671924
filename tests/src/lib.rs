//! Test harness for the restaking program: a fixture builder over `solana-program-test`
//! (an embedded bank running the real SPL Token and Token-2022 programs), instruction builders
//! in [`client`], and byte-exact rate-source accounts in [`rate_accounts`].
//!
//! The program runs natively (its handlers are ordinary Rust here), so failures come back as the
//! same named errors a deployed program returns.
#![allow(clippy::arithmetic_side_effects, clippy::cast_possible_truncation)]
// solana-program-test 3.x marks its whole API as "to become unstable in 4.0"; it is still the
// supported embedded bank for this Solana line.
#![allow(deprecated)]

/// Byte-exact SPL stake-pool and Marinade accounts (the program's `test-fixtures`).
pub use restaking::rate_source::fixtures as rate_accounts;
/// The program's Rust client (`app/client`), re-exported for the tests.
pub use restaking_client as client;

pub use solana_sdk;

use anchor_lang::prelude::{AccountInfo, Pubkey};
use anchor_lang::solana_program::entrypoint::ProgramResult;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::solana_program::program_pack::Pack;
use anchor_lang::solana_program::system_instruction;
use anchor_lang::{AccountDeserialize, Discriminator};
use anchor_spl::token::spl_token;
use anchor_spl::token_2022::spl_token_2022;
use client::PoolKeys;
use restaking::constants::{MARINADE_PROGRAM_ID, RATE_SCALE, SPL_STAKE_POOL_PROGRAM_ID};
use restaking::error::RestakingError;
use restaking::instructions::{AddPoolArgs, InitializeConfigArgs};
use restaking::state::RateSource;
use solana_program_test::{processor, BanksClientError, ProgramTest, ProgramTestContext};
use solana_sdk::account::Account;
use solana_sdk::clock::Clock;
use solana_sdk::instruction::InstructionError;
use solana_sdk::signature::{Keypair, Signer};
use solana_sdk::transaction::{Transaction, TransactionError};

/// One LST with 9 decimals.
pub const ONE: u64 = 1_000_000_000;
/// Seven days, the reference scenarios' withdrawal delay.
pub const DAY: i64 = 24 * 60 * 60;
pub const WITHDRAWAL_DELAY: i64 = 7 * DAY;
/// The reference scenarios' slash veto window.
pub const VETO_SECS: i64 = 2 * DAY;

/// `num / den` as a rate (× 10^18).
pub fn rate(num: u128, den: u128) -> u128 {
    num * RATE_SCALE / den
}

// Anchor's generated `entry` ties every argument to one lifetime, which `processor!` rejects;
// leaking the account slice gives it the `'static` it asks for (test-only, bounded by the test).
#[allow(unsafe_code)]
fn entry(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    let accounts: &[AccountInfo] = Box::leak(accounts.to_vec().into_boxed_slice());
    restaking::entry(
        program_id,
        unsafe { std::mem::transmute::<&[AccountInfo], &[AccountInfo]>(accounts) },
        data,
    )
}

/// The reference lender (`programs/lender`), natively; same adapter as [`entry`].
#[allow(unsafe_code)]
fn lender_entry(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    let accounts: &[AccountInfo] = Box::leak(accounts.to_vec().into_boxed_slice());
    restaking_lender::entry(
        program_id,
        unsafe { std::mem::transmute::<&[AccountInfo], &[AccountInfo]>(accounts) },
        data,
    )
}

/// Which token program an LST mint belongs to, and its Token-2022 extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MintKind {
    Spl,
    Token2022,
    /// Token-2022 with a transfer fee of `bps`, capped at `max_fee`.
    Token2022TransferFee {
        bps: u16,
        max_fee: u64,
    },
    /// Token-2022 with an extension the program rejects.
    Token2022PermanentDelegate,
    Token2022NonTransferable,
    Token2022DefaultFrozen,
}

impl MintKind {
    pub fn token_program(self) -> Pubkey {
        match self {
            MintKind::Spl => spl_token::ID,
            _ => spl_token_2022::ID,
        }
    }
}

/// A pool as the tests set it up.
#[derive(Clone, Copy, Debug)]
pub struct TestPool {
    pub keys: PoolKeys,
    pub kind: MintKind,
    pub decimals: u8,
}

/// A staker: a keypair and a token account of the pool's LST.
pub struct User {
    pub kp: Keypair,
    pub lst_account: Pubkey,
}

impl User {
    pub fn key(&self) -> Pubkey {
        self.kp.pubkey()
    }
}

/// An operator with its bucket in one pool.
pub struct TestOperator {
    pub kp: Keypair,
    /// The `Operator` account.
    pub operator: Pubkey,
    /// Its `OperatorPool` (bucket) in the pool it was made for.
    pub bucket: Pubkey,
}

/// A service (AVS) with its slasher and a token account receiving seized LST of one pool.
pub struct TestService {
    pub authority: Keypair,
    pub slasher: Keypair,
    pub service: Pubkey,
    /// Token account of the pool's LST owned by the service's destination.
    pub destination: Pubkey,
}

/// The fixture: an embedded bank with the program, the SPL token programs and a config.
pub struct Env {
    pub ctx: ProgramTestContext,
    pub admin: Keypair,
    pub guardian: Keypair,
    pub treasury: Pubkey,
    /// Mint authority of every mint the fixture creates.
    pub mint_authority: Keypair,
    nonce: u32,
}

/// Result of a transaction: ok, or the error the runtime reported.
pub type TxResult = Result<(), BanksClientError>;

impl Env {
    /// A bank with the program loaded, an initialised config (fee 0, max commission 50 %,
    /// 1-day minimum delay, 2-day veto window is not allowed to exceed it — see [`VETO_SECS`])
    /// and the clock at a round timestamp.
    pub async fn new() -> Self {
        let mut env = Self::without_config().await;
        env.initialize_config().await;
        env
    }

    /// A bank with the program loaded and no config yet.
    pub async fn without_config() -> Self {
        let mut pt = ProgramTest::default();
        // RESTAKING_SBF=1: the real binary (scripts/build-sbf.sh or `anchor build`), loaded from
        // `$SBF_OUT_DIR/restaking.so` (default: this workspace's target/deploy); compute units
        // are metered and every on-chain limit applies.
        if std::env::var("RESTAKING_SBF").is_ok_and(|v| !v.is_empty() && v != "0") {
            let dir = std::env::var_os("SBF_OUT_DIR").map_or_else(
                || concat!(env!("CARGO_MANIFEST_DIR"), "/../target/deploy").into(),
                std::path::PathBuf::from,
            );
            let so = dir.join("restaking.so");
            assert!(
                so.is_file(),
                "RESTAKING_SBF=1: {} missing (scripts/build-sbf.sh)",
                so.display()
            );
            // every test sets the same value, before its bank looks it up
            std::env::set_var("SBF_OUT_DIR", &dir);
            pt.prefer_bpf(true);
            pt.add_program("restaking", restaking::ID, None);
            // the reference lender, built beside it (tests/tests/lender.rs)
            let lender = dir.join("restaking_lender.so");
            assert!(
                lender.is_file(),
                "RESTAKING_SBF=1: {} missing",
                lender.display()
            );
            pt.add_program("restaking_lender", restaking_lender::ID, None);
        } else {
            pt.prefer_bpf(false);
            pt.add_program("restaking", restaking::ID, processor!(entry));
            pt.add_program(
                "restaking_lender",
                restaking_lender::ID,
                processor!(lender_entry),
            );
        }
        let ctx = pt.start_with_context().await;
        let admin = ctx.payer.insecure_clone();
        let mut env = Self {
            ctx,
            admin,
            guardian: Keypair::new(),
            treasury: Pubkey::new_unique(),
            mint_authority: Keypair::new(),
            nonce: 0,
        };
        env.set_time(1_700_000_000).await;
        env
    }

    pub fn default_config_args(&self) -> InitializeConfigArgs {
        InitializeConfigArgs {
            guardian: self.guardian.pubkey(),
            treasury: self.treasury,
            protocol_fee_bps: 0,
            max_commission_bps: 5_000,
            min_withdrawal_delay_secs: 3 * DAY,
            slash_veto_secs: VETO_SECS,
        }
    }

    pub async fn initialize_config(&mut self) {
        let args = self.default_config_args();
        let admin = self.admin.insecure_clone();
        self.send(
            &[client::initialize_config(admin.pubkey(), args)],
            &[&admin],
        )
        .await
        .expect("initialize_config");
    }

    // ---- transactions ------------------------------------------------------------------

    /// Sends `ixs` signed by `signers`, fees paid by the bank's payer (so a signer's lamports
    /// only move by what the program moves). Every transaction is made unique with a
    /// compute-budget instruction, so identical instructions can be retried.
    pub async fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> TxResult {
        self.nonce += 1;
        let mut all = vec![compute_unit_limit(1_400_000 - self.nonce)];
        all.extend_from_slice(ixs);
        let payer = self.ctx.payer.insecure_clone();
        let mut keys: Vec<&Keypair> = vec![&payer];
        keys.extend(
            signers
                .iter()
                .copied()
                .filter(|s| s.pubkey() != payer.pubkey()),
        );
        let tx = Transaction::new_signed_with_payer(
            &all,
            Some(&payer.pubkey()),
            &keys,
            self.ctx.last_blockhash,
        );
        self.ctx.banks_client.process_transaction(tx).await
    }

    /// Whether this run executes the SBF binary (`RESTAKING_SBF=1`) rather than the program
    /// compiled natively.
    pub fn sbf() -> bool {
        std::env::var("RESTAKING_SBF").is_ok_and(|v| !v.is_empty() && v != "0")
    }

    /// Simulates `ixs` (nothing is committed) and returns the return data of the last
    /// instruction that set one, or the transaction's error.
    ///
    /// Return data needs the SBF binary: the natively compiled program's `set_return_data`
    /// is a no-op off-chain (solana-cpi 3.x), so natively a successful simulation returns
    /// `Ok` with no data. Tests that read return data check [`Env::sbf`].
    pub async fn simulate_return(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<Vec<u8>, TransactionError> {
        let payer = self.ctx.payer.insecure_clone();
        let mut keys: Vec<&Keypair> = vec![&payer];
        keys.extend(signers.iter().copied());
        let tx = Transaction::new_signed_with_payer(
            ixs,
            Some(&payer.pubkey()),
            &keys,
            self.ctx.last_blockhash,
        );
        let sim = self
            .ctx
            .banks_client
            .simulate_transaction(tx)
            .await
            .expect("simulation");
        match sim.result {
            Some(Err(e)) => return Err(e),
            Some(Ok(())) => {}
            None => panic!("simulation did not run"),
        }
        Ok(sim
            .simulation_details
            .and_then(|d| d.return_data)
            .map(|r| r.data)
            .unwrap_or_default())
    }

    /// `get_position_value` of `user`'s position by simulation, with a group for each of
    /// `ops`' delegations and each of `tickets` (an `Undelegate` ticket with its bucket's
    /// queue).
    pub async fn position_value(
        &mut self,
        pool: &TestPool,
        user: &User,
        ops: &[&TestOperator],
        tickets: &[Pubkey],
    ) -> Result<restaking::instructions::PositionValue, TransactionError> {
        let position = pool.keys.position(&user.key());
        let mut ix = client::get_position_value(user.key(), &pool.keys);
        for op in ops {
            let b = self.bucket(op).await;
            let mints = &b.reward_mints[..usize::from(b.reward_mint_count)];
            ix.accounts
                .extend(client::view_delegation_metas(&position, &op.bucket, mints));
        }
        for ticket in tickets {
            use anchor_lang::solana_program::instruction::AccountMeta;
            ix.accounts.push(AccountMeta::new_readonly(*ticket, false));
            let t: restaking::state::WithdrawalTicket = self.state(ticket).await;
            if t.kind == restaking::state::TicketKind::Undelegate {
                let queue = client::queue_pda(&t.operator_pool);
                ix.accounts.push(AccountMeta::new_readonly(queue, false));
            }
        }
        let data = self.simulate_return(&[ix], &[]).await?;
        Ok(client::decode_position_value(&data).expect("position value"))
    }

    /// Sends and panics with the error if it fails.
    pub async fn ok(&mut self, ixs: &[Instruction], signers: &[&Keypair]) {
        if let Err(e) = self.send(ixs, signers).await {
            panic!("transaction failed: {e:?}");
        }
    }

    // ---- clock -------------------------------------------------------------------------

    pub async fn clock(&mut self) -> Clock {
        self.ctx
            .banks_client
            .get_sysvar::<Clock>()
            .await
            .expect("clock")
    }

    pub async fn set_time(&mut self, unix_timestamp: i64) {
        let mut clock = self.clock().await;
        clock.unix_timestamp = unix_timestamp;
        self.ctx.set_sysvar(&clock);
    }

    pub async fn advance_time(&mut self, secs: i64) {
        let now = self.clock().await.unix_timestamp;
        self.set_time(now + secs).await;
    }

    pub async fn set_epoch(&mut self, epoch: u64) {
        let mut clock = self.clock().await;
        clock.epoch = epoch;
        self.ctx.set_sysvar(&clock);
    }

    // ---- accounts ----------------------------------------------------------------------

    pub async fn account(&mut self, key: &Pubkey) -> Option<Account> {
        self.ctx
            .banks_client
            .get_account(*key)
            .await
            .expect("get_account")
    }

    /// Deserialises a program account (panics if missing or of another type).
    pub async fn state<T: AccountDeserialize>(&mut self, key: &Pubkey) -> T {
        let acc = self
            .account(key)
            .await
            .unwrap_or_else(|| panic!("account {key} missing"));
        T::try_deserialize(&mut acc.data.as_slice()).expect("deserialize")
    }

    pub async fn exists(&mut self, key: &Pubkey) -> bool {
        self.account(key).await.is_some_and(|a| a.lamports > 0)
    }

    pub async fn set_account(&mut self, key: &Pubkey, owner: &Pubkey, data: Vec<u8>) {
        let rent = self.ctx.banks_client.get_rent().await.expect("rent");
        let account = Account {
            lamports: rent.minimum_balance(data.len()),
            data,
            owner: *owner,
            executable: false,
            rent_epoch: 0,
        };
        self.ctx.set_account(key, &account.into());
    }

    /// Lamports, owner and data of `keys`, to assert a failed instruction changed nothing.
    pub async fn snapshot(&mut self, keys: &[Pubkey]) -> Vec<Option<(u64, Pubkey, Vec<u8>)>> {
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            out.push(self.account(k).await.map(|a| (a.lamports, a.owner, a.data)));
        }
        out
    }

    pub async fn lamports(&mut self, key: &Pubkey) -> u64 {
        self.account(key).await.map_or(0, |a| a.lamports)
    }

    pub async fn airdrop(&mut self, to: &Pubkey, lamports: u64) {
        let payer = self.ctx.payer.insecure_clone();
        self.ok(
            &[system_instruction::transfer(&payer.pubkey(), to, lamports)],
            &[],
        )
        .await;
    }

    // ---- tokens ------------------------------------------------------------------------

    /// Creates a mint of `kind` with `decimals`, authority [`Env::mint_authority`].
    pub async fn create_mint(&mut self, kind: MintKind, decimals: u8) -> Pubkey {
        use spl_token_2022::extension::ExtensionType;
        let mint = Keypair::new();
        let program = kind.token_program();
        let auth = self.mint_authority.pubkey();
        let payer = self.ctx.payer.pubkey();
        let extensions: Vec<ExtensionType> = match kind {
            MintKind::Spl | MintKind::Token2022 => vec![],
            MintKind::Token2022TransferFee { .. } => vec![ExtensionType::TransferFeeConfig],
            MintKind::Token2022PermanentDelegate => vec![ExtensionType::PermanentDelegate],
            MintKind::Token2022NonTransferable => vec![ExtensionType::NonTransferable],
            MintKind::Token2022DefaultFrozen => vec![ExtensionType::DefaultAccountState],
        };
        let space = if program == spl_token::ID {
            spl_token::state::Mint::LEN
        } else {
            ExtensionType::try_calculate_account_len::<spl_token_2022::state::Mint>(&extensions)
                .expect("mint len")
        };
        let rent = self.ctx.banks_client.get_rent().await.expect("rent");
        let mut ixs = vec![system_instruction::create_account(
            &payer,
            &mint.pubkey(),
            rent.minimum_balance(space),
            space as u64,
            &program,
        )];
        use spl_token_2022::instruction as t22;
        match kind {
            MintKind::Token2022TransferFee { bps, max_fee } => ixs.push(
                spl_token_2022::extension::transfer_fee::instruction::initialize_transfer_fee_config(
                    &program, &mint.pubkey(), Some(&auth), Some(&auth), bps, max_fee,
                )
                .expect("fee ix"),
            ),
            MintKind::Token2022PermanentDelegate => ixs.push(
                t22::initialize_permanent_delegate(&program, &mint.pubkey(), &auth).expect("pd"),
            ),
            MintKind::Token2022NonTransferable => ixs.push(
                t22::initialize_non_transferable_mint(&program, &mint.pubkey()).expect("nt"),
            ),
            MintKind::Token2022DefaultFrozen => ixs.push(
                spl_token_2022::extension::default_account_state::instruction::initialize_default_account_state(
                    &program,
                    &mint.pubkey(),
                    &spl_token_2022::state::AccountState::Frozen,
                )
                .expect("das"),
            ),
            MintKind::Spl | MintKind::Token2022 => {}
        }
        let freeze = matches!(kind, MintKind::Token2022DefaultFrozen).then_some(&auth);
        ixs.push(
            t22::initialize_mint2(&program, &mint.pubkey(), &auth, freeze, decimals).expect("mint"),
        );
        self.ok(&ixs, &[&mint]).await;
        mint.pubkey()
    }

    /// Creates an SPL Token mint (authority [`Env::mint_authority`]) whose freeze authority is
    /// `freeze_authority`, as many real reward tokens have.
    pub async fn create_freezable_mint(
        &mut self,
        decimals: u8,
        freeze_authority: &Pubkey,
    ) -> Pubkey {
        let mint = Keypair::new();
        let payer = self.ctx.payer.pubkey();
        let rent = self.ctx.banks_client.get_rent().await.expect("rent");
        let ixs = [
            system_instruction::create_account(
                &payer,
                &mint.pubkey(),
                rent.minimum_balance(spl_token::state::Mint::LEN),
                spl_token::state::Mint::LEN as u64,
                &spl_token::ID,
            ),
            spl_token::instruction::initialize_mint2(
                &spl_token::ID,
                &mint.pubkey(),
                &self.mint_authority.pubkey(),
                Some(freeze_authority),
                decimals,
            )
            .expect("mint"),
        ];
        self.ok(&ixs, &[&mint]).await;
        mint.pubkey()
    }

    /// Creates a token account of `mint` owned by `owner`.
    pub async fn create_token_account(&mut self, mint: &Pubkey, owner: &Pubkey) -> Pubkey {
        use spl_token_2022::extension::{
            BaseStateWithExtensions, ExtensionType, StateWithExtensions,
        };
        let program = self.account(mint).await.expect("mint").owner;
        let space = if program == spl_token::ID {
            spl_token::state::Account::LEN
        } else {
            let data = self.account(mint).await.expect("mint").data;
            let state =
                StateWithExtensions::<spl_token_2022::state::Mint>::unpack(&data).expect("mint");
            let required = ExtensionType::get_required_init_account_extensions(
                &state.get_extension_types().expect("ext"),
            );
            ExtensionType::try_calculate_account_len::<spl_token_2022::state::Account>(&required)
                .expect("len")
        };
        let account = Keypair::new();
        let payer = self.ctx.payer.pubkey();
        let rent = self.ctx.banks_client.get_rent().await.expect("rent");
        let ixs = [
            system_instruction::create_account(
                &payer,
                &account.pubkey(),
                rent.minimum_balance(space),
                space as u64,
                &program,
            ),
            spl_token_2022::instruction::initialize_account3(
                &program,
                &account.pubkey(),
                mint,
                owner,
            )
            .expect("init account"),
        ];
        self.ok(&ixs, &[&account]).await;
        account.pubkey()
    }

    pub async fn mint_to(&mut self, mint: &Pubkey, to: &Pubkey, amount: u64) {
        let program = self.account(mint).await.expect("mint").owner;
        let auth = self.mint_authority.insecure_clone();
        let ix =
            spl_token_2022::instruction::mint_to(&program, mint, to, &auth.pubkey(), &[], amount)
                .expect("mint_to");
        self.ok(&[ix], &[&auth]).await;
    }

    pub async fn token_balance(&mut self, account: &Pubkey) -> u64 {
        use spl_token_2022::extension::StateWithExtensions;
        let data = self.account(account).await.expect("token account").data;
        StateWithExtensions::<spl_token_2022::state::Account>::unpack(&data)
            .expect("token account")
            .base
            .amount
    }

    // ---- rate sources ------------------------------------------------------------------

    /// Writes an SPL stake-pool account (owned by the stake-pool program) pricing `mint` at
    /// `total_lamports / supply`, updated in the current epoch.
    pub async fn set_stake_pool(
        &mut self,
        address: &Pubkey,
        mint: &Pubkey,
        total_lamports: u64,
        supply: u64,
    ) {
        let epoch = self.clock().await.epoch;
        self.set_stake_pool_at_epoch(address, mint, total_lamports, supply, epoch)
            .await;
    }

    pub async fn set_stake_pool_at_epoch(
        &mut self,
        address: &Pubkey,
        mint: &Pubkey,
        total_lamports: u64,
        supply: u64,
        epoch: u64,
    ) {
        let data = rate_accounts::stake_pool_account_data(mint, total_lamports, supply, epoch);
        self.set_account(address, &SPL_STAKE_POOL_PROGRAM_ID, data)
            .await;
    }

    pub async fn set_marinade_state(
        &mut self,
        address: &Pubkey,
        msol_mint: &Pubkey,
        msol_price: u64,
    ) {
        let data = rate_accounts::marinade_state_account_data(msol_mint, msol_price);
        self.set_account(address, &MARINADE_PROGRAM_ID, data).await;
    }

    // ---- pools and users ---------------------------------------------------------------

    /// A pool on a fresh 9-decimal mint of `kind`, priced by an SPL stake pool at `rate_num /
    /// rate_den`, with the reference 7-day withdrawal delay and an unlimited cap.
    pub async fn stake_pool_lst(
        &mut self,
        kind: MintKind,
        rate_num: u64,
        rate_den: u64,
    ) -> TestPool {
        let mint = self.create_mint(kind, 9).await;
        let stake_pool = Pubkey::new_unique();
        self.set_stake_pool(&stake_pool, &mint, rate_num, rate_den)
            .await;
        let source = RateSource::SplStakePool { stake_pool };
        self.add_pool(mint, kind, source, 0).await
    }

    /// A pool on a fresh 9-decimal mint priced by a manual source at `initial_rate`.
    pub async fn manual_lst(&mut self, updater: Pubkey, initial_rate: u128) -> TestPool {
        let mint = self.create_mint(MintKind::Spl, 9).await;
        let source = RateSource::Manual {
            updater,
            max_change_bps: 1_000,
            max_age_secs: 3_600,
        };
        self.add_pool(mint, MintKind::Spl, source, initial_rate)
            .await
    }

    pub fn pool_args(source: RateSource, initial_rate: u128) -> AddPoolArgs {
        AddPoolArgs {
            rate_source: source,
            initial_rate,
            deposit_cap_value: u64::MAX,
            withdrawal_delay_secs: WITHDRAWAL_DELAY,
            accepted_freeze_authority: None,
        }
    }

    pub async fn add_pool(
        &mut self,
        mint: Pubkey,
        kind: MintKind,
        source: RateSource,
        initial_rate: u128,
    ) -> TestPool {
        let keys = PoolKeys::new(mint, kind.token_program(), &source);
        let admin = self.admin.insecure_clone();
        self.ok(
            &[client::add_pool(
                admin.pubkey(),
                &keys,
                Self::pool_args(source, initial_rate),
            )],
            &[&admin],
        )
        .await;
        TestPool {
            keys,
            kind,
            decimals: 9,
        }
    }

    /// A funded user with an open position in `pool` and `lst` LST in their token account.
    pub async fn user(&mut self, pool: &TestPool, lst: u64) -> User {
        let kp = Keypair::new();
        self.airdrop(&kp.pubkey(), 10 * ONE).await;
        let lst_account = self
            .create_token_account(&pool.keys.lst_mint, &kp.pubkey())
            .await;
        if lst > 0 {
            self.mint_to(&pool.keys.lst_mint, &lst_account, lst).await;
        }
        self.ok(&[client::open_position(kp.pubkey(), &pool.keys)], &[&kp])
            .await;
        User { kp, lst_account }
    }

    pub async fn deposit(&mut self, pool: &TestPool, user: &User, amount: u64) -> TxResult {
        let ix = client::deposit(user.key(), &pool.keys, user.lst_account, amount, 0);
        self.send(&[ix], &[&user.kp]).await
    }

    /// Requests a withdrawal of `amount`; returns the ticket address.
    pub async fn request_withdrawal(
        &mut self,
        pool: &TestPool,
        user: &User,
        amount: u64,
    ) -> Result<Pubkey, BanksClientError> {
        let position_key = pool.keys.position(&user.key());
        let position: restaking::state::Position = self.state(&position_key).await;
        let nonce = position.ticket_nonce;
        let ix = client::request_withdrawal(user.key(), &pool.keys, nonce, amount, None);
        self.send(&[ix], &[&user.kp]).await?;
        Ok(client::ticket_pda(&position_key, nonce))
    }

    pub async fn complete_withdrawal(
        &mut self,
        pool: &TestPool,
        user: &User,
        ticket: Pubkey,
    ) -> TxResult {
        let ix = client::complete_withdrawal(user.key(), &pool.keys, ticket, user.lst_account);
        self.send(&[ix], &[&user.kp]).await
    }

    pub async fn claim(&mut self, pool: &TestPool, user: &User) -> TxResult {
        let ix = client::claim(user.key(), &pool.keys, user.lst_account);
        self.send(&[ix], &[&user.kp]).await
    }

    /// A registered operator with `commission_bps` and an open bucket in `pool`.
    pub async fn operator(&mut self, pool: &TestPool, commission_bps: u16) -> TestOperator {
        let kp = Keypair::new();
        self.airdrop(&kp.pubkey(), 10 * ONE).await;
        self.ok(
            &[
                client::register_operator(kp.pubkey(), commission_bps, "https://operator.example"),
                client::open_operator_pool(kp.pubkey(), pool.keys.pool),
            ],
            &[&kp],
        )
        .await;
        let operator = client::operator_pda(&kp.pubkey());
        TestOperator {
            bucket: client::operator_pool_pda(&operator, &pool.keys.pool),
            operator,
            kp,
        }
    }

    pub async fn delegate(
        &mut self,
        pool: &TestPool,
        user: &User,
        op: &TestOperator,
        amount: u64,
    ) -> TxResult {
        let mut ix = client::delegate(user.key(), &pool.keys, op.operator, amount);
        ix.accounts.extend(self.reward_index_metas(op).await);
        self.send(&[ix], &[&user.kp]).await
    }

    /// Undelegates `shares` from `user`'s delegation to `op`; returns the ticket address.
    pub async fn undelegate(
        &mut self,
        pool: &TestPool,
        user: &User,
        op: &TestOperator,
        shares: u64,
    ) -> Result<Pubkey, BanksClientError> {
        let position_key = pool.keys.position(&user.key());
        let position: restaking::state::Position = self.state(&position_key).await;
        let nonce = position.ticket_nonce;
        let mut ix = client::undelegate(user.key(), &pool.keys, op.bucket, nonce, shares, None);
        ix.accounts.extend(self.reward_index_metas(op).await);
        self.send(&[ix], &[&user.kp]).await?;
        Ok(client::ticket_pda(&position_key, nonce))
    }

    /// Completes an `Undelegate` ticket of `user`'s delegation to `op`.
    pub async fn complete_undelegation(
        &mut self,
        pool: &TestPool,
        user: &User,
        op: &TestOperator,
        ticket: Pubkey,
    ) -> TxResult {
        let ix = client::complete_ticket(
            user.key(),
            &pool.keys,
            ticket,
            user.lst_account,
            Some(op.bucket),
        );
        self.send(&[ix], &[&user.kp]).await
    }

    /// Claims the idle leg and the delegation leg of `user`'s delegation to `op`.
    pub async fn claim_delegation(
        &mut self,
        pool: &TestPool,
        user: &User,
        op: &TestOperator,
    ) -> TxResult {
        self.claim_streams(pool, user, op, &[]).await
    }

    /// Like [`Env::claim_delegation`], also paying each `(stream, destination)` given.
    pub async fn claim_streams(
        &mut self,
        pool: &TestPool,
        user: &User,
        op: &TestOperator,
        streams: &[(client::StreamKeys, Pubkey)],
    ) -> TxResult {
        let mut ix =
            client::claim_delegation(user.key(), &pool.keys, user.lst_account, Some(op.bucket));
        for (stream, account) in streams {
            ix.accounts.extend(stream.claim_group(*account));
        }
        self.send(&[ix], &[&user.kp]).await
    }

    /// A registered service whose seized LST of `pool` lands in a fresh token account, linked by
    /// `op` with `max_slash_bps`.
    pub async fn service(
        &mut self,
        pool: &TestPool,
        op: &TestOperator,
        max_slash_bps: u16,
    ) -> TestService {
        let authority = Keypair::new();
        let slasher = Keypair::new();
        self.airdrop(&authority.pubkey(), ONE).await;
        self.airdrop(&slasher.pubkey(), ONE).await;
        let destination = self
            .create_token_account(&pool.keys.lst_mint, &authority.pubkey())
            .await;
        let ix = client::register_service(
            authority.pubkey(),
            slasher.pubkey(),
            authority.pubkey(),
            "https://service.example",
        );
        self.ok(&[ix], &[&authority]).await;
        let service = client::service_pda(&authority.pubkey());
        let op_kp = op.kp.insecure_clone();
        self.ok(
            &[client::link_service(op_kp.pubkey(), service, max_slash_bps)],
            &[&op_kp],
        )
        .await;
        TestService {
            authority,
            slasher,
            service,
            destination,
        }
    }

    /// The service requests a slash of `bps` on `op`'s bucket; returns the request address.
    pub async fn request_slash(
        &mut self,
        svc: &TestService,
        op: &TestOperator,
        bps: u16,
    ) -> Result<Pubkey, BanksClientError> {
        let nonce = self.bucket(op).await.slash_nonce;
        let ix = client::request_slash(
            svc.slasher.pubkey(),
            svc.service,
            op.operator,
            op.bucket,
            nonce,
            bps,
            [7; 32],
        );
        let slasher = svc.slasher.insecure_clone();
        self.send(&[ix], &[&slasher]).await?;
        Ok(client::slash_request_pda(&op.bucket, &svc.service, nonce))
    }

    pub async fn execute_slash(
        &mut self,
        pool: &TestPool,
        svc: &TestService,
        op: &TestOperator,
        request: Pubkey,
    ) -> TxResult {
        let ix =
            client::execute_slash(&pool.keys, op.bucket, request, svc.service, svc.destination);
        self.send(&[ix], &[]).await
    }

    /// The bucket's reward indices, in slot order, as remaining-account metas.
    pub async fn reward_index_metas(
        &mut self,
        op: &TestOperator,
    ) -> Vec<anchor_lang::solana_program::instruction::AccountMeta> {
        let b = self.bucket(op).await;
        let mints = &b.reward_mints[..usize::from(b.reward_mint_count)];
        client::reward_index_metas(&op.bucket, mints)
    }

    /// Opens a reward stream of `reward_mint` on `op`'s bucket (signed by the operator).
    pub async fn add_stream(
        &mut self,
        op: &TestOperator,
        reward_mint: Pubkey,
    ) -> client::StreamKeys {
        let program = self.account(&reward_mint).await.expect("mint").owner;
        let stream = client::StreamKeys::new(op.bucket, reward_mint, program);
        let kp = op.kp.insecure_clone();
        self.ok(
            &[client::add_reward_mint(
                kp.pubkey(),
                op.operator,
                op.bucket,
                &stream,
            )],
            &[&kp],
        )
        .await;
        stream
    }

    /// Opens a reward stream whose fundings must last at least `min_duration_secs`.
    pub async fn add_stream_with_min_duration(
        &mut self,
        op: &TestOperator,
        reward_mint: Pubkey,
        min_duration_secs: u32,
    ) -> client::StreamKeys {
        let program = self.account(&reward_mint).await.expect("mint").owner;
        let stream = client::StreamKeys::new(op.bucket, reward_mint, program);
        let kp = op.kp.insecure_clone();
        self.ok(
            &[client::add_reward_mint_with_min_duration(
                kp.pubkey(),
                op.operator,
                op.bucket,
                &stream,
                min_duration_secs,
            )],
            &[&kp],
        )
        .await;
        stream
    }

    /// Funds `stream` with `amount` streamed over `duration_secs`.
    pub async fn fund_over(
        &mut self,
        funder: &User,
        op: &TestOperator,
        stream: &client::StreamKeys,
        amount: u64,
        duration_secs: u32,
    ) -> TxResult {
        let ix = client::fund_rewards_over(
            funder.key(),
            op.operator,
            stream,
            funder.lst_account,
            amount,
            duration_secs,
        );
        self.send(&[ix], &[&funder.kp]).await
    }

    /// A service wallet holding `amount` of `reward_mint`.
    pub async fn funder(&mut self, reward_mint: &Pubkey, amount: u64) -> User {
        let kp = Keypair::new();
        self.airdrop(&kp.pubkey(), ONE).await;
        let lst_account = self.create_token_account(reward_mint, &kp.pubkey()).await;
        self.mint_to(reward_mint, &lst_account, amount).await;
        User { kp, lst_account }
    }

    pub async fn fund(
        &mut self,
        funder: &User,
        op: &TestOperator,
        stream: &client::StreamKeys,
        amount: u64,
    ) -> TxResult {
        let ix = client::fund_rewards(
            funder.key(),
            op.operator,
            stream,
            funder.lst_account,
            amount,
        );
        self.send(&[ix], &[&funder.kp]).await
    }

    pub async fn delegation(
        &mut self,
        pool: &TestPool,
        user: &User,
        op: &TestOperator,
    ) -> restaking::state::Delegation {
        let key = client::delegation_pda(&pool.keys.position(&user.key()), &op.bucket);
        self.state(&key).await
    }

    pub async fn bucket(&mut self, op: &TestOperator) -> restaking::state::OperatorPool {
        self.state(&op.bucket).await
    }

    /// LST the position holds through its delegation to `op` (its shares at the bucket's LST
    /// per share, rounded down as a redemption would be).
    pub async fn delegated_lst(&mut self, pool: &TestPool, user: &User, op: &TestOperator) -> u64 {
        let d = self.delegation(pool, user, op).await;
        let b = self.bucket(op).await;
        restaking::math::assets_for_shares(d.shares, b.total_shares, b.total_lst).expect("shares")
    }

    pub async fn position(&mut self, pool: &TestPool, user: &User) -> restaking::state::Position {
        let key = pool.keys.position(&user.key());
        self.state(&key).await
    }

    pub async fn pool(&mut self, pool: &TestPool) -> restaking::state::Pool {
        self.state(&pool.keys.pool).await
    }

    /// Moves the stake-pool rate of `pool` to `num / den` (current epoch).
    pub async fn set_rate(&mut self, pool: &TestPool, num: u64, den: u64) {
        let source = pool.keys.rate_source.expect("stake-pool priced");
        self.set_stake_pool(&source, &pool.keys.lst_mint, num, den)
            .await;
    }
}

/// A compute-budget `SetComputeUnitLimit` instruction.
pub fn compute_unit_limit(units: u32) -> Instruction {
    let mut data = vec![2u8];
    data.extend_from_slice(&units.to_le_bytes());
    Instruction {
        program_id: anchor_lang::pubkey!("ComputeBudget111111111111111111111111111111"),
        accounts: vec![],
        data,
    }
}

/// The custom error code of a failed transaction, if it failed in an instruction with one.
pub fn custom_code(result: &TxResult) -> Option<u32> {
    match result {
        Err(BanksClientError::TransactionError(TransactionError::InstructionError(
            _,
            InstructionError::Custom(code),
        ))) => Some(*code),
        _ => None,
    }
}

/// Asserts `result` failed with the program error `expected`.
#[track_caller]
pub fn assert_error(result: TxResult, expected: RestakingError) {
    let code = custom_code(&result);
    assert_eq!(
        code,
        Some(u32::from(expected)),
        "expected {expected:?} ({}), got {result:?}",
        u32::from(expected)
    );
}

/// Asserts `result` failed with the Anchor framework error `expected`.
#[track_caller]
pub fn assert_anchor_error(result: TxResult, expected: anchor_lang::error::ErrorCode) {
    assert_eq!(
        custom_code(&result),
        Some(u32::from(expected)),
        "expected {expected:?}, got {result:?}"
    );
}

/// The 8-byte discriminator of a program account type.
pub fn discriminator<T: Discriminator>() -> &'static [u8] {
    T::DISCRIMINATOR
}

// ---- helpers of the operator, reward, slashing and attack test files -----------------------

impl Env {
    /// Sends `ixs` signed by `signers`, asserts it fails with the program or Anchor error
    /// `expected` (anything with a custom error code), and that no account in `watched` changed
    /// (lamports, owner and data).
    pub async fn fails<E: Into<u32> + Copy + std::fmt::Debug>(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
        watched: &[Pubkey],
        expected: E,
    ) {
        let before = self.snapshot(watched).await;
        let result = self.send(ixs, signers).await;
        assert_eq!(
            custom_code(&result),
            Some(expected.into()),
            "expected {expected:?} ({}), got {result:?}",
            expected.into()
        );
        assert_eq!(
            self.snapshot(watched).await,
            before,
            "{expected:?} changed state"
        );
    }

    /// [`Env::fails`] for a runtime error without a custom code (e.g. the system program
    /// refusing to create an account that already exists).
    pub async fn fails_ix(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
        watched: &[Pubkey],
        expected: InstructionError,
    ) {
        let before = self.snapshot(watched).await;
        let result = self.send(ixs, signers).await;
        match &result {
            Err(BanksClientError::TransactionError(TransactionError::InstructionError(_, e))) => {
                assert_eq!(*e, expected, "got {result:?}")
            }
            _ => panic!("expected {expected:?}, got {result:?}"),
        }
        assert_eq!(
            self.snapshot(watched).await,
            before,
            "{expected:?} changed state"
        );
    }

    /// `update_operator(args)` signed by `op`'s authority.
    pub async fn update_operator(
        &mut self,
        op: &TestOperator,
        args: client::UpdateOperatorArgs,
    ) -> TxResult {
        let kp = op.kp.insecure_clone();
        self.send(&[client::update_operator(kp.pubkey(), args)], &[&kp])
            .await
    }

    /// Cancels an `Undelegate` ticket of `user`'s delegation to `op` (its shares go back to
    /// the bucket), passing the bucket's reward indices.
    pub async fn cancel_undelegation(
        &mut self,
        pool: &TestPool,
        user: &User,
        op: &TestOperator,
        ticket: Pubkey,
    ) -> TxResult {
        let mut ix = client::cancel_ticket(
            user.key(),
            &pool.keys,
            ticket,
            Some(op.bucket),
            Some(op.operator),
        );
        ix.accounts.extend(self.reward_index_metas(op).await);
        self.send(&[ix], &[&user.kp]).await
    }

    /// Permissionless `harvest` of `op`'s bucket.
    pub async fn harvest_bucket(&mut self, pool: &TestPool, op: &TestOperator) -> TxResult {
        let ix = client::harvest_accounts(&pool.keys, None, Some(op.bucket));
        self.send(&[ix], &[]).await
    }

    /// The `RewardIndex` of `stream`.
    pub async fn reward_index(
        &mut self,
        stream: &client::StreamKeys,
    ) -> restaking::state::RewardIndex {
        self.state(&stream.reward_index).await
    }

    /// The guardian vetoes `request` on `op`'s bucket.
    pub async fn veto_slash(&mut self, op: &TestOperator, request: Pubkey) -> TxResult {
        let ix = self.veto_ix(op, request).await;
        let guardian = self.guardian.insecure_clone();
        self.send(&[ix], &[&guardian]).await
    }

    /// The guardian's `veto_slash` of `request` on `op`'s bucket (the link is the request's).
    pub async fn veto_ix(&mut self, op: &TestOperator, request: Pubkey) -> Instruction {
        let service = self
            .state::<restaking::state::SlashRequest>(&request)
            .await
            .service;
        client::veto_slash(
            self.guardian.pubkey(),
            op.bucket,
            request,
            client::service_link_pda(&service, &op.operator),
        )
    }

    /// The bucket's undelegation queue.
    pub async fn queue(&mut self, op: &TestOperator) -> restaking::state::UndelegationQueue {
        let account = self
            .account(&client::queue_pda(&op.bucket))
            .await
            .expect("queue exists");
        let body = &account.data[8..restaking::state::UndelegationQueue::SPACE];
        anchor_lang::__private::bytemuck::pod_read_unaligned(body)
    }

    /// Sets the protocol fee (admin). A raise is timelocked: the fixture proposes it, moves
    /// the clock past `ADMIN_TIMELOCK_SECS`, applies it, and puts the clock back.
    pub async fn set_protocol_fee(&mut self, bps: u16) {
        let admin = self.admin.insecure_clone();
        let args = client::UpdateConfigArgs {
            protocol_fee_bps: Some(bps),
            ..Default::default()
        };
        self.ok(&[client::update_config(admin.pubkey(), args)], &[&admin])
            .await;
        self.apply_pending_config().await;
    }

    /// Applies the config's pending changes through their timelock, then puts the clock back.
    pub async fn apply_pending_config(&mut self) {
        let config: restaking::state::Config = self.state(&client::config_pda()).await;
        if config.pending_mask == 0 {
            return;
        }
        let now = self.clock().await.unix_timestamp;
        self.set_time(config.pending_effective_ts).await;
        self.ok(&[client::apply_config_update()], &[]).await;
        self.set_time(now).await;
    }
}

impl Env {
    /// Takes the bank's latest blockhash for the next transactions. The fixture signs with the
    /// blockhash it started with, which expires after 150 simulated slots; a test sending
    /// transactions for longer calls this now and then.
    pub async fn refresh_blockhash(&mut self) {
        self.ctx.last_blockhash = self
            .ctx
            .banks_client
            .get_latest_blockhash()
            .await
            .expect("latest blockhash");
    }
}
