//! Reader of an SPL stake-pool `StakePool` account (program
//! `SPoo1Ku8WFXoNDMHPsrGSTSG1Y47rzgn41SLUNakuHy`): the pool mint, the lamports under
//! management, the pool token supply and the epoch those were last updated.
//!
//! The account is Borsh-encoded (`solana-program/stake-pool`, `program/src/state.rs`, checked
//! at commit 0e562954cc280185fcc87ef01d7bbc78859fdae9). Its tail holds `Option` and
//! `FutureEpoch` fields whose length varies, so the whole struct is never deserialized: only
//! the fixed-offset prefix up to `last_update_epoch` is read, field by field.
//!
//! Prefix layout (byte offsets; `Pubkey` = 32, `u64` = 8, `AccountType`/`u8` = 1):
//!
//! | offset | size | field                      |
//! |-------:|-----:|----------------------------|
//! |      0 |    1 | `account_type` (StakePool = 1) |
//! |      1 |   32 | `manager`                  |
//! |     33 |   32 | `staker`                   |
//! |     65 |   32 | `stake_deposit_authority`  |
//! |     97 |    1 | `stake_withdraw_bump_seed` |
//! |     98 |   32 | `validator_list`           |
//! |    130 |   32 | `reserve_stake`            |
//! |    162 |   32 | `pool_mint`                |
//! |    194 |   32 | `manager_fee_account`      |
//! |    226 |   32 | `token_program_id`         |
//! |    258 |    8 | `total_lamports`           |
//! |    266 |    8 | `pool_token_supply`        |
//! |    274 |    8 | `last_update_epoch`        |
//!
//! These offsets were also checked against a mainnet dump of a live pool (BlazeStake).
use anchor_lang::prelude::*;

use crate::error::RestakingError;

/// `AccountType::StakePool` (`Uninitialized` = 0, `StakePool` = 1, `ValidatorList` = 2).
pub const ACCOUNT_TYPE_STAKE_POOL: u8 = 1;

/// `account_type` is the first byte.
pub const ACCOUNT_TYPE_OFFSET: usize = 0;
/// account_type (1) + manager (32) + staker (32) + stake_deposit_authority (32)
/// + stake_withdraw_bump_seed (1) + validator_list (32) + reserve_stake (32) = 162.
pub const POOL_MINT_OFFSET: usize = 162;
/// pool_mint (162 + 32 = 194) + manager_fee_account (32) + token_program_id (32) = 258.
pub const TOTAL_LAMPORTS_OFFSET: usize = 258;
/// total_lamports (258 + 8) = 266.
pub const POOL_TOKEN_SUPPLY_OFFSET: usize = 266;
/// pool_token_supply (266 + 8) = 274.
pub const LAST_UPDATE_EPOCH_OFFSET: usize = 274;

/// Shortest possible Borsh encoding of a whole `StakePool`, reached when every `Option` and
/// `FutureEpoch` is empty (one tag byte each). Anything shorter cannot be a stake pool.
///
/// last_update_epoch ends at 282; then lockup (i64 + u64 + Pubkey = 48) → 330; epoch_fee
/// (`Fee` = denominator u64 + numerator u64 = 16) → 346; next_epoch_fee (1) → 347;
/// preferred_deposit_validator_vote_address (1) → 348; preferred_withdraw_… (1) → 349;
/// stake_deposit_fee (16) → 365; stake_withdrawal_fee (16) → 381;
/// next_stake_withdrawal_fee (1) → 382; stake_referral_fee (1) → 383;
/// sol_deposit_authority (1) → 384; sol_deposit_fee (16) → 400; sol_referral_fee (1) → 401;
/// sol_withdraw_authority (1) → 402; sol_withdrawal_fee (16) → 418;
/// next_sol_withdrawal_fee (1) → 419; last_epoch_pool_token_supply (8) → 427;
/// last_epoch_total_lamports (8) → 435. Deployed accounts are allocated 611 bytes.
pub const STAKE_POOL_MIN_LEN: usize = 435;

/// What the program needs from a stake pool to price its pool token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StakePoolRate {
    pub pool_mint: Pubkey,
    pub total_lamports: u64,
    pub pool_token_supply: u64,
    pub last_update_epoch: u64,
}

