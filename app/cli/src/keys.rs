//! Keypair files in the Solana CLI's format (a JSON array of the 64 secret-key bytes), and
//! address arguments.
use anyhow::{bail, Context, Result};
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{Keypair, Signer};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// `~/.config/solana/id.json`, the Solana CLI's default wallet.
pub fn default_keypair_path() -> PathBuf {
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".config").join("solana").join("id.json")
}

/// Expands a leading `~/` to `$HOME`.
pub fn expand_home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => path.to_path_buf(),
    }
}

/// Reads a Solana CLI keypair file.
pub fn read_keypair(path: &Path) -> Result<Keypair> {
    let path = expand_home(path);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read keypair file {}", path.display()))?;
    let bytes: Vec<u8> = serde_json::from_str(&text).map_err(|_| {
        anyhow::anyhow!(
            "{} is not a Solana CLI keypair file (expected a JSON array of 64 bytes)",
            path.display()
        )
    })?;
    if bytes.len() != 64 {
        bail!(
            "{} is not a Solana CLI keypair file (it holds {} bytes, not 64)",
            path.display(),
            bytes.len()
        );
    }
    let kp = Keypair::try_from(bytes.as_slice())
        .map_err(|e| anyhow::anyhow!("{} holds an invalid keypair: {e}", path.display()))?;
    Ok(kp)
}

/// Writes `kp` as a Solana CLI keypair file (creating its directory).
pub fn write_keypair(kp: &Keypair, path: &Path) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create directory {}", dir.display()))?;
    }
    let json = serde_json::to_string(&kp.to_bytes().to_vec())?;
    std::fs::write(path, json).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Parses a base-58 address, or reads the public key of a keypair file given by path.
pub fn parse_address(text: &str, what: &str) -> Result<Pubkey> {
    if let Ok(key) = Pubkey::from_str(text) {
        return Ok(key);
    }
    let path = Path::new(text);
    if text.ends_with(".json") || path.is_file() {
        return Ok(read_keypair(path)?.pubkey());
    }
    bail!("invalid {what} {text:?}: not a base-58 address or a keypair file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_malformed_files() {
        let dir = std::env::temp_dir().join(format!("restaking-cli-keys-{}", std::process::id()));
        let path = dir.join("kp.json");
        let kp = Keypair::new();
        write_keypair(&kp, &path).expect("write");
        assert_eq!(read_keypair(&path).expect("read").pubkey(), kp.pubkey());
        assert_eq!(
            parse_address(path.to_str().expect("utf-8"), "owner").expect("path"),
            kp.pubkey()
        );

        std::fs::write(&path, "not json").expect("write");
        let err = read_keypair(&path).expect_err("malformed");
        assert!(err.to_string().contains("not a Solana CLI keypair file"));
        std::fs::write(&path, "[1,2,3]").expect("write");
        assert!(read_keypair(&path).is_err());
        let missing = dir.join("missing.json");
        let err = read_keypair(&missing).expect_err("missing");
        assert!(format!("{err:#}").contains("cannot read keypair file"));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(parse_address("nope", "owner").is_err());
    }
}
