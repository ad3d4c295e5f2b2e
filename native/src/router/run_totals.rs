//! The lots and the notional of a run of levels, in one pass.
//!
//! A run is usually a venue's whole side, and usually the parent takes all
//! of it: one pass summing both lets the merge take the run whole at once,
//! where a level-by-level walk waits on what remains at every level, and
//! leaves no second pass over the levels to price the child.
//!
//! Both sums are in doubles, so neither is trusted blindly:
//! - sizes are positive integers, so the lots sum is exact exactly when it
//!   comes out below 2^53: rounding is monotone, so a partial sum that
//!   reached 2^53 leaves every sum after it at 2^53 or more;
//! - the notional is exact when the largest price times the lots is below
//!   2^53, which the caller tests once the child is complete, and sums in
//!   `u128` when it is not.

/// `(lots, notional)` of `pairs`, `[priceTicks, sizeLots]` pairs of checked
/// integers, summed in doubles in an unspecified order: see the module's
/// note on when each is exact.
#[inline]
pub(super) fn run_totals(pairs: &[f64]) -> (f64, f64) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F, checked just above.
            return unsafe { run_totals_avx512(pairs) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            return unsafe { run_totals_avx2(pairs) };
        }
    }
    run_totals_scalar(pairs)
}

fn run_totals_scalar(pairs: &[f64]) -> (f64, f64) {
    let (mut lots, mut notional) = (0.0, 0.0);
    for pair in pairs.chunks_exact(2) {
        lots += pair[1];
        notional += pair[0] * pair[1];
    }
    (lots, notional)
}

/// [`run_totals`] two pairs a vector. A vector `[p0, s0, p1, s1]` adds into
/// an accumulator whose odd lanes sum the sizes (the even lanes sum prices,
/// unused), and times itself with each pair's halves swapped into one whose
/// lanes all hold `price × size` products (each twice; the even lanes are
/// read). Four accumulators of each take turns, so the adds do not wait on
/// each other.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn run_totals_avx2(pairs: &[f64]) -> (f64, f64) {
    use std::arch::x86_64::*;
    let (n, at) = (pairs.len(), pairs.as_ptr());
    let zero = _mm256_setzero_pd();
    let (mut sums, mut products) = ([zero; 4], [zero; 4]);
    let mut add = |k: usize, pair: __m256d| {
        sums[k] = _mm256_add_pd(sums[k], pair);
        products[k] = _mm256_add_pd(products[k], _mm256_mul_pd(pair, _mm256_permute_pd::<0b0101>(pair)));
    };
    let mut i = 0;
    // SAFETY: every load reads four doubles at `i + 4k`, with `i + 4k + 4 <= n`.
    unsafe {
        while i + 16 <= n {
            for k in 0..4 {
                add(k, _mm256_loadu_pd(at.add(i + 4 * k)));
            }
            i += 16;
        }
        let mut k = 0;
        while i + 4 <= n {
            add(k, _mm256_loadu_pd(at.add(i)));
            (i, k) = (i + 4, k + 1);
        }
    }
    let sum = _mm256_add_pd(_mm256_add_pd(sums[0], sums[1]), _mm256_add_pd(sums[2], sums[3]));
    let product = _mm256_add_pd(
        _mm256_add_pd(products[0], products[1]),
        _mm256_add_pd(products[2], products[3]),
    );
    let (mut s, mut p) = ([0.0f64; 4], [0.0f64; 4]);
    // SAFETY: four doubles into four doubles.
    unsafe {
        _mm256_storeu_pd(s.as_mut_ptr(), sum);
        _mm256_storeu_pd(p.as_mut_ptr(), product);
    }
    let (tail_lots, tail_notional) = run_totals_scalar(&pairs[i..]);
    (s[1] + s[3] + tail_lots, p[0] + p[2] + tail_notional)
}

