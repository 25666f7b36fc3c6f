import { md, type RichText } from '../types'

export interface SeedNewsletter {
  /** The natural key: the seed creates a newsletter only when none has this subject. */
  subject: string
  preheader: string
  intro: RichText
  /** Slugs of published demo articles, in the order the email shows them. */
  featuredArticles: string[]
}

/** One draft, written from the clinic's blog, to show the owner a composed newsletter to preview and adapt. */
export const newsletters: SeedNewsletter[] = [
  {
    subject: 'Medical massage, explained: three reads for this month',
    preheader: 'What a medical massage practitioner does, how it differs from a spa massage, and what insurance may cover.',
    intro: md(
      'We are often asked what makes a massage *medical*. The short answer: a plan built around your condition and your goals, not just an hour of relaxation.',
      'A medical massage practitioner has training beyond a standard massage programme, assesses your history before the first session, and can work alongside your doctor, physical therapist or chiropractor. Techniques such as myofascial release, trigger point therapy and lymphatic drainage are chosen for what they do for your recovery.',
      '- **Chronic pain**: back and neck pain, sciatica, fibromyalgia',
      '- **Injuries**: sports, work and car accident injuries',
      '- **After surgery**: less scar tissue, easier movement',
      'Some health insurance plans cover medical massage; we can provide the documentation your insurer asks for. The three articles below explain more.',
    ),
    featuredArticles: ['what-is-a-medical-massage-practitioner', 'medical-massage-vs-spa-massage', 'does-health-insurance-cover-massage'],
  },
]
