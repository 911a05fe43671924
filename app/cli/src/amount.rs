//! Whole-token amounts and rates as exact decimal strings (no floating point): `"12.5"` with a
//! mint's decimals becomes base units, and back.
use anyhow::{bail, Context, Result};
use restaking::constants::RATE_SCALE;

/// Parses `text` (e.g. `12`, `12.5`, `0.000000001`) into base units of a mint with `decimals`.
/// More fractional digits than the mint has, signs, exponents or an amount beyond `u64` are
/// refused.
pub fn parse_amount(text: &str, decimals: u8) -> Result<u64> {
    let units = parse_decimal(text, u32::from(decimals), "amount")?;
    u64::try_from(units).with_context(|| format!("amount {text} is too large"))
}

/// Parses a rate (`1.05`: numeraire per LST) into the program's fixed point (× 10^18).
pub fn parse_rate(text: &str) -> Result<u128> {
    let rate = parse_decimal(text, 18, "rate")?;
    if rate == 0 {
        bail!("rate must be above 0");
    }
    Ok(rate)
}

/// `text` × 10^`scale`, exactly.
fn parse_decimal(text: &str, scale: u32, what: &str) -> Result<u128> {
    let t = text.trim();
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t, ""),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) {
        bail!("invalid {what} {text:?}: expected a decimal number such as 12 or 0.5");
    }
    let frac_len = u32::try_from(frac.len()).unwrap_or(u32::MAX);
    if frac_len > scale {
        bail!(
            "{what} {text} has {} decimals; at most {scale} allowed",
            frac.len()
        );
    }
    let too_large = || anyhow::anyhow!("{what} {text} is too large");
    let pow = |n: u32| 10u128.checked_pow(n).ok_or_else(too_large);
    let whole_units = if whole.is_empty() {
        0
    } else {
        whole.parse::<u128>().map_err(|_| too_large())?
    };
    let frac_units = if frac.is_empty() {
        0
    } else {
        frac.parse::<u128>()
            .map_err(|_| too_large())?
            .checked_mul(pow(scale.saturating_sub(frac_len))?)
            .ok_or_else(too_large)?
    };
    whole_units
        .checked_mul(pow(scale)?)
        .and_then(|w| w.checked_add(frac_units))
        .ok_or_else(too_large)
}

/// Base units as a decimal string with all of the mint's decimals (`1.500000000`).
pub fn format_amount(units: u64, decimals: u8) -> String {
    format_decimal(u128::from(units), u32::from(decimals))
}

/// A rate (× 10^18) as a decimal string, trailing zeros trimmed to at least 6 decimals.
pub fn format_rate(rate: u128) -> String {
    let full = format_decimal(rate, 18);
    let (whole, frac) = full.split_once('.').unwrap_or((&full, ""));
    let mut frac = frac.trim_end_matches('0').to_string();
    while frac.len() < 6 {
        frac.push('0');
    }
    format!("{whole}.{frac}")
}

fn format_decimal(units: u128, decimals: u32) -> String {
    if decimals == 0 {
        return units.to_string();
    }
    let scale = 10u128.checked_pow(decimals).unwrap_or(u128::MAX);
    let whole = units.checked_div(scale).unwrap_or(0);
    let frac = units.checked_rem(scale).unwrap_or(0);
    format!("{whole}.{frac:0width$}", width = decimals as usize)
}

/// The rate as a `numerator / denominator` pair scaled to `denominator` (e.g. a stake pool's
/// total lamports for a given supply), rounded down.
pub fn apply_rate(rate: u128, amount: u64) -> Result<u64> {
    let v = u128::from(amount)
        .checked_mul(rate)
        .context("rate × amount overflows")?
        .checked_div(RATE_SCALE)
        .context("rate scale")?;
    u64::try_from(v).context("rate × amount beyond u64")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!(parse_amount("12", 9).expect("12"), 12_000_000_000);
        assert_eq!(parse_amount("12.5", 9).expect("12.5"), 12_500_000_000);
        assert_eq!(parse_amount("0.000000001", 9).expect("1 unit"), 1);
        assert_eq!(parse_amount(".5", 6).expect(".5"), 500_000);
        assert_eq!(parse_amount("7.", 0).expect("7."), 7);
        assert_eq!(
            parse_amount("18446744073.709551615", 9).expect("max"),
            u64::MAX
        );
    }

    #[test]
    fn refuses_bad_amounts() {
        let err = parse_amount("1.0000000001", 9).expect_err("too many decimals");
        assert_eq!(
            err.to_string(),
            "amount 1.0000000001 has 10 decimals; at most 9 allowed"
        );
        for bad in ["", ".", "-1", "1e9", "1,5", "one", "1.2.3", " 1 2"] {
            assert!(parse_amount(bad, 9).is_err(), "{bad:?} accepted");
        }
        assert!(parse_amount("18446744073.709551616", 9).is_err());
        assert!(parse_amount("99999999999999999999999999999999999999999", 9).is_err());
    }

    #[test]
    fn formats_and_rates() {
        assert_eq!(format_amount(1_500_000_000, 9), "1.500000000");
        assert_eq!(format_amount(5, 0), "5");
        assert_eq!(parse_rate("1.05").expect("rate"), 1_050_000_000_000_000_000);
        assert_eq!(format_rate(1_050_000_000_000_000_000), "1.050000");
        assert_eq!(
            format_rate(1_000_000_000_000_000_001),
            "1.000000000000000001"
        );
        assert!(parse_rate("0").is_err());
        assert_eq!(
            apply_rate(1_050_000_000_000_000_000, 1_000).expect("apply"),
            1_050
        );
    }
}
