import type { WavesConfig } from '../config/index.js'
import { DEFAULT_INSTRUMENT_SPECS, InstrumentPrecision, type InstrumentSpec } from './instrument-spec.js'

/**
 * The instruments and venues an engine run trades, numbered as they travel
 * on the rings: instrument ids from 0 in config order, venue ids from 1
 * (0 means "no venue").
 */
export interface InstrumentUniverse {
  readonly instruments: readonly string[]
  readonly venues: readonly string[]
}

/** The universe the data_feeds section of the (resolved) engine config names. */
export function universeOf(engineConfig: Readonly<Record<string, unknown>>): InstrumentUniverse {
  const { instruments, venues } = (engineConfig as unknown as WavesConfig).data_feeds
  return { instruments, venues }
}

/**
 * The tick, lot and quote precision of each configured instrument, in
 * instrument-id order: the config's own spec where it gives one, else the
 * built-in one (config validation has made sure one of them exists).
 */
export function instrumentSpecsOf(engineConfig: Readonly<Record<string, unknown>>): InstrumentSpec[] {
  const feeds = (engineConfig as unknown as WavesConfig).data_feeds
  return feeds.instruments.map((symbol) => {
    const own = feeds.instrumentSpecs[symbol]
    return own !== undefined ? { symbol, ...own } : DEFAULT_INSTRUMENT_SPECS[symbol]!
  })
}

/** One precision converter per configured instrument, in instrument-id order. */
export function instrumentPrecisionsOf(engineConfig: Readonly<Record<string, unknown>>): InstrumentPrecision[] {
  return instrumentSpecsOf(engineConfig).map((spec) => new InstrumentPrecision(spec))
}
