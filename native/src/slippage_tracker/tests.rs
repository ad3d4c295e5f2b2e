use super::*;

#[test]
fn an_order_across_two_venues() {
    let mut t = SlippageTracker::new(100.0).unwrap();
    assert_eq!(t.window_orders(), 100);
    t.record_arrival(7.0, 1.0, 1.0, 10_000.0).unwrap();
    assert_eq!(t.open_orders(), 1);
    t.record_fill(7.0, 0.0, 10_010.0, 100.0).unwrap();
    t.record_fill(7.0, 3.0, 10_030.0, 300.0).unwrap();
    // vwap 10_025 against 10_000: 25 bps; venue 0 alone 10 bps, venue 3 30 bps.
    assert_eq!(t.complete_order(7.0).unwrap(), Some(25.0));
    assert_eq!(t.open_orders(), 0);
    let p = t.instrument_percentiles(1.0).unwrap().unwrap();
    assert_eq!(
        p,
        ShortfallPercentiles {
            count: 1,
            p50_bps: 25.0,
            p95_bps: 25.0,
            p99_bps: 25.0
        }
    );
    assert_eq!(t.venue_percentiles(0.0, 1.0).unwrap().unwrap().p50_bps, 10.0);
    assert_eq!(t.venue_percentiles(3.0, 1.0).unwrap().unwrap().p99_bps, 30.0);
    assert_eq!(t.venue_percentiles(1.0, 1.0).unwrap(), None);
    assert_eq!(t.instrument_percentiles(2.0).unwrap(), None);
}

#[test]
fn an_order_without_fills_enters_no_window() {
    let mut t = SlippageTracker::new(4.0).unwrap();
    t.record_arrival(1.0, 0.0, -1.0, 100.0).unwrap();
    assert_eq!(t.complete_order(1.0).unwrap(), None);
    assert_eq!(t.instrument_percentiles(0.0).unwrap(), None);
    assert_eq!(
        t.complete_order(1.0).unwrap_err().to_string(),
        "order 1 has no arrival price (never recorded, or already completed)"
    );
}

#[test]
fn the_window_keeps_the_last_orders_and_ranks_them() {
    let mut t = SlippageTracker::new(100.0).unwrap();
    // Sells at arrival 10_000 filled at 10_000 - k: k bps each, k = 1..=120.
    for k in 1..=120 {
        let id = k as f64;
        t.record_arrival(id, 5.0, -1.0, 10_000.0).unwrap();
        t.record_fill(id, 2.0, 10_000.0 - id, 1.0).unwrap();
        t.complete_order(id).unwrap();
    }
    // The window holds 21..=120: rank ceil(q × 100 / 100) = q of those.
    // (119 / 10_000 × 10_000 is not exactly 119 in doubles.)
    let p = t.instrument_percentiles(5.0).unwrap().unwrap();
    let p99 = implementation_shortfall_bps(-1.0, 10_000.0, &[9_881.0, 1.0]).unwrap();
    assert_eq!(
        p,
        ShortfallPercentiles {
            count: 100,
            p50_bps: 70.0,
            p95_bps: 115.0,
            p99_bps: p99
        }
    );
    assert!((p99 - 119.0).abs() < 1e-12);
    assert_eq!(t.venue_percentiles(2.0, 5.0).unwrap().unwrap(), p);
}

#[test]
fn nearest_rank_on_a_small_window() {
    let mut sorted = Vec::new();
    // n = 3: ranks ceil(1.5) = 2, ceil(2.85) = 3, ceil(2.97) = 3.
    let p = percentiles(&mut sorted, &[3.0, -1.0, 2.0]);
    assert_eq!(
        p,
        ShortfallPercentiles {
            count: 3,
            p50_bps: 2.0,
            p95_bps: 3.0,
            p99_bps: 3.0
        }
    );
}

#[test]
fn rejects_bad_calls_with_their_text() {
    assert_eq!(
        SlippageTracker::new(0.0).unwrap_err().to_string(),
        "windowOrders must be an integer from 1 to 1048576, got 0"
    );
    let mut t = SlippageTracker::new(10.0).unwrap();
    let text = |r: Result<(), TrackerError>| r.unwrap_err().to_string();
    assert_eq!(
        text(t.record_arrival(-1.0, 0.0, 1.0, 1.0)),
        "orderId must be an integer from 0 to 9007199254740991, got -1"
    );
    assert_eq!(
        text(t.record_arrival(1.0, 0.5, 1.0, 1.0)),
        "instrumentId must be an integer from 0 to 4294967295, got 0.5"
    );
    assert_eq!(
        text(t.record_arrival(1.0, 0.0, 0.0, 1.0)),
        "side must be 1 (buy) or -1 (sell), got 0"
    );
    assert_eq!(
        text(t.record_arrival(1.0, 0.0, 1.0, 0.0)),
        "arrivalPriceTicks must be a positive integer no greater than 9007199254740991, got 0"
    );
    t.record_arrival(1.0, 0.0, 1.0, 1.0).unwrap();
    assert_eq!(
        text(t.record_arrival(1.0, 0.0, 1.0, 1.0)),
        "order 1 already has an arrival price"
    );
    assert_eq!(
        text(t.record_fill(1.0, 65_536.0, 1.0, 1.0)),
        "venueId must be an integer from 0 to 65535, got 65536"
    );
    assert_eq!(
        text(t.record_fill(1.0, 0.0, f64::INFINITY, 1.0)),
        "priceTicks must be a positive integer no greater than 9007199254740991, got Infinity"
    );
    assert_eq!(
        text(t.record_fill(1.0, 0.0, 1.0, 0.0)),
        "sizeLots must be a positive integer no greater than 9007199254740991, got 0"
    );
    assert_eq!(
        text(t.record_fill(2.0, 0.0, 1.0, 1.0)),
        "order 2 has no arrival price (never recorded, or already completed)"
    );
}

