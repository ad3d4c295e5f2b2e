import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

import { describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const fixture = join(root, 'test', 'fixtures', 'native', 'shortfall-worker.mjs')

interface Reply {
  kind: 'native' | 'fallback'
  addonVersion: string | null
  bps: number
  error: { code: string; message: string } | null
}

/** The compiled loader; a build older than its sources would test stale code. */
function compiledIndexUrl(): string {
  const pending = [join(root, 'src', 'native')]
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const source = join(dir, entry.name)
      if (entry.isDirectory()) pending.push(source)
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue
      const output = join(root, 'dist', relative(root, source)).replace(/\.ts$/, '.js')
      if (!existsSync(output) || statSync(output).mtimeMs < statSync(source).mtimeMs) {
        throw new Error(`${relative(root, output)} is missing or older than its source: run npm run build`)
      }
    }
  }
  return pathToFileURL(join(root, 'dist', 'src', 'native', 'index.js')).href
}

function sharedFills(values: number[]): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(values.length * Float64Array.BYTES_PER_ELEMENT)
  new Float64Array(buffer).set(values)
  return buffer
}

async function ask(env: NodeJS.ProcessEnv | undefined, fills: SharedArrayBuffer): Promise<Reply> {
  const worker = new Worker(fixture, {
    workerData: { indexUrl: compiledIndexUrl(), side: 1, arrival: 10_000, fills },
    ...(env === undefined ? {} : { env }),
  })
  try {
    return await new Promise<Reply>((resolve, reject) => {
      worker.once('message', (reply: Reply) => resolve(reply))
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before answering`)))
    })
  } finally {
    await worker.terminate()
  }
}

describe('the addon in worker threads', () => {
  const fills = sharedFills([10_010, 100, 10_030, 300])
  const badSide = {
    code: 'ERR_NATIVE_ARGUMENT',
    message: 'side must be 1 (buy) or -1 (sell), got 2',
  }

  it('loads and answers in several workers at once, on shared memory', async () => {
    const replies = await Promise.all([ask(undefined, fills), ask(undefined, fills)])
    for (const reply of replies) {
      expect(reply).toMatchObject({ kind: 'native', bps: 25, error: badSide })
      expect(reply.addonVersion).toMatch(/^\d+\.\d+\.\d+/)
    }
  })

  it('loads again in a worker started after others were torn down', async () => {
    expect(await ask(undefined, fills)).toMatchObject({ kind: 'native', bps: 25, error: badSide })
  })

  it('uses the fallback in a worker whose environment says WAVES_NATIVE=off', async () => {
    expect(await ask({ ...process.env, WAVES_NATIVE: 'off', WAVES_LOG_LEVEL: 'error' }, fills)).toEqual({
      kind: 'fallback',
      addonVersion: null,
      bps: 25,
      error: badSide,
    })
  })
})
