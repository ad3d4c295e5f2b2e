import { Board, BoardReader } from '../../boards/index.js'
import { MarketConditions, Regime, RiskLimits } from '../../schemas/index.js'
import type { Agent } from '../agent.js'

/**
 * agent_io: the engine's voice outward. In the report step it reads the
 * boards and writes a compact cycle report to the log (debug level). The
 * Redis bridge (events on Streams, snapshots, shared risk state) comes with
 * the persistence capability.
 */
export default function createAgentIo(): Agent {
  let conditions: BoardReader
  let risk: BoardReader

  return {
    init(ctx) {
      conditions = new BoardReader(Board.attach(ctx.boards['market_conditions']!))
      risk = new BoardReader(Board.attach(ctx.boards['risk_limits']!))
    },
    step(command, ctx) {
      const regimes = conditions.readWith((bb) => {
        const board = MarketConditions.getRootAsMarketConditions(bb)
        return Array.from({ length: board.instrumentsLength() }, (_, i) => Regime[board.instruments(i)!.regime()])
      })
      const approved = risk.readWith((bb) => {
        const board = RiskLimits.getRootAsRiskLimits(bb)
        return board.cycle() === command.cycle ? board.approvedIntentsLength() : 0
      })
      ctx.logger.debug({ cycle: command.cycle, regimes, approved, riskVerdict: command.riskVerdict, safeMode: command.safeMode }, 'cycle report')
      ctx.counters['reports'] = (ctx.counters['reports'] ?? 0) + 1
    },
  }
}
