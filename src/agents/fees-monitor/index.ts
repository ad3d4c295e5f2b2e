import { Builder } from 'flatbuffers'
import { Board, BoardWriter } from '../../boards/index.js'
import { formatTotals, Ledger, netPnl, strategyProfitability, unitsHalfEven, venueFeeAccountsOf, type FeeCheck, type LedgerSnapshot, type VenueFeeAccount } from '../../accounting/index.js'
import { epochNsOf, monotonicClock, type Clock } from '../../clock/clock.js'
import { formatDecimal } from '../../market/decimal.js'
import type { InstrumentPrecision } from '../../market/instrument-spec.js'
import { averageEntryTicks } from '../../accounting/position.js'
import { VenueBooks } from '../../market/book/index.js'
import { instrumentPrecisionsOf, universeOf } from '../../market/instruments.js'
import { replayConsumed, RingConsumer, type RingBuffer } from '../../ring/index.js'
import { AccountState, BookDelta, Fill, Liquidity, MessageType, Position, VenueFeeStanding } from '../../schemas/index.js'
import type { Agent } from '../agent.js'
import { CycleStep } from '../../cycle/steps.js'

interface Snapshot {
  ledger: LedgerSnapshot
  feesMaker: string
  feesTaker: string
  /** Per venue, the days of its 30-day volume: the tier survives a restart. */
  feeVolumes?: Array<Array<[number, string]>>
  /** The next fill to read: a restarted monitor books again what it read after the snapshot. */
  fillsMark: number
}

/**
 * fees_monitor: books every fill on the fill ring into the exact ledger
 * (positions, average price, realized and unrealized PnL, fees, per
 * strategy and in total, bigint throughout) and, in the monitor step,
 * marks every position at its venue's mid (from the L2 books the market ring
 * draws; the last fill price where a book does not show both sides),
 * publishes the account state board (one row per strategy, venue and
 * instrument) and reports each strategy's profitability net of fees.
 *
 * It also keeps each venue's fee standing: every fill's notional counts
 * toward the venue's 30-day volume, its fee is checked against the tier in
 * force before it (a difference is counted and logged: a wrong table, a
 * missed tier change or a venue error), and the board carries each venue's
 * tier, which execution prices the router's lots with.
 */
