//! Compute-unit report of the restaking program's SBF binary (`target/deploy/restaking.so`),
//! run in LiteSVM 0.16.0 whose token program is p-token.
//!
//! One user flow (deposit, delegate, rewards, claims, withdrawal, undelegation, slash) is run
//! three times, with 1, 100 and 10,000 other stakers already in the pool and in both operator
//! buckets (their totals and counters are written into the accounts directly). The measured
//! user's PDAs (position, both delegations, tickets 0 and 1) all have bump 255, so every figure
//! is deterministic.
//!
//! After the flow, in the same SVM: `settle_undelegation` of the user's matured `Undelegate`
//! ticket by a third party; the reference lender's `borrow` (`restaking_lender.so`, beside the
//! program's binary) against a position of 1 delegation with 1 reward stream; and the view at
//! its limit, [`MAX_VIEW_DELEGATIONS`] delegations whose buckets each have [`MAX_REWARD_MINTS`]
//! streams, called directly and by the lender's `borrow`. Those two transactions carry more
//! accounts than a legacy transaction can (54 and 63 keys: 32 bytes each in a 1,232-byte
//! packet), so they are v0 transactions with an address lookup table. Each
//! `get_position_value_*` line also gives the size of the view's answer (Borsh, as the program
//! sets it as return data; the limit is 1,024 bytes).
//!
//! Output: one line `<instruction> <compute units>` per measurement (extra columns: target,
//! floor, the view's answer size), `#` comments (the v0 transactions' accounts and sizes),
//! account sizes and rent, and last `max_user_cu N`. `--lender-so <path>`: the lender's binary
//! (default: `restaking_lender.so` beside `--so`).
//! `--check <baseline.json>` fails (exit 1) if an instruction exceeds 200,000 CU or regresses by
//! more than 20 % against the baseline; `--write-baseline <file>` records this run.
#![allow(clippy::arithmetic_side_effects, clippy::cast_possible_truncation)]

use anchor_lang::prelude::{Clock, Pubkey};
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::AnchorSerialize;
use anchor_lang::{AccountDeserialize, AccountSerialize};
use client::{PoolKeys, StreamKeys};
use litesvm::LiteSVM;
use restaking::constants::{MAX_REWARD_MINTS, MAX_VIEW_DELEGATIONS, SPL_STAKE_POOL_PROGRAM_ID};
use restaking::instructions::{AddPoolArgs, InitializeConfigArgs};
use restaking::rate_source::fixtures::stake_pool_account_data;
use restaking::state::{
    Config, Delegation, Operator, OperatorPool, Pool, Position, RateSource, RewardIndex, Service,
    ServiceLink, SlashRequest, UndelegationQueue, WithdrawalTicket,
};
use restaking_client as client;
use solana_account::Account;
use solana_keypair::Keypair;
use solana_message::{v0, AddressLookupTableAccount, Message, VersionedMessage};
use solana_signer::Signer;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction::Transaction;
use std::collections::BTreeMap;
use std::fmt::Write as _;

mod lender;

const TOKEN_PROGRAM: Pubkey = anchor_lang::pubkey!("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
const LOOKUP_TABLE_PROGRAM: Pubkey =
    anchor_lang::pubkey!("AddressLookupTab1e1111111111111111111111111");
const ONE: u64 = 1_000_000_000;
const DAY: i64 = 24 * 60 * 60;
const RATE_DEN: u64 = 1_000_000_000_000_000_000;
/// Existing stakers besides the measured user.
const STAKER_COUNTS: [u64; 3] = [1, 100, 10_000];
/// Each existing staker: idle LST, and LST delegated to each of the two buckets (rate 1.00).
const OTHER_IDLE: u64 = 100 * ONE;
const OTHER_DELEGATED: u64 = 50 * ONE;
/// An instruction above this fails the check outright (the default per-instruction limit).
const HARD_LIMIT: u64 = 200_000;
/// Allowed regression against the baseline.
const MAX_REGRESSION: f64 = 0.20;
/// Largest return data the runtime accepts (`MAX_RETURN_DATA`).
const MAX_RETURN_DATA: usize = 1_024;
/// Largest serialised transaction (`PACKET_DATA_SIZE`).
const MAX_TRANSACTION_SIZE: usize = 1_232;
/// The name `get_position_value_8delegations` (and its baseline entries) is the view's limit.
const _: () = assert!(MAX_VIEW_DELEGATIONS == 8 && MAX_REWARD_MINTS == 4);
/// Loan tokens in the lender's market (9 decimals, priced 1:1 against the numeraire).
const LENDER_LIQUIDITY: u64 = 1_000 * ONE;

/// PERFORMANCE.md targets (half the Jito vault program's comparable instruction).
const TARGETS: &[(&str, u64, &str)] = &[
    ("deposit_repeat", 11_900, "Jito MintTo 23,724 / 2"),
    (
        "delegate_first",
        19_000,
        "Jito InitializeVaultOperatorDelegation+AddDelegation / 2",
    ),
    (
        "request_withdrawal",
        15_600,
        "Jito EnqueueWithdrawal 31,262 / 2",
    ),
    (
        "complete_withdrawal",
        16_000,
        "Jito BurnWithdrawalTicket 32,044 / 2",
    ),
    ("claim_4streams", 40_000, "PERFORMANCE.md"),
    ("claim_4streams_streaming", 40_000, "PERFORMANCE.md"),
    (
        "get_position_value_4streams",
        15_000,
        "issue: view of 1 delegation",
    ),
];
/// Instructions a staker sends (for `max_user_cu`); the rest are cranks, services, operators.
const USER_IXS: &[&str] = &[
    "open_position",
    "deposit_first",
    "deposit_repeat",
    "delegate_first",
    "delegate_repeat",
    "delegate_first_4streams",
    "delegate_repeat_4streams",
    "claim_idle",
    "claim_0streams",
    "claim_1stream",
    "claim_4streams",
    "claim_4streams_streaming",
    "get_position_value_4streams",
    "get_position_value_2delegations",
    "get_position_value_8delegations",
    "set_lien",
    "release_lien",
    "undelegate",
    "request_withdrawal",
    "complete_withdrawal",
    "complete_undelegation",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let so_path = arg("--so").unwrap_or_else(|| {
        let dir = std::env::var("SBF_OUT_DIR").unwrap_or_else(|_| "target/deploy".into());
        format!("{dir}/restaking.so")
    });
    // the reference lender's binary: --lender-so, else restaking_lender.so beside --so
    let lender_path = arg("--lender-so").unwrap_or_else(|| {
        std::path::Path::new(&so_path)
            .with_file_name("restaking_lender.so")
            .to_string_lossy()
            .into_owned()
    });
    let read = |path: &str| {
        std::fs::read(path).unwrap_or_else(|e| {
            eprintln!("cannot read {path}: {e} (build it with scripts/build-sbf.sh)");
            std::process::exit(2)
        })
    };
    let so = read(&so_path);
    let lender_so = read(&lender_path);

    let mut runs: Vec<(u64, Run)> = Vec::new();
    for n in STAKER_COUNTS {
        runs.push((n, Run::flow(&so, &lender_so, n)));
    }
    let report = render(&runs, &so_path, so.len());
    print!("{report}");

    let cu = all_measurements(&runs);
    if let Some(path) = arg("--write-baseline") {
        let json = serde_json::json!({
            "runtime": "litesvm 0.16.0 (agave 4.2.2, token program p-token), sBPF v0 from scripts/build-sbf.sh",
            "rule": "scripts/cu-report.sh --check fails if an instruction exceeds 200000 CU or exceeds its baseline by more than 20 %",
            "cu": cu,
        });
        let text = serde_json::to_string_pretty(&json).expect("json") + "\n";
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {path}: {e}"));
        eprintln!("baseline written to {path}");
    }
    if let Some(path) = arg("--check") {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
        let json: serde_json::Value = serde_json::from_str(&text).expect("baseline json");
        let base = json["cu"].as_object().expect("baseline: object `cu`");
        let mut failures = Vec::new();
        for (name, &value) in &cu {
            if value > HARD_LIMIT {
                failures.push(format!("{name}: {value} CU > {HARD_LIMIT}"));
            }
            match base.get(name).and_then(|v| v.as_u64()) {
                Some(b) if (value as f64) > (b as f64) * (1.0 + MAX_REGRESSION) => {
                    failures.push(format!(
                        "{name}: {value} CU > baseline {b} + 20 % ({:+.1} %)",
                        pct(value, b)
                    ))
                }
                Some(_) => {}
                None => eprintln!("cu-check: {name} is not in the baseline (new; not checked)"),
            }
        }
        for name in base.keys() {
            if !cu.contains_key(name) {
                eprintln!("cu-check: baseline entry {name} was not measured");
            }
        }
        if failures.is_empty() {
            eprintln!("cu-check: ok ({} instructions against {path})", cu.len());
        } else {
            for f in &failures {
                eprintln!("cu-check: FAIL {f}");
            }
            std::process::exit(1);
        }
    }
}

fn pct(value: u64, base: u64) -> f64 {
    (value as f64 - base as f64) * 100.0 / base as f64
}

/// Every measurement of every run, keyed `name` (1 staker) or `name@N`.
fn all_measurements(runs: &[(u64, Run)]) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for (n, run) in runs {
        for (name, cu) in &run.cu {
            let key = if *n == STAKER_COUNTS[0] {
                name.to_string()
            } else {
                format!("{name}@{n}")
            };
            out.insert(key, *cu);
        }
    }
    out
}

