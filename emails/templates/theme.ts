/**
 * The clinic's email palette and type. Calm teals; every text colour below passes WCAG AA
 * (4.5:1) against the background it is used on. `accent` (#5fa8a0) is only ~2.8:1 on
 * white, so it decorates (rules, borders) and never carries text.
 */
export const theme = {
  primary: '#0f4c5c',
  accent: '#5fa8a0',
  text: '#1f2d30',
  mutedText: '#44585c',
  onPrimary: '#ffffff',
  onPrimaryMuted: '#d9eeeb',
  page: '#eef5f4',
  card: '#ffffff',
  /** System fonts only: no web-font request (a tracking vector) and nothing to fall back from. */
  fontFamily: "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
} as const
