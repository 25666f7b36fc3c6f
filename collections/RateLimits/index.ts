import type { CollectionConfig } from 'payload'

import { internalCollection } from '../shared/internalCollection'

/**
 * Counters of the shared rate limiters (signup, login, forgot-password) on SQLite: one row
 * per limiter key, written by rate-limiter-flexible's Drizzle store through
 * src/security/sharedLimiter.ts, so every process on the database file counts together.
 * A Payload collection only so that its table comes from the committed migrations like
 * every other; nobody reads or writes it through Payload. MongoDB keeps its counters in
 * RateLimiterMongo's own collections instead.
 */
export const RateLimits: CollectionConfig<'rate-limits'> = {
  ...internalCollection('rate-limits'),
  fields: [
    // `keyPrefix:key`, e.g. `login-ip:203.0.113.7`.
    { name: 'key', type: 'text', required: true, unique: true },
    { name: 'points', type: 'number', required: true },
    // Milliseconds since the epoch (an integer, as the Drizzle store writes it).
    { name: 'expire', type: 'number', index: true },
  ],
}
