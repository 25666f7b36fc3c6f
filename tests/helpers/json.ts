/** A response body as JSON, or undefined when it is not JSON (tests then read `text`). */
export const jsonOrUndefined = (text: string): any => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
