import type { CollectionAfterChangeHook } from 'payload'

/**
 * After a redirect B → C is saved, every redirect whose custom target was B now goes to C
 * directly (A → B then B → C leaves A → C and B → C): a reader, or a search engine, is sent
 * once, never along a chain. The updated redirects run settleRedirectTarget too.
 */
export const collapseRedirectChains: CollectionAfterChangeHook = async ({ doc, req }) => {
  if (req.context?.collapsingRedirects) return doc
  const { docs } = await req.payload.find({
    collection: 'redirects',
    where: { and: [{ 'to.type': { equals: 'custom' } }, { 'to.url': { equals: doc.from } }, { id: { not_equals: doc.id } }] },
    depth: 0,
    limit: 0,
    pagination: false,
    overrideAccess: true,
    req,
  })
  for (const pointing of docs) {
    await req.payload.update({
      collection: 'redirects',
      id: pointing.id,
      data: { to: doc.to },
      depth: 0,
      overrideAccess: true,
      req,
      context: { collapsingRedirects: true },
    })
  }
  return doc
}
