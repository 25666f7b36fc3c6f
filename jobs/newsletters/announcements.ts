import type { Payload, PayloadRequest } from 'payload'

import type { Article, Newsletter } from '../../payload-types'
import { claimOne, isUniqueViolation } from '../../src/seams/database'
import type { Id } from './store/shared'

/**
 * "Email this article to subscribers", in two halves, like every other send:
 *
 * - **Intent** (the publish request, collections/Articles/hooks/queueAnnouncement.ts): a
 *   save that may be the article's first time live records `article-announcement:<id>` in
 *   `payload-kv` with the save's `updatedAt`, and nothing more (one indexed read, one insert,
 *   through the request, so on MongoDB it commits with the publish). One pending intent per
 *   article: the earliest such publish is the one that can be the first.
 * - **Work** (the worker's newsletter clock, `announcePendingArticles`): for each intent, is
 *   this still the first time the article went live, is it still live and unannounced? Then
 *   create the `article` newsletter (which compiles its MJML), claim the article, schedule the
 *   send for now, and record the link in the article's latest version. The intent is removed
 *   whatever the outcome (a failure is logged: the owner can write the announcement by hand).
 *
 * Once per article, ever, without transactions (SQLite runs without them here):
 * 1. skip if a published version was saved before this publish (it went live before; the
 *    newest version is often an autosaved draft, so only published versions tell);
 * 2. skip if the article already names an announcement, or any newsletter already has it as
 *    `sourceArticle` (covers unpublish → republish, and an edit that lost the link);
 * 3. create the newsletter as a `draft` (the pipeline ignores drafts), then claim the article
 *    with one conditional update (`announcement` still empty → set it). Only one worker can
 *    win; a loser deletes its draft. The winner then schedules its newsletter.
 * A crash between claim and scheduling leaves a draft announcement the owner can schedule by
 * hand: never a second send.
 */

export const ANNOUNCEMENT_INTENT_PREFIX = 'article-announcement:'
const KV = 'payload-kv' as const
/** Intents handled per clock tick; more wait for the next one. */
const PER_TICK = 20

type Intent = { article: Id; savedAt: string }

const idOf = (value: unknown) => (value && typeof value === 'object' ? (value as { id: Id }).id : (value as Id))

/** In the publish request: note that this save may be the article's first time live. */
export const recordAnnouncementIntent = async (payload: Payload, article: Pick<Article, 'id' | 'updatedAt'>, req?: PayloadRequest) => {
  const key = `${ANNOUNCEMENT_INTENT_PREFIX}${article.id}`
  // Looked up first rather than caught: on MongoDB a refused insert would abort the publish's transaction.
  if (await payload.db.findOne({ collection: KV, where: { key: { equals: key } }, req })) return false
  try {
    await payload.db.create({ collection: KV, data: { key, data: { article: article.id, savedAt: article.updatedAt } satisfies Intent }, req })
    return true
  } catch (error) {
    // Two publishes at once: the other one's intent stands.
    if (isUniqueViolation(error)) return false
    throw error
  }
}

export type AnnouncementOutcome = 'announced' | 'went-live-before' | 'already-announced' | 'not-live' | 'claimed-elsewhere' | 'failed'

