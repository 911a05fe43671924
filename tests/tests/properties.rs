//! Property test over random multi-user sequences of deposit / delegate / undelegate /
//! withdraw / cancel / complete / claim / harvest / rate moves / time, on the embedded bank,
//! asserting SPEC §5 invariants 1, 2, 3 and 5 after every step.
//!
//! `PROPTEST_CASES` sets the number of sequences (default 500); each runs in a fresh bank.

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use restaking::math::assets_for_shares;
use restaking::state::{TicketKind, WithdrawalTicket};
use restaking_tests::solana_sdk::pubkey::Pubkey;
use restaking_tests::*;

const USERS: usize = 3;
const OPERATORS: usize = 2;
const START_LST: u64 = 1_000 * ONE;

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
    /// Moves the LST's rate by `bps_change` (−500 … +1000) of the current one.
    Rate {
        bps_change: i64,
    },
    Wait {
        hours: i64,
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
        2 => (user.clone(), permille).prop_map(|(user, permille)| Op::RequestWithdrawal { user, permille }),
        2 => (user.clone(), 0usize..8).prop_map(|(user, pick)| Op::Complete { user, pick }),
        1 => (user.clone(), 0usize..8).prop_map(|(user, pick)| Op::Cancel { user, pick }),
        2 => (user, proptest::option::of(op.clone())).prop_map(|(user, op)| Op::Claim { user, op }),
        1 => op.prop_map(|op| Op::HarvestBucket { op }),
        2 => (-500i64..=1_000).prop_map(|bps_change| Op::Rate { bps_change }),
        2 => (1i64..=24 * 10).prop_map(|hours| Op::Wait { hours }),
    ]
}

/// What the model remembers of one case.
struct Case {
    pool: TestPool,
    users: Vec<User>,
    ops: Vec<TestOperator>,
    /// Open tickets per user: (address, bucket for `Undelegate` tickets).
    tickets: Vec<Vec<(Pubkey, Option<usize>)>>,
    /// Stake-pool lamports behind `ONE_BILLION` LST: the rate is `lamports / 10^18`.
    lamports: u64,
    steps: u64,
    /// Successful operations by kind, to show the sequences reach deep states.
    ok: std::collections::BTreeMap<&'static str, u64>,
}

const SUPPLY: u64 = 1_000_000 * ONE;

struct Harness {
    rt: tokio::runtime::Runtime,
    ok: std::cell::RefCell<std::collections::BTreeMap<&'static str, u64>>,
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
        tickets: vec![Vec::new(); USERS],
        lamports: SUPPLY,
        steps: 0,
        ok: Default::default(),
    }
}

fn frac(amount: u64, permille: u64) -> u64 {
    (u128::from(amount) * u128::from(permille) / 1_000) as u64
}

