//! The checks of every level of every venue's side: each price and size
//! an integer in `1..=MAX_EXACT`, and prices strictly in the side's order
//! (rising asks for a buy, falling bids for a sell). Plain Rust, and the
//! same in AVX2 and AVX-512 for the CPUs that have them.

use crate::slippage::MAX_EXACT;

/// `2^52`: from here up every double is an integer.
const TWO_POW_52: f64 = 4_503_599_627_370_496.0;

/// Whether `v` is an integer in `1..=MAX_EXACT`. Below `2^52`, adding and
/// subtracting `2^52` rounds `v` to an integer (round to nearest), so `v` is
/// one exactly when it comes back unchanged: plain double operations with
/// no branch, where `trunc` is a libm call on baseline x86-64. NaN fails
/// every comparison.
#[inline]
pub(super) fn is_positive_exact(v: f64) -> bool {
    (v >= 1.0) & (v <= MAX_EXACT as f64) & ((v >= TWO_POW_52) | ((v + TWO_POW_52) - TWO_POW_52 == v))
}

/// Whether one venue's `[price, size]` pairs pass their checks.
fn side_ok(levels: &[f64], side: f64) -> bool {
    let mut ok = true;
    for &v in levels {
        ok &= is_positive_exact(v);
    }
    // The odd lanes are sizes, which have no order.
    for pair in levels.windows(3).step_by(2) {
        ok &= side * pair[2] > side * pair[0];
    }
    ok
}

/// Whether every venue's side passes its checks: one pass with no early
/// exit. Books are almost always valid; when one is not, the scalar walk in
/// `validate` finds the first failing check to name it. `ends` must be
/// non-decreasing and within `levels`, as `validate` has checked.
///
/// The widest vectors the CPU has: checking is most of a decision's time,
/// the one step that reads every level of every venue.
pub(super) fn sides_ok(levels: &[f64], ends: &[u32], side: f64) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F, checked just above.
            return unsafe { sides_ok_avx512(levels, ends, side) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            return unsafe { sides_ok_avx2(levels, ends, side) };
        }
    }
    sides_ok_scalar(levels, ends, side)
}

