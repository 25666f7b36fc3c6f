import { configToSchema } from '@payloadcms/graphql'
import { GraphQL as PayloadGraphQL } from '@payloadcms/graphql/types'
import type { DocumentNode, GraphQLSchema, ValidationRule } from 'graphql'
import { parse } from 'graphql'
import { createHandler } from 'graphql-http/lib/use/fetch'
import {
  addDataAndFileToRequest,
  addLocalesToRequestFromData,
  createPayloadRequest,
  headersWithCors,
  logError,
  mergeHeaders,
  unlinkClientUploadTempFile,
  type PayloadRequest,
  type SanitizedConfig,
} from 'payload'

import { deferContentTagsHeader, writeContentTagsHeader } from '../hooks/tagPublicRead'
import { passedValidation, validatedDocumentFor } from './graphqlCost'

/** What configToSchema builds: the schema, and Payload's own validation rules (its complexity limit) for one operation's args. */
export type PayloadGraphqlSchema = ReturnType<typeof configToSchema>

const built = new WeakMap<SanitizedConfig, Promise<PayloadGraphqlSchema>>()

/**
 * The one schema of this process, for the cost check and for execution (before, the check built a
 * second copy of Payload's private one). Per resolved config: a dev reload that builds a new config
 * gets a new schema.
 */
export const payloadGraphqlSchema = async (config: Promise<SanitizedConfig>): Promise<PayloadGraphqlSchema> => {
  const resolved = await config
  let schema = built.get(resolved)
  if (!schema) {
    schema = Promise.resolve().then(() => configToSchema(resolved))
    built.set(resolved, schema)
    schema.catch(() => built.delete(resolved))
  }
  return schema
}

type GraphqlError = { originalError?: { status?: number; name?: string; data?: unknown }; message: string; stack?: string; locations?: unknown; path?: unknown }

/** As Payload's handler formats an error (@payloadcms/next routes/graphql/handler.js), afterError hooks included. */
const handleError = async ({ err, payload, req }: { err: GraphqlError; payload: PayloadRequest['payload']; req: PayloadRequest }) => {
  const status = err.originalError?.status || 500
  let errorMessage = err.message
  logError({ err: err as Error, payload })
  // Internal server errors can contain anything, including potentially sensitive data.
  if (!payload.config.debug && status === 500) errorMessage = 'Something went wrong.'
  let response: Record<string, unknown> = {
    extensions: {
      name: err?.originalError?.name || undefined,
      data: (err && err.originalError && err.originalError.data) || undefined,
      stack: payload.config.debug ? err.stack : undefined,
      statusCode: status,
    },
    locations: err.locations,
    message: errorMessage,
    path: err.path,
  }
  for (const hook of payload.config.hooks.afterError ?? []) {
    const result = await hook({ context: req.context, error: err as Error, graphqlResult: response, req } as unknown as Parameters<typeof hook>[0])
    if (result) response = (result as { graphqlResult?: Record<string, unknown> }).graphqlResult || response
  }
  return response
}

/**
 * Payload's own rules (the complexity limit, no introspection in production) give the same answer for
 * the same document and variables: a validated document (the same object every time, graphqlCost.ts)
 * remembers the variables it passed them with, so a repeated query is not estimated again. Only
 * passes are remembered (a refusal is worked out again, as before), only while the config adds no
 * rules of its own (`graphQL.validationRules` could depend on anything), and bounded: at most
 * MAX_PASSES_PER_DOCUMENT variable sets of at most MAX_VARIABLES_KEY characters per document.
 */
const passedOwnRules = new WeakMap<DocumentNode, Set<string>>()
const MAX_PASSES_PER_DOCUMENT = 200
const MAX_VARIABLES_KEY = 2_000

const variablesKey = (variables: unknown): string | undefined => {
  const key = JSON.stringify(variables ?? null)
  return key.length <= MAX_VARIABLES_KEY ? key : undefined
}

const rememberPassed = (document: DocumentNode, key: string) => {
  let passes = passedOwnRules.get(document)
  if (!passes) passedOwnRules.set(document, (passes = new Set()))
  if (passes.size >= MAX_PASSES_PER_DOCUMENT) passes.delete(passes.values().next().value as string)
  passes.add(key)
}

/**
 * What graphql-http answers (its body text and init), kept as given instead of built into a Response that
 * the handler then read again as a stream to build its own. headers() is what `new Response(body, init).headers`
 * holds: a text body without a content type gets undici's `text/plain;charset=UTF-8`.
 */
