/**
 * Clinic details used by the seed, page footers, JSON-LD and newsletter emails.
 *
 * The clinic's blog names only the business and its MassageBook booking page. The
 * address, phone number, opening hours and time zone below are clearly marked demo
 * values (the phone number is in the 555-01XX range reserved for fiction) and must be
 * replaced with the real details before going live.
 */
export const clinic = {
  name: 'Stevenson Therapeutic Medical Massage and Facials',
  tagline: 'Medical massage, therapeutic bodywork and facials, tailored to your recovery.',
  bookingUrl: 'https://www.massagebook.com/biz/stevenson-therapeutic-medical-massage-and-facials',
  phone: '+1 (217) 555-0199',
  address: {
    street: '123 Example Street, Suite 100',
    city: 'Springfield',
    region: 'IL',
    postalCode: '62701',
    country: 'US',
  },
  openingHours: [
    { days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], opens: '09:00', closes: '18:00' },
    { days: ['saturday'], opens: '09:00', closes: '14:00' },
  ],
  timezone: 'America/Chicago',
  socialLinks: [
    { platform: 'other', url: 'https://www.massagebook.com/biz/stevenson-therapeutic-medical-massage-and-facials' },
  ],
  medicalDisclaimer:
    'The information on this website is for general education only and is not medical advice, diagnosis or treatment. Massage therapy is not a substitute for care from a qualified healthcare provider. Always consult your physician about any medical condition, and before starting massage if you have a health concern, are pregnant or have recently had surgery.',
  mailingAddress: [
    'Stevenson Therapeutic Medical Massage and Facials',
    '123 Example Street, Suite 100',
    'Springfield, IL 62701',
    'United States',
  ].join('\n'),
} as const
