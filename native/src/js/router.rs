use napi::bindgen_prelude::Float64ArraySlice;
use napi_derive::napi;

use super::invalid_arg;
use crate::router::{self, RouteRequest};

#[napi(object)]
pub struct RouterOptions {
    /// Expected adverse move, in price ticks, per millisecond of a venue's
    /// measured latency: the latency term of each lot's cost.
    pub adverse_ticks_per_ms: f64,
}

/// Splits parent orders across venues, cheapest lot first (price, taker fee
/// and a latency penalty). One call per routing decision; every array is
/// borrowed without a copy and the plan is written into `out`.
#[napi(js_name = "Router")]
pub struct JsRouter {
    inner: router::Router,
}

#[napi]
impl JsRouter {
    #[napi(constructor)]
    pub fn new(options: RouterOptions) -> napi::Result<Self> {
        let inner = router::Router::new(options.adverse_ticks_per_ms).map_err(invalid_arg)?;
        Ok(Self { inner })
    }

    #[napi(getter)]
    pub fn adverse_ticks_per_ms(&self) -> f64 {
        self.inner.adverse_ticks_per_ms()
    }

    /// Plans one parent order and returns the number of child orders.
    ///
    /// `levels`: `[priceTicks, sizeLots]` pairs of every venue in turn, each
    /// venue's side best first; `venueLevelEnds[v]`: the pair index where
    /// venue `v`'s levels end; `venueCosts`: `[takerFeeBps, makerFeeBps,
    /// latencyMs]` per venue. `out` receives `[filledLots, unfilledLots,
    /// restingVenue]` then `[venue, priceLimitTicks, sizeLots,
    /// expectedAvgPriceTicks, expectedFeeTickLots]` per child, in venue order.
    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub fn route(
        &mut self,
        side: f64,
        size_lots: f64,
        limit_price_ticks: Option<f64>,
        levels: &[f64],
        venue_level_ends: &[u32],
        venue_costs: &[f64],
        mut out: Float64ArraySlice,
    ) -> napi::Result<u32> {
        let request = RouteRequest { side, size_lots, limit_price_ticks, levels, venue_level_ends, venue_costs };
        router::validate(&request, &out).map_err(invalid_arg)?;
        // SAFETY: `validate` refused an `out` sharing memory with any input,
        // so this is the only reference to its elements. The JS thread is
        // blocked in this call; the caller must not let another thread write
        // these arrays meanwhile (true of any typed array handed to the addon).
        let out = unsafe { out.as_mut() };
        Ok(self.inner.route_validated(&request, out) as u32)
    }
}
