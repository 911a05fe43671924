//! Byte-exact account data for the two external rate sources the program reads, so that
//! integration tests can put them on a test validator (`ProgramTest::add_account`) owned by
//! the real program ids.
//!
//! The builders write every field of the real account struct in declaration order with a
//! tiny Borsh-compatible writer. They deliberately do not use the readers' offset constants
//! (`spl_stake_pool`, `marinade`), so a reader test that round-trips through a builder checks
//! two independent descriptions of the layout against each other.
//!
//! Layout sources (and the real account sizes):
//! - SPL stake pool `StakePool`: `solana-program/stake-pool`, `program/src/state.rs`
//!   (commit 0e562954cc280185fcc87ef01d7bbc78859fdae9). Deployed accounts are allocated
//!   `get_packed_len::<StakePool>()` = 611 bytes (every `Option`/`FutureEpoch` counted at its
//!   largest); the Borsh serialization of a pool with every optional field empty is 435 bytes
//!   and the rest is zero. 611 was checked against a mainnet dump of the BlazeStake pool.
//! - Marinade `State`: `marinade-finance/liquid-staking-program`,
//!   `programs/marinade-finance/src/state/` (`mod.rs`, `stake_system.rs`,
//!   `validator_system.rs`, `liq_pool.rs`, `list.rs`, `fee.rs`).
//!   Serialized size is 8 + 630 = 638 bytes; the mainnet account
//!   (`8szGkuLTAux9XMgZ2vtY39jVSowEcpBfFfD8hXSEqdGC`) is allocated 2,616 bytes, the tail
//!   being zero. Both numbers were checked against mainnet dumps of that account.
use anchor_lang::prelude::{pubkey, Pubkey};

/// SPL stake-pool program id.
pub const SPL_STAKE_POOL_PROGRAM: Pubkey = pubkey!("SPoo1Ku8WFXoNDMHPsrGSTSG1Y47rzgn41SLUNakuHy");
/// Marinade program id.
pub const MARINADE_PROGRAM: Pubkey = pubkey!("MarBmsSgKXdrN1egZf5sqe1TMai9K1rChYNDJgjq7aD");

/// Allocated size of a deployed `StakePool` account (`get_packed_len::<StakePool>()`).
pub const STAKE_POOL_ACCOUNT_LEN: usize = 611;
/// Borsh length of a `StakePool` whose `Option` / `FutureEpoch` fields are all empty.
pub const STAKE_POOL_SERIALIZED_LEN: usize = 435;
/// Allocated size of the mainnet Marinade `State` account.
pub const MARINADE_STATE_ACCOUNT_LEN: usize = 2_616;
/// Anchor discriminator plus Borsh length of Marinade's `State`.
pub const MARINADE_STATE_SERIALIZED_LEN: usize = 638;

/// `sha256("account:State")[..8]`, Anchor's discriminator of Marinade's `State`.
const MARINADE_STATE_DISCRIMINATOR: [u8; 8] = [216, 146, 107, 94, 104, 75, 182, 177];
/// SPL Token program, the `token_program_id` of a classic stake pool.
const SPL_TOKEN_PROGRAM: Pubkey = pubkey!("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");

/// Appends little-endian Borsh encodings to a buffer.
struct Writer(Vec<u8>);

impl Writer {
    fn with_capacity(len: usize) -> Self {
        Self(Vec::with_capacity(len))
    }
    fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.extend_from_slice(b);
        self
    }
    fn u8(&mut self, v: u8) -> &mut Self {
        self.bytes(&[v])
    }
    fn bool(&mut self, v: bool) -> &mut Self {
        self.u8(u8::from(v))
    }
    fn u32(&mut self, v: u32) -> &mut Self {
        self.bytes(&v.to_le_bytes())
    }
    fn u64(&mut self, v: u64) -> &mut Self {
        self.bytes(&v.to_le_bytes())
    }
    fn i64(&mut self, v: i64) -> &mut Self {
        self.bytes(&v.to_le_bytes())
    }
    fn pubkey(&mut self, k: &Pubkey) -> &mut Self {
        self.bytes(k.as_ref())
    }
    /// Borsh `Option<Pubkey>`: tag 0 for `None`, tag 1 then the key for `Some`.
    fn option_pubkey(&mut self, k: Option<&Pubkey>) -> &mut Self {
        match k {
            None => self.u8(0),
            Some(k) => self.u8(1).pubkey(k),
        }
    }
    /// Stake pool `Fee { denominator: u64, numerator: u64 }` (denominator first).
    fn spl_fee(&mut self, numerator: u64, denominator: u64) -> &mut Self {
        self.u64(denominator).u64(numerator)
    }
    /// Stake pool `FutureEpoch<Fee>`: enum `None` (0) | `One(Fee)` (1) | `Two(Fee)` (2).
    fn future_epoch_spl_fee(&mut self, fee: Option<(u8, u64, u64)>) -> &mut Self {
        match fee {
            None => self.u8(0),
            Some((variant, numerator, denominator)) => {
                self.u8(variant).spl_fee(numerator, denominator)
            }
        }
    }
    /// Marinade `List { account, item_size: u32, count: u32, new_account, copied_count: u32 }`.
    fn marinade_list(&mut self, account: &Pubkey, item_size: u32, count: u32) -> &mut Self {
        self.pubkey(account)
            .u32(item_size)
            .u32(count)
            .pubkey(&Pubkey::default())
            .u32(0)
    }
    fn finish(self, serialized_len: usize, account_len: usize) -> Vec<u8> {
        let mut data = self.0;
        assert_eq!(
            data.len(),
            serialized_len,
            "builder wrote a wrong number of bytes"
        );
        data.resize(account_len, 0);
        data
    }
}

