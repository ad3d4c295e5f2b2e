import { describe, expect, it } from 'vitest'
import createDataFeeds from '../../src/agents/data-feeds/index.js'
import createFailurePrevention from '../../src/agents/failure-prevention/index.js'
import createMarketConditions from '../../src/agents/market-conditions/index.js'
import { CycleStep } from '../../src/cycle/steps.js'
import { command, inProcessEngine } from './context.js'

describe('failure_prevention', () => {
  it('calls the feed stale once nothing new reached the market-conditions board for staleFeedMs, counting from the start before the first board', async () => {
    const engine = inProcessEngine({ data_feeds: { instruments: ['BTC-USDT'], venues: ['a'] }, failure_prevention: { staleFeedMs: 2_000 } })
    const feedsCtx = engine.context('data_feeds', { seed: 5, updatesPerStep: 5 })
    const conditionsCtx = engine.context('market_conditions')
    const ctx = engine.context('failure_prevention')
    const [feeds, conditions, failures] = [createDataFeeds(), createMarketConditions(), createFailurePrevention()]
    await feeds.init(feedsCtx as never, undefined)
    await conditions.init(conditionsCtx, undefined)
    await failures.init(ctx as never, undefined)
    const monitor = async (cycle: number) => {
      await failures.step(command(cycle, CycleStep.Monitor), ctx as never)
      return failures.health!()['staleFeed']
    }

    // The first cycle, before any board: not stale yet.
    expect(await monitor(1)).toBe(false)
    engine.clock.advanceNs(2_500e6)
    expect(await monitor(2)).toBe(true)
    expect(ctx.counters['stale_feed_checks']).toBe(1)

    // Conditions publish from the feed: fresh again.
    await feeds.step(command(3, CycleStep.Sense), feedsCtx as never)
    await conditions.step(command(3, CycleStep.Sense), conditionsCtx)
    expect(await monitor(3)).toBe(false)
    engine.clock.advanceNs(2_500e6)
    expect(await monitor(4)).toBe(true)
    expect(ctx.counters['stale_feed_checks']).toBe(2)
    await feeds.stop?.()
  })
})
