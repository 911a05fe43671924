//! Seeds, scales and limits of the lender, and the restaking program's facts it relies on.
use anchor_lang::prelude::*;

/// Layout version written into every account this program creates.
pub const ACCOUNT_VERSION: u8 = 1;

/// Basis-point denominator.
pub const BPS_DENOMINATOR: u64 = 10_000;

/// Seed of the market's authority PDA (`["authority", market]`): a system account with no data
/// that holds the liens, owns both vaults, signs every CPI and pays enforcement tickets' rent.
pub const AUTHORITY_SEED: &[u8] = b"authority";

/// Seed of the market's liquidity vault (`["liquidity_vault", market]`): loan tokens to lend.
pub const LIQUIDITY_VAULT_SEED: &[u8] = b"liquidity_vault";

/// Seed of the market's collateral vault (`["collateral_vault", market]`): LST collected from
/// defaulted positions.
pub const COLLATERAL_VAULT_SEED: &[u8] = b"collateral_vault";

/// Fixed-point scale of the restaking program's rates (numeraire units per LST unit × 10^18).
pub const RATE_SCALE: u128 = crate::restaking::constants::RATE_SCALE;

/// Size of a restaking `WithdrawalTicket` account (discriminator + 131 bytes of fields): the
/// rent the authority must hold before it opens one. The IDL has no account sizes; the test
/// `ticket_space_matches_restaking` checks this against the program.
pub const TICKET_SPACE: usize = 139;

/// The restaking program's event authority (`["__event_authority"]` of its id), passed to every
/// CPI into it (its events are emitted by self-CPI); checked by the unit test below.
pub const RESTAKING_EVENT_AUTHORITY: Pubkey =
    pubkey!("CJdooCjnkZ8sjeFVnSw7rhE4FqMnQnuaWrwJce8EqbGL");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restaking_event_authority_is_its_pda() {
        let (key, _) = Pubkey::find_program_address(&[b"__event_authority"], &crate::restaking::ID);
        assert_eq!(key, RESTAKING_EVENT_AUTHORITY);
    }
}
