import { parseArgs } from 'node:util'
import type { FormattedTotals } from '../accounting/index.js'
import { loadConfig } from '../config/index.js'
import { isWavesError, messageOf } from '../errors/index.js'
import { TradingEngineCycle, type CycleStatus } from './trading-engine-cycle.js'

export const RUN_USAGE = `usage: waves run [--config FILE] [--set path=value]... [--seconds N]

Runs the engine on its embedded default (synthetic market, no Redis, no
exchange keys) or on FILE, with --set overriding any config path. Prints the
cycle's status and the account (fills, volume, fees and PnL per quote
currency) every second; Ctrl-C, or --seconds after it has started, stops it cleanly.`

export interface RunIo {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  env: NodeJS.ProcessEnv
}

function statusLine(s: CycleStatus): string {
  const agents = Object.values(s.agents)
  const ready = agents.filter((a) => a.state === 'ready').length
  // Which ones are not, while the engine runs: a degraded or restarting agent is named, not just counted.
  const notReady = s.state === 'running' ? Object.entries(s.agents).filter(([, a]) => a.state !== 'ready') : []
  const which = notReady.length === 0 ? '' : ` (${notReady.map(([name, a]) => `${name} ${a.state}`).join(', ')})`
  const m = s.metrics
  const last = m.lastOverrun
  // The latest overrun's cause, so an interval too short for the work says which step it is too short for.
  const cause =
    last === undefined
      ? ''
      : ` (last: cycle ${last.cycle}, ${last.cycleMs.toFixed(1)} ms, steps ${last.stepsMs.toFixed(1)} ms, slowest ${last.slowestStep ?? 'none'} ${last.slowestStepMs.toFixed(1)} ms, began ${last.startLagMs.toFixed(1)} ms late)`
  return (
    `cycle ${s.cycle}  ok ${m.successfulCycles}  failed ${m.failedCycles}${m.abortedCycles > 0 ? `  aborted ${m.abortedCycles}` : ''}  overruns ${m.overruns}${cause}  ` +
    `cycle p50 ${m.cycleMs.p50.toFixed(2)} ms p99 ${m.cycleMs.p99.toFixed(2)} ms  start lag p99 ${m.startLagMs.p99.toFixed(2)} ms  ` +
    `agents ${ready}/${agents.length} ready${which}${s.safeMode ? '  SAFE MODE' : ''}`
  )
}

/** How long the status line waits for fees_monitor's account before printing without it. */
const ACCOUNT_TIMEOUT_MS = 500

/** One line per quote currency of fees_monitor's ledger: what the engine has traded and made, net of fees. */
function accountLines(totals: readonly FormattedTotals[]): string[] {
  return totals.map(
    (t) => `  ${t.quote}  fills ${t.fills}  volume ${t.volume}  fees ${t.fees}  realized ${t.realized}  unrealized ${t.unrealized}  net ${t.netPnl}`,
  )
}

/** The account as fees_monitor keeps it, or why it is not shown. */
async function accountOf(engine: TradingEngineCycle): Promise<string[]> {
  try {
    const health = await engine.agentHealth('fees_monitor', ACCOUNT_TIMEOUT_MS)
    const totals = (health.detail as { totals?: FormattedTotals[] }).totals ?? []
    return totals.length > 0 ? accountLines(totals) : ['  no fills yet']
  } catch (err) {
    return [`  account unavailable: ${messageOf(err)}`]
  }
}

/** What the stop did at the venues, from the agents' last health: the resting children cancelled, the answers still in flight delivered. */
async function windDownLine(engine: TradingEngineCycle): Promise<string> {
  try {
    const [execution, adapters] = await Promise.all([engine.agentHealth('execution'), engine.agentHealth('adapters')])
    const cancelled = execution.counters['cancels_at_stop'] ?? 0
    const delivered = adapters.counters['answers_delivered_at_stop'] ?? 0
    return `  stop: ${cancelled} resting ${cancelled === 1 ? 'child' : 'children'} cancelled, ${delivered} ${delivered === 1 ? 'answer' : 'answers'} in flight delivered`
  } catch (err) {
    return `  stop: not known (${messageOf(err)})`
  }
}

/** `waves run`: returns the exit code. */
export async function runCommand(argv: string[], io: RunIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string' }, set: { type: 'string', multiple: true }, seconds: { type: 'string' } },
    strict: true,
  })
  const seconds = values.seconds === undefined ? undefined : Number(values.seconds)
  if (seconds !== undefined && !(seconds > 0)) {
    io.stderr.write(`--seconds must be a positive number, got ${values.seconds}\n`)
    return 2
  }
  let engine: TradingEngineCycle
  try {
    const { config } = loadConfig({ env: io.env, flags: values.set ?? [], ...(values.config === undefined ? {} : { file: values.config }) })
    engine = new TradingEngineCycle(config, { handleSignals: false })
  } catch (err) {
    if (isWavesError(err, 'ERR_CONFIG_INVALID')) {
      io.stderr.write(`${err.message}\n`)
      return 1
    }
    throw err
  }

  let stop!: () => void
  const stopped = new Promise<void>((resolve) => (stop = resolve))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  io.stdout.write(`waves: ${engine.agents.length} agents, a cycle every ${engine.config.cycle.intervalMs} ms; Ctrl-C stops\n`)
  await engine.startCycle()
  // --seconds counts from when the engine runs: starting eleven threads takes a second or two, more on a busy machine.
  const timer = seconds === undefined ? undefined : setTimeout(stop, seconds * 1000)
  // One report at a time: a slow answer from fees_monitor delays the next line rather than interleaving with it.
  let reporting: Promise<void> = Promise.resolve()
  const report = async (): Promise<void> => {
    const status = statusLine(engine.getCycleStatus())
    const account = await accountOf(engine)
    io.stdout.write(`${status}\n${account.join('\n')}\n`)
  }
  const ticker = setInterval(() => (reporting = reporting.then(report)), 1000)
  await stopped
  clearInterval(ticker)
  clearTimeout(timer)
  process.off('SIGINT', stop)
  process.off('SIGTERM', stop)
  await reporting
  await engine.stopCycle()
  // fees_monitor's account as it stopped, after the venues' last answers.
  const account = await accountOf(engine)
  io.stdout.write(`stopped: ${statusLine(engine.getCycleStatus())}\n${account.join('\n')}\n${await windDownLine(engine)}\n`)
  return 0
}
