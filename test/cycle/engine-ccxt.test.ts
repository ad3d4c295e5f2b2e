import { afterEach, describe, expect, it } from 'vitest'
import { CcxtSessions } from '../../src/agents/adapters/ccxt-sessions.js'
import type { FillRingWriter } from '../../src/agents/adapters/fill-ring-writer.js'
import type { VenueHealthKeeper } from '../../src/agents/adapters/venue-health-keeper.js'
import { monotonicClock } from '../../src/clock/clock.js'
import { childLogger } from '../../src/log/logger.js'
import { DEFAULT_AGENTS } from '../../src/agents/registry.js'
import { TradingEngineCycle } from '../../src/cycle/trading-engine-cycle.js'
import { Side } from '../../src/schemas/index.js'
import { RESTING_BUY } from '../fixtures/cycle/resting-order-strategy.js'
import { API_KEY, BTC, SECRET, startMockBinance, type MockBinance } from '../fixtures/venues/mock-binance.js'

let engine: TradingEngineCycle | undefined
let env: MockBinance | undefined
const savedEnv = { key: process.env['WAVES_BINANCE_API_KEY'], secret: process.env['WAVES_BINANCE_SECRET'] }

afterEach(async () => {
  await engine?.stopCycle()
  engine = undefined
  await env?.close()
  env = undefined
  for (const [name, value] of [['WAVES_BINANCE_API_KEY', savedEnv.key], ['WAVES_BINANCE_SECRET', savedEnv.secret]] as const) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
})

let snapshot = async (): Promise<unknown> => undefined

/** Polls an async condition; fails naming what it waited for. Generous: the threads share two cores with others. */
async function eventually(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await snapshot())}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** A book around `mid` ticks that the test moves: a few levels a side, and a trade at the touch. */
function quoteAround(mock: MockBinance['mock'], mid: number, previous: number | undefined): void {
  if (previous !== undefined) {
    for (let k = 1; k <= 3; k++) {
      mock.setBookLevel('BTCUSDT', Side.Buy, previous - k * 100, 0)
      mock.setBookLevel('BTCUSDT', Side.Sell, previous + k * 100, 0)
    }
  }
  for (let k = 1; k <= 3; k++) {
    mock.setBookLevel('BTCUSDT', Side.Buy, mid - k * 100, 50)
    mock.setBookLevel('BTCUSDT', Side.Sell, mid + k * 100, 50)
  }
  mock.printTrade('BTCUSDT', mid % 200 === 0 ? Side.Buy : Side.Sell, mid + 100, 1)
}

describe.each(['ccxt', 'ccxt-pro'] as const)('TradingEngineCycle on a ccxt venue and %s market data, against the mock exchange', (source) => {
  it('market data reaches the engine, its orders reach the exchange and their fills come back, nothing leaves the machine', async () => {
    env = await startMockBinance([BTC])
    const mock = env.mock
    let mid = 3_000_000
    quoteAround(mock, mid, undefined)
    process.env['WAVES_BINANCE_API_KEY'] = API_KEY
    process.env['WAVES_BINANCE_SECRET'] = SECRET
    engine = new TradingEngineCycle(
      {
        cycle: { intervalMs: 20 },
        data_feeds: {
          source,
          instruments: ['BTC-USDT'],
          venues: ['binance'],
          ccxtRestUrl: env.urls.rest,
          ccxtWsUrl: env.urls.ws,
          ccxtPollIntervalMs: 50,
          ccxtBookDepth: 5,
        },
        execution: { venue: 'ccxt:binance' },
        adapters: { ccxtRestUrl: env.urls.rest, ccxtPollIntervalMs: 100 },
        strategy_engine: { fastPath: true },
      },
      { handleSignals: false },
    )
    await engine.startCycle()
    const counters = async (agent: string) => (await engine!.agentHealth(agent)).counters
    snapshot = async () => ({
      feeds: await counters('data_feeds'),
      adapters: await engine!.agentHealth('adapters'),
      execution: await counters('execution'),
      strategy: (await engine!.agentHealth('strategy_engine')).detail,
      served: [...mock.counters.served],
      unexpected: mock.counters.unexpected,
    })
    // A market that swings now and then: the strategy sees moves worth trading, and the book holds still long
    // enough after each (a second, against 50 ms polls) for an order priced at the touch it saw to meet it at the mock.
    const swings = [300, -100, -400, 200, 500, -300, -200, 100, -500, 400]
    let k = 0
    const mover = setInterval(() => {
      const next = mid + swings[k++ % swings.length]!
      quoteAround(mock, next, mid)
      mid = next
    }, 1000)
    try {
      await eventually(async () => ((await counters('data_feeds'))['ring_quotes'] ?? 0) > 0, 30_000, 'market data on the ring')
      await eventually(async () => ((await counters('adapters'))['orders_submitted'] ?? 0) > 0, 90_000, 'an order at the adapters')
      await eventually(async () => ((await counters('fees_monitor'))['fills'] ?? 0) > 0, 90_000, 'a fill at the fee ledger')
    } finally {
      clearInterval(mover)
    }
    const feeds = await counters('data_feeds')
    const adapters = await counters('adapters')
    const fees = await counters('fees_monitor')
    await engine.stopCycle()
    engine = undefined
    expect(feeds['ring_quotes']).toBeGreaterThan(0)
    expect(feeds['source_failures'] ?? 0).toBe(0)
    expect(adapters['orders_unknown_venue']).toBe(0)
    expect(adapters['answers_written']).toBeGreaterThan(0)
    expect(mock.served('POST /api/v3/order')).toBeGreaterThan(0)
    expect(fees['fills']).toBeGreaterThan(0)
    expect(mock.counters.unexpected).toEqual([])
  }, 240_000)
})

