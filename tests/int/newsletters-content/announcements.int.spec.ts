/** Article announcements: one newsletter when an article first goes live, whoever publishes it. Set-up: ./setup.ts. */
import { createLocalReq } from 'payload'
import { describe, expect, it } from 'vitest'

import { queueAnnouncement } from '../../../collections/Articles/hooks/queueAnnouncement'
import { announcePendingArticles } from '../../../jobs/newsletters/announcements'
import type { Article } from '../../../payload-types'
import { startWorker } from '../../helpers/worker'
import { waitFor } from '../../helpers/waitFor'
import { ctx, payload, workers, workerLogs, publishedArticle, draftArticle, useNewsletterContent } from './setup'

useNewsletterContent()

const newslettersFor = async (articleId: number | string) =>
  (await payload.find({ collection: 'newsletters', where: { sourceArticle: { equals: articleId } }, depth: 0, pagination: false })).docs

describe('article announcements', () => {
  /** What the worker's newsletter clock does on each tick (jobs/newsletters/clock.ts), here in the test's process. */
  const announce = () => announcePendingArticles(payload)

  it('queues one announcement when the article first goes live, never again', async () => {
    const conditions = await Promise.all(
      ['Neck pain', 'Scar tissue'].map((name, index) => payload.create({ collection: 'conditions', data: { name, summary: `About ${name}.`, slug: `condition-${index}-${Date.now()}` } as any })),
    )
    const article = await draftArticle({ title: 'Scar care after surgery', emailSubscribers: true, conditions: conditions.map((c) => c.id) })
    // Draft saves (the admin's autosave) never announce.
    await payload.update({ collection: 'articles', id: article.id, draft: true, data: { title: 'Scar care after surgery (v2)' } })
    expect(await newslettersFor(article.id)).toHaveLength(0)

    await payload.update({ collection: 'articles', id: article.id, data: { _status: 'published' } })
    // The publish only records the intent: the worker creates the newsletter.
    expect(await newslettersFor(article.id)).toHaveLength(0)
    expect(await announce()).toEqual(['announced'])
    const [announcement, ...others] = await newslettersFor(article.id)
    expect(others).toHaveLength(0)
    expect(announcement).toMatchObject({
      template: 'article',
      subject: 'Scar care after surgery (v2)',
      status: 'scheduled',
      audience: 'topics',
      featuredArticles: [article.id],
      sourceArticle: article.id,
    })
    expect([...(announcement!.audienceTopics as number[])].sort()).toEqual(conditions.map((c) => c.id).sort())
    expect(Date.parse(announcement!.sendAt!)).toBeLessThanOrEqual(Date.now())
    // The link is on the article, in its published document and its latest version.
    expect((await payload.findByID({ collection: 'articles', id: article.id, depth: 0 })).announcement).toBe(announcement!.id)
    expect((await payload.findByID({ collection: 'articles', id: article.id, depth: 0, draft: true })).announcement).toBe(announcement!.id)

    // Edit and republish, draft save, unpublish and publish again: still the one announcement.
    await payload.update({ collection: 'articles', id: article.id, data: { title: 'Scar care, revised', _status: 'published' } })
    await payload.update({ collection: 'articles', id: article.id, draft: true, data: { excerpt: 'A draft edit.' } })
    await payload.update({ collection: 'articles', id: article.id, data: { _status: 'draft' } })
    await payload.update({ collection: 'articles', id: article.id, data: { _status: 'published' } })
    await announce()
    expect(await newslettersFor(article.id)).toHaveLength(1)
    expect((await payload.findByID({ collection: 'articles', id: article.id, depth: 0, draft: true })).announcement).toBe(announcement!.id)
  })

  it('announces to everyone when the article has no conditions, and not at all when not ticked', async () => {
    const general = await publishedArticle({ emailSubscribers: true })
    await announce()
    expect(await newslettersFor(general.id)).toMatchObject([{ audience: 'all', status: 'scheduled' }])
    const quiet = await publishedArticle({ emailSubscribers: false })
    expect(await newslettersFor(quiet.id)).toHaveLength(0)
    // Ticking the box on an article that is already live (an autosaved draft, then Publish)
    // does not announce it: it went live before.
    await payload.update({ collection: 'articles', id: quiet.id, draft: true, autosave: true, data: { emailSubscribers: true } })
    await payload.update({ collection: 'articles', id: quiet.id, data: { _status: 'published' } })
    expect(await announce()).toEqual(['went-live-before'])
    expect(await newslettersFor(quiet.id)).toHaveLength(0)
  })

  it('two processes racing to announce the same publish create one newsletter (two requests, then three workers)', async () => {
    const article = await draftArticle({ emailSubscribers: true })
    // Publish the row without hooks, then run the hook as two requests would, at once.
    const published = (await payload.db.updateOne({ collection: 'articles', id: article.id, data: { _status: 'published' } })) as unknown as Article
    const run = async () =>
      queueAnnouncement({
        doc: published,
        previousDoc: article,
        operation: 'update',
        req: await createLocalReq({}, payload),
        context: {},
        collection: payload.collections.articles.config,
        data: {},
      } as any)
    await Promise.all([run(), run(), run()])
    await Promise.all([announce(), announce(), announce()])
    const newsletters = await newslettersFor(article.id)
    expect(newsletters).toHaveLength(1)
    expect(newsletters[0]!.status).toBe('scheduled')
    expect((await payload.findByID({ collection: 'articles', id: article.id, depth: 0 })).announcement).toBe(newsletters[0]!.id)
  })

  it('fires when the worker publishes a scheduled article', async () => {
    const article = await draftArticle({ title: 'Scheduled and announced', emailSubscribers: true })
    const at = new Date(Date.now() + 1_500).toISOString()
    await payload.db.create({
      collection: 'payload-jobs',
      data: {
        taskSlug: 'schedulePublish',
        queue: 'default',
        input: { type: 'publish', doc: { relationTo: 'articles', value: String(article.id) } },
        waitUntil: at,
        scheduledFor: at,
        state: 'queued',
      },
    })
    const worker = startWorker({
      DATABASE_URI: process.env.DATABASE_URI!,
      MEDIA_DIR: process.env.MEDIA_DIR!,
      PAYLOAD_SECRET: process.env.PAYLOAD_SECRET!,
      EMAIL_OUTBOX_DIR: `${ctx.dir}/outbox`,
    })
    workers.push(worker)
    await worker.ready
    const [announcement] = await waitFor('the announcement of the scheduled article', async () => {
      // The announcement is created as a draft, then scheduled once the article is claimed:
      // wait for the second step, not the first. On SQLite every statement commits alone (no
      // transactions: src/database.ts), and each update of the newsletter by the worker rewrites
      // its relationship rows, so a read from this process can land between the delete and
      // the insert and see no featured article: wait for a read that has it.
      const found = await newslettersFor(article.id)
      const settled = found.every((newsletter) => newsletter.status !== 'draft' && newsletter.featuredArticles?.length)
      return found.length && settled ? found : null
    }, { timeoutMs: 20_000, explain: workerLogs })
    expect((await payload.findByID({ collection: 'articles', id: article.id, depth: 0 }))._status).toBe('published')
    expect(announcement).toMatchObject({ template: 'article', subject: 'Scheduled and announced', featuredArticles: [article.id] })
    // The worker's sender may already be at work on it.
    expect(['scheduled', 'sending', 'sent']).toContain(announcement!.status)
    expect(await newslettersFor(article.id)).toHaveLength(1)
  })
})