fn render(runs: &[(u64, Run)], so_path: &str, so_len: usize) -> String {
    let mut s = String::new();
    let (_, base) = &runs[0];
    let floor = base.cu_of("transfer_checked");
    let _ = writeln!(
        s,
        "# restaking CU report: {so_path} ({so_len} bytes), LiteSVM 0.16.0, token program p-token"
    );
    let _ = writeln!(
        s,
        "# <instruction> <compute units>   [target from PERFORMANCE.md] [floor]   ({} existing staker)",
        STAKER_COUNTS[0]
    );
    for (name, cu) in &base.cu {
        let mut extra = String::new();
        if let Some((_, t, _)) = TARGETS.iter().find(|(n, _, _)| n == name) {
            let verdict = if *cu <= *t { "ok" } else { "OVER" };
            let _ = write!(extra, "  target<={t} {verdict}");
        }
        if name.starts_with("deposit_") {
            let _ = write!(
                extra,
                "  floor transfer_checked={floor} ratio={:.1}x",
                *cu as f64 / floor as f64
            );
        }
        if let Some((_, len)) = base.answers.iter().find(|(n, _)| n == name) {
            let _ = write!(extra, "  return_data={len}B (limit {MAX_RETURN_DATA})");
        }
        let _ = writeln!(s, "{name} {cu}{extra}");
    }
    for (name, v) in &base.v0 {
        let _ = writeln!(
            s,
            "# {name}: v0 transaction, {} accounts ({} from an address lookup table), {} bytes (limit {MAX_TRANSACTION_SIZE}); legacy: {} bytes of keys alone",
            v.accounts,
            v.looked_up,
            v.bytes,
            32 * v.accounts
        );
    }
    let _ = writeln!(s, "# the same flow with more existing stakers");
    for (n, run) in &runs[1..] {
        for (name, cu) in &run.cu {
            let _ = writeln!(s, "{name}@{n} {cu}");
        }
    }
    let _ = writeln!(
        s,
        "# growth from {} to {} existing stakers (PERFORMANCE.md: within ±1 %)",
        STAKER_COUNTS[0],
        STAKER_COUNTS[STAKER_COUNTS.len() - 1]
    );
    let mut worst = 0f64;
    for (name, cu) in &base.cu {
        let max_dev = runs[1..]
            .iter()
            .map(|(_, r)| pct(r.cu_of(name), *cu).abs())
            .fold(0f64, f64::max);
        worst = worst.max(max_dev);
        let figures: Vec<String> = runs
            .iter()
            .map(|(_, r)| r.cu_of(name).to_string())
            .collect();
        let _ = writeln!(
            s,
            "#   {name}: {} (max {max_dev:.2} %)",
            figures.join(" / ")
        );
    }
    let _ = writeln!(s, "# largest growth: {worst:.2} %");

    let _ = writeln!(
        s,
        "# account <type> <bytes incl. discriminator> rent <lamports>   [budget]"
    );
    for (name, len) in &base.sizes {
        let budget = match *name {
            "Position" => Some(200),
            "Delegation" => Some(240),
            "WithdrawalTicket" => Some(160),
            _ => None,
        };
        let mut extra = String::new();
        if let Some(b) = budget {
            let verdict = if *len <= b { "ok" } else { "OVER" };
            let _ = write!(extra, "  budget<={b} {verdict}");
        }
        let _ = writeln!(
            s,
            "account {name} {len} rent {}{extra}",
            base.svm.minimum_balance_for_rent_exemption(*len)
        );
    }
    let max_user = runs
        .iter()
        .flat_map(|(_, r)| r.cu.iter())
        .filter(|(n, _)| USER_IXS.contains(n))
        .map(|(_, c)| *c)
        .max()
        .unwrap_or(0);
    let _ = writeln!(s, "max_user_cu {max_user}");
    s
}

