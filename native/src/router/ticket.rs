//! A routing decision in one array of doubles, the route ticket: the parent
//! order, every venue's costs and book side, and the room for the plan.
//!
//! One array is one buffer to find at the N-API boundary instead of five
//! (and, bound once, none: `js/router.rs`), and it is the caller's reusable
//! scratch: the execution path fills it in place from the books and reads
//! the plan back from it. The layout, which
//! `src/native/route-ticket.ts` writes and the fallback reads the same way:
//!
//! ```text
//! [0] adverseTicksPerMs  [1] side  [2] sizeLots  [3] hasLimit (0 or 1)
//! [4] limitPriceTicks    [5] venues  [6] venue capacity V  [7] pair capacity P
//! [8 .. 8+V]             venueLevelEnds (pair index where each venue's levels end)
//! [8+V .. 8+4V]          venueCosts, [takerFeeBps, makerFeeBps, latencyMs] per venue
//! [8+4V .. 8+4V+2P]      levels, [priceTicks, sizeLots] pairs
//! [8+4V+2P .. 11+9V+2P]  the plan (see `PLAN_HEADER`, `CHILD_FIELDS`)
//! ```
//!
//! Only the first `venues` venues and the pairs up to the last of their ends
//! are read. The regions are apart by construction, so the plan is written
//! through a disjoint mutable borrow.

use super::{CHILD_FIELDS, PLAN_HEADER, RouteError, RouteRequest, Router, VENUE_COST_FIELDS};

/// Numbers before the first venue level end.
pub const TICKET_HEADER: usize = 8;

/// Largest capacity a ticket may declare: far past any book, and small
/// enough that the length arithmetic cannot overflow.
const MAX_CAPACITY: f64 = 16_777_216.0;

/// The number of doubles a ticket of these capacities holds.
pub fn ticket_length(venues: usize, pairs: usize) -> usize {
    TICKET_HEADER + (1 + VENUE_COST_FIELDS) * venues + 2 * pairs + PLAN_HEADER + CHILD_FIELDS * venues
}

/// A capacity or count: an integer in `0..=max` (`max` at most
/// [`MAX_CAPACITY`]). Within that range a truncating cast is exact, so
/// comparing it back is the integer test, with no `trunc` call (a libm call
/// on baseline x86-64, once per venue end here). Through `i64`, as both
/// conversions are then one instruction each; `usize` takes a dozen.
fn count(v: f64, max: f64) -> Option<usize> {
    let integer = v as i64;
    ((v >= 0.0) & (v <= max) & (integer as f64 == v)).then_some(integer as usize)
}

/// Plans the ticket's parent order into its plan region and returns the
/// number of children. `ends` is scratch for the venue ends as integers.
///
/// # Errors
/// The ticket's own shape first (length, capacities, venue count, limit
/// flag, each end), then what [`Router::route`] checks, in its order.
pub fn route_ticket(router: &mut Router, ends: &mut Vec<u32>, ticket: &mut [f64]) -> Result<usize, RouteError> {
    if ticket.len() < TICKET_HEADER {
        return Err(RouteError::TicketHeader(ticket.len()));
    }
    let capacities = (count(ticket[6], MAX_CAPACITY), count(ticket[7], MAX_CAPACITY));
    let (Some(venue_capacity), Some(pair_capacity)) = capacities else {
        return Err(RouteError::TicketCapacity {
            venues: ticket[6],
            pairs: ticket[7],
        });
    };
    let needed = ticket_length(venue_capacity, pair_capacity);
    if ticket.len() != needed {
        return Err(RouteError::TicketLength {
            venues: venue_capacity,
            pairs: pair_capacity,
            needed,
            len: ticket.len(),
        });
    }
    let Some(venues) = count(ticket[5], venue_capacity as f64) else {
        return Err(RouteError::TicketVenues {
            capacity: venue_capacity,
            value: ticket[5],
        });
    };
    let limit_price_ticks = match ticket[3] {
        0.0 => None,
        1.0 => Some(ticket[4]),
        flag => return Err(RouteError::TicketLimitFlag(flag)),
    };
    ends.clear();
    for (venue, &end) in ticket[TICKET_HEADER..TICKET_HEADER + venues].iter().enumerate() {
        match count(end, pair_capacity as f64) {
            Some(end) => ends.push(end as u32),
            None => {
                return Err(RouteError::TicketLevelEnd {
                    venue,
                    capacity: pair_capacity,
                    value: end,
                });
            }
        }
    }
    let pairs = ends.last().map_or(0, |&end| end as usize);

    let (inputs, plan) = ticket.split_at_mut(needed - PLAN_HEADER - CHILD_FIELDS * venue_capacity);
    let costs_at = TICKET_HEADER + venue_capacity;
    let levels_at = costs_at + VENUE_COST_FIELDS * venue_capacity;
    let request = RouteRequest {
        adverse_ticks_per_ms: inputs[0],
        side: inputs[1],
        size_lots: inputs[2],
        limit_price_ticks,
        levels: &inputs[levels_at..levels_at + 2 * pairs],
        venue_level_ends: ends,
        venue_costs: &inputs[costs_at..costs_at + VENUE_COST_FIELDS * venues],
    };
    router.route(&request, plan)
}
