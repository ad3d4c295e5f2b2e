/**
 * What the executor offers, whichever implementation answers. Later work adds
 * the Router and SlippageTracker classes here; both implementations must keep
 * the same surface, the same results and the same error messages.
 */
export interface ExecutorFunctions {
  /**
   * Implementation shortfall in basis points of the arrival price,
   * `side * (vwap - arrival) / arrival * 10_000`; positive is a cost.
   *
   * @param side 1 for a buy, -1 for a sell.
   * @param arrivalPriceTicks the arrival price, a positive integer of ticks.
   * @param fills flat pairs `[priceTicks, qtyLots, priceTicks, qtyLots, ...]`,
   *   each a positive integer; the notional must stay within 2^53 - 1.
   * @throws WavesError `ERR_NATIVE_ARGUMENT` when an argument is outside that.
   */
  implementationShortfallBps(side: number, arrivalPriceTicks: number, fills: Float64Array): number
}

export interface NativeExecutor extends ExecutorFunctions {
  readonly kind: 'native'
  /** The crate version the loaded addon was built from. */
  readonly addonVersion: string
  readonly addonPath: string
}

export interface FallbackExecutor extends ExecutorFunctions {
  readonly kind: 'fallback'
  /** Why the addon is not in use, as logged. */
  readonly reason: string
}

export type Executor = NativeExecutor | FallbackExecutor

/** The addon's exports, as `native/src/js/*.rs` declares them. */
export interface RawAddon {
  implementationShortfallBps(side: number, arrivalPriceTicks: number, fills: Float64Array): number
  addonVersion(): string
}
