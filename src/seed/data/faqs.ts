import { md, type SeedFaq } from '../types'

export const faqs: SeedFaq[] = [
  // Insurance
  {
    question: 'Does health insurance cover medical massage?',
    answer: md(
      'Sometimes. Some plans from insurers such as Blue Cross Blue Shield (in some states), Aetna, Cigna and United Healthcare include medical massage, usually covering a percentage of the cost. Coverage varies a great deal by insurer, state and policy.',
      'Please check your benefits with your insurer before booking. Spa services such as relaxation massage and facials are generally not covered.',
    ),
    category: 'insurance',
    order: 1,
    conditions: [],
    services: ['medical-massage', 'relaxation-massage', 'custom-facial'],
  },
  {
    question: 'Do I need a prescription or referral from my doctor?',
    answer: md(
      'You do not need one to book with us. However, many insurance plans will only cover massage if your doctor has prescribed it, so ask your insurer whether a prescription or referral is required.',
      'For post-operative massage after joint replacement, we do need to know that your surgeon has cleared you for treatment.',
    ),
    category: 'insurance',
    order: 2,
    conditions: ['joint-replacement-recovery'],
    services: ['medical-massage', 'joint-replacement-massage'],
  },
  {
    question: 'Can you provide documentation for my insurance claim?',
    answer: md(
      'Yes. For medical massage, myofascial release, lymphatic drainage and pre- and post-operative sessions we keep detailed records, covering your assessment, your treatment plan and how you progress.',
      'Let us know what your insurer needs and we will prepare the paperwork. Whether a claim is paid is always decided by your insurance plan.',
    ),
    category: 'insurance',
    order: 3,
    conditions: [],
    services: ['medical-massage', 'myofascial-release', 'lymphatic-drainage', 'joint-replacement-massage'],
  },
  // Booking
  {
    question: 'How do I book an appointment?',
    answer:
      'Appointments are booked online through MassageBook.com, where you can choose your service and session length and see available times. Use the **Book now** button anywhere on our website to get there.',
    category: 'booking',
    order: 1,
    conditions: [],
    services: [],
  },
  {
    question: "I'm not sure which service to book. Where should I start?",
    answer: md(
      'A simple rule of thumb:',
      '- **Medical massage** if you have a specific injury, pain or diagnosed condition\n- **Relaxation (Swedish) massage** if your main goal is to unwind\n- **Pre- and post-operative massage** if you are preparing for or recovering from joint replacement',
      'If you are still unsure, book a medical massage and we will help you plan from there.',
    ),
    category: 'booking',
    order: 2,
    conditions: [],
    services: ['medical-massage', 'relaxation-massage', 'joint-replacement-massage'],
  },
  {
    question: 'How should I prepare for my first visit?',
    answer: md(
      'Make a note of your symptoms, when they began and what makes them better or worse. Bring a list of your medications and any notes or prescription from your doctor.',
      'Your first medical massage starts with a conversation about your history and goals, so the more openly you share, the better we can plan your treatment.',
    ),
    category: 'booking',
    order: 3,
    conditions: [],
    services: ['medical-massage'],
  },
  // Treatment
  {
    question: 'What is the difference between medical massage and spa massage?',
    answer: md(
      'Medical massage targets a specific injury or condition. It starts with an assessment, follows a treatment plan, usually runs as a series of sessions, and comes with home-care advice.',
      'Spa massage is about relaxing and feeling good in general, without focusing on one problem. Both are valuable; they simply have different goals.',
    ),
    category: 'treatment',
    order: 1,
    conditions: [],
    services: ['medical-massage', 'relaxation-massage'],
  },
  {
    question: 'Will medical massage hurt?',
    answer:
      'Some techniques, such as deep tissue or trigger point work, can feel intense, but treatment should never be sharply painful. Your therapist adjusts the pressure throughout the session, so please speak up at any time. Some people feel a little sore for a day or so afterward.',
    category: 'treatment',
    order: 2,
    conditions: [],
    services: ['medical-massage', 'deep-tissue-massage'],
  },
  {
    question: 'How many sessions will I need?',
    answer:
      'It depends on your condition, how long you have had it and how your body responds. Medical massage usually continues as a series of sessions until you reach your goals, and following your home-care instructions can help you get there faster. Your practitioner will suggest a plan after your first assessment.',
    category: 'treatment',
    order: 3,
    conditions: [],
    services: ['medical-massage'],
  },
  {
    question: 'Can I have massage before and after joint replacement surgery?',
    answer: md(
      'Yes, with your doctor in the loop. Before surgery, massage may help with anxiety, circulation and muscle tightness. After surgery it may help with swelling, stiffness, range of motion and scar tissue.',
      'Post-operative sessions start only once your surgeon has cleared you, and are given by a therapist experienced with joint replacement patients.',
    ),
    category: 'treatment',
    order: 4,
    conditions: ['joint-replacement-recovery', 'arthritis-joint-pain'],
    services: ['joint-replacement-massage', 'lymphatic-drainage'],
  },
  {
    question: 'Can massage help with carpal tunnel syndrome or thoracic outlet syndrome?',
    answer:
      'Massage may help by easing tight muscles and fascia around the affected nerves and supporting circulation, which can reduce pain, tingling and stiffness for some people. Both conditions should be diagnosed by a physician first, and massage works best as part of the plan you agree with them.',
    category: 'treatment',
    order: 5,
    conditions: ['carpal-tunnel-syndrome', 'thoracic-outlet-syndrome'],
    services: ['medical-massage', 'myofascial-release'],
  },
  {
    question: 'Can massage replace my medication?',
    answer:
      'Massage can be a useful part of managing pain, stress and headaches, and some people find they rely less on painkillers over time. It is not a substitute for medical treatment, though. Never stop or change a prescribed medication without talking to your physician.',
    category: 'treatment',
    order: 6,
    conditions: ['tension-headaches', 'stress-and-tension', 'low-back-pain'],
    services: [],
  },
  // General
  {
    question: 'What is a medical massage practitioner?',
    answer:
      'A massage therapist with additional training in anatomy, physiology, pathology and specific medical conditions, who uses massage to help with injuries and health problems. They assess each client, build an individual treatment plan, keep detailed records and often work alongside other healthcare providers.',
    category: 'general',
    order: 1,
    conditions: [],
    services: ['medical-massage'],
  },
  {
    question: 'Do you work with my doctor, physical therapist or chiropractor?',
    answer:
      'Yes. Medical massage works best as part of an integrated plan, and we are happy to coordinate with your doctor, physical therapist or chiropractor and share progress notes with your permission.',
    category: 'general',
    order: 2,
    conditions: [],
    services: ['medical-massage'],
  },
  {
    question: 'Do you offer facials?',
    answer:
      'Yes. Our custom facial includes cleansing, gentle exfoliation, a mask suited to your skin, moisturizing and a relaxing face, neck and shoulder massage. Choose an express session or a full facial when you book.',
    category: 'general',
    order: 3,
    conditions: [],
    services: ['custom-facial'],
  },
  {
    question: 'Is massage safe for everyone?',
    answer: md(
      "Massage is safe for most people, but some situations call for a physician's advice first or a change in approach.",
      '- Recent surgery or injury\n- Pregnancy\n- A history of blood clots\n- Heart or kidney conditions, or a cancer diagnosis\n- Fever or an active infection',
      'Please tell us about any health conditions and medications when you book, and talk to your physician if you are unsure.',
    ),
    category: 'general',
    order: 4,
    conditions: [],
    services: [],
  },
]
