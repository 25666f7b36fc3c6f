import { createLocalReq, ValidationError } from 'payload'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { loadDocumentTitles } from '../../jobs/scheduling/documents'
import { schedulePublishServerFunction } from '../../src/components/admin/scheduling/schedulePublishServerFunction'
import { richText } from '../helpers/fixtures'
import { type TestPayload, stopTestPayloadIfStarted } from '../helpers/payload'
import { startWorker, stopWorkers, type WorkerProcess } from '../helpers/worker'
import { waitFor } from '../helpers/waitFor'
import { SCHEDULING_CLINIC, startStaffPayload } from '../helpers/staffPayload'
import { scheduledJobsFor } from '../helpers/scheduling'

/**
 * A scheduled change can never silently do nothing: refused when it is created (REST, the
 * drawer's server function, the Local API), or, when the document changed by hand since,
 * done with a note saying there was nothing to do.
 */

let ctx: TestPayload
let http: typeof import('../helpers/http')
let editorToken: string
let editorId: number | string
const workers: WorkerProcess[] = []
const HOUR = 3_600_000
// Tests that start a worker: its start-up alone can take half a minute on a busy machine.
const WITH_WORKER = { timeout: 180_000 }
// Far enough ahead that scheduling it (and the edits before the worker starts) never meets "in the past".
const soon = () => new Date(Date.now() + 8_000).toISOString()

beforeAll(async () => {
  const started = await startStaffPayload('scheduling-noop', SCHEDULING_CLINIC)
  ;({ ctx, http, editorToken } = started)
  editorId = started.staff.editor.id
})

afterEach(() => stopWorkers(workers))

afterAll(() => stopTestPayloadIfStarted(ctx))

let counter = 0
const draftArticle = (title = `No-op article ${++counter}`) =>
  ctx.payload.create({
    collection: 'articles',
    draft: true,
    data: { _status: 'draft', title, slug: `noop-${++counter}-${Date.now()}`, content: richText('Body.') },
  })

const liveArticle = (title = `Live article ${++counter}`) =>
  ctx.payload.create({
    collection: 'articles',
    data: { _status: 'published', title, slug: `live-${++counter}-${Date.now()}`, content: richText('Body.') },
  })

const inHours = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString()

const schedule = (id: number | string, action: string, at: string) =>
  http.api('POST', `/articles/${id}/schedule`, { body: { action, at }, credentials: { token: editorToken } })

const jobsFor = (id: number | string) => scheduledJobsFor(ctx.payload, id)

const versionsOf = async (id: number | string) =>
  (await ctx.payload.countVersions({ collection: 'articles', where: { parent: { equals: id } } })).totalDocs

const workerLogs = () => workers.map((w) => w.output()).join('\n---\n').slice(-3000)

const launchWorker = async () => {
  const worker = startWorker({ DATABASE_URI: process.env.DATABASE_URI!, MEDIA_DIR: process.env.MEDIA_DIR!, PAYLOAD_SECRET: process.env.PAYLOAD_SECRET! })
  workers.push(worker)
  await worker.ready
  return worker
}

