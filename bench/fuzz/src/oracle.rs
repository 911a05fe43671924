//! Runs the steps of a sequence and judges every transaction.
//!
//! Every transaction, failed or not:
//! - no panic (`ProgramFailedToComplete`, "panicked" in the logs) and fewer compute units than
//!   the per-instruction budget ([`CU_BUDGET`]);
//! - failed: not one of its accounts changed (lamports, data, owner);
//! - a mutation that must fail did.
//!
//! Every successful transaction:
//! - lamports: the accounts of the transaction hold exactly what they held less the fee;
//! - tokens: every token account of the transaction moved by exactly what the model predicts
//!   (a deposit's amount, a ticket's LST, the fees and commissions owed, what the pool and the
//!   reward indexes record as paid, what a slash request records as seized), net of the
//!   Token-2022 transfer fee; a ledger of every token account the harness knows follows it;
//! - authority: a position, delegation or ticket changed only with its owner's signature (or a
//!   permissionless harvest, which only strips), a token account was debited only by its owner
//!   or by a program vault in an instruction that pays out, the config only by its admin
//!   (guardian: pause; pending admin: accept), an operator only by its authority;
//! - a claim pays exactly what the position view simulated just before said it would;
//! - every position holds, in LST, what was deposited minus what was withdrawn and claimed
//!   (base yield), minus what slashes took: an untouched position's holdings do not move by a
//!   base unit, a touched one's by at most the documented rounding (in the protocol's favour)
//!   or its share of a slash;
//! - the SPEC §5 invariants over every account of the program ([`invariants`]).
use crate::chain::Chain;
use crate::gen::{Amount, Case, Fault, Kind, Step};
use crate::world::{signers, token_amount_of, Source, World, FAKE_PROGRAM, STAKE_POOL_SUPPLY};
use anchor_lang::prelude::Pubkey;
use anchor_lang::AccountDeserialize;
use restaking::math::{accrued, assets_for_shares, cohort_key, BASE_ACC_SCALE};
use restaking::state::{
    Config, Delegation, Operator, Position, SlashStatus, TicketKind, WithdrawalTicket,
    REWARD_ACC_SCALE,
};
use solana_account::Account;
use std::collections::{BTreeMap, BTreeSet};

/// Compute units one instruction may use (Solana's default per-instruction limit).
pub const CU_BUDGET: u64 = 200_000;

