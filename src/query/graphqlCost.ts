import {
  getOperationAST,
  GraphQLError,
  Kind,
  NoFragmentCyclesRule,
  parse,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
  type SelectionSetNode,
} from 'graphql'
// Not re-exported by the package index; the context GraphQL's own AST-only rules run with.
import { ASTValidationContext } from 'graphql/validation/ValidationContext.js'
// The graphql instance Payload built its schema with: `validate` checks the schema with
// instanceof, and under vitest a plain 'graphql' import can resolve to the other build
// (index.mjs against Node's index.js).
import { GraphQL as PayloadGraphQL } from '@payloadcms/graphql/types'

import { HAS_MANY_FANOUT, PAYLOAD_DEFAULT_LIMIT, type QueryLimits } from './limits'

/** Why a GraphQL request is refused before Payload runs it: an HTTP status and a message a person can act on. */
export type Refusal = { status: number; message: string }

export type GraphqlRequest = { query?: unknown; variables?: unknown; operationName?: unknown }

/** A document bigger than this is refused unparsed (Payload's own limit is the body size). */
const MAX_TOKENS = 10_000

/**
 * What a query would materialise, computed from the parsed document with fragments and
 * variables resolved, before anything runs:
 *
 * - `documents`: every list multiplies its `limit` (without one: Payload's default 10 for
 *   root lists, the join's defaultLimit for joins) down the tree; a single relationship or upload counts one
 *   document, a hasMany relationship HAS_MANY_FANOUT.
 * - `depth`: the most nested document hops (root list, join, relationship, upload).
 *
 * Payload's own `maxComplexity` adds a flat 10 per relationship and ignores `limit`, so
 * nested joins with `limit: 100` pass it while asking for 100^n documents.
 */
export type QueryCost = { documents: number; depth: number }

/*
 * The schema comes from @payloadcms/graphql, which may load another copy of `graphql` than
 * this module (ESM and CommonJS builds): graphql's instanceof-based predicates would throw
 * "from another module or realm", so types are told apart by their tag.
 */
const tagOf = (type: unknown) => (type as { [Symbol.toStringTag]?: string } | undefined)?.[Symbol.toStringTag]
const isObjectType = (type: unknown): type is GraphQLObjectType => tagOf(type) === 'GraphQLObjectType'
const isListType = (type: unknown) => tagOf(type) === 'GraphQLList'
const isNonNullType = (type: unknown) => tagOf(type) === 'GraphQLNonNull'
const getNamedType = (type: GraphQLType) => unwrap(type).named

const unwrap = (type: GraphQLType): { named: GraphQLNamedType; list: boolean } => {
  let current = type
  let list = false
  while (isNonNullType(current) || isListType(current)) {
    if (isListType(current)) list = true
    current = (current as { ofType: GraphQLType }).ofType
  }
  return { named: current as GraphQLNamedType, list }
}

/** Object types of documents: what `Query.<Singular>(id:)` returns (Article, Condition, Media, ArticleVersion, …). */
const documentTypesOf = (schema: GraphQLSchema): Set<string> => {
  const names = new Set<string>()
  for (const field of Object.values(schema.getQueryType()?.getFields() ?? {})) {
    if (field.args.some((arg) => arg.name === 'id')) names.add(getNamedType(field.type).name)
  }
  return names
}

/** A paginated wrapper (`Articles`, `Condition_RelatedArticles`): an object type with a `docs` list of documents. */
const docsOf = (type: GraphQLNamedType, documentTypes: Set<string>): GraphQLObjectType | undefined => {
  if (!isObjectType(type)) return undefined
  const docs = type.getFields().docs
  if (!docs) return undefined
  const inner = unwrap(docs.type)
  return inner.list && documentTypes.has(inner.named.name) && isObjectType(inner.named) ? inner.named : undefined
}

const documentTypesCache = new WeakMap<GraphQLSchema, Set<string>>()

export class QueryTooCostlyError extends Error {}

