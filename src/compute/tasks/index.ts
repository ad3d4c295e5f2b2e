import { simulateScenarios } from './scenario-simulation.js'
import { threadRendezvous } from './thread-rendezvous.js'

/**
 * Every task the compute pool can run, by name. A task is a pure function of
 * one structured-clone friendly input (plain objects, typed arrays) to one
 * such output, synchronous because it is CPU work: it runs on a pool thread
 * and is callable in-process for tests and replay alike.
 */
export const tasks = {
  'scenario-simulation': simulateScenarios,
  'thread-rendezvous': threadRendezvous,
} as const

export type TaskName = keyof typeof tasks
export type TaskInput<N extends TaskName> = Parameters<(typeof tasks)[N]>[0]
export type TaskOutput<N extends TaskName> = ReturnType<(typeof tasks)[N]>

export const taskNames = Object.keys(tasks) as TaskName[]

/** Whether `name` is a task, for callers whose names arrive as strings (RPC). */
export function isTaskName(name: unknown): name is TaskName {
  return typeof name === 'string' && Object.hasOwn(tasks, name)
}
