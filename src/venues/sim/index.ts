/**
 * The sim venue: a price-time-priority matching engine over replayed or
 * synthetic L2 data with queue positions for resting orders, and the latency
 * that separates it from the strategy.
 */
export { MatchingEngine, type ShownLevel } from './matching-engine.js'
export type { FlatFees, MatchingEngineOptions, SelfTradePrevention } from './matching-engine-options.js'
export { DEFAULT_QUEUE_CANCEL_MODEL } from './matching-engine-options.js'
export type { AmendRequest, Execution, MatchOutcome, NewOrder, OrderReport } from './venue-messages.js'
export { QUEUE_CANCEL_MODELS, type QueueCancelModel } from './queue-position.js'
export { ConstantLatency, RecordedRoundTripLatency, ShiftedLatency, latencyModelOf, type LatencyModel, type LatencySpec } from './latency-model.js'
export { SimVenue, type SimVenueOptions, type VenueDelivery } from './sim-venue.js'
export { SimReasonCode, type SimReason } from './reason-codes.js'
