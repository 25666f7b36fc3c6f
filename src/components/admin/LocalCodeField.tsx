'use client'

import { FieldDescription, FieldError, FieldLabel, useField } from '@payloadcms/ui'
import type { CodeFieldClientProps, JSONFieldClientProps } from 'payload'
import React, { useCallback, useEffect, useState } from 'react'

type Mode = 'json' | 'code'
type Props = (JSONFieldClientProps | CodeFieldClientProps) & { mode: Mode }

const asText = (value: unknown, mode: Mode): string => {
  if (value === undefined || value === null) return ''
  if (mode === 'code') return String(value)
  return JSON.stringify(value, null, 2)
}

/** JSON text and a value mean the same thing (formatting aside). */
const sameJson = (text: string, value: unknown) => {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(value)
  } catch {
    return text === value
  }
}

const preStyle: React.CSSProperties = {
  margin: 0,
  padding: 'calc(var(--base) * 0.6)',
  maxHeight: '32rem',
  overflow: 'auto',
  fontFamily: 'var(--font-mono, monospace)',
  fontSize: '0.8125rem',
  lineHeight: 1.5,
  whiteSpace: 'pre-wrap',
  overflowWrap: 'anywhere',
  background: 'var(--theme-elevation-50)',
  border: '1px solid var(--theme-elevation-150)',
  borderRadius: 'var(--style-radius-s)',
}

/**
 * JSON and code fields without Monaco. Payload's editor downloads Monaco from a public CDN
 * (cdn.jsdelivr.net) when a page opens, so offline or behind a strict Content-Security-Policy
 * the box stays grey and the console fills with errors. Read-only values are formatted text;
 * editable ones a plain textarea, checked as JSON as you type (a value that does not parse
 * cannot be saved).
 */
const LocalCodeFieldComponent = ({ field, mode, path, readOnly }: Props) => {
  const { admin: { description } = {}, label, localized, required } = field
  const [draft, setDraft] = useState<string | null>(null)
  const [parseError, setParseError] = useState<string | null>(null)

  const validate = useCallback(
    (value: unknown) => {
      if (parseError) return `Not valid JSON: ${parseError}`
      if (required && (value === undefined || value === null || value === '')) return 'This field is required.'
      return true
    },
    [parseError, required],
  )
  const { disabled, setValue, showError, value } = useField<unknown>({ potentiallyStalePath: path, validate })

  // A value changed from outside (saved, reset, reloaded) replaces what was being typed.
  useEffect(() => {
    if (draft !== null && !sameJson(draft, value) && draft !== value) {
      setDraft(null)
      setParseError(null)
    }
  }, [draft, value])

  const onChange = (text: string) => {
    setDraft(text)
    if (mode === 'code') return setValue(text)
    if (!text.trim()) {
      setParseError(null)
      return setValue(null)
    }
    try {
      setValue(JSON.parse(text))
      setParseError(null)
    } catch (error) {
      // Kept as typed, as Payload's own JSON field does, with an error that blocks saving.
      setValue(text)
      setParseError(error instanceof Error ? error.message : String(error))
    }
  }

  const text = draft ?? asText(value, mode)
  const isReadOnly = Boolean(readOnly || disabled || field.admin?.readOnly)
  const inputId = `field-${path.replace(/\./g, '__')}`

  return (
    <div className={['field-type', 'textarea', 'local-code-field', showError && 'error', isReadOnly && 'read-only'].filter(Boolean).join(' ')}>
      <FieldLabel htmlFor={inputId} label={label} localized={localized} path={path} required={required} />
      <div className="field-type__wrap">
        <FieldError path={path} showError={showError} />
        {isReadOnly ? (
          <pre id={inputId} style={preStyle} tabIndex={0} aria-readonly="true">
            {text || '—'}
          </pre>
        ) : (
          <div className="textarea-outer">
            <textarea
              id={inputId}
              name={path}
              value={text}
              spellCheck={false}
              rows={Math.min(Math.max(text.split('\n').length, 3), 24)}
              style={{ fontFamily: 'var(--font-mono, monospace)' }}
              onChange={(event) => onChange(event.target.value)}
            />
          </div>
        )}
      </div>
      <FieldDescription description={description} path={path} />
    </div>
  )
}

export const LocalJsonField = (props: JSONFieldClientProps) => <LocalCodeFieldComponent {...props} mode="json" />

export const LocalCodeField = (props: CodeFieldClientProps) => <LocalCodeFieldComponent {...props} mode="code" />
