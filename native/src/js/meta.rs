use napi_derive::napi;

/// The crate version the addon was built from, to tell a stale build apart.
#[napi]
pub fn addon_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
