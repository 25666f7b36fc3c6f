import config from '@payload-config'
import { REST_OPTIONS } from '@payloadcms/next/routes'
import { getOperationAST, parse } from 'graphql'

import { problem } from '../../../../endpoints/responses'
import { graphqlPost } from '../../../../query/graphqlGate'
import { registerApiRoute } from '../../../../server/apiRouteRegistry'

// Cost limits, fragment cycles and subscriptions are refused before Payload runs anything; Payload's
// handler then executes the document the check parsed and validated (src/query/graphqlHandler.ts).
export const POST = graphqlPost(config)
export const OPTIONS = REST_OPTIONS(config)

/**
 * GraphQL over GET (`?query=…&variables=<JSON>&operationName=…`), so CDNs and browsers can
 * cache reads by URL. Queries only: a mutation over GET could be triggered by a link or a
 * prefetch, so it is refused with 405. The request is then answered exactly as the same POST.
 */
export const GET = async (request: Request) => {
  const url = new URL(request.url)
  const query = url.searchParams.get('query')
  if (!query) {
    return problem(
      400,
      'GET /api/graphql needs a `query` parameter (and optionally `variables` as JSON and `operationName`); or POST the same as JSON.',
    )
  }
  let variables: unknown
  const rawVariables = url.searchParams.get('variables')
  if (rawVariables) {
    try {
      variables = JSON.parse(rawVariables)
    } catch {
      return problem(400, 'The `variables` parameter must be a JSON object, e.g. variables={"slug":"neck-pain"}.')
    }
    if (variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
      return problem(400, 'The `variables` parameter must be a JSON object, e.g. variables={"slug":"neck-pain"}.')
    }
  }
  const operationName = url.searchParams.get('operationName') || undefined
  try {
    const operation = getOperationAST(parse(query), operationName)
    if (operation && operation.operation !== 'query') {
      return problem(405, `A ${operation.operation} cannot be sent with GET: POST it to /api/graphql.`, { Allow: 'POST' })
    }
  } catch {
    // A syntax error: Payload answers it below with its usual GraphQL error.
  }
  const headers = new Headers(request.headers)
  headers.set('content-type', 'application/json')
  headers.delete('content-length')
  const post = new Request(new URL('/api/graphql', url), {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables, operationName }),
  })
  return POST(post)
}

// The production server calls these two directly for requests Next would route here (src/server/apiRoutes.ts).
registerApiRoute('graphql', { GET, POST })
