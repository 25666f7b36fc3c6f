import type { FlattenedField, Payload, SelectType, Sort, Where } from 'payload'

/**
 * The SQL adapters' `find` (@payloadcms/drizzle 3.90 find.js → findMany) hands the collection's
 * whole `flattenedFields` to its row transform, which walks every field of every row, selected or
 * not (array table names, group prefixes, relationship maps: ~13 % of an uncached front-page
 * request's CPU). A field an exclusion `select` leaves out (`{ content: false }`: GraphQL reads,
 * src/query/graphqlSelection.ts) was not read from the database, and Payload's afterRead deletes
 * its key from the document anyway (stripUnselectedFields), so walking it only produces a key that
 * is thrown away.
 *
 * `findWithoutExcludedFields` wraps the adapter's `find` so that, for a find with an exclusion
 * select, the adapter sees the collection's flattenedFields without those fields. Fields a `where`,
 * a sort (the collection's default sort included) or a join names are kept (findMany resolves
 * those paths through the same list), and so are ids, timestamps, `_status` and join fields.
 * Every other read (no select, an inclusion select, findOne, versions and drafts) is untouched.
 *
 * Undocumented: the adapter reading `this.payload.collections[slug].config.flattenedFields` on each
 * call. tests/int/seams/drizzleFindFields.int.spec.ts states it (the adapter's transform walks the
 * fields of the config it is given; with this installed, a find with an exclusion select gives the
 * same documents as without it) and fails when an upgrade changes it.
 *
 * MongoDB (`@payloadcms/db-mongodb`): projections already leave excluded fields out and there is
 * no row transform; this is not installed there.
 */
type Find = (this: SqlAdapter, args: FindArgs) => Promise<unknown>
type FindArgs = { collection: string; joins?: unknown; select?: SelectType; sort?: Sort; where?: Where; [key: string]: unknown }
type CollectionEntry = { config: { defaultSort?: Sort; flattenedFields: FlattenedField[] } }
type SqlAdapter = { find: Find; payload: Payload & { collections: Record<string, CollectionEntry> }; [INSTALLED]?: true }

const INSTALLED = Symbol.for('clinic.drizzleFindWithoutExcludedFields')
/** The adapter's own find, kept on the wrapper (the contract test compares the two). */
export const ADAPTER_FIND = Symbol.for('clinic.drizzleFindOriginal')
const ALWAYS_KEPT = new Set(['id', 'createdAt', 'updatedAt', '_status'])

/** Top-level field names a where names (`seo.title` → seo, GraphQL's `seo__title` too), through and/or. */
const whereNames = (where: unknown, names: Set<string>) => {
  if (!where || typeof where !== 'object') return
  if (Array.isArray(where)) return where.forEach((clause) => whereNames(clause, names))
  for (const [key, value] of Object.entries(where)) {
    if (key === 'and' || key === 'or') whereNames(value, names)
    else names.add(key.split(/\.|__/, 1)[0]!)
  }
}

const sortNames = (sort: unknown, names: Set<string>) => {
  for (const entry of Array.isArray(sort) ? sort : typeof sort === 'string' ? sort.split(',') : []) {
    if (typeof entry === 'string') names.add(entry.trim().replace(/^-/, '').split('.', 1)[0]!)
  }
}

/** Fields kept whatever the select: ids, timestamps, `_status`, and what the where and the sort (or the default sort) name. */
export const fieldsKeptFor = (config: { defaultSort?: Sort }, where: unknown, sort: unknown): Set<string> => {
  const named = new Set(ALWAYS_KEPT)
  whereNames(where, named)
  sortNames(sort ?? config.defaultSort, named)
  return named
}

/** Whether this adapter's find leaves out the keys of excluded fields (the wrapper below is installed). */
export const omitsExcludedFields = (payload: Payload): boolean => Boolean((payload.db as unknown as SqlAdapter)[INSTALLED])

const narrowedConfigs = new WeakMap<object, Map<string, object>>()

/** The collection config with `flattenedFields` less the excluded ones, one object per config and field list (reused). */
const narrowedConfig = (config: { flattenedFields: FlattenedField[] }, excluded: FlattenedField[]) => {
  let byKey = narrowedConfigs.get(config)
  if (!byKey) narrowedConfigs.set(config, (byKey = new Map()))
  const key = excluded.map((field) => field.name).join(',')
  let narrowed = byKey.get(key)
  if (!narrowed) {
    const dropped = new Set(excluded)
    narrowed = Object.create(config, { flattenedFields: { value: config.flattenedFields.filter((field) => !dropped.has(field)), enumerable: true } })
    // Bounded by the collection's field combinations that queries exclude; cap it anyway.
    if (byKey.size >= 200) byKey.clear()
    byKey.set(key, narrowed!)
  }
  return narrowed!
}

/** Installs the wrapper on the SQL adapter (once). False on another adapter. */
export const findWithoutExcludedFields = (payload: Payload): boolean => {
  const adapter = payload.db as unknown as SqlAdapter
  if (!('drizzle' in adapter) || typeof adapter.find !== 'function') return false
  if (adapter[INSTALLED]) return true
  const find = adapter.find
  adapter.find = function findFewerFields(this: SqlAdapter, args: FindArgs) {
    const select = args.select
    const collection = this.payload.collections[args.collection]
    if (!select || !collection || Object.values(select).some((value) => value !== false)) return find.call(this, args)
    const config = collection.config
    const named = fieldsKeptFor(config, args.where, args.sort)
    const excluded = config.flattenedFields.filter(
      (field: FlattenedField) => (select as Record<string, unknown>)[field.name] === false && !named.has(field.name) && field.type !== 'join',
    )
    if (excluded.length === 0) return find.call(this, args)
    const narrowed = narrowedConfig(config, excluded)
    // The adapter reads `this.payload.collections[slug].config`: that one read answers the narrowed config.
    const collections = new Proxy(this.payload.collections, {
      get: (target, slug, receiver) => (slug === args.collection ? { ...target[args.collection], config: narrowed } : Reflect.get(target, slug, receiver)),
    })
    const payloadView = new Proxy(this.payload, { get: (target, key, receiver) => (key === 'collections' ? collections : Reflect.get(target, key, receiver)) })
    const adapterView = new Proxy(this, { get: (target, key, receiver) => (key === 'payload' ? payloadView : Reflect.get(target, key, receiver)) })
    return find.call(adapterView, args)
  }
  ;(adapter.find as unknown as { [ADAPTER_FIND]: Find })[ADAPTER_FIND] = find
  adapter[INSTALLED] = true
  return true
}
