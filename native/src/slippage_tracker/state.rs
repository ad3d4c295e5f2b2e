//! The tracker as plain numbers, to outlive the thread that holds it: a
//! restarted execution takes up its open orders and windows from its
//! snapshot. The TypeScript fallback writes and reads the same layout with
//! the same checks and messages, so a state from either goes into either.
//!
//! ```text
//! [version 1, windowOrders,
//!  open orders O, O × [orderId, instrumentId, side, arrivalPriceTicks, fills F, F × [venueId, priceTicks, sizeLots]],
//!  instrument windows I, I × [instrumentId, figures N, N × bps],
//!  venue windows V, V × [venueId, instrumentId, figures N, N × bps]]
//! ```
//!
//! Orders and windows in ascending key order, each window's figures oldest
//! first, so one tracker always writes one state and a window read back
//! drops its oldest figure first, as before.

use std::collections::HashMap;

use super::{MAX_VENUE_ID, OpenOrder, SlippageTracker, TrackerError, Window, is_integer_in, new_window, order_id_of};
use crate::slippage::MAX_EXACT;

const STATE_VERSION: f64 = 1.0;

impl SlippageTracker {
    /// Everything the tracker holds, in the layout above.
    pub fn export_state(&self) -> Vec<f64> {
        let mut out = vec![STATE_VERSION, self.window_orders as f64, self.open.len() as f64];
        let mut ids: Vec<_> = self.open.keys().copied().collect();
        ids.sort_unstable();
        for id in ids {
            let order = &self.open[&id];
            out.extend([
                id as f64,
                f64::from(order.instrument),
                order.side,
                order.arrival,
                (order.fills.len() / 3) as f64,
            ]);
            out.extend_from_slice(&order.fills);
        }
        let mut instruments: Vec<_> = self.by_instrument.keys().copied().collect();
        instruments.sort_unstable();
        out.push(instruments.len() as f64);
        for instrument in instruments {
            let window = &self.by_instrument[&instrument];
            out.extend([f64::from(instrument), window.values.len() as f64]);
            out.extend(self.oldest_first(window));
        }
        let mut pairs: Vec<_> = self.by_venue.keys().copied().collect();
        pairs.sort_unstable();
        out.push(pairs.len() as f64);
        for (venue, instrument) in pairs {
            let window = &self.by_venue[&(venue, instrument)];
            out.extend([f64::from(venue), f64::from(instrument), window.values.len() as f64]);
            out.extend(self.oldest_first(window));
        }
        out
    }

    /// Replaces everything the tracker holds with `state`, all or nothing.
    ///
    /// # Errors
    /// `StateWindow` when the state's windows are of another size than this
    /// tracker's; `State` naming the first index that does not fit the layout.
    pub fn import_state(&mut self, state: &[f64]) -> Result<(), TrackerError> {
        let mut r = Reader { state, at: 0 };
        if r.next()? != STATE_VERSION {
            return Err(TrackerError::State(0));
        }
        let window_orders = r.next()?;
        if window_orders != self.window_orders as f64 {
            return Err(TrackerError::StateWindow {
                state: window_orders,
                own: self.window_orders,
            });
        }
        let capacity = self.window_orders;
        let mut open = HashMap::new();
        for _ in 0..r.count(MAX_EXACT as f64)? {
            let id = order_id_of(r.next()?).map_err(|_| r.bad())?;
            let instrument = r.integer(0.0, f64::from(u32::MAX))? as u32;
            let side = r.next()?;
            if side != 1.0 && side != -1.0 {
                return Err(r.bad());
            }
            let arrival = r.integer(1.0, MAX_EXACT as f64)?;
            let mut fills = Vec::new();
            for _ in 0..r.count(MAX_EXACT as f64)? {
                fills.extend([
                    r.integer(0.0, f64::from(MAX_VENUE_ID))?,
                    r.integer(1.0, MAX_EXACT as f64)?,
                    r.integer(1.0, MAX_EXACT as f64)?,
                ]);
            }
            if open
                .insert(
                    id,
                    OpenOrder {
                        instrument,
                        side,
                        arrival,
                        fills,
                    },
                )
                .is_some()
            {
                return Err(r.bad());
            }
        }
        let mut by_instrument = HashMap::new();
        for _ in 0..r.count(f64::from(u32::MAX))? {
            let instrument = r.integer(0.0, f64::from(u32::MAX))? as u32;
            let window = r.window(capacity)?;
            if by_instrument.insert(instrument, window).is_some() {
                return Err(r.bad());
            }
        }
        let mut by_venue = HashMap::new();
        for _ in 0..r.count(f64::from(u32::MAX))? {
            let venue = r.integer(0.0, f64::from(MAX_VENUE_ID))? as u32;
            let instrument = r.integer(0.0, f64::from(u32::MAX))? as u32;
            let window = r.window(capacity)?;
            if by_venue.insert((venue, instrument), window).is_some() {
                return Err(r.bad());
            }
        }
        if r.at != state.len() {
            // Numbers past the end of the layout: the first of them is the one that does not fit.
            return Err(TrackerError::State(r.at));
        }
        self.open = open;
        self.by_instrument = by_instrument;
        self.by_venue = by_venue;
        Ok(())
    }

    fn oldest_first<'w>(&self, window: &'w Window) -> impl Iterator<Item = f64> + 'w {
        let full = window.values.len() == self.window_orders;
        let split = if full { window.next } else { 0 };
        let (newer, older) = window.values.split_at(split);
        older.iter().chain(newer).copied()
    }
}

/// A cursor over a state; every read names its index when it fails.
struct Reader<'a> {
    state: &'a [f64],
    at: usize,
}

impl Reader<'_> {
    fn bad(&self) -> TrackerError {
        TrackerError::State(self.at.saturating_sub(1))
    }

    fn next(&mut self) -> Result<f64, TrackerError> {
        let v = *self.state.get(self.at).ok_or(TrackerError::State(self.at))?;
        self.at += 1;
        Ok(v)
    }

    fn integer(&mut self, min: f64, max: f64) -> Result<f64, TrackerError> {
        let v = self.next()?;
        if is_integer_in(v, min, max) {
            Ok(v)
        } else {
            Err(self.bad())
        }
    }

    /// A count, no greater than what is left to read: a wild count fails here, not in an allocation.
    fn count(&mut self, max: f64) -> Result<usize, TrackerError> {
        let left = (self.state.len() - self.at) as f64;
        Ok(self.integer(0.0, max.min(left))? as usize)
    }

    fn window(&mut self, capacity: usize) -> Result<Window, TrackerError> {
        let figures = self.count(capacity as f64)?;
        let mut window = new_window(capacity);
        for _ in 0..figures {
            let bps = self.next()?;
            // A shortfall is finite and never -0 (the percentiles sort on that).
            if !bps.is_finite() || (bps == 0.0 && bps.is_sign_negative()) {
                return Err(self.bad());
            }
            window.push(capacity, bps);
        }
        Ok(window)
    }
}
