//! The router's errors, whose texts the TypeScript fallback repeats word for word.

use std::fmt;

use super::{MAX_FEE_BPS, VENUE_COST_FIELDS};
use crate::ecma_number::to_js_string;
use crate::slippage::MAX_EXACT;

/// Why a route could not be planned. The `Display` text is part of the
/// contract with the TypeScript fallback.
#[derive(Debug, Clone, PartialEq)]
pub enum RouteError {
    TicketHeader(usize),
    TicketCapacity {
        venues: f64,
        pairs: f64,
    },
    TicketLength {
        venues: usize,
        pairs: usize,
        needed: usize,
        len: usize,
    },
    TicketVenues {
        capacity: usize,
        value: f64,
    },
    TicketLimitFlag(f64),
    TicketLevelEnd {
        venue: usize,
        capacity: usize,
        value: f64,
    },
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
            Self::TicketHeader(len) => write!(f, "a route ticket must hold its 8-number header, got {len} numbers"),
            Self::TicketCapacity { venues, pairs } => write!(
                f,
                "a route ticket's capacities must be integers from 0 to 16777216, got {} venues and {} level pairs",
                js(venues),
                js(pairs)
            ),
            Self::TicketLength {
                venues,
                pairs,
                needed,
                len,
            } => write!(
                f,
                "a route ticket for {venues} venues and {pairs} level pairs must hold {needed} numbers, got {len}"
            ),
            Self::TicketVenues { capacity, value } => write!(
                f,
                "the route ticket's venue count must be an integer from 0 to its capacity {capacity}, got {}",
                js(value)
            ),
            Self::TicketLimitFlag(v) => write!(
                f,
                "the route ticket's limit flag must be 0 (market) or 1 (limit), got {}",
                js(v)
            ),
            Self::TicketLevelEnd { venue, capacity, value } => write!(
                f,
                "venueLevelEnds[{venue}] must be an integer from 0 to the ticket's {capacity} level pairs, got {}",
                js(value)
            ),
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
