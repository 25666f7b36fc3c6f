import { numberFromEnv } from '../../jobs/shared/env'

/**
 * Cost limits of the read API (REST and GraphQL), read once at start. Every read a request
 * makes is bounded before it runs (statically, from its arguments) and while it runs (a
 * documents counter and a clock). Documented in SECURITY-query.md.
 */
export type QueryLimits = {
  /** Largest `limit` per list (REST `limit`, GraphQL `limit:` on lists and joins, REST `joins[…][limit]`). */
  maxLimit: number
  /** Most nested document hops: GraphQL joins and relationships, REST `depth`. */
  maxDepth: number
  /** Documents one request may materialise (lists × limits × relationships), estimated before and counted while it runs. */
  maxDocuments: number
  /** Wall-clock budget of one request's reads, from its first read. */
  timeBudgetMs: number
  /** Conditions (`and`/`or` members and leaves) in one `where`. */
  maxWhereNodes: number
  /** Nesting of `and`/`or` in one `where`. */
  maxWhereDepth: number
}

export const anonymousLimits = (): QueryLimits => ({
  maxLimit: numberFromEnv('QUERY_MAX_LIMIT', 100),
  maxDepth: numberFromEnv('QUERY_MAX_DEPTH', 3),
  maxDocuments: numberFromEnv('QUERY_MAX_DOCUMENTS', 1000),
  timeBudgetMs: numberFromEnv('QUERY_TIME_BUDGET_MS', 3000),
  maxWhereNodes: numberFromEnv('QUERY_MAX_WHERE_NODES', 50),
  maxWhereDepth: numberFromEnv('QUERY_MAX_WHERE_DEPTH', 5),
})

/**
 * Staff (the admin panel, preview front ends with an API key) get more room: the admin's
 * list view pages up to 100 rows and its edit view populates to depth 2, and editors
 * build larger filters. Bounded all the same.
 */
export const staffLimits = (): QueryLimits => ({
  maxLimit: numberFromEnv('QUERY_STAFF_MAX_LIMIT', 1000),
  maxDepth: numberFromEnv('QUERY_STAFF_MAX_DEPTH', 5),
  maxDocuments: numberFromEnv('QUERY_STAFF_MAX_DOCUMENTS', 20000),
  timeBudgetMs: numberFromEnv('QUERY_STAFF_TIME_BUDGET_MS', 15000),
  maxWhereNodes: numberFromEnv('QUERY_STAFF_MAX_WHERE_NODES', 200),
  maxWhereDepth: numberFromEnv('QUERY_STAFF_MAX_WHERE_DEPTH', 10),
})

let cached: { anonymous: QueryLimits; staff: QueryLimits } | undefined

export const limitsFor = (user: unknown): QueryLimits => {
  cached ??= { anonymous: anonymousLimits(), staff: staffLimits() }
  return user ? cached.staff : cached.anonymous
}

/** Assumed documents behind one hasMany relationship field (its real size is only known once read; the counter catches the rest). */
export const HAS_MANY_FANOUT = 10
/** Payload's page size when a list names no `limit`. */
export const PAYLOAD_DEFAULT_LIMIT = 10
