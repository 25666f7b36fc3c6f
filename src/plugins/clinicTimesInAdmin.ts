import type { CollectionSlug, Config, DateField, Field, Plugin } from 'payload'

const CELL = '/src/components/admin/clinicTime/ClinicTimeCell#ClinicTimeCell'
const FIELD = '/src/components/admin/clinicTime/ClinicDateField#ClinicDateField'

/** Calendar days, months and bare times are not instants: they stay as Payload shows them. */
const isInstant = (field: DateField) => {
  const appearance = field.admin?.date?.pickerAppearance
  return appearance === undefined || appearance === 'dayAndTime'
}

const onClinicClock = (field: DateField): DateField => {
  if (!isInstant(field)) return field
  const components = field.admin?.components ?? {}
  return {
    ...field,
    admin: {
      ...field.admin,
      components: {
        ...components,
        Cell: components.Cell ?? CELL,
        ...(field.admin?.hidden ? {} : { Field: components.Field ?? FIELD }),
      },
    },
  }
}

const withClinicTimes = (fields: Field[]): Field[] =>
  fields.map((field) => {
    if (field.type === 'date') return onClinicClock(field)
    if (field.type === 'tabs') return { ...field, tabs: field.tabs.map((tab) => ({ ...tab, fields: withClinicTimes(tab.fields) })) }
    if (field.type === 'blocks') return { ...field, blocks: field.blocks.map((block) => ({ ...block, fields: withClinicTimes(block.fields) })) }
    if ('fields' in field && Array.isArray(field.fields)) return { ...field, fields: withClinicTimes(field.fields) } as Field
    return field
  })

/**
 * Payload adds `createdAt`/`updatedAt` after plugins run; declared here exactly as Payload
 * declares them (same columns, so no migration), they get the clinic-clock column too.
 */
const timestampFields = (fields: Field[]): Field[] =>
  (['updatedAt', 'createdAt'] as const)
    .filter((name) => !fields.some((field) => 'name' in field && field.name === name))
    .map((name) => ({
      name,
      type: 'date',
      index: true,
      label: ({ t }) => t(`general:${name}`),
      admin: { hidden: true, disableBulkEdit: true, components: { Cell: CELL } },
    }))

/**
 * Every instant the admin shows (list columns such as Created or Confirmed, and the date
 * fields of edit views) on the clinic's clock, the timezone of the Clinic settings, with the
 * zone named: Payload's default is the reader's browser zone, unnamed. Admin display only:
 * nothing stored changes. `except` names collections whose dates another part of the admin
 * presents (the newsletter form has its own clinic-time controls).
 */
export const clinicTimesInAdmin =
  ({ except = [] }: { except?: CollectionSlug[] } = {}): Plugin =>
  (config: Config): Config => ({
    ...config,
    collections: config.collections?.map((collection) =>
      except.includes(collection.slug as CollectionSlug)
        ? collection
        : {
            ...collection,
            fields: [
              ...withClinicTimes(collection.fields),
              ...(collection.timestamps === false ? [] : timestampFields(collection.fields)),
            ],
          },
    ),
    globals: config.globals?.map((global) => ({ ...global, fields: withClinicTimes(global.fields) })),
  })
