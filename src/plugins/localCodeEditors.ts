import type { CollectionConfig, Config, Field, Plugin } from 'payload'

const JSON_FIELD = '/src/components/admin/LocalCodeField#LocalJsonField'
const CODE_FIELD = '/src/components/admin/LocalCodeField#LocalCodeField'

const withLocalEditors = (fields: Field[]): Field[] =>
  fields.map((field) => {
    if (field.type === 'json' || field.type === 'code') {
      if (field.admin?.components?.Field) return field
      const Field = field.type === 'json' ? JSON_FIELD : CODE_FIELD
      return { ...field, admin: { ...field.admin, components: { ...field.admin?.components, Field } } } as Field
    }
    if (field.type === 'tabs') return { ...field, tabs: field.tabs.map((tab) => ({ ...tab, fields: withLocalEditors(tab.fields) })) }
    if (field.type === 'blocks') return { ...field, blocks: field.blocks.map((block) => ({ ...block, fields: withLocalEditors(block.fields) })) }
    if ('fields' in field && Array.isArray(field.fields)) return { ...field, fields: withLocalEditors(field.fields) } as Field
    return field
  })

const collectionWithLocalEditors = (collection: CollectionConfig): CollectionConfig => ({
  ...collection,
  fields: withLocalEditors(collection.fields),
})

/**
 * No admin page loads code from outside this server: every `json` and `code` field (the
 * JSON-LD boxes, the scheduled changes' job data) gets src/components/admin/LocalCodeField
 * instead of Payload's Monaco editor, which Payload downloads from cdn.jsdelivr.net. A field
 * with its own Field component keeps it. The jobs collection is built by Payload after
 * plugins run, so its override function is wrapped too.
 */
export const localCodeEditors: Plugin = (config: Config): Config => {
  const overrideJobs = config.jobs?.jobsCollectionOverrides
  return {
    ...config,
    collections: config.collections?.map(collectionWithLocalEditors),
    globals: config.globals?.map((global) => ({ ...global, fields: withLocalEditors(global.fields) })),
    ...(config.jobs
      ? {
          jobs: {
            ...config.jobs,
            jobsCollectionOverrides: (args) =>
              collectionWithLocalEditors(overrideJobs ? overrideJobs(args) : args.defaultJobsCollection),
          },
        }
      : {}),
  }
}
