import type { Payload } from 'payload'

import type { PublicRowTags } from './contentTags'

const idOf = (value: unknown): number | string | null => {
  if (typeof value === 'number' || typeof value === 'string') return value
  if (value && typeof value === 'object') {
    const object = value as { id?: unknown; value?: unknown }
    // A populated document, or a polymorphic relationship's `{ relationTo, value }`.
    return idOf(object.id ?? object.value)
  }
  return null
}

export const valueAt = (row: Record<string, unknown>, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), row)

/**
 * What a change to this row of `collection` can alter besides the row itself: its slug, and
 * the documents of other collections whose join fields list it (a condition's
 * `relatedArticles` lists the articles whose `conditions` name it), read from the sanitized
 * config's `joins` map so a new join field is covered without touching this.
 */
export const publicRowTags = (payload: Payload, collection: string, row: Record<string, unknown> & { id: number | string }): PublicRowTags => {
  const joinedBy: Record<string, (number | string)[]> = {}
  for (const [owner, { config }] of Object.entries(payload.collections)) {
    for (const join of config.joins?.[collection] ?? []) {
      const value = valueAt(row, join.field.on)
      const ids = (Array.isArray(value) ? value : [value]).map(idOf).filter((id): id is number | string => id !== null)
      if (ids.length) joinedBy[owner] = [...(joinedBy[owner] ?? []), ...ids]
    }
  }
  return { id: row.id, slug: typeof row.slug === 'string' ? row.slug : null, joinedBy }
}
