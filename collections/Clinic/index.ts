import type { GlobalConfig, TextFieldSingleValidation } from 'payload'

import { anyone } from '../../src/access/anyone'
import { isAdmin } from '../../src/access/isAdmin'
import { isStaffField } from '../../src/access/isStaff'
import { bumpContentRevisionAfterGlobalChange } from '../../src/hooks/bumpContentRevision'
import { tagClinicRead } from '../../src/hooks/tagPublicRead'
import { jsonLdField } from '../../src/fields/jsonLd'
import { optionsFrom } from '../../src/fields/optionsFrom'
import { urlField } from '../../src/fields/url'
import { clinicJsonLd } from '../../src/jsonld/clinic'
import { validatePreviewUrlTemplate } from '../../src/preview/url'
import { DEFAULT_CLINIC_TIME_ZONE } from '../../src/utilities/clinicTime'
import { DEFAULT_FRONT_END_PATTERNS, FRONT_END_PATTERN_FIELDS, frontEndPatternProblem, type FrontEndCollection } from '../../src/utilities/siteUrl'
import { canonicaliseTimeZone, validateTimeZone } from './timeZones'

const validateFrontEndPattern: TextFieldSingleValidation = (value) => (!value ? true : (frontEndPatternProblem(value) ?? true))

const frontEndPatternField = (collection: FrontEndCollection, label: string) => ({
  name: FRONT_END_PATTERN_FIELDS[collection],
  type: 'text' as const,
  label,
  defaultValue: DEFAULT_FRONT_END_PATTERNS[collection],
  validate: validateFrontEndPattern,
  admin: { placeholder: DEFAULT_FRONT_END_PATTERNS[collection] },
})

const DAYS = optionsFrom(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'])

const validateTimeOfDay: TextFieldSingleValidation = (value) =>
  !value || /^([01]\d|2[0-3]):[0-5]\d$/.test(value) ? true : `"${value}" is not a time of day: use 24-hour HH:MM, e.g. 09:00.`

/** The clinic itself: one document, read by every front end, edited by admins only. */
export const Clinic: GlobalConfig<'clinic'> = {
  slug: 'clinic',
  label: 'Clinic',
  graphQL: { name: 'Clinic' },
  admin: { group: 'Settings' },
  access: { read: anyone, update: isAdmin },
  // Public content changed: clear the response caches of every app process (src/cache).
  hooks: { afterChange: [bumpContentRevisionAfterGlobalChange], afterRead: [tagClinicRead] },
  fields: [
    { name: 'name', type: 'text', required: true },
    { name: 'tagline', type: 'text' },
    urlField({ name: 'bookingUrl', required: true, admin: { description: 'Where "Book now" buttons go.' } }),
    { name: 'phone', type: 'text' },
    {
      name: 'address',
      type: 'group',
      fields: [
        { name: 'street', type: 'text' },
        {
          type: 'row',
          fields: [
            { name: 'city', type: 'text' },
            { name: 'region', type: 'text', label: 'State / region' },
            { name: 'postalCode', type: 'text' },
            { name: 'country', type: 'text', defaultValue: 'US' },
          ],
        },
      ],
    },
    {
      name: 'openingHours',
      type: 'array',
      fields: [
        { name: 'days', type: 'select', hasMany: true, required: true, options: DAYS },
        {
          type: 'row',
          fields: [
            { name: 'opens', type: 'text', required: true, validate: validateTimeOfDay },
            { name: 'closes', type: 'text', required: true, validate: validateTimeOfDay },
          ],
        },
      ],
    },
    {
      name: 'timezone',
      type: 'text',
      required: true,
      defaultValue: DEFAULT_CLINIC_TIME_ZONE,
      validate: validateTimeZone,
      hooks: { beforeValidate: [canonicaliseTimeZone] },
      admin: {
        description: 'Scheduled publishing, newsletters and every time shown in this admin use this timezone.',
        // A list of IANA names, the current one first (collections/Clinic/timeZones.ts).
        components: { Field: '/src/components/admin/TimeZoneField#TimeZoneField' },
      },
    },
    {
      name: 'socialLinks',
      type: 'array',
      fields: [
        {
          name: 'platform',
          type: 'select',
          required: true,
          options: optionsFrom(['facebook', 'instagram', 'youtube', 'linkedin', 'other']),
        },
        urlField({ name: 'url', required: true }),
      ],
    },
    {
      name: 'medicalDisclaimer',
      type: 'textarea',
      admin: { description: 'Shown on condition pages and at the foot of every email.' },
    },
    {
      name: 'mailingAddress',
      type: 'textarea',
      admin: { description: 'Physical mailing address printed in newsletter footers (required by anti-spam law).' },
    },
    {
      name: 'newsletterDigest',
      type: 'group',
      label: 'Weekly digest',
      access: { read: isStaffField },
      admin: { description: 'A newsletter of the articles published since the last digest; skipped when there are none.' },
      fields: [
        { name: 'enabled', type: 'checkbox', defaultValue: false },
        {
          type: 'row',
          fields: [
            { name: 'day', type: 'select', defaultValue: 'thursday', options: DAYS },
            {
              name: 'time',
              type: 'text',
              defaultValue: '08:00',
              validate: validateTimeOfDay,
              admin: { description: 'Clinic time, 24-hour HH:MM.' },
            },
          ],
        },
        { name: 'lastDigestAt', type: 'date', admin: { readOnly: true } },
      ],
    },
    {
      name: 'frontEnd',
      type: 'group',
      label: 'Front-end URLs',
      admin: {
        description:
          'Where each page lives on the website (SITE_URL + the path): used by emails, JSON-LD, feeds, the sitemap and redirects. {slug} and {id} are filled in; FAQs have no slug, their {slug} is their id.',
      },
      fields: [
        {
          type: 'row',
          fields: [frontEndPatternField('articles', 'Article path'), frontEndPatternField('conditions', 'Condition path')],
        },
        {
          type: 'row',
          fields: [frontEndPatternField('services', 'Service path'), frontEndPatternField('faqs', 'FAQ path')],
        },
      ],
    },
    {
      name: 'preview',
      type: 'group',
      label: 'Draft preview',
      access: { read: isStaffField },
      admin: { description: 'Where the Preview button and the Live Preview pane of articles, conditions, services and FAQs open the draft.' },
      fields: [
        {
          name: 'urlTemplate',
          type: 'text',
          label: 'Preview URL template',
          maxLength: 500,
          validate: validatePreviewUrlTemplate,
          admin: {
            description:
              'The front end\'s preview page, e.g. https://www.example-clinic.com/api/preview?collection={collection}&slug={slug}&token={token} ' +
              '({collection}, {id}, {slug}, {token} are filled in). Empty: PREVIEW_URL from the environment; neither: no Preview button.',
          },
        },
      ],
    },
    jsonLdField(clinicJsonLd),
  ],
}
