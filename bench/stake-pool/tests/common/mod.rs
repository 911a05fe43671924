//! The LiteSVM harness of the stake-pool tests: both SBF binaries (`target/deploy/restaking.so`
//! and `target/deploy/spl_stake_pool.so`, at their real program ids), a real stake pool set up
//! through the stake-pool program's own instructions (pool mint, manager fee account, reserve
//! stake account through the stake program, `Initialize`), and the restaking program set up on
//! it (config, a pool priced by that stake-pool account, operators with buckets and reward
//! streams) through `restaking-client`.
//!
//! The stake pool has no validators: every lamport is in its reserve, and "rewards" are
//! lamports landing in the reserve (LiteSVM does not advance stake history, so validator
//! stake accounts would never activate). Its update is the real one: the validator list's
//! (empty) chunk, `UpdateStakePoolBalance`, `CleanupRemovedValidatorEntries`.
//!
//! Transactions are not signed: LiteSVM runs with signature verification off, so a signer is
//! whoever the message names as one (what both programs see is the same).
//!
//! Clock: epoch 500 at `START_TS`, an epoch every `EPOCH_SECS` (2 days, mainnet's length);
//! `warp` moves the time and the epoch with it.
#![allow(dead_code, clippy::arithmetic_side_effects)]

use anchor_lang::prelude::{Clock, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::AccountDeserialize;
use litesvm::LiteSVM;
use restaking::state::{
    Delegation, OperatorPool, Pool, Position, RateSource, RewardIndex, WithdrawalTicket,
};
use restaking_client::{self as client, AddPoolArgs, InitializeConfigArgs, PoolKeys, StreamKeys};
use restaking_stake_pool_tests::{deploy_path, program_cu, Fee, FeeChange, STAKE_POOL_PROGRAM_ID};
use solana_account::Account;
use solana_borsh::v1::{get_instance_packed_len, get_packed_len, try_from_slice_unchecked};
use solana_message::Message;
use solana_stake_interface::state::{Authorized, Lockup, StakeStateV2};
use solana_transaction::Transaction;
use spl_stake_pool::instruction as sp_ix;
use spl_stake_pool::state::{StakePool, ValidatorList};

pub const ONE: u64 = 1_000_000_000;
pub const DAY: i64 = 24 * 60 * 60;
pub const START_TS: i64 = 1_700_000_000;
pub const START_EPOCH: u64 = 500;
/// Seconds per epoch (mainnet's ~2 days).
pub const EPOCH_SECS: i64 = 2 * DAY;
pub const SLOTS_PER_EPOCH: u64 = 432_000;
/// The restaking pool's withdrawal delay (SPEC S5's 7 days).
pub const WITHDRAWAL_DELAY: i64 = 7 * DAY;
pub const REWARD_DECIMALS: u8 = 6;
/// One reward token (6 decimals).
pub const TOKEN: u64 = 1_000_000;
pub const TOKEN_PROGRAM: Pubkey =
    anchor_lang::pubkey!("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
const MAX_VALIDATORS: u32 = 10;
const MINT_LEN: usize = 82;
const TOKEN_ACCOUNT_LEN: usize = 165;

/// A transaction that succeeded.
#[derive(Debug)]
pub struct Sent {
    /// Compute units of the whole transaction.
    pub cu: u64,
    /// Compute units of each top-level stake-pool instruction, in order.
    pub stake_pool_cu: Vec<u64>,
    pub logs: Vec<String>,
}

/// A transaction that failed (and, as every failed transaction, changed nothing but the fee
/// payer's balance).
#[derive(Debug)]
pub struct Failed {
    pub err: String,
    pub logs: Vec<String>,
}

impl Failed {
    /// The restaking program's error name (Anchor's `Error Code: <name>.` log line).
    pub fn restaking_error(&self) -> Option<String> {
        self.logs.iter().find_map(|l| {
            let rest = l.split("Error Code: ").nth(1)?;
            Some(rest.split('.').next()?.to_string())
        })
    }

    /// The `Custom(code)` of the failing instruction.
    pub fn custom_code(&self) -> Option<u32> {
        let rest = self.err.split("Custom(").nth(1)?;
        rest.split(')').next()?.parse().ok()
    }

    pub fn describe(&self) -> String {
        format!("{}\n{}", self.err, self.logs.join("\n"))
    }
}

/// Addresses of the stake pool.
#[derive(Clone, Copy, Debug)]
pub struct StakePoolKeys {
    pub pool: Pubkey,
    pub validator_list: Pubkey,
    pub reserve: Pubkey,
    pub mint: Pubkey,
    pub manager: Pubkey,
    pub manager_fee: Pubkey,
    pub withdraw_authority: Pubkey,
}

/// An operator of the restaking pool: its bucket and (maybe) its reward stream.
#[derive(Clone, Copy, Debug)]
pub struct OperatorKeys {
    pub authority: Pubkey,
    pub operator: Pubkey,
    pub bucket: Pubkey,
    pub stream: Option<StreamKeys>,
}

impl OperatorKeys {
    pub fn stream_mints(&self) -> Vec<Pubkey> {
        self.stream.iter().map(|s| s.reward_mint).collect()
    }
}

/// A person: SOL, a token account of the stake pool's LST and one of the reward mint.
#[derive(Clone, Copy, Debug)]
pub struct User {
    pub key: Pubkey,
    pub lst: Pubkey,
    pub rewards: Pubkey,
}

#[derive(Clone)]
pub struct Env {
    pub svm: LiteSVM,
    pub payer: Pubkey,
    pub sp: StakePoolKeys,
    pub admin: Pubkey,
    pub keys: PoolKeys,
    pub reward_mint: Pubkey,
    pub funder: Pubkey,
    pub funder_rewards: Pubkey,
    pub operators: Vec<OperatorKeys>,
    /// Counter behind `fresh_key`.
    fresh: u64,
    /// Compute units of the stake-pool steps, in order: (step, CU).
    pub cu: Vec<(String, u64)>,
    /// Record stake-pool CU in `cu` (off in the property test).
    pub record_cu: bool,
}

fn read_so(name: &str) -> Vec<u8> {
    let path = deploy_path(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e} (build it with scripts/build-sbf.sh)",
            path.display()
        )
    })
}

