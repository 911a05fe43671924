//! Property test over random multi-user sequences of deposit / delegate / undelegate /
//! withdraw / cancel / complete / claim (both legs) / harvest / reward funding / commission /
//! overlapping slash requests, vetoes and executions in any order / rate moves / time, on the
//! embedded bank, asserting every SPEC §5 invariant after every step, and the slashing rules of
//! issue 10: no matured ticket is held past `slash_veto_secs + SLASH_GRACE_SECS` or cut by a
//! request made after it matured, and no service takes more than its link allows per window.
//!
//! Liens come and go, and the holder enforces (its tickets settle to its own account, counted
//! as the user's). Every claim is preceded by the position view (`get_position_value`, simulated on the SBF
//! binary), which must predict exactly what the claim pays.
//!
//! `PROPTEST_CASES` sets the number of sequences (default 500); each runs in a fresh bank.
use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use restaking::constants::SLASH_GRACE_SECS;
use restaking::math::{accrued, assets_for_shares, BASE_ACC_SCALE};
use restaking::state::{
    RewardIndex, ServiceLink, SlashRequest, TicketKind, WithdrawalTicket, REWARD_ACC_SCALE,
};
use restaking_tests::client::StreamKeys;
use restaking_tests::solana_sdk::pubkey::Pubkey;
use restaking_tests::solana_sdk::signature::{Keypair, Signer};
use restaking_tests::*;

const USERS: usize = 3;
const OPERATORS: usize = 2;
/// Reward streams per bucket.
const STREAMS: usize = 2;
const START_LST: u64 = 1_000 * ONE;
const SUPPLY: u64 = 1_000_000 * ONE;
const REWARD_FUNDS: u64 = u64::MAX / 4;

#[derive(Clone, Debug)]
enum Op {
    Deposit {
        user: usize,
        permille: u64,
    },
    Delegate {
        user: usize,
        op: usize,
        permille: u64,
    },
    Undelegate {
        user: usize,
        op: usize,
        permille: u64,
    },
    RequestWithdrawal {
        user: usize,
        permille: u64,
    },
    Complete {
        user: usize,
        pick: usize,
    },
    /// Moves time to the ticket's unlock (if still ahead), then completes it.
    CompleteDue {
        user: usize,
        pick: usize,
    },
    Cancel {
        user: usize,
        pick: usize,
    },
    Claim {
        user: usize,
        op: Option<usize>,
    },
    HarvestBucket {
        op: usize,
    },
    /// Funds a stream over `duration_secs` (0: at once).
    Fund {
        op: usize,
        stream: usize,
        amount: u64,
        duration_secs: u32,
    },
    ClaimCommission {
        op: usize,
        stream: usize,
    },
    RequestSlash {
        op: usize,
        bps: u16,
    },
    /// Vetoes (`veto`) or executes one of the bucket's pending requests (any, not only the
    /// oldest: requests overlap and settle in any order).
    SettleSlash {
        op: usize,
        veto: bool,
        pick: usize,
    },
    /// Moves the LST's rate by `bps_change` (−500 … +1000) of the current one.
    Rate {
        bps_change: i64,
    },
    Wait {
        hours: i64,
    },
    /// The lender sets (with the user) or releases a lien on the user's position.
    Lien {
        user: usize,
        set: bool,
    },
    /// The lien holder alone enforces: undelegates from `op`, or requests idle LST.
    Enforce {
        user: usize,
        op: Option<usize>,
        permille: u64,
    },
}