export const estimateCost = (
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  limits: QueryLimits,
): QueryCost => {
  let documentTypes = documentTypesCache.get(schema)
  if (!documentTypes) documentTypesCache.set(schema, (documentTypes = documentTypesOf(schema)))
  const operation = getOperationAST(document, operationName)
  if (!operation) throw new QueryTooCostlyError('No operation to run: name one with `operationName`.')
  const fragments = new Map<string, FragmentDefinitionNode>()
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition)
  }
  // Variables as the operation declares them (defaults included), so `limit: $n` counts as n.
  const variableValues: Record<string, unknown> = {}
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value
    if (Object.hasOwn(variables, name)) variableValues[name] = variables[name]
    else if (definition.defaultValue?.kind === Kind.INT) variableValues[name] = Number(definition.defaultValue.value)
    else if (definition.defaultValue?.kind === Kind.BOOLEAN) variableValues[name] = definition.defaultValue.value
  }
  const intArgument = (node: FieldNode, name: string): number | undefined => {
    const argument = node.arguments?.find((candidate) => candidate.name.value === name)
    if (!argument) return undefined
    const value = argument.value
    let raw: unknown
    if (value.kind === Kind.VARIABLE) raw = variableValues[value.name.value]
    else if (value.kind === Kind.INT) raw = Number(value.value)
    else if (value.kind === Kind.BOOLEAN) raw = value.value
    else if (value.kind === Kind.NULL) raw = undefined
    return typeof raw === 'number' ? raw : typeof raw === 'boolean' ? (raw ? 1 : 0) : undefined
  }

  let documents = 0
  let maxDepth = 0
  const tooCostly = () => documents > limits.maxDocuments || maxDepth > limits.maxDepth

  /** Fields of `selectionSet` on `type`, fragments spread in (the cycle check ran before). */
  const fieldsOf = function* (selectionSet: SelectionSetNode, type: GraphQLObjectType): Generator<[FieldNode, GraphQLObjectType]> {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) yield [selection, type]
      else {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value)
        if (!fragment) continue
        const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type
        if (condition && isObjectType(condition)) yield* fieldsOf(fragment.selectionSet, condition)
      }
    }
  }

  const walk = (selectionSet: SelectionSetNode, type: GraphQLObjectType, multiplier: number, depth: number, isRoot: boolean) => {
    for (const [node, parentType] of fieldsOf(selectionSet, type)) {
      if (tooCostly()) return
      const field: GraphQLField<unknown, unknown> | undefined = parentType.getFields()[node.name.value]
      if (!field || !node.selectionSet) continue
      const { named, list } = unwrap(field.type)
      const docsType = docsOf(named, documentTypes)
      if (docsType) {
        const limit = intArgument(node, 'limit')
        const unpaginated = intArgument(node, 'pagination') === 0
        if (limit !== undefined && limit < 0) throw new QueryTooCostlyError(`\`limit\` of ${node.name.value} must be 0 or more.`)
        if (limit !== undefined && limit > limits.maxLimit) {
          throw new QueryTooCostlyError(`\`limit: ${limit}\` on ${node.name.value} is above the largest allowed, ${limits.maxLimit}: page with \`page\`.`)
        }
        // No limit: Payload's default page for root lists. A join without one returns all its
        // documents; it is estimated at the join's defaultLimit (what REST returns) and the
        // per-request documents counter (readGuards) stops it if it really holds more.
        // `limit: 0` and `pagination: false` ask for everything: counted as the largest page.
        const joinDefault = (field.extensions?.field as { defaultLimit?: number } | undefined)?.defaultLimit ?? PAYLOAD_DEFAULT_LIMIT
        const size = limit === 0 || unpaginated ? limits.maxLimit : (limit ?? (isRoot ? PAYLOAD_DEFAULT_LIMIT : joinDefault))
        const inner = size * multiplier
        documents += inner
        maxDepth = Math.max(maxDepth, depth + 1)
        for (const [docsNode] of fieldsOf(node.selectionSet, named as GraphQLObjectType)) {
          if (docsNode.name.value === 'docs' && docsNode.selectionSet) walk(docsNode.selectionSet, docsType, inner, depth + 1, false)
        }
      } else if (documentTypes.has(named.name) && isObjectType(named)) {
        const inner = multiplier * (list ? HAS_MANY_FANOUT : 1)
        documents += inner
        maxDepth = Math.max(maxDepth, depth + 1)
        walk(node.selectionSet, named, inner, depth + 1, false)
      } else if (isObjectType(named)) {
        // Groups, arrays, blocks, access fields: no new documents, same depth.
        walk(node.selectionSet, named, multiplier, depth, false)
      }
    }
  }
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType()
  if (root) walk(operation.selectionSet, root, 1, 0, true)
  return { documents, depth: maxDepth }
}

/**
 * Documents that parsed and passed GraphQL's whole validation (specifiedRules) against a schema,
 * by query text: what a query's text alone decides is worked out once per distinct text instead of
 * on every request (validation was most of the front-page query's cost: KnownTypeNamesRule alone
 * lists the schema's thousands of type names each time). The GraphQL handler (graphqlHandler.ts)
 * executes that same document and runs only Payload's own rules on it. Bounded in entries and text
 * size: distinct query texts from the public must not grow memory without end.
 */
