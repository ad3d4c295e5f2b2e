//! Formats an `f64` exactly as JavaScript's `String(number)` does.
//!
//! Error messages quote the offending value, and the TypeScript fallback
//! builds the same messages with template literals; callers (and the tests)
//! compare the two implementations' messages byte for byte. Rust's own
//! `Display` differs from JS (`inf`, `-0`, `1000000000000000000000` for
//! 1e21, `0.0000001` for 1e-7), so the ECMAScript rules are applied here.

use std::fmt::Write;

/// The digits `s` and decimal exponent of a positive finite `x` as ECMA-262
/// picks them: as few digits as round-trip, then the ones closest to `x`,
/// then on a tie the even one.
fn ecma_digits(x: f64) -> (String, i32) {
    // `{:e}` without a precision gives the fewest digits that round-trip,
    // nearest to `x`, but breaks a tie between two such strings its own way
    // (1115438500768171.25 prints as ...171.3 where JS prints ...171.2).
    let shortest = format!("{x:e}");
    let k = split_scientific(&shortest).0.len();
    // Formatting to exactly k significant digits rounds the exact binary
    // value, ties to even: the closest k-digit string. When it round-trips it
    // is the one ECMA-262 asks for; it may not at a power of two, whose
    // rounding interval is lopsided, and then the shortest one is.
    let nearest = format!("{x:.prec$e}", prec = k - 1);
    let chosen = if nearest.parse::<f64>() == Ok(x) {
        nearest
    } else {
        shortest
    };
    split_scientific(&chosen)
}

/// `"1.2345e3"` as `("12345", 3)`, dropping trailing zeros of the digits.
fn split_scientific(sci: &str) -> (String, i32) {
    let (mantissa, exponent) = sci.split_once('e').expect("`{:e}` always has an exponent");
    let mut digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    (digits, exponent.parse().expect("`{:e}` exponent is an integer"))
}

/// `Number::toString(x)` with radix 10 (ECMA-262, 6.1.6.1.20).
pub fn to_js_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x == 0.0 {
        // Both zeros print as "0" in JS.
        return "0".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    let (digits, exponent) = ecma_digits(x.abs());
    let k = digits.len() as i32;
    // ECMA-262 names the decimal point position `n`: value = 0.digits × 10^n.
    let n = exponent + 1;

    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        let (int_part, frac_part) = digits.split_at(n as usize);
        out.push_str(int_part);
        out.push('.');
        out.push_str(frac_part);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let e = n - 1;
        let sign = if e < 0 { '-' } else { '+' };
        write!(out, "e{sign}{}", e.abs()).expect("writing to a String cannot fail");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_js_string;

    #[test]
    fn special_values() {
        assert_eq!(to_js_string(f64::NAN), "NaN");
        assert_eq!(to_js_string(0.0), "0");
        assert_eq!(to_js_string(-0.0), "0");
        assert_eq!(to_js_string(f64::INFINITY), "Infinity");
        assert_eq!(to_js_string(f64::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn integers_stay_plain_up_to_1e21() {
        assert_eq!(to_js_string(1.0), "1");
        assert_eq!(to_js_string(-1.0), "-1");
        assert_eq!(to_js_string(9_007_199_254_740_991.0), "9007199254740991");
        assert_eq!(to_js_string(9_007_199_254_740_992.0), "9007199254740992");
        assert_eq!(to_js_string(1e20), "100000000000000000000");
        assert_eq!(to_js_string(123_456_789_012_345_680_000.0), "123456789012345680000");
        assert_eq!(to_js_string(1e21), "1e+21");
        assert_eq!(to_js_string(1.5e21), "1.5e+21");
    }

    #[test]
    fn fractions() {
        assert_eq!(to_js_string(0.1), "0.1");
        assert_eq!(to_js_string(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(to_js_string(1.5), "1.5");
        assert_eq!(to_js_string(-123.456), "-123.456");
        assert_eq!(to_js_string(0.000001), "0.000001");
        assert_eq!(to_js_string(0.0000015), "0.0000015");
        assert_eq!(to_js_string(1e-7), "1e-7");
        assert_eq!(to_js_string(1.5e-7), "1.5e-7");
    }

    #[test]
    fn extremes() {
        assert_eq!(to_js_string(f64::MAX), "1.7976931348623157e+308");
        assert_eq!(to_js_string(f64::MIN_POSITIVE), "2.2250738585072014e-308");
        assert_eq!(to_js_string(5e-324), "5e-324");
        assert_eq!(to_js_string(-5e-324), "-5e-324");
    }

    #[test]
    // The literals are exact doubles (the spacing there is 1/8); the extra
    // digit is the point of the test.
    #[allow(clippy::excessive_precision)]
    fn ties_between_shortest_strings_go_to_even() {
        // Exactly ...171.25: both ...171.2 and ...171.3 round-trip, equally near.
        assert_eq!(to_js_string(-1_115_438_500_768_171.25), "-1115438500768171.2");
        assert_eq!(to_js_string(1_115_438_500_768_171.75), "1115438500768171.8");
    }

    #[test]
    fn powers_of_two_keep_the_shortest_digits() {
        assert_eq!(to_js_string(2f64.powi(60)), "1152921504606847000");
        assert_eq!(to_js_string(2f64.powi(-30)), "9.313225746154785e-10");
        assert_eq!(to_js_string(2f64.powi(100)), "1.2676506002282294e+30");
        assert_eq!(to_js_string(f64::from_bits(1)), "5e-324");
    }
}