fn op_strategy() -> impl Strategy<Value = Op> {
    let user = 0..USERS;
    let op = 0..OPERATORS;
    let permille = 0u64..=1_000;
    prop_oneof![
        3 => (user.clone(), permille.clone()).prop_map(|(user, permille)| Op::Deposit { user, permille }),
        3 => (user.clone(), op.clone(), permille.clone()).prop_map(|(user, op, permille)| Op::Delegate { user, op, permille }),
        2 => (user.clone(), op.clone(), permille.clone()).prop_map(|(user, op, permille)| Op::Undelegate { user, op, permille }),
        2 => (user.clone(), permille.clone()).prop_map(|(user, permille)| Op::RequestWithdrawal { user, permille }),
        2 => (user.clone(), 0usize..8).prop_map(|(user, pick)| Op::Complete { user, pick }),
        2 => (user.clone(), 0usize..8).prop_map(|(user, pick)| Op::CompleteDue { user, pick }),
        1 => (user.clone(), 0usize..8).prop_map(|(user, pick)| Op::Cancel { user, pick }),
        3 => (user.clone(), proptest::option::of(op.clone())).prop_map(|(user, op)| Op::Claim { user, op }),
        1 => op.clone().prop_map(|op| Op::HarvestBucket { op }),
        3 => (op.clone(), 0..STREAMS, prop_oneof![1u64..1_000, 1_000u64..1_000_000_000_000],
              prop_oneof![Just(0u32), 1u32..3_600, 3_600u32..30 * 86_400])
            .prop_map(|(op, stream, amount, duration_secs)| Op::Fund { op, stream, amount, duration_secs }),
        1 => (op.clone(), 0..STREAMS).prop_map(|(op, stream)| Op::ClaimCommission { op, stream }),
        2 => (op.clone(), prop_oneof![1u16..=300, 1u16..=2_000]).prop_map(|(op, bps)| Op::RequestSlash { op, bps }),
        3 => (op.clone(), any::<bool>(), 0usize..4).prop_map(|(op, veto, pick)| Op::SettleSlash { op, veto, pick }),
        2 => (-500i64..=1_000).prop_map(|bps_change| Op::Rate { bps_change }),
        2 => prop_oneof![1i64..=24 * 3, 1i64..=24 * 10].prop_map(|hours| Op::Wait { hours }),
        1 => (user.clone(), any::<bool>()).prop_map(|(user, set)| Op::Lien { user, set }),
        2 => (user.clone(), proptest::option::of(op.clone()), permille.clone())
            .prop_map(|(user, op, permille)| Op::Enforce { user, op, permille }),
    ]
}

/// What the model remembers of one case.
struct Case {
    pool: TestPool,
    users: Vec<User>,
    ops: Vec<TestOperator>,
    /// Streams per operator, and each user's reward account per (operator, stream).
    streams: Vec<Vec<StreamKeys>>,
    reward_accounts: Vec<Vec<Vec<Pubkey>>>,
    funder: User,
    /// The funder's token account of each stream's mint.
    funder_accounts: [Pubkey; STREAMS],
    service: TestService,
    /// The lien holder, and its LST account per user receiving enforced LST.
    lender: Keypair,
    lender_accounts: Vec<Pubkey>,
    /// Pending slash requests per operator, oldest first, with when they expire.
    slashes: Vec<Vec<(Pubkey, i64)>>,
    /// Open tickets per user: (address, bucket for `Undelegate` tickets).
    tickets: Vec<Vec<(Pubkey, Option<usize>)>>,
    /// Stake-pool lamports behind `SUPPLY` LST.
    lamports: u64,
    steps: u64,
    ok: BTreeMap<&'static str, u64>,
}

impl Case {
    fn count(&mut self, what: &'static str) {
        *self.ok.entry(what).or_default() += 1;
    }
}

struct Harness {
    rt: tokio::runtime::Runtime,
    ok: std::cell::RefCell<BTreeMap<&'static str, u64>>,
}

impl Harness {
    fn new() -> Self {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Self {
            rt,
            ok: Default::default(),
        }
    }

    fn run_case(&self, ops: &[Op]) -> Result<(), TestCaseError> {
        self.rt.block_on(async {
            let mut env = Env::new().await;
            let env = &mut env;
            let mut case = setup(env).await;
            check_invariants(env, &case).await?;
            for op in ops {
                apply(env, &mut case, op).await;
                case.steps += 1;
                check_invariants(env, &case).await?;
            }
            let mut ok = self.ok.borrow_mut();
            for (k, v) in case.ok {
                *ok.entry(k).or_default() += v;
            }
            Ok(())
        })
    }
}

