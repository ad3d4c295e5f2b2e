import { WavesError } from '../errors/index.js'

/** Where a reconnecting WebSocket client stands. */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'backoff' | 'stopped'

/** What happens to it. */
export type ConnectionEvent = 'start' | 'opened' | 'closed' | 'retry' | 'stop'

/**
 * Every allowed (state, event) pair and where it leads; any other pair is a
 * fault. A socket closing after `stop` is expected and changes nothing.
 */
const TRANSITIONS: Readonly<Record<ConnectionState, Partial<Record<ConnectionEvent, ConnectionState>>>> = Object.freeze({
  idle: { start: 'connecting', stop: 'stopped' },
  connecting: { opened: 'open', closed: 'backoff', stop: 'stopped' },
  open: { closed: 'backoff', stop: 'stopped' },
  backoff: { retry: 'connecting', stop: 'stopped' },
  stopped: { closed: 'stopped', stop: 'stopped' },
})

export function nextConnectionState(state: ConnectionState, event: ConnectionEvent): ConnectionState {
  const next = TRANSITIONS[state][event]
  if (next === undefined) throw new WavesError('ERR_FEED_STATE', `a WebSocket feed cannot go from ${state} on ${event}`, { state, event })
  return next
}
