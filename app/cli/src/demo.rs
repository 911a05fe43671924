//! The lifecycle demo, on a real validator: Surfpool embedded in this process (offline, a free
//! port on 127.0.0.1) with `target/deploy/restaking.so`, set up by the localnet's own code and
//! driven by the cluster commands' operations over JSON-RPC. Config, a pool on an
//! SPL-stake-pool LST, two operators with reward streams, two stakers (one split across both
//! operators), the LST's rate rising, a service funding rewards, dual-yield claims, a slash
//! (request, veto window, execution), an undelegation and a withdrawal after the delay (time
//! travel), the operator's commission, and the books checked to the last base unit.
//!
//! With `target/deploy/spl_stake_pool.so` (built by `scripts/build-sbf.sh`) the LST is a real
//! stake pool of the SPL stake-pool program: the stakers stake SOL into it (`DepositSol`), an
//! epoch's rewards land in its reserve and the pool's own update instructions raise its rate,
//! and Alice's claim is checked against the yield the pool's account implies. Without it, the
//! LST is priced by a byte-exact stake-pool account copy that the demo rewrites; the report
//! says which. Each step's compute units come from its transaction's meta. Any surprise exits
//! non-zero.
use crate::amount::{format_amount, format_rate, parse_rate};
use crate::chain::{failure_code, group, Chain, Sent};
use crate::localnet::{self, ValidatorOptions, WorldOptions, ONE, VETO_SECS, WITHDRAWAL_DELAY};
use crate::ops::{self, PoolInfo};
use anchor_lang::prelude::Pubkey;
use anyhow::{bail, Context, Result};
use restaking::error::RestakingError;
use restaking::math::{assets_for_shares, value_of_lst_floor};
use restaking::state::{Position, RewardIndex, SlashRequest};
use restaking_client as client;
use solana_sdk::signature::{Keypair, Signer};
use std::path::Path;

/// Reward tokens have 6 decimals.
const TOKEN: u64 = 1_000_000;

fn lst(units: u64) -> String {
    format_amount(units, 9)
}

fn tokens(units: u64) -> String {
    format_amount(units, 6)
}

struct Staker {
    name: &'static str,
    kp: Keypair,
}

struct Demo {
    chain: Chain,
    pool: PoolInfo,
    ops: Vec<(&'static str, Pubkey)>,
    stakers: Vec<Staker>,
    reward_mint: Pubkey,
    /// (step, compute units) of every transaction, in order.
    cu: Vec<(String, Option<u64>)>,
    /// Holders of the LST besides the stakers, the vault and the slash destination: the real
    /// stake pool's manager (its seed deposit and epoch fees).
    other_holders: Vec<(String, Pubkey)>,
}

impl Demo {
    fn record(&mut self, step: &str, sent: &Sent) {
        self.cu.push((step.to_string(), sent.compute_units));
    }

    fn ata(&self, owner: &Pubkey, mint: &Pubkey) -> Pubkey {
        anchor_spl::associated_token::get_associated_token_address_with_program_id(
            owner,
            mint,
            &anchor_spl::token::ID,
        )
    }