describe('refused when created, through REST', () => {
  it('unpublishing a never-published draft: 400 with a message the owner understands, and no job', async () => {
    const draft = await draftArticle('Winter neck care')
    const response = await schedule(draft.id, 'unpublish', inHours(24))
    expect(response.status, response.text).toBe(400)
    expect(response.json.errors[0].message).toMatch(/^“Winter neck care” is not published, so unpublishing it on .+ (CST|CDT) would do nothing\. To put it online at that time, choose Publish\.$/)
    expect(await jobsFor(draft.id)).toHaveLength(0)
  })

  it('publishing a live document with no newer draft: 400', async () => {
    const live = await liveArticle('Gentle stretches')
    const response = await schedule(live.id, 'publish', inHours(24))
    expect(response.status, response.text).toBe(400)
    expect(response.json.errors[0].message).toMatch(/“Gentle stretches” is already published and has no unpublished changes, so publishing it on .+ would do nothing/)
    expect(await jobsFor(live.id)).toHaveLength(0)
  })

  it('publishing a live document with a newer draft is a real change: accepted, and the worker publishes the draft', WITH_WORKER, async () => {
    const live = await liveArticle('Shoulder care')
    await ctx.payload.update({ collection: 'articles', id: live.id, draft: true, data: { title: 'Shoulder care, revised' } })
    const response = await schedule(live.id, 'publish', soon())
    expect(response.status, response.text).toBe(201)
    await launchWorker()
    const [job] = await waitFor('the publish of the newer draft', async () => {
      const jobs = await jobsFor(live.id)
      return jobs[0]?.state === 'done' ? jobs : null
    }, { timeoutMs: 30_000, explain: workerLogs })
    expect(job.note).toBeNull()
    const { json } = await http.gql('query($id: Int!) { Article(id: $id) { title } }', { id: Number(live.id) })
    expect(json.data.Article.title).toBe('Shoulder care, revised')
  })

  it('unpublishing a live document is accepted', async () => {
    const live = await liveArticle()
    expect((await schedule(live.id, 'unpublish', inHours(24))).status).toBe(201)
  })

  it('judges a change by the state the document will be in at its time, counting the changes scheduled before it', async () => {
    const draft = await draftArticle('Plantar fasciitis')
    // Unpublishing after a scheduled publish is a real change; before it, it is not.
    expect((await schedule(draft.id, 'publish', inHours(10))).status).toBe(201)
    expect((await schedule(draft.id, 'unpublish', inHours(20))).status).toBe(201)
    const early = await schedule(draft.id, 'unpublish', inHours(5))
    expect(early.status).toBe(400)
    expect(early.json.errors[0].message).toMatch(/is not published/)
    // A second publish right after the first has nothing left to publish.
    const twice = await schedule(draft.id, 'publish', inHours(15))
    expect(twice.status).toBe(400)
    expect(twice.json.errors[0].message).toMatch(/is already set to be published on .+, so publishing it again on .+ would do nothing/)
    // A second unpublish after the first has nothing left to take offline.
    const again = await schedule(draft.id, 'unpublish', inHours(25))
    expect(again.status).toBe(400)
    expect(again.json.errors[0].message).toMatch(/is already set to be unpublished on .+, so unpublishing it again/)
    // Publishing again once it is offline is a real change.
    expect((await schedule(draft.id, 'publish', inHours(30))).status).toBe(201)
    expect((await jobsFor(draft.id)).map((job) => job.input.type)).toEqual(['publish', 'unpublish', 'publish'])
  })

  it('the jobs collection cannot be written by hand through REST: the schedule endpoint is the way in', async () => {
    const draft = await draftArticle()
    const body = { taskSlug: 'schedulePublish', input: { type: 'publish', doc: { relationTo: 'articles', value: String(draft.id) } }, waitUntil: inHours(1) }
    expect((await http.api('POST', '/payload-jobs', { body, credentials: { token: editorToken } })).status).toBe(403)
    const created = await schedule(draft.id, 'publish', inHours(1))
    expect(created.status).toBe(201)
    const patched = await http.api('PATCH', `/payload-jobs/${created.json.doc.id}`, { body: { state: 'done' }, credentials: { token: editorToken } })
    expect(patched.status).toBe(403)
    expect((await jobsFor(draft.id))[0].state).toBe('queued')
  })
})

