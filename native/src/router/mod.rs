//! Splits a parent order across venues: a greedy fill, cheapest lot first.
//!
//! Plain Rust with no N-API types. The TypeScript fallback
//! (`src/native/fallback/router.ts`, checks in `router-validation.ts`) implements the same algorithm with the
//! same checks in the same order, the same messages and the same double
//! operations in the same order, so both write the same plan bit for bit.
//! Change both together.
//!
//! # The cost model
//!
//! Every level a venue offers is priced as the cost of one lot taken there:
//!
//! ```text
//! cost = side * (priceTicks * (1 + side * takerFeeBps / 10_000)) + adverseTicksPerMs * latencyMs
//! ```
//!
//! A buy pays the price plus the taker fee; a sell receives the price less
//! the fee, so its cost is the negated proceeds. The latency term is the
//! expected adverse move while the child order travels: `adverseTicksPerMs`
//! ticks for every millisecond of the venue's measured latency, a router
//! parameter. Lots are taken greedily in ascending cost, never beyond the
//! parent's limit price (buy: price <= limit; sell: price >= limit).
//!
//! # Tie-breaking
//!
//! Equal costs go to the lower venue index, then to the venue's earlier
//! level: the plan is the one a stable sort of all levels by
//! `(cost, venue, level)` would give.
//!
//! # Why a k-way merge in runs
//!
//! Each venue's side is sorted best first (strictly rising asks for a buy,
//! strictly falling bids for a sell, checked), and with `|takerFeeBps| <
//! 10_000` the cost is non-decreasing along it (IEEE rounding is monotone).
//! So merging the venues' next levels yields the levels in cost order while
//! touching only those taken. The merge scans the venues' next costs for
//! the cheapest and the runner-up, then takes the cheapest venue's levels
//! for as long as they stay ahead of the runner-up and within the limit.
//! Both tests are monotone along the venue, so where that run ends is found
//! by testing the venue's last level, then by a galloping search; either
//! evaluates the same costs a scan would. One pass then sums the run's
//! lots and notional (see `run_totals.rs`): when the run's lots are fewer
//! than what remains, it is taken whole at once; else its levels are taken
//! one by one in integers until the parent is complete. Fees usually differ
//! by more than the book's tick steps, so runs are long, often a venue's
//! whole side: a handful a decision.
//!
//! # Exact sums
//!
//! Sizes and prices are integers below 2^53, so lots are counted in `u64`,
//! exact (a run's lots summed in doubles are used only when below what
//! remains, where they are exact too). A child's notional (Σ price × lots)
//! is summed in doubles as its runs are taken and used when its largest
//! price times its lots is below 2^53, where every product and partial sum
//! is an integer doubles hold exactly; else it is summed again in `u128`.
//! Either way it is exact, and rounded to a double once. The expected
//! average price and fee derive from that one rounding, whatever the
//! book's magnitudes.

mod error;
mod run_totals;
mod side_checks;
mod ticket;
mod validate;

pub use error::RouteError;
pub use ticket::route_ticket;
pub use validate::validate;

use run_totals::run_totals;

/// `out[0..3]`: filled lots, unfilled lots, resting venue (-1 for none).
pub const PLAN_HEADER: usize = 3;
/// Per child, after the header: venue, price limit (worst level taken) in
/// ticks, size in lots, expected average price in ticks, expected fee in
/// tick-lots (price ticks × lots, the unit of notional here).
pub const CHILD_FIELDS: usize = 5;
/// Per venue in `venue_costs`: taker fee bps, maker fee bps, latency ms.
pub const VENUE_COST_FIELDS: usize = 3;

const BASIS_POINTS: f64 = 10_000.0;
/// Fees must stay strictly within ±100%, which keeps each venue's costs in book order.
const MAX_FEE_BPS: f64 = 10_000.0;

