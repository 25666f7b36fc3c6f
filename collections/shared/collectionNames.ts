import type { CollectionSlug } from 'payload'

/**
 * A collection's names: its slug (REST paths, relationships), the labels the admin shows and
 * the GraphQL type names front ends code against. The GraphQL names are always written out,
 * never derived from the labels, so relabelling a collection in the admin cannot rename the
 * public API.
 */
export const collectionNames = <TSlug extends CollectionSlug>(
  slug: TSlug,
  [singular, plural]: [singular: string, plural: string],
  [singularName, pluralName]: [singularName: string, pluralName: string],
) => ({ slug, labels: { singular, plural }, graphQL: { singularName, pluralName } })