describe('refused when created, through the Local API and the Schedule drawer', () => {
  it('payload.jobs.queue throws a ValidationError with the same message', async () => {
    const draft = await draftArticle('Local draft')
    const queued = ctx.payload.jobs.queue({
      task: 'schedulePublish',
      input: { type: 'unpublish', doc: { relationTo: 'articles', value: String(draft.id) } } as never,
      waitUntil: new Date(Date.now() + HOUR),
    })
    await expect(queued).rejects.toBeInstanceOf(ValidationError)
    await expect(queued).rejects.toMatchObject({ data: { errors: [{ path: 'input', message: expect.stringMatching(/“Local draft” is not published/) }] } })
    const unknown = ctx.payload.jobs.queue({
      task: 'schedulePublish',
      input: { type: 'archive', doc: { relationTo: 'articles', value: String(draft.id) } } as never,
      waitUntil: new Date(Date.now() + HOUR),
    })
    await expect(unknown).rejects.toMatchObject({ data: { errors: [{ message: expect.stringMatching(/"publish" or "unpublish"/) }] } })
    expect(await jobsFor(draft.id)).toHaveLength(0)
  })

  it("the drawer's server function answers the owner's message as an error, schedules real changes, and cancels without queueing anything", async () => {
    const user = await ctx.payload.findByID({ collection: 'users', id: editorId })
    const req = await createLocalReq({ user: { ...user, collection: 'users' } as never }, ctx.payload)
    const draft = await draftArticle('Drawer draft')
    const doc = { relationTo: 'articles' as const, value: String(draft.id) }
    const call = (args: Record<string, unknown>) => schedulePublishServerFunction({ req, importMap: {}, ...args } as never)

    const refused = await call({ type: 'unpublish', date: new Date(Date.now() + HOUR), doc, timezone: 'America/Chicago' })
    expect(refused).toEqual({ error: expect.stringMatching(/^“Drawer draft” is not published, so unpublishing it on .+ would do nothing/) })
    const past = await call({ type: 'publish', date: new Date(Date.now() - HOUR), doc, timezone: 'America/Chicago' })
    expect(past).toEqual({ error: expect.stringMatching(/is in the past/) })

    const accepted = await call({ type: 'publish', date: new Date(Date.now() + HOUR), doc, timezone: 'America/New_York' })
    expect(accepted).toEqual({ message: expect.any(String) })
    const [job] = await jobsFor(draft.id)
    expect(job).toMatchObject({ state: 'queued', input: { type: 'publish', timezone: 'America/New_York', user: { value: editorId } } })

    const totalBefore = (await ctx.payload.count({ collection: 'payload-jobs' })).totalDocs
    expect(await call({ deleteID: job.id })).toEqual({ message: expect.any(String) })
    expect(await jobsFor(draft.id)).toHaveLength(0)
    // Payload's own handler went on to queue an empty job after a cancel.
    expect((await ctx.payload.count({ collection: 'payload-jobs' })).totalDocs).toBe(totalBefore - 1)
  })
})

describe('the document changed by hand before the change came due', () => {
  it('records "nothing to do" on the job, visibly, and leaves the document alone', WITH_WORKER, async () => {
    const toPublish = await draftArticle('Published by hand first')
    const toUnpublish = await liveArticle('Unpublished by hand first')
    const at = soon()
    expect((await schedule(toPublish.id, 'publish', at)).status).toBe(201)
    expect((await schedule(toUnpublish.id, 'unpublish', at)).status).toBe(201)
    // The owner does it by hand in the meantime.
    await ctx.payload.update({ collection: 'articles', id: toPublish.id, data: { _status: 'published' } })
    await ctx.payload.update({ collection: 'articles', id: toUnpublish.id, data: { _status: 'draft' } })
    const versionsBefore = await Promise.all([versionsOf(toPublish.id), versionsOf(toUnpublish.id)])

    await launchWorker()
    const [published] = await waitFor('the publish job', async () => {
      const jobs = await jobsFor(toPublish.id)
      return jobs[0]?.state === 'done' ? jobs : null
    }, { timeoutMs: 30_000, explain: workerLogs })
    const [unpublished] = await waitFor('the unpublish job', async () => {
      const jobs = await jobsFor(toUnpublish.id)
      return jobs[0]?.state === 'done' ? jobs : null
    }, { timeoutMs: 30_000, explain: workerLogs })
    expect(published.note).toMatch(/^Already published on .+ (CST|CDT), with no newer changes: nothing to do\.$/)
    expect(unpublished.note).toMatch(/not published at that time .*nothing to do/)
    expect(await Promise.all([versionsOf(toPublish.id), versionsOf(toUnpublish.id)])).toEqual(versionsBefore)
    const worker = workers[0].output()
    expect(worker).toMatch(/outcome[^\n]*nothing-to-do/)
  })
})

describe('document titles for the admin', () => {
  it('name a draft by its newest title, even when only its versions have one', async () => {
    // The admin's autosave creates the document before the title is typed.
    const untitled = await ctx.payload.create({ collection: 'articles', draft: true, data: { _status: 'draft', slug: `untitled-${Date.now()}` } as any })
    await ctx.payload.update({ collection: 'articles', id: untitled.id, draft: true, autosave: true, data: { title: 'Typed after the first autosave' } })
    const titles = await loadDocumentTitles(ctx.payload, [{ relationTo: 'articles', value: String(untitled.id) }, { relationTo: 'articles', value: '987654' }])
    expect(titles.get(`articles:${untitled.id}`)).toBe('Typed after the first autosave')
    expect(titles.has('articles:987654')).toBe(false)
  })
})
