//! `restaking-fuzz --seed N --sequences S --steps K [--so PATH] [--from-sequence I]
//! [--seconds T] [--verbose] [--by-instruction]`: runs S sequences of K steps against the
//! program's SBF binary, sequence i seeded from (N, i), and prints the figures. On a finding it
//! prints the seed, the sequence, the step, the last steps of the sequence and the check that
//! failed, and exits 1; `--seed N --from-sequence I` replays that sequence first.
use restaking_fuzz::gen::{Gen, Step};
use restaking_fuzz::oracle::Stats;
use restaking_fuzz::rng::{sequence_seed, Rng};
use restaking_fuzz::Base;
use std::time::Instant;

fn describe(step: &Step) -> String {
    match step {
        Step::Tx(c) => {
            let mut s = c.desc.clone();
            if let Some(m) = &c.mutation {
                s.push_str(&format!(" | mutation: {m}"));
                if c.must_fail {
                    s.push_str(" (must fail)");
                }
            }
            if let Some(t) = c.warp_to {
                s.push_str(&format!(" | clock first moved to {t}"));
            }
            s
        }
        Step::Warp { secs, refresh } => format!("warp {secs} s (sources refreshed: {refresh})"),
        Step::Rate { pool, bps } => format!("rate of pool{pool} moved by {bps} bps"),
        Step::SourceFault { pool, fault } => format!("rate source of pool{pool}: {fault:?}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let num = |name: &str, default: u64| {
        arg(name).map_or(default, |v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} takes a number, not {v}"))
        })
    };
    let seed = num("--seed", 1);
    let sequences = num("--sequences", 100);
    let steps = num("--steps", 100);
    let from = num("--from-sequence", 0);
    let seconds = arg("--seconds").map(|v| v.parse::<u64>().expect("--seconds"));
    let verbose = args.iter().any(|a| a == "--verbose");
    let by_instruction = args.iter().any(|a| a == "--by-instruction");
    let so_path = arg("--so").unwrap_or_else(|| {
        let dir = std::env::var("SBF_OUT_DIR").unwrap_or_else(|_| "target/deploy".into());
        format!("{dir}/restaking.so")
    });
    let so = std::fs::read(&so_path).unwrap_or_else(|e| {
        eprintln!("cannot read {so_path}: {e} (build it with scripts/build-sbf.sh)");
        std::process::exit(2)
    });

    println!(
        "restaking-fuzz: seed {seed}, sequences {from}..{}, {steps} steps each, binary {so_path} ({} bytes)",
        from + sequences,
        so.len()
    );
    let started = Instant::now();
    let base = Base::new(&so, seed);
    let setup = started.elapsed();
    let mut stats = Stats::default();
    for i in from..from + sequences {
        if seconds.is_some_and(|s| started.elapsed().as_secs() >= s) {
            println!("time limit reached after {} sequences", stats.sequences);
            break;
        }
        let mut rng = Rng::new(sequence_seed(seed, i));
        let focus = restaking_fuzz::focus(&base.world, sequence_seed(seed, i));
        let mut runner = base.runner(&mut stats);
        for k in 0..steps {
            let step = Gen {
                w: &runner.world,
                c: &runner.chain,
                r: &mut rng,
                describe: verbose,
                focus,
            }
            .step();
            if verbose {
                println!("seq {i} step {k}: {}", describe(&step));
            }
            if let Err(finding) = runner.apply(&step) {
                let logs = runner.last_logs.clone();
                report(&base, seed, i, k, &finding, &logs);
            }
        }
        if let Err(finding) = runner.final_checks() {
            report(&base, seed, i, steps, &finding, &[]);
        }
        stats.sequences += 1;
        if stats.sequences.is_multiple_of(500) {
            let t = started.elapsed().as_secs_f64();
            eprintln!(
                "  {} sequences, {} instructions, {:.0} s, {:.0} instr/s",
                stats.sequences,
                stats.instructions,
                t,
                stats.instructions as f64 / t
            );
        }
    }
    let t = started.elapsed().as_secs_f64();
    print_stats(&stats, t, setup.as_secs_f64());
    if by_instruction {
        println!("failures by instruction and error:");
        for ((k, e), n) in &stats.kind_errors {
            println!("  {k:<22} {n:>8}  {e}");
        }
    }
}

/// Prints a finding with the steps that led to it (the sequence replayed, described) and how
/// to reproduce it, and exits 1.
fn report(base: &Base, seed: u64, sequence: u64, step: u64, finding: &str, logs: &[String]) -> ! {
    println!("\nFINDING at seed {seed}, sequence {sequence}, step {step}:\n  {finding}");
    let mut stats = Stats::default();
    let mut runner = base.runner(&mut stats);
    let mut rng = Rng::new(sequence_seed(seed, sequence));
    let focus = restaking_fuzz::focus(&base.world, sequence_seed(seed, sequence));
    let mut trace = Vec::new();
    for _ in 0..=step {
        let s = Gen {
            w: &runner.world,
            c: &runner.chain,
            r: &mut rng,
            describe: true,
            focus,
        }
        .step();
        trace.push(describe(&s));
        if runner.apply(&s).is_err() {
            break;
        }
    }
    println!("the sequence up to it (last 40 steps):");
    let first = trace.len().saturating_sub(40);
    for (k, d) in trace.iter().enumerate().skip(first) {
        println!("  step {k}: {d}");
    }
    println!("log of the last transaction:\n  {}", logs.join("\n  "));
    println!(
        "reproduce: restaking-fuzz --seed {seed} --from-sequence {sequence} --sequences 1 --steps {} --verbose",
        step + 1
    );
    std::process::exit(1)
}

fn print_stats(s: &Stats, secs: f64, setup: f64) {
    println!("\n# restaking-fuzz figures");
    println!("sequences      {}", s.sequences);
    println!(
        "steps          {} (warps {}, rate moves {}, source faults {})",
        s.steps, s.warps, s.rate_moves, s.faults
    );
    println!("instructions   {}", s.instructions);
    println!("  succeeded    {}", s.succeeded);
    println!("  failed       {}", s.failed);
    println!(
        "  mutated      {} (of which must fail: {})",
        s.mutated, s.must_fail
    );
    println!("  claims checked against the view: {}", s.views_checked);
    println!("max CU         {} ({})", s.max_cu.0, s.max_cu.1);
    println!(
        "largest rounding drift of a position in one step: +{} / {} LST base units",
        s.max_drift.0, s.max_drift.1
    );
    println!(
        "time           {secs:.1} s (setup {setup:.2} s), {:.0} instr/s",
        s.instructions as f64 / secs.max(1e-9)
    );
    println!("per instruction (succeeded / failed):");
    for (k, (ok, fail)) in &s.kinds {
        println!("  {k:<22} {ok:>9} / {fail:<9}");
    }
    println!("failures by error:");
    let mut errors: Vec<(&String, &u64)> = s.errors.iter().collect();
    errors.sort_by(|a, b| b.1.cmp(a.1));
    for (e, n) in errors {
        println!("  {n:>9}  {e}");
    }
}
