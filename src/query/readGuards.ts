import { APIError, NotFound, type CollectionAfterOperationHook, type CollectionAfterReadHook, type CollectionBeforeOperationHook, type FlattenedField, type PayloadRequest, type SanitizedCollectionConfig, type Where } from 'payload'

import { limitsFor, type QueryLimits } from './limits'

/**
 * Guards on every read that comes from outside (REST, GraphQL; never the Local API):
 *
 * - REST `page`, `limit`, `depth`, `joins[…][limit]` must be whole numbers within the
 *   limits (Payload would silently fall back, or pass -1 or NaN on to the database);
 * - `where` is bounded in size and nesting, and its values must suit their operators and
 *   fields (a date for date comparisons, ids for `in`, no geo operators off point fields):
 *   the SQL adapter answers such input with a 500;
 * - anonymous readers may not sort or filter through a relationship (`conditions.name`):
 *   the adapter joins the related documents' latest rows, drafts included, so the order
 *   or the match would tell the public a draft's values;
 * - an id that cannot exist (`/api/articles/%00`) is a 404.
 * - a documents counter and a clock per request: past either budget, the next read is
 *   refused, so a request that the static bounds misjudge still stops.
 */

/** A refused read: a 400 with a message for the person who sent it, logged at info level without a stack (payload.config.ts loggingLevels). */
export class BadQueryError extends APIError {
  constructor(message: string) {
    super(message, 400, null, true)
    this.name = 'BadQueryError'
  }
}

export const badRequest = (message: string) => new BadQueryError(message)

const OPERATORS = new Set([
  'equals', 'not_equals', 'in', 'not_in', 'all', 'exists', 'greater_than', 'greater_than_equal', 'less_than',
  'less_than_equal', 'like', 'not_like', 'contains', 'near', 'within', 'intersects',
])
const GEO_OPERATORS = new Set(['near', 'within', 'intersects'])
const TEXT_OPERATORS = new Set(['like', 'not_like', 'contains'])
const LIST_OPERATORS = new Set(['in', 'not_in', 'all'])
const RELATION_TYPES = new Set(['relationship', 'upload', 'join'])

type FieldAtPath = { field?: FlattenedField; throughRelation: boolean }

/** The field a dotted path names (`seo.title`, `symptoms.symptom`, `conditions.name`), and whether it crosses a relationship. */
const ID_FIELD = { name: 'id', type: 'number' } as FlattenedField

const fieldAtPath = (fields: FlattenedField[], path: string): FieldAtPath => {
  // The default id is not among the fields.
  if (path === 'id') return { field: fields.find((field) => field.name === 'id') ?? ID_FIELD, throughRelation: false }
  let current: FlattenedField[] | undefined = fields
  let field: FlattenedField | undefined
  const segments = path.split('.')
  for (let index = 0; index < segments.length; index++) {
    field = current?.find((candidate) => candidate.name === segments[index])
    if (!field) return { throughRelation: false }
    if (RELATION_TYPES.has(field.type) && index < segments.length - 1) return { field, throughRelation: true }
    current = 'flattenedFields' in field ? (field.flattenedFields as FlattenedField[]) : undefined
  }
  return { field, throughRelation: false }
}

const isWholeNumber = (value: unknown) => typeof value === 'number' ? Number.isInteger(value) : typeof value === 'string' && /^-?\d+$/.test(value.trim())
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value])
const isDate = (value: unknown) =>
  (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(new Date(value).getTime())) ||
  (typeof value === 'number' && Number.isFinite(value)) ||
  value instanceof Date
const isBooleanLike = (value: unknown) => typeof value === 'boolean' || value === 'true' || value === 'false'

type WhereCheck = { collection: SanitizedCollectionConfig; idType: 'number' | 'text'; anonymous: boolean; limits: QueryLimits }

const checkValue = (path: string, operator: string, value: unknown, { field, throughRelation }: FieldAtPath, check: WhereCheck) => {
  if (GEO_OPERATORS.has(operator) && field?.type !== 'point') {
    throw badRequest(`\`${operator}\` works on point (geolocation) fields only; \`${path}\` is not one.`)
  }
  if (operator === 'exists') {
    if (!isBooleanLike(value)) throw badRequest(`\`${path}\` \`exists\` takes true or false.`)
    return
  }
  if (!field || throughRelation) return
  const values = LIST_OPERATORS.has(operator) ? listOf(value) : [value]
  if (TEXT_OPERATORS.has(operator) && ['relationship', 'upload', 'join', 'number', 'date', 'checkbox', 'point'].includes(field.type)) {
    throw badRequest(`\`${operator}\` works on text fields; \`${path}\` is a ${field.type} field: use \`equals\` or \`in\`.`)
  }
  if (TEXT_OPERATORS.has(operator)) return
  const empty = (item: unknown) => item === null || item === undefined || item === ''
  if (field.type === 'date' && values.some((item) => !empty(item) && !isDate(item))) {
    throw badRequest(`\`${path}\` is a date: give an ISO 8601 date such as 2026-01-31 or 2026-01-31T09:00:00Z.`)
  }
  const numericIds = check.idType === 'number'
  const idLike = field.name === 'id' || field.type === 'relationship' || field.type === 'upload'
  if (((idLike && numericIds) || field.type === 'number') && values.some((item) => !empty(item) && !Number.isFinite(Number(item)))) {
    throw badRequest(`\`${path}\` takes ${idLike ? 'document ids' : 'numbers'}: ${JSON.stringify(value)} is not one.`)
  }
}

