//! Reader of Marinade's `State` account (program `MarBmsSgKXdrN1egZf5sqe1TMai9K1rChYNDJgjq7aD`,
//! mainnet account `8szGkuLTAux9XMgZ2vtY39jVSowEcpBfFfD8hXSEqdGC`): the mSOL mint and
//! `msol_price`, mSOL's value in lamports × 2^32 (`State::PRICE_DENOMINATOR`), which Marinade
//! recomputes on every epoch update.
//!
//! `State` is an Anchor account: an 8-byte discriminator, then the Borsh encoding of the
//! struct in `marinade-finance/liquid-staking-program`,
//! `programs/marinade-finance/src/state/mod.rs`, with nested structs from `fee.rs`, `list.rs`,
//! `stake_system.rs`, `validator_system.rs` and `liq_pool.rs` of the same directory. Every
//! field has a fixed Borsh size (no `Option`, `Vec` or enum), so `msol_price` sits at a fixed
//! offset. The walk, field by field (`Pubkey` 32, `u64` 8, `u32` 4, `u8`/`bool` 1;
//! `Fee { basis_points: u32 }` and `FeeCents { bp_cents: u32 }` 4;
//! `List { account: Pubkey, item_size: u32, count: u32, new_account: Pubkey,
//! copied_count: u32 }` 32 + 4 + 4 + 32 + 4 = 76):
//!
//! ```text
//!   0  discriminator                    8   →   8
//!   8  msol_mint                       32   →  40
//!  40  admin_authority                 32   →  72
//!  72  operational_sol_account         32   → 104
//! 104  treasury_msol_account           32   → 136
//! 136  reserve_bump_seed                1   → 137
//! 137  msol_mint_authority_bump_seed    1   → 138
//! 138  rent_exempt_for_token_acc        8   → 146
//! 146  reward_fee: Fee                  4   → 150
//! 150  stake_system: StakeSystem      114   → 264
//!        stake_list: List 76, delayed_unstake_cooling_down u64 8,
//!        stake_deposit_bump_seed u8 1, stake_withdraw_bump_seed u8 1,
//!        slots_for_stake_delta u64 8, last_stake_delta_epoch u64 8, min_stake u64 8,
//!        extra_stake_delta_runs u32 4                    = 76+8+1+1+8+8+8+4 = 114
//! 264  validator_system: ValidatorSystem 121 → 385
//!        validator_list: List 76, manager_authority Pubkey 32,
//!        total_validator_score u32 4, total_active_balance u64 8,
//!        auto_add_validator_enabled u8 1                 = 76+32+4+8+1 = 121
//! 385  liq_pool: LiqPool              111   → 496
//!        lp_mint Pubkey 32, lp_mint_authority_bump_seed u8 1, sol_leg_bump_seed u8 1,
//!        msol_leg_authority_bump_seed u8 1, msol_leg Pubkey 32,
//!        lp_liquidity_target u64 8, lp_max_fee Fee 4, lp_min_fee Fee 4,
//!        treasury_cut Fee 4, lp_supply u64 8, lent_from_sol_leg u64 8,
//!        liquidity_sol_cap u64 8              = 32+1+1+1+32+8+4+4+4+8+8+8 = 111
//! 496  available_reserve_balance        8   → 504
//! 504  msol_supply                      8   → 512
//! 512  msol_price                       8   → 520
//! 520  circulating_ticket_count, circulating_ticket_balance, lent_from_reserve,
//!      min_deposit, min_withdraw, staking_sol_cap, emergency_cooling_down  7 × 8 → 576
//! 576  pause_authority                 32   → 608
//! 608  paused                           1   → 609
//! 609  delayed_unstake_fee: FeeCents    4   → 613
//! 613  withdraw_stake_account_fee       4   → 617
//! 617  withdraw_stake_account_enabled   1   → 618
//! 618  last_stake_move_epoch            8   → 626
//! 626  stake_moved                      8   → 634
//! 634  max_stake_moved_per_epoch: Fee   4   → 638
//! ```
//!
//! The mainnet account is allocated 2,616 bytes (zero past 638). The offsets above were checked
//! against two mainnet dumps of it, one from before and one from after the fields from
//! `pause_authority` on were added.
use anchor_lang::prelude::*;

use crate::error::RestakingError;

