//! The lifecycle demo: config, a pool on an SPL-stake-pool-priced LST, two stakers deposit, the
//! LST's rate rises, both claim their base yield, and one withdraws after the delay.
use restaking::math::value_of_lst_floor;
use restaking_tests::solana_sdk::signature::Signer;
use restaking_tests::{client, Env, MintKind, TestPool, User, DAY, ONE, WITHDRAWAL_DELAY};

type DemoResult = Result<(), String>;

fn lst(amount: u64) -> String {
    format!("{}.{:09}", amount / ONE, amount % ONE)
}

fn rate_str(rate: u128) -> String {
    let scale = restaking::constants::RATE_SCALE;
    format!("{}.{:06}", rate / scale, (rate % scale) / 1_000_000_000_000)
}

async fn report(env: &mut Env, pool: &TestPool, users: &[(&str, &User)], title: &str) {
    let p = env.pool(pool).await;
    let vault = env.token_balance(&pool.keys.vault).await;
    println!("\n── {title}");
    println!(
        "   rate {} SOL per LST · vault {} LST",
        rate_str(p.rate),
        lst(vault)
    );
    println!(
        "   {:<6} {:>16} {:>16} {:>16} {:>16} {:>16}",
        "", "wallet LST", "idle LST", "idle value", "unclaimed LST", "worth now"
    );
    for (name, user) in users {
        let wallet = env.token_balance(&user.lst_account).await;
        let pos = env.position(pool, user).await;
        let worth = value_of_lst_floor(pos.idle_lst, p.rate).unwrap_or(u64::MAX);
        println!(
            "   {:<6} {:>16} {:>16} {:>16} {:>16} {:>16}",
            name,
            lst(wallet),
            lst(pos.idle_lst),
            lst(pos.idle_principal),
            lst(pos.unclaimed_yield),
            lst(worth)
        );
    }
}

fn step(r: Result<(), impl std::fmt::Debug>, what: &str) -> DemoResult {
    r.map_err(|e| format!("{what}: {e:?}"))
}

pub async fn run() -> DemoResult {
    println!(
        "Restaking demo — program {} on an embedded SVM",
        restaking::ID
    );
    let mut env = Env::new().await;
    println!(
        "\n1. Config initialised: admin {}, 0 % protocol fee, 2-day slash veto",
        env.admin.pubkey()
    );

    // An LST priced by an SPL stake pool holding 1,000 SOL for 1,000 LST: rate 1.00.
    let pool = env
        .stake_pool_lst(MintKind::Spl, 1_000 * ONE, 1_000 * ONE)
        .await;
    println!(
        "2. Pool added for LST {} (SPL stake pool {}), withdrawal delay {} days",
        pool.keys.lst_mint,
        pool.keys
            .rate_source
            .map(|k| k.to_string())
            .unwrap_or_default(),
        WITHDRAWAL_DELAY / DAY
    );

    let alice = env.user(&pool, 100 * ONE).await;
    let bob = env.user(&pool, 300 * ONE).await;
    step(env.deposit(&pool, &alice, 100 * ONE).await, "alice deposit")?;
    step(env.deposit(&pool, &bob, 300 * ONE).await, "bob deposit")?;
    let users = [("alice", &alice), ("bob", &bob)];
    report(
        &mut env,
        &pool,
        &users,
        "3. Alice deposits 100 LST, Bob 300 LST",
    )
    .await;

    // The stake pool earns 10 %: 1,100 SOL for the same 1,000 LST.
    env.set_rate(&pool, 1_100 * ONE, 1_000 * ONE).await;
    let bob_position = pool.keys.position(&bob.key());
    step(
        env.send(&[client::harvest(&pool.keys, bob_position)], &[])
            .await,
        "harvest",
    )?;
    report(
        &mut env,
        &pool,
        &users,
        "4. The LST's rate rises to 1.10; a crank harvests Bob",
    )
    .await;

    step(env.claim(&pool, &alice).await, "alice claim")?;
    step(env.claim(&pool, &bob).await, "bob claim")?;
    report(
        &mut env,
        &pool,
        &users,
        "5. Both claim their base yield (paid in LST)",
    )
    .await;

    let ticket = env
        .request_withdrawal(&pool, &alice, 50 * ONE)
        .await
        .map_err(|e| format!("alice request_withdrawal: {e:?}"))?;
    report(
        &mut env,
        &pool,
        &users,
        "6. Alice requests a withdrawal of 50 LST",
    )
    .await;

    env.advance_time(WITHDRAWAL_DELAY - 1).await;
    env.set_rate(&pool, 1_100 * ONE, 1_000 * ONE).await;
    let early = env.complete_withdrawal(&pool, &alice, ticket).await;
    println!(
        "\n7. One second before the delay ends, completing fails: {}",
        if early.is_err() {
            "TicketNotMatured (as it must)"
        } else {
            "UNEXPECTEDLY SUCCEEDED"
        }
    );
    if early.is_ok() {
        return Err("a withdrawal completed before its delay".into());
    }
    env.advance_time(1).await;
    step(
        env.complete_withdrawal(&pool, &alice, ticket).await,
        "alice complete_withdrawal",
    )?;
    report(
        &mut env,
        &pool,
        &users,
        "8. After 7 days Alice's ticket completes",
    )
    .await;

    let p = env.pool(&pool).await;
    let vault = env.token_balance(&pool.keys.vault).await;
    let obligations = p.obligations().map_err(|e| format!("{e:?}"))?;
    println!(
        "\nVault {} LST = obligations {} LST (idle + tickets + unclaimed yield): {}",
        lst(vault),
        lst(obligations),
        if vault == obligations {
            "every base unit accounted for"
        } else {
            "MISMATCH"
        }
    );
    if vault != obligations {
        return Err("vault does not equal the pool's obligations".into());
    }
    println!(
        "Yield paid: {} LST · deposited {} LST · withdrawn {} LST",
        lst(p.total_yield_paid_lst),
        lst(p.total_deposited_lst),
        lst(p.total_withdrawn_lst)
    );
    Ok(())
}
