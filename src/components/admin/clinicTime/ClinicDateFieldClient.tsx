'use client'

import { DateTimeField, FieldDescription, FieldLabel, useField } from '@payloadcms/ui'
import type { DateFieldClientProps } from 'payload'
import React from 'react'

import { formatClinicTime } from '../../../utilities/clinicTime'

type Props = DateFieldClientProps & { timeZone: string }

/**
 * Read-only dates (confirmed, sent, delivered…) are text on the clinic's clock with the zone
 * named. Editable ones keep Payload's picker, which works in the browser's zone, and say
 * under it what the picked time is on the clinic's clock, so an owner travelling, or a
 * colleague elsewhere, sees the time the clinic will see.
 */
export const ClinicDateFieldClient = ({ timeZone, ...props }: Props) => {
  const { field, path } = props
  const description = field.admin?.description
  const { value } = useField<string>({ potentiallyStalePath: path })
  const clinicTime = formatClinicTime(value, timeZone)
  const id = `field-${path.replace(/\./g, '__')}`

  if (props.readOnly || field.admin?.readOnly) {
    return (
      <div className="field-type clinic-time read-only" data-clinic-time={path}>
        <FieldLabel label={field.label} path={path} />
        <output id={id}>{clinicTime || '—'}</output>
        <FieldDescription description={description} path={path} />
      </div>
    )
  }
  return (
    <div className="field-type clinic-time" data-clinic-time={path}>
      <DateTimeField {...props} field={{ ...field, admin: { ...field.admin, description: undefined } } as typeof field} />
      {clinicTime ? <FieldDescription description={`Clinic time (${timeZone}): ${clinicTime}`} path={path} /> : null}
      <FieldDescription description={description} path={path} />
    </div>
  )
}