#[test]
fn a_notional_beyond_exact_closes_the_order_with_the_shortfall_error() {
    let mut t = SlippageTracker::new(10.0).unwrap();
    let max = MAX_EXACT as f64;
    t.record_arrival(1.0, 0.0, 1.0, 1.0).unwrap();
    t.record_fill(1.0, 0.0, max, 1.0).unwrap();
    t.record_fill(1.0, 0.0, 1.0, 1.0).unwrap();
    assert_eq!(
        t.complete_order(1.0).unwrap_err().to_string(),
        "fills notional (sum of priceTicks * qtyLots) exceeds 9007199254740991 at fill 1, beyond exact arithmetic"
    );
    assert_eq!(t.open_orders(), 0);
}

/// A tracker with open orders, and windows that have wrapped and not.
fn busy_tracker() -> SlippageTracker {
    let mut t = SlippageTracker::new(4.0).unwrap();
    for k in 1..=6 {
        let id = f64::from(k);
        t.record_arrival(id, 1.0, 1.0, 10_000.0).unwrap();
        t.record_fill(id, 2.0, 10_000.0 + id, 3.0).unwrap();
        if k % 2 == 0 {
            t.record_fill(id, 5.0, 10_010.0, 1.0).unwrap();
        }
        t.complete_order(id).unwrap();
    }
    t.record_arrival(40.0, 0.0, -1.0, 500.0).unwrap();
    t.record_fill(40.0, 7.0, 499.0, 2.0).unwrap();
    t.record_arrival(9.0, 1.0, 1.0, 700.0).unwrap();
    t
}

#[test]
fn a_state_read_back_is_the_same_tracker() {
    let mut before = busy_tracker();
    let state = before.export_state();
    let mut after = SlippageTracker::new(4.0).unwrap();
    after.import_state(&state).unwrap();
    assert_eq!(after.export_state(), state);
    assert_eq!(after.open_orders(), 2);
    // It goes on as the first would: the next figure drops the oldest of a full window.
    for t in [&mut before, &mut after] {
        t.record_fill(9.0, 2.0, 707.0, 1.0).unwrap();
        t.complete_order(9.0).unwrap();
        t.complete_order(40.0).unwrap();
    }
    assert_eq!(after.export_state(), before.export_state());
    assert_eq!(
        after.instrument_percentiles(1.0).unwrap(),
        before.instrument_percentiles(1.0).unwrap()
    );
    assert_eq!(
        after.venue_percentiles(5.0, 1.0).unwrap(),
        before.venue_percentiles(5.0, 1.0).unwrap()
    );
}

#[test]
fn a_state_that_does_not_fit_is_refused_whole() {
    let state = busy_tracker().export_state();
    let mut t = SlippageTracker::new(4.0).unwrap();
    t.record_arrival(1.0, 0.0, 1.0, 100.0).unwrap();
    let refused = |t: &mut SlippageTracker, s: &[f64]| t.import_state(s).unwrap_err().to_string();
    assert_eq!(
        refused(&mut t, &state[..state.len() - 1]),
        format!("tracker state is malformed at index {}", state.len() - 1)
    );
    let mut version = state.clone();
    version[0] = 2.0;
    assert_eq!(refused(&mut t, &version), "tracker state is malformed at index 0");
    let mut side = state.clone();
    side[5] = 0.5;
    assert_eq!(refused(&mut t, &side), "tracker state is malformed at index 5");
    let mut longer = state.clone();
    longer.push(0.0);
    assert_eq!(
        refused(&mut t, &longer),
        format!("tracker state is malformed at index {}", state.len())
    );
    let mut negative_zero = state.clone();
    *negative_zero.last_mut().unwrap() = -0.0;
    assert_eq!(
        refused(&mut t, &negative_zero),
        format!("tracker state is malformed at index {}", state.len() - 1)
    );
    assert_eq!(
        refused(&mut SlippageTracker::new(8.0).unwrap(), &state),
        "tracker state has windows of 4 orders, this tracker keeps 8"
    );
    // Nothing of a refused state was taken.
    assert_eq!(t.open_orders(), 1);
}
