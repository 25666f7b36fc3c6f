/**
 * Characters that change how a name is laid out or read rather than what it says: control
 * characters (Cc: CR, LF, tab, NEL U+0085, ESC…), the line and paragraph separators (Zl
 * U+2028, Zp U+2029) and the bidirectional marks, embeddings, overrides and isolates (the
 * Cf characters U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069). A name is shown in
 * emails, the admin and exports: any of these could break a header or a line, or make
 * "Ann\u202Egnp.exe" read as something else.
 */
const LAYOUT_CHARACTERS = /[\p{Cc}\p{Zl}\p{Zp}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u

export const NAME_MAX_LENGTH = 100

export const NAME_RULE = `A name must be one line of at most ${NAME_MAX_LENGTH} characters, without control, line-separator or text-direction characters.`

/** True when `name` is acceptable as a subscriber's name (empty counts as no name). */
export const isAcceptableName = (name: string) => name.length <= NAME_MAX_LENGTH && !LAYOUT_CHARACTERS.test(name)