impl Env {
    /// Both programs loaded, the clock at epoch 500, and a stake pool initialised with
    /// `epoch_fee` (no other fees).
    pub fn new(epoch_fee: Fee) -> Self {
        let mut svm = LiteSVM::new()
            .with_sigverify(false)
            .with_blockhash_check(false)
            .with_transaction_history(0)
            .with_log_bytes_limit(Some(100_000));
        svm.add_program(restaking::ID, &read_so("restaking.so"))
            .expect("load restaking.so");
        svm.add_program(STAKE_POOL_PROGRAM_ID, &read_so("spl_stake_pool.so"))
            .expect("load spl_stake_pool.so");
        let mut env = Self {
            svm,
            payer: Pubkey::default(),
            sp: StakePoolKeys {
                pool: Pubkey::default(),
                validator_list: Pubkey::default(),
                reserve: Pubkey::default(),
                mint: Pubkey::default(),
                manager: Pubkey::default(),
                manager_fee: Pubkey::default(),
                withdraw_authority: Pubkey::default(),
            },
            admin: Pubkey::default(),
            keys: PoolKeys::new(
                Pubkey::default(),
                TOKEN_PROGRAM,
                &RateSource::default_stake_pool(),
            ),
            reward_mint: Pubkey::default(),
            funder: Pubkey::default(),
            funder_rewards: Pubkey::default(),
            operators: Vec::new(),
            fresh: 0,
            cu: Vec::new(),
            record_cu: true,
        };
        env.set_time(START_TS);
        env.payer = env.fresh_key();
        env.svm.airdrop(&env.payer, 100_000 * ONE).expect("airdrop");
        env.init_stake_pool(epoch_fee);
        env
    }