    fn report(&self, title: &str) -> Result<()> {
        let chain = &self.chain;
        let p = ops::load_pool(chain, &self.pool.key)?.state;
        let vault = chain.token_balance(&self.pool.keys.vault)?;
        println!("\n── {title}");
        println!(
            "   rate {} SOL per LST · vault {} LST",
            format_rate(p.rate),
            lst(vault)
        );
        print!(
            "   {:<6} {:>15} {:>15} {:>15}",
            "", "wallet LST", "idle LST", "unclaimed LST"
        );
        for (name, _) in &self.ops {
            print!(" {:>15}", format!("in {name}"));
        }
        println!(" {:>15} {:>13}", "worth (SOL)", "reward tkn");
        for s in &self.stakers {
            let owner = s.kp.pubkey();
            let wallet = chain.token_balance(&self.ata(&owner, &self.pool.keys.lst_mint))?;
            let (_, pos): (_, Position) = ops::position(chain, &self.pool, &owner)?;
            let mut held = pos.idle_lst;
            print!(
                "   {:<6} {:>15} {:>15} {:>15}",
                s.name,
                lst(wallet),
                lst(pos.idle_lst),
                lst(pos.unclaimed_yield)
            );
            for (_, operator) in &self.ops {
                let bucket = client::operator_pool_pda(operator, &self.pool.key);
                let key = client::delegation_pda(&self.pool.position(&owner), &bucket);
                let delegated = match chain.account(&key)? {
                    Some(acc) => {
                        let d: restaking::state::Delegation =
                            crate::chain::decode(&acc, &key, "delegation")?;
                        let b = ops::load_bucket(chain, &bucket)?.state;
                        assets_for_shares(d.shares, b.total_shares, b.total_lst)
                            .map_err(|e| anyhow::anyhow!("shares: {e}"))?
                    }
                    None => 0,
                };
                held = held.checked_add(delegated).context("overflow")?;
                print!(" {:>15}", lst(delegated));
            }
            let worth = value_of_lst_floor(held, p.rate).unwrap_or(u64::MAX);
            let rewards = chain.token_balance(&self.ata(&owner, &self.reward_mint))?;
            println!(" {:>15} {:>13}", lst(worth), tokens(rewards));
        }
        Ok(())
    }

    fn operator(&self, name: &str) -> Result<Pubkey> {
        self.ops
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, k)| *k)
            .with_context(|| format!("no operator {name}"))
    }
}

/// A step that must succeed: its compute units are recorded and shown.
fn cu_note(sent: &Sent) -> String {
    format!("({})", sent.cu())
}

/// Runs `scripts/build-sbf.sh` when the program binary is missing.
fn ensure_program(so: &Path) -> Result<()> {
    if so.is_file() {
        return Ok(());
    }
    let root = localnet::workspace_root();
    let script = root.join("scripts").join("build-sbf.sh");
    println!(
        "{} is missing: building it first with scripts/build-sbf.sh (several minutes)",
        so.display()
    );
    let status = std::process::Command::new(&script)
        .current_dir(&root)
        .stdout(std::process::Stdio::null())
        .status()
        .with_context(|| format!("cannot run {}", script.display()))?;
    if !status.success() || !so.is_file() {
        bail!(
            "scripts/build-sbf.sh failed; {} is still missing",
            so.display()
        );
    }
    Ok(())
}