/** The worker's half for one intent. */
export const announceArticle = async (payload: Payload, { article: id, savedAt }: Intent): Promise<AnnouncementOutcome> => {
  const log = (outcome: AnnouncementOutcome, extra: Record<string, unknown> = {}) => {
    payload.logger.info({ event: 'article.announcement', outcome, article: id, ...extra })
    return outcome
  }
  const article = await payload.findByID({ collection: 'articles', id, depth: 0, draft: false, overrideAccess: true, disableErrors: true })
  if (!article || article._status !== 'published' || !article.emailSubscribers) return log('not-live')
  if (article.announcement) return log('already-announced')

  const { totalDocs: publishedBefore } = await payload.countVersions({
    collection: 'articles',
    where: { and: [{ parent: { equals: id } }, { 'version._status': { equals: 'published' } }, { 'version.updatedAt': { less_than: savedAt } }] },
    overrideAccess: true,
  })
  if (publishedBefore > 0) return log('went-live-before')
  const existing = await payload.count({ collection: 'newsletters', where: { sourceArticle: { equals: id } }, overrideAccess: true })
  if (existing.totalDocs > 0) return log('already-announced')

  const conditions = (article.conditions ?? []).map(idOf).filter((value) => value !== undefined && value !== null)
  let draft: Newsletter
  try {
    draft = await payload.create({
      collection: 'newsletters',
      data: {
        subject: article.title,
        template: 'article',
        featuredArticles: [id as number],
        sourceArticle: id as number,
        audience: conditions.length ? 'topics' : 'all',
        audienceTopics: conditions as number[],
        status: 'draft',
      },
      depth: 0,
      overrideAccess: true,
    })
  } catch (error) {
    payload.logger.error({ event: 'article.announcement.not-queued', article: id, error: (error as Error).message })
    return 'failed'
  }

  const claimed = await claimOne(payload, { collection: 'articles', id, when: { announcement: { exists: false } }, data: { announcement: draft.id } })
  if (!claimed) {
    // Another worker announced this article first.
    await payload.delete({ collection: 'newsletters', id: draft.id, overrideAccess: true })
    return log('claimed-elsewhere')
  }
  await payload.update({ collection: 'newsletters', id: draft.id, data: { status: 'scheduled', sendAt: new Date().toISOString() }, depth: 0, overrideAccess: true })
  payload.logger.info({ event: 'article.announcement.queued', article: id, newsletter: draft.id })
  await linkInLatestVersion(payload, id, draft.id)
  return 'announced'
}

/**
 * The claim wrote the article's row only. With drafts on, the admin edits the latest version,
 * and its next save would write the empty `announcement` back: record the link in a version
 * too. A published latest version is saved again, unchanged but for the link (no webhook
 * event: the publish had its own); a draft saved since gets a new draft version with the link,
 * so that draft is never published by this.
 */
const linkInLatestVersion = async (payload: Payload, id: Id, announcement: Id) => {
  try {
    const { docs } = await payload.findVersions({ collection: 'articles', where: { parent: { equals: id } }, sort: '-updatedAt', limit: 1, depth: 0, overrideAccess: true })
    const draftSince = docs[0]?.version?._status === 'draft'
    await payload.update({
      collection: 'articles',
      id,
      data: { announcement: announcement as number },
      draft: draftSince,
      depth: 0,
      overrideAccess: true,
      context: { disableWebhooks: true },
    })
  } catch (error) {
    // The send is already scheduled and `sourceArticle` still guards against a second one.
    payload.logger.warn({ event: 'article.announcement.link-not-versioned', article: id, error: (error as Error).message })
  }
}

/** On every tick of the worker's newsletter clock: the pending intents, oldest first. */
export const announcePendingArticles = async (payload: Payload) => {
  const { docs } = await payload.db.find<{ key: string; data: Intent }>({
    collection: KV,
    where: { key: { like: ANNOUNCEMENT_INTENT_PREFIX } },
    sort: 'id',
    limit: PER_TICK,
    pagination: false,
  })
  const outcomes: AnnouncementOutcome[] = []
  for (const intent of docs) {
    if (!intent.key.startsWith(ANNOUNCEMENT_INTENT_PREFIX)) continue
    try {
      outcomes.push(await announceArticle(payload, intent.data))
    } catch (error) {
      payload.logger.error({ event: 'article.announcement.failed', intent: intent.key, err: error })
      outcomes.push('failed')
    } finally {
      await payload.db.deleteMany({ collection: KV, where: { key: { equals: intent.key } } })
    }
  }
  return outcomes
}
