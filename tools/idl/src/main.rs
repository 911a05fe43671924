//! Generates the program's IDL, `idl/restaking.json`, with Anchor's own IDL builder — the
//! `anchor-lang-idl` crate's `IdlBuilder` (feature `build`), the code `anchor idl build` runs —
//! so no Anchor CLI is needed.
//!
//! ```sh
//! cargo run -p restaking-idl             # writes idl/restaking.json
//! cargo run -p restaking-idl -- --check  # fails if the committed file differs (scripts/test.sh)
//! ```
//!
//! The builder runs `cargo test __anchor_private_print_idl --features idl-build --lib --locked`
//! in `programs/restaking` (same `CARGO_TARGET_DIR` as the caller) and parses what the test
//! prints. The file is pretty JSON with a trailing newline; the builder sorts instructions,
//! accounts, events, types and constants by name, so the output is deterministic.
//!
//! Both modes also check that the IDL is documented: every instruction, instruction account,
//! constant, type (accounts and events are types too) and named field carries a doc (the
//! `///` lines in the program), and every error a message. A missing one fails with its path,
//! e.g. `type Pool field bump`. What the IDL cannot carry is exempt, see [`missing_docs`].
//!
//! `--check` exits 1 with one line naming the file and the first differing line when the
//! committed IDL is stale; `cargo run -p restaking-idl` then regenerates it.

use anchor_lang_idl::types::{Idl, IdlDefinedFields, IdlInstructionAccountItem, IdlTypeDefTy};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The IDL's path relative to the workspace root.
const IDL_FILE: &str = "idl/restaking.json";
/// The program's crate, relative to the workspace root.
const PROGRAM_DIR: &str = "programs/restaking";

/// Accounts `#[event_cpi]` adds to every instruction that emits events. Anchor injects them
/// without a `#[doc]` attribute, so no `///` of ours can reach them.
const EVENT_CPI_ACCOUNTS: [&str; 2] = ["event_authority", "program"];

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let check = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--check") => true,
        Some(other) => bail!("unknown argument `{other}`; usage: restaking-idl [--check]"),
    };
    let root = workspace_root()?;
    let idl = build(&root)?;
    let json = render(&idl)?;
    let path = root.join(IDL_FILE);

    if check {
        let committed = std::fs::read_to_string(&path)
            .with_context(|| format!("{IDL_FILE} is missing; run `cargo run -p restaking-idl`"))?;
        if let Some(hint) = first_difference(&committed, &json) {
            bail!("{IDL_FILE} is out of date ({hint}); run `cargo run -p restaking-idl`");
        }
    } else {
        std::fs::write(&path, &json).with_context(|| format!("writing {}", path.display()))?;
    }

    let missing = missing_docs(&idl);
    if !missing.is_empty() {
        for item in &missing {
            eprintln!("missing doc: {item}");
        }
        bail!(
            "{} IDL item(s) without docs: add `///` to each in the program",
            missing.len()
        );
    }
    eprintln!(
        "{IDL_FILE}: {} ({} bytes: {} instructions, {} accounts, {} events, {} errors, {} types, {} constants)",
        if check { "up to date" } else { "written" },
        json.len(),
        idl.instructions.len(),
        idl.accounts.len(),
        idl.events.len(),
        idl.errors.len(),
        idl.types.len(),
        idl.constants.len(),
    );
    Ok(())
}

/// The workspace root: two levels above this crate. `cargo run` tells the binary where its
/// crate is at run time; that comes first, because checkouts sharing one `CARGO_TARGET_DIR`
/// (as CI's cache does) share this binary's path, and the compile-time directory may then be
/// another checkout's.
fn workspace_root() -> Result<PathBuf> {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest_dir
        .join("../..")
        .canonicalize()
        .context("locating the workspace root")
}

/// Builds the IDL by compiling the program with `--features idl-build`.
fn build(root: &Path) -> Result<Idl> {
    // The builder turns RUSTUP_TOOLCHAIN (set by rustup's cargo proxy for everything it runs)
    // into a literal `+{toolchain}` argument that cargo rejects; the toolchain file picks the
    // same toolchain anyway.
    std::env::remove_var("RUSTUP_TOOLCHAIN");
    anchor_lang_idl::build::IdlBuilder::new()
        .program_path(root.join(PROGRAM_DIR))
        // profile `idl` (Cargo.toml): its dependencies unoptimised, as they only print the IDL
        .cargo_args(
            ["--lib", "--locked", "--profile", "idl"]
                .map(String::from)
                .to_vec(),
        )
        .build()
        .context("building the IDL (`cargo test __anchor_private_print_idl --features idl-build`)")
}

/// The file's contents: pretty JSON and a trailing newline.
fn render(idl: &Idl) -> Result<String> {
    let mut json = serde_json::to_string_pretty(idl)?;
    json.push('\n');
    Ok(json)
}

/// `None` when equal, else where the two first differ, e.g.
/// ``line 12: committed `"a"`, generated `"b"` `` (lines trimmed, cut at 80 characters).
fn first_difference(committed: &str, generated: &str) -> Option<String> {
    if committed == generated {
        return None;
    }
    let shorten = |line: Option<&str>| match line {
        None => "end of file".to_owned(),
        Some(line) => {
            let line = line.trim();
            match line.char_indices().nth(80) {
                Some((cut, _)) => format!("`{}…`", &line[..cut]),
                None => format!("`{line}`"),
            }
        }
    };
    let (mut old, mut new) = (committed.lines(), generated.lines());
    let mut number = 1usize;
    loop {
        match (old.next(), new.next()) {
            (Some(a), Some(b)) if a == b => number = number.saturating_add(1),
            (None, None) => return Some("line endings differ".to_owned()),
            (a, b) => {
                return Some(format!(
                    "line {number}: committed {}, generated {}",
                    shorten(a),
                    shorten(b)
                ))
            }
        }
    }
}