    /// A new address (never on a signature path: signatures are not verified).
    pub fn fresh_key(&mut self) -> Pubkey {
        self.fresh += 1;
        let mut b = [0x5Au8; 32];
        b[..8].copy_from_slice(&self.fresh.to_le_bytes());
        Pubkey::new_from_array(b)
    }

    // ---- transactions ------------------------------------------------------------------

    pub fn send(&mut self, ixs: &[Instruction]) -> Result<Sent, Failed> {
        let msg = Message::new(ixs, Some(&self.payer));
        let tx = Transaction::new_unsigned(msg);
        match self.svm.send_transaction(tx) {
            Ok(meta) => Ok(Sent {
                cu: meta.compute_units_consumed,
                stake_pool_cu: program_cu(&meta.logs, &STAKE_POOL_PROGRAM_ID),
                logs: meta.logs,
            }),
            Err(f) => Err(Failed {
                err: format!("{:?}", f.err),
                logs: f.meta.logs,
            }),
        }
    }

    /// Sends a transaction that must succeed.
    pub fn ok(&mut self, label: &str, ixs: &[Instruction]) -> Sent {
        match self.send(ixs) {
            Ok(s) => s,
            Err(f) => panic!("{label} failed: {}", f.describe()),
        }
    }

    /// Sends stake-pool instructions that must succeed and records each one's CU as `labels`.
    fn stake_pool_step(&mut self, labels: &[&str], ixs: &[Instruction]) -> Vec<u64> {
        let sent = self.ok(&labels.join(" + "), ixs);
        assert_eq!(
            sent.stake_pool_cu.len(),
            labels.len(),
            "one CU line per stake-pool instruction"
        );
        if self.record_cu {
            for (label, cu) in labels.iter().zip(&sent.stake_pool_cu) {
                self.cu.push((label.to_string(), *cu));
            }
        }
        sent.stake_pool_cu
    }

    // ---- clock ---------------------------------------------------------------------------

    pub fn clock(&self) -> Clock {
        self.svm.get_sysvar()
    }
    pub fn now(&self) -> i64 {
        self.clock().unix_timestamp
    }
    pub fn epoch(&self) -> u64 {
        self.clock().epoch
    }

    /// Sets the time; the epoch (and slot) follow it.
    pub fn set_time(&mut self, ts: i64) {
        let elapsed = ts - START_TS;
        let epoch = START_EPOCH + (elapsed / EPOCH_SECS) as u64;
        let in_epoch = elapsed % EPOCH_SECS;
        let mut c: Clock = self.svm.get_sysvar();
        c.unix_timestamp = ts;
        c.epoch = epoch;
        c.slot = epoch * SLOTS_PER_EPOCH + in_epoch as u64;
        c.epoch_start_timestamp = ts - in_epoch;
        c.leader_schedule_epoch = epoch + 1;
        self.svm.set_sysvar(&c);
    }

    pub fn warp(&mut self, secs: i64) {
        self.set_time(self.now() + secs);
    }

    /// Moves the clock to the first second of the next epoch and lands `reward_lamports` in
    /// the stake pool's reserve (the epoch's staking rewards). The stake pool is then out of
    /// date until `update_stake_pool`.
    pub fn next_epoch(&mut self, reward_lamports: u64) {
        let next = START_TS + (self.epoch() + 1 - START_EPOCH) as i64 * EPOCH_SECS;
        self.set_time(next);
        let mut reserve = self.svm.get_account(&self.sp.reserve).expect("reserve");
        reserve.lamports += reward_lamports;
        self.svm
            .set_account(self.sp.reserve, reserve)
            .expect("set reserve");
    }

    // ---- the stake pool --------------------------------------------------------------------

