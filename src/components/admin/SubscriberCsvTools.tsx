'use client'

import React, { useState } from 'react'

import { TableHead } from './TableHead'

type Report = {
  dryRun: boolean
  rows: number
  accepted: Array<{ row: number; email: string; status: string }>
  duplicates: Array<{ row: number; email: string; reason: string }>
  invalid: Array<{ row: number; email: string; reason: string }>
  created: number
  confirmationEmails: number
}

/** The rows the import refused, in file order. */
const problemRows = (report: Report) =>
  [...report.invalid.map((item) => ({ ...item, kind: 'Invalid' })), ...report.duplicates.map((item) => ({ ...item, kind: 'Duplicate' }))].sort(
    (a, b) => a.row - b.row,
  )

/**
 * Above the subscribers list: import a CSV (preview first, then import) and export all
 * subscribers. The server does the work (src/endpoints/subscriberCsv.ts); this only shows
 * the report.
 */
export const SubscriberCsvTools: React.FC = () => {
  const [file, setFile] = useState<File | null>(null)
  const [report, setReport] = useState<Report | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const send = async (dryRun: boolean) => {
    if (!file) return
    setBusy(true)
    setError(null)
    try {
      const response = await fetch(`/api/subscribers/import${dryRun ? '?dryRun=1' : ''}`, {
        method: 'POST',
        credentials: 'include',
        headers: { 'Content-Type': 'text/csv' },
        body: await file.text(),
      })
      const body = await response.json()
      if (!response.ok) throw new Error(body?.errors?.[0]?.message ?? `Import failed (${response.status}).`)
      setReport(body)
    } catch (caught) {
      setError((caught as Error).message)
    } finally {
      setBusy(false)
    }
  }

  const problems = report ? problemRows(report) : []
  return (
    <details style={{ margin: '0 0 calc(var(--base) * 1)' }}>
      <summary style={{ cursor: 'pointer', fontWeight: 600 }}>Import or export subscribers (CSV)</summary>
      <div style={{ padding: 'var(--base) 0' }}>
        <p>
          Columns: <code>email</code> (required), <code>name</code>, <code>status</code> (pending, confirmed, unsubscribed),{' '}
          <code>topics</code> (condition slugs separated by <code>;</code>), <code>consent_at</code>, <code>consent_source</code>,{' '}
          <code>consent_text</code>. Confirmed rows need <code>consent_at</code>; pending rows get a confirmation email.
        </p>
        <input
          aria-label="CSV file"
          type="file"
          accept=".csv,text/csv"
          onChange={(event) => {
            setFile(event.target.files?.[0] ?? null)
            setReport(null)
          }}
        />{' '}
        <button type="button" className="btn btn--style-secondary btn--size-small" disabled={!file || busy} onClick={() => send(true)}>
          Preview
        </button>{' '}
        <button
          type="button"
          className="btn btn--style-primary btn--size-small"
          disabled={!file || busy || !report?.dryRun || report.accepted.length === 0}
          onClick={() => send(false)}
        >
          Import {report?.dryRun ? report.accepted.length : ''} rows
        </button>{' '}
        <a className="btn btn--style-secondary btn--size-small" href="/api/subscribers/export">
          Export all as CSV
        </a>
        {error ? <p role="alert" style={{ color: 'var(--theme-error-500)' }}>{error}</p> : null}
        {report ? (
          <div role="status">
            <p>
              {report.dryRun ? 'Preview' : 'Imported'}: {report.rows} rows, {report.dryRun ? report.accepted.length : report.created} accepted,{' '}
              {report.duplicates.length} duplicates, {report.invalid.length} invalid
              {report.dryRun ? '' : `, ${report.confirmationEmails} confirmation emails sent`}.
            </p>
            {problems.length ? (
              <table>
                <TableHead columns={['Row', 'Email', 'Problem']} />
                <tbody>
                  {problems.map((item) => (
                    <tr key={`${item.kind}-${item.row}`}>
                      <td>{item.row}</td>
                      <td>{item.email}</td>
                      <td>
                        {item.kind}: {item.reason}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </div>
        ) : null}
      </div>
    </details>
  )
}
