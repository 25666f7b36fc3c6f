import { Kind, parse, visit } from 'graphql'
import type { CollectionBeforeOperationHook, PayloadRequest, SanitizedCollectionConfig } from 'payload'

import { withoutWalkingExcludedFields } from '../seams/afterReadFields'
import { omitsExcludedFields } from '../seams/drizzleFindFields'

/**
 * Field names a GraphQL request's document selects anywhere (fields, fragments, any type),
 * so that computed fields nobody asked for are not computed: `jsonLd` costs related-document
 * loads per document. Conservative: a name selected on any type counts for every type, and a
 * request whose query cannot be read (not GraphQL, no text, a syntax error) counts as selecting
 * everything. `req.data` is the parsed GraphQL body (Payload's GRAPHQL_POST runs
 * addDataAndFileToRequest before executing), and stays the same object for every nested read.
 */
/** What a query text's document says, parsed once: every field name it selects, and its operations' types by name ('' for the anonymous one). */
type QueryShape = { names: Set<string>; operations: Map<string, string> }
const shapesByQuery = new Map<string, QueryShape | null>()
const MAX_REMEMBERED = 500

const shapeOf = (query: string): QueryShape | null => {
  const known = shapesByQuery.get(query)
  if (known !== undefined) return known
  let shape: QueryShape | null
  try {
    const document = parse(query)
    const names = new Set<string>()
    visit(document, { [Kind.FIELD]: (node) => void names.add(node.name.value) })
    const operations = new Map<string, string>()
    for (const definition of document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION) operations.set(definition.name?.value ?? '', definition.operation)
    }
    shape = { names, operations }
  } catch {
    shape = null
  }
  // Bounded: distinct query texts from the public must not grow memory without end.
  if (shapesByQuery.size >= MAX_REMEMBERED) shapesByQuery.delete(shapesByQuery.keys().next().value as string)
  shapesByQuery.set(query, shape)
  return shape
}

const selectedNames = (query: string): Set<string> | null => shapeOf(query)?.names ?? null

/** False only for a GraphQL request whose document never selects a field of this name. */
export const graphqlMaySelect = (req: PayloadRequest | undefined, fieldName: string): boolean => {
  if (req?.payloadAPI !== 'GraphQL') return true
  const query = (req.data as { query?: unknown } | undefined)?.query
  if (typeof query !== 'string') return true
  const names = selectedNames(query)
  return names === null || names.has(fieldName)
}

const operationTypeOf = (query: string, operationName: unknown): string | undefined => {
  const operations = shapeOf(query)?.operations
  if (!operations) return undefined
  if (typeof operationName === 'string' && operationName) return operations.get(operationName)
  return operations.size === 1 ? operations.values().next().value : undefined
}

/** Never left out: ids and the draft status Payload reads itself. */
const ALWAYS_READ = new Set(['id', '_status'])
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/
/** GraphQL's pagination fields of a list: without any of them named, the list needs no count. */
const PAGINATION_FIELDS = ['totalDocs', 'totalPages', 'hasNextPage', 'hasPrevPage', 'nextPage', 'prevPage', 'pagingCounter', 'page', 'limit']

/**
 * Fields of an upload collection that Payload's own afterRead hooks compute from others
 * (payload/dist/uploads/getBaseFields.js): `url` from `filename`, `thumbnailURL` from
 * `sizes.<adminThumbnail>`, each `sizes.<name>.url` from that size's filename (inside `sizes`).
 * Named fields keep what they are computed from; an adminThumbnail function may read anything.
 */
const uploadDependencies = (collection: SanitizedCollectionConfig, names: Set<string>): Set<string> | null => {
  const upload = collection.upload
  if (!upload || typeof upload !== 'object') return new Set()
  if (typeof upload.adminThumbnail === 'function') return null
  const keep = new Set(['filename'])
  if (names.has('thumbnailURL')) keep.add('sizes')
  return keep
}

/**
 * A GraphQL query reads only the top-level fields its document names somewhere: a beforeOperation
 * hook (reads of every collection, withQueryGuards) that gives Payload's find and findByID an
 * exclusion `select` of the others, so their columns, array and relationship subqueries, rich text
 * and afterRead hooks are skipped; and a list whose pagination fields (totalDocs, …) are named
 * nowhere is read without its count query. GraphQL sends only selected fields, so the answers are
 * the same (tests/int/graphql-answers.int.spec.ts compares them with full reads,
 * bench/content-api/answers.ts across versions). Conservative, as graphqlMaySelect: a name selected
 * on any type keeps that field in every collection; nothing is left out when the query names jsonLd
 * (built from the whole document; a queried `<name>Html` keeps its rich-text source), for a query that cannot be read, for a mutation (its hooks may
 * read documents with the request), or when the read has a select already (Payload's
 * `select: true`, jsonLd's related loads); upload collections keep what their URLs are computed from.
 * On SQLite the adapter then builds no keys for the excluded fields (src/seams/drizzleFindFields.ts), and a
 * find's afterRead walk skips them as well (src/seams/afterReadFields.ts: the args get a collection config
 * without them).
 */
export const selectOnlyQueriedFields: CollectionBeforeOperationHook = ({ args, collection, operation, req }) => {
  if (operation !== 'read' || req.payloadAPI !== 'GraphQL') return args
  // Payload's DataLoader passes no select as null (its batch key is JSON).
  if ((args as { select?: unknown }).select != null) return args
  const data = req.data as { query?: unknown; operationName?: unknown } | undefined
  if (typeof data?.query !== 'string' || operationTypeOf(data.query, data.operationName) !== 'query') return args
  const names = selectedNames(data.query)
  if (names === null || names.has('jsonLd')) return args
  const dependencies = uploadDependencies(collection, names)
  if (!dependencies) return args
  const exclude: Record<string, false> = {}
  for (const field of collection.flattenedFields) {
    if (ALWAYS_READ.has(field.name) || names.has(field.name) || dependencies.has(field.name) || !GRAPHQL_NAME.test(field.name)) continue
    // A rich-text field whose HTML sibling is queried (`contentHtml`, src/fields/richTextHtml.ts) is what it renders from.
    if (field.type === 'richText' && names.has(`${field.name}Html`)) continue
    exclude[field.name] = false
  }
  const excluded = Object.keys(exclude).length > 0
  // The afterRead walk then skips the fields the SQL adapter left out of the documents (src/seams/afterReadFields.ts).
  const next: Record<string, unknown> = excluded ? withoutWalkingExcludedFields({ ...args, select: exclude }, omitsExcludedFields(req.payload)) : { ...args }
  // Only with a limit: without one, `pagination: false` would read every document instead of a page.
  const { limit, pagination } = args as { limit?: unknown; pagination?: unknown }
  if (pagination !== false && typeof limit === 'number' && limit > 0 && !PAGINATION_FIELDS.some((name) => names.has(name))) next.pagination = false
  return next as typeof args
}
