import type { CollectionConfig } from 'payload'

import { isSchedulableCollection } from './config'

/**
 * The schedulable collections' Publish button: Payload's own, with its Schedule drawer
 * defaulting to Publish for a never-published draft and showing refusals
 * (src/components/admin/scheduling/PublishButton.tsx). Applied to the config's collection
 * list, so the collections themselves stay as they are.
 */
export const withScheduleDrawer = (collections: CollectionConfig[]): CollectionConfig[] =>
  collections.map((collection) =>
    isSchedulableCollection(collection.slug)
      ? {
          ...collection,
          admin: {
            ...collection.admin,
            components: {
              ...collection.admin?.components,
              edit: {
                ...collection.admin?.components?.edit,
                PublishButton: '/src/components/admin/scheduling/PublishButton#PublishButton',
              },
            },
          },
        }
      : collection,
  )
