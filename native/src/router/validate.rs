//! The checks of a routing request, in the order the fallback makes them.

use super::side_checks::{is_positive_exact, sides_ok};
use super::{CHILD_FIELDS, MAX_FEE_BPS, PLAN_HEADER, RouteError, RouteRequest, VENUE_COST_FIELDS};

#[inline]
fn is_fee(v: f64) -> bool {
    v > -MAX_FEE_BPS && v < MAX_FEE_BPS
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
