import { getPayload, type SanitizedConfig } from 'payload'

import { problem } from '../endpoints/responses'
import { preflightGraphql } from './graphqlCost'
import { payloadGraphqlPost, payloadGraphqlSchema } from './graphqlHandler'
import { limitsFor } from './limits'

type Handler = (request: Request) => Promise<Response>
/** A handler that may be given the body the check already read (then the request's own body is used up). */
type BodyHandler = (request: Request, bodyText?: string) => Promise<Response>

/** The schema the handler executes with (graphqlHandler.ts): the check and the execution share it. */
const schemaOf = async (config: Promise<SanitizedConfig>) => (await payloadGraphqlSchema(config)).schema

const hasCredentials = (headers: Headers) => Boolean(headers.get('authorization')) || /(?:^|;)\s*payload-token=/.test(headers.get('cookie') ?? '')

/**
 * Wraps a GraphQL POST handler (graphqlPost below: Payload's, which reuses the document this check
 * parsed and validated): each request is checked by preflightGraphql (cost limits, fragment
 * cycles, subscriptions) before Payload validates or runs it, and
 * refused with `{ errors: [{ message }] }` and a 4xx status, in a few milliseconds. Staff
 * (a valid login or API key) get the staff limits.
 */
export const withGraphqlLimits = (config: Promise<SanitizedConfig>, handler: BodyHandler): Handler => {
  // Built while the server starts, not on the first reader's request.
  schemaOf(config).catch(() => {})
  return async (request) => {
    const contentType = request.headers.get('content-type') ?? ''
    if (!contentType.includes('application/json')) return handler(request)
    // The body is read once and handed on when Payload would parse it as JSON itself (its exact type
    // test, addDataAndFileToRequest): cloning the request and reading the stream again cost more than this check.
    const readOnce = contentType.split(';', 1)[0] === 'application/json'
    const text = readOnce ? await request.text() : await request.clone().text()
    const passOn = readOnce ? text : undefined
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      // Payload's handler throws on it, and Next answers an empty 500.
      return problem(400, 'The body is not valid JSON: send { "query": "…", "variables": { … } } with Content-Type: application/json.')
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return handler(request, passOn)
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
    return handler(request, passOn)
  }
}

/** POST /api/graphql: the cost limits in front of Payload's GraphQL handler, one parse and one validation per distinct query text. */
export const graphqlPost = (config: Promise<SanitizedConfig>): Handler => withGraphqlLimits(config, payloadGraphqlPost(config))