/// Figures of a run.
#[derive(Default, Debug)]
pub struct Stats {
    pub sequences: u64,
    pub steps: u64,
    pub instructions: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub mutated: u64,
    pub must_fail: u64,
    pub views_checked: u64,
    pub warps: u64,
    pub rate_moves: u64,
    pub faults: u64,
    /// Failures by error name.
    pub errors: BTreeMap<String, u64>,
    /// Failures by instruction and error name.
    pub kind_errors: BTreeMap<(&'static str, String), u64>,
    /// Per instruction: (succeeded, failed).
    pub kinds: BTreeMap<&'static str, (u64, u64)>,
    /// The most compute units one instruction used, and which.
    pub max_cu: (u64, &'static str),
    /// The largest rounding drift of a position in one step, in LST base units (gain, loss).
    pub max_drift: (i128, i128),
}

/// What the model remembers between steps.
#[derive(Clone, Default)]
pub struct Model {
    /// Per position: LST it holds in the program, as last computed.
    pub holdings: BTreeMap<Pubkey, u64>,
    /// Expected balance of every token account the harness knows.
    pub ledger: BTreeMap<Pubkey, u64>,
}

/// One sequence in progress.
pub struct Runner<'s> {
    pub world: World,
    pub chain: Chain,
    pub model: Model,
    pub stats: &'s mut Stats,
    /// Log of the last failed transaction (for reports).
    pub last_logs: Vec<String>,
}

type Check = Result<(), String>;

macro_rules! ensure {
    ($cond:expr, $($arg:tt)*) => {
        if !$cond {
            return Err(format!($($arg)*));
        }
    };
}

/// Per position, the LST it holds: idle, unclaimed yield, its delegations' shares (and their
/// settled and pending base yield) and its open tickets.
pub fn holdings(c: &Chain) -> Result<BTreeMap<Pubkey, u64>, String> {
    let mut h: BTreeMap<Pubkey, u128> = BTreeMap::new();
    for (k, p) in &c.positions {
        *h.entry(*k).or_default() += u128::from(p.idle_lst) + u128::from(p.unclaimed_yield);
    }
    for (k, d) in &c.delegations {
        let b = c
            .buckets
            .get(&d.operator_pool)
            .ok_or(format!("delegation {k} of a missing bucket"))?;
        let lst = assets_for_shares(d.shares, b.total_shares, b.total_lst).map_err(|e| {
            format!(
                "delegation {k}: shares {} of {}: {e}",
                d.shares, b.total_shares
            )
        })?;
        let delta = b
            .base_acc_per_share
            .checked_sub(d.base_acc_checkpoint)
            .ok_or(format!(
                "delegation {k}: checkpoint ahead of the bucket's index"
            ))?;
        let pending = accrued(d.shares, delta, BASE_ACC_SCALE).map_err(|e| e.to_string())?;
        *h.entry(d.position).or_default() +=
            u128::from(lst) + u128::from(d.unclaimed_base_yield) + u128::from(pending);
    }
    for (k, t) in &c.tickets {
        let lst = match t.kind {
            TicketKind::Withdraw => t.lst,
            TicketKind::Undelegate => c
                .queue_of(&t.operator_pool)
                .ok_or(format!("ticket {k}: no queue"))?
                .lst_of(t.cohort, t.shares)
                .map_err(|e| e.to_string())?,
        };
        *h.entry(t.position).or_default() += u128::from(lst);
    }
    h.into_iter()
        .map(|(k, v)| u64::try_from(v).map(|v| (k, v)).map_err(|e| e.to_string()))
        .collect()
}

/// LST of `position` in bucket `bucket` (active shares and queued tickets).
fn holding_in(c: &Chain, position: &Pubkey, bucket: &Pubkey) -> u64 {
    let mut sum = 0u64;
    for d in c.delegations.values() {
        if d.position == *position && d.operator_pool == *bucket {
            if let Some(b) = c.buckets.get(bucket) {
                sum += assets_for_shares(d.shares, b.total_shares, b.total_lst).unwrap_or(0);
            }
        }
    }
    for t in c.tickets.values() {
        if t.position == *position && t.kind == TicketKind::Undelegate && t.operator_pool == *bucket
        {
            if let Some(q) = c.queue_of(bucket) {
                sum += q.lst_of(t.cohort, t.shares).unwrap_or(0);
            }
        }
    }
    sum
}

/// Every SPEC §5 invariant (and the program's own bookkeeping identities) over every account
/// of the program.
pub fn invariants(w: &World, c: &Chain) -> Check {
    ensure!(
        c.unknown.is_empty(),
        "undecodable program accounts: {:?}",
        c.unknown
    );
    // account sizes and rent
    for (k, raw) in &c.raw {
        let space = match raw.kind {
            "Config" => Config::SPACE,
            "Pool" => restaking::state::Pool::SPACE,
            "Position" => Position::SPACE,
            "Delegation" => Delegation::SPACE,
            "WithdrawalTicket" => WithdrawalTicket::SPACE,
            "OperatorPool" => restaking::state::OperatorPool::SPACE,
            "UndelegationQueue" => restaking::state::UndelegationQueue::SPACE,
            "RewardIndex" => restaking::state::RewardIndex::SPACE,
            "Operator" => Operator::SPACE,
            "Service" => restaking::state::Service::SPACE,
            "ServiceLink" => restaking::state::ServiceLink::SPACE,
            "SlashRequest" => restaking::state::SlashRequest::SPACE,
            _ => raw.len,
        };
        ensure!(
            raw.len == space,
            "{} {k}: {} bytes, declared {space}",
            raw.kind,
            raw.len
        );
        let rent = w.svm.minimum_balance_for_rent_exemption(raw.len);
        ensure!(
            raw.lamports >= rent,
            "{} {k}: {} lamports < rent {rent}",
            raw.kind,
            raw.lamports
        );
    }

    for (pk, pool) in &c.pools {
        let mut idle = 0u64;
        let mut unclaimed = 0u64;
        let mut ticket_lst = 0u64;
        let mut principal = 0u128;
        let mut count = 0u64;
        for (k, p) in c.positions_of(pk) {
            idle += p.idle_lst;
            unclaimed += p.unclaimed_yield;
            principal += u128::from(p.idle_principal);
            count += 1;
            let tickets: Vec<_> = c.tickets_of(k).collect();
            ensure!(
                usize::from(p.open_tickets) == tickets.len(),
                "position {k}: open_tickets {} but {} tickets",
                p.open_tickets,
                tickets.len()
            );
            let delegations = c.delegations_of(k).count();
            ensure!(
                usize::from(p.open_delegations) == delegations,
                "position {k}: open_delegations {} but {delegations} delegations",
                p.open_delegations
            );
            for (tk, t) in tickets {
                ensure!(
                    t.nonce < p.ticket_nonce,
                    "ticket {tk}: nonce {} ≥ position's {}",
                    t.nonce,
                    p.ticket_nonce
                );
                match t.kind {
                    TicketKind::Withdraw => {
                        ticket_lst += t.lst;
                        principal += u128::from(t.principal);
                    }
                    TicketKind::Undelegate => {
                        ensure!(
                            cohort_key(t.unlock_ts).ok() == Some(t.cohort),
                            "ticket {tk}: cohort {} of unlock {}",
                            t.cohort,
                            t.unlock_ts
                        );
                        ensure!(
                            c.delegations_of(k)
                                .any(|(_, d)| d.operator_pool == t.operator_pool),
                            "undelegate ticket {tk} without its delegation"
                        );
                    }
                }
            }
        }
        let mut bucket_lst = 0u64;
        let mut queued = 0u64;
        for (bk, b) in c.buckets_of(pk) {
            bucket_lst += b.total_lst;
            queued += b.queued_lst;
            unclaimed += b.unclaimed_base_yield;
            principal += u128::from(b.total_principal) + u128::from(b.queued_principal);
            // Σ delegation shares = bucket shares (invariant 3), and the bucket's yield covers
            // what its delegations are owed
            let mut shares = 0u64;
            let mut owed_yield = 0u128;
            let mut n = 0u64;
            for d in c.delegations.values().filter(|d| d.operator_pool == *bk) {
                shares += d.shares;
                n += 1;
                let pending = accrued(
                    d.shares,
                    b.base_acc_per_share.saturating_sub(d.base_acc_checkpoint),
                    BASE_ACC_SCALE,
                )
                .map_err(|e| e.to_string())?;
                owed_yield += u128::from(d.unclaimed_base_yield) + u128::from(pending);
            }
            ensure!(
                shares == b.total_shares,
                "bucket {bk}: Σ delegation shares {shares} ≠ {}",
                b.total_shares
            );
            ensure!(
                n == b.delegation_count,
                "bucket {bk}: {n} delegations, count {}",
                b.delegation_count
            );
            ensure!(
                owed_yield <= u128::from(b.unclaimed_base_yield),
                "bucket {bk}: delegations are owed {owed_yield} base yield > {}",
                b.unclaimed_base_yield
            );
            ensure!(
                b.total_shares > 0 || b.total_lst == 0,
                "bucket {bk}: no shares but {} LST",
                b.total_lst
            );
            // the queue's cohorts sum to the bucket's queue totals, and each cohort's shares to
            // its tickets' shares
            let q = c
                .queue_of(bk)
                .ok_or(format!("bucket {bk} without a queue"))?;
            let (mut ql, mut qp, mut qs) = (0u64, 0u64, 0u64);
            for co in q.cohorts.iter() {
                ql += co.lst;
                qp += co.principal;
                qs += co.shares;
            }
            ensure!(
                (ql, qp, qs) == (b.queued_lst, b.queued_principal, b.queued_shares),
                "bucket {bk}: queue sums (lst, principal, shares) {:?} ≠ bucket {:?}",
                (ql, qp, qs),
                (b.queued_lst, b.queued_principal, b.queued_shares)
            );
            let mut cohort_shares: BTreeMap<u32, u64> = BTreeMap::new();
            let mut undelegations: BTreeMap<Pubkey, u16> = BTreeMap::new();
            for t in c
                .tickets
                .values()
                .filter(|t| t.kind == TicketKind::Undelegate && t.operator_pool == *bk)
            {
                *cohort_shares.entry(t.cohort).or_default() += t.shares;
                let d = c.delegation_keys.get(&(t.position, *bk)).ok_or(format!(
                    "undelegate ticket of {} without its delegation",
                    t.position
                ))?;
                *undelegations.entry(*d).or_default() += 1;
            }
            for co in q
                .cohorts
                .iter()
                .filter(|co| co.shares > 0 || cohort_shares.contains_key(&co.key))
            {
                let tickets = cohort_shares.get(&co.key).copied().unwrap_or(0);
                ensure!(
                    tickets == co.shares,
                    "bucket {bk} cohort {}: tickets hold {tickets} shares, cohort {}",
                    co.key,
                    co.shares
                );
            }
            for (dk, d) in c.delegations.iter().filter(|(_, d)| d.operator_pool == *bk) {
                let n = undelegations.get(dk).copied().unwrap_or(0);
                ensure!(
                    n == d.open_undelegations,
                    "delegation {dk}: open_undelegations {} but {n} tickets",
                    d.open_undelegations
                );
            }
            // reward streams: slot order and what the vault owes (invariant 4)
            for (slot, mint) in b.reward_mints[..usize::from(b.reward_mint_count)]
                .iter()
                .enumerate()
            {
                let ik = c
                    .index_keys
                    .get(&(*bk, *mint))
                    .ok_or(format!("bucket {bk}: stream {slot} missing"))?;
                let ix = &c.indexes[ik];
                ensure!(
                    usize::from(ix.slot) == slot,
                    "stream {ik}: slot {} ≠ {slot}",
                    ix.slot
                );
                let vault = w
                    .token_amount(&ix.reward_vault)
                    .ok_or(format!("stream {ik}: no vault"))?;
                let obligations = ix.obligations().map_err(|e| e.to_string())?;
                ensure!(
                    vault >= obligations,
                    "reward vault of {ik}: {vault} < obligations {obligations}"
                );
                ensure!(
                    ix.total_paid <= ix.total_net,
                    "stream {ik}: paid {} > net {}",
                    ix.total_paid,
                    ix.total_net
                );
                let mut owed = 0u128;
                for d in c.delegations.values().filter(|d| d.operator_pool == *bk) {
                    let pending = accrued(
                        d.shares,
                        ix.acc_per_share.saturating_sub(d.reward_checkpoints[slot]),
                        REWARD_ACC_SCALE,
                    )
                    .map_err(|e| e.to_string())?;
                    owed += u128::from(d.reward_owed[slot]) + u128::from(pending);
                }
                let promised = u128::from(ix.total_net - ix.total_paid) * REWARD_ACC_SCALE;
                let promised = promised
                    .checked_sub(ix.carry_scaled + ix.streaming_scaled)
                    .ok_or(format!(
                        "stream {ik}: carry + streaming exceed what is unpaid"
                    ))?;
                ensure!(
                    owed * REWARD_ACC_SCALE <= promised,
                    "stream {ik}: delegations are owed {owed} > what the index can pay"
                );
            }
        }
        ensure!(
            pool.total_idle_lst == idle,
            "pool {pk}: total_idle_lst {} ≠ Σ idle {idle}",
            pool.total_idle_lst
        );
        ensure!(
            pool.total_ticket_lst == ticket_lst,
            "pool {pk}: total_ticket_lst {} ≠ Σ tickets {ticket_lst}",
            pool.total_ticket_lst
        );
        ensure!(
            pool.total_bucket_lst == bucket_lst,
            "pool {pk}: total_bucket_lst {} ≠ Σ buckets {bucket_lst}",
            pool.total_bucket_lst
        );
        ensure!(
            pool.total_queued_lst == queued,
            "pool {pk}: total_queued_lst {} ≠ Σ queues {queued}",
            pool.total_queued_lst
        );
        ensure!(
            pool.total_unclaimed_yield == unclaimed,
            "pool {pk}: total_unclaimed_yield {} ≠ Σ positions and buckets {unclaimed}",
            pool.total_unclaimed_yield
        );
        ensure!(
            u128::from(pool.total_principal) == principal,
            "pool {pk}: total_principal {} ≠ Σ principal {principal}",
            pool.total_principal
        );
        ensure!(
            pool.position_count == count,
            "pool {pk}: position_count {} ≠ {count}",
            pool.position_count
        );
        // invariant 1: the vault covers every obligation
        let vault = w
            .token_amount(&pool.vault)
            .ok_or(format!("pool {pk}: no vault"))?;
        let obligations = pool.obligations().map_err(|e| e.to_string())?;
        ensure!(
            vault >= obligations,
            "pool {pk}: vault {vault} < obligations {obligations}"
        );
        ensure!(
            pool.rate > 0 && pool.rate <= u128::from(u64::MAX),
            "pool {pk}: rate {}",
            pool.rate
        );
    }
    for (k, l) in &c.links {
        ensure!(c.services.contains_key(&l.service), "link {k}: no service");
        ensure!(
            c.operators.contains_key(&l.operator),
            "link {k}: no operator"
        );
    }
    for (k, r) in &c.requests {
        ensure!(
            c.buckets.contains_key(&r.operator_pool),
            "request {k}: no bucket"
        );
        if r.status != SlashStatus::Executed {
            ensure!(
                r.seized_active_lst == 0 && r.seized_queued_lst == 0,
                "request {k} not executed but seized"
            );
        }
    }
    Ok(())
}

fn decode<T: AccountDeserialize>(acc: &Option<Account>) -> Option<T> {
    let acc = acc.as_ref()?;
    if acc.owner != restaking::ID {
        return None;
    }
    T::try_deserialize(&mut acc.data.as_slice()).ok()
}

fn same(a: &Option<Account>, b: &Option<Account>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.lamports == b.lamports && a.owner == b.owner && a.data == b.data,
        // an account with no lamports is no account
        (Some(a), None) | (None, Some(a)) => a.lamports == 0 && a.data.is_empty(),
    }
}

