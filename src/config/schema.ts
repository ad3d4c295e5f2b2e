import * as z from 'zod'
import { DEFAULT_INSTRUMENT_SPECS } from '../market/instrument-spec.js'
import { parseDecimal } from '../market/decimal.js'
import { VenueFeeTiers } from '../accounting/fee-schedule.js'
import type { WavesError } from '../errors/index.js'
import { PUBLISHED_FEE_SCHEDULES } from '../accounting/published-fee-schedules.js'
import { integer, list, number, samples, text, whenValid } from './fields.js'

/**
 * The one description of the engine's config. Every object is strict, so a
 * misspelt key is an error rather than a setting silently ignored. Values
 * computed from others (the cycle's period from a preset, step deadlines,
 * thread counts) are left out here and filled by `resolveConfig`.
 */

/** Period in ms each cycle preset stands for. */
export const PRESET_INTERVAL_MS = Object.freeze({ 'intra-minute': 1000, hourly: 3_600_000, daily: 86_400_000 })

export type CyclePreset = keyof typeof PRESET_INTERVAL_MS

/** Per-cycle steps that run under a deadline; the default deadline shares 80% of the period among them. */
export const DEADLINED_STEPS = 8

const cycle = z
  .strictObject({
    /** Cycle period, ms: an integer from 10 to 86_400_000. Default 1000, or the preset's period. */
    intervalMs: integer(10, 86_400_000).optional(),
    /** Named period: 'intra-minute' (1000 ms), 'hourly' or 'daily'. No default. */
    preset: z.enum(['intra-minute', 'hourly', 'daily']).optional(),
    /**
     * Deadline of each cycle step, ms. Default floor(intervalMs * 0.8 / 8), at least 1.
     * A step that began ahead of the cycle's deadline schedule also gets the
     * time earlier steps left unused, up to this much again.
     */
    stepDeadlineMs: integer(1).optional(),
    /** Time an agent gets to start, ms. Default 10_000. */
    initDeadlineMs: integer(1).default(10_000),
    /**
     * Node's and V8's background threads (garbage collection helpers,
     * compilers) and the compute pool's threads run at idle priority, so an
     * agent woken for its step never waits behind them (Linux, with the Rust
     * addon). Default true.
     */
    idleBackgroundThreads: z.boolean().default(true),
    /** V8's memory reducer in the agent threads: heap-shrinking collections that pause an idle agent for milliseconds. Default false. */
    memoryReducer: z.boolean().default(false),
  })
  .superRefine(
    (c, ctx) => {
      if (c.preset === undefined || c.intervalMs === undefined) return
      const presetMs = PRESET_INTERVAL_MS[c.preset]
      if (c.intervalMs === presetMs) return
      ctx.addIssue({
        code: 'custom',
        path: ['intervalMs'],
        message: `conflicts with cycle.preset ${JSON.stringify(c.preset)} (${presetMs} ms), got ${c.intervalMs}`,
      })
    },
    { when: whenValid('intervalMs', 'preset') },
  )

const redis = z.strictObject({
  /** Default '127.0.0.1'. */
  host: text().default('127.0.0.1'),
  /** 1 to 65535. Default 6379. */
  port: integer(1, 65_535).default(6379),
  /** Database index, 0 to 15. Default 0. */
  db: integer(0, 15).default(0),
  /** No default: no AUTH. */
  password: z.string().optional(),
  /** Default false. */
  tls: z.boolean().default(false),
  /** Prefix of every key the engine writes. Default 'waves:'. */
  keyPrefix: z.string().default('waves:'),
})

const restartBackoffMs = z
  .strictObject({
    /** First delay before restarting a crashed agent, ms. Default 100. */
    initial: integer(0).default(100),
    /** Ceiling the delay doubles up to, ms. Default 10_000. */
    max: integer(0).default(10_000),
  })
  .superRefine(
    (b, ctx) => {
      if (b.initial <= b.max) return
      ctx.addIssue({
        code: 'custom',
        path: ['initial'],
        message: `must not exceed supervision.restartBackoffMs.max (${b.max}), got ${b.initial}`,
      })
    },
    { when: whenValid('initial', 'max') },
  )

