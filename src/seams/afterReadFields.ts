import type { Field, SanitizedCollectionConfig } from 'payload'

import { fieldsKeptFor } from './drizzleFindFields'

/**
 * Payload's find operation (3.90 collections/operations/find.js) runs afterRead over every field of
 * `collection.config.fields` for every document: for a field an exclusion select leaves out it
 * works out the field's paths, sees `select[name] === false`, deletes the key and returns (~70 %
 * of the front page's afterRead calls, ~19 % of its CPU is afterRead). When the document has no
 * such key, that walk changes nothing.
 *
 * `withoutWalkingExcludedFields` gives a find's args (in a beforeOperation hook: the operation
 * takes `collection` from the args the hooks return) a collection whose config is the same config
 * (its prototype: access, hooks, flattenedFields, slug, everything else as before) with `fields`
 * lacking exactly the fields the SQL adapter leaves out of the documents (src/seams/drizzleFindFields.ts:
 * excluded, and named by neither the where, the sort nor a join), through rows, collapsibles and
 * unnamed tabs. Only for a find (no id) that is not a draft read (drafts come from the versions
 * table, where nothing is left out) and only where the adapter leaves those keys out
 * (`adapterOmitsExcludedFields`): the SQL adapter with that seam installed. (MongoDB's projection leaves
 * the keys out too, but that is not tested here: not enabled there.)
 *
 * Undocumented: find taking `collection` from the hooks' args, and afterRead walking
 * `collection.config.fields`. tests/int/seams/afterReadFields.int.spec.ts states both (the walk
 * calls a field hook of an excluded field without this, and not with it; answers equal) and fails
 * when an upgrade changes either.
 */
const derivedConfigs = new WeakMap<SanitizedCollectionConfig, Map<string, SanitizedCollectionConfig>>()

const withoutFields = (fields: Field[], dropped: Set<string>): Field[] => {
  const kept: Field[] = []
  for (const field of fields) {
    if ('name' in field && field.name && dropped.has(field.name)) continue
    if ((field.type === 'row' || field.type === 'collapsible') && !('name' in field && field.name)) {
      kept.push({ ...field, fields: withoutFields(field.fields, dropped) } as Field)
    } else if (field.type === 'tabs') {
      kept.push({ ...field, tabs: field.tabs.map((tab) => ('name' in tab && tab.name ? tab : { ...tab, fields: withoutFields(tab.fields, dropped) })) } as Field)
    } else kept.push(field)
  }
  return kept
}

const derivedConfig = (config: SanitizedCollectionConfig, dropped: string[]): SanitizedCollectionConfig => {
  let byKey = derivedConfigs.get(config)
  if (!byKey) derivedConfigs.set(config, (byKey = new Map()))
  const key = dropped.join(',')
  let derived = byKey.get(key)
  if (!derived) {
    derived = Object.create(config, { fields: { value: withoutFields(config.fields, new Set(dropped)), enumerable: true } }) as SanitizedCollectionConfig
    if (byKey.size >= 200) byKey.clear()
    byKey.set(key, derived)
  }
  return derived
}

type ReadArgs = { collection: { config: SanitizedCollectionConfig }; id?: unknown; draft?: unknown; select?: Record<string, unknown>; sort?: unknown; where?: unknown }

/** The find's args with a collection whose afterRead walk skips the fields the adapter leaves out; the args themselves when nothing is skipped. */
export const withoutWalkingExcludedFields = <A>(args: A, adapterOmitsExcludedFields: boolean): A => {
  const read = args as unknown as ReadArgs
  if (!adapterOmitsExcludedFields || read.id !== undefined || read.draft || !read.select) return args
  const config = read.collection.config
  const kept = fieldsKeptFor(config, read.where, read.sort)
  const dropped = config.flattenedFields
    .filter((field) => read.select![field.name] === false && !kept.has(field.name) && field.type !== 'join')
    .map((field) => field.name)
  if (dropped.length === 0) return args
  return { ...args, collection: { ...read.collection, config: derivedConfig(config, dropped) } }
}
