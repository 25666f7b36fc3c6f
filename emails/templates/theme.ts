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
  /**
   * Dark mode (clients that honour prefers-color-scheme, `color-scheme` metas in layout.ts):
   * light text on dark teal-greys, and the button turned light (#5fa8a0, 6.6:1 on the dark
   * page) with dark text (5.8:1). Clients that force their own dark colours keep `accent` as
   * the button's border, which stays ≥ 3:1 on any near-black they choose.
   */
  dark: {
    page: '#101a1c',
    card: '#18262a',
    text: '#e4eeec',
    mutedText: '#b5c7c4',
    link: '#8fd0c8',
    button: '#5fa8a0',
    onButton: '#0b1f24',
    header: '#0b3440',
    /** Rules between cards: the light page colour would glare on the dark card. */
    rule: '#2c4247',
  },
  /** System fonts only: no web-font request (a tracking vector) and nothing to fall back from. */
  fontFamily: "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
} as const