const supervision = z.strictObject({
  /** Delay before restarting a crashed agent, doubling from initial up to max. */
  restartBackoffMs: restartBackoffMs.prefault({}),
  /** Random spread of each restart delay, as a fraction of it: 0 to 1. Default 0.2. */
  jitter: number({ min: 0, max: 1 }).default(0.2),
  /** Stops restarting an agent that keeps crashing. */
  breaker: z
    .strictObject({
      /** Crashes within windowMs after which an agent stays down. Default 5. */
      maxCrashes: integer(1).default(5),
      /** Default 60_000. */
      windowMs: integer(1).default(60_000),
    })
    .prefault({}),
})

const compute = z.strictObject({
  /** Threads for parallel computation. Default max(1, available cores - 1), leaving one for the cycle. */
  maxThreads: integer(1).optional(),
})

/** Keys every agent section has. */
const agent = z.strictObject({
  /** Default true. */
  enabled: z.boolean().default(true),
  /** This agent's step deadline, ms, in place of cycle.stepDeadlineMs. Default cycle.stepDeadlineMs. */
  stepDeadlineMs: integer(1).optional(),
})

/** A decimal given as text, as venues publish it: '0.01', '1e-8'. */
const decimalText = (positive: boolean) =>
  z.string().superRefine((v, ctx) => {
    let ok = false
    try {
      const d = parseDecimal(v)
      ok = !positive || d.units > 0n
    } catch {
      ok = false
    }
    if (!ok) ctx.addIssue({ code: 'custom', input: v, params: { expected: positive ? 'a positive decimal as text' : 'a decimal as text' } })
  })

const instrumentSpec = z.strictObject({
  /** Base asset, e.g. 'BTC'. */
  base: text(),
  /** Quote asset, e.g. 'USDT': what prices, fees and cash are in. */
  quote: text(),
  /** Price increment, as text: '0.01'. */
  tickSize: decimalText(true),
  /** Size increment, as text: '0.00001'. */
  lotSize: decimalText(true),
  /** Decimals of the quote asset's smallest unit: 0 to 18. */
  quoteDecimals: integer(0, 18),
})

