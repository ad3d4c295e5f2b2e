use napi_derive::napi;

use super::invalid_arg;
use crate::slippage;

/// Implementation shortfall in basis points of the arrival price; `fills` is
/// flat `[priceTicks, qtyLots, ...]` pairs, borrowed without a copy.
#[napi]
pub fn implementation_shortfall_bps(side: f64, arrival_price_ticks: f64, fills: &[f64]) -> napi::Result<f64> {
    slippage::implementation_shortfall_bps(side, arrival_price_ticks, fills).map_err(invalid_arg)
}
