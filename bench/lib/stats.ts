/** Percentiles, summaries, bounded concurrency and the report tables of the benches (first written for `npm run bench:schedule-latency`). */


// ---- small helpers ----

export const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] : NaN)

export type Summary = { n: number; min: number; p50: number; p99: number; max: number }
export const summarise = (values: number[]): Summary => {
  const sorted = [...values].sort((a, b) => a - b)
  return { n: sorted.length, min: sorted[0] ?? NaN, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN }
}
export const ms = (value: number) => (Number.isFinite(value) ? String(Math.round(value)) : '-')
export const fmtSummary = (summary: Summary) => `min ${ms(summary.min)} / p50 ${ms(summary.p50)} / p99 ${ms(summary.p99)} / max ${ms(summary.max)} ms`

/** Runs `task` over `items`, `concurrency` at a time, keeping the order of the results. */
export const mapLimit = async <T, R>(items: T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> => {
  const results = new Array<R>(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++
        results[index] = await task(items[index])
      }
    }),
  )
  return results
}

// ---- report ----

export const table = (rows: string[][]) => {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)))
  const format = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ')
  return [format(rows[0]), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.slice(1).map(format)].join('\n')
}
