import { isWavesError } from '../errors/index.js'
import { InstrumentPrecision, type InstrumentSpec } from '../market/instrument-spec.js'
import type { FeedRejectReason } from './feed-source.js'

/** The outcome of converting venue text to ticks or lots: the integer, or why not. */
export type Conversion = { ok: true; steps: number } | { ok: false; reason: FeedRejectReason }

const NOT_FINITE_TEXT = /^[+-]?(nan|inf(inity)?)$/i
/**
 * The decimals a venue sends: up to 30 digits each side of the point and an
 * exponent of at most two digits. Anything longer is refused before exact
 * parsing, where an exponent like 1e9999999 would cost a bigint of millions
 * of digits: a feed must not be stalled by one hostile field.
 */
const VENUE_DECIMAL = /^\s*[+-]?(\d{1,30}(\.\d{0,30})?|\.\d{1,30})([eE][+-]?\d{1,2})?\s*$/

/**
 * Maps a venue's symbols to the engine's instrument ids (config order, from
 * 0) and venue names to venue ids (from 1), and converts the venue's decimal
 * text to integer ticks and lots with each instrument's precision.
 *
 * A symbol is known under its configured name ('BTC-USDT') and the usual
 * venue spellings of base and quote ('BTCUSDT', 'BTC/USDT', 'BTC_USDT'),
 * case-insensitively.
 */
export class SymbolTable {
  readonly instruments: readonly string[]
  readonly venues: readonly string[]
  readonly precisions: readonly InstrumentPrecision[]
  readonly #ids = new Map<string, number>()
  readonly #venueIds = new Map<string, number>()

  /** `specs` in instrument-id order, as `instrumentSpecsOf(engineConfig)` gives them. */
  constructor(specs: readonly InstrumentSpec[], venues: readonly string[]) {
    this.instruments = specs.map((s) => s.symbol)
    this.venues = [...venues]
    this.precisions = specs.map((s) => new InstrumentPrecision(s))
    specs.forEach((spec, id) => {
      for (const alias of [spec.symbol, `${spec.base}${spec.quote}`, `${spec.base}/${spec.quote}`, `${spec.base}_${spec.quote}`, `${spec.base}-${spec.quote}`]) {
        const key = alias.toUpperCase()
        if (!this.#ids.has(key)) this.#ids.set(key, id)
      }
    })
    venues.forEach((venue, k) => this.#venueIds.set(venue, k + 1))
  }

  /** Instrument id of a venue symbol, or −1 for one the run does not trade. */
  instrumentId(symbol: string): number {
    return this.#ids.get(symbol.toUpperCase()) ?? -1
  }

  /** Venue id (from 1) of a configured venue name, or −1. */
  venueId(venue: string): number {
    return this.#venueIds.get(venue) ?? -1
  }

  /** Integer ticks of a venue price, or why it has none. */
  priceTicks(instrumentId: number, price: string | number): Conversion {
    return this.#convert(instrumentId, price, 'off_tick_grid')
  }

  /** Integer lots of a venue size, or why it has none. */
  sizeLots(instrumentId: number, size: string | number): Conversion {
    return this.#convert(instrumentId, size, 'off_lot_grid')
  }

  #convert(instrumentId: number, value: string | number, offGrid: FeedRejectReason): Conversion {
    const precision = this.precisions[instrumentId]
    if (precision === undefined) return { ok: false, reason: 'unknown_instrument' }
    // JSON hands sources anything; only text and numbers are prices.
    if (typeof value !== 'string' && typeof value !== 'number') return { ok: false, reason: 'malformed' }
    if (typeof value === 'number' ? !Number.isFinite(value) : NOT_FINITE_TEXT.test(value.trim())) return { ok: false, reason: 'not_finite' }
    if (!VENUE_DECIMAL.test(typeof value === 'number' ? String(value) : value)) return { ok: false, reason: 'malformed' }
    try {
      const steps = offGrid === 'off_tick_grid' ? precision.priceToTicks(value) : precision.sizeToLots(value)
      return { ok: true, steps }
    } catch (err) {
      // Off-grid and unparseable text are ordinary bad input here, not faults.
      if (isWavesError(err, 'ERR_OFF_GRID')) return { ok: false, reason: offGrid }
      return { ok: false, reason: 'malformed' }
    }
  }
}