type Checked = { schema: GraphQLSchema; document: DocumentNode }
const checkedByQuery = new Map<string, Checked>()
const validatedDocuments = new WeakMap<DocumentNode, GraphQLSchema>()
const MAX_CHECKED = 200
const MAX_CHECKED_QUERY_LENGTH = 20_000

const rememberChecked = (query: string, checked: Checked) => {
  validatedDocuments.set(checked.document, checked.schema)
  if (query.length > MAX_CHECKED_QUERY_LENGTH) return
  if (checkedByQuery.size >= MAX_CHECKED) checkedByQuery.delete(checkedByQuery.keys().next().value as string)
  checkedByQuery.set(query, checked)
}

/** The parsed document of a query text that passed validation against this schema (the same object every time), if one was checked. */
export const validatedDocumentFor = (schema: GraphQLSchema, query: string): DocumentNode | undefined => {
  const checked = checkedByQuery.get(query)
  return checked?.schema === schema ? checked.document : undefined
}

/** Whether this document object passed GraphQL's whole validation (specifiedRules) against this schema. */
export const passedValidation = (schema: GraphQLSchema, document: DocumentNode) => validatedDocuments.get(document) === schema

/** What the document alone decides: fragment cycles and GraphQL's validation. */
const checkDocument = (schema: GraphQLSchema, document: DocumentNode): Refusal | undefined => {
  // GraphQL's own rule, on the document alone (it needs no schema).
  const cycles: string[] = []
  visit(document, NoFragmentCyclesRule(new ASTValidationContext(document, (error) => cycles.push(error.message))))
  if (cycles.length) return { status: 400, message: cycles[0] }
  // The whole validation, and (per request, below) the variables' values, before Payload's complexity
  // rule: it evaluates directives and arguments before GraphQL validates anything, and throws (an
  // empty 500) on a `@include(if: $v)` whose variable has the wrong type or no value.
  const invalid = PayloadGraphQL.validate(schema, document)
  if (invalid.length) return { status: 400, message: invalid.slice(0, 3).map((error) => error.message).join(' ') }
  return undefined
}

/**
 * Checks a GraphQL request before Payload sees it: parses with a token limit, refuses
 * subscriptions (there are none), fragment cycles (Payload's complexity estimator would
 * recurse through them until the stack overflows, before GraphQL's own cycle rule reports
 * them) and queries over the cost limits. Returns undefined when the request may run;
 * anything else Payload answers as usual (syntax errors, unknown fields). A query text seen
 * before is not parsed or validated again (checkedByQuery).
 */
export const preflightGraphql = (schema: GraphQLSchema, request: GraphqlRequest, limits: QueryLimits): Refusal | undefined => {
  if (typeof request.query !== 'string') return undefined
  let document = validatedDocumentFor(schema, request.query)
  const checked = Boolean(document)
  if (!document) {
    try {
      document = parse(request.query, { maxTokens: MAX_TOKENS })
    } catch (error) {
      if (error instanceof GraphQLError && /maxTokens|token limit/i.test(error.message)) {
        return { status: 413, message: `The query is longer than ${MAX_TOKENS} tokens.` }
      }
      return undefined
    }
  }
  const operationName = typeof request.operationName === 'string' ? request.operationName : undefined
  const operation = getOperationAST(document, operationName)
  if (operation?.operation === 'subscription') {
    return { status: 400, message: 'Subscriptions are not supported: send a query or a mutation.' }
  }
  if (!checked) {
    const refusal = checkDocument(schema, document)
    if (refusal) return refusal
    rememberChecked(request.query, { schema, document })
  }
  if (!operation) {
    return { status: 400, message: 'Which operation should run? Give `operationName` naming one of the operations in the document.' }
  }
  const variables = request.variables && typeof request.variables === 'object' ? (request.variables as Record<string, unknown>) : {}
  const coerced = PayloadGraphQL.getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 3 })
  if (coerced.errors?.length) return { status: 400, message: coerced.errors.map((error) => error.message).join(' ') }
  if (operation.operation !== 'query') return undefined
  try {
    const cost = estimateCost(schema, document, operationName, variables, limits)
    if (cost.depth > limits.maxDepth) {
      return {
        status: 400,
        message: `The query nests documents (lists, joins, relationships) ${cost.depth} or more levels deep, over the depth limit of ${limits.maxDepth}. Ask for less at once.`,
      }
    }
    if (cost.documents > limits.maxDocuments) {
      return {
        status: 400,
        message: `The query could read ${cost.documents} or more documents (each list's limit times those inside it); over the limit of ${limits.maxDocuments} documents per request. Lower the limits or split the query.`,
      }
    }
  } catch (error) {
    if (error instanceof QueryTooCostlyError) return { status: 400, message: error.message }
    throw error
  }
  return undefined
}
