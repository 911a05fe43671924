//! The lifecycle demo: config, a pool on an SPL-stake-pool-priced LST, two operators with
//! reward streams, two stakers who deposit and delegate (one split across both operators), the
//! LST's rate rising, a service funding rewards, dual-yield claims, an undelegation and a
//! withdrawal after the delay, and the books checked to the last base unit.
use restaking::math::value_of_lst_floor;
use restaking::state::RewardIndex;
use restaking_tests::solana_sdk::pubkey::Pubkey;
use restaking_tests::solana_sdk::signature::Signer;
use restaking_tests::{
    client, custom_code, Env, MintKind, TestOperator, TestPool, User, DAY, ONE, WITHDRAWAL_DELAY,
};

type DemoResult = Result<(), String>;

/// Reward tokens have 6 decimals.
const TOKEN: u64 = 1_000_000;

fn lst(amount: u64) -> String {
    format!("{}.{:09}", amount / ONE, amount % ONE)
}

fn tokens(amount: u64) -> String {
    format!("{}.{:06}", amount / TOKEN, amount % TOKEN)
}

fn rate_str(rate: u128) -> String {
    let scale = restaking::constants::RATE_SCALE;
    format!("{}.{:06}", rate / scale, (rate % scale) / 1_000_000_000_000)
}

struct Staker<'a> {
    name: &'static str,
    user: &'a User,
    rewards: Pubkey,
}