    fn init_stake_pool(&mut self, epoch_fee: Fee) {
        let payer = self.payer;
        let pool = self.fresh_key();
        let validator_list = self.fresh_key();
        let reserve = self.fresh_key();
        let mint = self.fresh_key();
        let manager = self.fresh_key();
        let manager_fee = self.fresh_key();
        self.svm.airdrop(&manager, 10 * ONE).expect("airdrop");
        let (withdraw_authority, _) =
            spl_stake_pool::find_withdraw_authority_program_address(&STAKE_POOL_PROGRAM_ID, &pool);
        self.sp = StakePoolKeys {
            pool,
            validator_list,
            reserve,
            mint,
            manager,
            manager_fee,
            withdraw_authority,
        };

        // pool mint: 9 decimals, minted by the pool's withdraw authority, no freeze authority
        let mint_rent = self.svm.minimum_balance_for_rent_exemption(MINT_LEN);
        self.ok(
            "create the pool mint",
            &[
                solana_system_interface::instruction::create_account(
                    &payer,
                    &mint,
                    mint_rent,
                    MINT_LEN as u64,
                    &TOKEN_PROGRAM,
                ),
                spl_token_2022_interface::instruction::initialize_mint2(
                    &TOKEN_PROGRAM,
                    &mint,
                    &withdraw_authority,
                    None,
                    9,
                )
                .expect("initialize_mint2"),
            ],
        );
        self.create_token_account(manager_fee, mint, manager);

        // reserve: a stake account, initialised, staker and withdrawer the withdraw authority
        let stake_len = StakeStateV2::size_of();
        let reserve_rent = self.svm.minimum_balance_for_rent_exemption(stake_len);
        let authorized = Authorized {
            staker: withdraw_authority,
            withdrawer: withdraw_authority,
        };
        let ixs = solana_stake_interface::instruction::create_account(
            &payer,
            &reserve,
            &authorized,
            &Lockup::default(),
            reserve_rent,
        );
        self.ok("create the reserve stake account", &ixs);

        let pool_len = get_packed_len::<StakePool>();
        let list_len = get_instance_packed_len(&ValidatorList::new(MAX_VALIDATORS))
            .expect("validator list length");
        let ixs = [
            solana_system_interface::instruction::create_account(
                &payer,
                &pool,
                self.svm.minimum_balance_for_rent_exemption(pool_len),
                pool_len as u64,
                &STAKE_POOL_PROGRAM_ID,
            ),
            solana_system_interface::instruction::create_account(
                &payer,
                &validator_list,
                self.svm.minimum_balance_for_rent_exemption(list_len),
                list_len as u64,
                &STAKE_POOL_PROGRAM_ID,
            ),
        ];
        self.ok("create the pool and validator list accounts", &ixs);
        let init = sp_ix::initialize(
            &STAKE_POOL_PROGRAM_ID,
            &pool,
            &manager,
            &manager,
            &withdraw_authority,
            &validator_list,
            &reserve,
            &mint,
            &manager_fee,
            &TOKEN_PROGRAM,
            None,
            epoch_fee.to_spl(),
            Fee::default().to_spl(),
            Fee::default().to_spl(),
            0,
            MAX_VALIDATORS,
        );
        self.stake_pool_step(&["Initialize"], &[init]);
    }

    /// The stake pool's account, decoded by the stake-pool crate.
    pub fn stake_pool(&self) -> StakePool {
        let acc = self
            .svm
            .get_account(&self.sp.pool)
            .expect("stake pool account");
        assert_eq!(acc.owner, STAKE_POOL_PROGRAM_ID);
        try_from_slice_unchecked(&acc.data).expect("StakePool")
    }

    /// The stake pool's raw account data.
    pub fn stake_pool_data(&self) -> Vec<u8> {
        self.svm
            .get_account(&self.sp.pool)
            .expect("stake pool account")
            .data
    }

    pub fn validator_list(&self) -> ValidatorList {
        let acc = self
            .svm
            .get_account(&self.sp.validator_list)
            .expect("validator list");
        try_from_slice_unchecked(&acc.data).expect("ValidatorList")
    }

    /// Lamports in the reserve above its rent-exempt minimum.
    pub fn reserve_free(&self) -> u64 {
        let acc = self.svm.get_account(&self.sp.reserve).expect("reserve");
        let rent = self.svm.minimum_balance_for_rent_exemption(acc.data.len());
        acc.lamports.saturating_sub(rent)
    }

