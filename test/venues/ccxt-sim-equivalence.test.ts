import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { LobsterReplaySource } from '../../src/feeds/lobster-replay-source.js'
import { SymbolTable } from '../../src/feeds/symbol-table.js'
import { DEFAULT_INSTRUMENT_SPECS } from '../../src/market/instrument-spec.js'
import { OrderStatus, OrderType, Side, TimeInForce } from '../../src/schemas/index.js'
import { CcxtVenue } from '../../src/venues/ccxt/index.js'
import { MarketFeedSink, type MarketDataTarget } from '../../src/venues/mock-exchange/index.js'
import { MatchingEngine } from '../../src/venues/sim/matching-engine.js'
import type { Execution, MatchOutcome, NewOrder } from '../../src/venues/sim/venue-messages.js'
import { CollectingSink } from '../feeds/helper.js'
import { FEES, startMockBinance, type MockBinance } from '../fixtures/venues/mock-binance.js'

const AAPL = DEFAULT_INSTRUMENT_SPECS['AAPL']!
const lobster = (name: string): string => fileURLToPath(new URL(`../../../shared/data/lobster/${name}`, import.meta.url))

/** An order action at a point of the replay, priced off the book as it stands there. */
type Step = { atEvent: number; act: (bestBid: number, bestAsk: number) => { submit: NewOrder } | { cancel: string } }

const order = (clientOrderId: string, side: Side, orderType: OrderType, timeInForce: TimeInForce, priceTicks: number, sizeLots: number): { submit: NewOrder } => ({
  submit: { clientOrderId, instrumentId: 0, side, orderType, timeInForce, priceTicks, sizeLots },
})

// Resting orders that join the queue and fill as makers from later trades, takers that sweep
// levels, an IOC and a FOK that cannot complete, a market order and a cancel of a partly filled one.
const PLAN: Step[] = [
  { atEvent: 5, act: (bid) => order('bid-join', Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, bid, 100) },
  { atEvent: 5, act: (_bid, ask) => order('ask-join', Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, ask, 100) },
  { atEvent: 150, act: (_bid, ask) => order('sweep-ioc', Side.Buy, OrderType.Limit, TimeInForce.ImmediateOrCancel, ask + 300, 400) },
  { atEvent: 300, act: () => order('mkt-sell', Side.Sell, OrderType.Market, TimeInForce.GoodTillCancel, 0, 120) },
  { atEvent: 450, act: (bid) => order('fok-big', Side.Buy, OrderType.Limit, TimeInForce.FillOrKill, bid, 1_000_000) },
  { atEvent: 600, act: (bid) => order('bid-late', Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, bid, 300) },
  { atEvent: 900, act: () => ({ cancel: 'bid-join' }) },
  { atEvent: 1200, act: (_bid, ask) => order('cross-gtc', Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, ask, 250) },
]

/** The replay's events in arrival order, each a call on a sink. */
function eventsOf(collected: CollectingSink): ((sink: MarketFeedSink) => void)[] {
  const next = { bookSnapshot: 0, bookDelta: 0, trade: 0, quote: 0 }
  return collected.order.flatMap((kind) => {
    if (kind === 'bookSnapshot') {
      const s = collected.snapshots[next.bookSnapshot++]!
      return [(sink: MarketFeedSink) => sink.bookSnapshot(s)]
    }
    if (kind === 'bookDelta') {
      const d = collected.deltas[next.bookDelta++]!
      return [(sink: MarketFeedSink) => sink.bookDelta(d)]
    }
    if (kind === 'trade') {
      const t = collected.trades[next.trade++]!
      return [(sink: MarketFeedSink) => sink.trade(t)]
    }
    return []
  })
}

const fillKey = (e: Execution) => [e.clientOrderId, e.venueOrderId, e.tradeId, Side[e.side], e.liquidity, e.priceTicks, e.sizeLots, e.feeQuoteUnits]

let env: MockBinance
let events: ((sink: MarketFeedSink) => void)[]

beforeAll(async () => {
  const collected = new CollectingSink()
  const replay = new LobsterReplaySource({
    messageFile: lobster('AAPL_2012-06-21_34200000_57600000_message_10.csv'),
    bookFile: lobster('AAPL_2012-06-21_34200000_57600000_orderbook_10.csv'),
    symbols: new SymbolTable([AAPL], ['lobster']),
    venue: 'lobster',
  })
  await replay.start(collected)
  events = eventsOf(collected)
  env = await startMockBinance([AAPL], { USD: '1000000000000', AAPL: '10000000' })
})

afterAll(async () => {
  expect(env.mock.counters.unexpected).toEqual([])
  await env.close()
})

describe('the same replayed LOBSTER book and orders: sim matching engine directly vs ccxt → mock exchange', () => {
  test('give the same fills, fees and final order states', async () => {
    // Directly: the engine, fed by the same sink type the mock uses.
    const engine = new MatchingEngine({ instruments: [AAPL], fees: FEES })
    const direct: Execution[] = []
    let tsNs = 0
    const keep = (outcome: MatchOutcome): void => {
      direct.push(...outcome.executions)
    }
    const target: MarketDataTarget = {
      setBookLevel: (id, side, priceTicks, sizeLots) => keep(engine.applyBookLevel(id, side, priceTicks, sizeLots, ++tsNs)),
      printTrade: (id, aggressor, priceTicks, sizeLots) => keep(engine.applyTrade(id, aggressor, priceTicks, sizeLots, ++tsNs)),
    }
    const directSink = new MarketFeedSink(target)

    // Through the wire: ccxt, the mock's REST API, and the mock's own engine.
    const venue = new CcxtVenue({ exchange: env.client(), instruments: [AAPL] })
    await venue.loadMarkets()
    const mockSink = env.mock.feedSink()

    for (let i = 0; i < events.length; i++) {
      events[i]!(directSink)
      events[i]!(mockSink)
      for (const step of PLAN.filter((s) => s.atEvent === i)) {
        const action = step.act(engine.bestBid(0)!, engine.bestAsk(0)!)
        if ('submit' in action) {
          keep(engine.submit(action.submit, ++tsNs))
          await venue.submit(action.submit)
        } else {
          keep(engine.cancel(action.cancel, ++tsNs))
          await venue.cancel(action.cancel, 0)
        }
      }
    }
    expect(events.length).toBeGreaterThan(Math.max(...PLAN.map((s) => s.atEvent)))

    // Both in trade id order (a self-trade is two fills under one id, put in client id order).
    const byTrade = (a: Execution, b: Execution): number => a.tradeId - b.tradeId || a.clientOrderId.localeCompare(b.clientOrderId)
    const throughMock = await venue.fills(0)
    expect(throughMock.sort(byTrade).map(fillKey)).toEqual([...direct].sort(byTrade).map(fillKey))
    // The comparison has teeth: makers and takers, several orders, partial fills.
    expect(new Set(direct.map((e) => e.liquidity)).size).toBe(2)
    expect(new Set(direct.map((e) => e.clientOrderId)).size).toBeGreaterThanOrEqual(4)

    for (const clientOrderId of new Set(PLAN.flatMap((s) => ('submit' in s.act(1, 2) ? [(s.act(1, 2) as { submit: NewOrder }).submit.clientOrderId] : [])))) {
      const here = engine.order(clientOrderId)!
      const there = (await venue.order(clientOrderId, 0))!
      expect([clientOrderId, OrderStatus[there.status], there.filledLots]).toEqual([clientOrderId, OrderStatus[here.status], here.filledLots])
    }
  })
})
