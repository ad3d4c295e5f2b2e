use super::ticket::route_ticket;
use super::validate::overlaps;
use super::*;

/// One venue's side and costs, for building requests by hand.
struct Venue {
    levels: Vec<(f64, f64)>,
    taker_bps: f64,
    maker_bps: f64,
    latency_ms: f64,
}

fn venue(levels: &[(f64, f64)], taker_bps: f64, latency_ms: f64) -> Venue {
    Venue {
        levels: levels.to_vec(),
        taker_bps,
        maker_bps: 0.0,
        latency_ms,
    }
}

struct Arrays {
    levels: Vec<f64>,
    ends: Vec<u32>,
    costs: Vec<f64>,
}

fn arrays(venues: &[Venue]) -> Arrays {
    let mut a = Arrays {
        levels: vec![],
        ends: vec![],
        costs: vec![],
    };
    for v in venues {
        for &(p, q) in &v.levels {
            a.levels.extend([p, q]);
        }
        a.ends.push((a.levels.len() / 2) as u32);
        a.costs.extend([v.taker_bps, v.maker_bps, v.latency_ms]);
    }
    a
}

fn plan(
    router: &mut Router,
    adverse: f64,
    side: f64,
    size: f64,
    limit: Option<f64>,
    venues: &[Venue],
) -> Result<Vec<f64>, RouteError> {
    let a = arrays(venues);
    let mut out = vec![0.0; PLAN_HEADER + CHILD_FIELDS * venues.len()];
    let req = RouteRequest {
        adverse_ticks_per_ms: adverse,
        side,
        size_lots: size,
        limit_price_ticks: limit,
        levels: &a.levels,
        venue_level_ends: &a.ends,
        venue_costs: &a.costs,
    };
    let children = router.route(&req, &mut out)?;
    out.truncate(PLAN_HEADER + CHILD_FIELDS * children);
    Ok(out)
}

#[test]
fn buy_takes_the_cheapest_lots_across_venues() {
    let (mut r, adverse) = (Router::default(), 0.0);
    let venues = [
        venue(&[(100.0, 5.0), (102.0, 10.0)], 0.0, 0.0),
        venue(&[(101.0, 3.0), (103.0, 10.0)], 0.0, 0.0),
    ];
    // 5 @ 100 on venue 0, 3 @ 101 on venue 1, then 2 @ 102 on venue 0.
    let out = plan(&mut r, adverse, 1.0, 10.0, None, &venues).unwrap();
    assert_eq!(
        out,
        vec![
            10.0,
            0.0,
            -1.0,
            0.0,
            102.0,
            7.0,
            704.0 / 7.0,
            0.0,
            1.0,
            101.0,
            3.0,
            101.0,
            0.0
        ]
    );
}

#[test]
fn sell_takes_the_highest_bids_first() {
    let (mut r, adverse) = (Router::default(), 0.0);
    let venues = [
        venue(&[(99.0, 4.0), (97.0, 4.0)], 0.0, 0.0),
        venue(&[(98.0, 4.0)], 0.0, 0.0),
    ];
    let out = plan(&mut r, adverse, -1.0, 6.0, None, &venues).unwrap();
    assert_eq!(
        out,
        vec![6.0, 0.0, -1.0, 0.0, 99.0, 4.0, 99.0, 0.0, 1.0, 98.0, 2.0, 98.0, 0.0]
    );
}

#[test]
fn the_fee_moves_lots_to_the_cheaper_venue() {
    // 10 bps on 10_000 is 10 ticks: venue 0 at 10_000 costs 10_010 a lot,
    // venue 1 at 10_005 with no fee costs 10_005.
    let (mut r, adverse) = (Router::default(), 0.0);
    let venues = [
        venue(&[(10_000.0, 5.0)], 10.0, 0.0),
        venue(&[(10_005.0, 5.0)], 0.0, 0.0),
    ];
    let out = plan(&mut r, adverse, 1.0, 5.0, None, &venues).unwrap();
    assert_eq!(out, vec![5.0, 0.0, -1.0, 1.0, 10_005.0, 5.0, 10_005.0, 0.0]);
    // The fee is notional × bps / 10_000 in tick-lots: 50_000 × 10 / 10_000.
    let out = plan(&mut r, adverse, 1.0, 8.0, None, &venues).unwrap();
    assert_eq!(&out[3..8], &[0.0, 10_000.0, 3.0, 10_000.0, 30.0]);
}

