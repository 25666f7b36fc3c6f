import type { DateFieldServerComponent } from 'payload'
import React from 'react'

import { ClinicDateFieldClient } from './ClinicDateFieldClient'
import { clinicTimeZone } from './clinicTimeZone'

/** A date field in an edit view, shown on the clinic's clock (see ClinicDateFieldClient). */
export const ClinicDateField: DateFieldServerComponent = async ({ clientField, path, payload, permissions, readOnly, schemaPath }) => (
  <ClinicDateFieldClient {...{ path, permissions, readOnly, schemaPath }} field={clientField} timeZone={await clinicTimeZone(payload)} />
)
