//! The checks of a routing request, in the order the fallback makes them.

use super::{CHILD_FIELDS, MAX_FEE_BPS, PLAN_HEADER, RouteError, RouteRequest, VENUE_COST_FIELDS};
use crate::slippage::MAX_EXACT;

/// `2^52`: from here up every double is an integer.
const TWO_POW_52: f64 = 4_503_599_627_370_496.0;

/// Whether `v` is an integer in `1..=MAX_EXACT`. Below `2^52`, adding and
/// subtracting `2^52` rounds `v` to an integer (round to nearest), so `v` is
/// one exactly when it comes back unchanged: plain double operations with
/// no branch, where `trunc` is a libm call on baseline x86-64. NaN fails
/// every comparison.
#[inline]
fn is_positive_exact(v: f64) -> bool {
    (v >= 1.0) & (v <= MAX_EXACT as f64) & ((v >= TWO_POW_52) | ((v + TWO_POW_52) - TWO_POW_52 == v))
}

#[inline]
fn is_fee(v: f64) -> bool {
    v > -MAX_FEE_BPS && v < MAX_FEE_BPS
}

/// Whether one venue's `[price, size]` pairs pass their checks.
fn side_ok(levels: &[f64], side: f64) -> bool {
    let mut ok = true;
    for &v in levels {
        ok &= is_positive_exact(v);
    }
    // The odd lanes are sizes, which have no order.
    for pair in levels.windows(3).step_by(2) {
        ok &= side * pair[2] > side * pair[0];
    }
    ok
}

/// Whether every venue's side passes its checks: one pass with no early
/// exit. Books are almost always valid; when one is not, the scalar walk in
/// [`validate`] finds the first failing check to name it. `ends` must be
/// non-decreasing and within `levels`, as [`validate`] has checked.
fn sides_ok(levels: &[f64], ends: &[u32], side: f64) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe {
            if side > 0.0 {
                sides_ok_avx2::<true>(levels, ends)
            } else {
                sides_ok_avx2::<false>(levels, ends)
            }
        };
    }
    let mut start = 0;
    let mut ok = true;
    for &end in ends {
        ok &= side_ok(&levels[2 * start..2 * end as usize], side);
        start = end as usize;
    }
    ok
}

/// [`sides_ok`] four doubles (two pairs) at a time. Left to itself the
/// compiler vectorizes the scalar loops poorly (the stride-two order test).
/// Written out:
/// - the lanes that pass are gathered with `and` into accumulators taking
///   turns, so no step waits for the one before, in the floating-point
///   domain (measured faster than the integer `and`); the size lanes of the
///   order test, which compare sizes, are masked off once at the end;
/// - the comparisons that can be are made on the doubles' bits as
///   integers, which spares the floating-point pipes the checks saturate
///   (200 → 180 ns over 400 levels on the bench's machine): two values
///   passing the clamp are equal exactly when their bits are, and prices
///   already in `1..=MAX_EXACT` are ordered as their bits are;
/// - a venue's last pairs are checked by one more step placed to end where
///   the venue does, overlapping the steps before it (checking a pair twice
///   is harmless), rather than by a scalar tail;
/// - every venue in one call, so the setup is paid once.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn sides_ok_avx2<const RISING: bool>(levels: &[f64], ends: &[u32]) -> bool {
    use std::arch::x86_64::*;
    let one = _mm256_set1_pd(1.0);
    let max = _mm256_set1_pd(MAX_EXACT as f64);
    let all = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
    // Set in the size lanes: only prices have an order.
    let sizes = _mm256_castsi256_pd(_mm256_set_epi64x(-1, 0, -1, 0));
    // Lanes that are their own clamp to 1..=MAX_EXACT, rounded. NaN clamps
    // to a number, so it fails; so does anything out of range.
    let exact = |pairs: __m256d| {
        let clamped = _mm256_max_pd(_mm256_min_pd(pairs, max), one);
        let rounded = _mm256_round_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(clamped);
        _mm256_castsi256_pd(_mm256_cmpeq_epi64(
            _mm256_castpd_si256(rounded),
            _mm256_castpd_si256(pairs),
        ))
    };
    // Price lanes beyond the one before them, compared as bits: a lane that
    // is not exact fails above whatever this says of it.
    let ordered = |pairs: __m256d, following: __m256d| {
        let (p, f) = (_mm256_castpd_si256(pairs), _mm256_castpd_si256(following));
        _mm256_castsi256_pd(if RISING {
            _mm256_cmpgt_epi64(f, p)
        } else {
            _mm256_cmpgt_epi64(p, f)
        })
    };
    let (mut whole, mut whole_too, mut sorted, mut sorted_too) = (all, all, all, all);
    let mut ok = true;
    let mut start = 0usize;
    for &end in ends {
        let venue = &levels[2 * start..2 * end as usize];
        start = end as usize;
        let (n, at) = (venue.len(), venue.as_ptr());
        if n < 6 {
            ok &= side_ok(venue, if RISING { 1.0 } else { -1.0 });
            continue;
        }
        // SAFETY: every load reads four doubles within `venue`: a step at
        // `i` reads `i..i + 6`, and `i + 6 <= n` for each.
        unsafe {
            let load = |i: usize| _mm256_loadu_pd(at.add(i));
            let mut i = 0;
            while i + 10 <= n {
                let (a, b, c) = (load(i), load(i + 2), load(i + 4));
                whole = _mm256_and_pd(whole, exact(a));
                sorted = _mm256_and_pd(sorted, ordered(a, b));
                whole_too = _mm256_and_pd(whole_too, exact(c));
                sorted_too = _mm256_and_pd(sorted_too, ordered(c, load(i + 6)));
                i += 8;
            }
            if i + 6 <= n {
                whole = _mm256_and_pd(whole, exact(load(i)));
                sorted = _mm256_and_pd(sorted, ordered(load(i), load(i + 2)));
            }
            // The last two pairs' order and the three before the last's
            // checks, then the last two pairs' own checks.
            whole_too = _mm256_and_pd(whole_too, exact(load(n - 6)));
            sorted_too = _mm256_and_pd(sorted_too, ordered(load(n - 6), load(n - 4)));
            whole = _mm256_and_pd(whole, exact(load(n - 4)));
        }
    }
    // Every lane exact, and every price lane sorted.
    let sorted = _mm256_or_pd(_mm256_and_pd(sorted, sorted_too), sizes);
    let passed = _mm256_and_pd(_mm256_and_pd(whole, whole_too), sorted);
    ok & (_mm256_movemask_pd(passed) == 0b1111)
}

