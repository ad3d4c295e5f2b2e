import { Board, BoardReader } from '../../boards/index.js'
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
import { instrumentScaleOf, PreTradeCheck, type PreTradeLimits } from '../risk-management/pre-trade-check.js'
import { FastPathTrader, writeFastPathOrder } from './fast-path-trader.js'
import { MeanReversion } from './mean-reversion.js'

/** Fast-path order ids: their own range, apart from risk's parents and execution's children. */
const FIRST_FAST_PATH_ID = 2 ** 41

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

  constructor(ctx: AgentContext, strategyId: number, firstOrderId: number | undefined) {
    const engine = ctx.engineConfig as unknown as WavesConfig
    const universe = universeOf(ctx.engineConfig)
    this.books = new VenueBooks(universe.instruments.length, universe.venues.length)
    const scales = instrumentPrecisionsOf(ctx.engineConfig).map(instrumentScaleOf)
    this.#check = { current: new PreTradeCheck(engine.risk_management, scales) }
    this.#limits = new BoardReader(Board.attach(ctx.boards['risk_limits']!))
    const executor = loadExecutor()
    const input = new RouterInput(universe.venues.length, { takerBps: engine.fees_monitor.takerFeeBps, makerBps: engine.fees_monitor.makerFeeBps })
    for (let v = 0; v < universe.venues.length; v++) input.setLatencyMs(v, (2 * engine.adapters.simOrderLatencyUs) / 1000)
    this.#input = input
    this.#venueFees = new VenueFeeFollower(ctx.boards['account_state']!, ctx.engineConfig, ctx.clock.nowNs())
    this.#venueFees.applyTo(input)
    const ring = new SingleProducerSequencer(ctx.rings.fast!)
    const order = new Order()
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
      firstOrderId: firstOrderId ?? FIRST_FAST_PATH_ID,
    })
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

  /** A tick on an instrument: the trader's turn, when armed. Returns orders sent. */
  onTick(instrumentId: number, tickTsNs: number, nowNs: number): number {
    if (!this.armed) return 0
    return this.trader.onTick(instrumentId, tickTsNs, nowNs)
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