export default function createFeesMonitor(): Agent<Snapshot> {
  let fills: RingConsumer
  let market: RingConsumer
  let books: VenueBooks
  let ledger: Ledger
  let board: BoardWriter
  const fill = new Fill()
  const delta = new BookDelta()
  const builder = new Builder(4096)
  let counters: Record<string, number> = {}
  let feeAccounts: VenueFeeAccount[] = []
  let clock: Clock = monotonicClock
  let precisions: readonly InstrumentPrecision[] = []
  let logMismatch = (_check: FeeCheck, _venueId: number): void => {}
  let feesMaker = 0n
  let feesTaker = 0n
  let logError = (_err: unknown): void => {}

  const onMessage = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type !== MessageType.Fill) return
    fill.__init(offset, ring.byteBuffer)
    const fee = BigInt(fill.feeQuoteUnits())
    try {
      ledger.apply({
        strategyId: fill.strategyId(),
        venueId: fill.venueId(),
        instrumentId: fill.instrumentId(),
        side: fill.side(),
        liquidity: fill.liquidity(),
        priceTicks: fill.priceTicks(),
        sizeLots: fill.sizeLots(),
        feeQuoteUnits: fee,
      })
      ledger.mark(fill.venueId(), fill.instrumentId(), fill.priceTicks())
    } catch (err) {
      // A fill the ledger cannot book is counted and logged, never dropped silently, never fatal to the rest.
      if ((counters['fills_refused'] ?? 0) === 0) logError(err)
      counters['fills_refused'] = (counters['fills_refused'] ?? 0) + 1
      return
    }
    if (fill.liquidity() === Liquidity.Maker) feesMaker += fee
    else feesTaker += fee
    counters['fills'] = (counters['fills'] ?? 0) + 1
    checkFee(fee)
  }

  /** The fill's fee against its venue's tier; the ledger accepted the fill, so its instrument is known. */
  const checkFee = (charged: bigint): void => {
    const account = feeAccounts[fill.venueId() - 1]
    const precision = precisions[fill.instrumentId()]!
    if (account === undefined) {
      counters['fees_unchecked'] = (counters['fees_unchecked'] ?? 0) + 1
      return
    }
    const notional = precision.notional(fill.priceTicks(), fill.sizeLots())
    const check = account.record(epochNsOf(fill.tsNs()), notional, fill.liquidity(), precision.spec.quoteDecimals, charged)
    counters['fee_checks'] = (counters['fee_checks'] ?? 0) + 1
    if (check.expectedFeeQuoteUnits === check.chargedFeeQuoteUnits) return
    if ((counters['fee_mismatches'] ?? 0) === 0) logMismatch(check, fill.venueId())
    counters['fee_mismatches'] = (counters['fee_mismatches'] ?? 0) + 1
  }

  const onMarket = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type !== MessageType.BookDelta) return
    delta.__init(offset, ring.byteBuffer)
    books.apply(delta.instrumentId(), delta.venueId(), delta.side(), delta.action(), delta.priceTicks(), delta.sizeLots(), delta.venueSequence(), delta.firstVenueSequence())
  }

  /** The marks first, then the fills: what came since the last read. */
  const readRings = (): void => {
    market.drain(onMarket)
    fills.drain(onMessage)
  }

  /** Each open position at its venue's mid, where the book shows one; else it keeps its last fill's mark. */
  const markAtMids = (): void => {
    for (const p of ledger.positions()) {
      const book = books.book(p.instrumentId, p.venueId)
      const bid = book?.bestBidTicks() ?? NaN
      const ask = book?.bestAskTicks() ?? NaN
      if (bid > 0 && ask > bid) {
        ledger.markMid(p.venueId, p.instrumentId, bid, ask)
        counters['marks_at_mid'] = (counters['marks_at_mid'] ?? 0) + 1
      } else if (p.netLots !== 0n) {
        counters['marks_at_last_fill'] = (counters['marks_at_last_fill'] ?? 0) + 1
      }
    }
  }

  const publish = (cycle: number, nowNs: number): void => {
    builder.clear()
    const rows: number[] = []
    for (const p of ledger.positions()) {
      const totals = ledger.positionTotals(p)
      const decimals = totals.quoteDecimals
      const average = averageEntryTicks(p)
      rows.push(
        Position.createPosition(
          builder,
          p.instrumentId,
          p.venueId,
          Number(p.netLots),
          average === undefined ? 0 : Number(average.numerator) / Number(average.denominator),
          Number(unitsHalfEven(totals.realized, decimals)),
          Number(unitsHalfEven(totals.fees, decimals)),
          p.strategyId,
          Number(unitsHalfEven(totals.unrealized, decimals)),
        ),
      )
    }
    // Amounts of different quote currencies are never added: equity is only a number when there is one.
    const byQuote = [...ledger.totals().values()]
    const equity = byQuote.length === 1 ? Number(unitsHalfEven(netPnl(byQuote[0]!), byQuote[0]!.quoteDecimals)) : byQuote.length === 0 ? 0 : NaN
    const positions = AccountState.createPositionsVector(builder, rows)
    // Structs of a vector are written last first.
    AccountState.startVenueFeesVector(builder, feeAccounts.length)
    const epochNs = epochNsOf(nowNs)
    for (let k = feeAccounts.length - 1; k >= 0; k--) {
      const tier = feeAccounts[k]!.currentTier(epochNs)
      const volume = feeAccounts[k]!.volume.total(epochNs)
      VenueFeeStanding.createVenueFeeStanding(builder, k + 1, tier.tierIndex, tier.makerBps, tier.takerBps, Number(formatDecimal(volume.units, volume.scale)))
    }
    const venueFees = builder.endVector()
    builder.finish(AccountState.createAccountState(builder, cycle, nowNs, positions, equity, venueFees))
    board.publishBuilder(builder)
  }

  return {
    init(ctx, restored) {
      const options = { instruments: instrumentPrecisionsOf(ctx.engineConfig) }
      precisions = options.instruments
      clock = ctx.clock
      feeAccounts = venueFeeAccountsOf(ctx.engineConfig, epochNsOf(ctx.clock.nowNs()), restored?.feeVolumes)
      logMismatch = (check, venueId) =>
        ctx.logger.warn(
          { venueId, tierIndex: check.tier.tierIndex, bps: check.bps, expected: check.expectedFeeQuoteUnits.toString(), charged: check.chargedFeeQuoteUnits.toString() },
          "a fill's fee differs from the venue's fee tier (first of its kind; further ones are counted in fee_mismatches)",
        )
      ledger = restored === undefined ? new Ledger(options) : Ledger.fromSnapshot(options, restored.ledger)
      fills = new RingConsumer(ctx.rings.fills!, ctx.consumerIds.fills!)
      market = new RingConsumer(ctx.rings.market!, ctx.consumerIds.market!)
      const universe = universeOf(ctx.engineConfig)
      books = new VenueBooks(universe.instruments.length, universe.venues.length)
      board = new BoardWriter(Board.attach(ctx.boards['account_state']!))
      counters = ctx.counters
      // Shown from the start: a zero here is the check passing, not the check missing.
      counters['fee_checks'] ??= 0
      counters['fee_mismatches'] ??= 0
      logError = (err) => ctx.logger.error({ err }, 'fill refused by the ledger (first of its kind; further ones are counted)')
      if (restored !== undefined) {
        feesMaker = BigInt(restored.feesMaker)
        feesTaker = BigInt(restored.feesTaker)
        // The fills read after the snapshot are in no ledger yet: booked now, once.
        const replayed = replayConsumed(fills, restored.fillsMark, onMessage)
        if (replayed === undefined) {
          counters['restart_journal_lost'] = (counters['restart_journal_lost'] ?? 0) + 1
          ctx.logger.error({ mark: restored.fillsMark, next: fills.next }, 'fees_monitor restarted: the fill ring moved on past the snapshot; fills read since are not in the ledger')
        } else counters['restart_fills_replayed'] = replayed
      }
    },
    step(command, ctx) {
      readRings()
      if (command.step === CycleStep.Monitor) {
        markAtMids()
        publish(command.cycle, ctx.clock.nowNs())
      }
    },
    stop() {
      // It stops after the adapters: the venues' last answers (fills of the
      // orders in flight, execution's shutdown cancels) are on the ring now.
      readRings()
      markAtMids()
    },
    health: () => ({
      feesMakerQuoteUnits: feesMaker.toString(),
      feesTakerQuoteUnits: feesTaker.toString(),
      totals: [...ledger.totals().values()].map(formatTotals),
      strategies: strategyProfitability(ledger),
      venueFees: feeAccounts.map((account, k) => {
        const { tierIndex, makerBps, takerBps } = account.currentTier(epochNsOf(clock.nowNs()))
        return { venueId: k + 1, tierIndex, makerBps, takerBps, ...account.counts }
      }),
    }),
    snapshot: () => ({
      ledger: ledger.snapshot(),
      feesMaker: feesMaker.toString(),
      feesTaker: feesTaker.toString(),
      feeVolumes: feeAccounts.map((account) => account.volume.toSnapshot()),
      fillsMark: fills.next,
    }),
  }
}