/// `msol_price` is mSOL's price in lamports multiplied by this (Marinade's
/// `State::PRICE_DENOMINATOR = 0x1_0000_0000`).
pub const MSOL_PRICE_DENOMINATOR: u128 = 1 << 32;

/// Anchor discriminator of Marinade's `State`: `sha256("account:State")[..8]`.
pub const MARINADE_STATE_DISCRIMINATOR: [u8; 8] = [216, 146, 107, 94, 104, 75, 182, 177];

/// The discriminator occupies bytes 0..8.
pub const DISCRIMINATOR_OFFSET: usize = 0;
/// First field after the 8-byte discriminator.
pub const MSOL_MINT_OFFSET: usize = 8;
/// See the module documentation for the walk: 496 (end of `liq_pool`)
/// + available_reserve_balance (8) + msol_supply (8) = 512.
pub const MSOL_PRICE_OFFSET: usize = 512;
/// Discriminator plus the whole Borsh-encoded `State` (see the walk). The parser requires the
/// whole struct to be present, so a truncated or unrelated account is rejected.
pub const MARINADE_STATE_LEN: usize = 638;

/// What the program needs from Marinade's state to price mSOL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarinadeRate {
    pub msol_mint: Pubkey,
    /// mSOL price in lamports × 2^32 (divide by [`MSOL_PRICE_DENOMINATOR`]).
    pub msol_price: u64,
}

/// Reads `msol_mint` and `msol_price` from the data of Marinade's `State` account.
///
/// Fails with `MalformedRateSource` if `data` is shorter than an encoded `State` or does not
/// start with `State`'s discriminator. It does not check the owner or the mint: the caller
/// does.
pub fn parse_marinade_state(data: &[u8]) -> Result<MarinadeRate> {
    if data.len() < MARINADE_STATE_LEN {
        return err!(RestakingError::MalformedRateSource);
    }
    let discriminator: [u8; 8] = read_array(data, DISCRIMINATOR_OFFSET)?;
    if discriminator != MARINADE_STATE_DISCRIMINATOR {
        return err!(RestakingError::MalformedRateSource);
    }
    Ok(MarinadeRate {
        msol_mint: Pubkey::new_from_array(read_array(data, MSOL_MINT_OFFSET)?),
        msol_price: u64::from_le_bytes(read_array(data, MSOL_PRICE_OFFSET)?),
    })
}