/// Whether `a` and `b` share any byte. An empty slice shares none: N-API
/// hands an empty typed array over with a dangling pointer, not its address.
pub(super) fn overlaps<A, B>(a: &[A], b: &[B]) -> bool {
    let (a0, b0) = (a.as_ptr() as usize, b.as_ptr() as usize);
    let (a1, b1) = (a0 + size_of_val(a), b0 + size_of_val(b));
    a0 < a1 && b0 < b1 && a0 < b1 && b0 < a1
}

/// Checks a request and its `out` in the fixed order [`Router::route`]
/// documents. It takes `out` shared, so a binding can prove that `out` is
/// apart from every input before it writes to it.
///
/// # Errors
/// The first bad argument.
pub fn validate(req: &RouteRequest<'_>, out: &[f64]) -> Result<(), RouteError> {
    let adverse = req.adverse_ticks_per_ms;
    if !(adverse.is_finite() && adverse >= 0.0) {
        return Err(RouteError::AdverseTicksPerMs(adverse));
    }
    let side = req.side;
    if side != 1.0 && side != -1.0 {
        return Err(RouteError::Side(side));
    }
    if !is_positive_exact(req.size_lots) {
        return Err(RouteError::SizeLots(req.size_lots));
    }
    if let Some(limit) = req.limit_price_ticks
        && !is_positive_exact(limit)
    {
        return Err(RouteError::LimitPrice(limit));
    }
    let venues = req.venue_level_ends.len();
    if req.venue_costs.len() != venues * VENUE_COST_FIELDS {
        return Err(RouteError::VenueCostsLength {
            venues,
            len: req.venue_costs.len(),
        });
    }
    if !req.levels.len().is_multiple_of(2) {
        return Err(RouteError::OddLevels(req.levels.len()));
    }
    let pairs = req.levels.len() / 2;
    let mut previous = 0u32;
    for (venue, &end) in req.venue_level_ends.iter().enumerate() {
        if end < previous {
            return Err(RouteError::VenueLevelEnds { venue, end, previous });
        }
        previous = end;
    }
    if previous as usize != pairs {
        return Err(RouteError::LevelsUncovered { end: previous, pairs });
    }
    let needed = PLAN_HEADER + CHILD_FIELDS * venues;
    if out.len() < needed {
        return Err(RouteError::OutTooShort { needed, len: out.len() });
    }
    if overlaps(out, req.levels) {
        return Err(RouteError::OutOverlaps("levels"));
    }
    if overlaps(out, req.venue_level_ends) {
        return Err(RouteError::OutOverlaps("venueLevelEnds"));
    }
    if overlaps(out, req.venue_costs) {
        return Err(RouteError::OutOverlaps("venueCosts"));
    }

    let books_ok = sides_ok(req.levels, req.venue_level_ends, side);
    let mut start = 0usize;
    for (venue, (&end, costs)) in req
        .venue_level_ends
        .iter()
        .zip(req.venue_costs.chunks_exact(VENUE_COST_FIELDS))
        .enumerate()
    {
        let (taker, maker, latency) = (costs[0], costs[1], costs[2]);
        if !is_fee(taker) {
            return Err(RouteError::TakerFee { venue, value: taker });
        }
        if !is_fee(maker) {
            return Err(RouteError::MakerFee { venue, value: maker });
        }
        if !(latency.is_finite() && latency >= 0.0) {
            return Err(RouteError::Latency { venue, value: latency });
        }
        let end = end as usize;
        if books_ok {
            start = end;
            continue;
        }
        // The first level has nothing to be above or below.
        let mut previous = if side > 0.0 { f64::NEG_INFINITY } else { f64::INFINITY };
        for (offset, pair) in req.levels[2 * start..2 * end].chunks_exact(2).enumerate() {
            let (price, size) = (pair[0], pair[1]);
            // The pass above found a failure; this walk names the first,
            // working out which check failed, in the documented order, on the way out.
            if !(is_positive_exact(price) & is_positive_exact(size) & (side * price > side * previous)) {
                let level = start + offset;
                return Err(if !is_positive_exact(price) {
                    RouteError::LevelPrice {
                        venue,
                        level,
                        value: price,
                    }
                } else if !is_positive_exact(size) {
                    RouteError::LevelSize {
                        venue,
                        level,
                        value: size,
                    }
                } else {
                    RouteError::LevelOrder {
                        venue,
                        level,
                        value: price,
                        previous,
                        rising: side > 0.0,
                    }
                });
            }
            previous = price;
        }
        start = end;
    }
    Ok(())
}
