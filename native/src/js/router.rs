use std::cell::RefCell;

use napi::bindgen_prelude::Float64ArraySlice;
use napi_derive::napi;

use super::invalid_arg;
use crate::router::{self, RouteRequest};

thread_local! {
    // Scratch space only, no JS values: every thread that loads the addon
    // (the main thread, each agent's worker) routes with its own.
    static ROUTER: RefCell<router::Router> = RefCell::new(router::Router::default());
}

/// Plans one parent order across venues, cheapest lot first (price, taker
/// fee and `adverseTicksPerMs` ticks per ms of latency), writes the plan
/// into `out` and returns the number of child orders. A plain function
/// rather than a class method: a napi-rs method call pays for `this`
/// unwrapping and borrow tracking, several times the cost of the routing's
/// own argument conversion. Every array is borrowed without a copy.
///
/// `levels`: `[priceTicks, sizeLots]` pairs of every venue in turn, each
/// venue's side best first; `venueLevelEnds[v]`: the pair index where venue
/// `v`'s levels end; `venueCosts`: `[takerFeeBps, makerFeeBps, latencyMs]`
/// per venue. `out` receives `[filledLots, unfilledLots, restingVenue]` then
/// `[venue, priceLimitTicks, sizeLots, expectedAvgPriceTicks,
/// expectedFeeTickLots]` per child, in venue order.
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn route_parent_order(
    adverse_ticks_per_ms: f64,
    side: f64,
    size_lots: f64,
    limit_price_ticks: Option<f64>,
    levels: &[f64],
    venue_level_ends: &[u32],
    venue_costs: &[f64],
    mut out: Float64ArraySlice,
) -> napi::Result<u32> {
    let request = RouteRequest {
        adverse_ticks_per_ms,
        side,
        size_lots,
        limit_price_ticks,
        levels,
        venue_level_ends,
        venue_costs,
    };
    router::validate(&request, &out).map_err(invalid_arg)?;
    // SAFETY: `validate` refused an `out` sharing memory with any input, so
    // this is the only reference to its elements. The JS thread is blocked
    // in this call; the caller must not let another thread write these
    // arrays meanwhile (true of any typed array handed to the addon).
    let out = unsafe { out.as_mut() };
    // No JS runs during a decision, so the borrow is never re-entered.
    Ok(ROUTER.with_borrow_mut(|scratch| scratch.route_validated(&request, out)) as u32)
}
