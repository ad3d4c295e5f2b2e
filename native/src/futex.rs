//! Sleeping on a word of shared memory until another thread wakes it: the
//! kernel's futex, with nothing between the caller and the system call.
//!
//! V8's `Atomics.wait` and `notify` keep their own list of sleepers, each
//! behind a mutex and a condition variable, so one wake-up takes the waker
//! about twice the time of a bare `FUTEX_WAKE` (measured from Node on two
//! cores: ~9–11 against ~5–6 µs to wake a thread parked on the other core).
//! A sleeper here is woken only by [`wake`], and one in `Atomics.wait` only
//! by `Atomics.notify`: a waker that cannot know which kind sleeps does both.
//!
//! The words are private to the process (threads sharing a
//! `SharedArrayBuffer`), so the private futex operations do.

use std::sync::atomic::AtomicI32;

/// How a [`wait`] ended. A signal ends it as `Woken`: callers re-check
/// their word in any case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Waited {
    Woken = 0,
    NotEqual = 1,
    TimedOut = 2,
}

/// Sleeps while `word` holds `expected`, at most `timeout_ms` (not finite:
/// no limit, as `Atomics.wait` reads NaN and Infinity; negative: none).
#[cfg(target_os = "linux")]
pub fn wait(word: &AtomicI32, expected: i32, timeout_ms: f64) -> Waited {
    let timeout = timeout_ms.is_finite().then(|| {
        let ns = (timeout_ms.max(0.0) * 1e6) as i64;
        libc::timespec {
            tv_sec: ns / 1_000_000_000,
            tv_nsec: ns % 1_000_000_000,
        }
    });
    let timeout_ptr = timeout.as_ref().map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: a futex wait on an aligned word that outlives the call, with a
    // timespec (or null) that does too; the kernel only reads them.
    let result = unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
            expected,
            timeout_ptr,
        )
    };
    if result == 0 {
        return Waited::Woken;
    }
    match std::io::Error::last_os_error().raw_os_error() {
        Some(libc::EAGAIN) => Waited::NotEqual,
        Some(libc::ETIMEDOUT) => Waited::TimedOut,
        _ => Waited::Woken,
    }
}

/// Wakes up to `count` threads sleeping in [`wait`] on `word`; returns how many were.
#[cfg(target_os = "linux")]
pub fn wake(word: &AtomicI32, count: u32) -> u32 {
    // SAFETY: a futex wake on an aligned word; the kernel does not touch it.
    let woken = unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
            count.min(i32::MAX as u32) as i32,
        )
    };
    woken.max(0) as u32
}

/// Elsewhere there is no futex: the caller sleeps through its slice unless
/// the word already changed, which is correct, only slower, as every
/// caller sleeps in slices and re-checks.
#[cfg(not(target_os = "linux"))]
pub fn wait(word: &AtomicI32, expected: i32, timeout_ms: f64) -> Waited {
    if word.load(std::sync::atomic::Ordering::SeqCst) != expected {
        return Waited::NotEqual;
    }
    // At most 1 ms; NaN (no limit) reads as that too, where `clamp` would keep it.
    std::thread::sleep(std::time::Duration::from_secs_f64(timeout_ms.min(1.0).max(0.0) / 1e3));
    Waited::TimedOut
}

#[cfg(not(target_os = "linux"))]
pub fn wake(_word: &AtomicI32, _count: u32) -> u32 {
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::Ordering;
    use std::time::{Duration, Instant};

    #[test]
    fn a_changed_word_is_not_slept_on() {
        assert_eq!(wait(&AtomicI32::new(1), 0, 1000.0), Waited::NotEqual);
    }

    #[test]
    fn a_sleep_ends_at_its_timeout() {
        let start = Instant::now();
        assert_eq!(wait(&AtomicI32::new(0), 0, 5.0), Waited::TimedOut);
        assert!(start.elapsed() >= Duration::from_millis(5));
    }

    #[test]
    fn a_wake_ends_a_sleep_without_limit() {
        let word = Arc::new(AtomicI32::new(0));
        let sleeper = {
            let word = Arc::clone(&word);
            std::thread::spawn(move || wait(&word, 0, f64::INFINITY))
        };
        // Until the sleeper is in the kernel, a wake finds nobody: try again.
        let deadline = Instant::now() + Duration::from_secs(10);
        while wake(&word, 1) == 0 {
            assert!(Instant::now() < deadline, "the sleeper never slept");
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(sleeper.join().unwrap(), Waited::Woken);
    }

    #[test]
    fn a_wake_with_nobody_asleep_wakes_nobody() {
        let word = AtomicI32::new(0);
        word.store(1, Ordering::SeqCst);
        assert_eq!(wake(&word, u32::MAX), 0);
    }
}
