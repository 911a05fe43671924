//! S11 — a real stake pool. The restaking program's binary priced by the real SPL stake-pool
//! program (2.2.0, at `SPoo1Ku8WFXoNDMHPsrGSTSG1Y47rzgn41SLUNakuHy`), both in LiteSVM:
//!
//! A stake pool with a 5 % epoch fee is initialised; Alice stakes 100 SOL with `DepositSol`
//! and receives its LST; the admin adds a restaking pool priced by that stake-pool account
//! (`RateSource::SplStakePool`); Alice deposits all her LST and delegates 60 % to operator X,
//! whose reward stream is funded. An epoch passes with 1 SOL of rewards landing in the
//! reserve: until the stake pool's own update runs, every restaking instruction that needs the
//! rate fails with `StaleRate`; after `UpdateValidatorListBalance`, `UpdateStakePoolBalance`
//! and `CleanupRemovedValidatorEntries`, Alice's one `claim` reads the new rate from the real
//! account and pays the LST base yield that `total_lamports / pool_token_supply` implies (with
//! the program's rounding, from the account's fields after the update) plus X's reward tokens.
//! Alice then undelegates and withdraws her LST (waiting the pool's withdrawal delay, the
//! stake pool updated each epoch) and redeems it at the stake pool with `WithdrawSol`, for the
//! SOL the pool's math gives.
//!
//! Run with `--nocapture` to see the figures (`scripts/test-stake-pool.sh` does).
#![allow(clippy::arithmetic_side_effects)]

mod common;

use common::*;
use restaking::math::{lst_for_value_ceil, rate_from_ratio, value_of_lst_floor};
use restaking::rate_source::spl_stake_pool::parse_stake_pool;
use restaking::state::TicketKind;
use restaking_stake_pool_tests::{expected_claim, mul_div_floor, Fee, StakePoolModel};

const STALE_RATE: &str = "StaleRate";

