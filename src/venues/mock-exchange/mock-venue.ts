import type { Clock } from '../../clock/clock.js'
import { parseDecimal } from '../../market/decimal.js'
import { InstrumentPrecision, type InstrumentSpec } from '../../market/instrument-spec.js'
import { Liquidity, OrderStatus, OrderType, Side, TimeInForce } from '../../schemas/index.js'
import type { MatchingEngine } from '../sim/matching-engine.js'
import type { Execution, MatchOutcome, OrderReport } from '../sim/venue-messages.js'
import { BINANCE_ERRORS, orderRejected, type BinanceError } from './binance-errors.js'
import { binanceSymbolOf } from './exchange-info.js'
import { executionReportEvent } from './execution-report.js'
import { aggTradeEvent, bookTickerEvent, depthUpdateEvent, miniTickerEvent, tickerEvent, tickerJson, tradeEvent } from './market-events.js'
import { MockAccount, toBalanceUnits, type MockFill, type MockOrder } from './mock-account.js'
import { PublicMarket } from './public-market.js'
import type { StreamHub } from './stream-hub.js'

export interface MockInstrument {
  id: number
  symbol: string
  precision: InstrumentPrecision
  market: PublicMarket
}

/** An order as the REST layer parsed it, in ticks and lots. */
export interface MockOrderRequest {
  instrument: MockInstrument
  clientOrderId: string
  side: Side
  type: MockOrder['type']
  timeInForce: MockOrder['timeInForce']
  priceTicks: number
  sizeLots: number
}

const TIME_IN_FORCE = { GTC: TimeInForce.GoodTillCancel, IOC: TimeInForce.ImmediateOrCancel, FOK: TimeInForce.FillOrKill } as const

/**
 * The venue behind the mock's API: orders go to the sim `MatchingEngine`
 * (the same engine the sim venue runs), fills move the account, and every
 * change is published: depth diffs of the shown book, trades, tickers, and
 * execution reports on the user data stream.
 */
export class MockVenue {
  readonly instruments: MockInstrument[]
  readonly account: MockAccount
  readonly orders = new Map<string, MockOrder>()
  readonly #ordersById = new Map<number, MockOrder>()
  readonly #bySymbol = new Map<string, MockInstrument>()
  readonly #reportedFilledLots = new Map<string, number>()
  readonly #engine: MatchingEngine
  readonly #streams: StreamHub
  readonly #clock: Clock
  readonly #nowMs: () => number
  #generatedIds = 0

  constructor(specs: readonly InstrumentSpec[], engine: MatchingEngine, streams: StreamHub, balances: Readonly<Record<string, string>>, clock: Clock, nowMs: () => number) {
    this.instruments = specs.map((spec, id) => ({ id, symbol: binanceSymbolOf(spec), precision: new InstrumentPrecision(spec), market: new PublicMarket() }))
    for (const instrument of this.instruments) this.#bySymbol.set(instrument.symbol, instrument)
    this.account = new MockAccount(balances)
    this.#engine = engine
    this.#streams = streams
    this.#clock = clock
    this.#nowMs = nowMs
  }

  instrument(symbol: string): MockInstrument | undefined {
    return this.#bySymbol.get(symbol.toUpperCase())
  }

  engineOrder(clientOrderId: string): OrderReport | undefined {
    return this.#engine.order(clientOrderId)
  }

  orderById(orderId: number): MockOrder | undefined {
    return this.#ordersById.get(orderId)
  }

