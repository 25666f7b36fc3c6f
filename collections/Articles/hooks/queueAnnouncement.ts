import type { CollectionAfterChangeHook } from 'payload'

import { recordAnnouncementIntent } from '../../../jobs/newsletters/announcements'
import type { Article } from '../../../payload-types'

/**
 * "Email this article to subscribers": when an article with `emailSubscribers` may be going
 * live for the first time (Publish in the admin, REST, or the worker's scheduled publish),
 * this records the intent and nothing more; the worker decides whether it is the first time,
 * creates the `article` newsletter and sends it (jobs/newsletters/announcements.ts). Draft
 * saves, edits of a live article and already announced articles record nothing.
 *
 * The seed's `context.seeding` switches it off (demo articles are never emailed).
 */
export const queueAnnouncement: CollectionAfterChangeHook<Article> = async ({ doc, previousDoc, operation, req, context }) => {
  if (context?.seeding) return doc
  if (!doc.emailSubscribers || doc._status !== 'published' || doc.announcement) return doc
  if (operation === 'update' && previousDoc?._status === 'published') return doc
  try {
    if (await recordAnnouncementIntent(req.payload, doc, req)) {
      req.payload.logger.info({ event: 'article.announcement.requested', article: doc.id })
    }
  } catch (error) {
    // The article is live already: refusing its publish over the email would be worse.
    // The owner can still write the announcement by hand.
    req.payload.logger.error({ event: 'article.announcement.not-queued', article: doc.id, error: (error as Error).message })
  }
  return doc
}