/// Every IDL item that should carry a doc and does not, as a readable path.
///
/// Checked: instructions, their accounts (nested groups too), constants, every type definition
/// (the accounts' and events' layouts are types) and every named field of a struct or enum
/// variant; errors must have a `#[msg]`. Exempt, because the IDL format or Anchor cannot carry
/// a doc there:
/// - instruction arguments: they are Rust function parameters, which take no doc comments (an
///   argument struct's fields are checked as a type);
/// - the `accounts` and `events` lists: their entries are a name and a discriminator, the docs
///   are on the type of the same name;
/// - enum variants and tuple fields: the IDL spec has no `docs` for them;
/// - [`EVENT_CPI_ACCOUNTS`]: injected by `#[event_cpi]` without docs.
fn missing_docs(idl: &Idl) -> Vec<String> {
    let mut missing = Vec::new();
    for ix in &idl.instructions {
        if ix.docs.is_empty() {
            missing.push(format!("instruction {}", ix.name));
        }
        check_accounts(&ix.name, &ix.accounts, &mut missing);
    }
    for constant in &idl.constants {
        if constant.docs.is_empty() {
            missing.push(format!("constant {}", constant.name));
        }
    }
    for error in &idl.errors {
        if error.msg.as_deref().is_none_or(str::is_empty) {
            missing.push(format!("error {} (#[msg])", error.name));
        }
    }
    for ty in &idl.types {
        if ty.docs.is_empty() {
            missing.push(format!("type {}", ty.name));
        }
        let mut fields = |prefix: String, fields: &Option<IdlDefinedFields>| {
            if let Some(IdlDefinedFields::Named(fields)) = fields {
                for field in fields.iter().filter(|f| f.docs.is_empty()) {
                    missing.push(format!("{prefix} field {}", field.name));
                }
            }
        };
        match &ty.ty {
            IdlTypeDefTy::Struct { fields: f } => fields(format!("type {}", ty.name), f),
            IdlTypeDefTy::Enum { variants } => {
                for variant in variants {
                    fields(
                        format!("type {} variant {}", ty.name, variant.name),
                        &variant.fields,
                    );
                }
            }
            IdlTypeDefTy::Type { .. } => {}
        }
    }
    for account in &idl.accounts {
        if !idl.types.iter().any(|ty| ty.name == account.name) {
            missing.push(format!("account {} (no type definition)", account.name));
        }
    }
    for event in &idl.events {
        if !idl.types.iter().any(|ty| ty.name == event.name) {
            missing.push(format!("event {} (no type definition)", event.name));
        }
    }
    missing
}

fn check_accounts(path: &str, accounts: &[IdlInstructionAccountItem], missing: &mut Vec<String>) {
    for item in accounts {
        match item {
            IdlInstructionAccountItem::Single(account) => {
                if account.docs.is_empty() && !EVENT_CPI_ACCOUNTS.contains(&account.name.as_str()) {
                    missing.push(format!("instruction {path} account {}", account.name));
                }
            }
            IdlInstructionAccountItem::Composite(group) => {
                check_accounts(&format!("{path}.{}", group.name), &group.accounts, missing);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idl(json: serde_json::Value) -> Idl {
        serde_json::from_value(json).expect("a valid IDL")
    }

    #[test]
    fn missing_docs_names_each_undocumented_item() {
        let idl = idl(serde_json::json!({
            "address": "11111111111111111111111111111111",
            "metadata": { "name": "p", "version": "0.1.0", "spec": "0.1.0" },
            "instructions": [{
                "name": "go", "discriminator": [1],
                "accounts": [
                    { "name": "payer", "docs": ["Pays."] },
                    { "name": "vault" },
                    { "name": "event_authority" },
                    { "name": "program" }
                ],
                "args": [{ "name": "args", "type": { "defined": { "name": "GoArgs" } } }]
            }],
            "accounts": [{ "name": "Pool", "discriminator": [2] }],
            "events": [{ "name": "GoEvent", "discriminator": [3] }],
            "errors": [{ "code": 6000, "name": "Bad" }],
            "types": [
                { "name": "GoArgs", "docs": ["Args."], "type": { "kind": "struct",
                  "fields": [{ "name": "amount", "type": "u64" }] } },
                { "name": "GoEvent", "type": { "kind": "struct",
                  "fields": [{ "name": "amount", "docs": ["Amount."], "type": "u64" }] } },
                { "name": "Kind", "docs": ["Kind."], "type": { "kind": "enum",
                  "variants": [{ "name": "A" }, { "name": "B",
                    "fields": [{ "name": "x", "type": "u8" }] }] } }
            ],
            "constants": [{ "name": "K", "type": "u8", "value": "1" }]
        }));
        assert_eq!(
            missing_docs(&idl),
            [
                "instruction go",
                "instruction go account vault",
                "constant K",
                "error Bad (#[msg])",
                "type GoArgs field amount",
                "type GoEvent",
                "type Kind variant B field x",
                "account Pool (no type definition)",
            ]
        );
    }

    #[test]
    fn first_difference_names_the_line() {
        assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
        assert_eq!(
            first_difference("a\nb\n", "a\nc\n").as_deref(),
            Some("line 2: committed `b`, generated `c`")
        );
        assert_eq!(
            first_difference("a\n", "a\nb\n").as_deref(),
            Some("line 2: committed end of file, generated `b`")
        );
    }
}
