//! Splits a parent order across venues: a greedy fill, cheapest lot first.
//!
//! Plain Rust with no N-API types. The TypeScript fallback
//! (`src/native/fallback/router.ts`) implements the same algorithm with the
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
//! # Why a k-way merge
//!
//! Each venue's side is sorted best first (strictly rising asks for a buy,
//! strictly falling bids for a sell, checked), and with `|takerFeeBps| <
//! 10_000` the cost is non-decreasing along it (IEEE rounding is monotone).
//! So a binary heap over the venues' next levels yields the levels in cost
//! order while touching only those taken: O(taken × log venues).

use std::fmt;

use crate::ecma_number::to_js_string;
use crate::slippage::MAX_EXACT;

/// `out[0..3]`: filled lots, unfilled lots, resting venue (-1 for none).
pub const PLAN_HEADER: usize = 3;
/// Per child, after the header: venue, price limit (worst level taken) in
/// ticks, size in lots, expected average price in ticks, expected fee in
/// tick-lots (price ticks × lots, the unit of notional here).
pub const CHILD_FIELDS: usize = 5;
/// Per venue in `venue_costs`: taker fee bps, maker fee bps, latency ms.
pub const VENUE_COST_FIELDS: usize = 3;

const BASIS_POINTS: f64 = 10_000.0;
const MAX_FEE_BPS: f64 = 10_000.0;

/// Why a route could not be planned. The `Display` text is part of the
/// contract with the TypeScript fallback.
#[derive(Debug, Clone, PartialEq)]
pub enum RouteError {
    AdverseTicksPerMs(f64),
    Side(f64),
    SizeLots(f64),
    LimitPrice(f64),
    VenueCostsLength {
        venues: usize,
        len: usize,
    },
    OddLevels(usize),
    VenueLevelEnds {
        venue: usize,
        end: u32,
        previous: u32,
    },
    LevelsUncovered {
        end: u32,
        pairs: usize,
    },
    OutTooShort {
        needed: usize,
        len: usize,
    },
    OutOverlaps(&'static str),
    TakerFee {
        venue: usize,
        value: f64,
    },
    MakerFee {
        venue: usize,
        value: f64,
    },
    Latency {
        venue: usize,
        value: f64,
    },
    LevelPrice {
        venue: usize,
        level: usize,
        value: f64,
    },
    LevelSize {
        venue: usize,
        level: usize,
        value: f64,
    },
    LevelOrder {
        venue: usize,
        level: usize,
        value: f64,
        previous: f64,
        rising: bool,
    },
}

const EXACT: &str = "must be a positive integer no greater than";

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let js = |v: &f64| to_js_string(*v);
        match self {
            Self::AdverseTicksPerMs(v) => {
                write!(
                    f,
                    "adverseTicksPerMs must be a finite number of at least 0, got {}",
                    js(v)
                )
            }
            Self::Side(v) => write!(f, "side must be 1 (buy) or -1 (sell), got {}", js(v)),
            Self::SizeLots(v) => write!(f, "sizeLots {EXACT} {MAX_EXACT}, got {}", js(v)),
            Self::LimitPrice(v) => write!(f, "limitPriceTicks {EXACT} {MAX_EXACT} when given, got {}", js(v)),
            Self::VenueCostsLength { venues, len } => write!(
                f,
                "venueCosts must hold [takerFeeBps, makerFeeBps, latencyMs] for each of {venues} venues ({} numbers), got {len}",
                venues * VENUE_COST_FIELDS
            ),
            Self::OddLevels(len) => write!(
                f,
                "levels must hold [priceTicks, sizeLots] pairs, got an odd length {len}"
            ),
            Self::VenueLevelEnds { venue, end, previous } => write!(
                f,
                "venueLevelEnds[{venue}] must not be below the previous end {previous}, got {end}"
            ),
            Self::LevelsUncovered { end, pairs } => write!(
                f,
                "venueLevelEnds must end at the {pairs} level pairs of levels, got a last end of {end}"
            ),
            Self::OutTooShort { needed, len } => write!(
                f,
                "out must hold at least {needed} numbers for this many venues, got {len}"
            ),
            Self::OutOverlaps(what) => write!(f, "out must not share memory with {what}"),
            Self::TakerFee { venue, value } => write!(
                f,
                "venueCosts[{}] (takerFeeBps of venue {venue}) must be a finite number above -{MAX_FEE_BPS} and below {MAX_FEE_BPS}, got {}",
                venue * VENUE_COST_FIELDS,
                js(value)
            ),
            Self::MakerFee { venue, value } => write!(
                f,
                "venueCosts[{}] (makerFeeBps of venue {venue}) must be a finite number above -{MAX_FEE_BPS} and below {MAX_FEE_BPS}, got {}",
                venue * VENUE_COST_FIELDS + 1,
                js(value)
            ),
            Self::Latency { venue, value } => write!(
                f,
                "venueCosts[{}] (latencyMs of venue {venue}) must be a finite number of at least 0, got {}",
                venue * VENUE_COST_FIELDS + 2,
                js(value)
            ),
            Self::LevelPrice { venue, level, value } => write!(
                f,
                "levels[{}] (priceTicks of level {level}, venue {venue}) {EXACT} {MAX_EXACT}, got {}",
                2 * level,
                js(value)
            ),
            Self::LevelSize { venue, level, value } => write!(
                f,
                "levels[{}] (sizeLots of level {level}, venue {venue}) {EXACT} {MAX_EXACT}, got {}",
                2 * level + 1,
                js(value)
            ),
            Self::LevelOrder {
                venue,
                level,
                value,
                previous,
                rising,
            } => write!(
                f,
                "levels[{}] (priceTicks of level {level}, venue {venue}) must be {} the previous level's {}, got {}",
                2 * level,
                if *rising { "above" } else { "below" },
                js(previous),
                js(value)
            ),
        }
    }
}