fn read_array<const N: usize>(data: &[u8], offset: usize) -> Result<[u8; N]> {
    let bytes = offset
        .checked_add(N)
        .and_then(|end| data.get(offset..end))
        .and_then(|slice| <[u8; N]>::try_from(slice).ok());
    match bytes {
        Some(bytes) => Ok(bytes),
        None => err!(RestakingError::MalformedRateSource),
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::rate_source::fixtures::marinade_state_account_data;
    use proptest::prelude::*;

    /// A struct named `State` gets Anchor's discriminator `sha256("account:State")[..8]`, the
    /// same as Marinade's.
    mod anchor_named {
        use anchor_lang::prelude::*;
        #[account]
        pub struct State {}
    }

    fn malformed() -> Error {
        RestakingError::MalformedRateSource.into()
    }

    fn from_hex(lines: &[&str]) -> Vec<u8> {
        let hex: String = lines.concat();
        hex.as_bytes()
            .chunks(2)
            .map(|pair| {
                let pair = std::str::from_utf8(pair).expect("ascii");
                u8::from_str_radix(pair, 16).expect("hex")
            })
            .collect()
    }

    /// First 638 bytes of the mainnet Marinade `State` account (2,616 bytes, the rest zero)
    /// as dumped in `sunrise-stake/app` test fixtures (`scenarios/marinade_state.json`).
    const MAINNET_STATE_HEX: &[&str] = &[
        "d8926b5e684bb6b10b62ba074f722c9d4114f2d8f70a00c66002337b9bf90c873657a6d201db4c80",
        "2cf4a4ea8c9c1b987d47a5bf7b1c99c8e36a87ecfe4b25c5b23e803efe52dfae0bfe3d3a8a7f9ca5",
        "d869ed03a9cba1eea0c99d6a766de72f9d72046cf2d5d74294ba927e28a4e8a89671ed427067dc24",
        "0160d27f4696ae2bf40eff7b10016be0fffdf01d1f000000000000000000917c4b914e5399a2927d",
        "3d6edc651b67acb19fc26a47c17e4079bfb8263d4e6538000000a600000000000000000000000000",
        "00000000000000000000000000000000000000000000000000000000000000000000ffff50460000",
        "000000002f0300000000000000ca9a3b000000008f000000c0320bfd9d83ed36bbe764f0e20cc7fb",
        "84d4dc21e13dc945094cb2c8f1e15eb33d0000001604000000000000000000000000000000000000",
        "00000000000000000000000000000000000000000bfe3d3a8a7f9ca5d869ed03a9cba1eea0c99d6a",
        "766de72f9d72046cf2d5d742904e9d00e49b72e7c2db10000004f7c6fd461267ce656a599fef3eef",
        "b786ee14946506111ab4501ceb69b2bd1afffeff5d2a5ee5685c17e07cede5bef98300d4170ebbe2",
        "d99f064c4bb05ee97b35de7d00508a71191300008403000001000000881300008197cc04d4060000",
        "0000000000000000ffffffffffffffff7e87e98959ff00001f29e49d0a8f0d00afc1044f01000000",
        "3f04000000000000adf7d1f8ac1c0000000000000000000001000000000000000100000000000000",
        "ffffffffffffffff0000000000000000908d5cba4ab1bef9876f31e80a96d6db9fc9b2e86e93ba37",
        "8171565d4bbdce1700e8030000e8030000012f030000000000001f0136b154dd000010270000",
    ];

    #[test]
    fn discriminator_is_anchors_for_state() {
        assert_eq!(
            <anchor_named::State as anchor_lang::Discriminator>::DISCRIMINATOR,
            &MARINADE_STATE_DISCRIMINATOR[..]
        );
    }

    #[test]
    fn reads_the_real_mainnet_state() {
        let mut data = from_hex(MAINNET_STATE_HEX);
        assert_eq!(data.len(), MARINADE_STATE_LEN);
        data.resize(2_616, 0);
        let rate = parse_marinade_state(&data).expect("parses");
        assert_eq!(
            rate,
            MarinadeRate {
                msol_mint: pubkey!("mSoLzYCxHdYgdzU16g5QSh3i5K3z3KZK7ytfqcJm7So"),
                // ≈ 1.3087 SOL per mSOL
                msol_price: 5_620_679_087,
            }
        );
    }

    #[test]
    fn round_trips_through_the_builder() {
        let mint = Pubkey::new_unique();
        let price = 5_620_679_087;
        let data = marinade_state_account_data(&mint, price);
        assert_eq!(data.len(), 2_616);
        assert_eq!(
            parse_marinade_state(&data).expect("parses"),
            MarinadeRate {
                msol_mint: mint,
                msol_price: price
            }
        );
    }

    #[test]
    fn rejects_short_data() {
        let data = marinade_state_account_data(&Pubkey::new_unique(), 1 << 32);
        for len in [0, 7, 8, 40, 519, 520, 637] {
            let short = data.get(..len).expect("shorter than the account");
            assert_eq!(
                parse_marinade_state(short).expect_err("must be rejected"),
                malformed(),
                "len {len}"
            );
        }
        let exact = data.get(..MARINADE_STATE_LEN).expect("long enough");
        assert!(parse_marinade_state(exact).is_ok());
    }

    #[test]
    fn rejects_a_wrong_discriminator() {
        let data = marinade_state_account_data(&Pubkey::new_unique(), 1 << 32);
        for i in 0..8 {
            let mut bad = data.clone();
            if let Some(byte) = bad.get_mut(i) {
                *byte ^= 0x01;
            }
            assert_eq!(
                parse_marinade_state(&bad).expect_err("must be rejected"),
                malformed(),
                "byte {i}"
            );
        }
        let mut zeroed = data;
        if let Some(head) = zeroed.get_mut(..8) {
            head.fill(0);
        }
        assert_eq!(
            parse_marinade_state(&zeroed).expect_err("must be rejected"),
            malformed()
        );
    }

    proptest! {
        #[test]
        fn round_trips_any_values(mint in any::<[u8; 32]>(), price in any::<u64>()) {
            let mint = Pubkey::new_from_array(mint);
            let data = marinade_state_account_data(&mint, price);
            prop_assert_eq!(
                parse_marinade_state(&data).expect("parses"),
                MarinadeRate { msol_mint: mint, msol_price: price }
            );
        }

        #[test]
        fn never_panics_on_arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..700)) {
            let _ = parse_marinade_state(&data);
        }
    }
}
