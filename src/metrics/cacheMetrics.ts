import type { ContentCache } from '../cache/contentCache'
import { mirrorCounter, mirrorGauge } from './registry'

/**
 * The response cache's own counters (src/cache), read at scrape time: serving a hit costs
 * nothing more for being measured. Registered by server.ts, where the cache lives.
 */
export const registerContentCacheMetrics = (cache: ContentCache) => {
  const stats = () => cache.stats()
  mirrorCounter('clinic_content_cache_hits_total', 'Anonymous reads answered from memory.', () => stats().hit)
  mirrorCounter('clinic_content_cache_misses_total', 'Cacheable reads fetched from Payload.', () => stats().miss)
  mirrorCounter('clinic_content_cache_bypasses_total', 'Requests the cache does not handle (credentials, writes, drafts…).', () => stats().bypass)
  mirrorCounter('clinic_content_cache_evictions_total', 'Entries dropped to stay within CONTENT_CACHE_MAX_BYTES.', () => stats().evictions)
  mirrorCounter('clinic_content_cache_invalidations_total', 'Content changes applied (each drops the entries carrying its tags).', () => stats().invalidations)
  mirrorCounter('clinic_content_cache_clears_total', 'Whole-cache clears (a gap in the change log, or a change whose tags are unknown).', () => stats().clears)
  mirrorCounter('clinic_content_cache_dropped_total', 'Entries dropped by content changes.', () => stats().dropped)
  mirrorGauge('clinic_content_cache_bytes', 'Bytes held (bodies and keys).', () => stats().bytes)
  mirrorGauge('clinic_content_cache_entries', 'Entries held.', () => stats().entries)
}