fn sides_ok_scalar(levels: &[f64], ends: &[u32], side: f64) -> bool {
    let mut start = 0;
    let mut ok = true;
    for &end in ends {
        ok &= side_ok(&levels[2 * start..2 * end as usize], side);
        start = end as usize;
    }
    ok
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn sides_ok_avx2(levels: &[f64], ends: &[u32], side: f64) -> bool {
    // SAFETY: the caller's promise of AVX2.
    unsafe {
        if side > 0.0 {
            sides_ok_avx2_in::<true>(levels, ends)
        } else {
            sides_ok_avx2_in::<false>(levels, ends)
        }
    }
}

/// [`sides_ok`] four doubles (two pairs) at a time. Left to itself the
/// compiler vectorizes the scalar loops poorly (the stride-two order test).
/// Written out:
/// - the lanes that pass are gathered with `and` into accumulators taking
///   turns, so no step waits for the one before, in the floating-point
///   domain (measured faster than the integer `and`); the size lanes of the
///   order test, which compare sizes, are masked off once at the end;
/// - the comparisons that can be are made on the doubles' bits as
///   integers, which spares the floating-point pipes the checks saturate
///   (200 → 180 ns over 400 levels on the bench's machine): two values
///   passing the clamp are equal exactly when their bits are, and prices
///   already in `1..=MAX_EXACT` are ordered as their bits are;
/// - a venue's last pairs are checked by one more step placed to end where
///   the venue does, overlapping the steps before it (checking a pair twice
///   is harmless), rather than by a scalar tail;
/// - every venue in one call, so the setup is paid once.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn sides_ok_avx2_in<const RISING: bool>(levels: &[f64], ends: &[u32]) -> bool {
    use std::arch::x86_64::*;
    let one = _mm256_set1_pd(1.0);
    let max = _mm256_set1_pd(MAX_EXACT as f64);
    let all = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
    // Set in the size lanes: only prices have an order.
    let sizes = _mm256_castsi256_pd(_mm256_set_epi64x(-1, 0, -1, 0));
    // Lanes that are their own clamp to 1..=MAX_EXACT, rounded. NaN clamps
    // to a number, so it fails; so does anything out of range.
    let exact = |pairs: __m256d| {
        let clamped = _mm256_max_pd(_mm256_min_pd(pairs, max), one);
        let rounded = _mm256_round_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(clamped);
        _mm256_castsi256_pd(_mm256_cmpeq_epi64(
            _mm256_castpd_si256(rounded),
            _mm256_castpd_si256(pairs),
        ))
    };
    // Price lanes beyond the one before them, compared as bits: a lane that
    // is not exact fails above whatever this says of it.
    let ordered = |pairs: __m256d, following: __m256d| {
        let (p, f) = (_mm256_castpd_si256(pairs), _mm256_castpd_si256(following));
        _mm256_castsi256_pd(if RISING {
            _mm256_cmpgt_epi64(f, p)
        } else {
            _mm256_cmpgt_epi64(p, f)
        })
    };
    let (mut whole, mut whole_too, mut sorted, mut sorted_too) = (all, all, all, all);
    let mut ok = true;
    let mut start = 0usize;
    for &end in ends {
        let venue = &levels[2 * start..2 * end as usize];
        start = end as usize;
        let (n, at) = (venue.len(), venue.as_ptr());
        if n < 6 {
            ok &= side_ok(venue, if RISING { 1.0 } else { -1.0 });
            continue;
        }
        // SAFETY: every load reads four doubles within `venue`: a step at
        // `i` reads `i..i + 6`, and `i + 6 <= n` for each.
        unsafe {
            let load = |i: usize| _mm256_loadu_pd(at.add(i));
            let mut i = 0;
            while i + 10 <= n {
                let (a, b, c) = (load(i), load(i + 2), load(i + 4));
                whole = _mm256_and_pd(whole, exact(a));
                sorted = _mm256_and_pd(sorted, ordered(a, b));
                whole_too = _mm256_and_pd(whole_too, exact(c));
                sorted_too = _mm256_and_pd(sorted_too, ordered(c, load(i + 6)));
                i += 8;
            }
            if i + 6 <= n {
                whole = _mm256_and_pd(whole, exact(load(i)));
                sorted = _mm256_and_pd(sorted, ordered(load(i), load(i + 2)));
            }
            // The last two pairs' order and the three before the last's
            // checks, then the last two pairs' own checks.
            whole_too = _mm256_and_pd(whole_too, exact(load(n - 6)));
            sorted_too = _mm256_and_pd(sorted_too, ordered(load(n - 6), load(n - 4)));
            whole = _mm256_and_pd(whole, exact(load(n - 4)));
        }
    }
    // Every lane exact, and every price lane sorted.
    let sorted = _mm256_or_pd(_mm256_and_pd(sorted, sorted_too), sizes);
    let passed = _mm256_and_pd(_mm256_and_pd(whole, whole_too), sorted);
    ok & (_mm256_movemask_pd(passed) == 0b1111)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn sides_ok_avx512(levels: &[f64], ends: &[u32], side: f64) -> bool {
    // SAFETY: the caller's promise of AVX-512F.
    unsafe {
        if side > 0.0 {
            sides_ok_avx512_in::<true>(levels, ends)
        } else {
            sides_ok_avx512_in::<false>(levels, ends)
        }
    }
}

/// [`sides_ok`] eight doubles (four pairs) at a time, every test in the
/// vector registers and nothing compared into a mask register until the
/// end: comparisons into masks issue one a cycle on the bench's core, and
/// with four of them a vector they set the pace. Here a vector takes six
/// operations that spread over the vector pipes (on a core that runs
/// 512-bit operations as two 256-bit halves, the gain is in the
/// operations, not the width):
/// - a lane passes when it is its own rounding clamped to `1..=MAX_EXACT`,
///   the clamp taken on the bits as unsigned integers (positive doubles
///   order as their bits do; a negative's bits lie above every positive's,
///   NaN's above infinity's), and any bit where the two differ is ored
///   into an accumulator that must end at zero;
/// - a price lane passes the order test when its bits minus the following
///   price's are negative (rising; the other way round for a falling
///   side), anded into an accumulator whose price lanes' sign bits must
///   end set; a lane that is no valid price fails the test above whatever
///   this one says, and the size lanes' results are ignored;
/// - each venue's last, partial vector is loaded under a mask, with 1 in
///   its missing lanes (which passes) and, in the following-price vector,
///   a value beyond every price in the side's order (infinity's bits for a
///   rising side, 0's for a falling one), so no scalar tail and no load
///   past the venue's end.
///
/// The checks of the bench's 400 levels took 125 ns in Rust alone with the
/// tests compared into masks, 114 ns like this; from Node the router went
/// from 3.25–3.26 to 3.49–3.59 M decisions/s in runs in turns.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn sides_ok_avx512_in<const RISING: bool>(levels: &[f64], ends: &[u32]) -> bool {
    use std::arch::x86_64::*;
    let one = _mm512_set1_pd(1.0);
    let (one_bits, max_bits) = (
        _mm512_set1_epi64(1f64.to_bits() as i64),
        _mm512_set1_epi64((MAX_EXACT as f64).to_bits() as i64),
    );
    let past_the_end = _mm512_set1_pd(if RISING { f64::INFINITY } else { 0.0 });
    // Ors in the bits where a lane differs from its own rounding clamped to 1..=MAX_EXACT.
    let off = |acc: __m512i, pairs: __m512d| -> __m512i {
        let bits = _mm512_castpd_si512(pairs);
        let rounded = _mm512_castpd_si512(_mm512_roundscale_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(pairs));
        let clamped = _mm512_max_epu64(_mm512_min_epu64(rounded, max_bits), one_bits);
        // acc | (clamped ^ bits), in one operation
        _mm512_ternarylogic_epi64::<0xF6>(acc, clamped, bits)
    };
    // Ands in, per price lane, its bits minus the following price's (the other way round
    // for a falling side): negative while each price is beyond the one before it.
    let ordered = |acc: __m512i, pairs: __m512d, following: __m512d| -> __m512i {
        let (p, f) = (_mm512_castpd_si512(pairs), _mm512_castpd_si512(following));
        _mm512_and_si512(acc, if RISING { _mm512_sub_epi64(p, f) } else { _mm512_sub_epi64(f, p) })
    };
    let zero = _mm512_setzero_si512();
    let all = _mm512_set1_epi64(-1);
    // Two of each, taking turns, so no step waits on the one before.
    let (mut bad, mut bad_too, mut sorted, mut sorted_too) = (zero, zero, all, all);
    let mut start = 0usize;
    for &end in ends {
        let venue = &levels[2 * start..2 * end as usize];
        start = end as usize;
        let (n, at) = (venue.len(), venue.as_ptr());
        let mut i = 0;
        // SAFETY: each full load reads eight doubles at `i..i + 8` or
        // `i + 2..i + 10` within `venue` (`i + 18 <= n` for the second
        // pair of vectors); a masked load reads only its mask's lanes, which
        // lie within `venue`, and its address is at most one past the end.
        unsafe {
            let load = |i: usize| _mm512_loadu_pd(at.add(i));
            while i + 18 <= n {
                let (a, c) = (load(i), load(i + 8));
                bad = off(bad, a);
                sorted = ordered(sorted, a, load(i + 2));
                bad_too = off(bad_too, c);
                sorted_too = ordered(sorted_too, c, load(i + 10));
                i += 16;
            }
            while i < n {
                let lanes = |count: usize| (((1u32 << count.min(8)) - 1) & 0xff) as __mmask8;
                let pairs = _mm512_mask_loadu_pd(one, lanes(n - i), at.add(i));
                let following = _mm512_mask_loadu_pd(past_the_end, lanes(n - i - 2), at.add(i + 2));
                bad = off(bad, pairs);
                sorted = ordered(sorted, pairs, following);
                i += 8;
            }
        }
    }
    let exact = _mm512_test_epi64_mask(_mm512_or_si512(bad, bad_too), all) == 0;
    let signs = _mm512_cmplt_epi64_mask(_mm512_and_si512(sorted, sorted_too), zero);
    exact && (signs | 0b1010_1010) == 0xff
}

