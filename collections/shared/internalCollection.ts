import type { Access, CollectionConfig, CollectionSlug } from 'payload'

import { nobody } from '../../src/access/nobody'

/**
 * The head of a collection that is only the system's bookkeeping (rate-limit counters,
 * worker heartbeats): hidden from the admin and from GraphQL, written by the system alone,
 * never through the API, and without Payload's timestamps (its rows carry their own times).
 * `readers` may read it through the API; by default nobody may.
 */
export const internalCollection = <TSlug extends CollectionSlug>(slug: TSlug, readers: Access = nobody) =>
  ({
    slug,
    graphQL: false,
    admin: { hidden: true },
    access: { read: readers, create: nobody, update: nobody, delete: nobody },
    timestamps: false,
  }) satisfies Omit<CollectionConfig<TSlug>, 'fields'>