/// [`run_totals`] four pairs a vector, as [`run_totals_avx2`] does two,
/// with the product added in the same operation (fused: one rounding,
/// where the notional is exact exactly when the module's note says, as
/// before) and the last, partial vector loaded under a mask with zeros,
/// which add nothing.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn run_totals_avx512(pairs: &[f64]) -> (f64, f64) {
    use std::arch::x86_64::*;
    let (n, at) = (pairs.len(), pairs.as_ptr());
    let zero = _mm512_setzero_pd();
    let (mut sums, mut products) = ([zero; 2], [zero; 2]);
    let mut add = |k: usize, pair: __m512d| {
        sums[k] = _mm512_add_pd(sums[k], pair);
        products[k] = _mm512_fmadd_pd(pair, _mm512_permute_pd::<0b0101_0101>(pair), products[k]);
    };
    let mut i = 0;
    // SAFETY: every full load reads eight doubles at `i..i + 8` within
    // `pairs`; the masked one reads only its lanes below `n`, its address at
    // most one past the end.
    unsafe {
        while i + 16 <= n {
            add(0, _mm512_loadu_pd(at.add(i)));
            add(1, _mm512_loadu_pd(at.add(i + 8)));
            i += 16;
        }
        while i < n {
            let lanes = ((1u32 << (n - i).min(8)) - 1) as __mmask8;
            add(0, _mm512_maskz_loadu_pd(lanes, at.add(i)));
            i += 8;
        }
    }
    let (sum, product) = (_mm512_add_pd(sums[0], sums[1]), _mm512_add_pd(products[0], products[1]));
    let (mut s, mut p) = ([0.0f64; 8], [0.0f64; 8]);
    // SAFETY: eight doubles into eight doubles.
    unsafe {
        _mm512_storeu_pd(s.as_mut_ptr(), sum);
        _mm512_storeu_pd(p.as_mut_ptr(), product);
    }
    ((s[1] + s[3]) + (s[5] + s[7]), (p[0] + p[2]) + (p[4] + p[6]))
}

#[cfg(test)]
mod tests {
    use super::*;

    type RunTotals = fn(&[f64]) -> (f64, f64);

    /// Every implementation this CPU runs, each checked by the tests.
    fn implementations() -> Vec<(&'static str, RunTotals)> {
        let mut found: Vec<(&'static str, RunTotals)> = vec![("dispatched", run_totals), ("scalar", run_totals_scalar)];
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2.
                found.push(("avx2", |pairs| unsafe { run_totals_avx2(pairs) }));
            }
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU has AVX-512F.
                found.push(("avx512", |pairs| unsafe { run_totals_avx512(pairs) }));
            }
        }
        found
    }

    /// Pairs of every length up to 40, with prices and sizes that make a
    /// misplaced lane, a pair read twice or one left out show in the sums.
    #[test]
    fn sums_every_pair_once_at_every_length() {
        for len in 0..=40usize {
            let pairs: Vec<f64> = (0..len)
                .flat_map(|l| [1_000.0 + 7.0 * l as f64, 1.0 + (l * l) as f64])
                .collect();
            let lots: f64 = (0..len).map(|l| 1.0 + (l * l) as f64).sum();
            let notional: f64 = (0..len)
                .map(|l| (1_000.0 + 7.0 * l as f64) * (1.0 + (l * l) as f64))
                .sum();
            for (name, run_totals) in implementations() {
                assert_eq!(run_totals(&pairs), (lots, notional), "{len} pairs, {name}");
            }
        }
    }

    /// Sizes summing past 2^53 come out at 2^53 or more, never below it.
    #[test]
    fn lots_past_two_pow_53_never_come_out_below_it() {
        let max = crate::slippage::MAX_EXACT as f64;
        for len in 2..=12usize {
            let pairs: Vec<f64> = (0..len)
                .flat_map(|l| [1.0 + l as f64, if l == 0 { max } else { 1.0 }])
                .collect();
            for (name, run_totals) in implementations() {
                assert!(run_totals(&pairs).0 >= super::super::EXACT_BELOW, "{len} pairs, {name}");
            }
        }
    }
}