#[cfg(test)]
mod tests {
    use super::*;

    type SidesOk = fn(&[f64], &[u32], f64) -> bool;

    /// Every implementation this CPU runs: each is checked, not only the
    /// one [`sides_ok`] picks here.
    fn implementations() -> Vec<(&'static str, SidesOk)> {
        let mut found: Vec<(&'static str, SidesOk)> = vec![("scalar", sides_ok_scalar)];
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2.
                found.push(("avx2", |l, e, s| unsafe { sides_ok_avx2(l, e, s) }));
            }
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU has AVX-512F.
                found.push(("avx512", |l, e, s| unsafe { sides_ok_avx512(l, e, s) }));
            }
        }
        found
    }

    /// A venue's side of `len` levels in the order of `side`, then the ends
    /// of an optional leading venue of 3 levels priced the other way round
    /// (its order with the next venue is not checked) and of this one.
    fn book(len: usize, side: f64, lead: bool) -> (Vec<f64>, Vec<u32>) {
        let mut levels = vec![];
        let mut ends = vec![];
        if lead {
            for l in 0..3 {
                levels.extend([
                    if side > 0.0 {
                        90_000.0 + l as f64
                    } else {
                        10.0 - l as f64
                    },
                    7.0,
                ]);
            }
            ends.push(3);
        }
        for l in 0..len {
            levels.extend([50_000.0 + side * 3.0 * l as f64, 1.0 + l as f64]);
        }
        ends.push((levels.len() / 2) as u32);
        (levels, ends)
    }

    #[test]
    fn every_lane_of_every_length_is_checked_by_every_implementation() {
        let bad = [
            0.0,
            -0.0,
            0.5,
            1e-310,
            f64::NAN,
            f64::INFINITY,
            -3.0,
            9_007_199_254_740_992.0,
            1e300,
        ];
        for (name, sides_ok) in implementations() {
            for (side, lead, len) in [1.0, -1.0]
                .into_iter()
                .flat_map(|side| [false, true].into_iter().map(move |lead| (side, lead)))
                .flat_map(|(side, lead)| (1..=40usize).map(move |len| (side, lead, len)))
            {
                let (good, ends) = book(len, side, lead);
                assert!(
                    sides_ok(&good, &ends, side),
                    "{name}: {len} good levels, side {side}, lead {lead}"
                );
                let first = if lead { 6 } else { 0 };
                for lane in first..good.len() {
                    for value in bad {
                        let mut levels = good.clone();
                        levels[lane] = value;
                        assert!(
                            !sides_ok(&levels, &ends, side),
                            "{name}: {value} in lane {lane} of {len} levels"
                        );
                    }
                    if lane >= first + 2 && lane % 2 == 0 {
                        // A price level with the one before it, or behind it.
                        for behind in [0.0, side] {
                            let mut levels = good.clone();
                            levels[lane] = levels[lane - 2] - behind;
                            assert!(
                                !sides_ok(&levels, &ends, side),
                                "{name}: price in lane {lane} of {len} not beyond"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn venues_of_every_length_side_by_side_pass() {
        for (name, sides_ok) in implementations() {
            for side in [1.0, -1.0] {
                let (mut levels, mut ends) = (vec![], vec![]);
                for len in 0..=24usize {
                    // Each venue starts back at the same price: only within a venue is order checked.
                    for l in 0..len {
                        levels.extend([1_000.0 + side * l as f64, 2.0]);
                    }
                    ends.push((levels.len() / 2) as u32);
                }
                assert!(sides_ok(&levels, &ends, side), "{name}, side {side}");
                // Sizes have no order.
                levels.iter_mut().skip(1).step_by(4).for_each(|size| *size = 9.0);
                assert!(sides_ok(&levels, &ends, side), "{name}, side {side}, sizes unordered");
            }
        }
    }
}