async fn setup(env: &mut Env) -> Case {
    let pool = env.stake_pool_lst(MintKind::Spl, SUPPLY, SUPPLY).await;
    let mut users = Vec::new();
    for _ in 0..USERS {
        users.push(env.user(&pool, START_LST).await);
    }
    let mut ops = Vec::new();
    for i in 0..OPERATORS {
        ops.push(env.operator(&pool, 500 * i as u16).await);
    }
    let reward_mints = [
        env.create_mint(MintKind::Spl, 6).await,
        env.create_mint(MintKind::Token2022, 9).await,
    ];
    let mut streams = Vec::new();
    for op in &ops {
        let mut s = Vec::new();
        for mint in reward_mints.iter().take(STREAMS) {
            s.push(env.add_stream(op, *mint).await);
        }
        streams.push(s);
    }
    let mut reward_accounts = Vec::new();
    for user in &users {
        let mut per_op = Vec::new();
        for s in &streams {
            let mut per_stream = Vec::new();
            for stream in s {
                per_stream.push(
                    env.create_token_account(&stream.reward_mint, &user.key())
                        .await,
                );
            }
            per_op.push(per_stream);
        }
        reward_accounts.push(per_op);
    }
    let funder = env.funder(&reward_mints[0], REWARD_FUNDS).await;
    let funder_first = funder.lst_account;
    let funder_t22 = env
        .create_token_account(&reward_mints[1], &funder.key())
        .await;
    env.mint_to(&reward_mints[1], &funder_t22, REWARD_FUNDS)
        .await;
    let service = env.service(&pool, &ops[0], 2_000).await;
    let lender = Keypair::new();
    env.airdrop(&lender.pubkey(), 100 * ONE).await;
    let mut lender_accounts = Vec::new();
    for _ in 0..USERS {
        lender_accounts.push(
            env.create_token_account(&pool.keys.lst_mint, &lender.pubkey())
                .await,
        );
    }
    let op1 = ops[1].kp.insecure_clone();
    env.ok(
        &[client::link_service(op1.pubkey(), service.service, 2_000)],
        &[&op1],
    )
    .await;

    // Start every case from a live state: each user has deposited half and delegated a part.
    for (i, user) in users.iter().enumerate() {
        env.deposit(&pool, user, START_LST / 2).await.unwrap();
        env.delegate(&pool, user, &ops[i % OPERATORS], START_LST / 8)
            .await
            .unwrap();
    }
    Case {
        pool,
        users,
        ops,
        streams,
        reward_accounts,
        funder,
        funder_accounts: [funder_first, funder_t22],
        service,
        lender,
        lender_accounts,
        slashes: vec![Vec::new(); OPERATORS],
        tickets: vec![Vec::new(); USERS],
        lamports: SUPPLY,
        steps: 0,
        ok: Default::default(),
    }
}

/// Current LST of every open `Undelegate` ticket of bucket `op` that had matured by `at`.
async fn matured_ticket_values(env: &mut Env, case: &Case, op: usize, at: i64) -> Vec<u64> {
    let queue = env.queue(&case.ops[op]).await;
    let mut values = Vec::new();
    for tickets in &case.tickets {
        for (ticket, bucket) in tickets {
            if *bucket != Some(op) {
                continue;
            }
            let t: WithdrawalTicket = env.state(ticket).await;
            if t.unlock_ts <= at {
                values.push(queue.lst_of(t.cohort, t.shares).unwrap());
            }
        }
    }
    values
}

fn frac(amount: u64, permille: u64) -> u64 {
    (u128::from(amount) * u128::from(permille) / 1_000) as u64
}

async fn has_delegation(env: &mut Env, case: &Case, user: usize, op: usize) -> bool {
    let key = client::delegation_pda(
        &case.pool.keys.position(&case.users[user].key()),
        &case.ops[op].bucket,
    );
    env.exists(&key).await
}

