//! Implementation shortfall of a parent order against its arrival price.
//!
//! Plain Rust with no N-API types, so `cargo test` exercises it without Node
//! and the JS bindings stay a thin conversion layer.
//!
//! The TypeScript fallback (`src/native/fallback/implementation-shortfall.ts`)
//! implements the same algorithm; the two must agree bit for bit on every
//! result and byte for byte on every error message. Change both together.
//!
//! # Why the two implementations agree exactly
//!
//! Every price and size is checked to be an integer in `1..=2^53 - 1`, so it
//! is held exactly by an `f64` and by a `u64`. The notional `Σ price × size`
//! is summed here in `u64` with checked arithmetic and rejected as soon as it
//! exceeds `2^53 - 1`; the fallback sums in doubles and rejects at the same
//! point (a double product or sum whose true value exceeds `2^53 - 1` rounds
//! to at least `2^53`, so the comparison still sees it, and one that does not
//! is computed exactly). Since every price is at least 1, the total size is
//! at most the notional, so it is exact too. Both sides therefore hold the
//! same two integers `notional` and `size`, both exactly representable, and
//! from there apply the same IEEE-754 double operations in the same order:
//! `vwap = notional / size`, then `side * (vwap - arrival) / arrival * 10_000`.
//! Rust never contracts these into fused multiply-adds and neither does V8,
//! and IEEE-754 defines each operation's rounding, so the results are equal.

use std::fmt;

use crate::ecma_number::to_js_string;

/// `2^53 - 1`, JavaScript's `Number.MAX_SAFE_INTEGER`: the largest integer
/// up to which every integer is exactly an `f64`.
pub const MAX_EXACT: u64 = (1 << 53) - 1;

const BASIS_POINTS: f64 = 10_000.0;

/// Why an implementation shortfall could not be computed. The `Display` text
/// is part of the contract with the TypeScript fallback.
#[derive(Debug, Clone, PartialEq)]
pub enum ShortfallError {
    Side(f64),
    ArrivalPrice(f64),
    NoFills,
    OddFills(usize),
    FillPrice { fill: usize, value: f64 },
    FillSize { fill: usize, value: f64 },
    NotionalBeyondExact { fill: usize },
}

impl fmt::Display for ShortfallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Side(v) => write!(f, "side must be 1 (buy) or -1 (sell), got {}", to_js_string(*v)),
            Self::ArrivalPrice(v) => write!(
                f,
                "arrivalPriceTicks must be a positive integer no greater than {MAX_EXACT}, got {}",
                to_js_string(*v)
            ),
            Self::NoFills => write!(f, "fills must hold at least one [priceTicks, qtyLots] pair, got none"),
            Self::OddFills(len) => {
                write!(
                    f,
                    "fills must hold [priceTicks, qtyLots] pairs, got an odd length {len}"
                )
            }
            Self::FillPrice { fill, value } => write!(
                f,
                "fills[{}] (priceTicks of fill {fill}) must be a positive integer no greater than {MAX_EXACT}, got {}",
                2 * fill,
                to_js_string(*value)
            ),
            Self::FillSize { fill, value } => write!(
                f,
                "fills[{}] (qtyLots of fill {fill}) must be a positive integer no greater than {MAX_EXACT}, got {}",
                2 * fill + 1,
                to_js_string(*value)
            ),
            Self::NotionalBeyondExact { fill } => write!(
                f,
                "fills notional (sum of priceTicks * qtyLots) exceeds {MAX_EXACT} at fill {fill}, beyond exact arithmetic"
            ),
        }
    }
}

impl std::error::Error for ShortfallError {}

/// The integer held by `v` when it is one in `1..=MAX_EXACT`.
#[inline]
fn positive_exact_integer(v: f64) -> Option<u64> {
    // NaN fails both comparisons; the range check keeps the cast lossless.
    if v >= 1.0 && v <= MAX_EXACT as f64 && v.trunc() == v {
        Some(v as u64)
    } else {
        None
    }
}

