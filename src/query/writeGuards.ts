import { ValidationError, type CollectionBeforeOperationHook, type FlattenedField } from 'payload'

import { lexicalDocumentProblem } from '../utilities/lexicalLimits'
import { badRequest, refuseImpossibleId } from './readGuards'

/**
 * The shape of a document sent from outside (REST, GraphQL; never the Local API), checked
 * before Payload's hooks see it. Payload validates field values, but some of its own hooks
 * run first and assume the shape: a body that is a string or a number fails in its
 * beforeValidate walk ("Cannot create property 'title' on string"), a list given to a text
 * field fails in the slug generator (`val.trim is not a function`), and an object given to
 * `_status` reaches SQLite as a bind error. Each of those was a 500; here they are a 400
 * naming the field.
 *
 * Only the type of each top-level value is checked (text-like fields take text, numbers a
 * number, …), and how deep it nests; what the value may be is left to Payload's own
 * validation.
 */

const SCALAR_TYPES = new Set(['text', 'textarea', 'email', 'code', 'select', 'radio', 'date', 'number', 'checkbox'])
const STATUSES = new Set(['draft', 'published'])

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const isScalar = (value: unknown) => value === null || ['string', 'number', 'boolean'].includes(typeof value)

/** What is wrong with `value` for `field`, or undefined when its type is fine. */
const shapeProblem = (field: FlattenedField, value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined
  if (field.name === '_status') {
    return typeof value === 'string' && STATUSES.has(value) ? undefined : 'must be "draft" or "published"'
  }
  if (SCALAR_TYPES.has(field.type)) {
    const many = 'hasMany' in field && field.hasMany === true
    if (many) return Array.isArray(value) && value.every(isScalar) ? undefined : 'must be a list of values'
    return isScalar(value) ? undefined : 'must be a single value, not a list or an object'
  }
  if (field.type === 'array' || field.type === 'blocks') {
    // The admin's own form sends an empty list as its row count, 0 (Payload reads it as no rows).
    if (value === 0) return undefined
    return Array.isArray(value) && value.every(isPlainObject) ? undefined : 'must be a list of rows (objects)'
  }
  if (field.type === 'group' && 'name' in field && field.name) {
    return isPlainObject(value) ? undefined : 'must be an object'
  }
  return undefined
}

/**
 * JSON nested deeper than this is refused before anything walks it: Payload deep-copies the
 * body recursively and overflows the stack a few thousand levels down (a 500). Rich text
 * within its own bound (RICHTEXT_MAX_DEPTH 32 nodes) is about 70 levels of JSON.
 */
export const MAX_BODY_NESTING = 200

/** How deep `value` nests, counted without recursion; stops counting past `limit`. */
const nestingDepth = (value: unknown, limit: number): number => {
  let deepest = 0
  const stack: Array<[unknown, number]> = [[value, 1]]
  while (stack.length) {
    const [node, depth] = stack.pop()!
    if (typeof node !== 'object' || node === null) continue
    deepest = Math.max(deepest, depth)
    if (deepest > limit) return deepest
    for (const child of Object.values(node)) stack.push([child, depth + 1])
  }
  return deepest
}

export const guardWriteShape: CollectionBeforeOperationHook = ({ args, collection, operation, req }) => {
  if (operation !== 'create' && operation !== 'update' && operation !== 'delete') return args
  if (req.payloadAPI === 'local') return args
  refuseImpossibleId(req, (args as { id?: unknown }).id)
  if (operation === 'delete') return args
  const data: unknown = args.data
  // An upload sent as multipart may carry no fields at all.
  if (data === undefined) return args
  if (!isPlainObject(data)) {
    if (nestingDepth(data, MAX_BODY_NESTING) > MAX_BODY_NESTING) {
      throw badRequest(`The body nests more than ${MAX_BODY_NESTING} levels of objects and lists: send a JSON object of the document's fields.`)
    }
    throw badRequest(`The body must be a JSON object of the document's fields (${collection.slug}), e.g. { "title": "…" }.`)
  }
  const fields = new Map(collection.flattenedFields.filter((field) => 'name' in field).map((field) => [field.name, field]))
  const refuse = (path: string, message: string) => {
    throw new ValidationError({ collection: collection.slug, errors: [{ path, message }], req })
  }
  for (const [name, value] of Object.entries(data)) {
    const field = fields.get(name)
    // Rich text gets its own, tighter bound and message (src/fields/richText.ts), checked here
    // too so that it comes before anything recursive.
    if (field?.type === 'richText' && isPlainObject(value)) {
      const problem = lexicalDocumentProblem(value)
      if (problem) refuse(name, problem)
    }
    // Unknown keys too: Payload copies the whole body before it drops them.
    if (nestingDepth(value, MAX_BODY_NESTING) > MAX_BODY_NESTING) {
      refuse(name, `This value nests more than ${MAX_BODY_NESTING} levels of objects and lists: flatten it.`)
    }
    const problem = field && shapeProblem(field, value)
    if (problem) throw badRequest(`"${name}" ${problem}.`)
  }
  return args
}
