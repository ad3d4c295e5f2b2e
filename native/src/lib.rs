//! The Rust executor of waves, loaded by Node as an N-API addon.
//!
//! Domain modules (`router`, `slippage`, `slippage_tracker`, `futex`) are plain Rust and know nothing of Node;
//! `js` holds the bindings that convert arguments, results and errors.
//! Nothing here keeps JS values in statics, so every Node environment (the
//! main thread and each worker thread) can load the addon independently.

mod ecma_number;
mod futex;
// napi-derive registers exports only outside `cfg(test)`, so a test build
// sees the bindings as unused; they still compile there, which is the point.
#[cfg_attr(test, allow(dead_code))]
mod js;
mod router;
mod slippage;
mod slippage_tracker;
