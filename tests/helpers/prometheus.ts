import parsePrometheusTextFormat from 'parse-prometheus-text-format'

/** One metric family as parse-prometheus-text-format (prom2json's shape) returns it. */
export type MetricFamily = {
  name: string
  help: string
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED'
  metrics: Array<{ value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string; sum?: string }>
}

/** Parses a scrape the way Prometheus tooling does; throws on text it cannot read. */
export const parseMetrics = (text: string): Map<string, MetricFamily> => {
  const families = parsePrometheusTextFormat(text) as MetricFamily[]
  return new Map(families.map((family) => [family.name, family]))
}

/**
 * A sample's value (a histogram's count), or undefined when the family or the label set is
 * absent. Labels not given are not compared.
 */
export const sampleValue = (families: Map<string, MetricFamily>, name: string, labels: Record<string, string> = {}): number | undefined => {
  const family = families.get(name)
  const sample = family?.metrics.find((metric) => Object.entries(labels).every(([key, value]) => metric.labels?.[key] === value))
  if (!sample) return undefined
  return Number(family!.type === 'HISTOGRAM' ? sample.count : sample.value)
}

/** GET a metrics URL with a bearer token (or none). */
export const scrape = async (url: string, token?: string) => {
  const response = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
  return { status: response.status, text: await response.text(), headers: response.headers }
}
