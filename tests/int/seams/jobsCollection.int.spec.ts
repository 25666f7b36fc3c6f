import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../../helpers/fixtures'
import { startTestPayload, type TestPayload, stopTestPayloadIfStarted } from '../../helpers/payload'

/**
 * The contract of src/seams/jobsCollection.ts on a real SQLite file: the names and defaults of
 * Payload's internal `payload-jobs` fields, and that Payload's own runner leaves alone the jobs
 * the worker marks claimed, done or failed (and takes one it gives back).
 */
let ctx: TestPayload
let seam: typeof import('../../../src/seams/jobsCollection')
const HOUR = 3_600_000
const SCHEDULE_TASK = 'schedulePublish'

beforeAll(async () => {
  ctx = await startTestPayload('seam-jobs')
  seam = await import('../../../src/seams/jobsCollection')
})

afterAll(() => stopTestPayloadIfStarted(ctx))

let counter = 0
const queueForDraft = async () => {
  const draft = await ctx.payload.create({
    collection: 'articles',
    draft: true,
    data: { _status: 'draft', title: `Seam draft ${++counter}`, slug: `seam-${counter}-${Date.now()}`, content: richText('Body.') },
  })
  const at = new Date(Date.now() + HOUR)
  const job = await ctx.payload.jobs.queue({
    task: SCHEDULE_TASK,
    input: { type: 'publish', doc: { relationTo: 'articles', value: String(draft.id) } } as never,
    waitUntil: at,
  })
  return { job, at }
}
const rawJob = async (id: number | string) =>
  (await ctx.payload.db.findOne({ collection: seam.JOBS_COLLECTION, where: { id: { equals: id } } })) as Record<string, any> | null
/** Moves the job's next run into the past, as the clock would: Payload's runner would take it now. */
const makeDue = (id: number | string) =>
  ctx.payload.db.updateOne({ collection: seam.JOBS_COLLECTION, id, data: { waitUntil: new Date(Date.now() - 1_000).toISOString() } })
const runnerTakes = async (id: number | string) => {
  const result = await ctx.payload.jobs.run({ overrideAccess: true, allQueues: true, where: { id: { equals: id } }, silent: true })
  return Boolean((result as { jobStatus?: Record<string, unknown> }).jobStatus?.[String(id)])
}

describe("Payload's job fields", () => {
  it('are named and defaulted as the seam reads them when a job is queued', async () => {
    const { job, at } = await queueForDraft()
    const row = await rawJob(job.id)
    expect(row).toMatchObject({ taskSlug: SCHEDULE_TASK, processing: false, hasError: false, totalTried: 0 })
    expect(row?.completedAt ?? null).toBeNull()
    expect(seam.nextRunOf(row!)).toBe(at.toISOString())
    expect(seam.attemptsOf(row!)).toBe(0)
    const found = await ctx.payload.db.find({
      collection: seam.JOBS_COLLECTION,
      where: { and: [{ id: { equals: job.id } }, seam.ofTask(SCHEDULE_TASK), seam.dueBy(new Date(at.getTime() + 1).toISOString()), seam.nextRunSince(at.toISOString())] },
      sort: seam.NEXT_RUN_FIELD,
      pagination: false,
    })
    expect(found.docs.map((doc) => doc.id)).toEqual([job.id])
  })

  it('as the worker writes them, keep Payload’s own runner away from claimed, finished and failed jobs', async () => {
    const states = {
      claimed: seam.jobFieldsWhen.claimed(),
      done: seam.jobFieldsWhen.done(new Date().toISOString()),
      failed: seam.jobFieldsWhen.failed(4, 'Contract failure'),
    }
    for (const [state, fields] of Object.entries(states)) {
      const { job } = await queueForDraft()
      await makeDue(job.id)
      await ctx.payload.db.updateOne({ collection: seam.JOBS_COLLECTION, id: job.id, data: fields })
      expect({ state, taken: await runnerTakes(job.id) }).toEqual({ state, taken: false })
      expect((await rawJob(job.id))?.totalTried).toBe(state === 'failed' ? 4 : 0)
    }
  })

  it('as the worker writes them on a release or a retry, let Payload’s runner take the job (so the fields above are what keeps it away)', async () => {
    const { job: released } = await queueForDraft()
    await ctx.payload.db.updateOne({ collection: seam.JOBS_COLLECTION, id: released.id, data: seam.jobFieldsWhen.claimed() })
    await ctx.payload.db.updateOne({ collection: seam.JOBS_COLLECTION, id: released.id, data: seam.jobFieldsWhen.released() })
    await makeDue(released.id)
    expect(await runnerTakes(released.id)).toBe(true)

    const { job: retrying } = await queueForDraft()
    const past = new Date(Date.now() - 1_000).toISOString()
    await ctx.payload.db.updateOne({ collection: seam.JOBS_COLLECTION, id: retrying.id, data: seam.jobFieldsWhen.retrying(1, past) })
    const row = await rawJob(retrying.id)
    expect(seam.attemptsOf(row!)).toBe(1)
    expect(seam.nextRunOf(row!)).toBe(past)
    expect(await runnerTakes(retrying.id)).toBe(true)
  })

  it('give the time asked for from scheduledFor, falling back to waitUntil', () => {
    expect(seam.plannedFor({ scheduledFor: '2026-01-01T00:00:00.000Z', waitUntil: '2026-01-02T00:00:00.000Z' })).toBe('2026-01-01T00:00:00.000Z')
    expect(seam.plannedFor({ waitUntil: '2026-01-02T00:00:00.000Z' })).toBe('2026-01-02T00:00:00.000Z')
  })
})
