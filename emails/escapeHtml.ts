const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  // Braces too: text from the CMS or from a subscriber must never form a `{{token}}`
  // that a later personalisation pass would fill (render once, personalise per recipient).
  '{': '&#123;',
  '}': '&#125;',
}

/** Makes any text safe inside HTML element content and quoted attribute values. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"'{}]/g, (char) => ENTITIES[char]!)