/// One decision's input, borrowed from the caller's typed arrays.
pub struct RouteRequest<'a> {
    /// Expected adverse move, in ticks, per millisecond of venue latency.
    pub adverse_ticks_per_ms: f64,
    /// 1 to buy (take asks), -1 to sell (take bids).
    pub side: f64,
    pub size_lots: f64,
    pub limit_price_ticks: Option<f64>,
    /// `[priceTicks, sizeLots]` pairs of every venue, venue after venue,
    /// each venue's side best first.
    pub levels: &'a [f64],
    /// Venue `v`'s pairs are `venue_level_ends[v - 1]..venue_level_ends[v]`.
    pub venue_level_ends: &'a [u32],
    /// `[takerFeeBps, makerFeeBps, latencyMs]` per venue.
    pub venue_costs: &'a [f64],
}

/// The scratch space of routing decisions, reused so that a decision
/// allocates only when it sees more venues than any before it.
#[derive(Debug, Default)]
pub struct Router {
    /// Per venue, the cost of its next level; infinite once it has none left.
    cost: Vec<f64>,
    /// Per venue, `1 + side * takerFeeBps / 10_000` and `adverse * latency`:
    /// the two halves of the cost model, computed once a decision.
    fee_factor: Vec<f64>,
    penalty: Vec<f64>,
    /// Per venue, its next level not taken whole (the partly taken one when
    /// `last_take` is not 0).
    next: Vec<u32>,
    last_take: Vec<u64>,
    filled: Vec<u64>,
    /// Per venue, the notional of its levels taken, summed in doubles run by
    /// run (see [`notional_of`] for when that is exact).
    notional: Vec<f64>,
}

impl Router {
    /// Writes the plan into `out` (see [`PLAN_HEADER`], [`CHILD_FIELDS`]),
    /// children in venue order, and returns how many children there are.
    ///
    /// # Errors
    /// A [`RouteError`] naming the first bad argument, in a fixed order:
    /// adverse move, side, size, limit, array shapes, `out`, then venue by venue its costs
    /// and its levels. Nothing is written to `out` on error.
    pub fn route(&mut self, req: &RouteRequest<'_>, out: &mut [f64]) -> Result<usize, RouteError> {
        validate(req, out)?;
        Ok(self.route_validated(req, out))
    }

