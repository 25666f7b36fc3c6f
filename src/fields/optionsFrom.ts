/** Select options from plain values, labelled with the value capitalised ('queued' → 'Queued'). */
export const optionsFrom = <T extends string>(values: readonly T[]) =>
  values.map((value) => ({ label: value[0].toUpperCase() + value.slice(1), value }))

/** Select options from `value → label`, in the order written. */
export const optionsLabelled = <T extends string>(labels: Record<T, string>) =>
  (Object.entries(labels) as [T, string][]).map(([value, label]) => ({ label, value }))
