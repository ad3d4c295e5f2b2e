import { WavesError } from '../../errors/index.js'
import type { ShortfallPercentiles, SlippageTracker, SlippageTrackerOptions } from '../types.js'
import { implementationShortfallBps } from './implementation-shortfall.js'

/**
 * The TypeScript twin of `native/src/slippage_tracker/mod.rs`: the same state,
 * the same checks in the same order with the same messages, and the same
 * shortfall function, so both answer the same bit for bit. Change both
 * together; the life of an order and the percentile rule are documented there.
 */

const MAX_EXACT = Number.MAX_SAFE_INTEGER
const MAX_WINDOW_ORDERS = 2 ** 20
const MAX_INSTRUMENT_ID = 2 ** 32 - 1
const MAX_VENUE_ID = 2 ** 16 - 1
// Venue ids fit 16 bits and instrument ids 32, so this key stays a safe integer.
const VENUE_KEY_SCALE = 2 ** 32

const isIntegerIn = (v: number, min: number, max: number): boolean => v >= min && v <= max && Math.trunc(v) === v

function argumentError(fn: string, message: string): WavesError {
  return new WavesError('ERR_NATIVE_ARGUMENT', message, { function: `SlippageTracker.${fn}` })
}

function checkOrderId(fn: string, orderId: number): void {
  if (!isIntegerIn(orderId, 0, MAX_EXACT)) {
    throw argumentError(fn, `orderId must be an integer from 0 to ${MAX_EXACT}, got ${orderId}`)
  }
}

function checkInstrumentId(fn: string, instrumentId: number): void {
  if (!isIntegerIn(instrumentId, 0, MAX_INSTRUMENT_ID)) {
    throw argumentError(fn, `instrumentId must be an integer from 0 to ${MAX_INSTRUMENT_ID}, got ${instrumentId}`)
  }
}

function checkVenueId(fn: string, venueId: number): void {
  if (!isIntegerIn(venueId, 0, MAX_VENUE_ID)) {
    throw argumentError(fn, `venueId must be an integer from 0 to ${MAX_VENUE_ID}, got ${venueId}`)
  }
}

function notOpen(fn: string, orderId: number): WavesError {
  return argumentError(fn, `order ${orderId} has no arrival price (never recorded, or already completed)`)
}

/** The last `capacity` figures, oldest overwritten first. */
class Window {
  readonly values: number[] = []
  #next = 0

  push(capacity: number, value: number): void {
    if (this.values.length < capacity) this.values.push(value)
    else this.values[this.#next] = value
    this.#next = (this.#next + 1) % capacity
  }

  /** Oldest first: once full, the slot the next figure overwrites holds the oldest. */
  oldestFirst(capacity: number): number[] {
    const split = this.values.length === capacity ? this.#next : 0
    return [...this.values.slice(split), ...this.values.slice(0, split)]
  }
}

const STATE_VERSION = 1

/** A cursor over a state to import (layout: `native/src/slippage_tracker/state.rs`); every read names its index when it fails. */
class StateReader {
  readonly #state: Float64Array
  at = 0

  constructor(state: Float64Array) {
    this.#state = state
  }

  bad(at = this.at - 1): WavesError {
    return argumentError('importState', `tracker state is malformed at index ${at}`)
  }