async fn apply(env: &mut Env, case: &mut Case, op: &Op) {
    let pool = case.pool;
    // Failures are part of the game (zero amounts, nothing idle, unmatured tickets, pending
    // slashes): the invariants must hold whatever succeeded.
    match *op {
        Op::Deposit { user, permille } => {
            let balance = env.token_balance(&case.users[user].lst_account).await;
            if env
                .deposit(&pool, &case.users[user], frac(balance, permille))
                .await
                .is_ok()
            {
                case.count("deposit");
            }
        }
        Op::Delegate { user, op, permille } => {
            let idle = env.position(&pool, &case.users[user]).await.idle_lst;
            if env
                .delegate(
                    &pool,
                    &case.users[user],
                    &case.ops[op],
                    frac(idle, permille),
                )
                .await
                .is_ok()
            {
                case.count("delegate");
            }
        }
        Op::Undelegate { user, op, permille } => {
            if has_delegation(env, case, user, op).await {
                let shares = env
                    .delegation(&pool, &case.users[user], &case.ops[op])
                    .await
                    .shares;
                if let Ok(t) = env
                    .undelegate(
                        &pool,
                        &case.users[user],
                        &case.ops[op],
                        frac(shares, permille),
                    )
                    .await
                {
                    case.tickets[user].push((t, Some(op)));
                    case.count("undelegate");
                }
            }
        }
        Op::RequestWithdrawal { user, permille } => {
            let idle = env.position(&pool, &case.users[user]).await.idle_lst;
            if let Ok(t) = env
                .request_withdrawal(&pool, &case.users[user], frac(idle, permille))
                .await
            {
                case.tickets[user].push((t, None));
                case.count("request_withdrawal");
            }
        }
        Op::Complete { user, pick }
        | Op::Cancel { user, pick }
        | Op::CompleteDue { user, pick } => {
            if case.tickets[user].is_empty() {
                return;
            }
            let i = pick % case.tickets[user].len();
            let (ticket, bucket) = case.tickets[user][i];
            if matches!(op, Op::CompleteDue { .. }) {
                let unlock = env.state::<WithdrawalTicket>(&ticket).await.unlock_ts;
                if env.clock().await.unix_timestamp < unlock {
                    env.set_time(unlock).await;
                    env.set_rate(&pool, case.lamports, SUPPLY).await;
                }
            }
            let u = &case.users[user];
            let bucket_key = bucket.map(|b| case.ops[b].bucket);
            let complete = !matches!(op, Op::Cancel { .. });
            // the lien holder settles its enforcement tickets (the LST to its account for this
            // user); the owner the others, with the holder co-signing a cancel under a lien
            let enforced = env.state::<WithdrawalTicket>(&ticket).await.enforcement;
            let lien = env.position(&pool, u).await.has_lien();
            let (authority, destination) = if enforced {
                (case.lender.pubkey(), case.lender_accounts[user])
            } else {
                (u.key(), u.lst_account)
            };
            let mut ix = if complete {
                client::complete_ticket_by(
                    authority,
                    u.key(),
                    &pool.keys,
                    ticket,
                    destination,
                    bucket_key,
                )
            } else {
                client::cancel_ticket_by(
                    authority,
                    u.key(),
                    &pool.keys,
                    ticket,
                    bucket_key,
                    bucket.map(|b| case.ops[b].operator),
                )
            };
            if let (false, Some(b)) = (complete, bucket) {
                ix.accounts
                    .extend(env.reward_index_metas(&case.ops[b]).await);
            }
            let kp = u.kp.insecure_clone();
            let lender = case.lender.insecure_clone();
            let sent = if enforced {
                env.send(&[ix], &[&lender]).await
            } else if lien && !complete {
                let ix = client::lien_cosigned(ix, lender.pubkey());
                env.send(&[ix], &[&kp, &lender]).await
            } else {
                env.send(&[ix], &[&kp]).await
            };
            if sent.is_ok() {
                case.tickets[user].remove(i);
                case.count(match (complete, bucket) {
                    (true, None) => "complete_withdrawal",
                    (true, Some(_)) => "complete_undelegation",
                    (false, None) => "cancel_withdrawal",
                    (false, Some(_)) => "cancel_undelegation",
                });
            }
        }
        Op::Claim { user, op } => {
            let op = match op {
                Some(o) if has_delegation(env, case, user, o).await => Some(o),
                _ => None,
            };
            let u = &case.users[user];
            let mut ix = client::claim_delegation(
                u.key(),
                &pool.keys,
                u.lst_account,
                op.map(|o| case.ops[o].bucket),
            );
            if let Some(o) = op {
                for (s, stream) in case.streams[o].iter().enumerate() {
                    ix.accounts
                        .extend(stream.claim_group(case.reward_accounts[user][o][s]));
                }
            }
            // The view, simulated just before, predicts exactly what the claim pays (on the
            // SBF binary: natively the program sets no return data).
            let ops: Vec<&TestOperator> = op.iter().map(|&o| &case.ops[o]).collect();
            let view = if Env::sbf() {
                Some(
                    env.position_value(&pool, u, &ops, &[])
                        .await
                        .expect("the view never fails on a live position"),
                )
            } else {
                None
            };
            let lst_before = env.token_balance(&u.lst_account).await;
            let mut rewards_before = Vec::new();
            if let Some(o) = op {
                for s in 0..case.streams[o].len() {
                    rewards_before.push(env.token_balance(&case.reward_accounts[user][o][s]).await);
                }
            }
            let kp = u.kp.insecure_clone();
            env.send(&[ix], &[&kp])
                .await
                .expect("claim never fails on a live position");
            if let Some(view) = view {
                let paid_lst = env.token_balance(&u.lst_account).await - lst_before;
                assert_eq!(
                    paid_lst, view.pending_base_yield,
                    "view vs claim: base yield"
                );
                if let Some(o) = op {
                    for (s, before) in rewards_before.iter().enumerate() {
                        let paid =
                            env.token_balance(&case.reward_accounts[user][o][s]).await - before;
                        assert_eq!(
                            paid, view.delegations[0].rewards[s],
                            "view vs claim: stream {s}"
                        );
                    }
                }
            }
            case.count(if op.is_some() {
                "claim_dual"
            } else {
                "claim_base"
            });
        }
        Op::Lien { user, set } => {
            let u = &case.users[user];
            let position = pool.keys.position(&u.key());
            let lender = case.lender.insecure_clone();
            let result = if set {
                let kp = u.kp.insecure_clone();
                let ix = client::set_lien(kp.pubkey(), position, lender.pubkey());
                env.send(&[ix], &[&kp, &lender]).await
            } else {
                let ix = client::release_lien(lender.pubkey(), position);
                env.send(&[ix], &[&lender]).await
            };
            if result.is_ok() {
                case.count(if set { "set_lien" } else { "release_lien" });
            }
        }
        Op::Enforce { user, op, permille } => {
            let u = &case.users[user];
            let position_key = pool.keys.position(&u.key());
            let position = env.position(&pool, u).await;
            let holder = case.lender.pubkey();
            let nonce = position.ticket_nonce;
            let (ix, bucket) = match op {
                Some(o) if has_delegation(env, case, user, o).await => {
                    let shares = env.delegation(&pool, u, &case.ops[o]).await.shares;
                    let mut ix = client::enforce_undelegate(
                        holder,
                        u.key(),
                        &pool.keys,
                        case.ops[o].bucket,
                        nonce,
                        frac(shares, permille),
                    );
                    ix.accounts
                        .extend(env.reward_index_metas(&case.ops[o]).await);
                    (ix, Some(o))
                }
                _ => {
                    let amount = frac(position.idle_lst, permille);
                    let ix = client::enforce_withdrawal(holder, u.key(), &pool.keys, nonce, amount);
                    (ix, None)
                }
            };
            let lender = case.lender.insecure_clone();
            if env.send(&[ix], &[&lender]).await.is_ok() {
                case.tickets[user].push((client::ticket_pda(&position_key, nonce), bucket));
                case.count(if bucket.is_some() {
                    "enforce_undelegate"
                } else {
                    "enforce_withdrawal"
                });
            }
        }
        Op::HarvestBucket { op } => {
            let ix = client::harvest_accounts(&pool.keys, None, Some(case.ops[op].bucket));
            env.send(&[ix], &[]).await.expect("harvest never fails");
        }
        Op::Fund {
            op,
            stream,
            amount,
            duration_secs,
        } => {
            let s = case.streams[op][stream];
            let ix = client::fund_rewards_over(
                case.funder.key(),
                case.ops[op].operator,
                &s,
                case.funder_accounts[stream],
                amount,
                duration_secs,
            );
            let kp = case.funder.kp.insecure_clone();
            env.send(&[ix], &[&kp]).await.expect("funding never fails");
            case.count("fund_rewards");
        }
        Op::ClaimCommission { op, stream } => {
            let s = case.streams[op][stream];
            let kp = case.ops[op].kp.insecure_clone();
            let destination = env.create_token_account(&s.reward_mint, &kp.pubkey()).await;
            env.ok(
                &[client::claim_commission(kp.pubkey(), &s, destination)],
                &[&kp],
            )
            .await;
            case.count("claim_commission");
        }
        Op::RequestSlash { op, bps } => {
            if let Ok(request) = env.request_slash(&case.service, &case.ops[op], bps).await {
                let expires = env.state::<SlashRequest>(&request).await.expires_ts;
                case.slashes[op].push((request, expires));
                case.count("request_slash");
            }
        }
        Op::SettleSlash { op, veto, pick } => {
            if case.slashes[op].is_empty() {
                return;
            }
            let i = pick % case.slashes[op].len();
            let (request, _) = case.slashes[op][i];
            let result = if veto {
                let guardian = env.guardian.insecure_clone();
                let ix = env.veto_ix(&case.ops[op], request).await;
                env.send(&[ix], &[&guardian]).await
            } else {
                // Executions come due: half the time, move to the request's execution window.
                let r = env.state::<SlashRequest>(&request).await;
                if pick % 2 == 0 && env.clock().await.unix_timestamp < r.executable_ts {
                    env.set_time(r.executable_ts).await;
                    env.set_rate(&pool, case.lamports, SUPPLY).await;
                }
                // Tickets that had matured when the request was made: their value must not move.
                let requested = r.requested_ts;
                let before = matured_ticket_values(env, case, op, requested).await;
                let result = env
                    .execute_slash(&pool, &case.service, &case.ops[op], request)
                    .await;
                let after = matured_ticket_values(env, case, op, requested).await;
                assert_eq!(
                    before, after,
                    "a slash cut a ticket matured before its request"
                );
                result
            };
            if result.is_ok() {
                case.slashes[op].remove(i);
                case.count(if veto { "veto_slash" } else { "execute_slash" });
            }
        }
        Op::Rate { bps_change } => {
            let change = i128::from(case.lamports) * i128::from(bps_change) / 10_000;
            let next = (i128::from(case.lamports) + change)
                .clamp(i128::from(SUPPLY / 2), i128::from(SUPPLY) * 3);
            case.lamports = next as u64;
            env.set_rate(&pool, case.lamports, SUPPLY).await;
        }
        Op::Wait { hours } => {
            env.advance_time(hours * 3_600).await;
            env.set_rate(&pool, case.lamports, SUPPLY).await;
        }
    }
}

