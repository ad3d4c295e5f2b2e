import type { RouteTicket } from './route-ticket.js'

export interface RouterOptions {
  /**
   * Expected adverse move, in price ticks, per millisecond of a venue's
   * measured latency: the latency term of each lot's cost. 0 ignores latency.
   */
  readonly adverseTicksPerMs: number
}

/**
 * Splits parent orders across venues: a greedy fill of the cheapest lots
 * first, where a lot at `price` on a venue costs
 * `side * (price * (1 + side * takerFeeBps / 10_000)) + adverseTicksPerMs * latencyMs`;
 * equal costs go to the lower venue index. Scratch space is reused, so a
 * router belongs to one thread (the addon keeps one per thread).
 */
export interface Router {
  readonly adverseTicksPerMs: number
  /**
   * Plans the ticket's parent order into the ticket's plan (layout in
   * `route-plan.ts`) and returns how many child orders it holds. One call
   * per decision; the router writes its `adverseTicksPerMs` into the ticket.
   *
   * The ticket's parent: side 1 to buy (take asks) or -1 to sell (take
   * bids), a positive integer size, and a limit beyond which no level is
   * taken (none for a market order). Its venues: each one's side best first
   * (asks strictly rising, bids strictly falling), `[priceTicks, sizeLots]`
   * pairs of positive integers, and `[takerFeeBps, makerFeeBps, latencyMs]`.
   *
   * @throws WavesError `ERR_NATIVE_ARGUMENT` naming the first bad field.
   */
  route(ticket: RouteTicket): number
}

export interface SlippageTrackerOptions {
  /** How many of the last completed orders each percentile window keeps (1..1 048 576). */
  readonly windowOrders: number
}

/** Nearest-rank percentiles of implementation shortfall over one window. */
export interface ShortfallPercentiles {
  /** Orders in the window. */
  count: number
  p50Bps: number
  p95Bps: number
  p99Bps: number
}

/**
 * Implementation shortfall per order against its arrival price, and rolling
 * percentiles per instrument and per venue × instrument over the last
 * `windowOrders` completed orders. Ids are numbers: orders any safe integer
 * of at least 0, instruments a uint32, venues a uint16 (as in the schemas).
 */
export interface SlippageTracker {
  readonly windowOrders: number
  /** Orders with an arrival price and not yet completed. */
  readonly openOrders: number
  /** Opens an order at decision time; side 1 (buy) or -1 (sell). */
  recordArrival(orderId: number, instrumentId: number, side: number, arrivalPriceTicks: number): void
  recordFill(orderId: number, venueId: number, priceTicks: number, sizeLots: number): void
  /**
   * Closes the order and returns its shortfall in bps (positive is a cost),
   * or null when it had no fills; each venue it filled on gets the
   * shortfall of its own fills. A notional beyond 2^53 - 1 closes it with an error.
   */
  completeOrder(orderId: number): number | null
  /**
   * Everything it holds (open orders, and each window oldest first) as
   * numbers, for a snapshot; the layout is in `native/src/slippage_tracker/state.rs`.
   */
  exportState(): Float64Array
  /** Replaces everything it holds with an exported state, all or nothing; its windows must be of this tracker's size. */
  importState(state: Float64Array): void
  /** Over the instrument's last orders, all venues together; null before the first. */
  instrumentPercentiles(instrumentId: number): ShortfallPercentiles | null
  /** Over the instrument's last orders that filled on the venue; null before the first. */
  venuePercentiles(venueId: number, instrumentId: number): ShortfallPercentiles | null
}

/**
 * What the executor offers, whichever implementation answers. Both
 * implementations keep the same surface, the same results and the same
 * error messages.
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
  /** @throws WavesError `ERR_NATIVE_ARGUMENT` for a bad option. */
  createRouter(options: RouterOptions): Router
  /** @throws WavesError `ERR_NATIVE_ARGUMENT` for a bad option. */
  createSlippageTracker(options: SlippageTrackerOptions): SlippageTracker
}

export interface NativeExecutor extends ExecutorFunctions {
  readonly kind: 'native'
  /** The crate version the loaded addon was built from. */
  readonly addonVersion: string
  readonly addonPath: string
  /** Moves a thread of this process to the idle scheduling class; false if refused or not Linux. */
  setThreadIdlePriority(tid: number): boolean
  /** Sleeps while `words[index]` holds `expected`, at most `timeoutMs`: 0 woken, 1 not equal, 2 timed out. See src/runtime/futex.ts. */
  futexWait(words: Int32Array, index: number, expected: number, timeoutMs: number): number
  /** Wakes up to `count` threads in `futexWait` on `words[index]`; returns how many were. */
  futexWake(words: Int32Array, index: number, count: number): number
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
  /** Binds `RouteTicket.array` (over a SharedArrayBuffer) to a slot; see `native/src/js/router.rs`. */
  bindRouteTicket(ticket: Float64Array): number
  /** Routes the ticket bound to `slot`, its plan written into it. */
  routeBoundTicket(slot: number, adverseTicksPerMs: number): number
  releaseRouteTicket(slot: number): void
  SlippageTracker: new (options: SlippageTrackerOptions) => SlippageTracker
  setThreadIdlePriority(tid: number): boolean
  futexWait(words: Int32Array, index: number, expected: number, timeoutMs: number): number
  futexWake(words: Int32Array, index: number, count: number): number
}
