import { ValidationError, type CollectionBeforeChangeHook } from 'payload'

import { MAX_REDIRECT_HOPS, normaliseRedirectPath, redirectPathProblem } from '../../../src/redirects/paths'

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
