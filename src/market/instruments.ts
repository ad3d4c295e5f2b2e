import type { WavesConfig } from '../config/index.js'

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