/// A fixed, recognisable key for the fields the parser does not read.
fn key(byte: u8) -> Pubkey {
    Pubkey::new_from_array([byte; 32])
}

/// Data of an SPL stake-pool `StakePool` account, 611 bytes like a deployed one.
///
/// Fields the rate reader does not use are given plausible values (fees shaped like a live
/// pool's, `last_epoch_*` equal to the current totals, every `Option` empty).
pub fn stake_pool_account_data(
    pool_mint: &Pubkey,
    total_lamports: u64,
    pool_token_supply: u64,
    last_update_epoch: u64,
) -> Vec<u8> {
    let mut w = Writer::with_capacity(STAKE_POOL_ACCOUNT_LEN);
    w.u8(1) // account_type: AccountType::StakePool
        .pubkey(&key(0x11)) // manager
        .pubkey(&key(0x12)) // staker
        .pubkey(&key(0x13)) // stake_deposit_authority
        .u8(255) // stake_withdraw_bump_seed
        .pubkey(&key(0x14)) // validator_list
        .pubkey(&key(0x15)) // reserve_stake
        .pubkey(pool_mint) // pool_mint
        .pubkey(&key(0x16)) // manager_fee_account
        .pubkey(&SPL_TOKEN_PROGRAM) // token_program_id
        .u64(total_lamports) // total_lamports
        .u64(pool_token_supply) // pool_token_supply
        .u64(last_update_epoch) // last_update_epoch
        // lockup: Lockup { unix_timestamp: i64, epoch: u64, custodian: Pubkey }
        .i64(0)
        .u64(0)
        .pubkey(&Pubkey::default())
        .spl_fee(5, 100) // epoch_fee
        .future_epoch_spl_fee(None) // next_epoch_fee
        .option_pubkey(None) // preferred_deposit_validator_vote_address
        .option_pubkey(None) // preferred_withdraw_validator_vote_address
        .spl_fee(0, 10_000) // stake_deposit_fee
        .spl_fee(10, 10_000) // stake_withdrawal_fee
        .future_epoch_spl_fee(None) // next_stake_withdrawal_fee
        .u8(0) // stake_referral_fee
        .option_pubkey(None) // sol_deposit_authority
        .spl_fee(0, 10_000) // sol_deposit_fee
        .u8(0) // sol_referral_fee
        .option_pubkey(None) // sol_withdraw_authority
        .spl_fee(3, 10_000) // sol_withdrawal_fee
        .future_epoch_spl_fee(None) // next_sol_withdrawal_fee
        .u64(pool_token_supply) // last_epoch_pool_token_supply
        .u64(total_lamports); // last_epoch_total_lamports
    w.finish(STAKE_POOL_SERIALIZED_LEN, STAKE_POOL_ACCOUNT_LEN)
}

