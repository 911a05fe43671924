//! Valuing a position by CPI to the restaking program's view `get_position_value`, read back
//! with `get_return_data`, and what of it the lender counts as collateral.
//!
//! Collateral is what the lien lets the lender realise: the position's idle, delegated, queued
//! and withdrawing LST. Pending base yield and restaking rewards are not collateral — the owner
//! claims them alone, lien or not — and are reported only.
//!
//! The view values only the delegations it is given; the lender requires all of them
//! (`open_delegations` of the position; the view refuses one given twice) so that no caller can
//! undervalue a position to liquidate it, nor borrow against a partial picture.
use crate::error::LenderError;
use crate::math::{sub, value_of_lst_floor};
use crate::restaking::accounts::Position;
use crate::restaking::types::PositionValue;
use crate::state::Market;
use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::solana_program::program::{get_return_data, invoke};
use anchor_lang::{InstructionData, ToAccountMetas};

/// A position as the lender sees it: what `value_position` returns and emits, and what
/// `borrow` and `liquidate` decide on.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Valuation {
    /// The position valued.
    pub position: Pubkey,
    /// Rate the view used (numeraire units per LST unit × 10^18).
    pub rate: u128,
    /// Whether that rate was read fresh from the pool's source.
    pub rate_fresh: bool,
    /// The lien holder the view reported.
    pub lien_holder: Option<Pubkey>,
    /// Delegations valued.
    pub delegations: u16,
    /// LST the lien secures: idle + delegated + queued + withdrawing.
    pub collateral_lst: u64,
    /// `collateral_lst` at the rate, in the numeraire (rounded down).
    pub collateral_value: u64,
    /// `collateral_value` at the market's price, in loan-token base units (rounded down).
    pub collateral_loan_value: u64,
    /// Base yield a `claim` would pay the owner now, in LST (the owner's, not collateral).
    pub pending_base_yield: u64,
    /// Rewards a `claim` would pay the owner now: per delegation valued, per stream in the
    /// bucket's slot order (the owner's, not collateral).
    pub rewards: Vec<Vec<u64>>,
    /// Everything the position holds in LST, as the view reports it.
    pub total_lst: u64,
    /// `total_lst` in the numeraire, as the view reports it.
    pub total_value: u64,
}

/// The accounts of the view: the position, its pool, the pool's rate source, and the
/// remaining-accounts groups (delegations with their buckets and reward indexes, tickets).
pub struct ViewAccounts<'a, 'info> {
    pub restaking_program: &'a AccountInfo<'info>,
    pub position: &'a AccountInfo<'info>,
    pub pool: &'a AccountInfo<'info>,
    pub rate_source: Option<&'a AccountInfo<'info>>,
    pub groups: &'a [AccountInfo<'info>],
}

/// Calls `get_position_value` by CPI and decodes its return data.
///
/// The instruction is built with the generated `client` module rather than `cpi`, whose
/// `Return::get` panics on missing data: here a missing or foreign answer is a named error.
pub fn view_position(a: &ViewAccounts) -> Result<PositionValue> {
    let mut metas = crate::restaking::client::accounts::GetPositionValue {
        position: a.position.key(),
        pool: a.pool.key(),
        rate_source: a.rate_source.map(|r| r.key()),
    }
    .to_account_metas(None);
    metas.extend(
        a.groups
            .iter()
            .map(|g| AccountMeta::new_readonly(g.key(), false)),
    );
    let ix = Instruction {
        program_id: crate::restaking::ID,
        accounts: metas,
        data: crate::restaking::client::args::GetPositionValue {}.data(),
    };
    let mut infos = Vec::with_capacity(a.groups.len().saturating_add(4));
    infos.push(a.position.clone());
    infos.push(a.pool.clone());
    if let Some(r) = a.rate_source {
        infos.push(r.clone());
    }
    infos.extend(a.groups.iter().cloned());
    infos.push(a.restaking_program.clone());
    invoke(&ix, &infos)?;

    let (program_id, data) = get_return_data().ok_or(LenderError::NoPositionValue)?;
    require_keys_eq!(
        program_id,
        crate::restaking::ID,
        LenderError::NoPositionValue
    );
    decode_position_value(&data)
}

/// Decodes the view's return data. The runtime may drop trailing zero bytes of return data,
/// so the encoding is read as if followed by zeros.
pub fn decode_position_value(data: &[u8]) -> Result<PositionValue> {
    use std::io::Read;
    let mut reader = data.chain(std::io::repeat(0));
    PositionValue::deserialize_reader(&mut reader)
        .map_err(|_| error!(LenderError::InvalidPositionValue))
}

/// What the lender counts of `view`, for `position` in `market`.
pub fn valuation(market: &Market, position: Pubkey, view: &PositionValue) -> Result<Valuation> {
    let collateral_lst = sub(view.total_lst, view.pending_base_yield)?;
    let collateral_value = value_of_lst_floor(collateral_lst, view.rate)?;
    Ok(Valuation {
        position,
        rate: view.rate,
        rate_fresh: view.rate_fresh,
        lien_holder: view.lien_holder,
        delegations: u16::try_from(view.delegations.len())
            .map_err(|_| LenderError::MathOverflow)?,
        collateral_lst,
        collateral_value,
        collateral_loan_value: market.loan_value(collateral_value)?,
        pending_base_yield: view.pending_base_yield,
        rewards: view.delegations.iter().map(|d| d.rewards.clone()).collect(),
        total_lst: view.total_lst,
        total_value: view.total_value,
    })
}

/// A valuation the lender may lend or liquidate on: every delegation valued, no ticket open
/// (none can be while the market holds the lien and the loan is active: it never co-signs
/// one), and the lien is the market's.
pub fn require_complete(
    valuation: &Valuation,
    position: &Position,
    authority: &Pubkey,
) -> Result<()> {
    require!(
        valuation.delegations == position.open_delegations,
        LenderError::IncompleteValuation
    );
    require!(position.open_tickets == 0, LenderError::TicketsOpen);
    require!(
        valuation.lien_holder == Some(*authority),
        LenderError::LienNotHeld
    );
    Ok(())
}
