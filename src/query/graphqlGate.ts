import { configToSchema } from '@payloadcms/graphql'
import type { GraphQLSchema } from 'graphql'
import { getPayload, type SanitizedConfig } from 'payload'

import { problem } from '../endpoints/responses'
import { preflightGraphql } from './graphqlCost'
import { limitsFor } from './limits'

type Handler = (request: Request) => Promise<Response>

let schema: Promise<GraphQLSchema> | undefined

/** The schema Payload serves, built from the same config (Payload keeps its own copy private). */
const schemaOf = (config: Promise<SanitizedConfig>) =>
  (schema ??= config.then((resolved) => configToSchema(resolved).schema))

const hasCredentials = (headers: Headers) => Boolean(headers.get('authorization')) || /(?:^|;)\s*payload-token=/.test(headers.get('cookie') ?? '')

/**
 * Wraps Payload's GraphQL POST handler: each request is checked by preflightGraphql (cost
 * limits, fragment cycles, subscriptions) before Payload parses, validates or runs it, and
 * refused with `{ errors: [{ message }] }` and a 4xx status, in a few milliseconds. Staff
 * (a valid login or API key) get the staff limits.
 */
export const withGraphqlLimits = (config: Promise<SanitizedConfig>, handler: Handler): Handler => {
  // Built while the server starts, not on the first reader's request.
  schemaOf(config).catch(() => {})
  return async (request) => {
    if (!(request.headers.get('content-type') ?? '').includes('application/json')) return handler(request)
    let body: unknown
    try {
      body = await request.clone().json()
    } catch {
      // Payload's handler throws on it, and Next answers an empty 500.
      return problem(400, 'The body is not valid JSON: send { "query": "…", "variables": { … } } with Content-Type: application/json.')
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return handler(request)
    const schema = await schemaOf(config)
    let refusal = preflightGraphql(schema, body, limitsFor(null))
    // Staff limits are wider than the anonymous ones, so only a query the anonymous limits
    // refuse is worth authenticating here (Payload's handler authenticates again anyway).
    if (refusal && hasCredentials(request.headers)) {
      const payload = await getPayload({ config })
      const { user } = await payload.auth({ headers: request.headers })
      if (user) refusal = preflightGraphql(schema, body, limitsFor(user))
    }
    if (refusal) return problem(refusal.status, refusal.message)
    return handler(request)
  }
}
