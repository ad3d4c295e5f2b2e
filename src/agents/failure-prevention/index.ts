import { Board, BoardReader } from '../../boards/index.js'
import { MarketConditions } from '../../schemas/index.js'
import type { WavesConfig } from '../../config/index.js'
import type { Agent } from '../agent.js'

type FailurePreventionConfig = WavesConfig['failure_prevention']

/** Anomaly score (robust z) above which an instrument's last move counts as an anomaly. */
const ANOMALY_SCORE = 6

/**
 * failure_prevention: in the monitor step, watches the market-conditions
 * board for a stale feed (nothing newer than staleFeedMs) and for anomalous
 * moves, counts each, and reports the breakers' state in its health. Loss
 * limit, reject-streak and latency breakers, and the kill switch they throw,
 * come with the risk capability.
 */
export default function createFailurePrevention(): Agent<unknown, FailurePreventionConfig> {
  let conditions: BoardReader
  let staleFeedMs = 0
  let staleFeed = false
  let lastAgeMs = 0
  let anomalies = 0
  /** Before the first board, the feed's age counts from the start: a run's first cycle is not a stale feed. */
  let startNs = 0

  return {
    init(ctx) {
      conditions = new BoardReader(Board.attach(ctx.boards['market_conditions']!))
      staleFeedMs = ctx.config.staleFeedMs
      startNs = ctx.clock.nowNs()
    },
    step(_command, ctx) {
      const nowNs = ctx.clock.nowNs()
      const seen = conditions.readWith((bb) => {
        const board = MarketConditions.getRootAsMarketConditions(bb)
        let anomalous = 0
        for (let i = 0; i < board.instrumentsLength(); i++) if (board.instruments(i)!.anomalyScore() > ANOMALY_SCORE) anomalous++
        return { producedNs: board.producedNs(), anomalous }
      })
      lastAgeMs = (nowNs - (seen?.producedNs ?? startNs)) / 1e6
      const stale = lastAgeMs > staleFeedMs
      if (stale && !staleFeed) ctx.logger.warn({ ageMs: lastAgeMs, staleFeedMs }, 'market data is stale')
      staleFeed = stale
      if (stale) ctx.counters['stale_feed_checks'] = (ctx.counters['stale_feed_checks'] ?? 0) + 1
      anomalies += seen?.anomalous ?? 0
      ctx.counters['anomalies'] = anomalies
    },
    health: () => ({ staleFeed, marketConditionsAgeMs: lastAgeMs, anomalies }),
  }
}
