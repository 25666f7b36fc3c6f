import type { JsonLdBuilder } from '../fields/jsonLd'
import { frontEndUrl } from '../utilities/siteUrl'
import { convertLexicalToPlaintext } from '@payloadcms/richtext-lexical/plaintext'

import { compact, SCHEMA_CONTEXT } from './shared'

export const faqJsonLd: JsonLdBuilder = async (doc, _related, site) =>
  compact({
    '@context': SCHEMA_CONTEXT,
    '@type': 'FAQPage',
    url: frontEndUrl('faqs', doc, await site.patterns()),
    mainEntity: [
      compact({
        '@type': 'Question',
        name: doc.question,
        acceptedAnswer: compact({
          '@type': 'Answer',
          text: doc.answer?.root ? convertLexicalToPlaintext({ data: doc.answer }).trim() : undefined,
        }),
      }),
    ],
  })
