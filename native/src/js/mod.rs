//! The N-API surface. Each file binds one domain module; errors are mapped
//! explicitly so their text stays the one the TypeScript fallback throws.

mod meta;
mod router;
mod slippage;
mod slippage_tracker;
mod futex;
mod threads;

/// A domain error as a JS exception with `code: 'InvalidArg'` and the domain
/// error's text as its message, which the loader rewraps as a `WavesError`.
fn invalid_arg(err: impl std::fmt::Display) -> napi::Error {
    napi::Error::new(napi::Status::InvalidArg, err.to_string())
}
