use std::sync::atomic::AtomicI32;

use napi::bindgen_prelude::Int32ArraySlice;
use napi_derive::napi;

use crate::futex;

/// Word `index` of `words`, to be touched only atomically.
fn word_of<'a>(words: &'a mut Int32ArraySlice<'_>, index: u32) -> napi::Result<&'a AtomicI32> {
    // SAFETY: the slice is used only to find the word's address; the word
    // itself is then read by the kernel or atomically, as other threads
    // write it (a SharedArrayBuffer's words are touched through Atomics).
    let slice = unsafe { words.as_mut() };
    let len = slice.len();
    let Some(word) = slice.get_mut(index as usize) else {
        return Err(super::invalid_arg(format!("word {index} is past the end of an Int32Array of {len}")));
    };
    // SAFETY: an aligned i32 of an array the caller holds for the call.
    Ok(unsafe { AtomicI32::from_ptr(word) })
}

/// Sleeps while `words[index]` holds `expected`, at most `timeoutMs`
/// (Infinity or NaN: no limit). 0: woken (or a signal), 1: not equal, 2:
/// timed out. Woken only by `futexWake`. The thread cannot be terminated
/// while it sleeps: sleep in slices.
#[napi]
pub fn futex_wait(mut words: Int32ArraySlice<'_>, index: u32, expected: i32, timeout_ms: f64) -> napi::Result<u32> {
    Ok(futex::wait(word_of(&mut words, index)?, expected, timeout_ms) as u32)
}

/// Wakes up to `count` threads sleeping in `futexWait` on `words[index]`; returns how many were.
#[napi]
pub fn futex_wake(mut words: Int32ArraySlice<'_>, index: u32, count: u32) -> napi::Result<u32> {
    Ok(futex::wake(word_of(&mut words, index)?, count))
}
