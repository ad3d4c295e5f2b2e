import { existsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

import { describe, expect, it } from 'vitest'

import { RouteTicket, createExecutor } from '../../src/native/index.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The compiled loader and router; a build older than its sources would test stale code. */
function compiledUrl(path: string): string {
  const output = join(root, 'dist', path.replace(/\.ts$/, '.js'))
  if (!existsSync(output) || statSync(output).mtimeMs < statSync(join(root, path)).mtimeMs) {
    throw new Error(`${output} is missing or older than its source: run npm run build`)
  }
  return pathToFileURL(output).href
}

// Each worker loads the addon and routes the same decisions over and over,
// alternating two routers with different latency penalties; all workers run
// at once, so a scratch space shared between threads or between routers
// would show as a plan that differs from the main thread's.
const workerSource = `
  const { parentPort, workerData } = require('node:worker_threads')
  import(workerData.indexUrl).then(({ loadExecutor, RouteTicket }) => {
    const executor = loadExecutor()
    const routers = [executor.createRouter({ adverseTicksPerMs: 0 }), executor.createRouter({ adverseTicksPerMs: 3 })]
    // A copy of the main thread's ticket (its buffer is shared: sent as it is, every thread would route the same memory).
    const ticket = new RouteTicket(workerData.venueCapacity, workerData.pairCapacity)
    ticket.array.set(workerData.ticket)
    const plans = [[], []]
    for (let round = 0; round < workerData.rounds; round++) {
      for (let r = 0; r < 2; r++) {
        const children = routers[r].route(ticket)
        const plan = Array.from(ticket.plan.subarray(0, 3 + 5 * children)).join(',')
        if (round === 0) plans[r].push(plan)
        else if (plan !== plans[r][0]) plans[r].push(plan)
      }
    }
    parentPort.postMessage({ kind: executor.kind, plans })
  })
`

describe('the router in worker threads', () => {
  it('routes the same plans in several threads at once, each with its own scratch', async () => {
    // Venue 0 is cheap and slow, venue 1 dear and fast: the penalty decides.
    const ticket = new RouteTicket(2, 5)
    ticket.levels.set([100, 300, 101, 300, 102, 300, 102, 400, 103, 400])
    ticket.venueLevelEnds.set([3, 5])
    ticket.venueCosts.set([0, 0, 2, 0, 0, 0])
    ticket.venues = 2
    ticket.setParent(1, 700)
    const expected = [0, 3].map((adverseTicksPerMs) => {
      const router = createExecutor({ env: {}, logger: { warn: () => {}, debug: () => {} } }).createRouter({ adverseTicksPerMs })
      const children = router.route(ticket)
      return [Array.from(ticket.plan.subarray(0, 3 + 5 * children)).join(',')]
    })
    // The two penalties must give different plans, or the test could not tell them apart.
    expect(expected[0]).not.toEqual(expected[1])

    const indexUrl = compiledUrl('src/native/index.ts')
    compiledUrl('src/native/native-classes.ts')
    const workers = [0, 1, 2].map(
      () => new Worker(workerSource, { eval: true, workerData: { indexUrl, ticket: ticket.array.slice(), venueCapacity: 2, pairCapacity: 5, rounds: 20_000 } }),
    )
    try {
      const replies = await Promise.all(
        workers.map(
          (worker) =>
            new Promise<{ kind: string; plans: string[][] }>((resolve, reject) => {
              worker.once('message', resolve)
              worker.once('error', reject)
            }),
        ),
      )
      for (const reply of replies) expect(reply).toEqual({ kind: 'native', plans: expected })
    } finally {
      await Promise.all(workers.map((worker) => worker.terminate()))
    }
  })
})