  next(): number {
    if (this.at >= this.#state.length) throw this.bad(this.at)
    return this.#state[this.at++]!
  }

  integer(min: number, max: number): number {
    const v = this.next()
    if (!isIntegerIn(v, min, max)) throw this.bad()
    return v
  }

  /** A count, no greater than what is left to read. */
  count(max: number): number {
    return this.integer(0, Math.min(max, this.#state.length - this.at))
  }

  window(capacity: number): Window {
    const figures = this.count(capacity)
    const window = new Window()
    for (let k = 0; k < figures; k++) {
      const bps = this.next()
      // A shortfall is finite and never -0 (the percentiles sort on that).
      if (!Number.isFinite(bps) || Object.is(bps, -0)) throw this.bad()
      window.push(capacity, bps)
    }
    return window
  }

  get done(): boolean {
    return this.at === this.#state.length
  }
}

interface OpenOrder {
  instrument: number
  side: number
  arrival: number
  /** `[venueId, priceTicks, sizeLots]` per fill, in the order recorded. */
  fills: number[]
}

/** Nearest rank: the value at 1-based rank `ceil(q × n / 100)`. */
function percentiles(values: readonly number[]): ShortfallPercentiles {
  // Shortfalls are never NaN and never -0, so this is plain numeric order.
  const sorted = Float64Array.from(values).sort()
  const n = sorted.length
  const at = (q: number): number => sorted[Math.max(Math.floor((q * n + 99) / 100), 1) - 1] as number
  return { count: n, p50Bps: at(50), p95Bps: at(95), p99Bps: at(99) }
}

export class FallbackSlippageTracker implements SlippageTracker {
  readonly windowOrders: number
  readonly #open = new Map<number, OpenOrder>()
  readonly #byInstrument = new Map<number, Window>()
  readonly #byVenue = new Map<number, Window>()

  constructor(options: SlippageTrackerOptions) {
    const windowOrders = options.windowOrders
    if (!isIntegerIn(windowOrders, 1, MAX_WINDOW_ORDERS)) {
      throw new WavesError(
        'ERR_NATIVE_ARGUMENT',
        `windowOrders must be an integer from 1 to ${MAX_WINDOW_ORDERS}, got ${windowOrders}`,
        { function: 'SlippageTracker' },
      )
    }
    this.windowOrders = windowOrders
  }

  get openOrders(): number {
    return this.#open.size
  }

  recordArrival(orderId: number, instrumentId: number, side: number, arrivalPriceTicks: number): void {
    const fn = 'recordArrival'
    checkOrderId(fn, orderId)
    checkInstrumentId(fn, instrumentId)
    if (side !== 1 && side !== -1) throw argumentError(fn, `side must be 1 (buy) or -1 (sell), got ${side}`)
    if (!isIntegerIn(arrivalPriceTicks, 1, MAX_EXACT)) {
      throw argumentError(
        fn,
        `arrivalPriceTicks must be a positive integer no greater than ${MAX_EXACT}, got ${arrivalPriceTicks}`,
      )
    }
    // orderId is an integer here, so `${orderId}` prints its digits as Rust does.
    if (this.#open.has(orderId)) throw argumentError(fn, `order ${orderId} already has an arrival price`)
    this.#open.set(orderId, { instrument: instrumentId, side, arrival: arrivalPriceTicks, fills: [] })
  }

  recordFill(orderId: number, venueId: number, priceTicks: number, sizeLots: number): void {
    const fn = 'recordFill'
    checkOrderId(fn, orderId)
    checkVenueId(fn, venueId)
    if (!isIntegerIn(priceTicks, 1, MAX_EXACT)) {
      throw argumentError(fn, `priceTicks must be a positive integer no greater than ${MAX_EXACT}, got ${priceTicks}`)
    }
    if (!isIntegerIn(sizeLots, 1, MAX_EXACT)) {
      throw argumentError(fn, `sizeLots must be a positive integer no greater than ${MAX_EXACT}, got ${sizeLots}`)
    }
    const order = this.#open.get(orderId)
    if (order === undefined) throw notOpen(fn, orderId)
    order.fills.push(venueId, priceTicks, sizeLots)
  }

  completeOrder(orderId: number): number | null {
    const fn = 'completeOrder'
    checkOrderId(fn, orderId)
    const order = this.#open.get(orderId)
    if (order === undefined) throw notOpen(fn, orderId)
    this.#open.delete(orderId)
    const fills = order.fills
    if (fills.length === 0) return null
    const pairs: number[] = []
    for (let f = 0; f < fills.length; f += 3) pairs.push(fills[f + 1] as number, fills[f + 2] as number)
    const bps = implementationShortfallBps(order.side, order.arrival, Float64Array.from(pairs))
    const capacity = this.windowOrders
    windowOf(this.#byInstrument, order.instrument).push(capacity, bps)

    // Venue by venue in order of first fill; every subset's notional is
    // within the whole order's, so these cannot fail.
    const done = new Set<number>()
    for (let first = 0; first < fills.length; first += 3) {
      const venue = fills[first] as number
      if (done.has(venue)) continue
      done.add(venue)
      const venuePairs: number[] = []
      for (let f = first; f < fills.length; f += 3) {
        if (fills[f] === venue) venuePairs.push(fills[f + 1] as number, fills[f + 2] as number)
      }
      const venueBps = implementationShortfallBps(order.side, order.arrival, Float64Array.from(venuePairs))
      windowOf(this.#byVenue, venue * VENUE_KEY_SCALE + order.instrument).push(capacity, venueBps)
    }
    return bps
  }

  exportState(): Float64Array {
    const out: number[] = [STATE_VERSION, this.windowOrders, this.#open.size]
    for (const id of [...this.#open.keys()].sort((a, b) => a - b)) {
      const order = this.#open.get(id)!
      out.push(id, order.instrument, order.side, order.arrival, order.fills.length / 3, ...order.fills)
    }
    const instruments = [...this.#byInstrument.keys()].sort((a, b) => a - b)
    out.push(instruments.length)
    for (const instrument of instruments) {
      const window = this.#byInstrument.get(instrument)!
      out.push(instrument, window.values.length, ...window.oldestFirst(this.windowOrders))
    }
    const pairs = [...this.#byVenue.keys()].sort((a, b) => a - b)
    out.push(pairs.length)
    for (const key of pairs) {
      const window = this.#byVenue.get(key)!
      out.push(Math.floor(key / VENUE_KEY_SCALE), key % VENUE_KEY_SCALE, window.values.length, ...window.oldestFirst(this.windowOrders))
    }
    return Float64Array.from(out)
  }

  importState(state: Float64Array): void {
    const r = new StateReader(state)
    if (r.next() !== STATE_VERSION) throw r.bad()
    const windowOrders = r.next()
    if (windowOrders !== this.windowOrders) {
      throw argumentError('importState', `tracker state has windows of ${windowOrders} orders, this tracker keeps ${this.windowOrders}`)
    }
    const capacity = this.windowOrders
    const open = new Map<number, OpenOrder>()
    for (let n = r.count(MAX_EXACT); n > 0; n--) {
      const id = r.integer(0, MAX_EXACT)
      const instrument = r.integer(0, MAX_INSTRUMENT_ID)
      const side = r.next()
      if (side !== 1 && side !== -1) throw r.bad()
      const arrival = r.integer(1, MAX_EXACT)
      const fills: number[] = []
      for (let f = r.count(MAX_EXACT); f > 0; f--) fills.push(r.integer(0, MAX_VENUE_ID), r.integer(1, MAX_EXACT), r.integer(1, MAX_EXACT))
      if (open.has(id)) throw r.bad()
      open.set(id, { instrument, side, arrival, fills })
    }
    const byInstrument = new Map<number, Window>()
    for (let n = r.count(MAX_INSTRUMENT_ID); n > 0; n--) {
      const instrument = r.integer(0, MAX_INSTRUMENT_ID)
      const window = r.window(capacity)
      if (byInstrument.has(instrument)) throw r.bad()
      byInstrument.set(instrument, window)
    }
    const byVenue = new Map<number, Window>()
    for (let n = r.count(MAX_INSTRUMENT_ID); n > 0; n--) {
      const key = r.integer(0, MAX_VENUE_ID) * VENUE_KEY_SCALE + r.integer(0, MAX_INSTRUMENT_ID)
      const window = r.window(capacity)
      if (byVenue.has(key)) throw r.bad()
      byVenue.set(key, window)
    }
    // Numbers past the end of the layout: the first of them is the one that does not fit.
    if (!r.done) throw r.bad(r.at)
    for (const [target, source] of [
      [this.#open, open],
      [this.#byInstrument, byInstrument],
      [this.#byVenue, byVenue],
    ] as const) {
      target.clear()
      for (const [k, v] of source as Map<number, unknown>) (target as Map<number, unknown>).set(k, v)
    }
  }

  instrumentPercentiles(instrumentId: number): ShortfallPercentiles | null {
    checkInstrumentId('instrumentPercentiles', instrumentId)
    const window = this.#byInstrument.get(instrumentId)
    return window === undefined ? null : percentiles(window.values)
  }

  venuePercentiles(venueId: number, instrumentId: number): ShortfallPercentiles | null {
    checkVenueId('venuePercentiles', venueId)
    checkInstrumentId('venuePercentiles', instrumentId)
    const window = this.#byVenue.get(venueId * VENUE_KEY_SCALE + instrumentId)
    return window === undefined ? null : percentiles(window.values)
  }
}

function windowOf(windows: Map<number, Window>, key: number): Window {
  let window = windows.get(key)
  if (window === undefined) {
    window = new Window()
    windows.set(key, window)
  }
  return window
}
