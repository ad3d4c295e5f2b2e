const word = new Int32Array(new SharedArrayBuffer(4))

/**
 * Sleeps the calling thread without spinning: a wait on a word nobody
 * notifies. How a bench thread paces itself, so that the threads it feeds
 * go idle between messages as they would between real ones.
 */
export function sleepMs(ms: number): void {
  Atomics.wait(word, 0, 0, ms)
}
