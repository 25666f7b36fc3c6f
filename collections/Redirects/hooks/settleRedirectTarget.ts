import { ValidationError, type CollectionBeforeChangeHook, type PayloadRequest } from 'payload'

import { MAX_REDIRECT_HOPS, normaliseRedirectPath, redirectPathProblem } from '../../../src/redirects/paths'
import { loadFrontEndPatterns } from '../../../src/utilities/frontEndPatterns'
import { frontEndPath, isFrontEndCollection } from '../../../src/utilities/siteUrl'

/** The current front-end path of a referenced document (published or not: staff may point at a draft to publish later). */
const referencedPath = async (req: PayloadRequest, reference: unknown): Promise<string | null> => {
  const { relationTo, value } = (reference ?? {}) as { relationTo?: string; value?: unknown }
  const id = value && typeof value === 'object' ? (value as { id?: number | string }).id : (value as number | string | undefined)
  if (!relationTo || !isFrontEndCollection(relationTo) || id === undefined || id === null) return null
  const doc = await req.payload.findByID({ collection: relationTo, id, depth: 0, overrideAccess: true, disableErrors: true, select: { slug: true } as never, req })
  if (!doc) return null
  return frontEndPath(relationTo, doc as { id: number | string; slug?: string | null }, await loadFrontEndPatterns(req.payload))
}

type RedirectData = { id?: number | string; from?: string; to?: { type?: string | null; url?: string | null; reference?: unknown } | null; type?: string | null }

/**
 * Before a redirect is saved: its source is a front-end path (normalised), a custom target
 * that is a site path is followed through the redirects already there (A → B while B → C
 * exists is saved as A → C), and a redirect that would lead back to its own source is refused
 * with a 400 naming the loop. References to documents cannot loop: their path is the
 * document's current one (a redirect whose source becomes that path is removed,
 * removeRedirectsToLivePath).
 */
export const settleRedirectTarget: CollectionBeforeChangeHook = async ({ data, originalDoc, req, collection }) => {
  const next = { ...(originalDoc ?? {}), ...data } as RedirectData
  const refuse = (path: string, message: string): never => {
    throw new ValidationError({ collection: collection.slug, errors: [{ path, message }], req })
  }
  const fromProblem = redirectPathProblem(next.from, 'from')
  if (fromProblem) refuse('from', fromProblem)
  const from = normaliseRedirectPath(next.from!)
  data.from = from
  if (next.to?.type === 'reference') {
    // A document's page: refused when it is this very path (the document lives here, the redirect would never end).
    const target = await referencedPath(req, next.to.reference)
    if (target && normaliseRedirectPath(target) === from) refuse('to.reference', `This redirect would loop: ${from} is the page of the document it points to.`)
    return data
  }
  if (next.to?.type !== 'custom' || typeof next.to.url !== 'string') return data
  const target = next.to.url
  // A full URL (another site) is not followed; a site path is checked like the source.
  if (/^https?:\/\//i.test(target)) return data
  const targetProblem = redirectPathProblem(target, 'to.url')
  if (targetProblem) refuse('to.url', `${targetProblem} Or give a full https:// URL.`)
  const seen = [from]
  let current = normaliseRedirectPath(target)
  for (let hop = 0; hop <= MAX_REDIRECT_HOPS; hop++) {
    if (seen.includes(current)) refuse('to.url', `This redirect would loop: ${[...seen, current].join(' → ')}. Change its target.`)
    seen.push(current)
    const { docs } = await req.payload.find({
      collection: 'redirects',
      where: { from: { equals: current } },
      depth: 0,
      limit: 1,
      pagination: false,
      overrideAccess: true,
      req,
    })
    const onward = docs[0] as RedirectData | undefined
    if (!onward || String(onward.id) === String(next.id) || onward.to?.type !== 'custom' || typeof onward.to.url !== 'string' || /^https?:\/\//i.test(onward.to.url)) break
    current = normaliseRedirectPath(onward.to.url)
  }
  data.to = { ...next.to, url: current }
  return data
}