const dataFeeds = agent
  .extend({
    /**
     * Where market data comes from: 'synthetic' (a seeded L2 market),
     * 'replay' (replayFile), 'websocket' (websocketUrl, a Binance-shaped
     * stream), 'ccxt' (ccxt REST polling of ccxtExchange), 'ccxt-pro' (ccxt
     * pro `watch*` loops over its WebSockets). Default 'synthetic'.
     */
    source: z.enum(['synthetic', 'replay', 'websocket', 'ccxt', 'ccxt-pro']).default('synthetic'),
    /** Default ['BTC-USDT', 'ETH-USDT']. */
    instruments: list(text()).default(['BTC-USDT', 'ETH-USDT']),
    /** Default ['sim-a', 'sim-b']. */
    venues: list(text()).default(['sim-a', 'sim-b']),
    /** Seed of the synthetic feed. Default 1. */
    seed: integer().default(1),
    /** Recorded feed to replay. Required when source is 'replay'; no default. */
    replayFile: text().optional(),
    /**
     * What replayFile holds: 'lobster' (a LOBSTER message file), or a Binance
     * public-data CSV: 'aggTrades', 'trades', 'bookTicker', 'klines'. Default:
     * told by the file's name.
     */
    replayFormat: z.enum(['lobster', 'aggTrades', 'trades', 'bookTicker', 'klines']).optional(),
    /** The instrument replayFile is about, as the venue spells it. Default: told by the file's name. */
    replaySymbol: text().optional(),
    /** Replay pace: 1 keeps the recorded gaps, 10 is ten times faster, 0 as fast as the ring takes it. Default 1. */
    replaySpeed: number({ min: 0 }).default(1),
    /** A Binance-shaped market-data stream, e.g. 'wss://…/stream'. Required when source is 'websocket'. */
    websocketUrl: text().optional(),
    /** Streams to subscribe, e.g. 'btcusdt@trade', 'btcusdt@bookTicker', 'btcusdt@depth@100ms'. Default: trades and book tickers of every instrument. */
    websocketStreams: list(text()).optional(),
    /** The exchange a 'ccxt' or 'ccxt-pro' source reads, as ccxt names it. Default 'binance'. */
    ccxtExchange: z.enum(['binance']).default('binance'),
    /**
     * Spot REST base of a Binance-shaped server for the ccxt sources, e.g.
     * 'http://127.0.0.1:9000/api/v3'. No default: the real exchange. Every
     * other API of the client is sent to this server's /unexpected/ paths.
     */
    ccxtRestUrl: text().optional(),
    /** Stream base of that server for 'ccxt-pro', e.g. 'ws://127.0.0.1:9000/stream/ws'. Required with ccxtRestUrl for 'ccxt-pro'; no default. */
    ccxtWsUrl: text().optional(),
    /** How often the 'ccxt' source polls each instrument, ms. Default 1000. */
    ccxtPollIntervalMs: integer(1).default(1000),
    /** Book levels per side the ccxt sources fetch or watch. Default 20. */
    ccxtBookDepth: integer(1).default(20),
    /** The configured venue a replayed or streamed feed belongs to. Default the first of venues. */
    feedVenue: text().optional(),
    /** Scored headlines to replay, JSON lines. No default: no sentiment feed. */
    sentimentFile: text().optional(),
    /** Events older than this versus the clock are rejected as stale, ms. No default: no age check. */
    maxFeedAgeMs: integer(1).optional(),
    /**
     * Tick and lot of instruments beyond the built-in ones (BTC-USDT,
     * ETH-USDT, SOL-USDT, AAPL), or to override them, by instrument name.
     * Every instrument traded needs one. Default none.
     */
    instrumentSpecs: z.record(z.string(), instrumentSpec).default({}),
  })
  .superRefine(
    (f, ctx) => {
      if (f.source === 'replay' && f.replayFile === undefined) {
        ctx.addIssue({ code: 'custom', path: ['replayFile'], message: 'is required when data_feeds.source is "replay"' })
      }
      if (f.source === 'websocket' && f.websocketUrl === undefined) {
        ctx.addIssue({ code: 'custom', path: ['websocketUrl'], message: 'is required when data_feeds.source is "websocket"' })
      }
      if (f.source === 'ccxt-pro' && f.ccxtRestUrl !== undefined && f.ccxtWsUrl === undefined) {
        ctx.addIssue({ code: 'custom', path: ['ccxtWsUrl'], message: 'is required with ccxtRestUrl when data_feeds.source is "ccxt-pro"' })
      }
    },
    { when: whenValid('source', 'replayFile', 'websocketUrl', 'ccxtRestUrl', 'ccxtWsUrl') },
  )
  .superRefine(
    (f, ctx) => {
      if (f.feedVenue === undefined || f.venues.includes(f.feedVenue)) return
      ctx.addIssue({ code: 'custom', path: ['feedVenue'], message: `must be one of data_feeds.venues, got ${JSON.stringify(f.feedVenue)}` })
    },
    { when: whenValid('feedVenue', 'venues') },
  )
  .superRefine(
    (f, ctx) => {
      f.instruments.forEach((name, k) => {
        if (name in f.instrumentSpecs || name in DEFAULT_INSTRUMENT_SPECS) return
        ctx.addIssue({ code: 'custom', path: ['instruments', k], message: `has no tick and lot: add data_feeds.instrumentSpecs.${name}, got ${JSON.stringify(name)}` })
      })
    },
    { when: whenValid('instruments', 'instrumentSpecs') },
  )

const intelligence = agent.extend({
  /** Monte Carlo paths per cycle: 1 to 1_000_000. Default 2000. */
  scenarios: integer(1, 1_000_000).default(2000),
  /** Steps each path looks ahead. Default 60. */
  horizonSteps: integer(1).default(60),
})

