/**
 * waves: the public API. The cycle (`TradingEngineCycle`) lands here next;
 * today the data plane is public.
 */
export * from './ring/index.js'
export * from './schemas/index.js'
export { WavesError, isWavesError, type WavesErrorCode } from './errors/index.js'
export { monotonicClock, ManualClock, type Clock } from './clock/clock.js'
