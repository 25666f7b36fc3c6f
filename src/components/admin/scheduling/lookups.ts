import type { Payload } from 'payload'
import { cache } from 'react'

import { collectionLabel, loadDocumentTitles, refKey, type DocumentRef } from '../../../../jobs/scheduling/documents'
import { readClinicTimeZone } from '../../../utilities/clinicTime'

/**
 * Per-request lookups for the scheduling admin's server components: each list cell renders
 * on its own, so the clinic's timezone and a document's title are read once per request
 * (React's `cache`), not once per cell.
 */

export const clinicTimeZoneFor = cache((payload: Payload) => readClinicTimeZone(payload))

export type DocumentTitle = { title: string; label: string; exists: boolean }

export const documentTitleFor = cache(async (payload: Payload, collection: string, id: string): Promise<DocumentTitle> => {
  const ref: DocumentRef = { relationTo: collection, value: id }
  const title = (await loadDocumentTitles(payload, [ref])).get(refKey(ref))
  return { title: title ?? 'Deleted document', label: collectionLabel(payload, collection), exists: title !== undefined }
})