  /** Places an order; the error Binance would give when it cannot. */
  place(request: MockOrderRequest): { order: MockOrder; report: OrderReport; fills: MockFill[] } | BinanceError {
    const { instrument } = request
    if (this.orders.has(request.clientOrderId) || this.#engine.order(request.clientOrderId) !== undefined) return BINANCE_ERRORS.duplicateOrder
    if (!this.#affordable(request)) return BINANCE_ERRORS.insufficientBalance
    const nowMs = this.#nowMs()
    const outcome = this.#engine.submit(
      {
        clientOrderId: request.clientOrderId,
        instrumentId: instrument.id,
        side: request.side,
        orderType: request.type === 'MARKET' ? OrderType.Market : OrderType.Limit,
        timeInForce: TIME_IN_FORCE[request.timeInForce],
        priceTicks: request.type === 'MARKET' ? 0 : request.priceTicks,
        sizeLots: request.sizeLots,
        postOnly: request.type === 'LIMIT_MAKER',
      },
      this.#clock.nowNs(),
    )
    const report = this.#engine.order(request.clientOrderId)
    if (report === undefined || (report.status === OrderStatus.Rejected && report.venueOrderId === 0)) {
      const reason = report?.reason ?? outcome.reports[0]?.reason ?? 'rejected'
      return request.type === 'LIMIT_MAKER' ? BINANCE_ERRORS.wouldTake : orderRejected(reason)
    }
    const order: MockOrder = { ...request, symbol: instrument.symbol, orderId: report.venueOrderId, instrumentId: instrument.id, side: request.side === Side.Buy ? 'BUY' : 'SELL', createdMs: nowMs, updatedMs: nowMs, cumQuote: { units: 0n, scale: 0 } }
    this.orders.set(order.clientOrderId, order)
    this.#ordersById.set(order.orderId, order)
    const fills = this.#apply(instrument, outcome)
    return { order, report: this.#engine.order(request.clientOrderId)!, fills }
  }

  /** Cancels an open order; -2011 for one unknown or already done. */
  cancel(order: MockOrder): OrderReport | BinanceError {
    const outcome = this.#engine.cancel(order.clientOrderId, this.#clock.nowNs())
    const report = outcome.reports[outcome.reports.length - 1]
    if (report === undefined || report.refused !== undefined) return BINANCE_ERRORS.cancelUnknown
    this.#apply(this.instruments[order.instrumentId]!, outcome)
    return this.#engine.order(order.clientOrderId)!
  }

  openOrders(instrumentId?: number): OrderReport[] {
    return this.#engine.openOrders(instrumentId)
  }

  shownBook(instrument: MockInstrument, maxLevels?: number) {
    return { bids: this.#engine.depth(instrument.id, Side.Buy, maxLevels), asks: this.#engine.depth(instrument.id, Side.Sell, maxLevels) }
  }

  /** One level of the market's book changed (size 0: gone). */
  setBookLevel(instrument: MockInstrument, side: Side, priceTicks: number, sizeLots: number): void {
    this.#apply(instrument, this.#engine.applyBookLevel(instrument.id, side, priceTicks, sizeLots, this.#clock.nowNs()))
  }

  /** The market printed a trade: on the tape first, then own resting orders it reached fill. */
  printTrade(instrument: MockInstrument, aggressor: Side, priceTicks: number, sizeLots: number): void {
    this.#publishTrade(instrument, instrument.market.print(priceTicks, sizeLots, aggressor, this.#nowMs()))
    this.#apply(instrument, this.#engine.applyTrade(instrument.id, aggressor, priceTicks, sizeLots, this.#clock.nowNs()))
  }

  ticker(instrument: MockInstrument): Record<string, unknown> {
    const { bids, asks } = this.shownBook(instrument, 1)
    return tickerJson(instrument.symbol, instrument.market, bids[0], asks[0], instrument.precision, this.#nowMs())
  }

  /** Books executions, prints own takes on the tape, publishes reports, then the book's diff. */
  #apply(instrument: MockInstrument, outcome: MatchOutcome): MockFill[] {
    const nowMs = this.#nowMs()
    const fills: MockFill[] = []
    const pending = new Map<string, Execution[]>()
    for (const execution of outcome.executions) {
      const order = this.orders.get(execution.clientOrderId)
      const fill = this.account.book(execution, instrument.precision, instrument.symbol, nowMs)
      fills.push(fill)
      if (order !== undefined) {
        const notional = instrument.precision.notional(execution.priceTicks, execution.sizeLots)
        const scale = Math.max(order.cumQuote.scale, notional.scale)
        order.cumQuote = { units: order.cumQuote.units * 10n ** BigInt(scale - order.cumQuote.scale) + notional.units * 10n ** BigInt(scale - notional.scale), scale }
        order.updatedMs = nowMs
      }
      pending.set(execution.clientOrderId, [...(pending.get(execution.clientOrderId) ?? []), execution])
      if (execution.liquidity === Liquidity.Taker) this.#publishTrade(instrument, instrument.market.print(execution.priceTicks, execution.sizeLots, execution.side, nowMs))
    }
    for (const report of outcome.reports) {
      const order = this.orders.get(report.clientOrderId)
      if (order === undefined) continue
      order.updatedMs = nowMs
      const before = this.#reportedFilledLots.get(report.clientOrderId) ?? 0
      const fill = report.filledLots > before ? pending.get(report.clientOrderId)?.shift() : undefined
      this.#reportedFilledLots.set(report.clientOrderId, report.filledLots)
      this.#streams.publishUser(executionReportEvent(order, report, fill, instrument.precision, nowMs))
    }
    const { bids, asks } = this.shownBook(instrument)
    const changes = instrument.market.diff(bids, asks)
    if (changes.length > 0) {
      const event = depthUpdateEvent(instrument.symbol, instrument.market, changes, instrument.precision, nowMs)
      const lower = instrument.symbol.toLowerCase()
      for (const stream of [`${lower}@depth`, `${lower}@depth@100ms`, `${lower}@depth@1000ms`]) this.#streams.publish(stream, event)
      this.#streams.publish(`${lower}@bookticker`, bookTickerEvent(instrument.symbol, instrument.market, bids[0], asks[0], instrument.precision))
      this.#publishTicker(instrument, nowMs)
    }
    return fills.filter((fill) => this.orders.has(fill.execution.clientOrderId))
  }

  #publishTrade(instrument: MockInstrument, trade: ReturnType<PublicMarket['print']>): void {
    const lower = instrument.symbol.toLowerCase()
    const nowMs = this.#nowMs()
    this.#streams.publish(`${lower}@trade`, tradeEvent(instrument.symbol, trade, instrument.precision, nowMs))
    this.#streams.publish(`${lower}@aggtrade`, aggTradeEvent(instrument.symbol, trade, instrument.precision, nowMs))
    this.#publishTicker(instrument, nowMs)
  }

  #publishTicker(instrument: MockInstrument, nowMs: number): void {
    const lower = instrument.symbol.toLowerCase()
    const ticker = this.ticker(instrument)
    this.#streams.publish(`${lower}@ticker`, tickerEvent(ticker, nowMs))
    this.#streams.publish(`${lower}@miniticker`, miniTickerEvent(ticker, nowMs))
  }

  /** What open orders hold per asset, balance units: the quote of a buy's price × remaining size, the base of a sell's remaining size. */
  lockedUnits(): Map<string, bigint> {
    const locked = new Map<string, bigint>()
    for (const open of this.#engine.openOrders()) {
      const { precision } = this.instruments[open.instrumentId]!
      const buy = open.side === Side.Buy
      const asset = buy ? precision.spec.quote : precision.spec.base
      const units = buy ? toBalanceUnits(precision.notional(open.priceTicks, open.remainingLots)) : baseUnitsOf(precision, open.remainingLots)
      locked.set(asset, (locked.get(asset) ?? 0n) + units)
    }
    return locked
  }

  /** Whether the free balance covers a new order: quote for a limit buy's notional, base for a sell. A market buy is not checked (its cost is unknown until it fills). */
  #affordable(request: MockOrderRequest): boolean {
    const { precision } = request.instrument
    const locked = this.lockedUnits()
    const free = (asset: string): bigint => this.account.total(asset).units - (locked.get(asset) ?? 0n)
    if (request.side === Side.Sell) return free(precision.spec.base) >= baseUnitsOf(precision, request.sizeLots)
    if (request.type === 'MARKET') return true
    return free(precision.spec.quote) >= toBalanceUnits(precision.notional(request.priceTicks, request.sizeLots))
  }

  /** A client order id Binance would generate when none is sent. */
  generatedClientOrderId(): string {
    return `mock${++this.#generatedIds}`
  }
}

/** `lots` of the base asset in balance units. */
function baseUnitsOf(precision: InstrumentPrecision, lots: number): bigint {
  return toBalanceUnits(parseDecimal(precision.lotsToSize(lots)))
}
