import type { CollectionBeforeChangeHook } from 'payload'

import type { Article } from '../../../payload-types'

/**
 * Users are private, so anonymous readers cannot populate `author`. Copy the author's
 * display name into a public field when the article is saved (the website template's
 * `populatedAuthors` idea, done at write time so reads cost nothing).
 */
export const copyAuthorName: CollectionBeforeChangeHook<Article> = async ({ data, operation, originalDoc, req }) => {
  if (operation === 'create' && !data.author && req.user?.collection === 'users') {
    data.author = req.user.id
  }
  const authorId = typeof data.author === 'object' && data.author ? data.author.id : data.author
  // No linked account (seeded or imported content): keep the byline as given.
  if (!authorId) return data
  // Autosave runs this every few hundred milliseconds: only look the author up when it changed.
  const previousAuthorId = typeof originalDoc?.author === 'object' ? originalDoc?.author?.id : originalDoc?.author
  if (previousAuthorId === authorId && originalDoc?.authorName) return { ...data, authorName: originalDoc.authorName }
  const author = await req.payload.findByID({ collection: 'users', id: authorId, depth: 0, overrideAccess: true, req, disableErrors: true })
  return { ...data, authorName: author?.name || null }
}