#[test]
fn scenario_s11_real_stake_pool() {
    let epoch_fee = Fee::new(5, 100);
    let mut env = Env::new(epoch_fee);
    let mut model = StakePoolModel::from_spl(&env.stake_pool());
    let epoch0 = env.epoch();

    // Alice stakes 100 SOL at the stake pool and receives its LST
    let alice = env.user(1_000 * ONE);
    let deposit = model.deposit_sol(100 * ONE, epoch0).expect("model deposit");
    let sol_before = env.lamports(&alice.key);
    env.deposit_sol(alice.key, alice.lst, 100 * ONE)
        .unwrap_or_else(|f| panic!("DepositSol: {}", f.describe()));
    let alice_lst = env.token_amount(&alice.lst);
    assert_eq!(alice_lst, deposit.user_tokens);
    assert_eq!(
        alice_lst,
        100 * ONE,
        "an empty pool mints 1 token per lamport"
    );
    assert_eq!(sol_before - env.lamports(&alice.key), 100 * ONE);
    assert!(model.diff(&env.stake_pool()).is_empty());

    // the admin adds a restaking pool priced by that stake-pool account; operator X has a
    // reward stream (commission 10 %, protocol fee 0)
    env.setup_restaking(0, &[(1_000, true)]);
    env.create_token_account(alice.rewards, env.reward_mint, alice.key);
    let x = 0;
    let rate0 = model.rate().expect("rate");
    assert_eq!(env.pool().rate, rate0);
    assert_eq!(
        rate0,
        restaking::constants::RATE_SCALE,
        "rate 1.0 before any reward"
    );
    // the program's fixed offsets read the real 611-byte account
    let real = parse_stake_pool(&env.stake_pool_data()).expect("parse the real account");
    assert_eq!(env.stake_pool_data().len(), 611);
    assert_eq!(real.pool_mint, env.sp.mint);
    assert_eq!(real.total_lamports, model.total_lamports);
    assert_eq!(real.pool_token_supply, model.pool_token_supply);
    assert_eq!(real.last_update_epoch, epoch0);

    // Alice deposits all her LST and delegates 60 % to X; X's stream is funded
    env.open_position(&alice);
    let dep = env.deposit_ix(&alice, alice_lst);
    let deposit_cu = env.ok("deposit", &[dep]).cu;
    let delegated = alice_lst * 60 / 100;
    let del = env.delegate_ix(&alice, x, delegated);
    env.ok("delegate 60 % to X", &[del]);
    let funded = 1_000 * TOKEN;
    let fund = env.fund_rewards_ix(x, funded);
    env.ok("fund X's stream", &[fund]);
    let position = env.position(&alice).expect("position");
    assert_eq!(position.idle_lst, alice_lst - delegated);
    assert_eq!(env.bucket(x).total_lst, delegated);
    assert_eq!(env.vault_balance(), alice_lst);

    // an epoch passes; 1 SOL of rewards lands in the reserve
    env.next_epoch(ONE);
    let epoch1 = env.epoch();
    assert_eq!(epoch1, epoch0 + 1);
    // not yet updated: the stake pool itself refuses SOL deposits ...
    let f = env
        .deposit_sol(alice.key, alice.lst, ONE)
        .expect_err("a stale stake pool refuses DepositSol");
    assert_eq!(
        f.custom_code(),
        Some(spl_stake_pool::error::StakePoolError::StakeListAndPoolOutOfDate as u32)
    );
    // ... and every restaking instruction that needs the rate fails with StaleRate
    let (request, _) = env.request_withdrawal_ix(&alice, ONE);
    let stale_probes = [
        ("harvest", env.harvest_ix(&alice)),
        ("request_withdrawal", request),
        ("delegate", env.delegate_ix(&alice, x, ONE)),
        ("undelegate", env.undelegate_ix(&alice, x, 1).0),
    ];
    for (name, ix) in stale_probes {
        let f = env
            .send(&[ix])
            .expect_err("a stale stake pool's rate must be refused");
        assert_eq!(
            f.restaking_error().as_deref(),
            Some(STALE_RATE),
            "{name}: {}",
            f.describe()
        );
    }
    assert_eq!(env.pool().rate, rate0, "nothing read the stale account");

    // the stake pool's own update
    let reserve_free = env.reserve_free();
    let fee_tokens = model.update(epoch1, reserve_free).expect("model update");
    let manager_before = env.token_amount(&env.sp.manager_fee);
    let update_cu = env.update_stake_pool();
    let sp = env.stake_pool();
    assert!(model.diff(&sp).is_empty(), "{:?}", model.diff(&sp));
    assert_eq!(sp.total_lamports, 101 * ONE);
    assert_eq!(sp.last_update_epoch, epoch1);
    assert_eq!(
        env.token_amount(&env.sp.manager_fee) - manager_before,
        fee_tokens,
        "the 5 % epoch fee, minted to the manager"
    );
    assert_eq!(sp.pool_token_supply, env.mint_supply(&env.sp.mint));

    // Alice's one claim: the rate from the real account, read in the same instruction
    let rate1 = rate_from_ratio(
        u128::from(sp.total_lamports),
        u128::from(sp.pool_token_supply),
    )
    .expect("rate");
    assert!(rate1 > rate0);
    let position = env.position(&alice).expect("position");
    let bucket = env.bucket(x);
    let delegation = env.delegation(&alice, x).expect("delegation");
    let expected = expected_claim(&position, Some((&bucket, &delegation)), Some(rate1))
        .expect("expected claim");
    let idle_part = expected_claim(&position, None, Some(rate1)).expect("idle part");
    let delegated_part = expected - idle_part;
    let lst_before = env.token_amount(&alice.lst);
    let claim = env.claim_ix(&alice, Some(x));
    let claim_cu = env.ok("claim", &[claim]).cu;
    let paid_lst = env.token_amount(&alice.lst) - lst_before;
    let paid_rewards = env.token_amount(&alice.rewards);
    assert_eq!(paid_lst, expected, "base yield as the real account implies");
    assert_eq!(env.pool().rate, rate1, "the claim read the updated account");
    // the same figure as the closed form 100 − ceil(100 / rate), within the rounding of the
    // split into the idle holding and the bucket (one unit each)
    let closed_form = alice_lst - lst_for_value_ceil(alice_lst, rate1).expect("ceil");
    assert!(
        closed_form.abs_diff(paid_lst) <= 2,
        "{paid_lst} vs {closed_form}"
    );
    // X's rewards: 1,000 funded, 10 % commission, no protocol fee, Alice the only delegator
    assert_eq!(paid_rewards, 900 * TOKEN);
    // what stays in the restaking pool is worth her principal at the new rate
    let position = env.position(&alice).expect("position");
    let bucket = env.bucket(x);
    let held = position.idle_lst + bucket.total_lst;
    let principal = position.idle_principal + bucket.total_principal;
    assert!(value_of_lst_floor(held, rate1).expect("value") + 2 >= principal);
    let pool = env.pool();
    assert!(env.vault_balance() >= pool.obligations().expect("obligations"));

    // Alice undelegates everything and withdraws, waiting the pool's withdrawal delay
    let shares = env.delegation(&alice, x).expect("delegation").shares;
    let (undelegate, undelegation) = env.undelegate_ix(&alice, x, shares);
    env.ok("undelegate", &[undelegate]);
    let bucket_key = env.operators[x].bucket;
    let t = env.ticket(&undelegation).expect("ticket");
    assert!(matches!(t.kind, TicketKind::Undelegate));
    let wait_epochs = |env: &mut Env, model: &mut StakePoolModel, until: i64| {
        // every epoch boundary on the way: no rewards, the stake pool updated
        while env.now() < until {
            let next_start = START_TS + (env.epoch() + 1 - START_EPOCH) as i64 * EPOCH_SECS;
            if next_start > until {
                env.set_time(until);
                break;
            }
            env.next_epoch(0);
            let epoch = env.epoch();
            model
                .update(epoch, env.reserve_free())
                .expect("model update");
            env.update_stake_pool();
            assert!(model.diff(&env.stake_pool()).is_empty());
        }
    };
    let unlock = t.unlock_ts;
    wait_epochs(&mut env, &mut model, unlock);
    let complete = env.complete_ix(&alice, undelegation, Some(bucket_key));
    env.ok("complete the undelegation (back to idle)", &[complete]);
    let idle = env.position(&alice).expect("position").idle_lst;
    let (request, withdrawal) = env.request_withdrawal_ix(&alice, idle);
    env.ok("request_withdrawal of all idle LST", &[request]);
    let unlock = env.ticket(&withdrawal).expect("ticket").unlock_ts;
    wait_epochs(&mut env, &mut model, unlock);
    let complete = env.complete_ix(&alice, withdrawal, None);
    env.ok("complete_withdrawal", &[complete]);
    let alice_back = env.token_amount(&alice.lst);
    assert!(
        alice_back <= alice_lst,
        "nobody gets more LST than they put in"
    );
    assert!(
        alice_lst - alice_back <= 4,
        "only rounding dust stays behind"
    );
    let pool = env.pool();
    assert!(env.vault_balance() >= pool.obligations().expect("obligations"));

    // ... and redeems it all at the stake pool for SOL
    let before = env.stake_pool();
    let expected_sol = mul_div_floor(alice_back, before.total_lamports, before.pool_token_supply)
        .expect("lamports");
    let w = model
        .withdraw_sol(alice_back, env.epoch(), env.reserve_free())
        .expect("model withdrawal");
    assert_eq!(w.lamports, expected_sol);
    let sol_before = env.lamports(&alice.key);
    env.withdraw_sol(alice.key, alice.lst, alice_back)
        .unwrap_or_else(|f| panic!("WithdrawSol: {}", f.describe()));
    let sol_received = env.lamports(&alice.key) - sol_before;
    assert_eq!(
        sol_received, expected_sol,
        "the pool's math: tokens × total / supply"
    );
    assert_eq!(env.token_amount(&alice.lst), 0);
    assert!(model.diff(&env.stake_pool()).is_empty());

    // figures
    println!("S11 — a real stake pool (spl-stake-pool 2.2.0 SBF) pricing the restaking pool");
    println!("stake-pool steps (compute units of the stake-pool program's instruction):");
    println!("{}", env.cu_table());
    println!(
        "  (update after the 1 SOL epoch: list {} + balance {} + cleanup {} CU)",
        update_cu[0], update_cu[1], update_cu[2]
    );
    println!("restaking: deposit {deposit_cu} CU, claim {claim_cu} CU (tx totals)");
    println!(
        "stake pool before the epoch: total_lamports {} pool_token_supply {} (rate {})",
        100 * ONE,
        deposit.user_tokens,
        rate_str(rate0)
    );
    println!(
        "after 1 SOL of rewards and the update (epoch {epoch1}): total_lamports {} \
         pool_token_supply {} last_update_epoch {}",
        sp.total_lamports, sp.pool_token_supply, sp.last_update_epoch
    );
    println!(
        "  5 % epoch fee minted to the manager: {fee_tokens} LST units; rate {}",
        rate_str(rate1)
    );
    println!(
        "Alice: 100 SOL -> {} LST; deposits all, 60 % ({}) delegated to X",
        sol(alice_lst),
        sol(delegated)
    );
    println!(
        "Alice's claim: {} LST base yield ({} idle + {} via X's bucket; closed form \
         100 - ceil(100/rate) = {}) and {} reward tokens",
        sol(paid_lst),
        sol(idle_part),
        sol(delegated_part),
        sol(closed_form),
        paid_rewards / TOKEN
    );
    println!(
        "Alice's exit: {} LST in her wallet (claimed yield + undelegated and withdrawn LST; \
         {} units of rounding dust stay in the pool) -> WithdrawSol {} SOL",
        sol(alice_back),
        alice_lst - alice_back,
        sol(sol_received)
    );
}
