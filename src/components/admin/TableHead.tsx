import React, { type CSSProperties } from 'react'

/** The header row of the admin's small report tables (CSV import, scheduled changes, deliveries). */
export const TableHead = ({ columns, rowStyle, cellStyle }: { columns: string[]; rowStyle?: CSSProperties; cellStyle?: CSSProperties }) => (
  <thead>
    <tr style={rowStyle}>
      {columns.map((column) => (
        <th key={column} style={cellStyle}>
          {column}
        </th>
      ))}
    </tr>
  </thead>
)
