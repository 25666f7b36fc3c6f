import { createDataloaderCacheKey, type CollectionSlug, type PayloadRequest } from 'payload'

/**
 * Loads one document through the request's own DataLoader (`req.payloadDataLoader`), the one
 * Payload uses to populate relationships: every key asked for in the same tick goes out as one
 * `find` per collection (`where: { id: { in: [...] } }`), with the request's access (the reader's
 * user; `overrideAccess: false`), published versions only (`draft: false`), and the given
 * `select`. Resolves to the document, or null when it does not exist or the reader may not see it.
 *
 * Undocumented: the DataLoader on the request and the cache key format are Payload internals
 * (exported, but not in the docs); the key's type wants `null` where a request carries
 * `undefined` (fallbackLocale, locale, transactionID), and serialises both alike, hence the
 * cast. tests/int/seams/requestDataLoader.int.spec.ts states the batching, access and select
 * relied on. Adapter-neutral: the loader calls the Local API, so MongoDB behaves the same.
 */
export const loadThroughRequest = async <T = Record<string, unknown>>(
  req: PayloadRequest,
  { collection, id, select }: { collection: CollectionSlug; id: number | string; select: Record<string, true> },
): Promise<T | null> =>
  ((await req.payloadDataLoader.load(
    createDataloaderCacheKey({
      collectionSlug: collection,
      currentDepth: 0,
      depth: 0,
      docID: id,
      draft: false,
      fallbackLocale: req.fallbackLocale,
      locale: req.locale,
      overrideAccess: false,
      select,
      showHiddenFields: false,
      transactionID: req.transactionID,
    } as Parameters<typeof createDataloaderCacheKey>[0]),
  )) as T | undefined) ?? null