    /// [`Router::route`] for a request [`validate`] accepted with this `out`.
    pub fn route_validated(&mut self, req: &RouteRequest<'_>, out: &mut [f64]) -> usize {
        let venues = req.venue_level_ends.len();
        self.reserve(venues);
        let (side, levels) = (req.side, req.levels);
        // Outside the limit: a buy above it, a sell below it (exact: a negation).
        let beyond = req.limit_price_ticks.map_or(f64::INFINITY, |limit| side * limit);

        let mut start = 0u32;
        for v in 0..venues {
            let end = req.venue_level_ends[v];
            let costs = &req.venue_costs[v * VENUE_COST_FIELDS..(v + 1) * VENUE_COST_FIELDS];
            self.fee_factor[v] = 1.0 + side * costs[0] / BASIS_POINTS;
            self.penalty[v] = req.adverse_ticks_per_ms * costs[2];
            self.next[v] = start;
            self.last_take[v] = 0;
            self.filled[v] = 0;
            self.notional[v] = 0.0;
            self.cost[v] = f64::INFINITY;
            if start < end && side * levels[2 * start as usize] <= beyond {
                self.cost[v] = self.level_cost(req, v, start as usize);
            }
            start = end;
        }

        let mut remaining = exact(req.size_lots);
        while remaining > 0 {
            // The cheapest venue and the runner-up, each tie to the lower index.
            let (mut best, mut best_cost) = (usize::MAX, f64::INFINITY);
            let (mut second, mut second_cost) = (usize::MAX, f64::INFINITY);
            for (u, &c) in self.cost[..venues].iter().enumerate() {
                if c < best_cost {
                    (second, second_cost) = (best, best_cost);
                    (best, best_cost) = (u, c);
                } else if c < second_cost {
                    (second, second_cost) = (u, c);
                }
            }
            if best == usize::MAX {
                break; // every venue is exhausted or beyond the limit
            }
            let v = best;
            let from = self.next[v] as usize;
            let end = req.venue_level_ends[v] as usize;
            let stays_ahead = |level: usize| {
                let c = self.level_cost(req, v, level);
                side * levels[2 * level] <= beyond && (c < second_cost || (c == second_cost && v < second))
            };
            let run_end = first_failing(from + 1, end, stays_ahead);

            let run = &levels[2 * from..2 * run_end];
            let (lots, notional) = run_totals(run);
            let level = if lots < remaining as f64 {
                // The whole run fits (and its lots, below `remaining`, are exact).
                let lots = exact(lots);
                self.filled[v] += lots;
                self.notional[v] += notional;
                remaining -= lots;
                run_end
            } else {
                // The run holds what remains: the parent completes inside it.
                let (whole, left, whole_notional) = take_whole_levels(run, remaining);
                let level = from + whole;
                self.filled[v] += remaining;
                self.notional[v] += whole_notional + levels[2 * level] * left as f64;
                self.last_take[v] = left;
                remaining = 0;
                level
            };
            self.next[v] = level as u32;
            self.cost[v] = if level < end && side * levels[2 * level] <= beyond {
                self.level_cost(req, v, level)
            } else {
                f64::INFINITY
            };
        }

        let unfilled = remaining as f64;
        out[0] = req.size_lots - unfilled;
        out[1] = unfilled;
        out[2] = match req.limit_price_ticks {
            Some(_) if remaining > 0 => resting_venue(req.venue_costs),
            _ => -1.0,
        };
        let mut children = 0;
        let mut first = 0;
        for v in 0..venues {
            let (venue_first, next) = (first, self.next[v] as usize);
            first = req.venue_level_ends[v] as usize;
            let lots = self.filled[v];
            if lots == 0 {
                continue;
            }
            let last_take = self.last_take[v];
            // The worst level taken: the partly taken one, else the last whole one.
            let worst = if last_take > 0 { next } else { next - 1 };
            let notional = notional_of(levels, venue_first, next, worst, last_take, lots, self.notional[v]);
            let at = PLAN_HEADER + children * CHILD_FIELDS;
            out[at] = v as f64;
            out[at + 1] = levels[2 * worst];
            out[at + 2] = lots as f64;
            out[at + 3] = notional / lots as f64;
            out[at + 4] = notional * req.venue_costs[v * VENUE_COST_FIELDS] / BASIS_POINTS;
            children += 1;
        }
        children
    }

    /// `side * (price * (1 + side * takerFeeBps / 10_000)) + adverse * latencyMs`.
    #[inline]
    fn level_cost(&self, req: &RouteRequest<'_>, v: usize, level: usize) -> f64 {
        req.side * (req.levels[2 * level] * self.fee_factor[v]) + self.penalty[v]
    }

    fn reserve(&mut self, venues: usize) {
        if self.cost.len() < venues {
            self.cost.resize(venues, 0.0);
            self.fee_factor.resize(venues, 0.0);
            self.penalty.resize(venues, 0.0);
            self.next.resize(venues, 0);
            self.last_take.resize(venues, 0);
            self.filled.resize(venues, 0);
            self.notional.resize(venues, 0.0);
        }
    }
}

