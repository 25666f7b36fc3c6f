import { type CollectionConfig, type Endpoint, type PayloadHandler } from 'payload'

import { problem } from '../endpoints/responses'
import { withFreshArrayRowIds } from '../fields/freshArrayRowIds'
import { selectOnlyQueriedFields } from './graphqlSelection'
import { countDocumentRead, guardRead, refundReservation } from './readGuards'
import { guardWriteShape } from './writeGuards'

/**
 * Payload mounts `/versions` on every collection, also those without versions (media,
 * subscribers), where its handler fails with a 500. Custom endpoints come first.
 */
const noVersions: PayloadHandler = (req) =>
  problem(404, `${req.routeParams?.collection ?? 'This collection'} keeps no versions.`)
const noVersionsEndpoints: Endpoint[] = [
  { path: '/versions', method: 'get', handler: noVersions },
  { path: '/versions/:id', method: 'get', handler: noVersions },
  { path: '/versions/:id', method: 'post', handler: noVersions },
]

/**
 * The read guards and the documents/clock budget (src/query/readGuards.ts), GraphQL reads of only
 * the fields a query names (graphqlSelection.ts), the shape of
 * written documents (writeGuards.ts), fresh ids for copied array rows, and a 404 for
 * versions of unversioned collections, on every collection.
 */
export const withQueryGuards = (collections: CollectionConfig[]): CollectionConfig[] =>
  collections.map((collection) => ({
    ...collection,
    hooks: {
      ...collection.hooks,
      beforeOperation: [...(collection.hooks?.beforeOperation ?? []), guardRead, guardWriteShape, selectOnlyQueriedFields],
      afterRead: [...(collection.hooks?.afterRead ?? []), countDocumentRead],
      afterOperation: [...(collection.hooks?.afterOperation ?? []), refundReservation],
    },
    endpoints: collection.endpoints === false || collection.versions ? collection.endpoints : [...(collection.endpoints ?? []), ...noVersionsEndpoints],
    fields: withFreshArrayRowIds(collection.fields),
  }))
