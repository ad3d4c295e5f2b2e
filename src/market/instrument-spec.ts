import { WavesError } from '../errors/index.js'
import { formatDecimal, parseDecimal, stepsOf, type ScaledDecimal } from './decimal.js'

/**
 * What a venue says about one instrument: its tick (price increment) and
 * lot (size increment) as decimal text, exactly as the venue publishes them,
 * and how many decimals its quote currency's smallest unit has (fees and
 * cash are counted in those units).
 */
export interface InstrumentSpec {
  readonly symbol: string
  readonly base: string
  readonly quote: string
  readonly tickSize: string
  readonly lotSize: string
  readonly quoteDecimals: number
}

/**
 * Converts between a venue's decimal prices and sizes and the integer ticks
 * and lots that travel on the rings, exactly: a price off the tick grid or a
 * size off the lot grid is an error, never a silent rounding.
 */
export class InstrumentPrecision {
  readonly spec: InstrumentSpec
  readonly #tick: ScaledDecimal
  readonly #lot: ScaledDecimal

  constructor(spec: InstrumentSpec) {
    this.spec = spec
    this.#tick = parseDecimal(spec.tickSize)
    this.#lot = parseDecimal(spec.lotSize)
    if (this.#tick.units <= 0n || this.#lot.units <= 0n || !Number.isInteger(spec.quoteDecimals) || spec.quoteDecimals < 0) {
      throw new WavesError('ERR_INSTRUMENT_SPEC', `instrument ${spec.symbol} needs a positive tick and lot and whole quote decimals`, { ...spec })
    }
  }

  /** Integer ticks of a decimal price; throws ERR_OFF_GRID when the price is not a whole number of ticks. */
  priceToTicks(price: string | number): number {
    return this.#steps(price, this.#tick, 'price', 'tick', this.spec.tickSize)
  }

  /** Integer lots of a decimal size; throws ERR_OFF_GRID when the size is not a whole number of lots. */
  sizeToLots(size: string | number): number {
    return this.#steps(size, this.#lot, 'size', 'lot', this.spec.lotSize)
  }

  /** The exact decimal text of a price in ticks. */
  ticksToPrice(ticks: number): string {
    return formatDecimal(BigInt(ticks) * this.#tick.units, this.#tick.scale)
  }

  /** The exact decimal text of a size in lots. */
  lotsToSize(lots: number): string {
    return formatDecimal(BigInt(lots) * this.#lot.units, this.#lot.scale)
  }

  /**
   * price × size as an exact decimal (ticks × lots × tick × lot): the
   * notional of a fill before any rounding to the quote's smallest unit.
   */
  notional(priceTicks: number, sizeLots: number): ScaledDecimal {
    return {
      units: BigInt(priceTicks) * BigInt(sizeLots) * this.#tick.units * this.#lot.units,
      scale: this.#tick.scale + this.#lot.scale,
    }
  }

  #steps(value: string | number, step: ScaledDecimal, what: string, unit: string, stepText: string): number {
    const steps = stepsOf(parseDecimal(value), step)
    if (steps === undefined) {
      throw new WavesError('ERR_OFF_GRID', `${this.spec.symbol} ${what} ${value} is not a whole number of ${unit}s of ${stepText}`, {
        symbol: this.spec.symbol,
        [what]: value,
        [unit]: stepText,
      })
    }
    if (steps > BigInt(Number.MAX_SAFE_INTEGER) || steps < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new WavesError('ERR_OFF_GRID', `${this.spec.symbol} ${what} ${value} has more ${unit}s than a double holds exactly`, { symbol: this.spec.symbol, [what]: value })
    }
    return Number(steps)
  }
}

/**
 * The specs of the instruments the embedded default trades, as a spot venue
 * lists them. A run's config names instruments; these give their precision.
 */
export const DEFAULT_INSTRUMENT_SPECS: Readonly<Record<string, InstrumentSpec>> = Object.freeze({
  'BTC-USDT': { symbol: 'BTC-USDT', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.00001', quoteDecimals: 8 },
  'ETH-USDT': { symbol: 'ETH-USDT', base: 'ETH', quote: 'USDT', tickSize: '0.01', lotSize: '0.0001', quoteDecimals: 8 },
  'SOL-USDT': { symbol: 'SOL-USDT', base: 'SOL', quote: 'USDT', tickSize: '0.01', lotSize: '0.001', quoteDecimals: 8 },
  AAPL: { symbol: 'AAPL', base: 'AAPL', quote: 'USD', tickSize: '0.0001', lotSize: '1', quoteDecimals: 2 },
})
