'use client'

import { useAllFormFields, useDocumentInfo } from '@payloadcms/ui'
import { reduceFieldsToValues } from 'payload/shared'
import React, { useEffect, useMemo, useRef, useState } from 'react'

import { errorMessage } from './shared'

type Rendered = { subject: string; html: string; text: string; htmlBytes?: number; htmlSizeWarning?: string }

const WIDTHS = { desktop: 640, mobile: 375 } as const
/** Long enough that typing a word does not re-render the email per keystroke. */
const DEBOUNCE_MS = 600

/** The fields the email is made of, as the form holds them right now (saved or not). */
const PREVIEW_FIELDS = ['subject', 'preheader', 'intro', 'featuredArticles', 'audience', 'audienceTopics', 'template', 'sourceArticle', 'digestSince']

/**
 * Live preview in the newsletter's edit view: the server renders the unsaved form through
 * the same templates the send uses (`POST /api/newsletters/preview`), and the result is
 * shown in a sandboxed frame (no scripts, no same-origin access) at desktop or phone width.
 */
export const NewsletterPreview: React.FC = () => {
  const { id } = useDocumentInfo()
  const [fields] = useAllFormFields()
  const [width, setWidth] = useState<keyof typeof WIDTHS>('desktop')
  const [showText, setShowText] = useState(false)
  const [rendered, setRendered] = useState<Rendered | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(false)
  const inFlight = useRef<AbortController | null>(null)

  // A string, so the effect below runs when the content changes, not on every render.
  const body = useMemo(() => {
    const values = reduceFieldsToValues(fields, true) as Record<string, unknown>
    const picked: Record<string, unknown> = id ? { id } : {}
    for (const key of PREVIEW_FIELDS) if (values[key] !== undefined) picked[key] = values[key]
    return JSON.stringify(picked)
  }, [fields, id])

  // A new newsletter has nothing to render yet: say what the preview needs instead of an error.
  const empty = useMemo(() => {
    const values = JSON.parse(body) as { intro?: unknown; featuredArticles?: unknown[]; template?: string }
    const introText = JSON.stringify((values.intro as { root?: { children?: unknown } } | undefined)?.root?.children ?? [])
    const hasIntro = /"text":"[^"]*\S/.test(introText) || /"type":"(upload|relationship|block)"/.test(introText)
    return !hasIntro && !(values.featuredArticles ?? []).length && (values.template ?? 'newsletter') === 'newsletter'
  }, [body])

  useEffect(() => {
    if (empty) {
      inFlight.current?.abort()
      setRendered(null)
      setError(null)
      setLoading(false)
      return
    }
    const timer = setTimeout(async () => {
      inFlight.current?.abort()
      const controller = new AbortController()
      inFlight.current = controller
      setLoading(true)
      try {
        const response = await fetch('/api/newsletters/preview', {
          method: 'POST',
          credentials: 'include',
          headers: { 'Content-Type': 'application/json' },
          body,
          signal: controller.signal,
        })
        if (!response.ok) throw new Error(await errorMessage(response, 'The preview could not be rendered'))
        setRendered(await response.json())
        setError(null)
      } catch (caught) {
        if ((caught as Error).name === 'AbortError') return
        setError((caught as Error).message)
      } finally {
        if (inFlight.current === controller) setLoading(false)
      }
    }, DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [body, empty])

  useEffect(() => () => inFlight.current?.abort(), [])

  return (
    <section className="newsletter-preview" aria-labelledby="newsletter-preview-heading" style={{ margin: 'calc(var(--base) * 1.5) 0' }}>
      <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 'calc(var(--base) * 0.5)', marginBottom: 'calc(var(--base) * 0.5)' }}>
        <h3 id="newsletter-preview-heading" style={{ margin: 0, marginRight: 'auto' }}>
          Email preview
        </h3>
        <div role="group" aria-label="Preview width" style={{ display: 'flex', gap: 'calc(var(--base) * 0.25)' }}>
          {(Object.keys(WIDTHS) as Array<keyof typeof WIDTHS>).map((key) => (
            <button
              key={key}
              type="button"
              aria-pressed={width === key && !showText}
              className={`btn btn--size-small ${width === key && !showText ? 'btn--style-primary' : 'btn--style-secondary'}`}
              style={{ margin: 0 }}
              onClick={() => {
                setWidth(key)
                setShowText(false)
              }}
            >
              {key === 'desktop' ? `Desktop (${WIDTHS.desktop} px)` : `Mobile (${WIDTHS.mobile} px)`}
            </button>
          ))}
          <button
            type="button"
            aria-pressed={showText}
            className={`btn btn--size-small ${showText ? 'btn--style-primary' : 'btn--style-secondary'}`}
            style={{ margin: 0 }}
            onClick={() => setShowText(true)}
          >
            Plain text
          </button>
          {id ? (
            <a className="btn btn--size-small btn--style-secondary" style={{ margin: 0 }} href={`/api/newsletters/${id}/preview`} target="_blank" rel="noopener">
              Open saved version
            </a>
          ) : null}
        </div>
      </div>
      <p role="status" aria-live="polite" style={{ margin: '0 0 calc(var(--base) * 0.5)', color: 'var(--theme-elevation-600)', minHeight: '1.5em' }}>
        {loading ? 'Updating preview…' : rendered ? (
          <>
            Subject: <strong data-testid="preview-subject">{rendered.subject}</strong>
            {rendered.htmlBytes ? <span data-testid="preview-size"> · {(rendered.htmlBytes / 1024).toFixed(1)} KB of HTML</span> : null}
          </>
        ) : null}
      </p>
      {rendered?.htmlSizeWarning ? (
        <p role="alert" data-testid="preview-size-warning" style={{ color: 'var(--theme-warning-650, var(--theme-warning-500))', margin: '0 0 calc(var(--base) * 0.5)' }}>
          {rendered.htmlSizeWarning}
        </p>
      ) : null}
      {error ? (
        <p role="alert" style={{ color: 'var(--theme-error-500)', margin: '0 0 calc(var(--base) * 0.5)' }}>
          {error}
        </p>
      ) : null}
      <div
        style={{
          background: 'var(--theme-elevation-50)',
          border: '1px solid var(--theme-elevation-150)',
          borderRadius: 'var(--style-radius-m, 4px)',
          padding: 'calc(var(--base) * 0.5)',
          overflowX: 'auto',
        }}
      >
        {showText ? (
          <pre data-testid="preview-text" style={{ whiteSpace: 'pre-wrap', margin: 0, maxHeight: 720, overflowY: 'auto', fontSize: 13 }}>
            {rendered?.text ?? ''}
          </pre>
        ) : (
          <iframe
            title={`Email preview, ${width} width`}
            // No allow-* tokens: the email runs no scripts and cannot reach the admin.
            sandbox=""
            srcDoc={rendered?.html ?? '<p style="font-family:sans-serif;color:#666;padding:16px">The preview appears once the newsletter has an intro or a featured article.</p>'}
            style={{ display: 'block', width: WIDTHS[width], maxWidth: 'none', height: 720, margin: '0 auto', border: 0, background: '#fff' }}
          />
        )}
      </div>
    </section>
  )
}
