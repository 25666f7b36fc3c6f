import { md, type SeedService } from '../types'

export const services: SeedService[] = [
  {
    slug: 'medical-massage',
    name: 'Medical massage',
    category: 'medical',
    summary:
      'Targeted, goal-oriented massage for a specific injury or medical condition, built around an assessment and a treatment plan.',
    description: md(
      'Medical massage is focused on a specific problem rather than general relaxation. It is often recommended by a healthcare provider as part of a wider treatment plan, and each session works toward clear goals such as less pain, better mobility and an easier day-to-day life.',
      '## What to expect',
      '- A conversation at the start about your medical history, symptoms and goals\n- A hands-on assessment of posture and movement\n- Treatment chosen for your condition, such as deep tissue work, myofascial release, trigger point therapy or lymphatic drainage\n- Simple instructions for home care between sessions',
      'Be as open as you can about your symptoms, since this shapes the plan for each visit. Where your provider or insurance plan asks for it, we keep detailed records and can supply your assessment, treatment plan and notes on your progress. We are also happy to coordinate with your doctor, physical therapist or chiropractor.',
    ),
    options: [
      { durationMinutes: 30, price: 65 },
      { durationMinutes: 60, price: 115 },
      { durationMinutes: 90, price: 165 },
    ],
    insuranceDocumentation: true,
    conditions: [
      'upper-cross-syndrome',
      'thoracic-outlet-syndrome',
      'frozen-shoulder',
      'carpal-tunnel-syndrome',
      'low-back-pain',
      'sciatica',
      'neck-pain',
      'tight-hip-flexors',
      'stress-and-tension',
      'tension-headaches',
      'fibromyalgia',
      'arthritis-joint-pain',
      'joint-replacement-recovery',
      'injury-recovery',
    ],
  },
  {
    slug: 'myofascial-release',
    name: 'Myofascial release session',
    category: 'medical',
    summary:
      'Slow, sustained pressure and stretching of the fascia, the connective tissue around muscles, to ease restrictions that limit movement and cause pain.',
    description: md(
      'Fascia wraps every muscle in the body. After injury, surgery, long periods of poor posture or chronic stress it can become tight and restricted, pulling on surrounding structures and limiting how freely you move.',
      'In a myofascial release session your therapist applies gentle, sustained pressure and waits for the tissue to soften, rather than working quickly with oil. It is often used for postural problems such as upper cross syndrome, nerve-related conditions such as thoracic outlet and carpal tunnel syndrome, and stiffness from frozen shoulder or tight hip flexors.',
      'Sessions can be part of a medical massage treatment plan, and documentation is available when your provider or plan requires it.',
    ),
    options: [
      { durationMinutes: 60, price: 120 },
      { durationMinutes: 90, price: 170 },
    ],
    insuranceDocumentation: true,
    conditions: [
      'upper-cross-syndrome',
      'thoracic-outlet-syndrome',
      'frozen-shoulder',
      'carpal-tunnel-syndrome',
      'low-back-pain',
      'tight-hip-flexors',
      'fibromyalgia',
      'injury-recovery',
    ],
  },
  {
    slug: 'deep-tissue-massage',
    name: 'Deep tissue therapeutic massage',
    category: 'medical',
    summary:
      'Firm, focused work on deeper layers of muscle to ease chronic tension, knots and stiffness, without the clinical paperwork of a medical massage plan.',
    description: md(
      'Deep tissue massage uses slower strokes and firmer pressure to reach the deeper layers of muscle and connective tissue. It suits people with long-standing tension in the back, neck, shoulders or hips, and active people who want help recovering from training.',
      'Pressure is always adjusted to you. Some areas may feel intense, but it should never be sharply painful, so please speak up at any point during the session.',
      'If you are being treated for a diagnosed condition or need records for insurance, book a medical massage instead.',
    ),
    options: [
      { durationMinutes: 60, price: 110 },
      { durationMinutes: 90, price: 155 },
    ],
    insuranceDocumentation: false,
    conditions: [
      'upper-cross-syndrome',
      'frozen-shoulder',
      'low-back-pain',
      'sciatica',
      'neck-pain',
      'tight-hip-flexors',
      'injury-recovery',
    ],
  },
  {
    slug: 'relaxation-massage',
    name: 'Relaxation (Swedish) massage',
    category: 'spa',
    summary:
      'A calming full-body Swedish massage designed to relieve stress and general muscle tension and leave you feeling refreshed.',
    description: md(
      'A relaxation massage is about how you feel as a whole rather than one specific problem. Long, flowing Swedish strokes, kneading and gentle pressure help ease everyday tension and quieten a busy mind.',
      'It is a good choice if your main goal is to unwind, sleep better or simply treat yourself. Pressure can be adjusted from light to medium-firm.',
      'If you have a specific injury or condition you want addressed, a medical massage is usually the better fit.',
    ),
    options: [
      { durationMinutes: 60, price: 95 },
      { durationMinutes: 90, price: 135 },
    ],
    insuranceDocumentation: false,
    conditions: ['neck-pain', 'stress-and-tension', 'tension-headaches', 'fibromyalgia', 'arthritis-joint-pain'],
  },
  {
    slug: 'custom-facial',
    name: 'Custom facial',
    category: 'facial',
    summary:
      'A relaxing facial tailored to your skin, with cleansing, exfoliation, a mask and a soothing face, neck and shoulder massage.',
    description: md(
      'Each facial begins with a short conversation about your skin and any sensitivities, then moves through cleansing, gentle exfoliation, a mask suited to your skin and moisturizing. A calming massage of the face, neck and shoulders is included.',
      'The express option is a quick refresh; the full facial allows more time for massage and relaxation.',
      'Please tell us about any allergies, skin conditions, recent cosmetic procedures or prescription skin treatments before your appointment. For medical skin concerns, see a dermatologist or your physician.',
    ),
    options: [
      { durationMinutes: 30, price: 60 },
      { durationMinutes: 60, price: 95 },
    ],
    insuranceDocumentation: false,
    conditions: ['stress-and-tension'],
  },
  {
    slug: 'joint-replacement-massage',
    name: 'Pre- and post-operative joint replacement massage',
    category: 'pre-post-operative',
    summary:
      'Massage to help you prepare for joint replacement surgery and to support recovery afterward, adjusted to each stage of healing.',
    description: md(
      'Joint replacement can bring real relief from chronic pain, but recovery often involves stiffness, swelling and limited range of motion. Massage can support you before and after the operation.',
      '## Before surgery',
      'Sessions focus on easing anxiety, encouraging circulation and loosening tight muscles around the joint, so you are in a better position to move and exercise once rehabilitation starts.',
      '## After surgery',
      'Once your surgeon has cleared you, sessions may include gentle lymphatic techniques to help with swelling, careful mobilization to support range of motion, and scar tissue work as the incision heals. Your therapist has experience with joint replacement patients and adapts the pressure to your recovery and rehabilitation plan.',
    ),
    options: [
      { durationMinutes: 45, price: 90 },
      { durationMinutes: 60, price: 115 },
    ],
    insuranceDocumentation: true,
    conditions: ['arthritis-joint-pain', 'joint-replacement-recovery'],
  },
  {
    slug: 'lymphatic-drainage',
    name: 'Manual lymphatic drainage',
    category: 'medical',
    summary:
      'A very gentle, rhythmic technique that encourages the flow of lymph and may help reduce swelling after surgery or injury.',
    description: md(
      'Manual lymphatic drainage uses light, slow, repetitive strokes that follow the pathways of the lymphatic system. It feels very different from other massage: the pressure is barely more than the weight of the hand.',
      'It is most often used to support recovery after surgery, including joint replacement, and to help with swelling after injury. Many clients also find it deeply relaxing.',
      'Lymphatic drainage is not suitable for everyone. Please check with your physician first if you have heart or kidney problems, an active infection, a history of blood clots or a cancer diagnosis, and let us know about any recent surgery.',
    ),
    options: [
      { durationMinutes: 60, price: 115 },
      { durationMinutes: 90, price: 160 },
    ],
    insuranceDocumentation: true,
    conditions: ['joint-replacement-recovery', 'injury-recovery'],
  },
]