    pub fn deposit_sol_ix(&self, from: Pubkey, to: Pubkey, lamports: u64) -> Instruction {
        let sp = self.sp;
        sp_ix::deposit_sol(
            &STAKE_POOL_PROGRAM_ID,
            &sp.pool,
            &sp.withdraw_authority,
            &sp.reserve,
            &from,
            &to,
            &sp.manager_fee,
            &sp.manager_fee,
            &sp.mint,
            &TOKEN_PROGRAM,
            lamports,
        )
    }

    /// `DepositSol(lamports)` from `from`'s SOL to its LST account `to`.
    pub fn deposit_sol(&mut self, from: Pubkey, to: Pubkey, lamports: u64) -> Result<Sent, Failed> {
        let ix = self.deposit_sol_ix(from, to, lamports);
        let sent = self.send(&[ix])?;
        if self.record_cu {
            self.cu.push(("DepositSol".into(), sent.stake_pool_cu[0]));
        }
        Ok(sent)
    }

    /// `WithdrawSol(tokens)` from `owner`'s LST account `from` to `owner`'s SOL.
    pub fn withdraw_sol(
        &mut self,
        owner: Pubkey,
        from: Pubkey,
        tokens: u64,
    ) -> Result<Sent, Failed> {
        let sp = self.sp;
        let ix = sp_ix::withdraw_sol(
            &STAKE_POOL_PROGRAM_ID,
            &sp.pool,
            &sp.withdraw_authority,
            &owner,
            &from,
            &sp.reserve,
            &owner,
            &sp.manager_fee,
            &sp.mint,
            &TOKEN_PROGRAM,
            tokens,
        );
        let sent = self.send(&[ix])?;
        if self.record_cu {
            self.cu.push(("WithdrawSol".into(), sent.stake_pool_cu[0]));
        }
        Ok(sent)
    }

    /// `SetFee` by the manager.
    pub fn set_fee(&mut self, change: FeeChange) -> Result<Sent, Failed> {
        let ix = sp_ix::set_fee(
            &STAKE_POOL_PROGRAM_ID,
            &self.sp.pool,
            &self.sp.manager,
            change.to_spl(),
        );
        let sent = self.send(&[ix])?;
        if self.record_cu {
            self.cu.push(("SetFee".into(), sent.stake_pool_cu[0]));
        }
        Ok(sent)
    }

    /// The stake pool's own epoch update, as its CLI sends it: the validator list's chunk
    /// (`UpdateValidatorListBalance`, here no validators), then `UpdateStakePoolBalance` and
    /// `CleanupRemovedValidatorEntries` in one transaction. Returns the three CU figures.
    pub fn update_stake_pool(&mut self) -> [u64; 3] {
        let sp = self.sp;
        let list = self.validator_list();
        let chunk = sp_ix::update_validator_list_balance_chunk(
            &STAKE_POOL_PROGRAM_ID,
            &sp.pool,
            &sp.withdraw_authority,
            &sp.validator_list,
            &sp.reserve,
            &list,
            0,
            0,
            false,
        )
        .expect("update_validator_list_balance_chunk");
        let a = self.stake_pool_step(&["UpdateValidatorListBalance"], &[chunk]);
        let finals = [
            sp_ix::update_stake_pool_balance(
                &STAKE_POOL_PROGRAM_ID,
                &sp.pool,
                &sp.withdraw_authority,
                &sp.validator_list,
                &sp.reserve,
                &sp.manager_fee,
                &sp.mint,
                &TOKEN_PROGRAM,
            ),
            sp_ix::cleanup_removed_validator_entries(
                &STAKE_POOL_PROGRAM_ID,
                &sp.pool,
                &sp.validator_list,
            ),
        ];
        let b = self.stake_pool_step(
            &["UpdateStakePoolBalance", "CleanupRemovedValidatorEntries"],
            &finals,
        );
        [a[0], b[0], b[1]]
    }

    // ---- tokens and people ---------------------------------------------------------------

