import type { Field, FieldHook } from 'payload'

export type JsonLdBuilder = (doc: Record<string, any>) => Record<string, unknown>

/**
 * A computed, read-only schema.org JSON-LD object. `virtual` means it has no column: it
 * is built on every read from the document itself (no extra queries), so it can never
 * go stale and costs nothing to store.
 */
export const jsonLdField = (build: JsonLdBuilder): Field => {
  const computeJsonLd: FieldHook = ({ data, siblingData }) => build({ ...(data ?? {}), ...(siblingData ?? {}) })
  return {
    name: 'jsonLd',
    type: 'json',
    virtual: true,
    label: 'Structured data (JSON-LD)',
    admin: {
      readOnly: true,
      description: 'Computed from this document on every read; front ends place it in a <script type="application/ld+json"> tag.',
      disableListColumn: true,
      disableListFilter: true,
    },
    access: { create: () => false, update: () => false },
    hooks: { afterRead: [computeJsonLd] },
  }
}
