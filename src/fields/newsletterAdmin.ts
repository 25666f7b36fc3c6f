import type { UIField } from 'payload'

/**
 * The newsletter edit view's own panels. `ui` fields store nothing: they only place the
 * components (src/components/admin/newsletter) in the form, where they can read its values.
 */

/** Sidebar: send a test, schedule, then progress and pause/resume/cancel/retry. */
export const newsletterSendPanelField: UIField = {
  name: 'sendPanel',
  type: 'ui',
  admin: {
    position: 'sidebar',
    components: { Field: '/src/components/admin/newsletter/NewsletterSendPanel#NewsletterSendPanel' },
    disableListColumn: true,
  },
}

/** Main column, after the content: the live email preview, then what did not go out. */
export const newsletterPreviewFields: UIField[] = [
  {
    name: 'emailPreview',
    type: 'ui',
    admin: {
      components: { Field: '/src/components/admin/newsletter/NewsletterPreview#NewsletterPreview' },
      disableListColumn: true,
    },
  },
  {
    name: 'deliveryReport',
    type: 'ui',
    admin: {
      components: { Field: '/src/components/admin/newsletter/NewsletterDeliveryReport#NewsletterDeliveryReport' },
      disableListColumn: true,
    },
  },
]
