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

/**
 * `admin.components` for the fields the send panel and the delivery report show in words
 * (status, send time, the pipeline's counts, times and note): not drawn in the form, so the
 * compose view offers nothing that only the panel may change and no sending results before
 * there are any. Each stays a normal field otherwise: in the form's state (the panel and the
 * report read it, a save sends back what was loaded), validated, a list column and filter.
 */
export const shownElsewhere = { Field: '/src/components/admin/newsletter/ShownElsewhere#ShownElsewhere' }
