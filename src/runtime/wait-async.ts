const noop = (): void => {}

/**
 * `Atomics.waitAsync` that keeps Node's event loop alive while it waits: a
 * pending waitAsync alone does not, so a thread whose only work is the wait
 * would exit under it. A timer for the same timeout does.
 */
export async function waitAsyncKeepingAlive(words: Int32Array, index: number, value: number, timeoutMs: number): Promise<void> {
  const result = Atomics.waitAsync(words, index, value, timeoutMs)
  if (!result.async) return
  const keepAlive = setTimeout(noop, timeoutMs + 1)
  await result.value
  clearTimeout(keepAlive)
}
