//! Implementation shortfall of every order, and its rolling percentiles per
//! instrument and per venue × instrument.
//!
//! Plain Rust with no N-API types. The TypeScript fallback
//! (`src/native/fallback/slippage-tracker.ts`) keeps the same state, checks in
//! the same order with the same messages, and computes with the same
//! functions, so both answer the same bit for bit. Change both together.
//!
//! An order's life: `record_arrival` at decision time (its instrument, side
//! and arrival price), `record_fill` for each execution on any venue, then
//! `complete_order`, which computes the shortfall of all its fills and, per
//! venue it filled on, the shortfall of that venue's fills, each against the
//! arrival price, with [`implementation_shortfall_bps`]. Each figure enters a
//! fixed-size window of the last `window_orders` completed orders: one per
//! instrument and one per venue × instrument.
//!
//! Percentiles are nearest-rank on the window (the value at rank
//! `ceil(q × n / 100)` of the sorted window), so they are values that
//! occurred, with no interpolation to disagree about.

mod error;
mod state;

use std::collections::HashMap;

pub use error::TrackerError;

use crate::slippage::{MAX_EXACT, ShortfallError, implementation_shortfall_bps};

pub const MAX_WINDOW_ORDERS: usize = 1 << 20;
/// Venue ids are the `ushort` of the order schemas.
pub const MAX_VENUE_ID: u32 = u16::MAX as u32;

/// Whether `v` is an integer in `min..=max` (both exact as doubles).
#[inline]
fn is_integer_in(v: f64, min: f64, max: f64) -> bool {
    v >= min && v <= max && v.trunc() == v
}

/// Nearest-rank percentiles of one window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShortfallPercentiles {
    /// Orders in the window.
    pub count: usize,
    pub p50_bps: f64,
    pub p95_bps: f64,
    pub p99_bps: f64,
}

/// The last `capacity` figures, oldest overwritten first.
#[derive(Debug)]
struct Window {
    values: Vec<f64>,
    next: usize,
}

impl Window {
    fn push(&mut self, capacity: usize, value: f64) {
        if self.values.len() < capacity {
            self.values.push(value);
        } else {
            self.values[self.next] = value;
        }
        self.next = (self.next + 1) % capacity;
    }
}

#[derive(Debug)]
struct OpenOrder {
    instrument: u32,
    side: f64,
    arrival: f64,
    /// `[venueId, priceTicks, sizeLots]` per fill, in the order recorded.
    fills: Vec<f64>,
}

#[derive(Debug)]
pub struct SlippageTracker {
    window_orders: usize,
    open: HashMap<u64, OpenOrder>,
    by_instrument: HashMap<u32, Window>,
    by_venue: HashMap<(u32, u32), Window>,
    pairs: Vec<f64>,
    sorted: Vec<f64>,
}

impl SlippageTracker {
    /// # Errors
    /// `WindowOrders` unless it is an integer in `1..=MAX_WINDOW_ORDERS`.
    pub fn new(window_orders: f64) -> Result<Self, TrackerError> {
        if !is_integer_in(window_orders, 1.0, MAX_WINDOW_ORDERS as f64) {
            return Err(TrackerError::WindowOrders(window_orders));
        }
        Ok(Self {
            window_orders: window_orders as usize,
            open: HashMap::new(),
            by_instrument: HashMap::new(),
            by_venue: HashMap::new(),
            pairs: Vec::new(),
            sorted: Vec::new(),
        })
    }

    pub fn window_orders(&self) -> usize {
        self.window_orders
    }

    /// Orders with an arrival price and not yet completed.
    pub fn open_orders(&self) -> usize {
        self.open.len()
    }

    /// # Errors
    /// A bad id, side or price (in that order), or an order already open.
    pub fn record_arrival(
        &mut self,
        order_id: f64,
        instrument_id: f64,
        side: f64,
        arrival_price_ticks: f64,
    ) -> Result<(), TrackerError> {
        let id = order_id_of(order_id)?;
        if !is_integer_in(instrument_id, 0.0, u32::MAX as f64) {
            return Err(TrackerError::InstrumentId(instrument_id));
        }
        if side != 1.0 && side != -1.0 {
            return Err(TrackerError::Shortfall(ShortfallError::Side(side)));
        }
        if !is_integer_in(arrival_price_ticks, 1.0, MAX_EXACT as f64) {
            return Err(TrackerError::Shortfall(ShortfallError::ArrivalPrice(
                arrival_price_ticks,
            )));
        }
        if self.open.contains_key(&id) {
            return Err(TrackerError::AlreadyOpen(id));
        }
        let order = OpenOrder {
            instrument: instrument_id as u32,
            side,
            arrival: arrival_price_ticks,
            fills: Vec::new(),
        };
        self.open.insert(id, order);
        Ok(())
    }