/// Reads the rate fields of a `StakePool` account's data.
///
/// Fails with `MalformedRateSource` if `data` is shorter than any encoded `StakePool` or its
/// `account_type` is not `StakePool`. It does not check the owner, the mint or staleness:
/// the caller does.
pub fn parse_stake_pool(data: &[u8]) -> Result<StakePoolRate> {
    if data.len() < STAKE_POOL_MIN_LEN {
        return err!(RestakingError::MalformedRateSource);
    }
    let Some(&account_type) = data.get(ACCOUNT_TYPE_OFFSET) else {
        return err!(RestakingError::MalformedRateSource);
    };
    if account_type != ACCOUNT_TYPE_STAKE_POOL {
        return err!(RestakingError::MalformedRateSource);
    }
    Ok(StakePoolRate {
        pool_mint: Pubkey::new_from_array(read_array(data, POOL_MINT_OFFSET)?),
        total_lamports: read_u64(data, TOTAL_LAMPORTS_OFFSET)?,
        pool_token_supply: read_u64(data, POOL_TOKEN_SUPPLY_OFFSET)?,
        last_update_epoch: read_u64(data, LAST_UPDATE_EPOCH_OFFSET)?,
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

fn read_u64(data: &[u8], offset: usize) -> Result<u64> {
    read_array(data, offset).map(u64::from_le_bytes)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::rate_source::fixtures::stake_pool_account_data;
    use proptest::prelude::*;

    fn malformed() -> Error {
        RestakingError::MalformedRateSource.into()
    }

    /// Decodes the hex fixture lines below.
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

    /// First 480 bytes of the mainnet BlazeStake pool account
    /// (`stk9ApL5HeVAwPLr3TLhDXdZS8ptVu7zp6ov8HFDuMi`, 611 bytes, the rest zero) as dumped in
    /// `sunrise-stake/app` test fixtures. Bytes past 435 are stale and must not matter.
    const BLAZE_POOL_HEX: &[&str] = &[
        "0108b66903e68ff9327353ecceb2daaadc80612a49a1b8f977a231fa08e49aa8e408b66903e68ff9",
        "327353ecceb2daaadc80612a49a1b8f977a231fa08e49aa8e4744e52b7383569eeaf31a56bef17bf",
        "90359cfff90c5cfc9623f185eb8f31f60bfc08834ba474ce48d1bdbeef1cefd509085a7843dca1ce",
        "5b9d64f361a249423d1f08902935e6fbbe62f3ffb24f9c2738d9af14a21430f619eaf707461ab2f0",
        "201c08d2e970f93c7b3d50191e611acd93aa80a546b45ec965e18b0587155699c8acbe8a8df7d134",
        "4195cd9bf4449cc5637effdc2f1849233e5e4a32af110659b76e06ddf6e1d765a193d9cbe146ceeb",
        "79ac1cb485ed5f5b37913a8cf5857eff00a9d50b2f9412000000c8ab970c12000000ba0100000000",
        "00000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "000000000000000000001027000000000000f4010000000000000000001027000000000000080000",
        "000000000010270000000000000a0000000000000000640010270000000000000800000000000000",
        "64001027000000000000030000000000000000c8ab970c12000000d50b2f94120000000300000000",
        "000001000000000000000110270000000000000300000000000000092d417710000000d585f3f210",
    ];

    #[test]
    fn reads_a_real_mainnet_pool() {
        let mut data = from_hex(BLAZE_POOL_HEX);
        data.resize(611, 0);
        let rate = parse_stake_pool(&data).expect("parses");
        assert_eq!(
            rate,
            StakePoolRate {
                pool_mint: pubkey!("bSo13r4TkiE4KumL71LsHTPpL2euBYLFx6h9HP3piy1"),
                total_lamports: 79_795_522_517,
                pool_token_supply: 77_520_677_832,
                last_update_epoch: 442,
            }
        );
    }

    #[test]
    fn round_trips_through_the_builder() {
        let mint = Pubkey::new_unique();
        let data = stake_pool_account_data(&mint, 1_050_000_000, 1_000_000_000, 700);
        assert_eq!(data.len(), 611);
        let rate = parse_stake_pool(&data).expect("parses");
        assert_eq!(
            rate,
            StakePoolRate {
                pool_mint: mint,
                total_lamports: 1_050_000_000,
                pool_token_supply: 1_000_000_000,
                last_update_epoch: 700,
            }
        );
    }

    #[test]
    fn the_minimal_encoding_is_enough() {
        let mint = Pubkey::new_unique();
        let data = stake_pool_account_data(&mint, 3, 2, 1);
        let short = data.get(..STAKE_POOL_MIN_LEN).expect("long enough");
        assert_eq!(parse_stake_pool(short).expect("parses").pool_mint, mint);
    }

    #[test]
    fn rejects_short_data() {
        let data = stake_pool_account_data(&Pubkey::new_unique(), 3, 2, 1);
        for len in [0, 1, 161, 194, 281, 282, 434] {
            let short = data.get(..len).expect("shorter than the account");
            assert_eq!(
                parse_stake_pool(short).expect_err("must be rejected"),
                malformed(),
                "len {len}"
            );
        }
    }

    #[test]
    fn rejects_other_account_types() {
        let mut data = stake_pool_account_data(&Pubkey::new_unique(), 3, 2, 1);
        for account_type in [0u8, 2, 3, 255] {
            if let Some(first) = data.first_mut() {
                *first = account_type;
            }
            assert_eq!(
                parse_stake_pool(&data).expect_err("must be rejected"),
                malformed()
            );
        }
    }

    proptest! {
        #[test]
        fn round_trips_any_values(
            mint in any::<[u8; 32]>(),
            total in any::<u64>(),
            supply in any::<u64>(),
            epoch in any::<u64>(),
        ) {
            let mint = Pubkey::new_from_array(mint);
            let data = stake_pool_account_data(&mint, total, supply, epoch);
            let rate = parse_stake_pool(&data).expect("parses");
            prop_assert_eq!(rate, StakePoolRate {
                pool_mint: mint,
                total_lamports: total,
                pool_token_supply: supply,
                last_update_epoch: epoch,
            });
        }

        #[test]
        fn never_panics_on_arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..700)) {
            let _ = parse_stake_pool(&data);
        }
    }
}
