//! The tracker's errors, whose texts the TypeScript fallback repeats word for word.

use std::fmt;

use super::{MAX_VENUE_ID, MAX_WINDOW_ORDERS};
use crate::ecma_number::to_js_string;
use crate::slippage::{MAX_EXACT, ShortfallError};

/// Why the tracker refused a call. The `Display` text is part of the
/// contract with the TypeScript fallback.
#[derive(Debug, Clone, PartialEq)]
pub enum TrackerError {
    WindowOrders(f64),
    OrderId(f64),
    InstrumentId(f64),
    VenueId(f64),
    PriceTicks(f64),
    SizeLots(f64),
    AlreadyOpen(u64),
    NotOpen(u64),
    Shortfall(ShortfallError),
    /// A state to import that does not fit the layout, at this index.
    State(usize),
    /// A state whose windows keep another number of orders than this tracker's.
    StateWindow {
        state: f64,
        own: usize,
    },
}

impl fmt::Display for TrackerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let js = |v: &f64| to_js_string(*v);
        match self {
            Self::WindowOrders(v) => {
                write!(
                    f,
                    "windowOrders must be an integer from 1 to {MAX_WINDOW_ORDERS}, got {}",
                    js(v)
                )
            }
            Self::OrderId(v) => write!(f, "orderId must be an integer from 0 to {MAX_EXACT}, got {}", js(v)),
            Self::InstrumentId(v) => write!(
                f,
                "instrumentId must be an integer from 0 to {}, got {}",
                u32::MAX,
                js(v)
            ),
            Self::VenueId(v) => write!(f, "venueId must be an integer from 0 to {MAX_VENUE_ID}, got {}", js(v)),
            Self::PriceTicks(v) => {
                write!(
                    f,
                    "priceTicks must be a positive integer no greater than {MAX_EXACT}, got {}",
                    js(v)
                )
            }
            Self::SizeLots(v) => write!(
                f,
                "sizeLots must be a positive integer no greater than {MAX_EXACT}, got {}",
                js(v)
            ),
            Self::AlreadyOpen(id) => write!(f, "order {id} already has an arrival price"),
            Self::NotOpen(id) => write!(
                f,
                "order {id} has no arrival price (never recorded, or already completed)"
            ),
            Self::Shortfall(err) => err.fmt(f),
            Self::State(at) => write!(f, "tracker state is malformed at index {at}"),
            Self::StateWindow { state, own } => write!(
                f,
                "tracker state has windows of {} orders, this tracker keeps {own}",
                js(state)
            ),
        }
    }
}

impl std::error::Error for TrackerError {}
