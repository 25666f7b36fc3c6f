import React from 'react'

/** The dashboard's building blocks: a titled card and a big number with its label. */

export const Card = ({ id, title, children }: { id: string; title: string; children: React.ReactNode }) => (
  <section
    aria-labelledby={`${id}-heading`}
    data-dashboard-card={id}
    style={{
      border: '1px solid var(--theme-elevation-150)',
      borderRadius: 'var(--style-radius-m, 6px)',
      padding: 'var(--base)',
      background: 'var(--theme-elevation-0)',
      minWidth: 0,
    }}
  >
    <h3 id={`${id}-heading`} style={{ margin: '0 0 calc(var(--base) * 0.5)' }}>
      {title}
    </h3>
    {children}
  </section>
)

export const Figure = ({ value, label, name }: { value: number; label: string; name: string }) => (
  <div data-figure={name} style={{ minWidth: '6rem' }}>
    <div style={{ fontSize: '1.75rem', fontWeight: 600, lineHeight: 1.2 }}>{value.toLocaleString('en-US')}</div>
    <div style={{ color: 'var(--theme-elevation-600)' }}>{label}</div>
  </div>
)

export const Figures = ({ children }: { children: React.ReactNode }) => (
  <div style={{ display: 'flex', flexWrap: 'wrap', gap: 'var(--base)', marginBottom: 'calc(var(--base) * 0.5)' }}>{children}</div>
)

export const Muted = ({ children }: { children: React.ReactNode }) => <p style={{ color: 'var(--theme-elevation-600)', margin: 0 }}>{children}</p>

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export const describeAgo = (value: string, now = Date.now()) => {
  const minutes = Math.round((now - Date.parse(value)) / 60_000)
  if (!Number.isFinite(minutes) || minutes < 1) return 'just now'
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.round(minutes / 60)
  if (hours < 48) return `${hours} h ago`
  return `${Math.round(hours / 24)} days ago`
}
