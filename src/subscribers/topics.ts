import type { Payload } from 'payload'

/**
 * A subscriber's topics are published conditions. Stored, an empty list means "all topics"
 * (the audience query reads it that way). People never have to know that: forms and the
 * API say it explicitly with `topicChoice`:
 *
 * - `all`: every topic; any ticked topics are ignored (a form keeps old ticks on screen).
 * - `chosen`: exactly the ticked topics, and at least one: none ticked is refused, never
 *   read as "everything".
 * - absent: the topics given, none meaning all (what `/api/subscribe` always did).
 */
export const TOPIC_CHOICES = ['all', 'chosen'] as const
export type TopicChoice = (typeof TOPIC_CHOICES)[number]

export const NO_TOPIC_CHOSEN = 'Tick at least one topic, or choose "All topics".'

export type TopicsCheck = { ok: true; slugs: string[] } | { ok: false; message: string }

/** The slugs to store for a choice and the ticked slugs (empty: all topics), or why not. */
export const chooseTopics = (choice: unknown, slugs: string[]): TopicsCheck => {
  if (choice === undefined || choice === null || choice === '') return { ok: true, slugs }
  if (choice === 'all') return { ok: true, slugs: [] }
  if (choice === 'chosen') return slugs.length ? { ok: true, slugs } : { ok: false, message: NO_TOPIC_CHOSEN }
  return { ok: false, message: '"topicChoice" must be "all" or "chosen".' }
}

export type Topic = { id: number; slug: string; name: string }

/** The topics one can subscribe to: published conditions, by name. */
export const publishedTopics = async (payload: Payload): Promise<Topic[]> => {
  const { docs } = await payload.find({
    collection: 'conditions',
    where: { _status: { equals: 'published' } },
    select: { name: true, slug: true },
    sort: 'name',
    limit: 200,
    depth: 0,
    overrideAccess: true,
  })
  return docs.filter((doc) => doc.slug).map((doc) => ({ id: doc.id, slug: doc.slug!, name: doc.name }))
}

export type TopicIdsCheck = { ok: true; ids: number[] } | { ok: false; message: string }

/** The ids of published conditions with these slugs; an unknown or unpublished slug is named. */
export const topicIdsOf = async (payload: Payload, slugs: string[]): Promise<TopicIdsCheck> => {
  if (!slugs.length) return { ok: true, ids: [] }
  const { docs } = await payload.find({
    collection: 'conditions',
    where: { and: [{ slug: { in: slugs } }, { _status: { equals: 'published' } }] },
    select: { slug: true },
    limit: slugs.length,
    depth: 0,
    overrideAccess: true,
  })
  const known = new Set(docs.map((doc) => doc.slug))
  const unknown = [...new Set(slugs.filter((slug) => !known.has(slug)))]
  if (unknown.length) return { ok: false, message: `Unknown topic${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.` }
  return { ok: true, ids: docs.map((doc) => doc.id) }
}