describe('stopping the engine on a ccxt venue', () => {
  it('leaves no order of its own open at the exchange: execution cancels what rests, and the adapters, stopping after it, carry the cancel out', async () => {
    env = await startMockBinance([BTC])
    quoteAround(env.mock, 3_000_000, undefined)
    process.env['WAVES_BINANCE_API_KEY'] = API_KEY
    process.env['WAVES_BINANCE_SECRET'] = SECRET
    const agents = DEFAULT_AGENTS.map((r) => (r.name === 'strategy_engine' ? { ...r, module: 'test/fixtures/cycle/resting-order-strategy' } : r))
    engine = new TradingEngineCycle(
      {
        cycle: { intervalMs: 50 },
        data_feeds: { source: 'ccxt', instruments: ['BTC-USDT'], venues: ['binance'], ccxtRestUrl: env.urls.rest, ccxtPollIntervalMs: 100, ccxtBookDepth: 5 },
        // The child rests until the engine stops, not until a rest timeout cancels it.
        execution: { venue: 'ccxt:binance', childTimeoutMs: 600_000 },
        adapters: { ccxtRestUrl: env.urls.rest, ccxtPollIntervalMs: 100 },
      },
      { handleSignals: false, agents },
    )
    await engine.startCycle()
    const venue = env.engine
    snapshot = async () => ({ open: venue.openOrders(), adapters: await engine!.agentHealth('adapters'), execution: (await engine!.agentHealth('execution')).counters })
    await eventually(async () => venue.openOrders().length >= 1, 60_000, 'the buy resting at the exchange')
    // The strategy intends again while an approval of its may have been dropped, so one buy or more may rest.
    for (const open of venue.openOrders()) expect(open).toMatchObject({ side: Side.Buy, priceTicks: RESTING_BUY.priceTicks, remainingLots: RESTING_BUY.sizeLots })
    await engine.stopCycle()
    expect(venue.openOrders()).toEqual([])
    const cancels = env.mock.served('DELETE /api/v3/order')
    expect(cancels).toBeGreaterThanOrEqual(1)
    // What the agents said as they stopped: each cancel went out once, and its answer came back to the adapters.
    expect((await engine.agentHealth('execution')).counters).toMatchObject({ cancels_at_stop: cancels })
    expect((await engine.agentHealth('adapters')).counters).toMatchObject({ cancels_sent: cancels })
    engine = undefined
  }, 120_000)
})

describe('the ccxt venue without keys', () => {
  it('refuses to start, naming the variables the keys come from', () => {
    delete process.env['WAVES_BINANCE_API_KEY']
    process.env['WAVES_BINANCE_SECRET'] = SECRET
    const options = { instruments: [BTC], venues: ['binance'], timeoutMs: 1000, recvWindowMs: 10_000, health: {} as VenueHealthKeeper, env: process.env, clock: monotonicClock, logger: childLogger({}), onAnswers: () => {} }
    expect(() => new CcxtSessions(options, {} as FillRingWriter)).toThrow(
      "execution.venue 'ccxt:binance' needs its keys in WAVES_BINANCE_API_KEY and WAVES_BINANCE_SECRET, and one is not set",
    )
  })
})