/// Runs the demo; `stake_pool_copy`: price the LST by byte-exact stake-pool account copies
/// even when the stake-pool program's binary is there.
pub fn run(stake_pool_copy: bool) -> Result<()> {
    let so = localnet::program_so();
    ensure_program(&so)?;
    let dir = std::env::temp_dir().join(format!("restaking-demo-{}", std::process::id()));
    let stake_pool = Some(localnet::stake_pool_so()).filter(|p| p.is_file() && !stake_pool_copy);
    let result = run_in(&so, stake_pool, &dir, stake_pool_copy);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Alice's and Bob's stakes (lamports, and LST at the setup's rate of 1.0).
const ALICE_STAKE: u64 = 100 * ONE;
const BOB_STAKE: u64 = 300 * ONE;

fn run_in(
    so: &Path,
    stake_pool: Option<std::path::PathBuf>,
    dir: &Path,
    copies_asked: bool,
) -> Result<()> {
    let mut wopts = WorldOptions::new(dir.to_path_buf());
    wopts.stake_pool_program = stake_pool;
    let real = wopts.stake_pool_program.is_some();
    // With a real stake pool the stakers stake their SOL in the story; else their LST is minted.
    wopts.wallets = if real {
        vec![("alice".into(), 0), ("bob".into(), 0)]
    } else {
        vec![("alice".into(), ALICE_STAKE), ("bob".into(), BOB_STAKE)]
    };
    wopts.wallet_sol = if real { 1_000 * ONE } else { 100 * ONE };
    wopts.service_rewards = 1_000 * TOKEN;
    let mut setup_lines = vec![];
    let mut net = localnet::start(&ValidatorOptions::default(), &wopts, so, &mut |l| {
        setup_lines.push(l.to_string())
    })?;
    println!(
        "Restaking demo — program {} on an embedded Surfpool ({}, offline)",
        restaking::ID,
        net.validator.rpc_url
    );
    match &wopts.stake_pool_program {
        Some(p) => {
            println!(
                "LST rate source: real SPL stake-pool program ({})",
                relative(p)
            );
            for line in setup_lines
                .iter()
                .filter(|l| l.starts_with("SPL stake-pool program"))
            {
                println!("   {line}");
            }
        }
        None if copies_asked => println!(
            "LST rate source: byte-exact stake-pool account copies (--stake-pool-copy)"
        ),
        None => println!(
            "LST rate source: byte-exact stake-pool account copies (the stake-pool binary is missing: scripts/build-sbf.sh builds it)"
        ),
    }
    let result = lifecycle(&net, real);
    let stopped = net.validator.stop();
    result?;
    stopped
}

/// `path` relative to the workspace when it is inside it.
fn relative(path: &Path) -> String {
    let root = localnet::workspace_root();
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    path.strip_prefix(&root)
        .map_or_else(|_| path.display().to_string(), |p| p.display().to_string())
}

fn keypair(path: &str) -> Result<Keypair> {
    crate::keys::read_keypair(Path::new(path))
}

fn lifecycle(net: &localnet::Localnet, real: bool) -> Result<()> {
    let a = &net.addresses;
    let chain = Chain::new(&net.validator.rpc_url);
    let pool_entry = a.pool("spl").context("no spl pool")?;
    let pool = ops::load_pool(&chain, &localnet::parse(&pool_entry.pool)?)?;
    let reward_mint = localnet::parse(&a.reward_mints.first().context("no reward mint")?.mint)?;
    let x = a.operator("operator-x").context("no operator X")?;
    let y = a.operator("operator-y").context("no operator Y")?;
    let x_kp = keypair(&x.authority.keypair)?;
    let service = a.services.first().context("no service")?;
    let service_kp = keypair(&service.authority.keypair)?;
    let slasher_kp = keypair(&service.slasher.keypair)?;
    let stakers = vec![
        Staker {
            name: "alice",
            kp: keypair(&a.wallet("alice").context("alice")?.keypair)?,
        },
        Staker {
            name: "bob",
            kp: keypair(&a.wallet("bob").context("bob")?.keypair)?,
        },
    ];
    let mut demo = Demo {
        chain,
        pool: pool.clone(),
        ops: vec![
            ("X", localnet::parse(&x.operator)?),
            ("Y", localnet::parse(&y.operator)?),
        ],
        stakers,
        reward_mint,
        cu: vec![],
        other_holders: vec![],
    };
    let stake_pool_accounts = match pool.keys.rate_source {
        Some(key) if real => Some(
            crate::stake_pool::load_real(&demo.chain, &key)?
                .with_context(|| format!("{key} is not a real stake pool"))?
                .accounts,
        ),
        _ => None,
    };
    if let Some(a) = &stake_pool_accounts {
        demo.other_holders
            .push(("the stake pool's manager".into(), a.manager_fee_account));
    }
    let (op_x, op_y) = (demo.operator("X")?, demo.operator("Y")?);

    println!(
        "\n1. Config {}: admin {}, 0 % protocol fee, 2-day slash veto window",
        a.config, a.admin.pubkey
    );
    println!(
        "2. Pool {} for LST {} priced by SPL stake pool {} ({}); withdrawal delay {} days",
        pool.key,
        pool.keys.lst_mint,
        pool.keys
            .rate_source
            .map(|k| k.to_string())
            .unwrap_or_default(),
        if real {
            "the real program's pool: 5 % epoch fee, no validators, its SOL in the reserve"
        } else {
            "byte-exact account"
        },
        WITHDRAWAL_DELAY / localnet::DAY
    );
    println!(
        "3. Operators X (10 % commission) and Y (5 %), each with a reward stream in {reward_mint}; a service both link (up to 20 % slashable)"
    );

    let (alice, bob) = (
        demo.stakers[0].kp.insecure_clone(),
        demo.stakers[1].kp.insecure_clone(),
    );
    if let Some(accounts) = &stake_pool_accounts {
        let admin = keypair(&a.admin.keypair)?;
        let mut lines = vec![];
        for (who, kp, lamports) in [("alice", &alice, ALICE_STAKE), ("bob", &bob, BOB_STAKE)] {
            let (_, received, step) =
                crate::stake_pool::deposit(&demo.chain, &admin, kp, accounts, lamports)
                    .with_context(|| format!("{who} DepositSol"))?;
            if received != lamports {
                bail!(
                    "{who} staked {} SOL at 1.0 and received {} LST",
                    lst(lamports),
                    lst(received)
                );
            }
            demo.record(&format!("{who} DepositSol"), &step.sent);
            lines.push(format!(
                "{who} {} SOL → {} LST (DepositSol {} CU)",
                group(lamports / ONE),
                group(received / ONE),
                step.program_cu().map_or_else(|| "?".into(), group)
            ));
        }
        println!(
            "\n3b. Alice and Bob stake SOL with the stake pool and receive its LST at 1.0: {}",
            lines.join("; ")
        );
    }
    for (who, kp, amount) in [
        ("alice deposit", &alice, 100 * ONE),
        ("bob deposit", &bob, 300 * ONE),
    ] {
        let sent = ops::deposit(&demo.chain, kp, &pool, amount, 0).context(who)?;
        demo.record(who, &sent);
    }
    for (who, kp, op, amount) in [
        ("alice delegate X", &alice, op_x, 60 * ONE),
        ("alice delegate Y", &alice, op_y, 40 * ONE),
        ("bob delegate X", &bob, op_x, 300 * ONE),
    ] {
        let sent = ops::delegate(&demo.chain, kp, &pool, &op, amount).context(who)?;
        demo.record(who, &sent);
    }
    demo.report("4. Alice deposits 100 LST (60 to X, 40 to Y); Bob 300 LST to X")?;

    let again = ops::delegate(&demo.chain, &alice, &pool, &op_y, ONE);
    match &again {
        Err(e) if failure_code(e) == Some(u32::from(RestakingError::InsufficientIdle)) => {}
        Err(e) => bail!(
            "delegating LST Alice no longer holds must fail with InsufficientIdle, got: {e:#}"
        ),
        Ok(_) => bail!("delegating LST Alice no longer holds succeeded"),
    }
    println!("\n5. Alice tries to delegate 1 more LST to Y: InsufficientIdle — one LST unit backs one delegation");

    // The stake pool earns 5 %, and the service pays 1,000 tokens to X's delegators.
    let moved = localnet::set_rate(&demo.chain, &pool, parse_rate("1.05")?, None, None)?;
    let epoch_note = match &moved.epoch {
        Some(e) => {
            let u = e
                .pools
                .iter()
                .find(|u| Some(u.stake_pool) == pool.keys.rate_source)
                .context("the stake pool was not updated")?;
            if let Some((_, sent)) = &moved.deposit {
                demo.record("DepositSol (rate tuning)", sent);
            }
            if let Some(sent) = &u.rewards_sent {
                demo.record("epoch rewards → reserve", sent);
            }
            let mut steps = vec![];
            for s in &u.steps {
                demo.record(s.name, &s.sent);
                steps.push(format!(
                    "{} {} CU",
                    s.name,
                    s.program_cu().map_or_else(|| "?".into(), group)
                ));
            }
            let tuning = moved.deposit.as_ref().map_or_else(String::new, |(lamports, _)| {
                format!(
                    "\n   (a DepositSol of {lamports} lamports before, its LST to the manager, makes the totals' ratio exactly 1.05)"
                )
            });
            format!(
                "\n   An epoch passes (epoch {} → {}): {} SOL of rewards land in the stake pool's reserve; the pool's own crank runs {};\n   the 5 % epoch fee mints {} LST to the manager; the pool's account now holds {} lamports for {} LST: rate {}",
                e.from,
                e.to,
                lst(u.rewards),
                steps.join(", "),
                lst(u.fee_tokens),
                group(u.total_lamports),
                lst(u.pool_token_supply),
                format_rate(u.rate_after)
            ) + &tuning
        }
        None => "\n   (its stake-pool account rewritten)".to_string(),
    };
    if moved.rate != parse_rate("1.05")? {
        bail!("the LST's rate is {}, not 1.05", format_rate(moved.rate));
    }
    let sent = ops::fund_rewards(
        &demo.chain,
        &service_kp,
        &op_x,
        &pool,
        &reward_mint,
        1_000 * TOKEN,
        0,
    )
    .context("fund rewards")?;
    demo.record("fund_rewards", &sent);
    println!(
        "\n6. The LST's rate rises to 1.05{epoch_note}\n   The service funds 1,000 tokens into X's stream {}",
        cu_note(&sent)
    );
    println!("   (X keeps 10 % commission; 900 tokens go to X's 360 LST of shares)");

    let mut alice_yield = 0u64;
    for s in [&alice, &bob] {
        let name = if s.pubkey() == alice.pubkey() {
            "alice"
        } else {
            "bob"
        };
        let claimed =
            crate::commands::staker::claim_everything(&demo.chain, s, &pool, &mut |line| {
                println!("   {name}: {line}")
            })?;
        for sent in &claimed.sent {
            demo.record(&format!("{name} claim"), sent);
        }
        if name == "alice" {
            alice_yield = claimed
                .received
                .iter()
                .find(|(mint, _, _)| *mint == pool.keys.lst_mint)
                .map_or(0, |(_, _, amount)| *amount);
        }
    }
    demo.report("7. Each claims everything: per delegation, the LST yield and every reward stream in one instruction")?;
    if let Some(accounts) = &stake_pool_accounts {
        // What the real account implies: Alice's 100 LST were worth 100 SOL at 1.0; at the
        // pool's new totals the LST backing 100 SOL is ceil(100 / rate); the rest is yield.
        let state = crate::stake_pool::load_real(&demo.chain, &accounts.pool)?
            .context("the stake pool vanished")?;
        let rate = crate::stake_pool::current_rate(&state)?;
        let implied = restaking::math::strippable_yield(ALICE_STAKE, ALICE_STAKE, rate)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let gap = implied.abs_diff(alice_yield);
        println!(
            "   Alice's claim paid {} LST of base yield; the stake pool's account ({} lamports / {} LST) implies 100 − ceil(100 / {}) = {} LST ({} base unit{} of rounding down per bucket)",
            lst(alice_yield),
            group(state.total_lamports),
            lst(state.pool_token_supply),
            format_rate(rate),
            lst(implied),
            gap,
            if gap == 1 { "" } else { "s" }
        );
        if gap > 3 || alice_yield > implied {
            bail!(
                "Alice's base yield {} LST is not what the stake pool's account implies ({} LST)",
                lst(alice_yield),
                lst(implied)
            );
        }
    }

    // A slash: the service asks for 10 % of Y's bucket; after the veto window anyone executes it.
    let service_key = localnet::parse(&service.service)?;
    let (request, sent) = ops::request_slash(
        &demo.chain,
        &slasher_kp,
        &service_key,
        &op_y,
        &pool,
        1_000,
        [7; 32],
    )
    .context("request slash")?;
    demo.record("request_slash", &sent);
    let r: SlashRequest = demo.chain.state(&request, "slash request")?;
    println!(
        "\n8. The service requests a 10 % slash of Y's bucket {}; executable after the 2-day veto window",
        cu_note(&sent)
    );
    let early = ops::execute_slash(&demo.chain, &service_kp, &request);
    match &early {
        Err(e) if failure_code(e).is_some() => {
            let code = failure_code(e).unwrap_or_default();
            println!(
                "   executing it now fails: {}",
                crate::errors::custom_error(code).map_or_else(|| code.to_string(), |(n, _)| n)
            );
        }
        Err(e) => bail!("an early execute_slash must fail with a program error, got: {e:#}"),
        Ok(_) => bail!("execute_slash inside the veto window succeeded"),
    }
    if r.executable_ts.saturating_sub(r.requested_ts) != VETO_SECS {
        bail!("the veto window is not the configured 2 days");
    }
    localnet::warp_to(&demo.chain, r.executable_ts, None)?;
    let (destination, sent) =
        ops::execute_slash(&demo.chain, &service_kp, &request).context("execute slash")?;
    demo.record("execute_slash", &sent);
    let r: SlashRequest = demo.chain.state(&request, "slash request")?;
    let seized = r
        .seized_active_lst
        .checked_add(r.seized_queued_lst)
        .context("overflow")?;
    println!(
        "   two days later it executes {}: {} LST of Y's bucket go to the service",
        cu_note(&sent),
        lst(seized)
    );
    if chain_balance(&demo.chain, &destination)? != seized {
        bail!("the service did not receive the seized LST");
    }
    demo.report("9. After the slash: Alice's delegation to Y holds 10 % less")?;

    // Bob undelegates a third of his X shares; after the delay they are idle again.
    let (_, d) = ops::delegation(&demo.chain, &pool, &bob.pubkey(), &op_x)?;
    let third = d.shares.checked_div(3).context("shares")?;
    let (ticket, sent) =
        ops::undelegate(&demo.chain, &bob, &pool, &op_x, third).context("bob undelegate")?;
    demo.record("bob undelegate", &sent);
    let unlock = demo
        .chain
        .state::<restaking::state::WithdrawalTicket>(&ticket, "ticket")?
        .unlock_ts;
    localnet::warp_to(&demo.chain, unlock, None)?;
    let sent =
        ops::complete(&demo.chain, &bob, &pool, &ticket).context("bob complete undelegation")?;
    demo.record("bob complete undelegation", &sent);
    let idle = ops::position(&demo.chain, &pool, &bob.pubkey())?.1.idle_lst;
    let (withdrawal, sent) = ops::request_withdrawal(&demo.chain, &bob, &pool, idle)
        .context("bob request withdrawal")?;
    demo.record("bob request withdrawal", &sent);
    demo.report("10. Bob undelegates a third; 7 days later it is idle and he asks to withdraw it")?;
    println!(
        "   Bob's withdrawal ticket holds {} LST until its delay ends",
        lst(idle)
    );

    let unlock = demo
        .chain
        .state::<restaking::state::WithdrawalTicket>(&withdrawal, "ticket")?
        .unlock_ts;
    localnet::warp_to(&demo.chain, unlock.saturating_sub(1), None)?;
    let early = ops::complete(&demo.chain, &bob, &pool, &withdrawal);
    match &early {
        Err(e) if failure_code(e) == Some(u32::from(RestakingError::TicketNotMatured)) => {}
        Err(e) => bail!("a withdrawal must not complete before its delay; got: {e:#}"),
        Ok(_) => bail!("a withdrawal completed before its delay"),
    }
    println!("\n11. One second before the delay ends, completing fails with TicketNotMatured");
    localnet::warp_to(&demo.chain, unlock, None)?;
    let sent =
        ops::complete(&demo.chain, &bob, &pool, &withdrawal).context("bob complete withdrawal")?;
    demo.record("bob complete withdrawal", &sent);
    demo.report("12. After 7 days Bob's LST is back in his wallet")?;

    let (op_rewards, sent) =
        ops::claim_commission(&demo.chain, &x_kp, &pool, &reward_mint).context("commission")?;
    demo.record("claim_commission", &sent);
    let commission = demo.chain.token_balance(&op_rewards)?;
    println!(
        "\n13. Operator X claims its commission: {} tokens {}",
        tokens(commission),
        cu_note(&sent)
    );

    books(&demo, seized, commission, &destination)?;

    println!(
        "\nCompute units per transaction (from its meta; each also carries one SetComputeUnitLimit):"
    );
    for (step, cu) in &demo.cu {
        println!(
            "   {step:<32} {:>9}",
            cu.map_or_else(|| "?".to_string(), group)
        );
    }
    Ok(())
}

fn chain_balance(chain: &Chain, account: &Pubkey) -> Result<u64> {
    chain.token_balance(account)
}

/// The books, to the last base unit: the vault covers the pool's obligations; every LST unit
/// is in a wallet, the vault or the service's account; the vault holds deposits less
/// withdrawals, yield paid and seized LST; the reward vault covers its stream and every
/// funded token is paid, owed or kept as commission.
fn books(demo: &Demo, seized: u64, commission: u64, slash_destination: &Pubkey) -> Result<()> {
    let chain = &demo.chain;
    let p = ops::load_pool(chain, &demo.pool.key)?.state;
    let vault = chain.token_balance(&demo.pool.keys.vault)?;
    let obligations = p.obligations().map_err(|e| anyhow::anyhow!("{e}"))?;
    let dust = vault.checked_sub(obligations).with_context(|| {
        format!(
            "LST vault {} < obligations {} MISMATCH",
            lst(vault),
            lst(obligations)
        )
    })?;
    println!(
        "\nLST vault {} = obligations {} (idle + buckets + queue + tickets + unclaimed yield) + {} dust: every base unit accounted for",
        lst(vault),
        lst(obligations),
        dust
    );
    let flows = p
        .total_deposited_lst
        .checked_sub(p.total_withdrawn_lst)
        .and_then(|v| v.checked_sub(p.total_yield_paid_lst))
        .and_then(|v| v.checked_sub(seized))
        .context("pool flows underflow")?;
    if flows != vault {
        bail!(
            "vault {} ≠ deposited − withdrawn − yield paid − seized = {}",
            lst(vault),
            lst(flows)
        );
    }
    let supply = mint_supply(chain, &demo.pool.keys.lst_mint)?;
    let mut held = vault
        .checked_add(chain.token_balance(slash_destination)?)
        .context("overflow")?;
    let mut others = String::new();
    for (name, account) in &demo.other_holders {
        let balance = chain.token_balance(account)?;
        held = held.checked_add(balance).context("overflow")?;
        others.push_str(&format!(" + {name} {}", lst(balance)));
    }
    for s in &demo.stakers {
        held = held
            .checked_add(chain.token_balance(&demo.ata(&s.kp.pubkey(), &demo.pool.keys.lst_mint))?)
            .context("overflow")?;
    }
    if held != supply {
        bail!(
            "LST supply {} ≠ wallets + vault + seized{others} = {}",
            lst(supply),
            lst(held)
        );
    }
    println!(
        "LST supply {} = wallets + vault + seized{others}: no unit created or lost",
        lst(supply)
    );

    let stream = ops::stream(
        chain,
        &client::operator_pool_pda(&demo.operator("X")?, &demo.pool.key),
        &demo.reward_mint,
    )?;
    let index: RewardIndex = chain.state(&stream.reward_index, "reward index")?;
    let reward_vault = chain.token_balance(&stream.reward_vault)?;
    let owed = index.obligations().map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "Reward vault of X {} tokens ≥ owed {} tokens",
        tokens(reward_vault),
        tokens(owed)
    );
    if reward_vault < owed {
        bail!("reward vault does not cover its stream");
    }
    let mut paid = 0u64;
    for s in &demo.stakers {
        paid = paid
            .checked_add(chain.token_balance(&demo.ata(&s.kp.pubkey(), &demo.reward_mint))?)
            .context("overflow")?;
    }
    let total = paid
        .checked_add(commission)
        .and_then(|v| v.checked_add(reward_vault))
        .context("overflow")?;
    if total != index.total_funded || paid != index.total_paid {
        bail!(
            "reward tokens: funded {} ≠ paid {} + commission {} + vault {}",
            tokens(index.total_funded),
            tokens(paid),
            tokens(commission),
            tokens(reward_vault)
        );
    }
    println!(
        "Rewards funded {} = paid to stakers {} + commission {} + left in the vault {}",
        tokens(index.total_funded),
        tokens(paid),
        tokens(commission),
        tokens(reward_vault)
    );
    println!(
        "Base yield paid {} LST · deposited {} LST · withdrawn {} LST · seized {} LST",
        lst(p.total_yield_paid_lst),
        lst(p.total_deposited_lst),
        lst(p.total_withdrawn_lst),
        lst(seized)
    );
    Ok(())
}

fn mint_supply(chain: &Chain, mint: &Pubkey) -> Result<u64> {
    let acc = chain.account(mint)?.context("mint missing")?;
    let bytes = acc
        .data
        .get(36..44)
        .and_then(|s| <[u8; 8]>::try_from(s).ok())
        .context("malformed mint")?;
    Ok(u64::from_le_bytes(bytes))
}
