//! The fuzzed world: one LiteSVM with the program's SBF binary and everything the sequences
//! act on — a config, pools of an SPL Token LST priced by an SPL stake-pool account, of a
//! Token-2022 LST with a transfer fee priced by a manual updater and of an SPL Token LST priced
//! by a Marinade state account (and one more pool the admin may add), reward mints of both
//! token programs (one with a transfer fee), operators with buckets and reward streams,
//! services linked to operators, stakers with positions, deposits and delegations, an attacker,
//! and a no-op native program that plays the fake token program and owns forged accounts.
//!
//! Everything is set up through the program's own instructions (built by `restaking-client`)
//! once per run; every sequence starts from a clone of that state.
//!
//! Transactions are not signed: LiteSVM runs with signature verification off, so a signer is
//! whoever the message names as one (what the program sees is the same; the runtime's own
//! signature check is not what is under test).
use anchor_lang::prelude::{Clock, Pubkey};
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_spl::token_2022::spl_token_2022;
use litesvm::types::{FailedTransactionMetadata, TransactionMetadata};
use litesvm::LiteSVM;
use restaking::constants::{MARINADE_PROGRAM_ID, SPL_STAKE_POOL_PROGRAM_ID};
use restaking::rate_source::fixtures::{marinade_state_account_data, stake_pool_account_data};
use restaking::state::RateSource;
use restaking_client::{self as client, AddPoolArgs, InitializeConfigArgs, PoolKeys, StreamKeys};
use solana_account::Account;
use solana_keypair::Keypair;
use solana_message::Message;
use solana_program_runtime::declare_process_instruction;
use solana_program_runtime::solana_sbpf::program::BuiltinFunctionDefinition;
use solana_signer::Signer;
use solana_transaction::Transaction;
use spl_token_2022::extension::{
    permanent_delegate::PermanentDelegate,
    transfer_fee::{TransferFeeAmount, TransferFeeConfig},
    BaseStateWithExtensionsMut, ExtensionType, StateWithExtensionsMut,
};
use std::collections::BTreeMap;

