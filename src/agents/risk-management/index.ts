import { Builder } from 'flatbuffers'
import { Board, BoardWriter } from '../../boards/index.js'
import { RingConsumer, SingleProducerSequencer, type RingBuffer } from '../../ring/index.js'
import { ApprovedIntent, MessageType, Order, OrderIntent, RiskLimits } from '../../schemas/index.js'
import type { WavesConfig } from '../../config/index.js'
import type { Agent } from '../agent.js'
import { instrumentPrecisionsOf } from '../../market/instruments.js'
import { catchUpOnApprovals } from './approvals-since.js'
import { instrumentScaleOf, PreTradeCheck, type InstrumentScale, type PreTradeState } from './pre-trade-check.js'

type RiskConfig = WavesConfig['risk_management']

/**
 * What a restarted risk_management goes on from: the positions and rate
 * budget its checks counted, the next client order id, and where it stood
 * on the orders ring, so the orders it approved after the snapshot (still
 * on the ring, which outlives the thread) are counted too and their ids
 * never handed out twice.
 */
interface Snapshot {
  nextClientOrderId: number
  check: PreTradeState
  ordersMark: number
}

/**
 * risk_management: judges every intent on the intent ring with the
 * pre-trade checks, sends approved ones to execution as orders stamped with
 * this cycle, and publishes the risk-limits board with what it approved.
 * Its step is fail-closed: if it does not answer in time, the coordinator
 * gives execution no verdict and no new order goes out.
 */
export default function createRiskManagement(): Agent<Snapshot, RiskConfig> {
  let consumer: RingConsumer
  let orders: SingleProducerSequencer
  let board: BoardWriter
  let check: PreTradeCheck | undefined
  let limits: RiskConfig
  const intent = new OrderIntent()
  const order = new Order()
  const builder = new Builder(1024)
  let nextClientOrderId = 1
  let counters: Record<string, number> = {}
  let nowNs = (): number => 0
  let cycle = 0
  const approved: Array<{ intentId: number; instrumentId: number; side: number; size: number; price: number }> = []

  const onIntent = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type !== MessageType.OrderIntent) return
    intent.__init(offset, ring.byteBuffer)
    const fields = { instrumentId: intent.instrumentId(), side: intent.side(), priceTicks: intent.priceTicks(), sizeLots: intent.sizeLots() }
    const rejection = check!.check(fields, nowNs())
    if (rejection !== undefined) {
      counters[`rejected_${rejection}`] = (counters[`rejected_${rejection}`] ?? 0) + 1
      return
    }
    const s = orders.tryClaim(1)
    if (s < 0) {
      counters['dropped_ring_full'] = (counters['dropped_ring_full'] ?? 0) + 1
      return
    }
    order.__init(orders.setHeader(s, Order.sizeOf(), MessageType.Order), orders.ring.byteBuffer)
    order.mutate_ts_ns(nowNs())
    order.mutate_client_order_id(nextClientOrderId++)
    order.mutate_intent_id(intent.intentId())
    order.mutate_instrument_id(fields.instrumentId)
    order.mutate_risk_cycle(cycle)
    order.mutate_venue_id(0)
    order.mutate_side(fields.side)
    order.mutate_order_type(intent.orderType())
    order.mutate_time_in_force(intent.timeInForce())
    order.mutate_price_ticks(fields.priceTicks)
    order.mutate_size_lots(fields.sizeLots)
    order.mutate_strategy_id(intent.strategyId())
    orders.publish(s)
    approved.push({ intentId: intent.intentId(), instrumentId: fields.instrumentId, side: fields.side, size: fields.sizeLots, price: fields.priceTicks })
    counters['approved'] = (counters['approved'] ?? 0) + 1
  }

  let scales: InstrumentScale[] = []
  /**
   * Counts what the last thread approved after its snapshot: the orders it
   * wrote on the ring since `mark`. The ring's newest order, always there,
   * fixes the next id even when older ones were written over.
   */
  const replayApproved = (mark: number, logger: { error: (o: object, m: string) => void }): void => {
    const caught = catchUpOnApprovals(orders, mark, check!, nextClientOrderId)
    nextClientOrderId = caught.nextId
    if (caught.replayed !== undefined) {
      counters['restart_approvals_replayed'] = caught.replayed
      return
    }
    counters['restart_journal_lost'] = (counters['restart_journal_lost'] ?? 0) + 1
    logger.error({ mark, next: orders.next }, 'risk restarted: the orders ring moved on past the snapshot; orders approved since are not counted in positions')
  }

  const readLimits = (c: RiskConfig): void => {
    limits = c
    // Positions counted so far carry over to the new limits.
    check = check === undefined ? new PreTradeCheck(limits, scales) : check.withLimits(limits)
  }

  return {
    init(ctx, restored) {
      scales = instrumentPrecisionsOf(ctx.engineConfig).map(instrumentScaleOf)
      if (restored !== undefined) check = PreTradeCheck.fromState(ctx.config, scales, restored.check)
      readLimits(ctx.config)
      consumer = new RingConsumer(ctx.rings.intents!, ctx.consumerIds.intents!)
      orders = new SingleProducerSequencer(ctx.rings.orders!)
      board = new BoardWriter(Board.attach(ctx.boards['risk_limits']!))
      counters = ctx.counters
      nowNs = () => ctx.clock.nowNs()
      if (restored !== undefined) {
        nextClientOrderId = restored.nextClientOrderId
        replayApproved(restored.ordersMark, ctx.logger)
      }
    },
    step(command, ctx) {
      cycle = command.cycle
      approved.length = 0
      consumer.drain(onIntent)
      builder.clear()
      RiskLimits.startApprovedIntentsVector(builder, approved.length)
      for (let i = approved.length - 1; i >= 0; i--) {
        const a = approved[i]!
        ApprovedIntent.createApprovedIntent(builder, a.intentId, a.instrumentId, a.side, a.size, a.price)
      }
      const vector = builder.endVector()
      builder.finish(
        RiskLimits.createRiskLimits(builder, command.cycle, ctx.clock.nowNs(), command.safeMode, limits.maxOrderNotional, limits.maxPosition, limits.maxGrossExposure, limits.priceCollarBps, limits.maxOrdersPerSecond, vector),
      )
      board.publishBuilder(builder)
    },
    configure(ctx) {
      readLimits(ctx.config)
    },
    health: () => ({ limits }),
    snapshot: () => ({ nextClientOrderId, check: check!.state(), ordersMark: orders.next }),
  }
}
