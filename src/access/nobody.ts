import type { Access } from 'payload'

/** No one, through any API: for rows only the system writes (the worker, the watchdog). */
export const nobody: Access = () => false

/**
 * Rows the system writes (deliveries, webhook deliveries, alerts): `reader` may read and
 * delete them; no person creates or edits one.
 */
export const systemWrittenAccess = (reader: Access) => ({ read: reader, create: nobody, update: nobody, delete: reader })
