'use client'

import React from 'react'

/** The send panel's building blocks: its boxes, button rows and status lines. */

export type Message = { kind: 'ok' | 'error'; text: string } | null

export const box: React.CSSProperties = {
  border: '1px solid var(--theme-elevation-150)',
  borderRadius: 'var(--style-radius-m, 4px)',
  padding: 'calc(var(--base) * 0.75)',
  marginBottom: 'var(--base)',
  background: 'var(--theme-elevation-0)',
}
export const row: React.CSSProperties = { display: 'flex', flexWrap: 'wrap', gap: 'calc(var(--base) * 0.5)', alignItems: 'center' }
export const noMargin: React.CSSProperties = { margin: 0 }
export const spaced: React.CSSProperties = { marginTop: 'calc(var(--base) * 0.5)' }

export const MessageLine: React.FC<{ message: Message }> = ({ message }) =>
  message ? (
    <p role={message.kind === 'error' ? 'alert' : 'status'} style={{ margin: 'calc(var(--base) * 0.5) 0 0', color: message.kind === 'error' ? 'var(--theme-error-500)' : 'var(--theme-success-500)' }}>
      {message.text}
    </p>
  ) : null

type ButtonProps = { children: React.ReactNode; disabled?: boolean; onClick: () => void; kind?: 'primary' | 'secondary' | 'subtle' }

export const PanelButton: React.FC<ButtonProps> = ({ children, disabled, onClick, kind = 'secondary' }) => (
  <button type="button" className={`btn btn--style-${kind} btn--size-small`} style={noMargin} disabled={disabled} onClick={onClick}>
    {children}
  </button>
)