const strategyEngine = agent.extend({
  /** Non-empty, of 'day', 'swing', 'hft'. Default all three. */
  horizons: list(z.enum(['day', 'swing', 'hft'])).default(['day', 'swing', 'hft']),
  /**
   * Trade on the fast path: between cycles, each tick on the market ring goes
   * through the strategy, an inline pre-trade check against the limits risk
   * last published, and the router, straight to the venues. Its orders have
   * their own position and rate budget under the same limits. Default false.
   */
  fastPath: z.boolean().default(false),
  /**
   * While fastPath is on, the agents on the fast path (strategy_engine,
   * execution, adapters) wake this often when no tick has come, ms, and
   * strategy_engine runs the path on its current books without sending
   * anything: a thread parked for a whole cycle wakes and runs cold, about
   * twice as slow from tick to order. Each costs ~2% of a core. 0 turns
   * it off. Default 1.
   */
  keepWarmMs: integer(0, 1_000).default(1),
})

const riskManagement = agent.extend({
  /** Largest notional of one order. Default 100_000. */
  maxOrderNotional: number({ min: 0, minExclusive: true }).default(100_000),
  /** Largest absolute position per instrument, in units. Default 10. */
  maxPosition: number({ min: 0, minExclusive: true }).default(10),
  /** Largest sum of absolute position notionals. Default 1_000_000. */
  maxGrossExposure: number({ min: 0, minExclusive: true }).default(1_000_000),
  /** Default 100. */
  maxOpenOrders: integer(1).default(100),
  /** Farthest an order's price may sit from the reference price, bps: above 0, at most 10_000. Default 500. */
  priceCollarBps: number({ min: 0, minExclusive: true, max: 10_000 }).default(500),
  /** Default 50. */
  maxOrdersPerSecond: integer(1).default(50),
})

const execution = agent.extend({
  /**
   * Where orders go: 'sim' (a sim venue per configured venue, matching
   * against the market ring) or 'ccxt:binance' (every configured venue is
   * that exchange, reached through ccxt; keys from WAVES_BINANCE_API_KEY and
   * WAVES_BINANCE_SECRET, never from this file). A value of this key rather
   * than a new section: the choice is one of destination, the rest of
   * execution (timeouts, routing) holds for either. Default 'sim'.
   */
  venue: z.enum(['sim', 'ccxt:binance']).default('sim'),
  /**
   * Time a child order, or a cancel of one, may go unanswered by its venue
   * before execution cancels it (again), ms. Default 5000.
   */
  orderTimeoutMs: integer(1).default(5000),
  /**
   * Longest a child of a good-till-cancel or day order may rest at a venue
   * before execution cancels it, ms; children of immediate-or-cancel and
   * fill-or-kill orders never rest. Default 2000.
   */
  childTimeoutMs: integer(1).default(2000),
  /**
   * The router's price of a venue's latency: expected adverse move, in ticks,
   * per millisecond of its measured round trip. Default 0.5.
   */
  adverseTicksPerMs: number({ min: 0 }).default(0.5),
  /** Completed orders each slippage percentile window holds: 1 to 1_048_576. Default 1000. */
  slippageWindowOrders: integer(1, 1_048_576).default(1000),
  /**
   * 'take': every parent takes what its limit reaches and rests the rest.
   * 'choose': a parent whose children may rest is first posted, post-only
   * at the touch on the cheapest maker venue, when the maker/taker choice
   * says posting is expected to cost less (spread, both fees, the measured
   * fill ratio of posted orders, adverse selection, miss cost); what it has
   * not filled when its rest time is over is then taken. Default 'take'.
   */
  liquidity: z.enum(['take', 'choose']).default('take'),
  /** The fill ratio posting assumes until posted orders have measured one: 0 to 1. Default 0.5. */
  postFillProbability: number({ min: 0, max: 1 }).default(0.5),
  /** Expected move away, bps of mid, before a posted order that did not fill is taken. Default 5. */
  missCostBps: number({ min: 0 }).default(5),
  /**
   * Expected move of the mid against a posted order once it fills, bps:
   * the prior, until maker fills have measured it over adverseHorizonMs. Default 0.
   */
  adverseSelectionBps: number({ min: 0 }).default(0),
  /** How long after a maker fill the mid is looked at again to measure adverse selection, ms. Default 1000. */
  adverseHorizonMs: integer(1).default(1000),
  /**
   * How often a parent's posted order may be cancelled to go again at the
   * touch when the touch moves away from it (within the parent's limit),
   * each time with the choice made again and its own rest time. Default 3.
   */
  maxReprices: integer(0).default(3),
})