    /// A token account of `mint` owned by `owner`, created by the token program.
    pub fn create_token_account(&mut self, key: Pubkey, mint: Pubkey, owner: Pubkey) {
        let payer = self.payer;
        let rent = self
            .svm
            .minimum_balance_for_rent_exemption(TOKEN_ACCOUNT_LEN);
        self.ok(
            "create a token account",
            &[
                solana_system_interface::instruction::create_account(
                    &payer,
                    &key,
                    rent,
                    TOKEN_ACCOUNT_LEN as u64,
                    &TOKEN_PROGRAM,
                ),
                spl_token_2022_interface::instruction::initialize_account3(
                    &TOKEN_PROGRAM,
                    &key,
                    &mint,
                    &owner,
                )
                .expect("initialize_account3"),
            ],
        );
    }

    /// A person with `lamports` of SOL and empty LST and reward-token accounts.
    pub fn user(&mut self, lamports: u64) -> User {
        let key = self.fresh_key();
        self.svm.airdrop(&key, lamports).expect("airdrop");
        let lst = self.fresh_key();
        self.create_token_account(lst, self.sp.mint, key);
        let rewards = self.fresh_key();
        if self.reward_mint != Pubkey::default() {
            self.create_token_account(rewards, self.reward_mint, key);
        }
        User { key, lst, rewards }
    }

    /// A token account's balance (0 when it does not exist).
    pub fn token_amount(&self, key: &Pubkey) -> u64 {
        self.svm
            .get_account(key)
            .and_then(|a| a.data.get(64..72).map(|b| b.to_vec()))
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
            .unwrap_or(0)
    }

    /// The supply of a mint.
    pub fn mint_supply(&self, mint: &Pubkey) -> u64 {
        let acc = self.svm.get_account(mint).expect("mint");
        u64::from_le_bytes(acc.data[36..44].try_into().expect("8 bytes"))
    }

    pub fn lamports(&self, key: &Pubkey) -> u64 {
        self.svm.get_account(key).map(|a| a.lamports).unwrap_or(0)
    }

    /// A restaking account, decoded (None when it does not exist).
    pub fn read<T: AccountDeserialize>(&self, key: &Pubkey) -> Option<T> {
        let acc = self.svm.get_account(key)?;
        if acc.data.is_empty() {
            return None;
        }
        T::try_deserialize(&mut acc.data.as_slice()).ok()
    }

    // ---- the restaking program -------------------------------------------------------------

