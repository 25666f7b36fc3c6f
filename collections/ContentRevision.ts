import type { GlobalConfig } from 'payload'

/**
 * A token that changes whenever public content changes, in any process. App processes
 * poll it to drop their response caches (src/cache); it is written in the same request
 * (and so the same transaction, where there is one) as the change itself.
 */
export const ContentRevision: GlobalConfig<'content-revision'> = {
  slug: 'content-revision',
  label: 'Content revision',
  graphQL: false,
  admin: { hidden: true },
  access: { read: () => false, update: () => false },
  fields: [
    { name: 'revision', type: 'text' },
    { name: 'changedAt', type: 'date' },
  ],
}
