//! JSON-RPC access to a cluster: reading and decoding the program's accounts, sending
//! transactions (with their compute units read back from the transaction's meta) and
//! simulating the position view. Every failure is a one-line error naming what failed.
use crate::errors::describe_transaction_error;
use anchor_lang::{AccountDeserialize, Discriminator};
use anchor_spl::associated_token::{
    get_associated_token_address_with_program_id, spl_associated_token_account,
};
use anyhow::{bail, Context, Result};
use solana_rpc_client::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::{Error as ClientError, ErrorKind};
use solana_rpc_client_api::config::{
    CommitmentConfig, RpcAccountInfoConfig, RpcProgramAccountsConfig, RpcSimulateTransactionConfig,
    RpcTransactionConfig, UiAccountEncoding, UiTransactionEncoding,
};
use solana_rpc_client_api::filter::{Memcmp, RpcFilterType};
use solana_sdk::account::Account;
use solana_sdk::clock::Clock;
use solana_sdk::instruction::Instruction;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{Keypair, Signature, Signer};
use solana_sdk::transaction::{Transaction, TransactionError};
use solana_transaction_status_client_types::option_serializer::OptionSerializer;
use std::time::Duration;

/// Compute units every transaction may use (the per-transaction maximum): claims of many
/// streams need more than the default 200,000 per instruction.
pub const CU_LIMIT: u32 = 1_400_000;

/// A transaction that landed.
#[derive(Clone, Debug)]
pub struct Sent {
    pub signature: Signature,
    /// Compute units the transaction consumed, from its meta (`None` if the node has none).
    pub compute_units: Option<u64>,
    /// The transaction's log messages, from its meta (empty if the node has none).
    pub logs: Vec<String>,
}

impl Sent {
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "signature": self.signature.to_string(),
            "computeUnits": self.compute_units,
        })
    }
    /// Compute units of each invocation of `program` (`Program <id> consumed N of M compute
    /// units` in the logs), in order.
    pub fn program_cu(&self, program: &Pubkey) -> Vec<u64> {
        let prefix = format!("Program {program} consumed ");
        self.logs
            .iter()
            .filter_map(|l| {
                l.strip_prefix(&prefix)
                    .and_then(|rest| rest.split_whitespace().next())
                    .and_then(|n| n.parse().ok())
            })
            .collect()
    }
    /// `12,345 CU` or `? CU`.
    pub fn cu(&self) -> String {
        self.compute_units
            .map_or_else(|| "? CU".to_string(), |cu| format!("{} CU", group(cu)))
    }
}

/// A transaction the cluster refused, with the program's error named (the program's own logs
/// stay out of the message).
#[derive(Debug)]
pub struct TxFailure {
    pub error: TransactionError,
}

impl std::fmt::Display for TxFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "transaction failed: {}",
            describe_transaction_error(&self.error)
        )
    }
}

impl std::error::Error for TxFailure {}

/// The custom error code of a failed transaction (an `anyhow` error holding a [`TxFailure`]).
pub fn failure_code(err: &anyhow::Error) -> Option<u32> {
    err.downcast_ref::<TxFailure>()
        .and_then(|f| crate::errors::custom_code(&f.error))
}

