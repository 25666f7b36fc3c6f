import type { TextFieldServerComponent } from 'payload'
import React from 'react'

import { timeZoneNames } from '../../../collections/Clinic/timeZones'
import { TimeZoneSelect } from './TimeZoneSelect'

/** The clinic's timezone as a list of the names this server knows (see TimeZoneSelect). */
export const TimeZoneField: TextFieldServerComponent = ({ clientField, path, permissions, readOnly, schemaPath }) => (
  <TimeZoneSelect field={clientField} names={timeZoneNames()} path={path} permissions={permissions} readOnly={readOnly} schemaPath={schemaPath} />
)
