import { Board, BoardReader } from '../../boards/index.js'
import type { Clock } from '../../clock/clock.js'
import { LatencyHistogram } from '../../metrics/latency-histogram.js'
import type { WavesConfig } from '../../config/index.js'
import { VenueBooks } from '../../market/book/index.js'
import { instrumentPrecisionsOf, universeOf } from '../../market/instruments.js'
import { loadExecutor } from '../../native/index.js'
import { RouterInput } from '../../native/router-input.js'
import { VenueFeeFollower } from '../../accounting/venue-fee-follower.js'
import { SingleProducerSequencer } from '../../ring/index.js'
import { VenueHealthBoard } from '../../venues/health/index.js'
import { MessageType, Order, RiskLimits } from '../../schemas/index.js'
import type { AgentContext } from '../agent.js'
import { catchUpOnApprovals } from '../risk-management/approvals-since.js'
import { instrumentScaleOf, PreTradeCheck, type PreTradeLimits, type PreTradeState } from '../risk-management/pre-trade-check.js'
import { FastPathTrader, writeFastPathOrder } from './fast-path-trader.js'
import { MeanReversion } from './mean-reversion.js'

/** Fast-path order ids: their own range, apart from risk's parents and execution's children. */
const FIRST_FAST_PATH_ID = 2 ** 41

/** What a restarted fast path goes on from: its own pre-trade counts, its next order id, and where it stood on the fast ring. */
export interface FastPathState {
  nextOrderId: number
  check: PreTradeState
  mark: number
}

/**
 * The strategy engine's fast path as the engine runs it: the trader over the
 * venue books the market ring draws, its orders written to the fast ring for
 * the adapters, and its limits those risk last published. It trades only
 * while armed: the last learn step saw a risk verdict and no safe mode, and
 * the limits board has no kill switch.
 */
export class FastPathWiring {
  readonly books: VenueBooks
  readonly trader: FastPathTrader
  readonly #limits: BoardReader
  readonly #check: { current: PreTradeCheck }
  readonly #input: RouterInput
  readonly #venueFees: VenueFeeFollower
  #armed = false
  #limitsVersion = -1
  #killSwitch = false

  readonly #ring: SingleProducerSequencer
  readonly #clock: Clock
  /** Tick to orders sent, per tick that sent any. */
  readonly tickToOrder = new LatencyHistogram()

  constructor(ctx: AgentContext, strategyId: number, restored: FastPathState | undefined) {
    const engine = ctx.engineConfig as unknown as WavesConfig
    this.#clock = ctx.clock
    const universe = universeOf(ctx.engineConfig)
    this.books = new VenueBooks(universe.instruments.length, universe.venues.length)
    const scales = instrumentPrecisionsOf(ctx.engineConfig).map(instrumentScaleOf)
    this.#check = { current: restored === undefined ? new PreTradeCheck(engine.risk_management, scales) : PreTradeCheck.fromState(engine.risk_management, scales, restored.check) }
    this.#limits = new BoardReader(Board.attach(ctx.boards['risk_limits']!))
    const executor = loadExecutor()
    const input = new RouterInput(universe.venues.length, { takerBps: engine.fees_monitor.takerFeeBps, makerBps: engine.fees_monitor.makerFeeBps })
    for (let v = 0; v < universe.venues.length; v++) input.setLatencyMs(v, (2 * engine.adapters.simOrderLatencyUs) / 1000)
    this.#input = input
    this.#venueFees = new VenueFeeFollower(ctx.boards['account_state']!, ctx.engineConfig, ctx.clock.nowNs())
    this.#venueFees.applyTo(input)
    const ring = (this.#ring = new SingleProducerSequencer(ctx.rings.fast!))
    const order = new Order()
    const firstOrderId = restored === undefined ? FIRST_FAST_PATH_ID : this.#caughtUp(restored, ctx)
    const check = this.#check
    this.trader = new FastPathTrader({
      strategy: new MeanReversion(universe.instruments.length),
      get check() {
        return check.current
      },
      router: executor.createRouter({ adverseTicksPerMs: engine.execution.adverseTicksPerMs }),
      books: this.books,
      input,
      // A venue the adapters marked down gets no levels: the fast path trades on the others.
      venues: VenueHealthBoard.attach(ctx.venueHealth),
      send: (o) => {
        const s = ring.tryClaim(1)
        if (s < 0) return false
        writeFastPathOrder(order.__init(ring.setHeader(s, Order.sizeOf(), MessageType.Order), ring.ring.byteBuffer), o, strategyId)
        ring.publish(s)
        return true
      },
      firstOrderId,
    })
  }

  state(): FastPathState {
    return { nextOrderId: this.trader.nextOrderId, check: this.#check.current.state(), mark: this.#ring.next }
  }

  /**
   * After a restart: the orders the last thread sent after its snapshot
   * (still on the fast ring) count against its checks, and ids go on past
   * the newest sent. Returns the next order id.
   */
  #caughtUp(restored: FastPathState, ctx: AgentContext): number {
    const caught = catchUpOnApprovals(this.#ring, restored.mark, this.#check.current, restored.nextOrderId)
    if (caught.replayed === undefined) {
      ctx.counters['fast_path_journal_lost'] = (ctx.counters['fast_path_journal_lost'] ?? 0) + 1
      ctx.logger.error({ mark: restored.mark, next: this.#ring.next }, 'fast path restarted: the fast ring moved on past the snapshot; orders sent since are not counted in its positions')
    }
    return caught.nextId
  }

  get armed(): boolean {
    return this.#armed && !this.#killSwitch
  }

  /** At the learn step: trade until the next one only if this cycle had a risk verdict and no breaker is open. */
  arm(riskVerdict: boolean, safeMode: boolean): void {
    this.#armed = riskVerdict && !safeMode
    this.#refreshLimits()
    this.#venueFees.applyTo(this.#input)
  }

  /** Between ticks, while armed: the trader's path run without sending (see `FastPathTrader.rehearse`). */
  rehearse(): void {
    if (this.armed) this.trader.rehearse()
  }

  /** A tick on an instrument: the trader's turn, when armed. Returns orders sent. */
  onTick(instrumentId: number, tickTsNs: number, nowNs: number): number {
    if (!this.armed) return 0
    const sent = this.trader.onTick(instrumentId, tickTsNs, nowNs)
    // From the tick's own time to its orders on the fast ring: the feed's hop, the wake-up and the decision.
    if (sent > 0) this.tickToOrder.recordNs(this.#clock.nowNs() - tickTsNs)
    return sent
  }

  #refreshLimits(): void {
    if (!this.#limits.changedSince(this.#limitsVersion)) return
    this.#limitsVersion = this.#limits.version
    this.#limits.readWith((bb) => {
      const board = RiskLimits.getRootAsRiskLimits(bb)
      this.#killSwitch = board.killSwitch()
      const limits: PreTradeLimits = {
        maxOrderNotional: board.maxOrderNotional(),
        maxPosition: board.maxPosition(),
        maxOrdersPerSecond: board.maxOrdersPerSecond(),
      }
      this.#check.current = this.#check.current.withLimits(limits)
    })
  }
}
