import type { Payload, PayloadRequest } from 'payload'

import { tagFrontEndPatternsRead } from '../hooks/tagPublicRead'
import { frontEndPatternsOf, type ClinicWithFrontEnd, type FrontEndPatterns } from './siteUrl'

const PATTERNS = Symbol.for('clinic.frontEndPatterns')
type PatternsRequest = PayloadRequest & { [PATTERNS]?: Promise<FrontEndPatterns> }

/**
 * The clinic global's front-end path patterns, read once per request (JSON-LD of a list of
 * twenty documents reads the global once). An anonymous answer that uses them is tagged
 * `clinic:front-end` (not `clinic`: editing the opening hours must not drop every cached
 * answer with JSON-LD), which a change of the patterns drops (src/hooks/bumpContentRevision.ts).
 */
export const loadFrontEndPatterns = (payload: Payload, req?: PayloadRequest): Promise<FrontEndPatterns> => {
  if (req) tagFrontEndPatternsRead(req)
  const memo = req as PatternsRequest | undefined
  if (memo?.[PATTERNS]) return memo[PATTERNS]
  // Without the reader's request: the read itself must not tag the answer `clinic`.
  const loading = payload
    .findGlobal({ slug: 'clinic', depth: 0, select: { frontEnd: true }, overrideAccess: true })
    .then((clinic) => frontEndPatternsOf(clinic as ClinicWithFrontEnd))
  if (memo) memo[PATTERNS] = loading
  return loading
}
