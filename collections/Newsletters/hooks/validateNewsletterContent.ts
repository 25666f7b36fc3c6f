import { isDeepStrictEqual } from 'node:util'

import { ValidationError, type CollectionBeforeChangeHook } from 'payload'

import { buildNewsletterSource, compileNewsletterSource, MAX_FEATURED_ARTICLES, type NewsletterSource } from '../../../emails/newsletters/compile'
import type { Newsletter } from '../../../payload-types'

/** The fields that change what the email says (and so need a fresh check). */
const CONTENT_FIELDS = ['subject', 'preheader', 'intro', 'featuredArticles', 'template', 'digestSince'] as const

const idOf = (value: unknown) => (value && typeof value === 'object' ? (value as { id: unknown }).id : value)
const comparable = (field: (typeof CONTENT_FIELDS)[number], value: unknown) =>
  field === 'featuredArticles' && Array.isArray(value) ? value.map((item) => String(idOf(item))) : (value ?? null)

const refuse = (path: string, message: string, req: Parameters<CollectionBeforeChangeHook>[0]['req']): never => {
  throw new ValidationError({ collection: 'newsletters', errors: [{ path, message }], req })
}

/**
 * What the email says is checked when the owner saves, not discovered when the worker sends:
 * on every save that changes it (and whenever the newsletter is being scheduled), the
 * newsletter is built and its MJML compiled with strict validation; a failure refuses the
 * save (400) with MJML's own messages. Scheduling also requires every featured article to be
 * published (a draft is never emailed) and something to say (an intro or a published
 * article: the one place this is checked). The audience is the status guard's check
 * (guardStatusTransitions, audience.ts).
 *
 * The worker's bookkeeping writes (status, counts) go through `payload.db` and never reach this.
 */
export const validateNewsletterContent: CollectionBeforeChangeHook<Newsletter> = async ({ data, originalDoc, operation, req }) => {
  const merged = { ...(originalDoc ?? {}), ...data } as Newsletter
  const contentChanged =
    operation === 'create' ||
    CONTENT_FIELDS.some((field) => field in data && !isDeepStrictEqual(comparable(field, data[field]), comparable(field, originalDoc?.[field])))
  const becomingScheduled = merged.status === 'scheduled' && (operation === 'create' || originalDoc?.status !== 'scheduled')
  if (!contentChanged && !becomingScheduled) return data

  // Before building anything: the cap is what keeps the email under Gmail's clipping size. The
  // digest is exempt: it is built by the worker and trims itself (compileNewsletter).
  const featuredCount = Array.isArray(merged.featuredArticles) ? merged.featuredArticles.length : 0
  if (merged.template !== 'digest' && featuredCount > MAX_FEATURED_ARTICLES) {
    refuse(
      'featuredArticles',
      `A newsletter can feature at most ${MAX_FEATURED_ARTICLES} articles; this one has ${featuredCount}. Remove ${featuredCount - MAX_FEATURED_ARTICLES} (or send two newsletters): longer emails are clipped by Gmail, which hides the unsubscribe link.`,
      req,
    )
  }

  let source: NewsletterSource
  try {
    source = await buildNewsletterSource(req.payload, merged, { req })
  } catch (error) {
    return refuse('template', `The "${merged.template}" template could not be built: ${(error as Error).message}`, req)
  }

  if (merged.status === 'scheduled') {
    if (source.unpublishedArticleIds.length) {
      const { docs } = await req.payload.find({
        collection: 'articles',
        where: { id: { in: source.unpublishedArticleIds } },
        select: { title: true },
        depth: 0,
        draft: true,
        overrideAccess: true,
        pagination: false,
        req,
      })
      const titles = source.unpublishedArticleIds.map((id) => {
        const title = docs.find((doc) => String(doc.id) === String(id))?.title
        return title ? `"${title}"` : `article ${id} (deleted)`
      })
      refuse(
        'featuredArticles',
        `${titles.join(', ')} ${titles.length === 1 ? 'is' : 'are'} not published. Publish ${titles.length === 1 ? 'it' : 'them'} or remove ${titles.length === 1 ? 'it' : 'them'} from the featured articles before scheduling: a draft is never emailed.`,
        req,
      )
    }
    if (!source.hasIntro && !source.articles.length) {
      refuse('intro', 'There is nothing to send: a newsletter needs an intro or at least one featured article (published) before it can be scheduled.', req)
    }
  }

  try {
    await compileNewsletterSource(source)
  } catch (error) {
    refuse(
      'template',
      `The "${merged.template}" email template is invalid, so this newsletter was not saved (a developer must fix it in emails/templates). ${(error as Error).message}`,
      req,
    )
  }
  return data
}
