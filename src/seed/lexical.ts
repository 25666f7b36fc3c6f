import { convertMarkdownToLexical, editorConfigFactory } from '@payloadcms/richtext-lexical'
import type { Payload } from 'payload'

import type { RichText } from './types'

/** Demo text is written as a Markdown subset; Payload's own converter turns it into Lexical. */
export const createMarkdownConverter = async (payload: Payload) => {
  const editorConfig = await editorConfigFactory.default({ config: payload.config })
  return (markdown: RichText) => convertMarkdownToLexical({ editorConfig, markdown }) as any
}
