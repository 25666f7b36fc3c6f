import { SlugField as SlugField_2b8867833a34864a02ddf429b0728a40 } from '@payloadcms/next/client'
import { RscEntryLexicalCell as RscEntryLexicalCell_44fe37237e0ebf4470c9990d8cb7b07e } from '@payloadcms/richtext-lexical/rsc'
import { RscEntryLexicalField as RscEntryLexicalField_44fe37237e0ebf4470c9990d8cb7b07e } from '@payloadcms/richtext-lexical/rsc'
import { LexicalDiffComponent as LexicalDiffComponent_44fe37237e0ebf4470c9990d8cb7b07e } from '@payloadcms/richtext-lexical/rsc'
import { InlineToolbarFeatureClient as InlineToolbarFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { HorizontalRuleFeatureClient as HorizontalRuleFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { UploadFeatureClient as UploadFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { BlockquoteFeatureClient as BlockquoteFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { RelationshipFeatureClient as RelationshipFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { LinkFeatureClient as LinkFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { ChecklistFeatureClient as ChecklistFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { OrderedListFeatureClient as OrderedListFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { UnorderedListFeatureClient as UnorderedListFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { IndentFeatureClient as IndentFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { AlignFeatureClient as AlignFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { HeadingFeatureClient as HeadingFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { ParagraphFeatureClient as ParagraphFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { InlineCodeFeatureClient as InlineCodeFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { SuperscriptFeatureClient as SuperscriptFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { SubscriptFeatureClient as SubscriptFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { StrikethroughFeatureClient as StrikethroughFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { UnderlineFeatureClient as UnderlineFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { BoldFeatureClient as BoldFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { ItalicFeatureClient as ItalicFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { ClinicTimeCell as ClinicTimeCell_55237b53c221a43e1cee1a12314f0b53 } from '../../../../src/components/admin/clinicTime/ClinicTimeCell'
import { ClinicDateField as ClinicDateField_b496505db166b4662900d6eb283c5e30 } from '../../../../src/components/admin/clinicTime/ClinicDateField'
import { LocalJsonField as LocalJsonField_f6fa5f6eff7c7f13237446626e3de6b4 } from '../../../../src/components/admin/LocalCodeField'
import { DiscardEmptyDraft as DiscardEmptyDraft_d73eb63bb95f6fb60ca009fb8e7caae3 } from '../../../../src/components/admin/DiscardEmptyDraft'
import { PreviewButton as PreviewButton_8f18cc34f0e2ca418cb4351b2ac0a9ec } from '../../../../src/components/admin/preview/PreviewButton'
import { PublishButton as PublishButton_5d78004d122b7c57a2b3b255ca880018 } from '../../../../src/components/admin/scheduling/PublishButton'
import { NewsletterPreview as NewsletterPreview_1097d0d941bdefcbd87c52ea92641cf2 } from '../../../../src/components/admin/newsletter/NewsletterPreview'
import { NewsletterDeliveryReport as NewsletterDeliveryReport_4582304e6f00a1009dd39afe0b28a250 } from '../../../../src/components/admin/newsletter/NewsletterDeliveryReport'
import { NewsletterSendPanel as NewsletterSendPanel_c470a1e95f035c47ec344eb32d03be60 } from '../../../../src/components/admin/newsletter/NewsletterSendPanel'
import { ShownElsewhere as ShownElsewhere_eaf5a889b2369af8412719e22851982d } from '../../../../src/components/admin/newsletter/ShownElsewhere'
import { SubscriberCsvTools as SubscriberCsvTools_b83fe5ca9be7d703e05d8bbacf2cdc2f } from '../../../../src/components/admin/SubscriberCsvTools'
import { ApiKeyHelp as ApiKeyHelp_52caac7557be959c393f9a1715088baf } from '../../../../src/components/admin/ApiKeyHelp'
import { RoleSelect as RoleSelect_bec52b2ff8cd626467b08ec74052e0df } from '../../../../src/components/admin/RoleSelect'
import { SendWebhookPing as SendWebhookPing_b5cde53c6a2d3a412b00ede60a9a8ad6 } from '../../../../src/components/admin/WebhookActions'
import { RetryWebhookDelivery as RetryWebhookDelivery_b5cde53c6a2d3a412b00ede60a9a8ad6 } from '../../../../src/components/admin/WebhookActions'
import { DocumentCell as DocumentCell_31f81e0f282d7282fe288ed294a5e4e3 } from '../../../../src/components/admin/scheduling/cells'
import { ActionCell as ActionCell_31f81e0f282d7282fe288ed294a5e4e3 } from '../../../../src/components/admin/scheduling/cells'
import { WhenCell as WhenCell_31f81e0f282d7282fe288ed294a5e4e3 } from '../../../../src/components/admin/scheduling/cells'
import { StatusCell as StatusCell_31f81e0f282d7282fe288ed294a5e4e3 } from '../../../../src/components/admin/scheduling/cells'
import { ScheduledChangesFilters as ScheduledChangesFilters_2626204e96ff0cfce70b7ed48fc5c4a9 } from '../../../../src/components/admin/scheduling/ScheduledChangesFilters'
import { ScheduledChangeView as ScheduledChangeView_fda229c1c4d74173a9aafd6a91ff6ad1 } from '../../../../src/components/admin/scheduling/ScheduledChangeView'
import { TimeZoneField as TimeZoneField_0eacc87279464251dfa647824d632b36 } from '../../../../src/components/admin/TimeZoneField'
import { AudienceNumbers as AudienceNumbers_b371726c12ed74ddf89092a79f87f831 } from '../../../../src/components/admin/AudienceNumbers'
import { WorkerStatusBanner as WorkerStatusBanner_9d8d4eea2c380d1afc5df79d1b783f4b } from '../../../../src/components/admin/WorkerStatusBanner'
import { OwnerDashboard as OwnerDashboard_361fe2897c137800f243d41987b2558b } from '../../../../src/components/admin/dashboard/OwnerDashboard'
import { CollectionCards as CollectionCards_f9c02e79a4aed9a3924487c0cd4cafb1 } from '@payloadcms/next/rsc'

/** @type import('payload').ImportMap */
export const importMap = {
  "@payloadcms/next/client#SlugField": SlugField_2b8867833a34864a02ddf429b0728a40,
  "@payloadcms/richtext-lexical/rsc#RscEntryLexicalCell": RscEntryLexicalCell_44fe37237e0ebf4470c9990d8cb7b07e,
  "@payloadcms/richtext-lexical/rsc#RscEntryLexicalField": RscEntryLexicalField_44fe37237e0ebf4470c9990d8cb7b07e,
  "@payloadcms/richtext-lexical/rsc#LexicalDiffComponent": LexicalDiffComponent_44fe37237e0ebf4470c9990d8cb7b07e,
  "@payloadcms/richtext-lexical/client#InlineToolbarFeatureClient": InlineToolbarFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#HorizontalRuleFeatureClient": HorizontalRuleFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#UploadFeatureClient": UploadFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#BlockquoteFeatureClient": BlockquoteFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#RelationshipFeatureClient": RelationshipFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#LinkFeatureClient": LinkFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#ChecklistFeatureClient": ChecklistFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#OrderedListFeatureClient": OrderedListFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#UnorderedListFeatureClient": UnorderedListFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#IndentFeatureClient": IndentFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#AlignFeatureClient": AlignFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#HeadingFeatureClient": HeadingFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#ParagraphFeatureClient": ParagraphFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#InlineCodeFeatureClient": InlineCodeFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#SuperscriptFeatureClient": SuperscriptFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#SubscriptFeatureClient": SubscriptFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#StrikethroughFeatureClient": StrikethroughFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#UnderlineFeatureClient": UnderlineFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#BoldFeatureClient": BoldFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#ItalicFeatureClient": ItalicFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "/src/components/admin/clinicTime/ClinicTimeCell#ClinicTimeCell": ClinicTimeCell_55237b53c221a43e1cee1a12314f0b53,
  "/src/components/admin/clinicTime/ClinicDateField#ClinicDateField": ClinicDateField_b496505db166b4662900d6eb283c5e30,
  "/src/components/admin/LocalCodeField#LocalJsonField": LocalJsonField_f6fa5f6eff7c7f13237446626e3de6b4,
  "/src/components/admin/DiscardEmptyDraft#DiscardEmptyDraft": DiscardEmptyDraft_d73eb63bb95f6fb60ca009fb8e7caae3,
  "/src/components/admin/preview/PreviewButton#PreviewButton": PreviewButton_8f18cc34f0e2ca418cb4351b2ac0a9ec,
  "/src/components/admin/scheduling/PublishButton#PublishButton": PublishButton_5d78004d122b7c57a2b3b255ca880018,
  "/src/components/admin/newsletter/NewsletterPreview#NewsletterPreview": NewsletterPreview_1097d0d941bdefcbd87c52ea92641cf2,
  "/src/components/admin/newsletter/NewsletterDeliveryReport#NewsletterDeliveryReport": NewsletterDeliveryReport_4582304e6f00a1009dd39afe0b28a250,
  "/src/components/admin/newsletter/NewsletterSendPanel#NewsletterSendPanel": NewsletterSendPanel_c470a1e95f035c47ec344eb32d03be60,
  "/src/components/admin/newsletter/ShownElsewhere#ShownElsewhere": ShownElsewhere_eaf5a889b2369af8412719e22851982d,
  "/src/components/admin/SubscriberCsvTools#SubscriberCsvTools": SubscriberCsvTools_b83fe5ca9be7d703e05d8bbacf2cdc2f,
  "/src/components/admin/ApiKeyHelp#ApiKeyHelp": ApiKeyHelp_52caac7557be959c393f9a1715088baf,
  "/src/components/admin/RoleSelect#RoleSelect": RoleSelect_bec52b2ff8cd626467b08ec74052e0df,
  "/src/components/admin/WebhookActions#SendWebhookPing": SendWebhookPing_b5cde53c6a2d3a412b00ede60a9a8ad6,
  "/src/components/admin/WebhookActions#RetryWebhookDelivery": RetryWebhookDelivery_b5cde53c6a2d3a412b00ede60a9a8ad6,
  "/src/components/admin/scheduling/cells#DocumentCell": DocumentCell_31f81e0f282d7282fe288ed294a5e4e3,
  "/src/components/admin/scheduling/cells#ActionCell": ActionCell_31f81e0f282d7282fe288ed294a5e4e3,
  "/src/components/admin/scheduling/cells#WhenCell": WhenCell_31f81e0f282d7282fe288ed294a5e4e3,
  "/src/components/admin/scheduling/cells#StatusCell": StatusCell_31f81e0f282d7282fe288ed294a5e4e3,
  "/src/components/admin/scheduling/ScheduledChangesFilters#ScheduledChangesFilters": ScheduledChangesFilters_2626204e96ff0cfce70b7ed48fc5c4a9,
  "/src/components/admin/scheduling/ScheduledChangeView#ScheduledChangeView": ScheduledChangeView_fda229c1c4d74173a9aafd6a91ff6ad1,
  "/src/components/admin/TimeZoneField#TimeZoneField": TimeZoneField_0eacc87279464251dfa647824d632b36,
  "/src/components/admin/AudienceNumbers#AudienceNumbers": AudienceNumbers_b371726c12ed74ddf89092a79f87f831,
  "/src/components/admin/WorkerStatusBanner#WorkerStatusBanner": WorkerStatusBanner_9d8d4eea2c380d1afc5df79d1b783f4b,
  "/src/components/admin/dashboard/OwnerDashboard#OwnerDashboard": OwnerDashboard_361fe2897c137800f243d41987b2558b,
  "@payloadcms/next/rsc#CollectionCards": CollectionCards_f9c02e79a4aed9a3924487c0cd4cafb1
}
