import { validations, type CollectionSlug, type Validate, type Where } from 'payload'

/** Documents the public (and so a subscriber's inbox) can see. */
export const PUBLISHED: Where = { _status: { equals: 'published' } }

type Options = {
  /** A drafts-enabled collection. */
  relationTo: CollectionSlug
  /** The field that names a document in messages (its `useAsTitle`). */
  titleField: string
  /** What the messages call one document and several: "article", "articles". */
  singular: string
  plural: string
  /** What the field does with them, for messages: "featured". */
  usedAs: string
}

const idOf = (value: unknown): number | string | undefined => {
  if (value && typeof value === 'object') return ((value as { id?: number | string; value?: number | string }).id ?? (value as { value?: number | string }).value) as number | string | undefined
  return typeof value === 'number' || typeof value === 'string' ? value : undefined
}

/**
 * A relationship that may only hold published documents, e.g. the articles a newsletter
 * features: the picker (`filterOptions`) offers only those, and a save (admin, REST, Local
 * API) is refused when one of its values is not, naming it, by the same rule. Payload's own
 * filterOptions check would refuse too, but with ids only ("invalid selections: 14"), so this
 * `validate` replaces it; the id checks are still Payload's.
 */
export const publishedOnly = ({ relationTo, titleField, singular, plural, usedAs }: Options) => {
  const validate: Validate = async (value, options) => {
    // Payload's checks, without its filterOptions query (ours below names the documents).
    const basic = await validations.relationship(value as never, { ...options, event: 'onChange' } as never)
    if (basic !== true) return basic
    // As the owner types, the admin asks on every change: the database only on save.
    if (options.event === 'onChange') return true
    const ids = (Array.isArray(value) ? value : value == null ? [] : [value]).map(idOf).filter((id) => id !== undefined)
    if (!ids.length) return true
    const { req } = options
    const common = { collection: relationTo, depth: 0, overrideAccess: true, pagination: false, req, select: { [titleField]: true } } as const
    const { docs: published } = await req.payload.find({ ...common, where: { and: [{ id: { in: ids } }, PUBLISHED] } })
    const publishedIds = new Set(published.map((doc) => String(doc.id)))
    const others = ids.filter((id) => !publishedIds.has(String(id)))
    if (!others.length) return true
    const { docs: drafts } = await req.payload.find({ ...common, draft: true, where: { id: { in: others } } })
    const names = others.map((id) => {
      const title = (drafts.find((doc) => String(doc.id) === String(id)) as Record<string, unknown> | undefined)?.[titleField]
      return typeof title === 'string' && title.trim() ? `"${title}"` : `${singular} ${id} (untitled or deleted)`
    })
    const one = names.length === 1
    return `${names.join(', ')} ${one ? 'is' : 'are'} not published: only published ${plural} can be ${usedAs}. Publish ${one ? 'it' : 'them'} first, or remove ${one ? 'it' : 'them'}.`
  }
  return { filterOptions: PUBLISHED, validate }
}