/** Walks a `where`: its size and nesting, each condition's operator, value and path. */
const checkWhere = (where: Where | undefined, check: WhereCheck) => {
  let nodes = 0
  const walk = (node: unknown, depth: number, prefix: string) => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) throw badRequest('`where` must be an object of field conditions.')
    if (depth > check.limits.maxWhereDepth) {
      throw badRequest(`\`where\` nests \`and\`/\`or\` more than ${check.limits.maxWhereDepth} deep.`)
    }
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (++nodes > check.limits.maxWhereNodes) throw badRequest(`\`where\` has more than ${check.limits.maxWhereNodes} conditions.`)
      const lower = key.toLowerCase()
      if (!prefix && (lower === 'and' || lower === 'or')) {
        for (const member of listOf(value)) walk(member, depth + 1, '')
        continue
      }
      const path = prefix ? `${prefix}.${key}` : key
      if (!value || typeof value !== 'object' || Array.isArray(value)) continue
      const entries = Object.entries(value as Record<string, unknown>)
      const operators = entries.filter(([name]) => OPERATORS.has(name))
      // `{ conditions: { name: { equals } } }` is the same path as `conditions.name`.
      if (operators.length < entries.length) walk(Object.fromEntries(entries.filter(([name]) => !OPERATORS.has(name))), depth, path)
      if (operators.length === 0) continue
      const target = fieldAtPath(check.collection.flattenedFields, path)
      if (target.throughRelation && check.anonymous) {
        throw badRequest(`Filtering on \`${path}\` (a field of related documents) is not available without a login: filter on \`${path.split('.')[0]}\` with document ids.`)
      }
      for (const [operator, operand] of operators) checkValue(path, operator, operand, target, check)
    }
  }
  if (where !== undefined && where !== null) walk(where, 0, '')
}

const checkSort = (sort: unknown, collection: SanitizedCollectionConfig) => {
  for (const raw of listOf(sort)) {
    if (typeof raw !== 'string' || !raw) continue
    const path = raw.replace(/^-/, '')
    if (fieldAtPath(collection.flattenedFields, path).throughRelation) {
      throw badRequest(`Sorting by \`${path}\` (a field of related documents) is not available without a login: sort by the document's own fields.`)
    }
  }
}

/** `?page=`, `?limit=`, `?depth=`, `?joins[…][limit]=` as the request sent them (Payload drops or coerces bad ones). */
const checkRestParameters = (query: Record<string, unknown>, limits: QueryLimits, anonymous: boolean) => {
  const whole = (name: string, value: unknown, min: number, max: number, hint: string) => {
    if (value === undefined || value === '') return
    if (!isWholeNumber(value) || Number(value) < min || Number(value) > max) {
      throw badRequest(`\`${name}\` must be a whole number from ${min} to ${max}${hint}; got ${JSON.stringify(value)}.`)
    }
  }
  whole('page', query.page, 1, 1_000_000, '')
  whole('limit', query.limit, anonymous ? 1 : 0, limits.maxLimit, ' (page through larger results with `page`)')
  whole('depth', query.depth, 0, limits.maxDepth, ' (how many levels of related documents to include)')
  if (anonymous && String(query.pagination) === 'false' && query.limit === undefined) {
    throw badRequest(`\`pagination=false\` needs a \`limit\` (at most ${limits.maxLimit}).`)
  }
}

/**
 * `?joins[<join>][limit|sort|where]`: the adapter runs joins inside the parent's query, not
 * through a find of their own, so their arguments are checked here against the joined
 * collection.
 */
const checkRestJoins = (req: PayloadRequest, collection: SanitizedCollectionConfig, limits: QueryLimits, anonymous: boolean) => {
  const joins = (req.query as Record<string, unknown>).joins
  if (!joins || typeof joins !== 'object') return
  for (const [name, join] of Object.entries(joins as Record<string, unknown>)) {
    if (!join || typeof join !== 'object') continue
    const { limit, sort, where } = join as { limit?: unknown; sort?: unknown; where?: Where }
    if (limit !== undefined && limit !== '' && (!isWholeNumber(limit) || Number(limit) < (anonymous ? 1 : 0) || Number(limit) > limits.maxLimit)) {
      throw badRequest(`\`joins[${name}][limit]\` must be a whole number from ${anonymous ? 1 : 0} to ${limits.maxLimit}; got ${JSON.stringify(limit)}.`)
    }
    const field = collection.flattenedFields.find((candidate) => candidate.name === name)
    const target = field?.type === 'join' && typeof field.collection === 'string' ? req.payload.collections[field.collection]?.config : undefined
    if (!target) continue
    checkWhere(where, { collection: target, idType: req.payload.db.defaultIDType, anonymous, limits })
    if (anonymous) checkSort(sort, target)
  }
}

