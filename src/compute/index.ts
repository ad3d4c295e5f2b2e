export {
  ComputePool,
  type ComputePoolOptions,
  type ComputePoolStats,
  type ComputeRunner,
  type RunOptions,
} from './compute-pool.js'
export { tasks, taskNames, isTaskName, type TaskName, type TaskInput, type TaskOutput } from './tasks/index.js'
export {
  simulateScenarios,
  type ScenarioSimulationInput,
  type ScenarioSimulationOutput,
  type SimulationMethod,
  type PnlQuantiles,
  type WorstScenario,
} from './tasks/scenario-simulation.js'
export { MAX_SCENARIOS } from './tasks/scenario-input.js'
export { threadRendezvous, type ThreadRendezvousInput, type ThreadRendezvousOutput } from './tasks/thread-rendezvous.js'
