import type { Payload } from 'payload'

import { checkEmailAddress } from './emailAddress'
import { isAcceptableName, NAME_RULE } from './personName'
import type { SubscribeInput } from './service'
import { chooseTopics, topicIdsOf } from './topics'

/**
 * What a signup sends, as JSON or as a plain HTML form: the same fields, the same rules.
 * `json` is answered with JSON, `form` with a page (or the thank-you redirect).
 */
export type SignupFormat = 'json' | 'form'

/** The fields of a signup, before validation (JSON values can be of any type). */
export type SignupFields = {
  email?: unknown
  name?: unknown
  topics?: unknown
  topicChoice?: unknown
  consentText?: unknown
  source?: unknown
  /** The honeypot: a hidden field that only bots fill in. */
  website?: unknown
}

export type SignupRefusal = { ok: false; status: number; message: string }

export const MAX_SIGNUP_BODY_BYTES = 8 * 1024
export const MAX_TOPICS = 50

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data']

export const signupFormatOf = (contentType: string | null): SignupFormat | null => {
  const type = (contentType ?? '').split(';', 1)[0].trim().toLowerCase()
  if (type === 'application/json') return 'json'
  return FORM_TYPES.includes(type) ? 'form' : null
}

const tooLarge = (): SignupRefusal => ({ ok: false, status: 413, message: `The request body is too large (at most ${MAX_SIGNUP_BODY_BYTES} bytes).` })

/**
 * A form's fields as the JSON body would carry them: `topics` repeated (`topics=a&topics=b`),
 * blank values left out (an unticked form sends nothing, a blank text field sends "").
 */
const fieldsOfForm = (form: URLSearchParams | FormData): SignupFields => {
  const text = (name: string) => {
    const value = form.get(name)
    return typeof value === 'string' && value.trim() !== '' ? value : undefined
  }
  return {
    email: form.get('email') ?? undefined,
    name: text('name'),
    topics: form.getAll('topics').filter((value): value is string => typeof value === 'string' && value.trim() !== ''),
    topicChoice: text('topicChoice'),
    consentText: text('consentText'),
    source: text('source'),
    website: form.get('website') ?? undefined,
  }
}

/** Reads and parses the body within the size limit: the fields, or why they cannot be read. */
export const readSignupBody = async (request: { headers: Headers; arrayBuffer?: () => Promise<ArrayBuffer> }, format: SignupFormat): Promise<{ ok: true; fields: SignupFields } | SignupRefusal> => {
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > MAX_SIGNUP_BODY_BYTES) return tooLarge()
  const bytes = Buffer.from(await request.arrayBuffer!())
  if (bytes.byteLength > MAX_SIGNUP_BODY_BYTES) return tooLarge()
  if (format === 'form') {
    const contentType = request.headers.get('content-type') ?? ''
    if (!contentType.toLowerCase().startsWith('multipart/')) return { ok: true, fields: fieldsOfForm(new URLSearchParams(bytes.toString('utf8'))) }
    try {
      return { ok: true, fields: fieldsOfForm(await new Response(bytes, { headers: { 'content-type': contentType } }).formData()) }
    } catch {
      return { ok: false, status: 400, message: 'The form could not be read. Please try again.' }
    }
  }
  let body: unknown
  try {
    body = JSON.parse(bytes.toString('utf8'))
  } catch {
    return { ok: false, status: 400, message: 'The body is not valid JSON.' }
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, status: 400, message: 'The body must be a JSON object with an "email".' }
  return { ok: true, fields: body as SignupFields }
}

/** Any value that is not empty counts, whatever its type: bots post numbers and lists too. */
export const isHoneypotFilled = (value: unknown) => value !== undefined && value !== null && (typeof value !== 'string' || value.trim() !== '')

/**
 * Validates a signup's fields (everything but the rate limits): the input to queue, with the
 * mailbox key the per-address limit counts, or the 400 with a message a person can act on.
 */
export const checkSignupFields = async (
  payload: Payload,
  fields: SignupFields,
): Promise<{ ok: true; input: SubscribeInput; emailKey: string } | SignupRefusal> => {
  const refuse = (message: string): SignupRefusal => ({ ok: false, status: 400, message })
  const email = checkEmailAddress(fields.email)
  if (!email.ok) return refuse(email.message)
  if (fields.name !== undefined && (typeof fields.name !== 'string' || !isAcceptableName(fields.name))) return refuse(`"name": ${NAME_RULE}`)
  if (fields.consentText !== undefined && (typeof fields.consentText !== 'string' || fields.consentText.length > 2000)) {
    return refuse('"consentText" must be text of at most 2000 characters.')
  }
  const topics: unknown = fields.topics ?? []
  if (!Array.isArray(topics) || topics.length > MAX_TOPICS || !topics.every((slug) => typeof slug === 'string')) {
    return refuse('"topics" must be a list of condition slugs.')
  }
  const chosen = chooseTopics(fields.topicChoice, topics as string[])
  if (!chosen.ok) return refuse(chosen.message)
  const topicIds = await topicIdsOf(payload, chosen.slugs)
  if (!topicIds.ok) return refuse(topicIds.message)
  return {
    ok: true,
    emailKey: email.key,
    input: {
      email: email.email,
      name: (fields.name as string | undefined)?.trim() || undefined,
      topicIds: topicIds.ids,
      replaceTopics: fields.topicChoice === 'all' || fields.topicChoice === 'chosen',
      consentText: fields.consentText as string | undefined,
    },
  }
}