/// Data of Marinade's `State` account, 2,616 bytes like the mainnet one.
///
/// `msol_price` is mSOL's price in lamports × 2^32. Other fields carry values shaped like the
/// mainnet account's; they are not made consistent with `msol_price`.
pub fn marinade_state_account_data(msol_mint: &Pubkey, msol_price: u64) -> Vec<u8> {
    let mut w = Writer::with_capacity(MARINADE_STATE_ACCOUNT_LEN);
    w.bytes(&MARINADE_STATE_DISCRIMINATOR)
        .pubkey(msol_mint) // msol_mint
        .pubkey(&key(0x21)) // admin_authority
        .pubkey(&key(0x22)) // operational_sol_account
        .pubkey(&key(0x23)) // treasury_msol_account
        .u8(254) // reserve_bump_seed
        .u8(253) // msol_mint_authority_bump_seed
        .u64(2_039_280) // rent_exempt_for_token_acc
        .u32(600) // reward_fee: Fee { basis_points: u32 }
        // stake_system: StakeSystem
        .marinade_list(&key(0x24), 56, 166) // stake_list
        .u64(0) // delayed_unstake_cooling_down
        .u8(255) // stake_deposit_bump_seed
        .u8(255) // stake_withdraw_bump_seed
        .u64(18_000) // slots_for_stake_delta
        .u64(815) // last_stake_delta_epoch
        .u64(1_000_000_000) // min_stake
        .u32(143) // extra_stake_delta_runs
        // validator_system: ValidatorSystem
        .marinade_list(&key(0x25), 61, 1_046) // validator_list
        .pubkey(&key(0x26)) // manager_authority
        .u32(10_309_264) // total_validator_score
        .u64(4_745_229_780_556_772) // total_active_balance
        .u8(0) // auto_add_validator_enabled
        // liq_pool: LiqPool
        .pubkey(&key(0x27)) // lp_mint
        .u8(255) // lp_mint_authority_bump_seed
        .u8(254) // sol_leg_bump_seed
        .u8(255) // msol_leg_authority_bump_seed
        .pubkey(&key(0x28)) // msol_leg
        .u64(21_000_000_000_000) // lp_liquidity_target
        .u32(900) // lp_max_fee
        .u32(1) // lp_min_fee
        .u32(5_000) // treasury_cut
        .u64(7_507_683_350_401) // lp_supply
        .u64(0) // lent_from_sol_leg
        .u64(u64::MAX) // liquidity_sol_cap
        // back in State
        .u64(280_760_030_955_390) // available_reserve_balance
        .u64(3_816_450_458_659_103) // msol_supply
        .u64(msol_price) // msol_price
        .u64(1_087) // circulating_ticket_count
        .u64(31_529_234_462_637) // circulating_ticket_balance
        .u64(0) // lent_from_reserve
        .u64(1) // min_deposit
        .u64(1) // min_withdraw
        .u64(u64::MAX) // staking_sol_cap
        .u64(0) // emergency_cooling_down
        .pubkey(&key(0x29)) // pause_authority
        .bool(false) // paused
        .u32(1_000) // delayed_unstake_fee: FeeCents { bp_cents: u32 }
        .u32(1_000) // withdraw_stake_account_fee: FeeCents
        .bool(true) // withdraw_stake_account_enabled
        .u64(815) // last_stake_move_epoch
        .u64(243_355_820_097_823) // stake_moved
        .u32(10_000); // max_stake_moved_per_epoch: Fee
    w.finish(MARINADE_STATE_SERIALIZED_LEN, MARINADE_STATE_ACCOUNT_LEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_produce_real_account_sizes() {
        let mint = key(0x01);
        assert_eq!(stake_pool_account_data(&mint, 2, 1, 3).len(), 611);
        assert_eq!(marinade_state_account_data(&mint, 1 << 32).len(), 2_616);
    }

    #[test]
    fn builders_put_the_inputs_where_the_real_programs_do() {
        let mint = key(0x01);
        let sp = stake_pool_account_data(&mint, 0x0102, 0x0304, 0x0506);
        assert_eq!(sp.first(), Some(&1));
        assert_eq!(sp.get(162..194), Some(mint.as_ref()));
        assert_eq!(sp.get(258..266), Some(&0x0102u64.to_le_bytes()[..]));
        assert_eq!(sp.get(266..274), Some(&0x0304u64.to_le_bytes()[..]));
        assert_eq!(sp.get(274..282), Some(&0x0506u64.to_le_bytes()[..]));
        assert!(sp
            .get(435..)
            .is_some_and(|tail| tail.iter().all(|b| *b == 0)));

        let m = marinade_state_account_data(&mint, 0x0708);
        assert_eq!(m.get(..8), Some(&MARINADE_STATE_DISCRIMINATOR[..]));
        assert_eq!(m.get(8..40), Some(mint.as_ref()));
        assert_eq!(m.get(512..520), Some(&0x0708u64.to_le_bytes()[..]));
        assert!(m
            .get(638..)
            .is_some_and(|tail| tail.iter().all(|b| *b == 0)));
    }
}