#[test]
fn latency_is_an_adverse_move_per_millisecond() {
    // 2 ticks per ms: venue 0 at 100 with 3 ms costs 106; venue 1 at 104, 0 ms.
    let (mut r, adverse) = (Router::default(), 2.0);
    let venues = [venue(&[(100.0, 5.0)], 0.0, 3.0), venue(&[(104.0, 5.0)], 0.0, 0.0)];
    let out = plan(&mut r, adverse, 1.0, 5.0, None, &venues).unwrap();
    assert_eq!(out[3], 1.0);
    // At 1 tick per ms venue 0 costs 103 and wins.
    assert_eq!(plan(&mut r, 1.0, 1.0, 5.0, None, &venues).unwrap()[3], 0.0);
}

#[test]
fn equal_costs_go_to_the_lower_venue() {
    let (mut r, adverse) = (Router::default(), 0.0);
    let venues = [venue(&[(100.0, 5.0)], 0.0, 0.0), venue(&[(100.0, 5.0)], 0.0, 0.0)];
    let out = plan(&mut r, adverse, 1.0, 5.0, None, &venues).unwrap();
    assert_eq!(out, vec![5.0, 0.0, -1.0, 0.0, 100.0, 5.0, 100.0, 0.0]);
}

#[test]
fn the_limit_stops_the_fill_and_names_where_to_rest() {
    let (mut r, adverse) = (Router::default(), 0.0);
    let mut venues = [
        venue(&[(100.0, 2.0), (101.0, 2.0)], 0.0, 1.0),
        venue(&[(102.0, 2.0)], 0.0, 0.5),
    ];
    venues[0].maker_bps = -1.0;
    venues[1].maker_bps = -1.0;
    // Rests on venue 1: same maker fee, lower latency.
    let out = plan(&mut r, adverse, 1.0, 10.0, Some(101.0), &venues).unwrap();
    assert_eq!(out, vec![4.0, 6.0, 1.0, 0.0, 101.0, 4.0, 100.5, 0.0]);
    // A market order never rests.
    let out = plan(&mut r, adverse, 1.0, 10.0, None, &venues).unwrap();
    assert_eq!(&out[..3], &[6.0, 4.0, -1.0]);
    // Nothing within the limit: no child at all.
    let out = plan(
        &mut r,
        adverse,
        -1.0,
        1.0,
        Some(200.0),
        &[venue(&[(150.0, 1.0)], 0.0, 0.0)],
    )
    .unwrap();
    assert_eq!(out, vec![0.0, 1.0, 0.0]);
}

#[test]
fn empty_venues_and_no_venues() {
    let (mut r, adverse) = (Router::default(), 0.0);
    let out = plan(
        &mut r,
        adverse,
        1.0,
        3.0,
        None,
        &[venue(&[], 0.0, 0.0), venue(&[(10.0, 9.0)], 0.0, 0.0)],
    )
    .unwrap();
    assert_eq!(out, vec![3.0, 0.0, -1.0, 1.0, 10.0, 3.0, 10.0, 0.0]);
    assert_eq!(
        plan(&mut r, adverse, 1.0, 3.0, Some(5.0), &[]).unwrap(),
        vec![0.0, 3.0, -1.0]
    );
}

#[test]
fn scratch_is_reset_between_decisions() {
    let (mut r, adverse) = (Router::default(), 0.0);
    let venues = [venue(&[(100.0, 5.0)], 0.0, 0.0), venue(&[(101.0, 5.0)], 0.0, 0.0)];
    let first = plan(&mut r, adverse, 1.0, 7.0, None, &venues).unwrap();
    assert_eq!(plan(&mut r, adverse, 1.0, 7.0, None, &venues).unwrap(), first);
}

