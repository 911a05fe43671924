//! Checked arithmetic of the lender. Every result is rounded in the lender's favour by the
//! caller's choice of `floor` (what a borrower may take, what collateral is worth) or `ceil`
//! (what a borrower must keep).
use crate::constants::RATE_SCALE;
use crate::error::LenderError;
use anchor_lang::prelude::*;

/// `floor(a × b / d)` as a u64 (u128 intermediate).
pub fn mul_div_floor(a: u64, b: u128, d: u128) -> Result<u64> {
    let product = u128::from(a)
        .checked_mul(b)
        .ok_or(LenderError::MathOverflow)?;
    let q = product.checked_div(d).ok_or(LenderError::DivisionByZero)?;
    Ok(u64::try_from(q).map_err(|_| LenderError::MathOverflow)?)
}

/// `ceil(a × b / d)` as a u64 (u128 intermediate).
pub fn mul_div_ceil(a: u64, b: u128, d: u128) -> Result<u64> {
    let product = u128::from(a)
        .checked_mul(b)
        .ok_or(LenderError::MathOverflow)?;
    let q = product.checked_div(d).ok_or(LenderError::DivisionByZero)?;
    let r = product.checked_rem(d).ok_or(LenderError::DivisionByZero)?;
    let q = if r > 0 {
        q.checked_add(1).ok_or(LenderError::MathOverflow)?
    } else {
        q
    };
    Ok(u64::try_from(q).map_err(|_| LenderError::MathOverflow)?)
}

/// `lst` valued at `rate` (numeraire units per LST unit × 10^18), rounded down.
pub fn value_of_lst_floor(lst: u64, rate: u128) -> Result<u64> {
    mul_div_floor(lst, rate, RATE_SCALE)
}

/// `a + b`, checked.
pub fn add(a: u64, b: u64) -> Result<u64> {
    Ok(a.checked_add(b).ok_or(LenderError::MathOverflow)?)
}

/// `a − b`, checked.
pub fn sub(a: u64, b: u64) -> Result<u64> {
    Ok(a.checked_sub(b).ok_or(LenderError::MathOverflow)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding() {
        assert_eq!(mul_div_floor(10, 1, 3).unwrap(), 3);
        assert_eq!(mul_div_ceil(10, 1, 3).unwrap(), 4);
        assert_eq!(mul_div_ceil(9, 1, 3).unwrap(), 3);
        assert_eq!(mul_div_ceil(0, 5, 3).unwrap(), 0);
        assert!(mul_div_floor(1, 1, 0).is_err());
        assert!(mul_div_floor(u64::MAX, 2, 1).is_err());
        assert_eq!(
            mul_div_floor(u64::MAX, u128::from(u64::MAX), u128::from(u64::MAX)).unwrap(),
            u64::MAX
        );
    }

    #[test]
    fn lst_value() {
        let rate = RATE_SCALE * 105 / 100;
        assert_eq!(value_of_lst_floor(100, rate).unwrap(), 105);
        assert_eq!(value_of_lst_floor(3, RATE_SCALE / 2).unwrap(), 1);
        assert_eq!(
            value_of_lst_floor(95_238_095_238, rate).unwrap(),
            99_999_999_999
        );
    }
}
