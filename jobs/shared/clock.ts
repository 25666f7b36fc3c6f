import cron, { type ScheduledTask } from 'node-cron'

/**
 * A pipeline's coarse clock: `work` runs once now (catch-up: whatever fell due while no
 * worker ran), then on every node-cron `tick`, never two rounds at once.
 */
export const startClock = async (tick: string, work: () => Promise<unknown>): Promise<ScheduledTask> => {
  await work()
  return cron.schedule(tick, () => void work(), { noOverlap: true })
}
