/**
 * Massage techniques the clinic uses. A fixed list (not free text) so front ends can
 * filter and label them consistently, and so JSON-LD can name them.
 */
export const TECHNIQUES = [
  { label: 'Myofascial release', value: 'myofascial-release' },
  { label: 'Trigger point therapy', value: 'trigger-point-therapy' },
  { label: 'Deep tissue massage', value: 'deep-tissue' },
  { label: 'Neuromuscular therapy', value: 'neuromuscular-therapy' },
  { label: 'Manual lymphatic drainage', value: 'lymphatic-drainage' },
  { label: 'Swedish massage', value: 'swedish' },
  { label: 'Assisted stretching', value: 'assisted-stretching' },
  { label: 'Scar tissue mobilisation', value: 'scar-tissue-mobilization' },
  { label: 'Cross-fiber friction', value: 'cross-fiber-friction' },
  { label: 'Muscle energy technique', value: 'muscle-energy-technique' },
] as const

export type Technique = (typeof TECHNIQUES)[number]['value']
