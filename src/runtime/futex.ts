import { loadExecutor } from '../native/load-addon.js'
import type { Executor } from '../native/types.js'

/**
 * Sleeping on a word of a SharedArrayBuffer until another thread changes it
 * and wakes the word's sleepers: the kernel's futex through the Rust addon
 * when it is loaded, `Atomics.wait` otherwise.
 *
 * V8 keeps its own sleepers, each behind a mutex and a condition variable:
 * waking one costs the waker ~9–11 µs here against ~5–6 µs for the bare
 * system call, and a barrier step wakes one thread per agent (the cycle
 * bench's barrier took ~10% less at p50 and p99 with the futex).
 *
 * `wake` wakes both kinds of sleeper: a thread in `Atomics.waitAsync`
 * (one whose event loop must keep turning) is V8's alone. A thread asleep
 * in the futex cannot be terminated until it wakes: sleep in slices.
 */
export interface Futex {
  readonly kind: 'futex' | 'atomics'
  /** Sleeps while `words[index]` holds `value`, at most `timeoutMs` (a spurious `ok` is possible: re-check). */
  sleep(words: Int32Array, index: number, value: number, timeoutMs: number): 'ok' | 'not-equal' | 'timed-out'
  /** Wakes every thread sleeping on `words[index]`, through either. */
  wake(words: Int32Array, index: number): void
}

const SLEPT = ['ok', 'not-equal', 'timed-out'] as const
const EVERYONE = 0x7fffffff

const atomics: Futex = Object.freeze({
  kind: 'atomics',
  sleep: (words: Int32Array, index: number, value: number, timeoutMs: number) => Atomics.wait(words, index, value, timeoutMs),
  wake(words: Int32Array, index: number) {
    Atomics.notify(words, index)
  },
})

/** The futex of `executor`: the kernel's when it is the addon, V8's otherwise. */
export function futexOf(executor: Executor): Futex {
  if (executor.kind !== 'native') return atomics
  const { futexWait, futexWake } = executor
  return Object.freeze({
    kind: 'futex',
    sleep: (words: Int32Array, index: number, value: number, timeoutMs: number) => SLEPT[futexWait(words, index, value, timeoutMs)]!,
    wake(words: Int32Array, index: number) {
      futexWake(words, index, EVERYONE)
      // With nobody in V8's list this is a lock and a look, no system call.
      Atomics.notify(words, index)
    },
  })
}

let cached: Futex | undefined

/** This thread's futex: decided once, with the thread's executor. */
export function threadFutex(): Futex {
  cached ??= futexOf(loadExecutor())
  return cached
}
