declare module 'parse-prometheus-text-format' {
  /** Prometheus text format → prom2json-shaped families (tests/helpers/prometheus.ts types them). */
  export default function parsePrometheusTextFormat(text: string): unknown[]
}
