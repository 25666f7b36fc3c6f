/** Select options from plain values, labelled with the value capitalised ('queued' → 'Queued'). */
export const optionsFrom = <T extends string>(values: readonly T[]) =>
  values.map((value) => ({ label: value[0].toUpperCase() + value.slice(1), value }))
