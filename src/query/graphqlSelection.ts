import { Kind, parse, visit } from 'graphql'
import type { PayloadRequest } from 'payload'

/**
 * Field names a GraphQL request's document selects anywhere (fields, fragments, any type),
 * so that computed fields nobody asked for are not computed: `jsonLd` costs related-document
 * loads per document. Conservative: a name selected on any type counts for every type, and a
 * request whose query cannot be read (not GraphQL, no text, a syntax error) counts as selecting
 * everything. `req.data` is the parsed GraphQL body (Payload's GRAPHQL_POST runs
 * addDataAndFileToRequest before executing), and stays the same object for every nested read.
 */
const namesByQuery = new Map<string, Set<string> | null>()
const MAX_REMEMBERED = 500

const selectedNames = (query: string): Set<string> | null => {
  const known = namesByQuery.get(query)
  if (known !== undefined) return known
  let names: Set<string> | null
  try {
    const found = new Set<string>()
    visit(parse(query), { [Kind.FIELD]: (node) => void found.add(node.name.value) })
    names = found
  } catch {
    names = null
  }
  // Bounded: distinct query texts from the public must not grow memory without end.
  if (namesByQuery.size >= MAX_REMEMBERED) namesByQuery.delete(namesByQuery.keys().next().value as string)
  namesByQuery.set(query, names)
  return names
}

/** False only for a GraphQL request whose document never selects a field of this name. */
export const graphqlMaySelect = (req: PayloadRequest | undefined, fieldName: string): boolean => {
  if (req?.payloadAPI !== 'GraphQL') return true
  const query = (req.data as { query?: unknown } | undefined)?.query
  if (typeof query !== 'string') return true
  const names = selectedNames(query)
  return names === null || names.has(fieldName)
}