#[test]
fn rejects_bad_arguments_with_their_text() {
    let mut r = Router::default();
    let one = [venue(&[(100.0, 5.0)], 0.0, 0.0)];
    let err = |side, size, limit, venues: &[Venue]| {
        plan(&mut Router::default(), 0.0, side, size, limit, venues)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(err(0.0, 1.0, None, &one), "side must be 1 (buy) or -1 (sell), got 0");
    assert_eq!(
        err(1.0, 0.5, None, &one),
        "sizeLots must be a positive integer no greater than 9007199254740991, got 0.5"
    );
    assert_eq!(
        err(1.0, 1.0, Some(f64::NAN), &one),
        "limitPriceTicks must be a positive integer no greater than 9007199254740991 when given, got NaN"
    );
    assert_eq!(
        err(1.0, 1.0, None, &[venue(&[(100.0, 5.0), (100.0, 1.0)], 0.0, 0.0)]),
        "levels[2] (priceTicks of level 1, venue 0) must be above the previous level's 100, got 100"
    );
    assert_eq!(
        err(-1.0, 1.0, None, &[venue(&[(100.0, 5.0), (101.0, 1.0)], 0.0, 0.0)]),
        "levels[2] (priceTicks of level 1, venue 0) must be below the previous level's 100, got 101"
    );
    assert_eq!(
        err(
            1.0,
            1.0,
            None,
            &[venue(&[], 0.0, 0.0), venue(&[(100.0, 0.0)], 0.0, 0.0)]
        ),
        "levels[1] (sizeLots of level 0, venue 1) must be a positive integer no greater than 9007199254740991, got 0"
    );
    assert_eq!(
        err(1.0, 1.0, None, &[venue(&[], 10_000.0, 0.0)]),
        "venueCosts[0] (takerFeeBps of venue 0) must be a finite number above -10000 and below 10000, got 10000"
    );
    assert_eq!(
        err(1.0, 1.0, None, &[venue(&[], 0.0, 0.0), venue(&[], 0.0, -1.0)]),
        "venueCosts[5] (latencyMs of venue 1) must be a finite number of at least 0, got -1"
    );
    assert_eq!(
        plan(&mut Router::default(), -0.5, 1.0, 1.0, None, &one)
            .unwrap_err()
            .to_string(),
        "adverseTicksPerMs must be a finite number of at least 0, got -0.5"
    );

    let a = arrays(&one);
    let mut short = vec![0.0; 7];
    let req = RouteRequest {
        adverse_ticks_per_ms: 0.0,
        side: 1.0,
        size_lots: 1.0,
        limit_price_ticks: None,
        levels: &a.levels,
        venue_level_ends: &a.ends,
        venue_costs: &a.costs,
    };
    assert_eq!(
        r.route(&req, &mut short).unwrap_err().to_string(),
        "out must hold at least 8 numbers for this many venues, got 7"
    );
    let ends = [2u32];
    let req = RouteRequest {
        venue_level_ends: &ends,
        ..req
    };
    let mut out = vec![0.0; 8];
    assert_eq!(
        r.route(&req, &mut out).unwrap_err().to_string(),
        "venueLevelEnds must end at the 1 level pairs of levels, got a last end of 2"
    );
    let costs = [0.0; 2];
    let req = RouteRequest {
        venue_costs: &costs,
        venue_level_ends: &a.ends,
        ..req
    };
    assert_eq!(
        r.route(&req, &mut out).unwrap_err().to_string(),
        "venueCosts must hold [takerFeeBps, makerFeeBps, latencyMs] for each of 1 venues (3 numbers), got 2"
    );
}

#[test]
fn adjacent_arrays_do_not_overlap() {
    let mut r = Router::default();
    let mut buffer = vec![100.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    let ends = [1u32];
    let costs = [0.0; 3];
    let (levels, out) = buffer.split_at_mut(2);
    let req = RouteRequest {
        adverse_ticks_per_ms: 0.0,
        side: 1.0,
        size_lots: 1.0,
        limit_price_ticks: None,
        levels,
        venue_level_ends: &ends,
        venue_costs: &costs,
    };
    assert_eq!(r.route(&req, out), Ok(1));
    assert!(overlaps(&buffer[0..2], &buffer[1..3]));
    assert!(!overlaps(&buffer[0..2], &buffer[2..4]));
}

#[test]
fn every_level_of_a_long_side_is_checked_in_every_lane() {
    // Sides of 1 to 9 levels put a bad value in every lane of the four-wide
    // check and of the last step, which overlaps the ones before it; each
    // must be refused, naming the level, and the same side unspoiled must
    // pass. The spoiled side comes alone, or after a good venue of 1 to 4
    // levels priced the other way round, whose order with it is not checked.
    let mut r = Router::default();
    for (len, lead) in (1..=9usize).flat_map(|len| (0..=4usize).map(move |lead| (len, lead))) {
        for side in [1.0, -1.0] {
            // Beyond the spoiled side's first price in its own order: a buy's
            // asks end above 1 000, a sell's bids end below it.
            let leading: Vec<(f64, f64)> = (0..lead)
                .map(|l| {
                    (
                        if side > 0.0 {
                            5_000.0 + l as f64
                        } else {
                            500.0 - l as f64
                        },
                        1.0,
                    )
                })
                .collect();
            let venues_with = |levels: &[(f64, f64)]| {
                let mut venues = vec![];
                if lead > 0 {
                    venues.push(venue(&leading, 1.0, 0.0));
                }
                venues.push(venue(levels, 1.0, 0.0));
                venues
            };
            let good: Vec<(f64, f64)> = (0..len)
                .map(|l| (1_000.0 + side * 10.0 * l as f64, 5.0 + l as f64))
                .collect();
            assert!(plan(&mut r, 0.0, side, 1.0, None, &venues_with(&good)).is_ok());
            for level in 0..len {
                let previous = if level == 0 { None } else { Some(good[level - 1].0) };
                let mut spoiled = vec![];
                for bad in [0.0, 0.5, f64::NAN, f64::INFINITY, -3.0, 9_007_199_254_740_992.0] {
                    spoiled.push((bad, good[level].1, "price"));
                    spoiled.push((good[level].0, bad, "size"));
                }
                if let Some(p) = previous {
                    spoiled.push((p, good[level].1, "order"));
                }
                for (price, size, what) in spoiled {
                    let mut levels = good.clone();
                    levels[level] = (price, size);
                    let err = plan(&mut r, 0.0, side, 1.0, None, &venues_with(&levels)).unwrap_err();
                    let (named_venue, named_level) = match err {
                        RouteError::LevelPrice { venue, level, .. }
                        | RouteError::LevelSize { venue, level, .. }
                        | RouteError::LevelOrder { venue, level, .. } => (venue, level),
                        other => panic!("{len} levels, level {level} {what}: {other:?}"),
                    };
                    // A bad price can also break the order of the level after it; the first failure is named.
                    let expected = (usize::from(lead > 0), lead + level);
                    assert_eq!(
                        (named_venue, named_level),
                        expected,
                        "{len} levels after {lead}, {what} at level {level}: {err:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn notional_is_summed_exactly_and_rounded_once() {
    // 7 @ 4545056977060382 and 4 @ 7428893372030649: the products and their
    // sum are past 2^53, where summing doubles rounds three times and lands
    // one unit (8) below the exact notional rounded once.
    let (p0, p1) = (4_545_056_977_060_382u64, 7_428_893_372_030_649u64);
    let exact = (u128::from(p0) * 7 + u128::from(p1) * 4) as f64;
    let summed_as_doubles = p0 as f64 * 7.0 + p1 as f64 * 4.0;
    assert_ne!(exact, summed_as_doubles);
    let mut r = Router::default();
    let out = plan(
        &mut r,
        0.0,
        1.0,
        11.0,
        None,
        &[venue(&[(p0 as f64, 7.0), (p1 as f64, 4.0)], 2.0, 0.0)],
    )
    .unwrap();
    assert_eq!(out[PLAN_HEADER + 3], exact / 11.0);
    assert_eq!(out[PLAN_HEADER + 4], exact * 2.0 / BASIS_POINTS);
}

/// A ticket of `venues`' capacity and as many pairs as they hold, plus `spare`.
fn ticket_of(side: f64, size: f64, limit: Option<f64>, venues: &[Venue], spare: usize) -> Vec<f64> {
    use super::ticket::{TICKET_HEADER, ticket_length};
    let a = arrays(venues);
    let (v, pairs) = (venues.len(), a.levels.len() / 2 + spare);
    let mut t = vec![0.0; ticket_length(v, pairs)];
    t[..TICKET_HEADER].copy_from_slice(&[
        0.0,
        side,
        size,
        f64::from(u8::from(limit.is_some())),
        limit.unwrap_or(0.0),
        v as f64,
        v as f64,
        pairs as f64,
    ]);
    for (i, &end) in a.ends.iter().enumerate() {
        t[TICKET_HEADER + i] = f64::from(end);
    }
    t[TICKET_HEADER + v..TICKET_HEADER + 4 * v].copy_from_slice(&a.costs);
    t[TICKET_HEADER + 4 * v..TICKET_HEADER + 4 * v + a.levels.len()].copy_from_slice(&a.levels);
    t
}

#[test]
fn a_ticket_routes_as_its_request_and_writes_only_its_plan() {
    let venues = [
        venue(&[(100.0, 5.0), (102.0, 10.0)], 1.0, 0.0),
        venue(&[(101.0, 3.0)], 0.0, 2.0),
    ];
    let expected = plan(&mut Router::default(), 0.0, 1.0, 9.0, Some(102.0), &venues).unwrap();
    let mut t = ticket_of(1.0, 9.0, Some(102.0), &venues, 2);
    let inputs = t[..t.len() - PLAN_HEADER - CHILD_FIELDS * 2].to_vec();
    let children = route_ticket(&mut Router::default(), &mut Vec::new(), &mut t).unwrap();
    assert_eq!(
        &t[t.len() - PLAN_HEADER - CHILD_FIELDS * 2..][..PLAN_HEADER + CHILD_FIELDS * children],
        &expected[..]
    );
    assert_eq!(&t[..inputs.len()], &inputs[..]);
}

#[test]
fn a_ticket_of_the_wrong_shape_is_refused_by_name() {
    let venues = [venue(&[(100.0, 5.0)], 1.0, 0.0), venue(&[(101.0, 3.0)], 0.0, 2.0)];
    let refusal = |spoil: &dyn Fn(&mut Vec<f64>)| {
        let mut t = ticket_of(1.0, 1.0, None, &venues, 0);
        spoil(&mut t);
        route_ticket(&mut Router::default(), &mut Vec::new(), &mut t)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        refusal(&|t| t.truncate(7)),
        "a route ticket must hold its 8-number header, got 7 numbers"
    );
    assert_eq!(
        refusal(&|t| t[7] = -0.5),
        "a route ticket's capacities must be integers from 0 to 16777216, got 2 venues and -0.5 level pairs"
    );
    assert_eq!(
        refusal(&|t| t.push(0.0)),
        "a route ticket for 2 venues and 2 level pairs must hold 33 numbers, got 34"
    );
    assert_eq!(
        refusal(&|t| t[5] = 2.5),
        "the route ticket's venue count must be an integer from 0 to its capacity 2, got 2.5"
    );
    assert_eq!(
        refusal(&|t| t[3] = 2.0),
        "the route ticket's limit flag must be 0 (market) or 1 (limit), got 2"
    );
    assert_eq!(
        refusal(&|t| t[9] = 3.0),
        "venueLevelEnds[1] must be an integer from 0 to the ticket's 2 level pairs, got 3"
    );
    assert_eq!(refusal(&|t| t[1] = 0.0), "side must be 1 (buy) or -1 (sell), got 0");
}
