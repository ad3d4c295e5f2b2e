import { formatDecimal } from '../../market/decimal.js'
import type { InstrumentPrecision } from '../../market/instrument-spec.js'
import { Liquidity, OrderStatus } from '../../schemas/index.js'
import type { Execution, OrderReport } from '../sim/venue-messages.js'
import { binanceStatusOf, expiredInMatch } from './binance-shapes.js'
import type { MockOrder } from './mock-account.js'

function executionTypeOf(report: OrderReport): string {
  // An order expired by self-trade prevention: Binance's execution type says so.
  if (expiredInMatch(report)) return 'TRADE_PREVENTION'
  switch (report.status) {
    case OrderStatus.Cancelled:
      return 'CANCELED'
    case OrderStatus.Expired:
      return 'EXPIRED'
    case OrderStatus.Rejected:
      return 'REJECTED'
    default:
      return 'NEW'
  }
}

/**
 * A user data stream `executionReport`: one per order report, `x: 'TRADE'`
 * with the fill's price, size, fee and trade id when the report is a fill.
 */
export function executionReportEvent(order: MockOrder, report: OrderReport, fill: Execution | undefined, precision: InstrumentPrecision, nowMs: number): object {
  const zero = '0'
  const cumQuote = formatDecimal(order.cumQuote.units, order.cumQuote.scale)
  const lastQuote = fill === undefined ? precision.notional(0, 0) : precision.notional(fill.priceTicks, fill.sizeLots)
  return {
    e: 'executionReport',
    E: nowMs,
    s: order.symbol,
    c: order.clientOrderId,
    S: order.side,
    o: order.type,
    f: order.timeInForce,
    q: precision.lotsToSize(order.sizeLots),
    p: order.type === 'MARKET' ? zero : precision.ticksToPrice(order.priceTicks),
    P: zero,
    F: zero,
    g: -1,
    C: '',
    x: fill === undefined ? executionTypeOf(report) : 'TRADE',
    X: binanceStatusOf(report),
    r: 'NONE',
    i: order.orderId,
    l: fill === undefined ? zero : precision.lotsToSize(fill.sizeLots),
    z: precision.lotsToSize(report.filledLots),
    L: fill === undefined ? zero : precision.ticksToPrice(fill.priceTicks),
    n: fill === undefined ? zero : formatDecimal(fill.feeQuoteUnits, precision.spec.quoteDecimals),
    N: fill === undefined ? null : precision.spec.quote,
    T: nowMs,
    t: fill === undefined ? -1 : fill.tradeId,
    v: 0,
    I: 0,
    w: report.status === OrderStatus.Acknowledged || report.status === OrderStatus.PartiallyFilled,
    m: fill !== undefined && fill.liquidity === Liquidity.Maker,
    M: false,
    O: order.createdMs,
    Z: cumQuote,
    Y: formatDecimal(lastQuote.units, lastQuote.scale),
    Q: zero,
    W: order.createdMs,
    V: 'NONE',
  }
}