/** `documents` read so far; `reserved`: the limits of list reads under way (see guardRead). */
type Budget = { startedAt: number; documents: number; reserved: number }
const budgets = new WeakMap<PayloadRequest, Budget>()

const budgetOf = (req: PayloadRequest) => {
  let budget = budgets.get(req)
  if (!budget) budgets.set(req, (budget = { startedAt: Date.now(), documents: 0, reserved: 0 }))
  return budget
}

// The limits are looked up at each check, not kept in the budget: the first read of a
// request is often Payload's own lookup of the user behind its token, made before
// `req.user` is set, and must not fix the anonymous limits for the rest of the request.
const checkDocuments = (budget: Budget, limits: QueryLimits, reserving = 0) => {
  if (budget.documents + reserving > limits.maxDocuments) {
    throw badRequest(`The request read more than ${limits.maxDocuments} documents, its limit: lower \`limit\` or \`depth\`.`)
  }
}

const checkClock = (budget: Budget, limits: QueryLimits) => {
  if (Date.now() - budget.startedAt > limits.timeBudgetMs) {
    throw badRequest(`The request took longer than its time budget of ${limits.timeBudgetMs} ms: ask for fewer documents at once.`)
  }
}

const READ_OPERATIONS = new Set(['read', 'count', 'readDistinct'])

/**
 * An id that cannot name a document (a NUL byte; on SQLite's numeric ids `abc`, `Infinity`,
 * `1.5`) would reach the database as NaN, a 500: it names nothing, so 404. Reads and writes.
 */
export const refuseImpossibleId = (req: PayloadRequest, rawId: unknown) => {
  if (rawId === undefined || rawId === null) return
  const id = String(rawId)
  if ((req.payload.db.defaultIDType === 'number' && !/^\d{1,15}$/.test(id)) || id.includes('\0')) throw new NotFound(req.t)
}

export const guardRead: CollectionBeforeOperationHook = ({ args, collection, operation, req }) => {
  if (req.payloadAPI === 'local' || !READ_OPERATIONS.has(operation)) return args
  const limits = limitsFor(req.user)
  const anonymous = !req.user
  // Once a request is over budget, none of its further reads (GraphQL resolves the rest of
  // the tree, each field its own read) reaches the database.
  const budget = budgetOf(req)
  checkDocuments(budget, limits)
  checkClock(budget, limits)
  // The query string belongs to the collection the route names: Payload's own reads for the
  // same request (the user behind a token, read while authenticating, before any route
  // params are set) and a custom endpoint's reads of other collections are not answers to it.
  const isTheRoutesRead = req.routeParams?.collection === collection.slug
  if (req.payloadAPI === 'REST' && req.query && isTheRoutesRead) {
    checkRestParameters(req.query as Record<string, unknown>, limits, anonymous)
    checkRestJoins(req, collection, limits, anonymous)
  }
  // The id type is the adapter's: numbers on SQLite, ObjectId strings on MongoDB (no collection has custom ids).
  const idType = req.payload.db.defaultIDType
  const { where, sort, id: rawId } = args as { where?: Where; sort?: unknown; id?: unknown }
  checkWhere(where, { collection, idType, anonymous, limits })
  if (anonymous) checkSort(sort, collection)
  refuseImpossibleId(req, rawId)
  // GraphQL starts the reads of one level of the tree all at once, before any returns a
  // document: each list read charges its limit up front, so the reads past the budget are
  // refused before they reach the database; refundReservation gives the charge back when
  // the read is done (its documents were counted one by one). Unlimited reads (population
  // by id, joins without a limit) are charged by the documents they return (countDocumentRead).
  const { limit } = args as { limit?: unknown }
  if (operation === 'read' && typeof limit === 'number' && limit > 0) {
    checkDocuments(budget, limits, budget.reserved + limit)
    budget.reserved += limit
  }
  return args
}

export const refundReservation: CollectionAfterOperationHook = ({ args, operation, req, result }) => {
  if (operation !== 'find' || req.payloadAPI === 'local') return result
  const { limit } = args as { limit?: unknown }
  const budget = budgets.get(req)
  if (budget && typeof limit === 'number' && limit > 0) budget.reserved -= limit
  return result
}

/** Counts each document a request materialises (lists, population, joins) against its budget. */
export const countDocumentRead: CollectionAfterReadHook = ({ doc, req }) => {
  if (req.payloadAPI === 'local') return doc
  const budget = budgetOf(req)
  const limits = limitsFor(req.user)
  budget.documents++
  checkDocuments(budget, limits)
  if (budget.documents % 50 === 0) checkClock(budget, limits)
  return doc
}
