import type { JsonLdBuilder } from '../fields/jsonLd'
import { convertLexicalToPlaintext } from '@payloadcms/richtext-lexical/plaintext'

import { absoluteUrl, compact, SCHEMA_CONTEXT } from './shared'

export const faqJsonLd: JsonLdBuilder = async (doc) =>
  compact({
    '@context': SCHEMA_CONTEXT,
    '@type': 'FAQPage',
    url: absoluteUrl(`/faqs#faq-${doc.id ?? ''}`),
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
