'use client'

import { SelectField, useField } from '@payloadcms/ui'
import type { SelectFieldClient, TextFieldClientProps } from 'payload'
import React, { useMemo } from 'react'

type Props = TextFieldClientProps & { names: string[] }

/**
 * A searchable list of IANA timezone names instead of a text box that expected one: the
 * clinic's current zone first, then every other name in alphabetical order. A stored name
 * that is not in the list (an alias saved through the API) is offered as it is, so the form
 * always shows what is stored; saving stores the listed name it stands for.
 */
export const TimeZoneSelect = ({ field, names, ...props }: Props) => {
  const { initialValue } = useField<string>({ potentiallyStalePath: props.path })
  const selectField = useMemo((): SelectFieldClient => {
    const current = typeof initialValue === 'string' && initialValue ? initialValue : undefined
    const ordered = current ? [current, ...names.filter((name) => name !== current)] : names
    return {
      ...field,
      type: 'select',
      hasMany: false,
      options: ordered.map((name) => ({ label: name === current ? `${name} (current)` : name, value: name })),
      admin: { ...field.admin, isClearable: false, isSortable: false },
    } as SelectFieldClient
  }, [field, initialValue, names])
  // The text field's own validation runs on the server; the list only offers valid names.
  const { validate: _textValidate, ...selectProps } = props
  return <SelectField {...selectProps} field={selectField} />
}
