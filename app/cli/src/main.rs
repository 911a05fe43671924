//! `restaking-cli`: command-line client of the restaking program.
//!
//! `restaking-cli demo` runs the staking lifecycle end to end on an embedded SVM (an in-process
//! bank from `solana-program-test` running the real SPL Token program) and prints a report.
use std::process::ExitCode;

mod demo;

const USAGE: &str = "\
restaking-cli — client for the LST restaking program

USAGE:
    restaking-cli demo     run the staking lifecycle on an embedded SVM and print a report
    restaking-cli ids      print the program id and the config PDA
    restaking-cli help     this text
";

fn main() -> ExitCode {
    let command = std::env::args().nth(1).unwrap_or_default();
    match command.as_str() {
        "demo" => {
            // The embedded bank logs every instruction at debug level unless told otherwise.
            if std::env::var_os("RUST_LOG").is_none() {
                std::env::set_var("RUST_LOG", "error");
            }
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("cannot start the async runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            match runtime.block_on(demo::run()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("demo failed: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        "ids" => {
            println!("program   {}", restaking::ID);
            println!("config    {}", restaking_client::config_pda());
            ExitCode::SUCCESS
        }
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => {
            eprintln!("unknown command {other:?}\n\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}