/// The name of a failure: the program's error (Anchor's "Error Code: X" log line), else the
/// runtime's error, labelled with the program that failed.
pub fn error_name(err: &str, logs: &[String]) -> String {
    for l in logs.iter().rev() {
        if let Some(i) = l.find("Error Code: ") {
            let rest = &l[i + 12..];
            return rest.split('.').next().unwrap_or(rest).to_string();
        }
    }
    let who = logs
        .iter()
        .find(|l| l.contains(" failed: "))
        .map(|l| {
            if l.contains("Tokenkeg") {
                "spl-token: "
            } else if l.contains("TokenzQd") {
                "token-2022: "
            } else if l.contains("11111111111111111111111111111111 ") {
                "system: "
            } else {
                ""
            }
        })
        .unwrap_or("");
    let e = match err
        .strip_prefix("InstructionError(1, ")
        .or_else(|| err.strip_prefix("InstructionError(0, "))
    {
        Some(inner) => inner.strip_suffix(')').unwrap_or(inner),
        None => err,
    };
    format!("{who}{e}")
}

impl Runner<'_> {
    pub fn apply(&mut self, step: &Step) -> Check {
        self.stats.steps += 1;
        match step {
            Step::Tx(case) => self.run_case(case),
            Step::Warp { secs, refresh } => {
                self.stats.warps += 1;
                self.warp(*secs, *refresh);
                Ok(())
            }
            Step::Rate { pool, bps } => {
                self.stats.rate_moves += 1;
                let epoch = self
                    .world
                    .svm
                    .get_sysvar::<anchor_lang::prelude::Clock>()
                    .epoch;
                let spec = &mut self.world.pools[*pool];
                let scale = |v: u64| -> u64 {
                    let v = i128::from(v) + i128::from(v) * i128::from(*bps) / 10_000;
                    v.clamp(
                        i128::from(STAKE_POOL_SUPPLY / 3),
                        i128::from(STAKE_POOL_SUPPLY) * 5,
                    ) as u64
                };
                match &mut spec.source {
                    Source::StakePool {
                        lamports, epoch: e, ..
                    } => {
                        *lamports = scale(*lamports);
                        *e = epoch;
                    }
                    Source::Marinade { price, .. } => {
                        let v = i128::from(*price) + i128::from(*price) * i128::from(*bps) / 10_000;
                        *price = v.clamp(1 << 31, 5 << 32) as u64;
                    }
                    Source::Manual => {}
                }
                self.world.write_source(*pool);
                Ok(())
            }
            Step::SourceFault { pool, fault } => {
                self.stats.faults += 1;
                let spec = self.world.pools[*pool].clone();
                let (account, owner) = match spec.source {
                    Source::StakePool { account, .. } => {
                        (account, restaking::constants::SPL_STAKE_POOL_PROGRAM_ID)
                    }
                    Source::Marinade { account, .. } => {
                        (account, restaking::constants::MARINADE_PROGRAM_ID)
                    }
                    Source::Manual => return Ok(()),
                };
                let data = self
                    .world
                    .svm
                    .get_account(&account)
                    .map(|a| a.data)
                    .unwrap_or_default();
                match fault {
                    Fault::StaleEpoch => {
                        if let Source::StakePool {
                            lamports, epoch, ..
                        } = spec.source
                        {
                            let data = restaking::rate_source::fixtures::stake_pool_account_data(
                                &spec.mint.key,
                                lamports,
                                STAKE_POOL_SUPPLY,
                                epoch.saturating_sub(1),
                            );
                            self.world.set_raw(account, owner, data);
                        }
                    }
                    Fault::Zero => {
                        let data = match spec.source {
                            Source::StakePool { epoch, .. } => {
                                restaking::rate_source::fixtures::stake_pool_account_data(
                                    &spec.mint.key,
                                    0,
                                    STAKE_POOL_SUPPLY,
                                    epoch,
                                )
                            }
                            _ => restaking::rate_source::fixtures::marinade_state_account_data(
                                &spec.mint.key,
                                0,
                            ),
                        };
                        self.world.set_raw(account, owner, data);
                    }
                    Fault::Truncated => {
                        let len = data.len().min(100);
                        self.world.set_raw(account, owner, data[..len].to_vec());
                    }
                    Fault::WrongOwner => self.world.set_raw(account, FAKE_PROGRAM, data),
                }
                Ok(())
            }
        }
    }

    fn warp(&mut self, secs: i64, refresh: bool) {
        self.world.warp(secs);
        if refresh {
            let epoch = self
                .world
                .svm
                .get_sysvar::<anchor_lang::prelude::Clock>()
                .epoch;
            for i in 0..self.world.pools.len() {
                if let Source::StakePool { epoch: e, .. } = &mut self.world.pools[i].source {
                    *e = epoch;
                    self.world.write_source(i);
                }
            }
        }
    }

    fn run_case(&mut self, case: &Case) -> Check {
        if let Some(t) = case.warp_to {
            let now = self.world.now();
            if t > now {
                self.warp(t - now, true);
            }
        }
        for (addr, from) in &case.forged {
            let mut acc = self.world.svm.get_account(from).unwrap_or(Account {
                lamports: 0,
                data: vec![0; 200],
                owner: FAKE_PROGRAM,
                executable: false,
                rent_epoch: 0,
            });
            acc.owner = FAKE_PROGRAM;
            acc.executable = false;
            acc.lamports = acc.lamports.max(
                self.world
                    .svm
                    .minimum_balance_for_rent_exemption(acc.data.len()),
            );
            self.world
                .svm
                .set_account(*addr, acc)
                .map_err(|e| format!("forge: {e:?}"))?;
        }
        let tx = self.world.transaction(&case.ix);
        let keys: Vec<Pubkey> = tx.message.account_keys.clone();
        let pre: Vec<Option<Account>> =
            keys.iter().map(|k| self.world.svm.get_account(k)).collect();

        // the position view, simulated just before the claim it predicts
        let view = match &case.view {
            Some(v) => {
                let vtx = self.world.transaction(v);
                Some(self.world.svm.simulate_transaction(vtx).ok().and_then(|s| {
                    restaking_client::decode_position_value(&s.meta.return_data.data).ok()
                }))
            }
            None => None,
        };

        self.stats.instructions += 1;
        if case.mutation.is_some() {
            self.stats.mutated += 1;
        }
        if case.must_fail {
            self.stats.must_fail += 1;
        }
        let result = self.world.svm.send_transaction(tx);
        let post: Vec<Option<Account>> =
            keys.iter().map(|k| self.world.svm.get_account(k)).collect();
        let name = case.kind.name();
        match result {
            Err(e) => {
                self.stats.failed += 1;
                self.stats.kinds.entry(name).or_default().1 += 1;
                let err = format!("{:?}", e.err);
                let logs = &e.meta.logs;
                let panicked = err.contains("ProgramFailedToComplete")
                    || logs.iter().any(|l| l.contains("panicked"));
                ensure!(
                    !panicked,
                    "PANIC (or memory error) in {name}: {err}\n{}",
                    logs.join("\n")
                );
                ensure!(
                    !err.contains("ComputationalBudgetExceeded")
                        && e.meta.compute_units_consumed < CU_BUDGET,
                    "{name} used {} CU (budget {CU_BUDGET}) and failed: {err}",
                    e.meta.compute_units_consumed
                );
                for (i, k) in keys.iter().enumerate() {
                    if *k == self.world.payer {
                        // a failed transaction still pays its fee, and only that
                        let charged = |a: &Option<Account>, b: &Option<Account>| match (a, b) {
                            (Some(a), Some(b)) => {
                                a.data == b.data && a.lamports == b.lamports + e.meta.fee
                            }
                            _ => false,
                        };
                        ensure!(
                            charged(&pre[i], &post[i]),
                            "failed {name} ({err}) charged the fee payer more than the fee"
                        );
                        continue;
                    }
                    ensure!(
                        same(&pre[i], &post[i]),
                        "failed {name} ({err}) changed account {k}"
                    );
                }
                let error = error_name(&err, logs);
                *self
                    .stats
                    .kind_errors
                    .entry((name, error.clone()))
                    .or_default() += 1;
                *self.stats.errors.entry(error).or_default() += 1;
                self.last_logs = e.meta.logs.clone();
                Ok(())
            }
            Ok(meta) => {
                self.stats.succeeded += 1;
                self.stats.kinds.entry(name).or_default().0 += 1;
                self.last_logs = meta.logs.clone();
                ensure!(
                    !case.must_fail,
                    "{name} succeeded although it must fail: {}",
                    case.mutation.as_deref().unwrap_or("")
                );
                let cu = meta.compute_units_consumed;
                if cu > self.stats.max_cu.0 {
                    self.stats.max_cu = (cu, name);
                }
                ensure!(cu < CU_BUDGET, "{name} used {cu} CU ≥ budget {CU_BUDGET}");
                let before: u128 = pre.iter().flatten().map(|a| u128::from(a.lamports)).sum();
                let after: u128 = post.iter().flatten().map(|a| u128::from(a.lamports)).sum();
                ensure!(
                    before == after + u128::from(meta.fee),
                    "{name}: lamports of its accounts {before} → {after} with fee {} (created or lost)",
                    meta.fee
                );
                let chain = Chain::scan(&self.world.svm);
                self.check_success(case, &keys, &pre, &post, &chain, view)?;
                self.chain = chain;
                Ok(())
            }
        }
    }

    fn check_success(
        &mut self,
        case: &Case,
        keys: &[Pubkey],
        pre: &[Option<Account>],
        post: &[Option<Account>],
        chain: &Chain,
        view: Option<Option<restaking::instructions::PositionValue>>,
    ) -> Check {
        let name = case.kind.name();
        let ix = &case.ix;
        let key_at = |i: usize| ix.accounts.get(i).map(|m| m.pubkey);
        let pre_of = |k: &Pubkey| {
            keys.iter()
                .position(|x| x == k)
                .and_then(|i| pre[i].clone())
        };
        let old = &self.chain;

        // --- tokens: predicted movements -------------------------------------------------
        let mut expected: BTreeMap<Pubkey, i128> = BTreeMap::new();
        let mut paid_lst = None;
        let mut paid_rewards: Vec<(Pubkey, u64)> = Vec::new();
        for flow in &case.flows {
            let (Some(from), Some(to)) = (key_at(flow.from), key_at(flow.to)) else {
                continue;
            };
            // a transfer to the account it comes from moves nothing (no fee either)
            let self_transfer = from == to;
            let amount = match flow.amount {
                Amount::DataU64(at) => ix
                    .data
                    .get(at..at + 8)
                    .and_then(|b| b.try_into().ok())
                    .map_or(0, u64::from_le_bytes),
                Amount::TicketLst(i) => key_at(i)
                    .and_then(|t| old.tickets.get(&t))
                    .filter(|t| t.kind == TicketKind::Withdraw)
                    .map_or(0, |t| t.lst),
                Amount::YieldPaid => {
                    let pool = case.pool.and_then(key_at).unwrap_or_default();
                    let a = old.pools.get(&pool).map_or(0, |p| p.total_yield_paid_lst);
                    let b = chain.pools.get(&pool).map_or(0, |p| p.total_yield_paid_lst);
                    let paid = b.checked_sub(a).ok_or("total_yield_paid_lst fell")?;
                    paid_lst = Some(paid);
                    paid
                }
                Amount::IndexPaid(i) => {
                    let k = key_at(i).unwrap_or_default();
                    if paid_rewards.iter().any(|(x, _)| *x == k) {
                        continue; // the same stream twice: its payment is counted once
                    }
                    let a = old.indexes.get(&k).map_or(0, |x| x.total_paid);
                    let b = chain.indexes.get(&k).map_or(0, |x| x.total_paid);
                    let paid = b.checked_sub(a).ok_or("total_paid fell")?;
                    paid_rewards.push((k, paid));
                    paid
                }
                Amount::CommissionOwed(i) => key_at(i)
                    .and_then(|k| old.indexes.get(&k))
                    .map_or(0, |x| x.commission_owed),
                Amount::ProtocolFeesOwed(i) => key_at(i)
                    .and_then(|k| old.indexes.get(&k))
                    .map_or(0, |x| x.protocol_fees_owed),
                Amount::Seized(i) => {
                    let k = key_at(i).unwrap_or_default();
                    let r = chain.requests.get(&k).ok_or("executed request vanished")?;
                    r.seized_active_lst + r.seized_queued_lst
                }
            };
            let mint = pre_of(&from)
                .and_then(|a| {
                    a.data
                        .get(..32)
                        .map(|m| Pubkey::try_from(m).unwrap_or_default())
                })
                .unwrap_or_default();
            let fee = self.world.mint_info(&mint).map_or(0, |m| m.fee(amount));
            if !self_transfer {
                *expected.entry(from).or_default() -= i128::from(amount);
                *expected.entry(to).or_default() += i128::from(amount - fee);
            }
        }
        for (i, k) in keys.iter().enumerate() {
            let a = pre[i].as_ref().and_then(token_amount_of);
            let b = post[i].as_ref().and_then(token_amount_of);
            let delta = i128::from(b.unwrap_or(0)) - i128::from(a.unwrap_or(0));
            let want = expected.get(k).copied().unwrap_or(0);
            if a.is_none() && b.is_none() {
                ensure!(
                    want == 0,
                    "{name}: predicted a movement of {want} on {k}, not a token account"
                );
                continue;
            }
            ensure!(
                delta == want,
                "{name}: token account {k} moved by {delta}, the model predicts {want}"
            );
            if let Some(b) = b {
                let was = self.model.ledger.get(k).copied();
                if let Some(was) = was {
                    ensure!(
                        i128::from(was) + delta == i128::from(b),
                        "{name}: token account {k} holds {b}, the ledger {was} + {delta}"
                    );
                }
                if was.is_some() || self.world.token_accounts.contains_key(k) || a.is_none() {
                    self.model.ledger.insert(*k, b);
                    if let Some(acc) = &post[i] {
                        let mint = Pubkey::try_from(&acc.data[..32]).unwrap_or_default();
                        self.world.token_accounts.insert(*k, mint);
                    }
                }
            }
        }
        // the books follow the tokens
        if case.kind == Kind::Deposit {
            let pool = case.pool.and_then(key_at).unwrap_or_default();
            let grew = chain.pools.get(&pool).map_or(0, |p| p.total_deposited_lst)
                - old.pools.get(&pool).map_or(0, |p| p.total_deposited_lst);
            let vault = chain.pools.get(&pool).map(|p| p.vault).unwrap_or_default();
            ensure!(
                i128::from(grew) == expected.get(&vault).copied().unwrap_or(0),
                "deposit: the pool booked {grew}, the vault received {:?}",
                expected.get(&vault)
            );
        }

        // --- the view predicted the claim ------------------------------------------------
        if let Some(view) = view {
            let Some(view) = view else {
                return Err(format!(
                    "{name} paid but the position view failed just before"
                ));
            };
            self.stats.views_checked += 1;
            let paid = paid_lst.unwrap_or(0);
            ensure!(
                paid == view.pending_base_yield,
                "claim paid {paid} LST, the view predicted {}",
                view.pending_base_yield
            );
            for (k, amount) in &paid_rewards {
                let slot = chain.indexes.get(k).map_or(0, |x| usize::from(x.slot));
                let predicted = view
                    .delegations
                    .first()
                    .and_then(|d| d.rewards.get(slot))
                    .copied()
                    .unwrap_or(0);
                ensure!(
                    *amount == predicted,
                    "claim paid {amount} of stream {k} (slot {slot}), the view predicted {predicted}"
                );
            }
        }

        // --- authority ---------------------------------------------------------------------
        let signed: BTreeSet<Pubkey> = signers(ix).into_iter().collect();
        let owner_of_position = |p: &Pubkey| -> Option<Position> {
            old.positions
                .get(p)
                .or_else(|| chain.positions.get(p))
                .cloned()
        };
        for (i, k) in keys.iter().enumerate() {
            if same(&pre[i], &post[i]) {
                continue;
            }
            let (a, b) = (&pre[i], &post[i]);
            let only_lamports_up = match (a, b) {
                (Some(a), Some(b)) => {
                    a.owner == b.owner && a.data == b.data && b.lamports > a.lamports
                }
                (None, Some(b)) => b.data.is_empty() && b.owner == anchor_lang::system_program::ID,
                _ => false,
            };
            if only_lamports_up {
                continue;
            }
            let consented = |p: &Position| {
                signed.contains(&p.owner) || (p.has_lien() && signed.contains(&p.lien_holder))
            };
            // `settle_undelegation` (anyone) completes a matured `Undelegate` ticket the way its
            // owner would: the ticket closes and its LST returns to the idle holding; nothing
            // else of the position or its delegation moves
            let settle = case.kind == Kind::SettleUndelegation;
            if let Some(p) = decode::<Position>(a).or_else(|| decode::<Position>(b)) {
                let harvest_only = case.kind == Kind::Harvest
                    && match (decode::<Position>(a), decode::<Position>(b)) {
                        (Some(x), Some(y)) => {
                            x.idle_lst + x.unclaimed_yield == y.idle_lst + y.unclaimed_yield
                                && x.idle_principal == y.idle_principal
                                && x.owner == y.owner
                                && x.ticket_nonce == y.ticket_nonce
                        }
                        _ => false,
                    };
                let settled = settle
                    && match (decode::<Position>(a), decode::<Position>(b)) {
                        (Some(x), Some(y)) => {
                            y.idle_lst >= x.idle_lst
                                && x.unclaimed_yield == y.unclaimed_yield
                                && x.owner == y.owner
                                && x.ticket_nonce == y.ticket_nonce
                                && y.open_tickets.checked_add(1) == Some(x.open_tickets)
                        }
                        _ => false,
                    };
                ensure!(
                    consented(&p) || harvest_only || settled,
                    "{name} changed position {k} of {} without its signature",
                    p.owner
                );
            }
            if let Some(d) = decode::<Delegation>(a).or_else(|| decode::<Delegation>(b)) {
                let p = owner_of_position(&d.position)
                    .ok_or(format!("delegation {k} of no position"))?;
                let settled = settle
                    && match (decode::<Delegation>(a), decode::<Delegation>(b)) {
                        (Some(x), Some(y)) => {
                            x.shares == y.shares
                                && y.open_undelegations.checked_add(1) == Some(x.open_undelegations)
                        }
                        _ => false,
                    };
                ensure!(
                    consented(&p) || settled,
                    "{name} changed delegation {k} of {} without its signature",
                    p.owner
                );
            }
            if let Some(t) = decode::<WithdrawalTicket>(a).or_else(|| decode::<WithdrawalTicket>(b))
            {
                let p =
                    owner_of_position(&t.position).ok_or(format!("ticket {k} of no position"))?;
                let settled = settle
                    && decode::<WithdrawalTicket>(a)
                        .is_some_and(|t| t.kind == TicketKind::Undelegate)
                    && decode::<WithdrawalTicket>(b).is_none();
                ensure!(
                    consented(&p) || settled,
                    "{name} changed ticket {k} of {} without its signature",
                    p.owner
                );
            }
            if let Some(c) = decode::<Config>(a) {
                let ok = signed.contains(&c.admin)
                    || (case.kind == Kind::SetPause && signed.contains(&c.guardian))
                    || (case.kind == Kind::AcceptAdmin && signed.contains(&c.pending_admin))
                    || case.kind == Kind::ApplyConfigUpdate;
                ensure!(ok, "{name} changed the config without the admin");
            }
            if let Some(o) = decode::<Operator>(a) {
                ensure!(
                    signed.contains(&o.authority),
                    "{name} changed operator {k} without its authority"
                );
            }
            if let (Some(x), Some(y)) = (
                a.as_ref().and_then(token_amount_of),
                b.as_ref().and_then(token_amount_of),
            ) {
                if y < x {
                    let owner = a
                        .as_ref()
                        .and_then(|acc| acc.data.get(32..64))
                        .map(|o| Pubkey::try_from(o).unwrap_or_default())
                        .unwrap_or_default();
                    let vault_of_program =
                        chain.pools.contains_key(&owner) || chain.indexes.contains_key(&owner);
                    ensure!(
                        signed.contains(&owner) || (vault_of_program && case.kind.pays_out()),
                        "{name} debited token account {k} of {owner} without its signature"
                    );
                }
            }
        }

        // --- every position holds what it brought (in LST) -------------------------------
        let now_holdings = holdings(chain)?;
        let mut net_in: BTreeMap<Pubkey, i128> = BTreeMap::new();
        let acting = case.position.and_then(key_at);
        if let Some(p) = acting {
            match case.kind {
                Kind::Deposit => {
                    let pool = case.pool.and_then(key_at).unwrap_or_default();
                    let grew = chain.pools.get(&pool).map_or(0, |x| x.total_deposited_lst)
                        - old.pools.get(&pool).map_or(0, |x| x.total_deposited_lst);
                    *net_in.entry(p).or_default() += i128::from(grew);
                }
                Kind::Claim => *net_in.entry(p).or_default() -= i128::from(paid_lst.unwrap_or(0)),
                Kind::CompleteWithdrawal => {
                    let pool = case.pool.and_then(key_at).unwrap_or_default();
                    let paid = chain.pools.get(&pool).map_or(0, |x| x.total_withdrawn_lst)
                        - old.pools.get(&pool).map_or(0, |x| x.total_withdrawn_lst);
                    *net_in.entry(p).or_default() -= i128::from(paid);
                }
                _ => {}
            }
        }
        // what changed: positions' own records, and buckets and queues they hold shares in
        let changed: BTreeSet<Pubkey> = keys
            .iter()
            .enumerate()
            .filter(|(i, _)| !same(&pre[*i], &post[*i]))
            .map(|(_, k)| *k)
            .collect();
        // the request this execution settled: (request, bucket, bps)
        let mut slash: Option<(Pubkey, Pubkey, u16)> = None;
        if case.kind == Kind::ExecuteSlash {
            for (k, r) in chain.requests.iter().filter(|(k, _)| changed.contains(k)) {
                slash = Some((*k, r.operator_pool, r.bps));
            }
        }
        let positions: BTreeSet<Pubkey> = self
            .model
            .holdings
            .keys()
            .chain(now_holdings.keys())
            .copied()
            .collect();
        for p in positions {
            let before = i128::from(self.model.holdings.get(&p).copied().unwrap_or(0));
            let after = i128::from(now_holdings.get(&p).copied().unwrap_or(0));
            let drift = after - before - net_in.get(&p).copied().unwrap_or(0);
            let mine = |c: &Chain| -> Vec<Pubkey> {
                let mut v = vec![p];
                let queue = |b: &Pubkey| c.queue_keys.get(b).copied().unwrap_or_default();
                for (dk, d) in c.delegations_of(&p) {
                    v.extend([*dk, d.operator_pool, queue(&d.operator_pool)]);
                }
                for (tk, t) in c.tickets_of(&p) {
                    v.push(*tk);
                    if t.kind == TicketKind::Undelegate {
                        v.extend([t.operator_pool, queue(&t.operator_pool)]);
                    }
                }
                v
            };
            let touched = mine(old)
                .iter()
                .chain(mine(chain).iter())
                .any(|k| changed.contains(k));
            if !touched {
                ensure!(
                    drift == 0,
                    "{name}: position {p} was not touched but its LST moved by {drift}"
                );
                continue;
            }
            let mut allowed_loss = 6i128;
            if let Some((_, bucket, bps)) = slash {
                let h = u128::from(holding_in(old, &p, &bucket));
                allowed_loss += ((h * u128::from(bps)).div_ceil(10_000)) as i128;
            }
            ensure!(
                drift <= 2,
                "{name}: position {p} gained {drift} LST base units it did not bring (holdings {before} → {after}, net in {:?})",
                net_in.get(&p)
            );
            ensure!(
                drift >= -allowed_loss,
                "{name}: position {p} lost {} LST base units (allowed {allowed_loss}; holdings {before} → {after}, net in {:?})",
                -drift,
                net_in.get(&p)
            );
            self.stats.max_drift.0 = self.stats.max_drift.0.max(drift);
            if slash.is_none() {
                self.stats.max_drift.1 = self.stats.max_drift.1.min(drift);
            }
        }
        self.model.holdings = now_holdings;

        // --- slashes take at most their bps --------------------------------------------------
        if let Some((request, bucket, bps)) = slash {
            let (Some(b0), Some(b1)) = (old.buckets.get(&bucket), chain.buckets.get(&bucket))
            else {
                return Err("slashed bucket vanished".into());
            };
            let r = &chain.requests[&request];
            let was = old.requests.get(&request).map(|r0| r0.status);
            ensure!(
                r.status == SlashStatus::Executed && was == Some(SlashStatus::Pending),
                "execute_slash: request {request} went {was:?} → {:?}",
                r.status
            );
            let cap = |v: u64| (u128::from(v) * u128::from(bps) / 10_000) as u64;
            ensure!(
                r.seized_active_lst <= cap(b0.total_lst),
                "slash took {} active LST > {bps} bps of {}",
                r.seized_active_lst,
                b0.total_lst
            );
            ensure!(
                r.seized_queued_lst <= cap(b0.queued_lst),
                "slash took {} queued LST > {bps} bps of {}",
                r.seized_queued_lst,
                b0.queued_lst
            );
            let stripped = b1
                .unclaimed_base_yield
                .saturating_sub(b0.unclaimed_base_yield);
            ensure!(
                b1.total_lst + stripped + r.seized_active_lst == b0.total_lst,
                "slash: bucket LST {} → {} with {stripped} stripped and {} seized",
                b0.total_lst,
                b1.total_lst,
                r.seized_active_lst
            );
        }
        // a link never reserves more than its maximum when a request is made
        if case.kind == Kind::RequestSlash {
            for (k, l) in chain.links.iter().filter(|(k, _)| changed.contains(k)) {
                ensure!(
                    l.window_bps <= l.max_slash_bps,
                    "link {k}: window {} > max {}",
                    l.window_bps,
                    l.max_slash_bps
                );
            }
        }
        // timelocked admin: what can hurt stakers applies only after its delay
        let now = self.world.now();
        if let (Some(c0), Some(c1)) = (&old.config, &chain.config) {
            let hurts = c1.protocol_fee_bps > c0.protocol_fee_bps
                || c1.max_commission_bps > c0.max_commission_bps
                || c1.slash_veto_secs < c0.slash_veto_secs
                || c1.guardian != c0.guardian;
            if hurts {
                ensure!(
                    case.kind == Kind::ApplyConfigUpdate
                        && c0.pending_effective_ts != 0
                        && now >= c0.pending_effective_ts,
                    "{name} made a config change that can hurt stakers at once (proposal due {})",
                    c0.pending_effective_ts
                );
            }
        }
        for (k, p1) in chain.pools.iter().filter(|(k, _)| changed.contains(k)) {
            let Some(p0) = old.pools.get(k) else { continue };
            let hurts = p1.withdrawal_delay_secs > p0.withdrawal_delay_secs
                || p1.rate_source != p0.rate_source;
            if hurts {
                ensure!(
                    case.kind == Kind::ApplyPoolUpdate
                        && p0.pending_effective_ts != 0
                        && now >= p0.pending_effective_ts,
                    "{name} made a change to pool {k} that can hurt stakers at once (proposal due {})",
                    p0.pending_effective_ts
                );
            }
        }
        // the view writes nothing
        if case.kind == Kind::GetPositionValue {
            for k in &changed {
                ensure!(*k == self.world.payer, "get_position_value changed {k}");
            }
        }
        // new program accounts sit at their PDAs
        for k in changed
            .iter()
            .filter(|k| !old.raw.contains_key(k) && chain.raw.contains_key(k))
        {
            let expected = if let Some(p) = chain.positions.get(k) {
                Some(restaking_client::position_pda(&p.pool, &p.owner))
            } else if let Some(d) = chain.delegations.get(k) {
                Some(restaking_client::delegation_pda(
                    &d.position,
                    &d.operator_pool,
                ))
            } else if let Some(t) = chain.tickets.get(k) {
                Some(restaking_client::ticket_pda(&t.position, t.nonce))
            } else {
                chain
                    .indexes
                    .get(k)
                    .map(|x| restaking_client::reward_index_pda(&x.operator_pool, &x.reward_mint))
            };
            if let Some(e) = expected {
                ensure!(e == *k, "{name} created a record at {k}, its PDA is {e}");
            }
        }
        invariants(&self.world, chain)
    }

    /// At the end of a sequence: every token account the ledger knows holds what it predicts.
    pub fn final_checks(&self) -> Check {
        for (k, v) in &self.model.ledger {
            let now = self.world.token_amount(k).unwrap_or(0);
            ensure!(now == *v, "token account {k} holds {now}, the ledger {v}");
        }
        invariants(&self.world, &self.chain)
    }
}

/// The model of a freshly set-up world.
pub fn initial_model(w: &World, c: &Chain) -> Model {
    let mut ledger = BTreeMap::new();
    for k in w.token_accounts.keys() {
        if let Some(a) = w.token_amount(k) {
            ledger.insert(*k, a);
        }
    }
    for p in c.pools.values() {
        ledger.insert(p.vault, w.token_amount(&p.vault).unwrap_or(0));
    }
    for x in c.indexes.values() {
        ledger.insert(x.reward_vault, w.token_amount(&x.reward_vault).unwrap_or(0));
    }
    Model {
        holdings: holdings(c).expect("holdings of the set-up world"),
        ledger,
    }
}