pub const TOKEN_PROGRAM: Pubkey =
    anchor_lang::pubkey!("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
pub const TOKEN_2022_PROGRAM: Pubkey =
    anchor_lang::pubkey!("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");
pub const COMPUTE_BUDGET_PROGRAM: Pubkey =
    anchor_lang::pubkey!("ComputeBudget111111111111111111111111111111");
/// A native program that accepts every instruction and does nothing: the fake token program,
/// and the owner of forged accounts (an account of the right layout owned by another program).
pub const FAKE_PROGRAM: Pubkey = Pubkey::new_from_array([0xFA; 32]);

declare_process_instruction!(FakeProgram, 1, |_invoke_context| { Ok(()) });

pub const ONE: u64 = 1_000_000_000;
pub const DAY: i64 = 24 * 60 * 60;
pub const START_TS: i64 = 1_700_000_000;
pub const START_EPOCH: u64 = 500;
/// Seconds per epoch of the fuzzed clock (mainnet's ~2 days).
pub const EPOCH_SECS: i64 = 2 * DAY;
/// Stake-pool token supply behind every SPL stake-pool rate (rate = lamports / supply).
pub const STAKE_POOL_SUPPLY: u64 = 1_000_000_000_000_000_000;
/// Each transaction's compute-unit limit: the most a transaction may ask for, so an
/// instruction over the per-instruction budget is measured rather than cut off.
pub const TX_CU_LIMIT: u32 = 1_400_000;
/// Wallet balance of every staker in every LST at the start.
pub const START_LST: u64 = 1_000_000 * ONE;

/// A mint the world created.
#[derive(Clone, Debug)]
pub struct MintInfo {
    pub key: Pubkey,
    pub token_program: Pubkey,
    pub decimals: u8,
    /// Token-2022 transfer fee (0 when none).
    pub fee_bps: u16,
    pub max_fee: u64,
    pub label: &'static str,
}

impl MintInfo {
    /// What a transfer of `amount` withholds (Token-2022's `TransferFee::calculate_fee`).
    pub fn fee(&self, amount: u64) -> u64 {
        if self.fee_bps == 0 || amount == 0 {
            return 0;
        }
        let fee = (u128::from(amount) * u128::from(self.fee_bps)).div_ceil(10_000);
        (fee as u64).min(self.max_fee)
    }
}

/// Where a pool's rate comes from, as the harness rewrites it.
#[derive(Clone, Copy, Debug)]
pub enum Source {
    /// An SPL stake-pool account: `lamports / STAKE_POOL_SUPPLY`, fresh in `epoch`.
    StakePool {
        account: Pubkey,
        lamports: u64,
        epoch: u64,
    },
    /// Marinade's state account: `price / 2^32`.
    Marinade { account: Pubkey, price: u64 },
    /// Pushed by the updater (`push_rate`).
    Manual,
}

/// One pool the world knows (added at setup, or addable by the admin later).
#[derive(Clone, Debug)]
pub struct PoolSpec {
    pub mint: MintInfo,
    pub keys: PoolKeys,
    pub rate_source: RateSource,
    pub source: Source,
    pub delay: i64,
}

#[derive(Clone, Copy, Debug)]
pub struct ServiceKeys {
    pub authority: Pubkey,
    pub slasher: Pubkey,
    /// Owner of the token accounts seized LST goes to.
    pub destination: Pubkey,
}

/// The result of one transaction.
pub type TxResult = Result<TransactionMetadata, Box<FailedTransactionMetadata>>;

#[derive(Clone)]
pub struct World {
    pub svm: LiteSVM,
    pub payer: Pubkey,
    pub admin: Pubkey,
    pub guardian: Pubkey,
    pub treasury: Pubkey,
    pub updater: Pubkey,
    /// Stakers; the last one is the attacker (never given a role).
    pub stakers: Vec<Pubkey>,
    pub attacker: Pubkey,
    /// Operator authorities registered at setup.
    pub operators: Vec<Pubkey>,
    pub services: Vec<ServiceKeys>,
    pub funder: Pubkey,
    /// Lien holders (a lender's PDA, in production): they take liens on positions and may
    /// enforce them.
    pub lenders: Vec<Pubkey>,
    /// Keys that may take a role later (new admin, new operator, new service).
    pub spare: Vec<Pubkey>,
    pub lst: Vec<MintInfo>,
    pub rewards: Vec<MintInfo>,
    /// Token-2022 mints with an extension the program must refuse (permanent delegate).
    pub banned: Vec<MintInfo>,
    /// Pools; the last one is not added at setup (the admin may add it).
    pub pools: Vec<PoolSpec>,
    /// An SPL stake-pool account of the first pool's mint at another address, at a high rate.
    pub evil_stake_pool: Pubkey,
    /// Wallet token accounts: (owner, mint) → account.
    pub wallets: BTreeMap<(Pubkey, Pubkey), Pubkey>,
    /// Wallet token account → its owner.
    pub wallet_owners: BTreeMap<Pubkey, Pubkey>,
    /// Every token account the harness created or the program created for a pool or stream:
    /// account → mint.
    pub token_accounts: BTreeMap<Pubkey, Pubkey>,
    /// Counter for fresh addresses (forged accounts).
    pub fresh: u64,
    /// Position addresses of every staker in every pool: (owner, pool index) → position.
    pub position_keys: BTreeMap<(Pubkey, usize), Pubkey>,
}

fn key(seed: u64, label: &str, i: usize) -> Pubkey {
    let mut bytes = [0u8; 32];
    let h = crate::rng::mix(seed ^ crate::rng::mix(i as u64 + 1));
    bytes[..8].copy_from_slice(&h.to_le_bytes());
    for (j, b) in label.bytes().enumerate().take(24) {
        bytes[8 + j] = b;
    }
    Keypair::new_from_array(bytes).pubkey()
}

impl World {
    /// The world of run `seed`, built through the program's instructions.
    pub fn new(so: &[u8], seed: u64) -> Self {
        let mut svm = LiteSVM::new()
            .with_sigverify(false)
            .with_blockhash_check(false)
            .with_transaction_history(0)
            .with_log_bytes_limit(Some(100_000));
        svm.add_program(restaking::ID, so)
            .expect("load restaking.so");
        svm.add_builtin(FAKE_PROGRAM, FakeProgram::register);
        let mut clock: Clock = svm.get_sysvar();
        clock.unix_timestamp = START_TS;
        clock.epoch = START_EPOCH;
        svm.set_sysvar(&clock);

        let k = |label: &str, i: usize| key(seed, label, i);
        let stakers: Vec<Pubkey> = (0..5).map(|i| k("staker", i)).collect();
        let mut w = Self {
            svm,
            payer: k("payer", 0),
            admin: k("admin", 0),
            guardian: k("guardian", 0),
            treasury: k("treasury", 0),
            updater: k("updater", 0),
            attacker: stakers[4],
            stakers,
            operators: (0..3).map(|i| k("operator", i)).collect(),
            services: (0..2)
                .map(|i| ServiceKeys {
                    authority: k("service", i),
                    slasher: k("slasher", i),
                    destination: k("seized", i),
                })
                .collect(),
            funder: k("funder", 0),
            lenders: (0..2).map(|i| k("lender", i)).collect(),
            spare: (0..4).map(|i| k("spare", i)).collect(),
            lst: Vec::new(),
            rewards: Vec::new(),
            banned: Vec::new(),
            pools: Vec::new(),
            evil_stake_pool: k("evil_stake_pool", 0),
            wallets: BTreeMap::new(),
            wallet_owners: BTreeMap::new(),
            token_accounts: BTreeMap::new(),
            fresh: 0,
            position_keys: BTreeMap::new(),
        };
        w.setup(seed);
        w
    }

    fn setup(&mut self, seed: u64) {
        let mut everyone = vec![
            self.payer,
            self.admin,
            self.guardian,
            self.updater,
            self.funder,
        ];
        everyone.extend(self.stakers.iter().copied());
        everyone.extend(self.operators.iter().copied());
        everyone.extend(self.spare.iter().copied());
        everyone.extend(self.lenders.iter().copied());
        for s in self.services.clone() {
            everyone.extend([s.authority, s.slasher]);
        }
        for k in &everyone {
            self.svm.airdrop(k, 10_000 * ONE).expect("airdrop");
        }

        // mints: LSTs (SPL, Token-2022 with a transfer fee, SPL, and a spare SPL one), reward
        // mints (SPL, Token-2022 with a fee, SPL, plain Token-2022), and refused mints
        let m = |label: &'static str, token_program, decimals, fee_bps, max_fee| MintInfo {
            key: key(seed, label, 0),
            token_program,
            decimals,
            fee_bps,
            max_fee,
            label,
        };
        self.lst = vec![
            m("lst-spl-stakepool", TOKEN_PROGRAM, 9, 0, 0),
            m("lst-t22-fee-manual", TOKEN_2022_PROGRAM, 9, 100, 5 * ONE),
            m("lst-spl-marinade", TOKEN_PROGRAM, 9, 0, 0),
            m("lst-spl-spare", TOKEN_PROGRAM, 6, 0, 0),
        ];
        self.rewards = vec![
            m("reward-spl-6", TOKEN_PROGRAM, 6, 0, 0),
            m("reward-t22-fee", TOKEN_2022_PROGRAM, 9, 50, 1_000_000),
            m("reward-spl-9", TOKEN_PROGRAM, 9, 0, 0),
            m("reward-t22-plain", TOKEN_2022_PROGRAM, 6, 0, 0),
        ];
        self.banned = vec![m("lst-t22-permanent-delegate", TOKEN_2022_PROGRAM, 9, 0, 0)];
        for mint in self.lst.clone().iter().chain(&self.rewards.clone()) {
            self.create_mint(mint, None);
        }
        let delegate = self.attacker;
        for mint in self.banned.clone() {
            self.create_mint(&mint, Some(delegate));
        }

        // wallets: every staker holds every LST and an account of every reward mint
        for s in self.stakers.clone() {
            for mint in self.lst.clone().iter().chain(&self.banned.clone()) {
                self.create_wallet(s, mint, START_LST);
            }
            for mint in self.rewards.clone() {
                self.create_wallet(s, &mint, 0);
            }
        }
        for mint in self.rewards.clone() {
            let funder = self.funder;
            let treasury = self.treasury;
            self.create_wallet(funder, &mint, u64::MAX / 4);
            self.create_wallet(treasury, &mint, 0);
            for op in self.operators.clone().iter().chain(&self.spare.clone()) {
                self.create_wallet(*op, &mint, 0);
            }
        }
        for s in self.services.clone() {
            for mint in self.lst.clone() {
                self.create_wallet(s.destination, &mint, 0);
            }
        }
        for l in self.lenders.clone() {
            for mint in self.lst.clone() {
                self.create_wallet(l, &mint, 0);
            }
        }

        // rate sources and pools
        let sources = [
            Source::StakePool {
                account: key(seed, "stake-pool", 0),
                lamports: STAKE_POOL_SUPPLY,
                epoch: START_EPOCH,
            },
            Source::Manual,
            Source::Marinade {
                account: key(seed, "marinade-state", 0),
                price: 1 << 32,
            },
            Source::Manual,
        ];
        let delays = [2 * DAY, 3 * DAY, DAY + 3_600, 2 * DAY];
        for (i, mint) in self.lst.clone().into_iter().enumerate() {
            let rate_source = match sources[i] {
                Source::StakePool { account, .. } => RateSource::SplStakePool {
                    stake_pool: account,
                },
                Source::Marinade { account, .. } => RateSource::Marinade { state: account },
                Source::Manual => RateSource::Manual {
                    updater: self.updater,
                    max_change_bps: 2_000,
                    max_age_secs: 3 * DAY as u32,
                },
            };
            self.pools.push(PoolSpec {
                keys: PoolKeys::new(mint.key, mint.token_program, &rate_source),
                mint,
                rate_source,
                source: sources[i],
                delay: delays[i],
            });
        }
        for i in 0..self.pools.len() {
            self.write_source(i);
            for s in self.stakers.clone() {
                let k = self.pools[i].keys.position(&s);
                self.position_keys.insert((s, i), k);
            }
        }
        let evil = self.evil_stake_pool;
        let data = stake_pool_account_data(
            &self.lst[0].key,
            3 * STAKE_POOL_SUPPLY,
            STAKE_POOL_SUPPLY,
            START_EPOCH,
        );
        self.set_raw(evil, SPL_STAKE_POOL_PROGRAM_ID, data);

        let admin = self.admin;
        self.ok(client::initialize_config(
            admin,
            InitializeConfigArgs {
                guardian: self.guardian,
                treasury: self.treasury,
                protocol_fee_bps: 1_000,
                max_commission_bps: 5_000,
                min_withdrawal_delay_secs: DAY,
                slash_veto_secs: DAY / 2,
            },
        ));
        for i in 0..3 {
            let p = self.pools[i].clone();
            self.ok(client::add_pool(
                admin,
                &p.keys,
                AddPoolArgs {
                    rate_source: p.rate_source,
                    initial_rate: 1_000_000_000_000_000_000,
                    deposit_cap_value: u64::MAX,
                    withdrawal_delay_secs: p.delay,
                    accepted_freeze_authority: None,
                },
            ));
            self.token_accounts.insert(p.keys.vault, p.mint.key);
        }

        // operators, their buckets and streams
        let commissions = [1_000u16, 0, 5_000];
        for (i, op) in self.operators.clone().into_iter().enumerate() {
            self.ok(client::register_operator(
                op,
                commissions[i],
                "https://operator.example",
            ));
            let pools = if i < 2 { 3 } else { 1 };
            for p in 0..pools {
                let pool = self.pools[p].keys.pool;
                self.ok(client::open_operator_pool(op, pool));
            }
        }
        let stream_plan: [(usize, &[(usize, u32)]); 2] =
            [(0, &[(0, 0), (1, 3_600)]), (1, &[(2, 0)])];
        for (op_i, streams) in stream_plan {
            let op = self.operators[op_i];
            let operator = client::operator_pda(&op);
            for p in 0..3 {
                let bucket = client::operator_pool_pda(&operator, &self.pools[p].keys.pool);
                for &(r, min) in streams {
                    let mint = self.rewards[r].clone();
                    let s = StreamKeys::new(bucket, mint.key, mint.token_program);
                    self.ok(client::add_reward_mint_with_min_duration(
                        op, operator, bucket, &s, min,
                    ));
                    self.token_accounts.insert(s.reward_vault, mint.key);
                }
            }
        }

        // services and links
        for s in self.services.clone() {
            self.ok(client::register_service(
                s.authority,
                s.slasher,
                s.destination,
                "https://service.example",
            ));
        }
        let s0 = client::service_pda(&self.services[0].authority);
        let s1 = client::service_pda(&self.services[1].authority);
        let (o0, o1) = (self.operators[0], self.operators[1]);
        self.ok(client::link_service(o0, s0, 2_000));
        self.ok(client::link_service(o1, s0, 500));
        self.ok(client::link_service(o1, s1, 1_000));

        // positions, deposits, delegations
        for (i, s) in self.stakers.clone().into_iter().enumerate() {
            for p in 0..3 {
                let keys = self.pools[p].keys;
                let wallet = self.wallet(s, &keys.lst_mint);
                self.ok(client::open_position(s, &keys));
                self.ok(client::deposit(s, &keys, wallet, 1_000 * ONE, 0));
                let op = client::operator_pda(&self.operators[i % 2]);
                let mut ix = client::delegate(s, &keys, op, 300 * ONE);
                let bucket = client::operator_pool_pda(&op, &keys.pool);
                let mints = self.stream_mints(&bucket);
                ix.accounts
                    .extend(client::reward_index_metas(&bucket, &mints));
                self.ok(ix);
            }
        }
        // some rewards in every stream
        for (op_i, streams) in stream_plan {
            let operator = client::operator_pda(&self.operators[op_i]);
            for p in 0..3 {
                let bucket = client::operator_pool_pda(&operator, &self.pools[p].keys.pool);
                for &(r, min) in streams {
                    let mint = self.rewards[r].clone();
                    let s = StreamKeys::new(bucket, mint.key, mint.token_program);
                    let from = self.wallet(self.funder, &mint.key);
                    self.ok(client::fund_rewards_over(
                        self.funder,
                        operator,
                        &s,
                        from,
                        1_000 * 10u64.pow(u32::from(mint.decimals)),
                        min.max(7 * DAY as u32),
                    ));
                }
            }
        }
    }

    /// Reward mints of a bucket's streams, in slot order, read from the chain.
    pub fn stream_mints(&self, bucket: &Pubkey) -> Vec<Pubkey> {
        use anchor_lang::AccountDeserialize;
        let Some(acc) = self.svm.get_account(bucket) else {
            return Vec::new();
        };
        let Ok(b) = restaking::state::OperatorPool::try_deserialize(&mut acc.data.as_slice())
        else {
            return Vec::new();
        };
        b.reward_mints[..usize::from(b.reward_mint_count).min(4)].to_vec()
    }

    /// The position of `owner` in pool `pool` (cached for the stakers).
    pub fn position_key(&self, owner: &Pubkey, pool: usize) -> Pubkey {
        self.position_keys
            .get(&(*owner, pool))
            .copied()
            .unwrap_or_else(|| self.pools[pool].keys.position(owner))
    }

    /// The wallet token account of `owner` for `mint`.
    pub fn wallet(&self, owner: Pubkey, mint: &Pubkey) -> Pubkey {
        *self
            .wallets
            .get(&(owner, *mint))
            .unwrap_or_else(|| panic!("no wallet of {owner} for {mint}"))
    }

    pub fn try_wallet(&self, owner: Pubkey, mint: &Pubkey) -> Option<Pubkey> {
        self.wallets.get(&(owner, *mint)).copied()
    }

    pub fn mint_info(&self, mint: &Pubkey) -> Option<&MintInfo> {
        self.lst
            .iter()
            .chain(&self.rewards)
            .chain(&self.banned)
            .find(|m| m.key == *mint)
    }

    pub fn now(&self) -> i64 {
        self.svm.get_sysvar::<Clock>().unix_timestamp
    }

    /// Moves the clock forward by `secs` (the epoch follows at `EPOCH_SECS`).
    pub fn warp(&mut self, secs: i64) {
        let mut clock: Clock = self.svm.get_sysvar();
        clock.unix_timestamp += secs;
        clock.epoch = START_EPOCH + ((clock.unix_timestamp - START_TS) / EPOCH_SECS) as u64;
        clock.slot += (secs.max(0) as u64) * 2 + 1;
        self.svm.set_sysvar(&clock);
    }

    /// Writes pool `i`'s rate-source account from the harness's state of it.
    pub fn write_source(&mut self, i: usize) {
        let mint = self.pools[i].mint.key;
        match self.pools[i].source {
            Source::StakePool {
                account,
                lamports,
                epoch,
            } => {
                let data = stake_pool_account_data(&mint, lamports, STAKE_POOL_SUPPLY, epoch);
                self.set_raw(account, SPL_STAKE_POOL_PROGRAM_ID, data);
            }
            Source::Marinade { account, price } => {
                let data = marinade_state_account_data(&mint, price);
                self.set_raw(account, MARINADE_PROGRAM_ID, data);
            }
            Source::Manual => {}
        }
    }

    /// Writes an account with rent-exempt lamports.
    pub fn set_raw(&mut self, key: Pubkey, owner: Pubkey, data: Vec<u8>) {
        let lamports = self.svm.minimum_balance_for_rent_exemption(data.len());
        self.svm
            .set_account(
                key,
                Account {
                    lamports,
                    data,
                    owner,
                    executable: false,
                    rent_epoch: 0,
                },
            )
            .expect("set_account");
    }

    /// A fresh address nobody uses.
    pub fn fresh_key(&mut self) -> Pubkey {
        self.fresh += 1;
        let mut b = [0x5E; 32];
        b[..8].copy_from_slice(&self.fresh.to_le_bytes());
        Pubkey::new_from_array(b)
    }

    fn create_mint(&mut self, mint: &MintInfo, permanent_delegate: Option<Pubkey>) {
        let mut base = vec![0u8; 82];
        base[36..44].copy_from_slice(&(u64::MAX / 2).to_le_bytes());
        base[44] = mint.decimals;
        base[45] = 1;
        let data = if mint.token_program == TOKEN_PROGRAM {
            base
        } else {
            let mut exts = Vec::new();
            if mint.fee_bps > 0 {
                exts.push(ExtensionType::TransferFeeConfig);
            }
            if permanent_delegate.is_some() {
                exts.push(ExtensionType::PermanentDelegate);
            }
            let len =
                ExtensionType::try_calculate_account_len::<spl_token_2022::state::Mint>(&exts)
                    .expect("mint length");
            let mut data = vec![0u8; len];
            if !exts.is_empty() {
                let mut state =
                    StateWithExtensionsMut::<spl_token_2022::state::Mint>::unpack_uninitialized(
                        &mut data,
                    )
                    .expect("unpack mint");
                if mint.fee_bps > 0 {
                    let ext = state
                        .init_extension::<TransferFeeConfig>(true)
                        .expect("fee extension");
                    let fee = spl_token_2022::extension::transfer_fee::TransferFee {
                        epoch: 0u64.into(),
                        maximum_fee: mint.max_fee.into(),
                        transfer_fee_basis_points: mint.fee_bps.into(),
                    };
                    ext.older_transfer_fee = fee;
                    ext.newer_transfer_fee = fee;
                }
                if let Some(d) = permanent_delegate {
                    let ext = state
                        .init_extension::<PermanentDelegate>(true)
                        .expect("delegate extension");
                    ext.delegate = Some(d).try_into().expect("delegate");
                }
                state.init_account_type().expect("account type");
            }
            data[..82].copy_from_slice(&base);
            data
        };
        self.set_raw(mint.key, mint.token_program, data);
    }

    /// Token-account data of `mint` (sized for its Token-2022 extensions).
    pub fn token_account_data(&self, mint: &MintInfo, owner: &Pubkey, amount: u64) -> Vec<u8> {
        let mut base = vec![0u8; 165];
        base[0..32].copy_from_slice(mint.key.as_ref());
        base[32..64].copy_from_slice(owner.as_ref());
        base[64..72].copy_from_slice(&amount.to_le_bytes());
        base[108] = 1;
        if mint.token_program == TOKEN_PROGRAM || mint.fee_bps == 0 {
            return base;
        }
        let exts = [ExtensionType::TransferFeeAmount];
        let len = ExtensionType::try_calculate_account_len::<spl_token_2022::state::Account>(&exts)
            .expect("account length");
        let mut data = vec![0u8; len];
        {
            let mut state =
                StateWithExtensionsMut::<spl_token_2022::state::Account>::unpack_uninitialized(
                    &mut data,
                )
                .expect("unpack account");
            state
                .init_extension::<TransferFeeAmount>(true)
                .expect("fee amount extension");
            state.init_account_type().expect("account type");
        }
        data[..165].copy_from_slice(&base);
        data
    }

    /// Creates a token account of `mint` owned by `owner` at a fresh address.
    pub fn create_token_account(&mut self, owner: Pubkey, mint: &MintInfo, amount: u64) -> Pubkey {
        let key = self.fresh_key();
        let data = self.token_account_data(mint, &owner, amount);
        self.set_raw(key, mint.token_program, data);
        self.token_accounts.insert(key, mint.key);
        key
    }

    fn create_wallet(&mut self, owner: Pubkey, mint: &MintInfo, amount: u64) -> Pubkey {
        let key = self.create_token_account(owner, mint, amount);
        self.wallets.insert((owner, mint.key), key);
        self.wallet_owners.insert(key, owner);
        key
    }

    /// The transaction the harness sends for `ix`: a compute-unit limit, then `ix`, fees paid by
    /// the payer; unsigned (signatures are not verified).
    pub fn transaction(&self, ix: &Instruction) -> Transaction {
        let budget = Instruction {
            program_id: COMPUTE_BUDGET_PROGRAM,
            accounts: vec![],
            data: [&[2u8][..], &TX_CU_LIMIT.to_le_bytes()].concat(),
        };
        let msg = Message::new(&[budget, ix.clone()], Some(&self.payer));
        Transaction::new_unsigned(msg)
    }

    pub fn send(&mut self, ix: &Instruction) -> TxResult {
        let tx = self.transaction(ix);
        self.svm.send_transaction(tx).map_err(Box::new)
    }

    /// Sends a setup instruction that must succeed.
    pub fn ok(&mut self, ix: Instruction) {
        if let Err(e) = self.send(&ix) {
            panic!(
                "setup instruction failed: {:?}\n{}",
                e.err,
                e.meta.logs.join("\n")
            );
        }
    }

    /// Token balance of a token account (None when it is not one).
    pub fn token_amount(&self, key: &Pubkey) -> Option<u64> {
        let acc = self.svm.get_account(key)?;
        token_amount_of(&acc)
    }
}

/// The `amount` of a token account's data (None when it is not a token account).
pub fn token_amount_of(acc: &Account) -> Option<u64> {
    if (acc.owner != TOKEN_PROGRAM && acc.owner != TOKEN_2022_PROGRAM) || acc.data.len() < 165 {
        return None;
    }
    if acc.data.len() > 165 && acc.data.get(165) != Some(&2) {
        return None; // a Token-2022 mint with extensions
    }
    acc.data
        .get(64..72)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_le_bytes)
}

/// A meta list's signers.
pub fn signers(ix: &Instruction) -> Vec<Pubkey> {
    let mut v: Vec<Pubkey> = ix
        .accounts
        .iter()
        .filter(|m| m.is_signer)
        .map(|m| m.pubkey)
        .collect();
    v.sort();
    v.dedup();
    v
}

/// A writable, non-signer meta.
pub fn writable(key: Pubkey) -> AccountMeta {
    AccountMeta::new(key, false)
}