const adapters = agent.extend({
  /**
   * Strategy-to-venue latency of the sim venues, µs: an order meets the book
   * as it is this long after it was sent. Default 250.
   */
  simOrderLatencyUs: integer(0).default(250),
  /** Venue-to-strategy latency of the sim venues' reports and fills, µs. Default simOrderLatencyUs. */
  simResponseLatencyUs: integer(0).optional(),
  /**
   * Round trips (send to acknowledgment) recorded against a real venue, µs:
   * when given, each hop of the sim venues (order out, answer back) is
   * drawn from them, half a round trip, in place of the two constants
   * above, so their tails come back as often as they were seen.
   */
  simRoundTripsUs: samples(number({ min: 0 })).optional(),
  /**
   * How late the strategy sees the market after the venue did, µs. The sim
   * venues read the same ring as the strategy, so this is folded into the
   * hops: an order reaches the venue this much later (it meets the book as
   * it had moved while the strategy's view was this stale) and its answers
   * come back this much sooner (they travel the venue's feed too), never
   * sooner than sent. Default 0.
   */
  simFeedLatencyUs: number({ min: 0 }).default(0),
  /** Seed of the draws from simRoundTripsUs: the same seed, the same latencies. Default 1. */
  simLatencySeed: integer(0).default(1),
  /**
   * Where in a price level's queue the sim venues take cancels from: 'back'
   * (pessimistic: a resting order never fills sooner than the market let it),
   * 'front' or 'proportional'. Default 'back'.
   */
  queueCancelModel: z.enum(['back', 'front', 'proportional']).default('back'),
  /**
   * What the sim venues do when an order would trade with another of the
   * engine's own: 'expire_maker' (the resting one expires, as Binance does by
   * default) or 'none' (they trade). Default 'expire_maker'.
   */
  selfTradePrevention: z.enum(['expire_maker', 'none']).default('expire_maker'),
  /**
   * Spot REST base of a Binance-shaped server the 'ccxt:binance' venue
   * trades on, e.g. 'http://127.0.0.1:9000/api/v3'. No default: the real
   * exchange. Every other API of the client goes to this server's
   * /unexpected/ paths, never out.
   */
  ccxtRestUrl: text().optional(),
  /** Per-request timeout of the ccxt venue, ms. Default 10_000. */
  ccxtTimeoutMs: integer(1).default(10_000),
  /** How often the ccxt venue's open orders and fills are polled to catch answers missed, ms. Default 1000. */
  ccxtPollIntervalMs: integer(1).default(1000),
  /**
   * Keep each ccxt venue's user data stream open (order updates and own
   * fills pushed over the venue's WebSocket API as they happen), polling
   * staying on as the backstop. Default true.
   */
  ccxtUserStreams: z.boolean().default(true),
  /**
   * Spot REST base of particular venues of 'ccxt:binance', by venue name, in
   * place of ccxtRestUrl: a backup venue as a session on another endpoint.
   * Names from data_feeds.venues. Default none.
   */
  ccxtVenueRestUrls: z.record(z.string(), text()).default({}),
  /**
   * Receive window of the ccxt venue's signed requests, ms: 1 to 60_000. The
   * venue refuses a request signed longer ago, so an order whose create
   * failed with the outcome unknown, and that the venue still does not know
   * this long (and a second) after the last attempt, was never placed: it is
   * answered Rejected and its lots go elsewhere. Default 10_000.
   */
  ccxtRecvWindowMs: integer(1, 60_000).default(10_000),
  /**
   * Consecutive failed calls to a venue (timeouts, 5xx, 429/418, malformed
   * answers, dropped connections, each after the adapter's own retries) that
   * open its breaker: the venue is marked down and orders go to the others.
   * Default 3.
   */
  venueBreakerFailures: integer(1).default(3),
  /** How long a venue's breaker stays open before one probe call may close it, ms. Default 5000. */
  venueBreakerCooldownMs: integer(1).default(5_000),
  /**
   * Venues an operator has taken down: they take no new orders (those on
   * their way are answered Rejected and re-routed) until the name is
   * removed, at run time too. Names from data_feeds.venues. Default none.
   */
  venuesDown: z.array(text()).default([]),
})