/// One SVM, the fixture keys and the measurements of one flow.
struct Run {
    svm: LiteSVM,
    payer: Keypair,
    /// Measurements in flow order.
    cu: Vec<(&'static str, u64)>,
    /// Data length of each account type, as created on chain.
    sizes: Vec<(&'static str, usize)>,
    /// Size of the view's answer (return data) of each `get_position_value_*` measurement.
    answers: Vec<(&'static str, usize)>,
    /// Measurements sent as v0 transactions: name and [`V0Shape`].
    v0: Vec<(&'static str, V0Shape)>,
    /// Shape of the last v0 transaction sent.
    last_v0: Option<V0Shape>,
    /// Log of the last transaction.
    last_logs: Vec<String>,
    /// Return data of the last transaction, as the runtime records it (trailing zero bytes
    /// dropped).
    last_return: Vec<u8>,
}

/// Accounts of one user: keypair, LST account, reward-token accounts.
struct User {
    kp: Keypair,
    lst: Pubkey,
    rewards: Vec<Pubkey>,
}

struct Op {
    kp: Keypair,
    operator: Pubkey,
    bucket: Pubkey,
}

impl Run {
    fn cu_of(&self, name: &str) -> u64 {
        self.cu
            .iter()
            .find(|(n, _)| *n == name)
            .map_or_else(|| panic!("{name} not measured"), |(_, c)| *c)
    }

    fn new(so: &[u8], lender_so: &[u8]) -> Self {
        #[cfg(feature = "trace")]
        let svm = LiteSVM::new_debuggable(std::env::var("CU_TRACE").is_ok());
        #[cfg(not(feature = "trace"))]
        let svm = LiteSVM::new();
        let mut svm = svm.with_log_bytes_limit(None);
        #[cfg(feature = "trace")]
        svm.set_invocation_inspect_callback(litesvm::EmptyInvocationInspectCallback);
        svm.add_program(restaking::ID, so)
            .expect("load restaking.so");
        svm.add_program(restaking_lender::ID, lender_so)
            .expect("load restaking_lender.so");
        let mut clock: Clock = svm.get_sysvar();
        clock.unix_timestamp = 1_700_000_000;
        clock.epoch = 500;
        svm.set_sysvar(&clock);
        let payer = Keypair::new_from_array([1; 32]);
        svm.airdrop(&payer.pubkey(), 1_000 * ONE).expect("airdrop");
        Self {
            svm,
            payer,
            cu: Vec::new(),
            sizes: Vec::new(),
            answers: Vec::new(),
            v0: Vec::new(),
            last_v0: None,
            last_logs: Vec::new(),
            last_return: Vec::new(),
        }
    }

    /// Sends `ixs` (fees paid by the payer) in a legacy transaction; returns the CU of the last
    /// instruction's own top-level invocation, or the failure with its logs.
    fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> Result<u64, String> {
        self.send_in(ixs, signers, None)
    }

    /// [`Self::send`], as a v0 transaction loading its accounts from `table` when given.
    fn send_in(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
        table: Option<&AddressLookupTableAccount>,
    ) -> Result<u64, String> {
        let mut keys: Vec<&Keypair> = vec![&self.payer];
        keys.extend(
            signers
                .iter()
                .copied()
                .filter(|k| k.pubkey() != self.payer.pubkey()),
        );
        // the whole transaction budget, so that an instruction over the default 200k is
        // measured (and reported by --check) rather than cut off
        let mut all = vec![Instruction {
            program_id: anchor_lang::pubkey!("ComputeBudget111111111111111111111111111111"),
            accounts: vec![],
            data: [&[2u8][..], &1_400_000u32.to_le_bytes()].concat(),
        }];
        all.extend_from_slice(ixs);
        let blockhash = self.svm.latest_blockhash();
        let result = match table {
            None => {
                let msg = Message::new(&all, Some(&self.payer.pubkey()));
                self.svm
                    .send_transaction(Transaction::new(&keys, msg, blockhash))
            }
            Some(table) => {
                let msg = v0::Message::try_compile(
                    &self.payer.pubkey(),
                    &all,
                    std::slice::from_ref(table),
                    blockhash,
                )
                .map_err(|e| format!("v0 message: {e:?}"))?;
                let looked_up: usize = msg
                    .address_table_lookups
                    .iter()
                    .map(|l| l.writable_indexes.len() + l.readonly_indexes.len())
                    .sum();
                let in_message = msg.account_keys.len();
                let msg = VersionedMessage::V0(msg);
                // a real transaction: it must fit one packet
                let bytes = 1 + 64 * keys.len() + msg.serialize().len();
                assert!(
                    bytes <= MAX_TRANSACTION_SIZE,
                    "v0 transaction of {bytes} bytes"
                );
                self.last_v0 = Some(V0Shape {
                    accounts: in_message + looked_up,
                    looked_up,
                    bytes,
                });
                let tx = VersionedTransaction::try_new(msg, &keys)
                    .map_err(|e| format!("sign: {e:?}"))?;
                self.svm.send_transaction(tx)
            }
        };
        self.svm.expire_blockhash();
        match result {
            Ok(meta) => {
                self.last_logs = meta.logs.clone();
                self.last_return = meta.return_data.data.clone();
                Ok(top_level_cu(&meta.logs, &ixs[ixs.len() - 1].program_id)
                    .unwrap_or(meta.compute_units_consumed))
            }
            Err(e) => Err(format!("{:?}\n{}", e.err, e.meta.logs.join("\n"))),
        }
    }

    fn ok(&mut self, ixs: &[Instruction], signers: &[&Keypair]) {
        if let Err(e) = self.send(ixs, signers) {
            panic!("setup transaction failed: {e}");
        }
    }

    fn measure(&mut self, name: &'static str, ix: Instruction, signers: &[&Keypair]) {
        self.measure_in(name, ix, signers, None);
    }

    /// [`Self::measure`] in a v0 transaction with the lookup table `table` when given.
    fn measure_in(
        &mut self,
        name: &'static str,
        ix: Instruction,
        signers: &[&Keypair],
        table: Option<&AddressLookupTableAccount>,
    ) {
        // `--features trace` with CU_TRACE=<instruction>: register trace of that measurement
        // (every program it runs) into $SBF_TRACE_DIR; see scripts/cu-profile.sh
        #[cfg(feature = "trace")]
        let traced = std::env::var("CU_TRACE").is_ok_and(|v| v == name);
        #[cfg(feature = "trace")]
        if traced {
            self.svm.set_invocation_inspect_callback(
                litesvm::register_tracing::DefaultRegisterTracingCallback::default(),
            );
        }
        let cu = self
            .send_in(&[ix], signers, table)
            .unwrap_or_else(|e| panic!("{name} failed: {e}"));
        #[cfg(feature = "trace")]
        if traced {
            self.svm
                .set_invocation_inspect_callback(litesvm::EmptyInvocationInspectCallback);
        }
        self.cu.push((name, cu));
        if table.is_some() {
            let shape = self.last_v0.take().expect("v0 transaction");
            self.v0.push((name, shape));
        }
        if name.starts_with("get_position_value") {
            // the answer as the program set it (the runtime's record drops trailing zeros)
            let view = client::decode_position_value(&self.last_return).expect("view answer");
            let mut answer = Vec::new();
            view.serialize(&mut answer).expect("encode");
            let len = answer.len();
            assert!(len <= MAX_RETURN_DATA && len >= self.last_return.len());
            self.answers.push((name, len));
        }
        // CU_LOGS=<instruction>|all prints the runtime's log of that measurement to stderr
        if std::env::var("CU_LOGS").is_ok_and(|v| v == name || v == "all") {
            eprintln!("--- {name}: {cu} CU\n{}", self.last_logs.join("\n"));
        }
    }

    fn set(&mut self, key: Pubkey, owner: Pubkey, data: Vec<u8>) {
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

    fn read<T: AccountDeserialize>(&self, key: &Pubkey) -> T {
        let acc = self.svm.get_account(key).expect("account");
        T::try_deserialize(&mut acc.data.as_slice()).expect("deserialize")
    }

    fn write<T: AccountSerialize>(&mut self, key: &Pubkey, value: &T) {
        let mut acc = self.svm.get_account(key).expect("account");
        let mut buf = Vec::new();
        value.try_serialize(&mut buf).expect("serialize");
        acc.data[..buf.len()].copy_from_slice(&buf);
        self.svm.set_account(*key, acc).expect("set_account");
    }

    fn add_token_amount(&mut self, key: &Pubkey, delta: u64) {
        let mut acc = self.svm.get_account(key).expect("token account");
        let amount = u64::from_le_bytes(acc.data[64..72].try_into().expect("amount")) + delta;
        acc.data[64..72].copy_from_slice(&amount.to_le_bytes());
        self.svm.set_account(*key, acc).expect("set_account");
    }

    fn data_len(&self, key: &Pubkey) -> usize {
        self.svm.get_account(key).expect("account").data.len()
    }

    fn mint(&mut self, seed: u8, decimals: u8) -> Pubkey {
        let key = Pubkey::new_from_array([seed; 32]);
        self.set(key, TOKEN_PROGRAM, mint_data(decimals));
        key
    }

    fn token_account(&mut self, mint: &Pubkey, owner: &Pubkey, amount: u64) -> Pubkey {
        let key = Pubkey::new_unique();
        self.set(key, TOKEN_PROGRAM, token_account_data(mint, owner, amount));
        key
    }

    fn set_rate(&mut self, stake_pool: Pubkey, mint: &Pubkey, num: u64) {
        let epoch = self.svm.get_sysvar::<Clock>().epoch;
        self.set(
            stake_pool,
            SPL_STAKE_POOL_PROGRAM_ID,
            stake_pool_account_data(mint, num, RATE_DEN, epoch),
        );
    }

    fn advance(&mut self, secs: i64) {
        let mut clock: Clock = self.svm.get_sysvar();
        clock.unix_timestamp += secs;
        self.svm.set_sysvar(&clock);
    }

    fn operator(&mut self, seed: u8, pool: Pubkey) -> Op {
        let kp = Keypair::new_from_array([seed; 32]);
        self.svm.airdrop(&kp.pubkey(), 10 * ONE).expect("airdrop");
        self.ok(
            &[
                client::register_operator(kp.pubkey(), 1_000, "https://operator.example"),
                client::open_operator_pool(kp.pubkey(), pool),
            ],
            &[&kp],
        );
        let operator = client::operator_pda(&kp.pubkey());
        Op {
            bucket: client::operator_pool_pda(&operator, &pool),
            operator,
            kp,
        }
    }

    /// Adds `n` stakers who each hold [`OTHER_IDLE`] idle and [`OTHER_DELEGATED`] in every
    /// bucket of `buckets`, all at rate 1.00 (principal = LST, one share per LST), by writing
    /// the pool's, the buckets' and the vault's totals.
    fn add_existing_stakers(&mut self, keys: &PoolKeys, buckets: &[Pubkey], n: u64) {
        self.add_holdings(keys, n, n, OTHER_IDLE, buckets);
    }

    /// The same `n` existing stakers (positions already counted) also holding
    /// [`OTHER_DELEGATED`] in each of `buckets`, new and empty, at rate 1.00.
    fn add_bucket_stakers(&mut self, keys: &PoolKeys, buckets: &[Pubkey], n: u64) {
        self.add_holdings(keys, n, 0, 0, buckets);
    }

    /// `n` stakers' holdings ([`OTHER_DELEGATED`] in each of `buckets`, `idle` each), of which
    /// `new_positions` are new positions.
    fn add_holdings(
        &mut self,
        keys: &PoolKeys,
        n: u64,
        new_positions: u64,
        idle: u64,
        buckets: &[Pubkey],
    ) {
        let delegated = OTHER_DELEGATED * buckets.len() as u64;
        let mut pool: Pool = self.read(&keys.pool);
        pool.total_idle_lst += n * idle;
        pool.total_principal += n * (idle + delegated);
        pool.total_bucket_lst += n * delegated;
        pool.total_deposited_lst += n * (idle + delegated);
        pool.position_count += new_positions;
        self.write(&keys.pool, &pool);
        for bucket in buckets {
            let mut b: OperatorPool = self.read(bucket);
            assert_eq!(b.total_shares, 0, "buckets are scaled while empty");
            b.total_shares += n * OTHER_DELEGATED;
            b.total_lst += n * OTHER_DELEGATED;
            b.total_principal += n * OTHER_DELEGATED;
            b.delegation_count += n;
            self.write(bucket, &b);
        }
        self.add_token_amount(&keys.vault, n * (idle + delegated));
    }

    /// The whole flow with `others` existing stakers.
    fn flow(so: &[u8], lender_so: &[u8], others: u64) -> Self {
        let mut r = Self::new(so, lender_so);
        let admin = r.payer.insecure_clone();
        let guardian = Keypair::new_from_array([2; 32]);
        let treasury = Pubkey::new_from_array([3; 32]);
        r.ok(
            &[client::initialize_config(
                admin.pubkey(),
                InitializeConfigArgs {
                    guardian: guardian.pubkey(),
                    treasury,
                    protocol_fee_bps: 1_000,
                    max_commission_bps: 5_000,
                    min_withdrawal_delay_secs: 3 * DAY,
                    slash_veto_secs: 2 * DAY,
                },
            )],
            &[&admin],
        );

        // the pool: a 9-decimal LST priced by an SPL stake pool at 1.00
        let lst_mint = r.mint(10, 9);
        let stake_pool = Pubkey::new_from_array([11; 32]);
        r.set_rate(stake_pool, &lst_mint, RATE_DEN);
        let source = RateSource::SplStakePool { stake_pool };
        let keys = PoolKeys::new(lst_mint, TOKEN_PROGRAM, &source);
        r.ok(
            &[client::add_pool(
                admin.pubkey(),
                &keys,
                AddPoolArgs {
                    rate_source: source,
                    initial_rate: 0,
                    deposit_cap_value: u64::MAX,
                    withdrawal_delay_secs: 7 * DAY,
                    accepted_freeze_authority: None,
                },
            )],
            &[&admin],
        );

        // operator A (no reward streams) and operator B (four streams)
        let op_a = r.operator(20, keys.pool);
        let op_b = r.operator(21, keys.pool);
        let reward_mints: Vec<Pubkey> = (0..4).map(|i| r.mint(30 + i, 6)).collect();
        let streams: Vec<StreamKeys> = reward_mints
            .iter()
            .map(|m| StreamKeys::new(op_b.bucket, *m, TOKEN_PROGRAM))
            .collect();
        for s in &streams {
            let kp = op_b.kp.insecure_clone();
            r.ok(
                &[client::add_reward_mint(
                    kp.pubkey(),
                    op_b.operator,
                    op_b.bucket,
                    s,
                )],
                &[&kp],
            );
        }
        let funder = Keypair::new_from_array([40; 32]);
        let funder_accounts: Vec<Pubkey> = reward_mints
            .iter()
            .map(|m| r.token_account(m, &funder.pubkey(), u64::MAX / 2))
            .collect();

        // a service linked by operator A
        let svc_authority = Keypair::new_from_array([50; 32]);
        let slasher = Keypair::new_from_array([51; 32]);
        r.svm
            .airdrop(&svc_authority.pubkey(), 10 * ONE)
            .expect("airdrop");
        r.svm.airdrop(&slasher.pubkey(), 10 * ONE).expect("airdrop");
        r.ok(
            &[client::register_service(
                svc_authority.pubkey(),
                slasher.pubkey(),
                svc_authority.pubkey(),
                "https://service.example",
            )],
            &[&svc_authority],
        );
        let service = client::service_pda(&svc_authority.pubkey());
        let seized = r.token_account(&lst_mint, &svc_authority.pubkey(), 0);
        let op_a_kp = op_a.kp.insecure_clone();
        r.ok(
            &[client::link_service(op_a_kp.pubkey(), service, 1_000)],
            &[&op_a_kp],
        );

        // the measured user: every PDA it creates has bump 255
        let kp = deterministic_user(&keys, &[op_a.bucket, op_b.bucket]);
        r.svm.airdrop(&kp.pubkey(), 10 * ONE).expect("airdrop");
        let user = User {
            lst: r.token_account(&lst_mint, &kp.pubkey(), 100_000 * ONE),
            rewards: reward_mints
                .iter()
                .map(|m| r.token_account(m, &kp.pubkey(), 0))
                .collect(),
            kp,
        };
        let owner = user.kp.pubkey();
        let position = keys.position(&owner);

        // floor: a bare transfer_checked of the LST in the same runtime
        let other_lst = r.token_account(&lst_mint, &r.payer.pubkey(), 0);
        r.measure(
            "transfer_checked",
            transfer_checked(&user.lst, &lst_mint, &other_lst, &owner, ONE, 9),
            &[&user.kp],
        );

        r.measure(
            "open_position",
            client::open_position(owner, &keys),
            &[&user.kp],
        );
        r.add_existing_stakers(&keys, &[op_a.bucket, op_b.bucket], others);

        // deposits
        let dep = |amount| client::deposit(owner, &keys, user.lst, amount, 0);
        r.measure("deposit_first", dep(1_000 * ONE), &[&user.kp]);
        r.measure("deposit_repeat", dep(1_000 * ONE), &[&user.kp]);

        // delegations: bucket A has no stream, bucket B four
        let metas_b = client::reward_index_metas(&op_b.bucket, &reward_mints);
        let del = |op: &Op, amount, metas: &[AccountMeta]| {
            let mut ix = client::delegate(owner, &keys, op.operator, amount);
            ix.accounts.extend_from_slice(metas);
            ix
        };
        r.measure("delegate_first", del(&op_a, 300 * ONE, &[]), &[&user.kp]);
        r.measure("delegate_repeat", del(&op_a, 100 * ONE, &[]), &[&user.kp]);
        r.measure(
            "delegate_first_4streams",
            del(&op_b, 300 * ONE, &metas_b),
            &[&user.kp],
        );
        r.measure(
            "delegate_repeat_4streams",
            del(&op_b, 100 * ONE, &metas_b),
            &[&user.kp],
        );

        // rewards into B's four streams, and a rate rise to strip
        let fund = |i: usize| {
            client::fund_rewards(
                funder.pubkey(),
                op_b.operator,
                &streams[i],
                funder_accounts[i],
                1_000_000 * 1_000_000,
            )
        };
        r.svm.airdrop(&funder.pubkey(), ONE).expect("airdrop");
        r.measure("fund_rewards", fund(0), &[&funder]);
        for i in 1..4 {
            r.ok(&[fund(i)], &[&funder]);
        }
        r.set_rate(stake_pool, &lst_mint, RATE_DEN / 100 * 101);
        r.measure(
            "harvest",
            client::harvest_accounts(&keys, Some(position), Some(op_b.bucket)),
            &[],
        );

        // claims: 4 streams, then 1 (after more funding), then none; each with base yield
        let claim = |groups: &[usize]| {
            let mut ix = client::claim_delegation(owner, &keys, user.lst, Some(op_b.bucket));
            for &i in groups {
                ix.accounts.extend(streams[i].claim_group(user.rewards[i]));
            }
            ix
        };
        r.measure("claim_4streams", claim(&[0, 1, 2, 3]), &[&user.kp]);
        r.ok(&[fund(0)], &[&funder]);
        r.set_rate(stake_pool, &lst_mint, RATE_DEN / 100 * 102);
        r.measure("claim_1stream", claim(&[0]), &[&user.kp]);
        r.set_rate(stake_pool, &lst_mint, RATE_DEN / 100 * 103);
        r.measure("claim_0streams", claim(&[]), &[&user.kp]);
        r.set_rate(stake_pool, &lst_mint, RATE_DEN / 100 * 104);
        r.measure(
            "claim_idle",
            client::claim(owner, &keys, user.lst),
            &[&user.kp],
        );
        // streamed rewards: each stream funded over 7 days, then claimed a day later
        let fund_over = |i: usize| {
            client::fund_rewards_over(
                funder.pubkey(),
                op_b.operator,
                &streams[i],
                funder_accounts[i],
                1_000_000 * 1_000_000,
                7 * 24 * 60 * 60,
            )
        };
        r.measure("fund_rewards_streaming", fund_over(0), &[&funder]);
        for i in 1..4 {
            r.ok(&[fund_over(i)], &[&funder]);
        }
        r.advance(24 * 60 * 60);
        r.set_rate(stake_pool, &lst_mint, RATE_DEN / 100 * 105);
        // the position view a day further on (new stream releases and base yield to count)
        r.advance(24 * 60 * 60);
        r.set_rate(stake_pool, &lst_mint, RATE_DEN / 100 * 106);
        let view = |ops: &[&Op]| {
            let mut ix = client::get_position_value(owner, &keys);
            for op in ops {
                let mints: &[Pubkey] = if op.bucket == op_b.bucket {
                    &reward_mints
                } else {
                    &[]
                };
                ix.accounts
                    .extend(client::view_delegation_metas(&position, &op.bucket, mints));
            }
            ix
        };
        r.measure("get_position_value_4streams", view(&[&op_b]), &[]);
        r.measure(
            "get_position_value_2delegations",
            view(&[&op_a, &op_b]),
            &[],
        );
        // a lien (SPEC §6) taken and released; the holder's key signs, the payer pays
        let holder = Keypair::new();
        r.measure(
            "set_lien",
            client::set_lien(owner, position, holder.pubkey()),
            &[&user.kp, &holder],
        );
        r.measure(
            "release_lien",
            client::release_lien(holder.pubkey(), position),
            &[&holder],
        );
        r.measure(
            "claim_4streams_streaming",
            claim(&[0, 1, 2, 3]),
            &[&user.kp],
        );
        for (i, acc) in user.rewards.iter().enumerate() {
            let amount = u64::from_le_bytes(
                r.svm.get_account(acc).expect("reward account").data[64..72]
                    .try_into()
                    .expect("amount"),
            );
            assert!(amount > 0, "stream {i} paid nothing");
        }

        // exits: an undelegation (ticket 0) and a withdrawal (ticket 1)
        let shares = r
            .read::<Delegation>(&client::delegation_pda(&position, &op_a.bucket))
            .shares;
        let nonce = r.read::<Position>(&position).ticket_nonce;
        assert_eq!(nonce, 0);
        r.measure(
            "undelegate",
            client::undelegate(owner, &keys, op_a.bucket, 0, shares / 2, None),
            &[&user.kp],
        );
        r.measure(
            "request_withdrawal",
            client::request_withdrawal(owner, &keys, 1, 200 * ONE, None),
            &[&user.kp],
        );
        let undelegation_ticket = client::ticket_pda(&position, 0);
        let withdrawal_ticket = client::ticket_pda(&position, 1);
        r.sizes = vec![
            ("Config", r.data_len(&client::config_pda())),
            ("Pool", r.data_len(&keys.pool)),
            ("Position", r.data_len(&position)),
            (
                "Delegation",
                r.data_len(&client::delegation_pda(&position, &op_a.bucket)),
            ),
            ("WithdrawalTicket", r.data_len(&withdrawal_ticket)),
            ("Operator", r.data_len(&op_a.operator)),
            ("OperatorPool", r.data_len(&op_a.bucket)),
            (
                "UndelegationQueue",
                r.data_len(&client::queue_pda(&op_a.bucket)),
            ),
            ("RewardIndex", r.data_len(&streams[0].reward_index)),
            ("Service", r.data_len(&service)),
            (
                "ServiceLink",
                r.data_len(&client::service_link_pda(&service, &op_a.operator)),
            ),
            ("pool vault (token account)", r.data_len(&keys.vault)),
        ];
        // the types' declared sizes must match what the program created
        for (name, len) in &r.sizes {
            let declared = match *name {
                "Config" => Config::SPACE,
                "Pool" => Pool::SPACE,
                "Position" => Position::SPACE,
                "Delegation" => Delegation::SPACE,
                "WithdrawalTicket" => WithdrawalTicket::SPACE,
                "Operator" => Operator::SPACE,
                "OperatorPool" => OperatorPool::SPACE,
                "UndelegationQueue" => UndelegationQueue::SPACE,
                "RewardIndex" => RewardIndex::SPACE,
                "Service" => Service::SPACE,
                "ServiceLink" => ServiceLink::SPACE,
                _ => *len,
            };
            assert_eq!(
                *len, declared,
                "{name}: created {len} bytes, declared {declared}"
            );
        }

        r.advance(7 * DAY + 1);
        r.measure(
            "complete_withdrawal",
            client::complete_withdrawal(owner, &keys, withdrawal_ticket, user.lst),
            &[&user.kp],
        );
        r.measure(
            "complete_undelegation",
            client::complete_ticket(
                owner,
                &keys,
                undelegation_ticket,
                user.lst,
                Some(op_a.bucket),
            ),
            &[&user.kp],
        );

        // a slash of bucket A: request, veto window, execute
        let slash_nonce = r.read::<OperatorPool>(&op_a.bucket).slash_nonce;
        r.measure(
            "request_slash",
            client::request_slash(
                slasher.pubkey(),
                service,
                op_a.operator,
                op_a.bucket,
                slash_nonce,
                500,
                [7; 32],
            ),
            &[&slasher],
        );
        let request = client::slash_request_pda(&op_a.bucket, &service, slash_nonce);
        let len = r.data_len(&request);
        assert_eq!(len, SlashRequest::SPACE);
        r.sizes.push(("SlashRequest", len));
        r.advance(2 * DAY + 1);
        r.measure(
            "execute_slash",
            client::execute_slash(&keys, op_a.bucket, request, service, seized),
            &[],
        );

        // settle_undelegation: a third party settles the user's matured Undelegate ticket
        // (half of what is left in bucket A, ticket 2); the rent goes back to the owner
        let shares = r
            .read::<Delegation>(&client::delegation_pda(&position, &op_a.bucket))
            .shares;
        let nonce = r.read::<Position>(&position).ticket_nonce;
        r.ok(
            &[client::undelegate(
                owner,
                &keys,
                op_a.bucket,
                nonce,
                shares / 2,
                None,
            )],
            &[&user.kp],
        );
        r.advance(7 * DAY + 1);
        let ticket = client::ticket_pda(&position, nonce);
        let cranker = Keypair::new_from_array([52; 32]);
        r.measure(
            "settle_undelegation",
            client::settle_undelegation(cranker.pubkey(), owner, owner, &keys, ticket, op_a.bucket),
            &[&cranker],
        );
        assert!(r.svm.get_account(&ticket).is_none_or(|a| a.lamports == 0));

        let world = World {
            keys,
            lst_mint,
            stake_pool,
            reward_mints,
            funder,
            funder_accounts,
        };
        r.lender_and_max_view(&world, others);
        r
    }

    /// The reference lender's `borrow` (1 delegation, 1 stream) and the view at its limit,
    /// directly and through the lender's `borrow`; every new bucket also holds the `others`
    /// existing stakers.
    fn lender_and_max_view(&mut self, w: &World, others: u64) {
        // a market lending a 9-decimal loan token against the pool, with 1,000 to lend
        let admin = Keypair::new_from_array([60; 32]);
        self.svm
            .airdrop(&admin.pubkey(), 10 * ONE)
            .expect("airdrop");
        let loan_mint = self.mint(61, 9);
        let m = lender::MarketKeys::new(&admin.pubkey(), w.keys, loan_mint, TOKEN_PROGRAM);
        self.ok(
            &[m.init_market(admin.pubkey(), lender::MARKET_ARGS)],
            &[&admin],
        );
        let admin_account =
            self.token_account_at(62, &loan_mint, &admin.pubkey(), LENDER_LIQUIDITY);
        self.ok(
            &[m.fund_liquidity(admin.pubkey(), admin_account, LENDER_LIQUIDITY)],
            &[&admin],
        );

        // as tests/tests/lender.rs `borrow_compute_units`: operator C with one stream; the
        // borrower deposits 100 LST, delegates 60 to C, opens a loan and borrows 10
        let op_c = self.operator(22, w.keys.pool);
        self.add_bucket_stakers(&w.keys, &[op_c.bucket], others);
        let one_stream = &w.reward_mints[..1];
        self.add_streams(&op_c, one_stream);
        let borrower = self.staker(63, w, 100 * ONE, &[(&op_c, 60 * ONE)], one_stream);
        self.ok(&[m.open_loan(borrower.pubkey())], &[&borrower]);
        let to = self.token_account_at(64, &loan_mint, &borrower.pubkey(), 0);
        let position = w.keys.position(&borrower.pubkey());
        let groups = client::view_delegation_metas(&position, &op_c.bucket, one_stream);
        self.measure(
            "lender_borrow",
            m.borrow(borrower.pubkey(), to, 10 * ONE, &groups),
            &[&borrower],
        );

        // the view's limit: MAX_VIEW_DELEGATIONS delegations, each bucket with MAX_REWARD_MINTS
        // funded streams, base yield pending, and the lender's lien (the answer's largest form)
        let ops: Vec<Op> = (0..MAX_VIEW_DELEGATIONS as u8)
            .map(|i| self.operator(70 + i, w.keys.pool))
            .collect();
        let buckets: Vec<Pubkey> = ops.iter().map(|op| op.bucket).collect();
        self.add_bucket_stakers(&w.keys, &buckets, others);
        for op in &ops {
            self.add_streams(op, &w.reward_mints);
        }
        let delegations: Vec<(&Op, u64)> = ops.iter().map(|op| (op, 100 * ONE)).collect();
        let staker = self.staker(65, w, 1_000 * ONE, &delegations, &w.reward_mints);
        self.svm.airdrop(&w.funder.pubkey(), ONE).expect("airdrop");
        for op in &ops {
            for (mint, from) in w.reward_mints.iter().zip(&w.funder_accounts) {
                let stream = StreamKeys::new(op.bucket, *mint, TOKEN_PROGRAM);
                self.ok(
                    &[client::fund_rewards(
                        w.funder.pubkey(),
                        op.operator,
                        &stream,
                        *from,
                        1_000_000 * 1_000_000,
                    )],
                    &[&w.funder],
                );
            }
        }
        self.set_rate(w.stake_pool, &w.lst_mint, RATE_DEN / 100 * 107);
        self.advance(DAY);
        self.ok(&[m.open_loan(staker.pubkey())], &[&staker]);

        let position = w.keys.position(&staker.pubkey());
        let groups: Vec<AccountMeta> = buckets
            .iter()
            .flat_map(|b| client::view_delegation_metas(&position, b, &w.reward_mints))
            .collect();
        let mut view = client::get_position_value(staker.pubkey(), &w.keys);
        view.accounts.extend_from_slice(&groups);
        let to = self.token_account_at(66, &loan_mint, &staker.pubkey(), 0);
        let borrow = m.borrow(staker.pubkey(), to, 10 * ONE, &groups);
        // every account of both but the signers, in one lookup table
        let mut addresses: Vec<Pubkey> = Vec::new();
        for meta in view.accounts.iter().chain(&borrow.accounts) {
            if !meta.is_signer && !addresses.contains(&meta.pubkey) {
                addresses.push(meta.pubkey);
            }
        }
        let table = self.lookup_table(Pubkey::new_from_array([67; 32]), addresses);

        self.measure_in("get_position_value_8delegations", view, &[], Some(&table));
        let answer = client::decode_position_value(&self.last_return).expect("view answer");
        assert_eq!(answer.delegations.len(), MAX_VIEW_DELEGATIONS);
        assert_eq!(answer.lien_holder, Some(m.authority));
        for d in &answer.delegations {
            assert_eq!(d.rewards.len(), MAX_REWARD_MINTS);
            assert!(d.rewards.iter().all(|&x| x > 0) && d.base_yield > 0);
        }
        self.measure_in(
            "lender_borrow_8delegations",
            borrow,
            &[&staker],
            Some(&table),
        );
    }

    /// Adds a stream of each of `mints` to `op`'s bucket.
    fn add_streams(&mut self, op: &Op, mints: &[Pubkey]) {
        for mint in mints {
            let stream = StreamKeys::new(op.bucket, *mint, TOKEN_PROGRAM);
            self.ok(
                &[client::add_reward_mint(
                    op.kp.pubkey(),
                    op.operator,
                    op.bucket,
                    &stream,
                )],
                &[&op.kp],
            );
        }
    }

    /// A new staker (keypair from `seed`) who deposits `deposit` and makes `delegations`, each
    /// bucket with streams of `mints`.
    fn staker(
        &mut self,
        seed: u8,
        w: &World,
        deposit: u64,
        delegations: &[(&Op, u64)],
        mints: &[Pubkey],
    ) -> Keypair {
        let kp = Keypair::new_from_array([seed; 32]);
        let owner = kp.pubkey();
        self.svm.airdrop(&owner, 10 * ONE).expect("airdrop");
        let lst = self.token_account_at(seed, &w.lst_mint, &owner, deposit);
        self.ok(
            &[
                client::open_position(owner, &w.keys),
                client::deposit(owner, &w.keys, lst, deposit, 0),
            ],
            &[&kp],
        );
        for (op, amount) in delegations {
            let mut ix = client::delegate(owner, &w.keys, op.operator, *amount);
            ix.accounts
                .extend(client::reward_index_metas(&op.bucket, mints));
            self.ok(&[ix], &[&kp]);
        }
        kp
    }

    /// A token account at a fixed address (`[seed; 32]`).
    fn token_account_at(&mut self, seed: u8, mint: &Pubkey, owner: &Pubkey, amount: u64) -> Pubkey {
        let key = Pubkey::new_from_array([seed; 32]);
        self.set(key, TOKEN_PROGRAM, token_account_data(mint, owner, amount));
        key
    }

    /// An address lookup table at `key` holding `addresses`, all usable now: the program's
    /// account layout (56-byte header: state 1 = table, no deactivation, no authority) written
    /// directly.
    fn lookup_table(&mut self, key: Pubkey, addresses: Vec<Pubkey>) -> AddressLookupTableAccount {
        let mut data = vec![0u8; 56];
        data[0..4].copy_from_slice(&1u32.to_le_bytes());
        data[4..12].copy_from_slice(&u64::MAX.to_le_bytes());
        // last extended at slot 0, from index `len`: every address is active at any slot
        data[20] = u8::try_from(addresses.len()).expect("at most 255 addresses");
        for a in &addresses {
            data.extend_from_slice(a.as_ref());
        }
        self.set(key, LOOKUP_TABLE_PROGRAM, data);
        AddressLookupTableAccount { key, addresses }
    }
}

/// A v0 transaction: its accounts, how many of them came from the lookup table, its size.
#[derive(Clone, Copy)]
struct V0Shape {
    accounts: usize,
    looked_up: usize,
    bytes: usize,
}

/// What the scenarios after the flow share with it.
struct World {
    keys: PoolKeys,
    lst_mint: Pubkey,
    stake_pool: Pubkey,
    reward_mints: Vec<Pubkey>,
    funder: Keypair,
    funder_accounts: Vec<Pubkey>,
}

/// The CU of `program`'s top-level invocation, from the runtime's log lines.
fn top_level_cu(logs: &[String], program: &Pubkey) -> Option<u64> {
    let prefix = format!("Program {program} consumed ");
    let mut depth = 0usize;
    let mut found = None;
    for line in logs {
        if let Some(rest) = line.strip_prefix("Program ") {
            if let Some(k) = rest.rfind(" invoke [") {
                depth = rest[k + 9..].trim_end_matches(']').parse().unwrap_or(depth);
                continue;
            }
            if line.starts_with(&prefix) && depth == 1 {
                found = line[prefix.len()..]
                    .split(' ')
                    .next()
                    .and_then(|n| n.parse().ok());
            }
            if rest.ends_with(" success") || rest.contains(" failed") {
                depth = depth.saturating_sub(1);
            }
        }
    }
    found
}

/// A user whose position, delegations to `buckets` and tickets 0 and 1 all have bump 255:
/// each try of a bump search costs ~1.5k CU, so a fixed user gives fixed figures.
fn deterministic_user(keys: &PoolKeys, buckets: &[Pubkey]) -> Keypair {
    let bump = |seeds: &[&[u8]]| Pubkey::find_program_address(seeds, &restaking::ID).1;
    for i in 0u32.. {
        let mut seed = [0x5a; 32];
        seed[..4].copy_from_slice(&i.to_le_bytes());
        let kp = Keypair::new_from_array(seed);
        let owner = kp.pubkey();
        let position = keys.position(&owner);
        if bump(&[Position::SEED, keys.pool.as_ref(), owner.as_ref()]) != 255 {
            continue;
        }
        let delegations_ok = buckets
            .iter()
            .all(|b| bump(&[Delegation::SEED, position.as_ref(), b.as_ref()]) == 255);
        let tickets_ok = (0u64..2)
            .all(|n| bump(&[WithdrawalTicket::SEED, position.as_ref(), &n.to_le_bytes()]) == 255);
        if delegations_ok && tickets_ok {
            return kp;
        }
    }
    unreachable!()
}

fn transfer_checked(
    from: &Pubkey,
    mint: &Pubkey,
    to: &Pubkey,
    authority: &Pubkey,
    amount: u64,
    decimals: u8,
) -> Instruction {
    let mut data = vec![12u8];
    data.extend_from_slice(&amount.to_le_bytes());
    data.push(decimals);
    Instruction {
        program_id: TOKEN_PROGRAM,
        accounts: vec![
            AccountMeta::new(*from, false),
            AccountMeta::new_readonly(*mint, false),
            AccountMeta::new(*to, false),
            AccountMeta::new_readonly(*authority, true),
        ],
        data,
    }
}

/// An initialised SPL mint (82 bytes) with no mint authority and a large supply.
fn mint_data(decimals: u8) -> Vec<u8> {
    let mut d = vec![0u8; 82];
    d[36..44].copy_from_slice(&(u64::MAX / 2).to_le_bytes());
    d[44] = decimals;
    d[45] = 1;
    d
}

/// An initialised SPL token account (165 bytes).
fn token_account_data(mint: &Pubkey, owner: &Pubkey, amount: u64) -> Vec<u8> {
    let mut d = vec![0u8; 165];
    d[0..32].copy_from_slice(mint.as_ref());
    d[32..64].copy_from_slice(owner.as_ref());
    d[64..72].copy_from_slice(&amount.to_le_bytes());
    d[108] = 1;
    d
}
