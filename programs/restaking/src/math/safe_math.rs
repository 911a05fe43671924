//! Checked arithmetic that names the failing call site.
//!
//! `a.safe_add(b)?` replaces `a + b` on every amount. On failure it logs `file:line` of the
//! caller (only on the error path, so the success path costs nothing extra) and returns
//! [`RestakingError::MathOverflow`] or [`RestakingError::DivisionByZero`].
use crate::error::RestakingError;
use anchor_lang::prelude::*;
use core::panic::Location;

pub trait SafeMath: Sized {
    fn safe_add(self, rhs: Self) -> Result<Self>;
    fn safe_sub(self, rhs: Self) -> Result<Self>;
    fn safe_mul(self, rhs: Self) -> Result<Self>;
    fn safe_div(self, rhs: Self) -> Result<Self>;
    fn safe_div_ceil(self, rhs: Self) -> Result<Self>;
}

#[cold]
#[inline(never)]
fn fail(loc: &'static Location<'static>, error: RestakingError) -> Error {
    msg!("math error at {}:{}", loc.file(), loc.line());
    error.into()
}

macro_rules! impl_safe_math {
    ($($t:ty),*) => {$(
        impl SafeMath for $t {
            #[inline(always)]
            #[track_caller]
            fn safe_add(self, rhs: Self) -> Result<Self> {
                match self.checked_add(rhs) {
                    Some(v) => Ok(v),
                    None => Err(fail(Location::caller(), RestakingError::MathOverflow)),
                }
            }
            #[inline(always)]
            #[track_caller]
            fn safe_sub(self, rhs: Self) -> Result<Self> {
                match self.checked_sub(rhs) {
                    Some(v) => Ok(v),
                    None => Err(fail(Location::caller(), RestakingError::MathOverflow)),
                }
            }
            #[inline(always)]
            #[track_caller]
            fn safe_mul(self, rhs: Self) -> Result<Self> {
                match self.checked_mul(rhs) {
                    Some(v) => Ok(v),
                    None => Err(fail(Location::caller(), RestakingError::MathOverflow)),
                }
            }
            #[inline(always)]
            #[track_caller]
            fn safe_div(self, rhs: Self) -> Result<Self> {
                match self.checked_div(rhs) {
                    Some(v) => Ok(v),
                    None => Err(fail(Location::caller(), RestakingError::DivisionByZero)),
                }
            }
            #[inline(always)]
            #[track_caller]
            fn safe_div_ceil(self, rhs: Self) -> Result<Self> {
                let loc = Location::caller();
                let (Some(q), Some(r)) = (self.checked_div(rhs), self.checked_rem(rhs)) else {
                    return Err(fail(loc, RestakingError::DivisionByZero));
                };
                // Round toward +∞: add one when there is a remainder and the exact quotient is
                // positive (same signs); `Self::default()` is zero.
                if r != Self::default() && ((self > Self::default()) == (rhs > Self::default())) {
                    q.checked_add(1).ok_or_else(|| fail(loc, RestakingError::MathOverflow))
                } else {
                    Ok(q)
                }
            }
        }
    )*};
}

impl_safe_math!(u64, u128, i64);

/// Narrows a u128 to u64, failing with `MathOverflow` instead of truncating.
#[inline(always)]
#[track_caller]
pub fn to_u64(v: u128) -> Result<u64> {
    match u64::try_from(v) {
        Ok(v) => Ok(v),
        Err(_) => Err(fail(Location::caller(), RestakingError::MathOverflow)),
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    #[test]
    fn checked_ops_report_named_errors() {
        assert_eq!(2u64.safe_add(3).unwrap(), 5);
        assert!(u64::MAX.safe_add(1).is_err());
        assert!(0u64.safe_sub(1).is_err());
        assert!(u128::MAX.safe_mul(2).is_err());
        assert_eq!(
            1u64.safe_div(0).unwrap_err(),
            RestakingError::DivisionByZero.into()
        );
        assert_eq!(7u64.safe_div_ceil(2).unwrap(), 4);
        assert_eq!(6u64.safe_div_ceil(2).unwrap(), 3);
        assert_eq!((-7i64).safe_div_ceil(2).unwrap(), -3);
        assert_eq!(7i64.safe_div_ceil(-2).unwrap(), -3);
        assert!(i64::MIN.safe_sub(1).is_err());
        assert!(to_u64(u128::from(u64::MAX) + 1).is_err());
        assert_eq!(to_u64(5).unwrap(), 5);
    }
}
