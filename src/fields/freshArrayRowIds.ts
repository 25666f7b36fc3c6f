import type { Field, FieldHook } from 'payload'

/**
 * Array and block rows carry an `id`. A body that copies another document's rows with
 * their ids (an API client duplicating a condition's symptoms) would insert the same
 * primary key twice: SQLite answers `UNIQUE constraint failed: conditions_symptoms.id`,
 * a 500. Rows whose id this document did not already have get a fresh one (Payload's own
 * id hook fills in a missing id), as Payload's duplicate operation does. On MongoDB row
 * ids need not be unique across documents; fresh ones are harmless there.
 */
const freshIdsForForeignRows: FieldHook = ({ previousValue, value }) => {
  if (!Array.isArray(value)) return value
  const own = new Set(Array.isArray(previousValue) ? previousValue.map((row) => row?.id).filter(Boolean) : [])
  return value.map((row) => {
    if (!row || typeof row !== 'object' || !('id' in row) || !row.id || own.has(row.id)) return row
    const { id: _foreign, ...rest } = row as Record<string, unknown>
    return rest
  })
}

/** Adds the hook to every array and blocks field, at any nesting (tabs, groups, rows, inside arrays). */
export const withFreshArrayRowIds = (fields: Field[]): Field[] =>
  fields.map((field): Field => {
    switch (field.type) {
      case 'array':
        return {
          ...field,
          fields: withFreshArrayRowIds(field.fields),
          hooks: { ...field.hooks, beforeChange: [freshIdsForForeignRows, ...(field.hooks?.beforeChange ?? [])] },
        }
      case 'blocks':
        return {
          ...field,
          blocks: field.blocks.map((block) => ({ ...block, fields: withFreshArrayRowIds(block.fields) })),
          hooks: { ...field.hooks, beforeChange: [freshIdsForForeignRows, ...(field.hooks?.beforeChange ?? [])] },
        }
      case 'group':
      case 'row':
      case 'collapsible':
        return { ...field, fields: withFreshArrayRowIds(field.fields) } as Field
      case 'tabs':
        return { ...field, tabs: field.tabs.map((tab) => ({ ...tab, fields: withFreshArrayRowIds(tab.fields) })) }
      default:
        return field
    }
  })
