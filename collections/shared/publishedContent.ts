import type { CollectionAfterChangeHook, CollectionBeforeChangeHook, CollectionConfig } from 'payload'

import { authenticatedPublishedOrPreviewed } from '../../src/access/authenticatedPublishedOrPreviewed'
import { isStaff } from '../../src/access/isStaff'
import { scheduleEndpoints } from '../../src/endpoints/schedule'
import { jsonLdField, type JsonLdBuilder } from '../../src/fields/jsonLd'
import { selectRichTextSources, withHtmlSiblings } from '../../src/fields/richTextHtml'
import { previewAdmin } from '../../src/preview/adminPreview'
import { scheduledChangeMarkerField } from '../../src/fields/scheduledChangeMarker'
import { bumpContentRevisionAfterChange, bumpContentRevisionAfterDelete } from '../../src/hooks/bumpContentRevision'
import { redirectChangedSlug } from '../../src/hooks/redirectChangedSlug'
import { ignoreDraftFlagForPublic } from '../../src/hooks/ignoreDraftFlagForPublic'
import { tagPublicDocument, tagPublicLookup } from '../../src/hooks/tagPublicRead'
import { recordContentChange, recordContentDelete, rememberPublicState } from '../../src/webhooks/recordContentEvent'
import type { PublishedContentSlug } from './publishedContentSlugs'

/**
 * Payload's own Publish button, with its Schedule drawer defaulting to Publish for a
 * never-published draft and showing refusals (src/components/admin/scheduling/PublishButton.tsx).
 */
const SCHEDULE_PUBLISH_BUTTON = '/src/components/admin/scheduling/PublishButton#PublishButton'

/** Payload's Preview button, minting a fresh preview token on each click (src/components/admin/preview/PreviewButton.tsx). */
const PREVIEW_BUTTON = '/src/components/admin/preview/PreviewButton#PreviewButton'

type PublishedContentOptions<S extends PublishedContentSlug> = Omit<CollectionConfig<S>, 'access' | 'endpoints' | 'hooks' | 'versions'> & {
  slug: S
  /** Builds the document's schema.org JSON-LD (the last field). */
  jsonLd: JsonLdBuilder
  /** The collection's own beforeChange hooks; they run before rememberPublicState sees the data. */
  beforeChange?: CollectionBeforeChangeHook[]
  /**
   * The collection's own afterChange hooks. They run after the cache is cleared and before the
   * webhook event is recorded (Articles' announcement hook records an intent there; the worker
   * creates the newsletter later, jobs/newsletters/announcements.ts).
   */
  afterChange?: CollectionAfterChangeHook[]
}

/**
 * A collection of published content (PUBLISHED_CONTENT_COLLECTIONS): what the four share, in
 * one place. Anyone reads published documents, staff read drafts and versions and write, a
 * preview token opens one document's draft (Preview and Live Preview in the admin);
 * drafts autosave, keep 50 versions and can be published on a schedule (the Schedule drawer
 * of the Publish button, the `/:id/schedule` endpoints); anonymous answers are tagged with the
 * documents they contain (tagPublic*), every public change drops the cached answers with its tags
 * (bumpContentRevision*) and records webhook events (recordContent*); a visitor's `draft=true`
 * is ignored; the last fields are the scheduled-change marker and the computed JSON-LD.
 */
export const publishedContentCollection = <S extends PublishedContentSlug>({
  jsonLd,
  beforeChange = [],
  afterChange = [],
  fields,
  ...config
}: PublishedContentOptions<S>): CollectionConfig<S> => ({
  ...config,
  admin: {
    // Published content sits together in the admin's "Content" group.
    group: 'Content',
    // The Preview button and Live Preview pane open the front end with a fresh preview token (src/preview).
    ...previewAdmin(config.slug),
    ...config.admin,
    components: {
      ...config.admin?.components,
      edit: { ...config.admin?.components?.edit, PublishButton: SCHEDULE_PUBLISH_BUTTON, PreviewButton: PREVIEW_BUTTON },
    },
  },
  access: {
    // Published documents for the public; one document's draft for a preview token's reader (src/preview/grant.ts).
    read: authenticatedPublishedOrPreviewed(config.slug),
    readVersions: isStaff,
    create: isStaff,
    update: isStaff,
    delete: isStaff,
  },
  endpoints: scheduleEndpoints,
  hooks: {
    // tagPublic*: what an anonymous answer contains, for the response cache and a CDN (src/cache/contentTags.ts).
    // selectRichTextSources: a REST select of `contentHtml` reads `content` too.
    beforeOperation: [ignoreDraftFlagForPublic, tagPublicLookup, selectRichTextSources],
    afterRead: [tagPublicDocument],
    beforeChange: [...beforeChange, rememberPublicState],
    // bumpContentRevision*: public content changed, drop the dependent entries of every app process's response cache (src/cache).
    // redirectChangedSlug: a published slug change leaves a 301 from the old path (before recordContentChange, which uses up the remembered state).
    afterChange: [bumpContentRevisionAfterChange, ...afterChange, redirectChangedSlug, recordContentChange],
    afterDelete: [bumpContentRevisionAfterDelete, recordContentDelete],
  },
  // Each rich-text field gets its computed HTML sibling (`content` → `contentHtml`, src/fields/richTextHtml.ts).
  fields: [...withHtmlSiblings(fields), scheduledChangeMarkerField(), jsonLdField(jsonLd)],
  versions: {
    drafts: { autosave: { interval: 800 }, schedulePublish: true },
    maxPerDoc: 50,
  },
})