const feeTier = z.strictObject({
  /** 30-day volume at which the tier starts, decimal text: '0' for the first. */
  minVolume30d: decimalText(false),
  /** Negative for a rebate. */
  makerBps: number({ min: -10_000, max: 10_000 }),
  takerBps: number({ min: -10_000, max: 10_000 }),
})

/** One venue's fee tiers: a published schedule by name, or the venue's own table. */
const venueFees = z
  .strictObject({
    /** A published table by name: binance-spot, kraken-pro. */
    schedule: z.enum(Object.keys(PUBLISHED_FEE_SCHEDULES) as [string, ...string[]]).optional(),
    /** The venue's own table, lowest threshold first, the first at '0'. */
    tiers: list(feeTier).optional(),
    /** What the thresholds count in. Default 'USD' (fills in a USD stablecoin count at par). */
    volumeCurrency: text().default('USD'),
    /** The 30-day volume the account has already traded there when the run starts, decimal text. Default '0'. */
    volume30d: decimalText(false).default('0'),
  })
  .superRefine((v, ctx) => {
    if ((v.schedule === undefined) === (v.tiers === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'names a published schedule or lists its own tiers: exactly one of the two' })
      return
    }
    if (v.tiers === undefined) return
    try {
      new VenueFeeTiers({ venue: '', volumeCurrency: v.volumeCurrency, tiers: v.tiers })
    } catch (err) {
      // Each problem of the table on its own line, by the table's path.
      const problems = (err as WavesError).context?.['problems'] as string[] | undefined
      for (const message of problems ?? [(err as Error).message]) ctx.addIssue({ code: 'custom', path: ['tiers'], message })
    }
  })

const feesMonitor = agent.extend({
  /** Every venue not named in venueFees, and the sim venues' default: negative for a rebate; -10_000 to 10_000. Default 1. */
  makerFeeBps: number({ min: -10_000, max: 10_000 }).default(1),
  /** 0 to 10_000. Default 5. */
  takerFeeBps: number({ min: 0, max: 10_000 }).default(5),
  /**
   * Fee tiers by 30-day volume per venue name (of data_feeds.venues). The
   * tier in force prices the router's lots, the sim venue charges it, and
   * fees_monitor checks every fill's fee against it. Default: none, every
   * venue flat at makerFeeBps / takerFeeBps.
   */
  venueFees: z.record(z.string(), venueFees).default({}),
})

const failurePrevention = agent.extend({
  /** Consecutive rejected orders that halt trading. Default 5. */
  maxRejectStreak: integer(1).default(5),
  /** Age after which a feed counts as stale, ms. Default 2000. */
  staleFeedMs: integer(1).default(2000),
  /** Drawdown that halts trading, percent: 0 to 100. Default 5. */
  maxDrawdownPct: number({ min: 0, max: 100 }).default(5),
})

const core = agent.extend({
  /** Default 'var/snapshots'. */
  snapshotDir: text().default('var/snapshots'),
  /** Default 'var/journal'. */
  journalDir: text().default('var/journal'),
})

