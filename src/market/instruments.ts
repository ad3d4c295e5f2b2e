/**
 * The instruments and venues an engine run trades, numbered as they travel
 * on the rings: instrument ids from 0 in config order, venue ids from 1
 * (0 means "no venue").
 */
export interface InstrumentUniverse {
  readonly instruments: readonly string[]
  readonly venues: readonly string[]
}

export function instrumentId(universe: InstrumentUniverse, symbol: string): number {
  const id = universe.instruments.indexOf(symbol)
  if (id < 0) throw new RangeError(`unknown instrument ${symbol}; known: ${universe.instruments.join(', ')}`)
  return id
}

export function venueId(universe: InstrumentUniverse, venue: string): number {
  const index = universe.venues.indexOf(venue)
  if (index < 0) throw new RangeError(`unknown venue ${venue}; known: ${universe.venues.join(', ')}`)
  return index + 1
}

/** The universe from the data_feeds section of the engine config, with the engine's defaults. */
export function universeOf(engineConfig: Readonly<Record<string, unknown>>): InstrumentUniverse {
  const feeds = (engineConfig['data_feeds'] ?? {}) as { instruments?: string[]; venues?: string[] }
  return { instruments: feeds.instruments ?? ['BTC-USDT', 'ETH-USDT'], venues: feeds.venues ?? ['sim-a', 'sim-b'] }
}
