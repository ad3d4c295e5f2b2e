/**
 * The bench suite: `npm run bench -- <suite> [--json] [--runs N] [--quick] [--only TEXT]`.
 * Each suite compares waves with what a Node engineer would reach for, in
 * the same run, and prints a table, or with --json one document:
 * {"suite","rows":[{"name","msgsPerSec","p50us","p99us","p999us"}],"ratios"}.
 */
import { printDocument, warnAboutCores, type BenchDocument, type BenchOptions } from './harness/report.js'
import { bookSuite } from './book/book.suite.js'
import { cycleSuite } from './cycle/cycle.suite.js'
import { executionSuite } from './execution/execution.suite.js'
import { ringSuite } from './ring/ring.suite.js'
import { describeLineRoundTrip, probeLineRoundTrip } from './harness/line-round-trip.js'
import { describeWakeLateness, probeWakeLateness } from './harness/wake-lateness.js'

const suites: Record<string, (options: BenchOptions) => Promise<BenchDocument>> = {
  ring: ringSuite,
  cycle: cycleSuite,
  book: bookSuite,
  execution: executionSuite,
}

function parse(argv: string[]): { names: string[]; options: BenchOptions } {
  const names: string[] = []
  const options: BenchOptions = { json: false, runs: 3, quick: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--json') options.json = true
    else if (arg === '--quick') options.quick = true
    else if (arg === '--only') options.only = argv[++i] ?? ''
    else if (arg === '--runs') {
      const runs = Number(argv[++i])
      if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`--runs takes a whole number of at least 1, got ${argv[i]}`)
      options.runs = runs
    } else if (arg in suites) names.push(arg)
    else throw new RangeError(`unknown suite or option ${arg}; suites: ${Object.keys(suites).join(', ')}`)
  }
  return { names: names.length > 0 ? names : Object.keys(suites), options }
}

const { names, options } = parse(process.argv.slice(2))
if (options.json && names.length > 1) throw new RangeError('--json prints one document: name one suite')
warnAboutCores()
for (const name of names) {
  // On stderr, so that --json still prints one document: which kind of hour, and which state of the machine, the figures come from.
  process.stderr.write(`${describeWakeLateness('before', probeWakeLateness())}\n${describeLineRoundTrip('before', await probeLineRoundTrip())}\n`)
  const doc = await suites[name]!(options)
  process.stderr.write(`${describeWakeLateness('after', probeWakeLateness())}\n${describeLineRoundTrip('after', await probeLineRoundTrip())}\n`)
  printDocument(doc, options.json)
}