async fn report(
    env: &mut Env,
    pool: &TestPool,
    ops: &[(&str, &TestOperator)],
    stakers: &[Staker<'_>],
    title: &str,
) {
    let p = env.pool(pool).await;
    let vault = env.token_balance(&pool.keys.vault).await;
    println!("\n── {title}");
    println!(
        "   rate {} SOL per LST · vault {} LST",
        rate_str(p.rate),
        lst(vault)
    );
    print!(
        "   {:<6} {:>15} {:>15} {:>15}",
        "", "wallet LST", "idle LST", "unclaimed LST"
    );
    for (name, _) in ops {
        print!(" {:>15}", format!("in {name}"));
    }
    println!(" {:>15} {:>13}", "worth (SOL)", "reward tkn");
    for s in stakers {
        let wallet = env.token_balance(&s.user.lst_account).await;
        let pos = env.position(pool, s.user).await;
        let mut held = pos.idle_lst;
        print!(
            "   {:<6} {:>15} {:>15} {:>15}",
            s.name,
            lst(wallet),
            lst(pos.idle_lst),
            lst(pos.unclaimed_yield)
        );
        for (_, op) in ops {
            let key = client::delegation_pda(&pool.keys.position(&s.user.key()), &op.bucket);
            let delegated = if env.exists(&key).await {
                env.delegated_lst(pool, s.user, op).await
            } else {
                0
            };
            held += delegated;
            print!(" {:>15}", lst(delegated));
        }
        let worth = value_of_lst_floor(held, p.rate).unwrap_or(u64::MAX);
        let rewards = env.token_balance(&s.rewards).await;
        println!(" {:>15} {:>13}", lst(worth), tokens(rewards));
    }
}

fn step<T, E: std::fmt::Debug>(r: Result<T, E>, what: &str) -> Result<T, String> {
    r.map_err(|e| format!("{what}: {e:?}"))
}

pub async fn run() -> DemoResult {
    println!(
        "Restaking demo — program {} on an embedded SVM",
        restaking::ID
    );
    let mut env = Env::new().await;
    println!(
        "\n1. Config: admin {}, 0 % protocol fee, 2-day slash veto window",
        env.admin.pubkey()
    );

    // An LST priced by an SPL stake pool holding 1,000 SOL for 1,000 LST: rate 1.00.
    let pool = env
        .stake_pool_lst(MintKind::Spl, 1_000 * ONE, 1_000 * ONE)
        .await;
    println!(
        "2. Pool for LST {} priced by SPL stake pool {}; withdrawal delay {} days",
        pool.keys.lst_mint,
        pool.keys
            .rate_source
            .map(|k| k.to_string())
            .unwrap_or_default(),
        WITHDRAWAL_DELAY / DAY
    );

    let x = env.operator(&pool, 1_000).await;
    let y = env.operator(&pool, 500).await;
    let reward_mint = env.create_mint(MintKind::Spl, 6).await;
    let stream_x = env.add_stream(&x, reward_mint).await;
    let stream_y = env.add_stream(&y, reward_mint).await;
    println!(
        "3. Operators X (10 % commission) and Y (5 %), each with a reward stream in {reward_mint}"
    );

    let alice = env.user(&pool, 100 * ONE).await;
    let bob = env.user(&pool, 300 * ONE).await;
    let alice_rewards = env.create_token_account(&reward_mint, &alice.key()).await;
    let bob_rewards = env.create_token_account(&reward_mint, &bob.key()).await;
    let stakers = [
        Staker {
            name: "alice",
            user: &alice,
            rewards: alice_rewards,
        },
        Staker {
            name: "bob",
            user: &bob,
            rewards: bob_rewards,
        },
    ];
    let ops = [("X", &x), ("Y", &y)];
    step(env.deposit(&pool, &alice, 100 * ONE).await, "alice deposit")?;
    step(env.deposit(&pool, &bob, 300 * ONE).await, "bob deposit")?;
    step(
        env.delegate(&pool, &alice, &x, 60 * ONE).await,
        "alice delegate X",
    )?;
    step(
        env.delegate(&pool, &alice, &y, 40 * ONE).await,
        "alice delegate Y",
    )?;
    step(
        env.delegate(&pool, &bob, &x, 300 * ONE).await,
        "bob delegate X",
    )?;
    report(
        &mut env,
        &pool,
        &ops,
        &stakers,
        "4. Alice deposits 100 LST (60 to X, 40 to Y); Bob 300 LST to X",
    )
    .await;

    let again = env.delegate(&pool, &alice, &y, ONE).await;
    if custom_code(&again)
        != Some(u32::from(
            restaking::error::RestakingError::InsufficientIdle,
        ))
    {
        return Err(format!(
            "delegating LST Alice no longer holds must fail, got {again:?}"
        ));
    }
    println!("\n5. Alice tries to delegate 1 more LST to Y: InsufficientIdle — one LST unit backs one delegation");

    // The stake pool earns 5 %, and a service pays 1,000 tokens to X's delegators.
    env.set_rate(&pool, 1_050 * ONE, 1_000 * ONE).await;
    let service = env.funder(&reward_mint, 1_000 * TOKEN).await;
    step(
        env.fund(&service, &x, &stream_x, 1_000 * TOKEN).await,
        "fund rewards",
    )?;
    println!("\n6. The LST's rate rises to 1.05 and a service funds 1,000 tokens into X's stream");
    println!("   (X keeps 10 % commission; 900 tokens go to X's 360 LST of shares)");

    for (s, op, stream) in [
        (&stakers[0], &x, stream_x),
        (&stakers[0], &y, stream_y),
        (&stakers[1], &x, stream_x),
    ] {
        step(
            env.claim_streams(&pool, s.user, op, &[(stream, s.rewards)])
                .await,
            "claim",
        )?;
    }
    report(
        &mut env,
        &pool,
        &ops,
        &stakers,
        "7. Each claims both legs per delegation in one instruction: LST yield + reward tokens",
    )
    .await;

    let bob_shares = env.delegation(&pool, &bob, &x).await.shares;
    let ticket = step(
        env.undelegate(&pool, &bob, &x, bob_shares / 3).await,
        "bob undelegate",
    )?;
    env.advance_time(WITHDRAWAL_DELAY).await;
    env.set_rate(&pool, 1_050 * ONE, 1_000 * ONE).await;
    step(
        env.complete_undelegation(&pool, &bob, &x, ticket).await,
        "bob complete undelegation",
    )?;
    let idle = env.position(&pool, &bob).await.idle_lst;
    let withdrawal = step(
        env.request_withdrawal(&pool, &bob, idle).await,
        "bob request withdrawal",
    )?;
    report(
        &mut env,
        &pool,
        &ops,
        &stakers,
        "8. Bob undelegates a third; 7 days later it is idle and he asks to withdraw it",
    )
    .await;
    println!(
        "   Bob's withdrawal ticket holds {} LST until its delay ends",
        lst(idle)
    );

    env.advance_time(WITHDRAWAL_DELAY - 1).await;
    let early = env.complete_withdrawal(&pool, &bob, withdrawal).await;
    if custom_code(&early)
        != Some(u32::from(
            restaking::error::RestakingError::TicketNotMatured,
        ))
    {
        return Err(format!(
            "a withdrawal must not complete before its delay, got {early:?}"
        ));
    }
    println!("\n9. One second before the delay ends, completing fails with TicketNotMatured");
    env.advance_time(1).await;
    step(
        env.complete_withdrawal(&pool, &bob, withdrawal).await,
        "bob complete withdrawal",
    )?;
    report(
        &mut env,
        &pool,
        &ops,
        &stakers,
        "10. After 7 days Bob's LST is back in his wallet",
    )
    .await;

    let op_rewards = env.create_token_account(&reward_mint, &x.kp.pubkey()).await;
    let op_kp = x.kp.insecure_clone();
    step(
        env.send(
            &[client::claim_commission(
                op_kp.pubkey(),
                &stream_x,
                op_rewards,
            )],
            &[&op_kp],
        )
        .await,
        "commission",
    )?;
    println!(
        "\n11. Operator X claims its commission: {} tokens",
        tokens(env.token_balance(&op_rewards).await)
    );

    let p = env.pool(&pool).await;
    let vault = env.token_balance(&pool.keys.vault).await;
    let obligations = p.obligations().map_err(|e| format!("{e:?}"))?;
    println!(
        "\nLST vault {} = obligations {} (idle + buckets + queue + tickets + unclaimed yield){}",
        lst(vault),
        lst(obligations),
        if vault >= obligations {
            format!(
                " + {} dust: every base unit accounted for",
                vault - obligations
            )
        } else {
            " MISMATCH".into()
        }
    );
    if vault < obligations {
        return Err("vault does not cover the pool's obligations".into());
    }
    let index: RewardIndex = env.state(&stream_x.reward_index).await;
    let reward_vault = env.token_balance(&stream_x.reward_vault).await;
    let owed = index.obligations().map_err(|e| format!("{e:?}"))?;
    println!(
        "Reward vault of X {} tokens ≥ owed {} tokens",
        tokens(reward_vault),
        tokens(owed)
    );
    if reward_vault < owed {
        return Err("reward vault does not cover its stream".into());
    }
    println!(
        "Base yield paid {} LST · deposited {} LST · withdrawn {} LST",
        lst(p.total_yield_paid_lst),
        lst(p.total_deposited_lst),
        lst(p.total_withdrawn_lst)
    );
    Ok(())
}