    /// Config (protocol fee `protocol_fee_bps`), a reward mint (6 decimals) with a funded
    /// funder, the restaking pool priced by the stake pool (`RateSource::SplStakePool`, delay
    /// 7 days), and one operator per entry of `operators` (commission bps, whether it has a
    /// reward stream) with its bucket.
    pub fn setup_restaking(&mut self, protocol_fee_bps: u16, operators: &[(u16, bool)]) {
        self.admin = self.fresh_key();
        let guardian = self.fresh_key();
        let treasury = self.fresh_key();
        self.funder = self.fresh_key();
        for k in [self.admin, self.funder] {
            self.svm.airdrop(&k, 1_000 * ONE).expect("airdrop");
        }
        self.ok(
            "initialize_config",
            &[client::initialize_config(
                self.admin,
                InitializeConfigArgs {
                    guardian,
                    treasury,
                    protocol_fee_bps,
                    max_commission_bps: 5_000,
                    min_withdrawal_delay_secs: DAY,
                    slash_veto_secs: DAY / 2,
                },
            )],
        );

        // the reward mint: written directly (its authority plays no part)
        self.reward_mint = self.fresh_key();
        let mut mint = vec![0u8; MINT_LEN];
        mint[36..44].copy_from_slice(&(u64::MAX / 2).to_le_bytes());
        mint[44] = REWARD_DECIMALS;
        mint[45] = 1;
        let rent = self.svm.minimum_balance_for_rent_exemption(MINT_LEN);
        self.svm
            .set_account(
                self.reward_mint,
                Account {
                    lamports: rent,
                    data: mint,
                    owner: TOKEN_PROGRAM,
                    executable: false,
                    rent_epoch: 0,
                },
            )
            .expect("reward mint");
        self.funder_rewards = self.fresh_key();
        let mut acc = vec![0u8; TOKEN_ACCOUNT_LEN];
        acc[0..32].copy_from_slice(self.reward_mint.as_ref());
        acc[32..64].copy_from_slice(self.funder.as_ref());
        acc[64..72].copy_from_slice(&(u64::MAX / 4).to_le_bytes());
        acc[108] = 1;
        let rent = self
            .svm
            .minimum_balance_for_rent_exemption(TOKEN_ACCOUNT_LEN);
        self.svm
            .set_account(
                self.funder_rewards,
                Account {
                    lamports: rent,
                    data: acc,
                    owner: TOKEN_PROGRAM,
                    executable: false,
                    rent_epoch: 0,
                },
            )
            .expect("funder account");

        let rate_source = RateSource::SplStakePool {
            stake_pool: self.sp.pool,
        };
        self.keys = PoolKeys::new(self.sp.mint, TOKEN_PROGRAM, &rate_source);
        self.ok(
            "add_pool (SplStakePool)",
            &[client::add_pool(
                self.admin,
                &self.keys,
                AddPoolArgs {
                    rate_source,
                    initial_rate: 0,
                    deposit_cap_value: u64::MAX,
                    withdrawal_delay_secs: WITHDRAWAL_DELAY,
                    accepted_freeze_authority: None,
                },
            )],
        );
        for &(commission_bps, with_stream) in operators {
            let authority = self.fresh_key();
            self.svm.airdrop(&authority, 100 * ONE).expect("airdrop");
            self.ok(
                "register_operator",
                &[client::register_operator(
                    authority,
                    commission_bps,
                    "https://operator.example",
                )],
            );
            self.ok(
                "open_operator_pool",
                &[client::open_operator_pool(authority, self.keys.pool)],
            );
            let operator = client::operator_pda(&authority);
            let bucket = client::operator_pool_pda(&operator, &self.keys.pool);
            let stream =
                with_stream.then(|| StreamKeys::new(bucket, self.reward_mint, TOKEN_PROGRAM));
            if let Some(s) = &stream {
                self.ok(
                    "add_reward_mint",
                    &[client::add_reward_mint(authority, operator, bucket, s)],
                );
            }
            self.operators.push(OperatorKeys {
                authority,
                operator,
                bucket,
                stream,
            });
        }
    }

    pub fn open_position(&mut self, user: &User) {
        self.ok(
            "open_position",
            &[client::open_position(user.key, &self.keys)],
        );
    }

    pub fn deposit_ix(&self, user: &User, amount: u64) -> Instruction {
        client::deposit(user.key, &self.keys, user.lst, amount, 0)
    }

    pub fn delegate_ix(&self, user: &User, op: usize, amount: u64) -> Instruction {
        let o = self.operators[op];
        let mut ix = client::delegate(user.key, &self.keys, o.operator, amount);
        ix.accounts
            .extend(client::reward_index_metas(&o.bucket, &o.stream_mints()));
        ix
    }

    /// `undelegate(shares)` as the position's next ticket; returns it and the ticket address.
    pub fn undelegate_ix(&self, user: &User, op: usize, shares: u64) -> (Instruction, Pubkey) {
        let o = self.operators[op];
        let position = self.position(user).expect("position");
        let nonce = position.ticket_nonce;
        let mut ix = client::undelegate(user.key, &self.keys, o.bucket, nonce, shares, None);
        ix.accounts
            .extend(client::reward_index_metas(&o.bucket, &o.stream_mints()));
        let ticket = client::ticket_pda(&self.keys.position(&user.key), nonce);
        (ix, ticket)
    }

    /// `request_withdrawal(amount)` as the position's next ticket.
    pub fn request_withdrawal_ix(&self, user: &User, amount: u64) -> (Instruction, Pubkey) {
        let position = self.position(user).expect("position");
        let nonce = position.ticket_nonce;
        let ix = client::request_withdrawal(user.key, &self.keys, nonce, amount, None);
        let ticket = client::ticket_pda(&self.keys.position(&user.key), nonce);
        (ix, ticket)
    }