/// The first level in `from..end` failing `holds`, or `end`, for a test
/// that holds up to some level and fails from there on. A run is usually a
/// venue's whole side, which the last level settles in one test; else
/// galloping from `from` (the rest are usually short), then bisecting.
fn first_failing(from: usize, end: usize, holds: impl Fn(usize) -> bool) -> usize {
    if from >= end || holds(end - 1) {
        return end;
    }
    // `end - 1` fails: the search is within `from..end - 1`.
    let last = end - 1;
    let (mut lo, mut step) = (from, 1);
    let mut hi = loop {
        let probe = lo + step - 1;
        if probe >= last {
            break last;
        }
        if !holds(probe) {
            break probe;
        }
        lo = probe + 1;
        step *= 2;
    };
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if holds(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Takes `pairs`' levels whole, in order, while each is smaller than what
/// remains of `remaining`: returns how many were taken, what remains and
/// their notional, summed in doubles (see [`notional_of`] for when that is
/// exact). Four levels a step while all four fit: a run is usually a
/// venue's whole side, and a step of four sizes summed apart is a quarter
/// of the loop's turns, each waiting on the one before only for
/// `remaining`; the notional, summed on the side, waits on nothing.
#[inline]
fn take_whole_levels(pairs: &[f64], mut remaining: u64) -> (usize, u64, f64) {
    let (mut taken, mut notional) = (0, 0.0);
    for quad in pairs.chunks_exact(8) {
        // Four sizes below 2^53 each: no overflow in u64.
        let lots = exact(quad[1]) + exact(quad[3]) + exact(quad[5]) + exact(quad[7]);
        if lots >= remaining {
            break;
        }
        remaining -= lots;
        notional += (quad[0] * quad[1] + quad[2] * quad[3]) + (quad[4] * quad[5] + quad[6] * quad[7]);
        taken += 4;
    }
    for pair in pairs[2 * taken..].chunks_exact(2) {
        let size = exact(pair[1]);
        if size >= remaining {
            break;
        }
        remaining -= size;
        notional += pair[0] * pair[1];
        taken += 1;
    }
    (taken, remaining, notional)
}

/// 2^53: below it, sums and products of integer doubles are exact.
const EXACT_BELOW: f64 = 9_007_199_254_740_992.0;

/// A child's notional, Σ price × lots over the levels `first..next` taken
/// whole and `last_take` lots of level `next`, exact and rounded to a double
/// once. `summed` is that sum as the merge added it up in doubles, run by
/// run; `worst` is the worst level taken. When the largest price taken times
/// the child's lots is below 2^53, every product and partial sum is an
/// integer below 2^53, so `summed` is exact whatever the order of its adds
/// (the fallback's test, on the same bound); past it, the sum is redone in
/// `u128`.
fn notional_of(levels: &[f64], first: usize, next: usize, worst: usize, last_take: u64, lots: u64, summed: f64) -> f64 {
    // Prices run monotone along a side, so its largest is at one end.
    if levels[2 * first].max(levels[2 * worst]) * (lots as f64) < EXACT_BELOW {
        return summed;
    }
    let mut sum = 0u128;
    for pair in levels[2 * first..2 * next].chunks_exact(2) {
        sum += u128::from(exact(pair[0])) * u128::from(exact(pair[1]));
    }
    if last_take > 0 {
        sum += u128::from(exact(levels[2 * next])) * u128::from(last_take);
    }
    sum as f64
}

/// A checked price or size (an integer in `1..=2^53 - 1`) as an integer.
#[inline(always)]
fn exact(v: f64) -> u64 {
    // SAFETY: validation admits only integers in 1..=2^53 - 1, which i64
    // holds exactly; through i64 the conversion is one instruction.
    unsafe { v.to_int_unchecked::<i64>() as u64 }
}

/// Where an unfilled remainder would rest: the lowest maker fee, then the
/// lowest latency, then the lowest venue index; -1 with no venues.
fn resting_venue(venue_costs: &[f64]) -> f64 {
    let mut best = -1.0;
    let (mut best_fee, mut best_latency) = (f64::INFINITY, f64::INFINITY);
    for (v, costs) in venue_costs.chunks_exact(VENUE_COST_FIELDS).enumerate() {
        let (fee, latency) = (costs[1], costs[2]);
        if fee < best_fee || (fee == best_fee && latency < best_latency) {
            best = v as f64;
            best_fee = fee;
            best_latency = latency;
        }
    }
    best
}

#[cfg(test)]
mod tests;