    /// # Errors
    /// A bad id, venue, price or size (in that order), or an order not open.
    pub fn record_fill(
        &mut self,
        order_id: f64,
        venue_id: f64,
        price_ticks: f64,
        size_lots: f64,
    ) -> Result<(), TrackerError> {
        let id = order_id_of(order_id)?;
        if !is_integer_in(venue_id, 0.0, MAX_VENUE_ID as f64) {
            return Err(TrackerError::VenueId(venue_id));
        }
        if !is_integer_in(price_ticks, 1.0, MAX_EXACT as f64) {
            return Err(TrackerError::PriceTicks(price_ticks));
        }
        if !is_integer_in(size_lots, 1.0, MAX_EXACT as f64) {
            return Err(TrackerError::SizeLots(size_lots));
        }
        let order = self.open.get_mut(&id).ok_or(TrackerError::NotOpen(id))?;
        order.fills.extend([venue_id, price_ticks, size_lots]);
        Ok(())
    }

    /// Closes the order. Returns its shortfall in bps, or `None` when it had
    /// no fills (nothing enters the windows then).
    ///
    /// # Errors
    /// A bad id, an order not open, or fills whose notional passes
    /// `2^53 - 1`; the order is closed in every case but a bad id.
    pub fn complete_order(&mut self, order_id: f64) -> Result<Option<f64>, TrackerError> {
        let id = order_id_of(order_id)?;
        let order = self.open.remove(&id).ok_or(TrackerError::NotOpen(id))?;
        if order.fills.is_empty() {
            return Ok(None);
        }
        self.pairs.clear();
        for fill in order.fills.chunks_exact(3) {
            self.pairs.extend([fill[1], fill[2]]);
        }
        let bps =
            implementation_shortfall_bps(order.side, order.arrival, &self.pairs).map_err(TrackerError::Shortfall)?;
        let capacity = self.window_orders;
        self.by_instrument
            .entry(order.instrument)
            .or_insert_with(|| new_window(capacity))
            .push(capacity, bps);

        // Venue by venue in order of first fill; every subset's notional is
        // within the whole order's, so these cannot fail.
        for (first, fill) in order.fills.chunks_exact(3).enumerate() {
            let venue = fill[0];
            if order
                .fills
                .chunks_exact(3)
                .take(first)
                .any(|earlier| earlier[0] == venue)
            {
                continue;
            }
            self.pairs.clear();
            for later in order.fills.chunks_exact(3).skip(first).filter(|f| f[0] == venue) {
                self.pairs.extend([later[1], later[2]]);
            }
            let venue_bps = implementation_shortfall_bps(order.side, order.arrival, &self.pairs)
                .map_err(TrackerError::Shortfall)?;
            self.by_venue
                .entry((venue as u32, order.instrument))
                .or_insert_with(|| new_window(capacity))
                .push(capacity, venue_bps);
        }
        Ok(Some(bps))
    }

    /// Percentiles over the instrument's last orders, all venues together.
    ///
    /// # Errors
    /// A bad instrument id.
    pub fn instrument_percentiles(&mut self, instrument_id: f64) -> Result<Option<ShortfallPercentiles>, TrackerError> {
        if !is_integer_in(instrument_id, 0.0, u32::MAX as f64) {
            return Err(TrackerError::InstrumentId(instrument_id));
        }
        let window = self.by_instrument.get(&(instrument_id as u32));
        Ok(window.map(|w| percentiles(&mut self.sorted, &w.values)))
    }

    /// Percentiles over the last orders of the instrument that filled on the venue.
    ///
    /// # Errors
    /// A bad venue or instrument id (in that order).
    pub fn venue_percentiles(
        &mut self,
        venue_id: f64,
        instrument_id: f64,
    ) -> Result<Option<ShortfallPercentiles>, TrackerError> {
        if !is_integer_in(venue_id, 0.0, MAX_VENUE_ID as f64) {
            return Err(TrackerError::VenueId(venue_id));
        }
        if !is_integer_in(instrument_id, 0.0, u32::MAX as f64) {
            return Err(TrackerError::InstrumentId(instrument_id));
        }
        let window = self.by_venue.get(&(venue_id as u32, instrument_id as u32));
        Ok(window.map(|w| percentiles(&mut self.sorted, &w.values)))
    }
}

fn order_id_of(order_id: f64) -> Result<u64, TrackerError> {
    if is_integer_in(order_id, 0.0, MAX_EXACT as f64) {
        Ok(order_id as u64)
    } else {
        Err(TrackerError::OrderId(order_id))
    }
}

fn new_window(capacity: usize) -> Window {
    // Grows to `capacity` as orders arrive, so a rarely traded pair costs little.
    Window {
        values: Vec::with_capacity(capacity.min(64)),
        next: 0,
    }
}

/// Nearest rank: the value at 1-based rank `ceil(q × n / 100)`.
fn percentiles(sorted: &mut Vec<f64>, values: &[f64]) -> ShortfallPercentiles {
    sorted.clear();
    sorted.extend_from_slice(values);
    // Shortfalls are never NaN and never -0, so this is plain numeric order.
    sorted.sort_unstable_by(f64::total_cmp);
    let n = sorted.len();
    let at = |q: usize| sorted[(q * n).div_ceil(100).max(1) - 1];
    ShortfallPercentiles {
        count: n,
        p50_bps: at(50),
        p95_bps: at(95),
        p99_bps: at(99),
    }
}

#[cfg(test)]
mod tests;