/// Every SPEC §5 invariant.
async fn check_invariants(env: &mut Env, case: &Case) -> Result<(), TestCaseError> {
    let pool = case.pool;
    let p = env.pool(&pool).await;
    let vault = env.token_balance(&pool.keys.vault).await;

    let mut sum_idle = 0u64;
    let mut sum_unclaimed = 0u64;
    let mut sum_ticket = 0u64;
    let mut sum_bucket = 0u64;
    let mut sum_queued = 0u64;
    let now = env.clock().await.unix_timestamp;
    let mut buckets = Vec::new();
    let mut queues = Vec::new();
    let mut indexes: Vec<Vec<RewardIndex>> = Vec::new();
    for (o, op) in case.ops.iter().enumerate() {
        let b = env.bucket(op).await;
        let q = env.queue(op).await;
        sum_bucket += b.total_lst;
        sum_queued += b.queued_lst;
        sum_unclaimed += b.unclaimed_base_yield;
        let live = case.slashes[o].iter().filter(|(_, e)| now < *e).count();
        // requests of one cut day share a slot that lives until the last of them expires
        prop_assert!(b.live_slashes(now) as usize >= live);
        prop_assert_eq!(b.live_slashes(now) == 0, live == 0);
        // the queue's cohorts sum to the bucket's queue totals
        let (lst, principal) = q
            .cohorts
            .iter()
            .fold((0u64, 0u64), |(l, p), c| (l + c.lst, p + c.principal));
        prop_assert_eq!((lst, principal), (b.queued_lst, b.queued_principal));
        // no service takes more than its link allows in a window
        let link: ServiceLink = env
            .state(&client::service_link_pda(
                &case.service.service,
                &op.operator,
            ))
            .await;
        prop_assert!(
            link.window_bps <= link.max_slash_bps,
            "link of operator {} over its bound",
            o
        );
        buckets.push(b);
        queues.push(q);
        let mut per = Vec::new();
        for s in &case.streams[o] {
            per.push(env.state::<RewardIndex>(&s.reward_index).await);
        }
        indexes.push(per);
    }
    let mut delegation_shares = [0u64; OPERATORS];
    let mut owed_rewards = vec![vec![0u128; STREAMS]; OPERATORS];
    let mut total_holdings = 0u128;

    for (u, user) in case.users.iter().enumerate() {
        let pos = env.position(&pool, user).await;
        sum_idle += pos.idle_lst;
        sum_unclaimed += pos.unclaimed_yield;
        // Everything this user owns, in LST: wallet (and what a lien holder collected from
        // the position), idle, unclaimed yield, delegated shares, settled and pending bucket
        // yield, and open tickets.
        let mut holdings = u128::from(env.token_balance(&user.lst_account).await)
            + u128::from(env.token_balance(&case.lender_accounts[u]).await)
            + u128::from(pos.idle_lst)
            + u128::from(pos.unclaimed_yield);
        let mut roundings = 0u128;
        for (o, op) in case.ops.iter().enumerate() {
            if !has_delegation(env, case, u, o).await {
                continue;
            }
            let d = env.delegation(&pool, user, op).await;
            let b = &buckets[o];
            delegation_shares[o] += d.shares;
            holdings +=
                u128::from(assets_for_shares(d.shares, b.total_shares, b.total_lst).unwrap());
            let pending = accrued(
                d.shares,
                b.base_acc_per_share - d.base_acc_checkpoint,
                BASE_ACC_SCALE,
            )
            .unwrap();
            holdings += u128::from(d.unclaimed_base_yield) + u128::from(pending);
            roundings += 2;
            for (s, index) in indexes[o].iter().enumerate() {
                let slot = usize::from(index.slot);
                let pending = accrued(
                    d.shares,
                    index.acc_per_share - d.reward_checkpoints[slot],
                    REWARD_ACC_SCALE,
                )
                .unwrap();
                owed_rewards[o][s] += u128::from(d.reward_owed[slot]) + u128::from(pending);
            }
        }
        for (ticket, bucket) in &case.tickets[u] {
            let t: WithdrawalTicket = env.state(ticket).await;
            match (t.kind, bucket) {
                (TicketKind::Withdraw, None) => {
                    sum_ticket += t.lst;
                    holdings += u128::from(t.lst);
                }
                (TicketKind::Undelegate, Some(o)) => {
                    holdings += u128::from(queues[*o].lst_of(t.cohort, t.shares).unwrap());
                    roundings += 1;
                    // never held past the bound after maturity
                    if now >= t.unlock_ts + VETO_SECS + SLASH_GRACE_SECS {
                        prop_assert!(
                            buckets[*o].ticket_may_leave(t.cohort, now),
                            "ticket held past the bound"
                        );
                    }
                }
                other => {
                    return Err(TestCaseError::fail(format!(
                        "ticket kind mismatch {other:?}"
                    )))
                }
            }
        }
        // Invariant 2 / 5: what a user holds equals what they brought minus what was slashed,
        // up to rounding dust (a few base units per share operation and harvest; a newcomer's
        // rounded-down mint can leave a unit to a bucket's existing holders).
        let start = u128::from(START_LST);
        let dust = roundings + 4 * u128::from(case.steps) + 16;
        prop_assert!(
            holdings <= start + dust,
            "user {u} holds {holdings} > {start} after {} steps",
            case.steps
        );
        if env.token_balance(&case.service.destination).await == 0 {
            prop_assert!(
                holdings + dust >= start,
                "user {u} lost {} base units after {} steps",
                start - holdings,
                case.steps
            );
        }
        total_holdings += holdings;
    }

    // No sequence creates LST: users' holdings and what was seized never exceed what they
    // brought, and fall short only by dust.
    let seized = u128::from(env.token_balance(&case.service.destination).await);
    let brought = u128::from(START_LST) * USERS as u128;
    prop_assert!(
        total_holdings + seized <= brought,
        "users hold {} + seized {} > {}",
        total_holdings,
        seized,
        brought
    );
    prop_assert!(
        total_holdings + seized + 64 * u128::from(case.steps + 1) >= brought,
        "LST vanished"
    );

    // Invariant 3: Σ delegation shares = bucket shares.
    for (o, b) in buckets.iter().enumerate() {
        prop_assert_eq!(delegation_shares[o], b.total_shares, "bucket {} shares", o);
    }
    // Pool totals agree with the accounts they sum.
    prop_assert_eq!(p.total_idle_lst, sum_idle);
    prop_assert_eq!(p.total_ticket_lst, sum_ticket);
    prop_assert_eq!(p.total_bucket_lst, sum_bucket);
    prop_assert_eq!(p.total_queued_lst, sum_queued);
    prop_assert_eq!(p.total_unclaimed_yield, sum_unclaimed);
    // Invariant 1: the vault covers every obligation, exactly up to forfeited dust.
    let obligations = p.obligations().unwrap();
    prop_assert!(
        vault >= obligations,
        "vault {vault} < obligations {obligations}"
    );
    prop_assert!(
        vault - obligations <= 64 * (case.steps + 1),
        "vault surplus {} too large",
        vault - obligations
    );
    // Invariant 4: each reward vault covers its index's obligations, and what the delegations
    // can claim never exceeds what was distributed and not yet paid.
    for (o, per) in indexes.iter().enumerate() {
        for (s, index) in per.iter().enumerate() {
            let balance = env.token_balance(&index.reward_vault).await;
            prop_assert!(
                balance >= index.obligations().unwrap(),
                "reward vault {o}/{s} short"
            );
            prop_assert!(
                index.total_paid <= index.total_net,
                "stream {o}/{s} paid more than was funded"
            );
            let promised = u128::from(index.total_net - index.total_paid) * REWARD_ACC_SCALE
                - index.carry_scaled
                - index.streaming_scaled;
            prop_assert!(
                owed_rewards[o][s] * REWARD_ACC_SCALE <= promised,
                "stream {o}/{s} overpromised"
            );
        }
    }
    Ok(())
}

#[test]
fn invariants_hold_over_random_sequences() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let mut runner = TestRunner::new(ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let harness = Harness::new();
    runner
        .run(&proptest::collection::vec(op_strategy(), 1..40), |ops| {
            harness.run_case(&ops)
        })
        .unwrap();
    println!(
        "{cases} sequences; successful operations: {:?}",
        harness.ok.borrow()
    );
}
