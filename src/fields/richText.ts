import { ValidationError, type FieldHook, type RichTextField } from 'payload'

import { lexicalDocumentProblem } from '../utilities/lexicalLimits'

/**
 * Refuses a malformed or oversized document with a field error (400, `errors[0].data.errors[0].path`
 * is the field), before Payload's own rich-text hooks, validation or any of our hooks walk it.
 * A beforeValidate hook rather than `validate`: Payload skips `validate` on draft saves
 * (articles autosave) and runs collection beforeChange hooks (the newsletter's template
 * check renders the intro) before field validation.
 */
export const refuseUnboundedRichText: FieldHook = ({ value, path, req, collection, global }) => {
  // A string is parsed into JSON by Payload right before this hook, or left as is when not JSON.
  const problem = lexicalDocumentProblem(value)
  if (problem) {
    throw new ValidationError({
      collection: collection?.slug,
      global: global?.slug,
      errors: [{ path: path.join('.'), message: problem }],
      req,
    })
  }
  return value
}

/** A richText field whose content is bounded and Lexical-shaped (see `lexicalDocumentProblem`). */
export const boundedRichText = (field: Omit<RichTextField, 'type'>): RichTextField => ({
  ...field,
  type: 'richText',
  hooks: { ...field.hooks, beforeValidate: [refuseUnboundedRichText, ...(field.hooks?.beforeValidate ?? [])] },
})
