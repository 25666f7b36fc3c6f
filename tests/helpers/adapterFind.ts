import type { Payload } from 'payload'

import { ADAPTER_FIND } from '../../src/seams/drizzleFindFields'

/** Runs `read` with the SQL adapter's own find (it builds keys for excluded fields) instead of the seam's wrapper (src/seams/drizzleFindFields.ts). */
export const withAdapterFind = async <T>(payload: Payload, read: () => Promise<T>): Promise<T> => {
  const db = payload.db as unknown as { find: { [ADAPTER_FIND]?: unknown } }
  const wrapper = db.find
  db.find = wrapper[ADAPTER_FIND] as typeof wrapper
  try {
    return await read()
  } finally {
    db.find = wrapper
  }
}