class HandlerAnswer {
  readonly status: number
  constructor(
    readonly body: string | null,
    private readonly init: ResponseInit = {},
  ) {
    this.status = init.status ?? 200
  }
  headers(): Headers {
    const headers = new Headers(this.init.headers)
    if (typeof this.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8')
    return headers
  }
}

/** What graphql-http reads of a request (use/fetch toRequest: method, url, headers, text()), with a body read before. */
const requestWithText = (request: Request, text: string): Request =>
  ({ method: request.method, url: request.url, headers: request.headers, text: () => Promise.resolve(text) }) as Request

/**
 * What addDataAndFileToRequest does with a JSON body (Payload 3.90.1, content type exactly application/json),
 * for a body the gate read already: `req.data`, and `req.json()` answering it.
 */
const addJsonDataToRequest = (req: PayloadRequest, text: string) => {
  if (!['PATCH', 'POST', 'PUT'].includes(req.method?.toUpperCase() ?? '')) return
  const data = text ? JSON.parse(text) : {}
  req.data = data
  ;(req as { json?: () => Promise<unknown> }).json = () => Promise.resolve(data)
}

/**
 * Payload's GraphQL POST handler (@payloadcms/next GRAPHQL_POST, 3.90.1), the same request by request
 * and byte for byte, except that a query the cost check (graphqlCost.ts) already parsed and validated is
 * neither parsed nor validated against GraphQL's rules again: graphql-http executes that document and
 * runs only Payload's own rules (the complexity limit, which depends on the variables), once per document and
 * variables (passedOwnRules). Any other request (a query text not checked, too long to be remembered) is
 * parsed and validated in full, as before.
 */
export const payloadGraphqlPost = (config: Promise<SanitizedConfig>) => async (request: Request, bodyText?: string): Promise<Response> => {
  // With the body already read (graphqlGate.ts), graphql-http reads the same text instead of a clone's stream.
  const originalRequest = bodyText === undefined ? request.clone() : requestWithText(request, bodyText)
  const req = await createPayloadRequest({ canSetHeaders: true, config, request })
  const { payload } = req
  if (payload.config.graphQL?.disable) return new Response(null, { status: 404 })
  // The content tags of an anonymous answer are formatted once, below, instead of once per document read.
  deferContentTagsHeader(req)
  try {
    if (bodyText === undefined) await addDataAndFileToRequest(req)
    else addJsonDataToRequest(req, bodyText)
    addLocalesToRequestFromData(req)
    const { schema, validationRules } = await payloadGraphqlSchema(config)
    const headers: Record<string, string> = {}
    // Set by validationRules, read by validate, for this request's one validation.
    let ownRulesOnly: { document: DocumentNode; key: string | undefined } | undefined
    let knownToPass = false
    const rememberable = typeof payload.config.graphQL?.validationRules !== 'function'
    const apiResponse = await createHandler({
      context: { headers, req } as never,
      onOperation: async (_request, args, result) => {
        const extensions = (payload as unknown as { extensions?: unknown }).extensions
        const response =
          typeof extensions === 'function' ? await extensions({ args, req: _request, result }) : result
        if (response.errors) {
          const errors = await Promise.all(result.errors!.map((error) => handleError({ err: error as unknown as GraphqlError, payload, req })))
          return { ...response, errors }
        }
        return response
      },
      schema: schema as GraphQLSchema,
      parse: ((source: string) => validatedDocumentFor(schema, source) ?? parse(source)) as typeof parse,
      validationRules: (_request, args, defaultRules): readonly ValidationRule[] => {
        if (!passedValidation(schema, args.document)) return defaultRules.concat(validationRules(args as Parameters<typeof validationRules>[0]) as ValidationRule[])
        const key = rememberable ? variablesKey(args.variableValues) : undefined
        ownRulesOnly = { document: args.document, key }
        knownToPass = key !== undefined && passedOwnRules.get(args.document)?.has(key) === true
        return knownToPass ? [] : (validationRules(args as Parameters<typeof validationRules>[0]) as ValidationRule[])
      },
      validate: (schemaToValidate, document, rules) => {
        if (knownToPass && ownRulesOnly?.document === document) return []
        // Payload's copy of graphql, the one its schema and graphql-http's default validate belong to.
        const errors = PayloadGraphQL.validate(schemaToValidate, document, rules)
        if (errors.length === 0 && ownRulesOnly?.document === document && ownRulesOnly.key !== undefined) rememberPassed(document, ownRulesOnly.key)
        return errors
      },
    }, { Response: HandlerAnswer as unknown as typeof Response })(originalRequest) as unknown as HandlerAnswer
    writeContentTagsHeader(req)
    const resHeaders = headersWithCors({ headers: apiResponse.headers(), req })
    for (const key in headers) resHeaders.append(key, headers[key])
    return new Response(apiResponse.body, {
      headers: req.responseHeaders ? mergeHeaders(req.responseHeaders, resHeaders) : resHeaders,
      status: apiResponse.status,
    })
  } finally {
    // GraphQL parses the body itself instead of going through wrapInternalEndpoints, and an
    // operation that writes no document never reaches the operation-level cleanup.
    await unlinkClientUploadTempFile({ req })
  }
}
