use napi::bindgen_prelude::Float64Array;
use napi_derive::napi;

use super::invalid_arg;
use crate::slippage_tracker;

#[napi(object)]
pub struct SlippageTrackerOptions {
    /// How many of the last completed orders each window keeps.
    pub window_orders: f64,
}

/// Nearest-rank percentiles of implementation shortfall over one window.
#[napi(object)]
pub struct ShortfallPercentiles {
    /// Orders in the window.
    pub count: u32,
    pub p50_bps: f64,
    pub p95_bps: f64,
    pub p99_bps: f64,
}

impl From<slippage_tracker::ShortfallPercentiles> for ShortfallPercentiles {
    fn from(p: slippage_tracker::ShortfallPercentiles) -> Self {
        Self {
            count: p.count as u32,
            p50_bps: p.p50_bps,
            p95_bps: p.p95_bps,
            p99_bps: p.p99_bps,
        }
    }
}

/// Arrival price, fills and implementation shortfall of every order, with
/// rolling percentiles per instrument and per venue × instrument.
#[napi(js_name = "SlippageTracker")]
pub struct JsSlippageTracker {
    inner: slippage_tracker::SlippageTracker,
}

#[napi]
impl JsSlippageTracker {
    #[napi(constructor)]
    pub fn new(options: SlippageTrackerOptions) -> napi::Result<Self> {
        let inner = slippage_tracker::SlippageTracker::new(options.window_orders).map_err(invalid_arg)?;
        Ok(Self { inner })
    }

    #[napi(getter)]
    pub fn window_orders(&self) -> u32 {
        self.inner.window_orders() as u32
    }

    /// Orders with an arrival price, not yet completed.
    #[napi(getter)]
    pub fn open_orders(&self) -> u32 {
        self.inner.open_orders() as u32
    }

    /// Opens an order at decision time: side 1 (buy) or -1 (sell).
    #[napi]
    pub fn record_arrival(
        &mut self,
        order_id: f64,
        instrument_id: f64,
        side: f64,
        arrival_price_ticks: f64,
    ) -> napi::Result<()> {
        self.inner
            .record_arrival(order_id, instrument_id, side, arrival_price_ticks)
            .map_err(invalid_arg)
    }

    #[napi]
    pub fn record_fill(&mut self, order_id: f64, venue_id: f64, price_ticks: f64, size_lots: f64) -> napi::Result<()> {
        self.inner
            .record_fill(order_id, venue_id, price_ticks, size_lots)
            .map_err(invalid_arg)
    }

    /// Closes the order: its shortfall in bps, or null when it had no fills.
    #[napi]
    pub fn complete_order(&mut self, order_id: f64) -> napi::Result<Option<f64>> {
        self.inner.complete_order(order_id).map_err(invalid_arg)
    }

    /// Everything it holds (open orders and windows) as numbers, for a snapshot.
    #[napi]
    pub fn export_state(&self) -> Float64Array {
        Float64Array::new(self.inner.export_state())
    }

    /// Replaces everything it holds with an exported state, all or nothing.
    #[napi]
    pub fn import_state(&mut self, state: Float64Array) -> napi::Result<()> {
        self.inner.import_state(&state).map_err(invalid_arg)
    }

    /// Over the instrument's last orders, all venues together; null before the first.
    #[napi]
    pub fn instrument_percentiles(&mut self, instrument_id: f64) -> napi::Result<Option<ShortfallPercentiles>> {
        Ok(self
            .inner
            .instrument_percentiles(instrument_id)
            .map_err(invalid_arg)?
            .map(Into::into))
    }

    /// Over the instrument's last orders that filled on the venue; null before the first.
    #[napi]
    pub fn venue_percentiles(
        &mut self,
        venue_id: f64,
        instrument_id: f64,
    ) -> napi::Result<Option<ShortfallPercentiles>> {
        Ok(self
            .inner
            .venue_percentiles(venue_id, instrument_id)
            .map_err(invalid_arg)?
            .map(Into::into))
    }
}
