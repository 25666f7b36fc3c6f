import type { CollectionAfterChangeHook } from 'payload'

import type { Article, Newsletter } from '../../../payload-types'

const idOf = (value: unknown) => (value && typeof value === 'object' ? (value as { id: number | string }).id : (value as number | string))

/**
 * "Email this article to subscribers": when an article with `emailSubscribers` goes live
 * for the first time (Publish in the admin, REST, or the worker's scheduled publish), this
 * records the intent as a scheduled `article` newsletter (sendAt now) for the worker to
 * send. The hook sends nothing itself.
 *
 * Once per article, ever, without transactions (SQLite runs without them here):
 * 1. skip unless this save publishes it for the first time (`doc._status` published, and no
 *    earlier published version): draft saves, edits of a live article, and ticking the box on
 *    an article that is already live never announce;
 * 2. skip if the article already names an announcement, or any newsletter already has it
 *    as `sourceArticle` (covers unpublish → republish, and an edit that lost the link);
 * 3. create the newsletter as a `draft` (the pipeline ignores drafts), then claim the
 *    article with one conditional update (`announcement` still empty → set it). Only one
 *    process can win; a loser deletes its draft. The winner then schedules its newsletter.
 * A crash between claim and scheduling leaves a draft announcement the owner can schedule
 * by hand: never a second send.
 *
 * `context.skipArticleAnnouncement` (and the seed's `context.seeding`) switch it off.
 */
export const queueAnnouncement: CollectionAfterChangeHook<Article> = async ({ doc, previousDoc, operation, req, context }) => {
  if (context?.skipArticleAnnouncement || context?.seeding) return doc
  if (!doc.emailSubscribers || doc._status !== 'published' || doc.announcement) return doc
  if (operation === 'update' && previousDoc?._status === 'published') return doc

  const { payload } = req
  // The previous *latest* version is usually an autosaved draft even when the article was
  // live, so only its published versions tell whether this is the first time it goes live.
  const { totalDocs: publishedVersions } = await payload.countVersions({
    collection: 'articles',
    where: { and: [{ parent: { equals: doc.id } }, { 'version._status': { equals: 'published' } }] },
    overrideAccess: true,
    req,
  })
  if (publishedVersions > 1) return doc

  const existing = await payload.count({
    collection: 'newsletters',
    where: { sourceArticle: { equals: doc.id } },
    overrideAccess: true,
    req,
  })
  if (existing.totalDocs > 0) return doc

  const conditions = (doc.conditions ?? []).map(idOf).filter((id) => id !== undefined && id !== null)
  let draft: Newsletter
  try {
    draft = await payload.create({
      collection: 'newsletters',
      data: {
        subject: doc.title,
        template: 'article',
        featuredArticles: [doc.id],
        sourceArticle: doc.id,
        audience: conditions.length ? 'topics' : 'all',
        audienceTopics: conditions as number[],
        status: 'draft',
      },
      depth: 0,
      overrideAccess: true,
      req,
    })
  } catch (error) {
    // The article is live already: refusing its publish over the email would be worse.
    // The owner can still write the announcement by hand.
    payload.logger.error({ event: 'article.announcement.not-queued', article: doc.id, error: (error as Error).message })
    return doc
  }

  const claimed = await payload.db.updateOne({
    collection: 'articles',
    where: { and: [{ id: { equals: doc.id } }, { announcement: { exists: false } }] },
    data: { announcement: draft.id },
    options: { atomic: true },
    req,
  })
  if (!claimed) {
    // Another process announced this article first.
    await payload.delete({ collection: 'newsletters', id: draft.id, overrideAccess: true, req })
    return doc
  }

  await payload.update({
    collection: 'newsletters',
    id: draft.id,
    data: { status: 'scheduled', sendAt: new Date().toISOString() },
    depth: 0,
    overrideAccess: true,
    req,
  })
  payload.logger.info({ event: 'article.announcement.queued', article: doc.id, newsletter: draft.id })

  // The claim wrote the article's row only. With drafts on, the admin edits the latest
  // version, and its next save would write the empty `announcement` back: record the link
  // in a version too. This re-saves the just-published content unchanged.
  try {
    await payload.update({
      collection: 'articles',
      id: doc.id,
      data: { announcement: draft.id },
      depth: 0,
      overrideAccess: true,
      req,
    })
  } catch (error) {
    // The send is already scheduled and `sourceArticle` still guards against a second one.
    payload.logger.warn({ event: 'article.announcement.link-not-versioned', article: doc.id, error: (error as Error).message })
  }
  return { ...doc, announcement: draft.id }
}
