/**
 * Draws nothing: the Field component of newsletter fields that the send panel and the
 * delivery report present instead (see `shownElsewhere` in src/fields/newsletterAdmin.ts).
 */
export const ShownElsewhere = () => null
