import { afterEach, describe, expect, it } from 'vitest'
import { TradingEngineCycle } from '../../src/cycle/trading-engine-cycle.js'

let engine: TradingEngineCycle | undefined
afterEach(async () => {
  await engine?.stopCycle()
  engine = undefined
})

type VenueDetail = { state: string; reason: string; orders: number; fills: number; refused: number }

/** Polls an async condition; fails naming what it waited for and the last state seen. */
async function eventually<T>(read: () => Promise<T>, done: (seen: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const seen = await read()
    if (done(seen)) return seen
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(seen)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('TradingEngineCycle with a venue down', () => {
  it('trades only on the venue that is up, cycle orders and fast-path orders alike, and follows the operator when the venues swap', async () => {
    engine = new TradingEngineCycle({ cycle: { intervalMs: 20 }, strategy_engine: { fastPath: true }, adapters: { venuesDown: ['sim-a'] } }, { handleSignals: false })
    await engine.startCycle()
    const e = engine
    const look = async () => {
      const adapters = await e.agentHealth('adapters')
      return {
        venues: adapters.detail['venueHealth'] as Record<'sim-a' | 'sim-b', VenueDetail>,
        adapters: adapters.counters,
        execution: (await e.agentHealth('execution')).counters,
        fastPathSent: (await e.agentHealth('strategy_engine')).detail['sent'] as number,
        fees: (await e.agentHealth('fees_monitor')).counters,
      }
    }
    const before = await eventually(
      look,
      (s) => (s.execution['children_sent'] ?? 0) > 0 && s.fastPathSent > 0 && s.venues['sim-b'].fills > 0 && (s.fees['fills'] ?? 0) > 0,
      60_000,
      'cycle and fast-path orders filled',
    )
    expect(before.venues['sim-a']).toMatchObject({ state: 'down', reason: 'operator', orders: 0, fills: 0 })
    expect(before.venues['sim-b']).toMatchObject({ state: 'up' })
    // Down from the adapters' start, before any routing: nothing was ever sent its way to refuse.
    expect(before.venues['sim-a'].refused).toBe(0)
    // Every order the venues took came from execution's children or the fast path, all on sim-b.
    expect(before.venues['sim-b'].orders).toBe(before.adapters['orders_submitted'])

    await engine.reconfigure({ adapters: { venuesDown: ['sim-b'] } })
    const swapped = await look()
    const after = await eventually(look, (s) => s.venues['sim-a'].fills > 0 && s.venues['sim-a'].orders > 2, 60_000, 'orders filled on sim-a once it is back')
    expect(after.venues['sim-a']).toMatchObject({ state: 'up', reason: 'none' })
    expect(after.venues['sim-b']).toMatchObject({ state: 'down', reason: 'operator' })
    // Not one order reached sim-b once the operator took it down: those on their way were refused and re-routed.
    expect(after.venues['sim-b'].orders).toBe(swapped.venues['sim-b'].orders)
    expect(after.adapters).toMatchObject({ venue_taken_down: 1, venue_put_back: 1 })
    // Each of execution's children refused on the way was routed again, or counted for why it was not.
    const c = (name: string) => after.execution[name] ?? 0
    expect(c('rerouted') + c('reroute_blocked') + c('reroute_no_liquidity') + c('reroute_refused_again') + c('reroute_rest_over')).toBe(c('children_venue_down'))
  }, 150_000)
})