async fn apply(env: &mut Env, case: &mut Case, op: &Op) {
    let pool = case.pool;
    // Failures are part of the game (zero amounts, nothing idle, unmatured tickets): the
    // invariants must hold whatever succeeded.
    match *op {
        Op::Deposit { user, permille } => {
            let balance = env.token_balance(&case.users[user].lst_account).await;
            if env
                .deposit(&pool, &case.users[user], frac(balance, permille))
                .await
                .is_ok()
            {
                *case.ok.entry("deposit").or_default() += 1;
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
                *case.ok.entry("delegate").or_default() += 1;
            }
        }
        Op::Undelegate { user, op, permille } => {
            let key = client::delegation_pda(
                &pool.keys.position(&case.users[user].key()),
                &case.ops[op].bucket,
            );
            if env.exists(&key).await {
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
                    *case.ok.entry("undelegate").or_default() += 1;
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
                *case.ok.entry("request_withdrawal").or_default() += 1;
            }
        }
        Op::Complete { user, pick } | Op::Cancel { user, pick } => {
            if case.tickets[user].is_empty() {
                return;
            }
            let i = pick % case.tickets[user].len();
            let (ticket, bucket) = case.tickets[user][i];
            let u = &case.users[user];
            let bucket_key = bucket.map(|b| case.ops[b].bucket);
            let ix = if matches!(op, Op::Complete { .. }) {
                client::complete_ticket(u.key(), &pool.keys, ticket, u.lst_account, bucket_key)
            } else {
                client::cancel_ticket(u.key(), &pool.keys, ticket, bucket_key)
            };
            let kp = u.kp.insecure_clone();
            if env.send(&[ix], &[&kp]).await.is_ok() {
                case.tickets[user].remove(i);
                let kind = match (op, bucket) {
                    (Op::Complete { .. }, None) => "complete_withdrawal",
                    (Op::Complete { .. }, Some(_)) => "complete_undelegation",
                    (_, None) => "cancel_withdrawal",
                    (_, Some(_)) => "cancel_undelegation",
                };
                *case.ok.entry(kind).or_default() += 1;
            }
        }
        Op::Claim { user, op } => {
            let u = &case.users[user];
            let bucket = op.map(|o| case.ops[o].bucket).filter(|_| true);
            let bucket = match bucket {
                Some(b)
                    if env
                        .exists(&client::delegation_pda(&pool.keys.position(&u.key()), &b))
                        .await =>
                {
                    Some(b)
                }
                _ => None,
            };
            let ix = client::claim_delegation(u.key(), &pool.keys, u.lst_account, bucket);
            let kp = u.kp.insecure_clone();
            env.send(&[ix], &[&kp])
                .await
                .expect("claim never fails on a live position");
        }
        Op::HarvestBucket { op } => {
            let ix = client::harvest_accounts(&pool.keys, None, Some(case.ops[op].bucket));
            env.send(&[ix], &[]).await.expect("harvest never fails");
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

/// SPEC §5 invariants 1, 2, 3 and 5.
async fn check_invariants(env: &mut Env, case: &Case) -> Result<(), TestCaseError> {
    let pool = case.pool;
    let p = env.pool(&pool).await;
    let vault = env.token_balance(&pool.keys.vault).await;

    let mut sum_idle = 0u64;
    let mut sum_unclaimed = 0u64;
    let mut sum_ticket = 0u64;
    let mut sum_bucket = 0u64;
    let mut sum_queued = 0u64;
    let mut buckets = Vec::new();
    for op in &case.ops {
        let b = env.bucket(op).await;
        sum_bucket += b.total_lst;
        sum_queued += b.queued_lst;
        sum_unclaimed += b.unclaimed_base_yield;
        buckets.push(b);
    }
    let mut delegation_shares = vec![0u64; OPERATORS];
    let mut total_holdings = 0u128;

    for (u, user) in case.users.iter().enumerate() {
        let pos = env.position(&pool, user).await;
        sum_idle += pos.idle_lst;
        sum_unclaimed += pos.unclaimed_yield;
        // Everything this user owns, in LST: wallet, idle, unclaimed yield, delegated shares,
        // settled and pending bucket yield, and open tickets.
        let mut holdings = u128::from(env.token_balance(&user.lst_account).await)
            + u128::from(pos.idle_lst)
            + u128::from(pos.unclaimed_yield);
        let mut roundings = 0u128;
        for (o, op) in case.ops.iter().enumerate() {
            let key = client::delegation_pda(&pool.keys.position(&user.key()), &op.bucket);
            if !env.exists(&key).await {
                continue;
            }
            let d = env.delegation(&pool, user, op).await;
            let b = &buckets[o];
            delegation_shares[o] += d.shares;
            holdings +=
                u128::from(assets_for_shares(d.shares, b.total_shares, b.total_lst).unwrap());
            let pending = restaking::math::accrued(
                d.shares,
                b.base_acc_per_share - d.base_acc_checkpoint,
                restaking::math::BASE_ACC_SCALE,
            )
            .unwrap();
            holdings += u128::from(d.unclaimed_base_yield) + u128::from(pending);
            roundings += 2;
        }
        for (ticket, bucket) in &case.tickets[u] {
            let t: WithdrawalTicket = env.state(ticket).await;
            match (t.kind, bucket) {
                (TicketKind::Withdraw, None) => {
                    sum_ticket += t.lst;
                    holdings += u128::from(t.lst);
                }
                (TicketKind::Undelegate, Some(o)) => {
                    let b = &buckets[*o];
                    holdings += u128::from(
                        assets_for_shares(t.shares, b.queued_shares, b.queued_lst).unwrap(),
                    );
                    roundings += 1;
                }
                other => {
                    return Err(TestCaseError::fail(format!(
                        "ticket kind mismatch {other:?}"
                    )))
                }
            }
        }
        // Invariant 2 / 5: what a user holds equals what they brought up to rounding dust (a few
        // base units per share operation and harvest; a newcomer's rounded-down mint can leave
        // a unit to the bucket's existing holders, so the bound is two-sided).
        let start = u128::from(START_LST);
        let dust_bound = roundings + 4 * u128::from(case.steps) + 16;
        prop_assert!(
            holdings <= start + dust_bound,
            "user {u} holds {holdings} > {start} after {} steps",
            case.steps
        );
        prop_assert!(
            holdings + dust_bound >= start,
            "user {u} lost {} base units after {} steps",
            start - holdings,
            case.steps
        );
        total_holdings += holdings;
    }

    // No sequence creates LST: together the users never hold more than they brought.
    prop_assert!(
        total_holdings <= u128::from(START_LST) * USERS as u128,
        "users hold {} > all they brought",
        total_holdings
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
