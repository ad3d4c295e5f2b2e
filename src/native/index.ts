export type {
  Executor,
  ExecutorFunctions,
  FallbackExecutor,
  NativeExecutor,
  RawAddon,
  Router,
  RouterOptions,
  ShortfallPercentiles,
  SlippageTracker,
  SlippageTrackerOptions,
} from './types.js'
export {
  CHILD_FIELDS,
  PLAN_HEADER,
  VENUE_COST_FIELDS,
  planLength,
  readRoutePlan,
  type ChildOrderPlan,
  type RoutePlan,
} from './route-plan.js'
export { RouteTicket, TICKET_HEADER, TicketField, ticketLength } from './route-ticket.js'
export { fallbackFunctions } from './fallback/index.js'
export { PACKAGE_NAME, findPackageRoot } from '../runtime/package-root.js'
export {
  createExecutor,
  findAddonFile,
  loadExecutor,
  requireAddon,
  type LoadOptions,
} from './load-addon.js'