/// Digits grouped by thousands: `1,234,567`.
pub fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len().saturating_add(s.len() / 3));
    for (i, c) in s.chars().enumerate() {
        if i > 0 && s.len().saturating_sub(i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One line out of a (possibly multi-line) error text.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub struct Chain {
    pub rpc: RpcClient,
    pub url: String,
}

impl Chain {
    /// A client of the cluster at `url` reading and confirming at `confirmed`.
    pub fn new(url: &str) -> Self {
        Self {
            rpc: RpcClient::new_with_timeout_and_commitment(
                url.to_string(),
                Duration::from_secs(30),
                CommitmentConfig::confirmed(),
            ),
            url: url.to_string(),
        }
    }

    /// Turns an RPC client error into a one-line error: a refused transaction names the
    /// program's error; an unreachable node says so.
    pub fn rpc_error(&self, err: ClientError, what: &str) -> anyhow::Error {
        if let Some(tx) = err.get_transaction_error() {
            return anyhow::Error::new(TxFailure { error: tx }).context(what.to_string());
        }
        let text = match err.kind.as_ref() {
            ErrorKind::Reqwest(e) if e.is_connect() || e.is_timeout() || e.is_request() => {
                format!(
                    "cannot reach the cluster at {}: {}",
                    self.url,
                    root_cause(e)
                )
            }
            ErrorKind::Io(e) => format!("cannot reach the cluster at {}: {e}", self.url),
            other => format!("{what}: {other}"),
        };
        anyhow::anyhow!(one_line(&text))
    }

    /// Fails with a clear message unless a node answers at the URL.
    pub fn check_reachable(&self) -> Result<()> {
        self.rpc
            .get_version()
            .map(|_| ())
            .map_err(|e| self.rpc_error(e, "get_version"))
    }

    pub fn account(&self, key: &Pubkey) -> Result<Option<Account>> {
        let r = self
            .rpc
            .get_account_with_commitment(key, CommitmentConfig::confirmed())
            .map_err(|e| self.rpc_error(e, &format!("reading account {key}")))?;
        Ok(r.value.filter(|a| a.lamports > 0))
    }

    pub fn exists(&self, key: &Pubkey) -> Result<bool> {
        Ok(self.account(key)?.is_some())
    }

    /// Deserialises one of the program's accounts (`what` names it in errors).
    pub fn state<T: AccountDeserialize>(&self, key: &Pubkey, what: &str) -> Result<T> {
        let account = self
            .account(key)?
            .with_context(|| format!("{what} {key} does not exist"))?;
        decode(&account, key, what)
    }

    /// The program's accounts of type `T` whose bytes at each `(offset, bytes)` match.
    pub fn program_accounts<T: AccountDeserialize + Discriminator>(
        &self,
        filters: &[(usize, Vec<u8>)],
    ) -> Result<Vec<(Pubkey, T)>> {
        let mut all = vec![RpcFilterType::Memcmp(Memcmp::new_raw_bytes(
            0,
            T::DISCRIMINATOR.to_vec(),
        ))];
        all.extend(filters.iter().map(|(offset, bytes)| {
            RpcFilterType::Memcmp(Memcmp::new_raw_bytes(*offset, bytes.clone()))
        }));
        let config = RpcProgramAccountsConfig {
            filters: Some(all),
            account_config: RpcAccountInfoConfig {
                encoding: Some(UiAccountEncoding::Base64),
                commitment: Some(CommitmentConfig::confirmed()),
                ..RpcAccountInfoConfig::default()
            },
            ..RpcProgramAccountsConfig::default()
        };
        #[allow(deprecated)]
        let accounts = self
            .rpc
            .get_program_accounts_with_config(&restaking::ID, config)
            .map_err(|e| self.rpc_error(e, "getProgramAccounts"))?;
        let mut out = Vec::with_capacity(accounts.len());
        for (key, account) in accounts {
            out.push((key, decode(&account, &key, "account")?));
        }
        out.sort_by_key(|(k, _)| *k);
        Ok(out)
    }

    pub fn clock(&self) -> Result<Clock> {
        let account = self
            .account(&solana_sdk::sysvar::clock::ID)?
            .context("the cluster has no Clock sysvar")?;
        let d = &account.data;
        let word = |i: usize| -> Result<[u8; 8]> {
            d.get(i..i.saturating_add(8))
                .and_then(|s| s.try_into().ok())
                .context("malformed Clock sysvar")
        };
        Ok(Clock {
            slot: u64::from_le_bytes(word(0)?),
            epoch_start_timestamp: i64::from_le_bytes(word(8)?),
            epoch: u64::from_le_bytes(word(16)?),
            leader_schedule_epoch: u64::from_le_bytes(word(24)?),
            unix_timestamp: i64::from_le_bytes(word(32)?),
        })
    }

    pub fn rent_exempt(&self, len: usize) -> Result<u64> {
        self.rpc
            .get_minimum_balance_for_rent_exemption(len)
            .map_err(|e| self.rpc_error(e, "getMinimumBalanceForRentExemption"))
    }

    /// Token balance of a token account (0 if it does not exist).
    pub fn token_balance(&self, account: &Pubkey) -> Result<u64> {
        let Some(acc) = self.account(account)? else {
            return Ok(0);
        };
        let amount = acc
            .data
            .get(64..72)
            .and_then(|s| <[u8; 8]>::try_from(s).ok())
            .with_context(|| format!("{account} is not a token account"))?;
        Ok(u64::from_le_bytes(amount))
    }

    /// A mint's decimals and token program.
    pub fn mint(&self, mint: &Pubkey) -> Result<(u8, Pubkey)> {
        let acc = self
            .account(mint)?
            .with_context(|| format!("mint {mint} does not exist"))?;
        let decimals = *acc
            .data
            .get(44)
            .with_context(|| format!("{mint} is not a mint"))?;
        Ok((decimals, acc.owner))
    }

    /// Signs `ixs` by `payer` (fee payer) and `signers`, sends it, waits for confirmation and
    /// reads its compute units back from the transaction's meta.
    pub fn send(&self, ixs: &[Instruction], payer: &Keypair, signers: &[&Keypair]) -> Result<Sent> {
        let mut all = vec![compute_unit_limit(CU_LIMIT)];
        all.extend_from_slice(ixs);
        let blockhash = self
            .rpc
            .get_latest_blockhash()
            .map_err(|e| self.rpc_error(e, "getLatestBlockhash"))?;
        let mut keys: Vec<&Keypair> = vec![payer];
        keys.extend(
            signers
                .iter()
                .copied()
                .filter(|s| s.pubkey() != payer.pubkey()),
        );
        let mut tx = Transaction::new_with_payer(&all, Some(&payer.pubkey()));
        tx.try_sign(&keys, blockhash)
            .map_err(|e| anyhow::anyhow!("cannot sign the transaction: {e}"))?;
        let signature = self
            .rpc
            .send_and_confirm_transaction(&tx)
            .map_err(|e| self.rpc_error(e, "sending the transaction"))?;
        let (compute_units, logs) = self.meta(&signature);
        Ok(Sent {
            signature,
            compute_units,
            logs,
        })
    }

    /// Compute units and log messages of a confirmed transaction, from its meta.
    fn meta(&self, signature: &Signature) -> (Option<u64>, Vec<String>) {
        let config = RpcTransactionConfig {
            encoding: Some(UiTransactionEncoding::Base64),
            commitment: Some(CommitmentConfig::confirmed()),
            max_supported_transaction_version: Some(0),
        };
        let Some(meta) = self
            .rpc
            .get_transaction_with_config(signature, config)
            .ok()
            .and_then(|tx| tx.transaction.meta)
        else {
            return (None, vec![]);
        };
        let cu = match meta.compute_units_consumed {
            OptionSerializer::Some(cu) => Some(cu),
            _ => None,
        };
        let logs = match meta.log_messages {
            OptionSerializer::Some(logs) => logs,
            _ => vec![],
        };
        (cu, logs)
    }

    /// Simulates `ixs` with `payer` as fee payer (no signatures checked, nothing committed)
    /// and returns the return data of the last instruction that set one.
    pub fn simulate_return(&self, ixs: &[Instruction], payer: &Pubkey) -> Result<Vec<u8>> {
        use base64::Engine as _;
        let mut all = vec![compute_unit_limit(CU_LIMIT)];
        all.extend_from_slice(ixs);
        let tx = Transaction::new_with_payer(&all, Some(payer));
        let config = RpcSimulateTransactionConfig {
            sig_verify: false,
            replace_recent_blockhash: true,
            commitment: Some(CommitmentConfig::confirmed()),
            ..RpcSimulateTransactionConfig::default()
        };
        let sim = self
            .rpc
            .simulate_transaction_with_config(&tx, config)
            .map_err(|e| self.rpc_error(e, "simulating the position view"))?
            .value;
        if let Some(err) = sim.err {
            return Err(anyhow::Error::new(TxFailure { error: err.into() }));
        }
        let Some(data) = sim.return_data else {
            return Ok(vec![]);
        };
        base64::engine::general_purpose::STANDARD
            .decode(data.data.0)
            .context("malformed return data")
    }

    /// The owner's associated token account of `mint`, and an instruction creating it if it
    /// does not exist yet (paid by `payer`).
    pub fn ata(
        &self,
        payer: &Pubkey,
        owner: &Pubkey,
        mint: &Pubkey,
        token_program: &Pubkey,
    ) -> Result<(Pubkey, Option<Instruction>)> {
        let ata = get_associated_token_address_with_program_id(owner, mint, token_program);
        if self.exists(&ata)? {
            return Ok((ata, None));
        }
        let ix =
            spl_associated_token_account::instruction::create_associated_token_account_idempotent(
                payer,
                owner,
                mint,
                token_program,
            );
        Ok((ata, Some(ix)))
    }
}

/// Deserialises `account` as `T`, checking it is owned by the program.
pub fn decode<T: AccountDeserialize>(account: &Account, key: &Pubkey, what: &str) -> Result<T> {
    if account.owner != restaking::ID {
        bail!(
            "{what} {key} is not an account of the restaking program (owner {})",
            account.owner
        );
    }
    T::try_deserialize(&mut account.data.as_slice())
        .map_err(|_| anyhow::anyhow!("{key} is not a {what} account"))
}

/// A compute-budget `SetComputeUnitLimit` instruction.
pub fn compute_unit_limit(units: u32) -> Instruction {
    let mut data = vec![2u8];
    data.extend_from_slice(&units.to_le_bytes());
    Instruction {
        program_id: solana_sdk::pubkey!("ComputeBudget111111111111111111111111111111"),
        accounts: vec![],
        data,
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &(dyn std::error::Error + 'static) = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    one_line(&cur.to_string())
}