impl std::error::Error for RouteError {}

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

/// Whether `a` and `b` share any byte. An empty slice shares none: N-API
/// hands an empty typed array over with a dangling pointer, not its address.
fn overlaps<A, B>(a: &[A], b: &[B]) -> bool {
    let (a0, b0) = (a.as_ptr() as usize, b.as_ptr() as usize);
    let (a1, b1) = (a0 + size_of_val(a), b0 + size_of_val(b));
    a0 < a1 && b0 < b1 && a0 < b1 && b0 < a1
}

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
    heap: Vec<u32>,
    cost: Vec<f64>,
    /// Per venue, `1 + side * takerFeeBps / 10_000` and `adverse * latency`:
    /// the two halves of the cost model, computed once a decision.
    fee_factor: Vec<f64>,
    penalty: Vec<f64>,
    next: Vec<u32>,
    filled_lots: Vec<f64>,
    notional: Vec<f64>,
    worst_price: Vec<f64>,
}

impl Router {
    /// Writes the plan into `out` (see [`PLAN_HEADER`], [`CHILD_FIELDS`]),
    /// children in venue order, and returns how many children there are.
    ///
    /// # Errors
    /// A [`RouteError`] naming the first bad argument, in a fixed order:
    /// adverse move, side, size, limit, array shapes, `out`, then venue by venue its costs
    /// and its levels. Nothing is written to `out` on error.
    // The safe entry for Rust callers and the tests; the binding validates
    // first so that it can borrow `out` mutably only once that is sound.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn route(&mut self, req: &RouteRequest<'_>, out: &mut [f64]) -> Result<usize, RouteError> {
        validate(req, out)?;
        Ok(self.route_validated(req, out))
    }

    /// [`Router::route`] for a request [`validate`] accepted with this `out`.
    pub fn route_validated(&mut self, req: &RouteRequest<'_>, out: &mut [f64]) -> usize {
        let venues = req.venue_level_ends.len();
        self.reserve(venues);
        let side = req.side;
        // Outside the limit: a buy above it, a sell below it (exact: a negation).
        let beyond = req.limit_price_ticks.map_or(f64::INFINITY, |limit| side * limit);

        self.heap.clear();
        let mut start = 0u32;
        for v in 0..venues {
            let end = req.venue_level_ends[v];
            let costs = &req.venue_costs[v * VENUE_COST_FIELDS..(v + 1) * VENUE_COST_FIELDS];
            self.fee_factor[v] = 1.0 + side * costs[0] / BASIS_POINTS;
            self.penalty[v] = req.adverse_ticks_per_ms * costs[2];
            self.filled_lots[v] = 0.0;
            self.notional[v] = 0.0;
            if start < end && side * req.levels[2 * start as usize] <= beyond {
                self.next[v] = start;
                self.cost[v] = self.level_cost(req, v, start);
                self.push(v as u32);
            }
            start = end;
        }

        let mut remaining = req.size_lots;
        while remaining > 0.0 {
            let Some(&top) = self.heap.first() else { break };
            let v = top as usize;
            let level = self.next[v] as usize;
            let (price, size) = (req.levels[2 * level], req.levels[2 * level + 1]);
            let take = if size < remaining { size } else { remaining };
            remaining -= take;
            self.filled_lots[v] += take;
            self.notional[v] += price * take;
            self.worst_price[v] = price;
            let following = level as u32 + 1;
            if following < req.venue_level_ends[v] && side * req.levels[2 * following as usize] <= beyond {
                self.next[v] = following;
                self.cost[v] = self.level_cost(req, v, following);
                self.sift_down(0);
            } else {
                self.pop();
            }
        }

        out[0] = req.size_lots - remaining;
        out[1] = remaining;
        out[2] = match req.limit_price_ticks {
            Some(_) if remaining > 0.0 => resting_venue(req.venue_costs),
            _ => -1.0,
        };
        let mut children = 0;
        for v in 0..venues {
            let lots = self.filled_lots[v];
            if lots == 0.0 {
                continue;
            }
            let notional = self.notional[v];
            let at = PLAN_HEADER + children * CHILD_FIELDS;
            out[at] = v as f64;
            out[at + 1] = self.worst_price[v];
            out[at + 2] = lots;
            out[at + 3] = notional / lots;
            out[at + 4] = notional * req.venue_costs[v * VENUE_COST_FIELDS] / BASIS_POINTS;
            children += 1;
        }
        children
    }

    /// `side * (price * (1 + side * takerFeeBps / 10_000)) + adverse * latencyMs`.
    #[inline]
    fn level_cost(&self, req: &RouteRequest<'_>, v: usize, level: u32) -> f64 {
        req.side * (req.levels[2 * level as usize] * self.fee_factor[v]) + self.penalty[v]
    }

    fn reserve(&mut self, venues: usize) {
        if self.cost.len() < venues {
            self.cost.resize(venues, 0.0);
            self.fee_factor.resize(venues, 0.0);
            self.penalty.resize(venues, 0.0);
            self.next.resize(venues, 0);
            self.filled_lots.resize(venues, 0.0);
            self.notional.resize(venues, 0.0);
            self.worst_price.resize(venues, 0.0);
            self.heap.reserve(venues);
        }
    }

    /// Heap order: lower cost first, then lower venue index.
    #[inline]
    fn before(&self, a: u32, b: u32) -> bool {
        let (ca, cb) = (self.cost[a as usize], self.cost[b as usize]);
        ca < cb || (ca == cb && a < b)
    }

    fn push(&mut self, venue: u32) {
        self.heap.push(venue);
        let mut i = self.heap.len() - 1;
        while i > 0 {
            let parent = (i - 1) / 2;
            if !self.before(self.heap[i], self.heap[parent]) {
                break;
            }
            self.heap.swap(i, parent);
            i = parent;
        }
    }

    fn pop(&mut self) {
        let last = self.heap.pop().expect("pop on a non-empty heap");
        if !self.heap.is_empty() {
            self.heap[0] = last;
            self.sift_down(0);
        }
    }

    fn sift_down(&mut self, mut i: usize) {
        let len = self.heap.len();
        loop {
            let left = 2 * i + 1;
            if left >= len {
                break;
            }
            let right = left + 1;
            let child = if right < len && self.before(self.heap[right], self.heap[left]) {
                right
            } else {
                left
            };
            if !self.before(self.heap[child], self.heap[i]) {
                break;
            }
            self.heap.swap(i, child);
            i = child;
        }
    }
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
        // The first level has nothing to be above or below.
        let mut previous = if side > 0.0 { f64::NEG_INFINITY } else { f64::INFINITY };
        for (offset, pair) in req.levels[2 * start..2 * end].chunks_exact(2).enumerate() {
            let (price, size) = (pair[0], pair[1]);
            // One branch per level on the common path; which check failed
            // is worked out, in the documented order, only on the way out.
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

#[cfg(test)]
#[path = "router_tests.rs"]
mod tests;
