import type { IncomingHttpHeaders } from 'node:http'

import {
  Kind,
  parse,
  print,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql'

import { PUBLIC_COLLECTIONS, PUBLIC_GLOBALS, PUBLIC_GRAPHQL_ROOT_FIELDS } from './publicContent'

/** Either the normalised key of a cacheable read, or why it goes straight to Payload. */
export type Classification = { cacheable: true; key: string } | { cacheable: false; reason: string }

const bypass = (reason: string): Classification => ({ cacheable: false, reason })

/**
 * Anyone who might be somebody: a session cookie, a JWT, an API key
 * (`Authorization: users API-Key …`) or any other Authorization header. Such requests may
 * see drafts and private fields, so they never touch the shared cache.
 */
export const isAuthenticated = (headers: IncomingHttpHeaders) =>
  Boolean(headers.authorization) || /(?:^|;)\s*payload-token=/.test(headers.cookie ?? '')

/** Path segments after a collection slug that are not a document id. */
const RESERVED_SEGMENTS = new Set([
  'versions',
  'access',
  'schedule',
  'file',
  'init',
  'me',
  'login',
  'logout',
  'unlock',
  'refresh-token',
  'verify',
  'forgot-password',
  'reset-password',
  'first-register',
])

const DOCUMENT_ID = /^[A-Za-z0-9_-]{1,64}$/

/**
 * REST reads of published content: `/api/{collection}`, `/api/{collection}/count`,
 * `/api/{collection}/{id}` and `/api/globals/clinic`, without `draft` or `token`. Everything else
 * (versions, schedules, media files, users, subscribers, custom endpoints) goes through.
 */
export const classifyRest = (pathname: string, search: URLSearchParams): Classification => {
  const segments = pathname.split('/').slice(1)
  if (segments[0] !== 'api') return bypass('not an API path')
  const [, slug, ...rest] = segments
  if (slug === 'globals') {
    if (rest.length !== 1 || !Object.hasOwn(PUBLIC_GLOBALS, rest[0])) return bypass('not a public global')
  } else {
    if (!slug || !Object.hasOwn(PUBLIC_COLLECTIONS, slug)) return bypass('not a public collection')
    if (rest.length > 1) return bypass('not a plain read')
    if (rest.length === 1 && (!DOCUMENT_ID.test(rest[0]) || RESERVED_SEGMENTS.has(rest[0]))) {
      return bypass('not a plain read')
    }
  }
  if (search.has('draft')) return bypass('draft parameter')
  // A preview token (src/preview) opens a draft: whatever path carries one, its answer is never shared.
  if (search.has('token')) return bypass('token parameter')
  const sorted = new URLSearchParams(search)
  sorted.sort()
  return { cacheable: true, key: `rest ${pathname}?${sorted.toString()}` }
}

/**
 * The feeds and sitemap (src/feeds): `/feeds/articles.{rss,atom,json}`, `/feeds/conditions/<slug>.rss`,
 * `/sitemap.xml`, `/sitemap-<n>.xml`. Their answers do not depend on the query string, so the key
 * is the path alone (a `?x=random` cannot fill the cache with copies) and the fill asks for the path.
 */
const SITE_PATH = /^\/(?:feeds\/articles\.(?:rss|atom|json)|feeds\/conditions\/[A-Za-z0-9_-]{1,150}\.rss|sitemap\.xml|sitemap-\d{1,7}\.xml)$/

export const SITE_KEY_PREFIX = 'site '

export const classifySitePath = (pathname: string): Classification | undefined =>
  SITE_PATH.test(pathname) ? { cacheable: true, key: `${SITE_KEY_PREFIX}${pathname}` } : undefined

export type GraphqlParams = { query?: unknown; variables?: unknown; operationName?: unknown }

/** Object keys sorted at every level: `{b:1,a:2}` and `{a:2,b:1}` are one cache key. */
const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** Root fields an operation selects, through fragments; null if a fragment is unknown or loops. */
const rootFieldNames = (
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  seen = new Set<string>(),
): string[] | null => {
  const names: string[] = []
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) names.push(selection.name.value)
    else {
      let inner: SelectionSetNode
      if (selection.kind === Kind.INLINE_FRAGMENT) inner = selection.selectionSet
      else {
        const name = selection.name.value
        const fragment = fragments.get(name)
        if (!fragment || seen.has(name)) return null
        seen.add(name)
        inner = fragment.selectionSet
      }
      const nested = rootFieldNames(inner, fragments, seen)
      if (!nested) return null
      names.push(...nested)
    }
  }
  return names
}

/**
 * A GraphQL request is cacheable when its operation is a query whose root fields all read
 * published content (see PUBLIC_GRAPHQL_ROOT_FIELDS) and no field anywhere has a `draft`
 * argument. The key is the printed document (whitespace and comments normalised), the
 * variables as canonical JSON, and the operation name.
 */
export const classifyGraphql = ({ query, variables, operationName }: GraphqlParams): Classification => {
  if (typeof query !== 'string' || !query) return bypass('no query')
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    return bypass('variables are not an object')
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    return bypass('operationName is not a string')
  }
  let document: DocumentNode
  try {
    document = parse(query, { noLocation: true, maxTokens: 5000 })
  } catch {
    return bypass('query does not parse')
  }
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  )
  const operation = operationName
    ? operations.find((candidate) => candidate.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined
  if (!operation) return bypass('operation not found')
  if (operation.operation !== 'query') return bypass(`a ${operation.operation}`)
  const fragments = new Map(
    document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  )
  const roots = rootFieldNames(operation.selectionSet, fragments)
  if (!roots || roots.length === 0) return bypass('unknown fragment')
  const privateField = roots.find((name) => !PUBLIC_GRAPHQL_ROOT_FIELDS.has(name))
  if (privateField) return bypass(`${privateField} is not a public read`)
  let asksForDrafts = false
  visit(document, {
    Argument(node) {
      if (node.name.value === 'draft') asksForDrafts = true
    },
  })
  if (asksForDrafts) return bypass('draft argument')
  return {
    cacheable: true,
    key: `graphql ${print(document)}\n${canonicalJson(variables ?? {})}\n${operationName ?? ''}`,
  }
}

/** GraphQL over GET: `?query=…&variables=<JSON>&operationName=…`. Undefined when malformed. */
export const graphqlParamsFromSearch = (search: URLSearchParams): GraphqlParams | undefined => {
  const rawVariables = search.get('variables')
  let variables: unknown
  if (rawVariables) {
    try {
      variables = JSON.parse(rawVariables)
    } catch {
      return undefined
    }
  }
  return { query: search.get('query') ?? undefined, variables, operationName: search.get('operationName') || undefined }
}