/// Implementation shortfall in basis points of the arrival price:
/// `side * (vwap - arrival) / arrival * 10_000`, positive when the fills cost
/// more than the arrival price (a buy filled higher, a sell filled lower).
///
/// `side` is `1` (buy) or `-1` (sell); `fills` is flat
/// `[priceTicks, qtyLots, priceTicks, qtyLots, ...]` pairs.
pub fn implementation_shortfall_bps(side: f64, arrival_price_ticks: f64, fills: &[f64]) -> Result<f64, ShortfallError> {
    if side != 1.0 && side != -1.0 {
        return Err(ShortfallError::Side(side));
    }
    if positive_exact_integer(arrival_price_ticks).is_none() {
        return Err(ShortfallError::ArrivalPrice(arrival_price_ticks));
    }
    if fills.is_empty() {
        return Err(ShortfallError::NoFills);
    }
    if !fills.len().is_multiple_of(2) {
        return Err(ShortfallError::OddFills(fills.len()));
    }

    let mut notional: u64 = 0;
    let mut size: u64 = 0;
    for (fill, pair) in fills.chunks_exact(2).enumerate() {
        let (price, qty) = (pair[0], pair[1]);
        let price = positive_exact_integer(price).ok_or(ShortfallError::FillPrice { fill, value: price })?;
        let qty = positive_exact_integer(qty).ok_or(ShortfallError::FillSize { fill, value: qty })?;
        notional = price
            .checked_mul(qty)
            .and_then(|n| n.checked_add(notional))
            .filter(|&n| n <= MAX_EXACT)
            .ok_or(ShortfallError::NotionalBeyondExact { fill })?;
        // size <= notional <= MAX_EXACT because every price is at least 1.
        size += qty;
    }

    let vwap = notional as f64 / size as f64;
    let bps = side * (vwap - arrival_price_ticks) / arrival_price_ticks * BASIS_POINTS;
    // A sell filled exactly at arrival gives -0; adding +0 turns it into +0
    // (IEEE-754) so callers never see a signed zero. The fallback does the same.
    Ok(bps + 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bps(side: f64, arrival: f64, fills: &[f64]) -> f64 {
        implementation_shortfall_bps(side, arrival, fills).expect("valid input")
    }

    #[test]
    fn worked_example_buy() {
        // 100 lots at 10_010 and 300 lots at 10_030: vwap = 4_010_000 / 400
        // = 10_025 ticks; (10_025 - 10_000) / 10_000 * 10_000 = 25 bps.
        assert_eq!(bps(1.0, 10_000.0, &[10_010.0, 100.0, 10_030.0, 300.0]), 25.0);
    }

    #[test]
    fn sell_below_arrival_is_a_cost() {
        // vwap 9_950 against 10_000 for a sell: 50 ticks worse = 50 bps.
        assert_eq!(bps(-1.0, 10_000.0, &[9_900.0, 1.0, 10_000.0, 1.0]), 50.0);
        assert_eq!(bps(1.0, 10_000.0, &[9_900.0, 1.0, 10_000.0, 1.0]), -50.0);
    }

    #[test]
    fn fill_at_arrival_is_positive_zero() {
        let r = bps(-1.0, 10_000.0, &[10_000.0, 5.0]);
        assert_eq!(r, 0.0);
        assert!(r.is_sign_positive());
    }

    #[test]
    fn rejects_bad_side() {
        for side in [0.0, 2.0, -2.0, 0.5, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                implementation_shortfall_bps(side, 1.0, &[1.0, 1.0]),
                Err(ShortfallError::Side(_))
            ));
        }
        assert_eq!(
            implementation_shortfall_bps(0.5, 1.0, &[1.0, 1.0])
                .unwrap_err()
                .to_string(),
            "side must be 1 (buy) or -1 (sell), got 0.5"
        );
    }

    #[test]
    fn rejects_bad_arrival() {
        for a in [0.0, -1.0, 1.5, f64::NAN, f64::INFINITY, 9_007_199_254_740_992.0] {
            assert!(matches!(
                implementation_shortfall_bps(1.0, a, &[1.0, 1.0]),
                Err(ShortfallError::ArrivalPrice(v)) if v.to_bits() == a.to_bits()
            ));
        }
        assert_eq!(
            implementation_shortfall_bps(1.0, 1e21, &[1.0, 1.0])
                .unwrap_err()
                .to_string(),
            "arrivalPriceTicks must be a positive integer no greater than 9007199254740991, got 1e+21"
        );
    }

    #[test]
    fn rejects_bad_fill_shapes() {
        assert_eq!(
            implementation_shortfall_bps(1.0, 1.0, &[]),
            Err(ShortfallError::NoFills)
        );
        assert_eq!(
            implementation_shortfall_bps(1.0, 1.0, &[1.0, 1.0, 1.0]),
            Err(ShortfallError::OddFills(3))
        );
        assert_eq!(
            ShortfallError::OddFills(3).to_string(),
            "fills must hold [priceTicks, qtyLots] pairs, got an odd length 3"
        );
    }

    #[test]
    fn names_the_bad_fill_value() {
        let err = implementation_shortfall_bps(1.0, 10.0, &[10.0, 1.0, 11.0, -0.0]).unwrap_err();
        assert_eq!(err, ShortfallError::FillSize { fill: 1, value: -0.0 });
        assert_eq!(
            err.to_string(),
            "fills[3] (qtyLots of fill 1) must be a positive integer no greater than 9007199254740991, got 0"
        );
        let err = implementation_shortfall_bps(1.0, 10.0, &[10.5, 1.0]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "fills[0] (priceTicks of fill 0) must be a positive integer no greater than 9007199254740991, got 10.5"
        );
    }

    #[test]
    fn exact_range_boundary() {
        let max = MAX_EXACT as f64;
        assert_eq!(bps(1.0, max, &[max, 1.0]), 0.0);
        assert_eq!(
            implementation_shortfall_bps(1.0, 1.0, &[max, 1.0, 1.0, 1.0]),
            Err(ShortfallError::NotionalBeyondExact { fill: 1 })
        );
        // A single product far beyond u64 is rejected, not wrapped.
        assert_eq!(
            implementation_shortfall_bps(1.0, 1.0, &[max, max]),
            Err(ShortfallError::NotionalBeyondExact { fill: 0 })
        );
        assert_eq!(
            ShortfallError::NotionalBeyondExact { fill: 0 }.to_string(),
            "fills notional (sum of priceTicks * qtyLots) exceeds 9007199254740991 at fill 0, beyond exact arithmetic"
        );
    }

    #[test]
    fn validation_order_is_fixed() {
        // An overflow at fill 0 is reported before a bad price at fill 1:
        // the fallback walks the fills in the same order.
        let max = MAX_EXACT as f64;
        assert_eq!(
            implementation_shortfall_bps(1.0, 1.0, &[max, 2.0, 0.5, 1.0]),
            Err(ShortfallError::NotionalBeyondExact { fill: 0 })
        );
    }
}