const sections = z.strictObject({
  /** Timing of the trading cycle. */
  cycle: cycle.prefault({}),
  /** Absent or null: the embedded default, no Redis. */
  redis: redis.nullable().optional(),
  /** Restarting crashed agents. */
  supervision: supervision.prefault({}),
  compute: compute.prefault({}),
  /** One section per agent, each with `enabled` and `stepDeadlineMs`. */
  data_feeds: dataFeeds.prefault({}),
  market_conditions: agent.prefault({}),
  validation: agent.prefault({}),
  intelligence: intelligence.prefault({}),
  strategy_engine: strategyEngine.prefault({}),
  risk_management: riskManagement.prefault({}),
  execution: execution.prefault({}),
  adapters: adapters.prefault({}),
  fees_monitor: feesMonitor.prefault({}),
  failure_prevention: failurePrevention.prefault({}),
  agent_io: agent.prefault({}),
  core: core.prefault({}),
})

/** Rules across sections: names an agent's section uses must be ones another defines. */
export const wavesConfigSchema = sections.superRefine(
  (c, ctx) => {
    const venues: readonly string[] = c.data_feeds.venues
    c.adapters.venuesDown.forEach((name, k) => {
      if (!venues.includes(name)) ctx.addIssue({ code: 'custom', path: ['adapters', 'venuesDown', k], message: `must be one of data_feeds.venues, got ${JSON.stringify(name)}` })
    })
    for (const name of Object.keys(c.adapters.ccxtVenueRestUrls)) {
      if (!venues.includes(name)) ctx.addIssue({ code: 'custom', path: ['adapters', 'ccxtVenueRestUrls', name], message: `names no venue of data_feeds.venues (${venues.join(', ')})` })
    }
    for (const name of Object.keys(c.fees_monitor.venueFees)) {
      if (!venues.includes(name)) ctx.addIssue({ code: 'custom', path: ['fees_monitor', 'venueFees', name], message: `names no venue of data_feeds.venues (${venues.join(', ')})` })
    }
  },
  {
    // Only the keys the rule reads must have parsed: a bad value elsewhere in either section does not hide it.
    when: (payload) =>
      !payload.issues.some((issue) => {
        const [section, key] = issue.path ?? []
        if (section === undefined) return true
        return (
          (section === 'data_feeds' && (key === undefined || key === 'venues')) ||
          (section === 'adapters' && (key === undefined || key === 'venuesDown' || key === 'ccxtVenueRestUrls')) ||
          (section === 'fees_monitor' && (key === undefined || key === 'venueFees'))
        )
      }),
  },
)

export const AGENT_SECTIONS = Object.freeze([
  'data_feeds',
  'market_conditions',
  'validation',
  'intelligence',
  'strategy_engine',
  'risk_management',
  'execution',
  'adapters',
  'fees_monitor',
  'failure_prevention',
  'agent_io',
  'core',
] as const)

export type AgentSection = (typeof AGENT_SECTIONS)[number]

/** What users write: every key optional. */
export type WavesConfigInput = z.input<typeof wavesConfigSchema>

type Parsed = z.output<typeof wavesConfigSchema>

type Simplify<T> = { [K in keyof T]: T[K] } & {}

type WithDeadline<S> = Simplify<
  Omit<S, 'stepDeadlineMs'> & {
    /** This agent's step deadline, ms: its own, else cycle.stepDeadlineMs. */
    stepDeadlineMs: number
  }
>

/** The config with every computed value filled in (mutable; see `WavesConfig`). */
export type ResolvedConfig = {
  [K in keyof Parsed]-?: K extends 'cycle'
    ? Simplify<
        Omit<Parsed['cycle'], 'intervalMs' | 'stepDeadlineMs'> & {
          /** Cycle period, ms. */
          intervalMs: number
          /** Deadline of each cycle step, ms. */
          stepDeadlineMs: number
        }
      >
    : K extends 'redis'
      ? Exclude<Parsed['redis'], undefined>
      : K extends 'compute'
        ? { maxThreads: number }
        : K extends AgentSection
          ? WithDeadline<Parsed[K]>
          : Parsed[K]
}

export type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T

/** The resolved config: everything filled, deeply readonly, and frozen at run time. */
export type WavesConfig = DeepReadonly<ResolvedConfig>