    /// `complete_withdrawal` of `ticket` (an `Undelegate` one names its bucket).
    pub fn complete_ix(&self, user: &User, ticket: Pubkey, bucket: Option<Pubkey>) -> Instruction {
        client::complete_ticket(user.key, &self.keys, ticket, user.lst, bucket)
    }

    /// `claim` of the idle holding and, with `op`, the delegation to that operator and all of
    /// its streams.
    pub fn claim_ix(&self, user: &User, op: Option<usize>) -> Instruction {
        let o = op.map(|i| self.operators[i]);
        let mut ix = client::claim_delegation(user.key, &self.keys, user.lst, o.map(|o| o.bucket));
        if let Some(s) = o.and_then(|o| o.stream) {
            ix.accounts.extend(s.claim_group(user.rewards));
        }
        ix
    }

    /// `harvest` of `user`'s idle holding (permissionless; needs a fresh rate).
    pub fn harvest_ix(&self, user: &User) -> Instruction {
        client::harvest(&self.keys, self.keys.position(&user.key))
    }

    /// Funds operator `op`'s stream with `amount` at once (duration 0).
    pub fn fund_rewards_ix(&self, op: usize, amount: u64) -> Instruction {
        let o = self.operators[op];
        let s = o.stream.expect("operator has a stream");
        client::fund_rewards(self.funder, o.operator, &s, self.funder_rewards, amount)
    }

    pub fn pool(&self) -> Pool {
        self.read(&self.keys.pool).expect("pool")
    }
    pub fn position(&self, user: &User) -> Option<Position> {
        self.read(&self.keys.position(&user.key))
    }
    pub fn bucket(&self, op: usize) -> OperatorPool {
        self.read(&self.operators[op].bucket).expect("bucket")
    }
    pub fn delegation(&self, user: &User, op: usize) -> Option<Delegation> {
        let position = self.keys.position(&user.key);
        self.read(&client::delegation_pda(
            &position,
            &self.operators[op].bucket,
        ))
    }
    pub fn ticket(&self, ticket: &Pubkey) -> Option<WithdrawalTicket> {
        self.read(ticket)
    }
    pub fn stream(&self, op: usize) -> Option<RewardIndex> {
        self.operators[op]
            .stream
            .and_then(|s| self.read(&s.reward_index))
    }
    pub fn vault_balance(&self) -> u64 {
        self.token_amount(&self.keys.vault)
    }

    /// The printable table of the stake-pool steps' compute units: each step once, with its
    /// distinct figures in order of appearance (× how often each occurred).
    pub fn cu_table(&self) -> String {
        let mut rows: Vec<(String, Vec<(u64, usize)>)> = Vec::new();
        for (label, cu) in &self.cu {
            let i = match rows.iter().position(|(l, _)| l == label) {
                Some(i) => i,
                None => {
                    rows.push((label.clone(), Vec::new()));
                    rows.len() - 1
                }
            };
            let figures = &mut rows[i].1;
            match figures.iter_mut().find(|(c, _)| c == cu) {
                Some((_, n)) => *n += 1,
                None => figures.push((*cu, 1)),
            }
        }
        rows.iter()
            .map(|(label, figures)| {
                let figures: Vec<String> = figures
                    .iter()
                    .map(|(cu, n)| match n {
                        1 => format!("{cu} CU"),
                        n => format!("{cu} CU (×{n})"),
                    })
                    .collect();
                format!("  {label:<32} {}", figures.join(", "))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// A placeholder rate source for the keys before the pool exists.
trait DefaultStakePool {
    fn default_stake_pool() -> Self;
}

impl DefaultStakePool for RateSource {
    fn default_stake_pool() -> Self {
        RateSource::SplStakePool {
            stake_pool: Pubkey::default(),
        }
    }
}

/// `amount` formatted with 9 decimals.
pub fn sol(amount: u64) -> String {
    format!("{}.{:09}", amount / ONE, amount % ONE)
}

/// A rate (× 10^18) formatted with 18 decimals.
pub fn rate_str(rate: u128) -> String {
    let scale = restaking::constants::RATE_SCALE;
    format!("{}.{:018}", rate / scale, rate % scale)
}
