import { md, type SeedArticle } from '../types'

export const articles: SeedArticle[] = [
  {
    slug: 'what-is-a-medical-massage-practitioner',
    title: 'What is a medical massage practitioner?',
    excerpt:
      'A medical massage practitioner uses massage to address specific conditions and injuries, often alongside your doctor. Here is what sets them apart, from extra training to treatment plans and documentation.',
    content: md(
      'Medical massage practitioners are massage therapists whose work centers on treating specific medical conditions and injuries through massage. Their work is often recommended by a healthcare provider and fits into a broader treatment plan, rather than standing alone as a one-off treat.',
      '## Training and a clinical approach',
      'Practitioners complete training beyond a standard massage program, covering anatomy, physiology, pathology and individual medical conditions, and many hold additional certifications. Each course of care starts with an assessment of your history, current condition and goals, and practitioners often work alongside doctors, physical therapists and chiropractors. Plans are tailored to you and aimed at measurable results such as less pain and better mobility.',
      '## What they commonly help with',
      '- **Musculoskeletal problems** such as sciatica, joint pain and pain in the back or neck\n- **Injuries** from sport, work or car accidents\n- **Recovery after surgery**, including help with scar tissue\n- **Chronic pain** linked to fibromyalgia, arthritis or chronic fatigue syndrome',
      '## Records, insurance and ongoing learning',
      'Medical massage practitioners keep detailed notes on assessments, treatment plans and progress, which can support an insurance claim when your plan covers massage. They often work in clinics, hospitals, rehabilitation centers and chiropractic offices, and keep up with new research through continuing education.',
    ),
    conditions: [
      'low-back-pain',
      'neck-pain',
      'sciatica',
      'arthritis-joint-pain',
      'fibromyalgia',
      'joint-replacement-recovery',
      'injury-recovery',
    ],
    services: ['medical-massage'],
    status: 'published',
    publishedDaysAgo: 188,
    seo: {
      title: 'What Is a Medical Massage Practitioner?',
      description:
        'How medical massage practitioners are trained, how they plan treatment with your healthcare team, and which conditions they commonly help with.',
    },
    heroLabel: 'Medical massage',
  },
  {
    slug: 'medical-massage-vs-spa-massage',
    title: 'Medical massage vs. spa massage: what is the difference?',
    excerpt:
      'Both involve massage, but that is where much of the similarity ends. Learn how medical and spa massage differ in goals, approach and follow-up so you can book the right one.',
    content: md(
      'It is easy to assume every massage is the same. In practice, the massage you get at a spa and the treatment you receive from a medical massage practitioner are built around quite different goals. Knowing the difference helps you choose the right appointment and explain what you need.',
      '## Medical massage: focused on a problem',
      'If you have an injury or a health problem that keeps coming back, medical massage takes a targeted approach. Expect more conversation at the start of the visit as your practitioner works out what is behind your symptoms. The more openly you describe them, the better the plan for that session will be.',
      '## Spa massage: focused on feeling good',
      'A spa or wellness massage aims to leave you feeling good in general rather than to treat a particular area or ailment. Techniques are chosen and combined to relieve stress and general tension. If relaxation is your main goal, this is the one to book.',
      '## What they share, and where they differ',
      '- **Goal:** spa massage aims for relaxation; medical massage aims for relief from a specific medical issue\n- **Frequency:** medical massage usually continues as a series until you improve, while spa massage is often an occasional treat\n- **Homework:** after medical massage you leave with instructions for home care, which help you improve faster and avoid further injury',
    ),
    conditions: ['stress-and-tension', 'low-back-pain', 'neck-pain'],
    services: ['medical-massage', 'relaxation-massage'],
    status: 'published',
    publishedDaysAgo: 142,
    seo: {
      title: 'Medical Massage vs. Spa Massage: Key Differences',
      description:
        'Medical massage targets a specific injury or condition; spa massage is about relaxation. Compare goals, frequency and follow-up care.',
    },
    heroLabel: 'Medical vs. spa',
  },
  {
    slug: 'massage-for-upper-cross-syndrome',
    title: 'Upper cross syndrome: how massage can help your posture',
    excerpt:
      'Rounded shoulders, a forward head and a stiff neck often point to upper cross syndrome. See how targeted massage may ease the tension behind it and support better posture.',
    content: md(
      'Upper cross syndrome is a widespread postural problem in which the muscles of the chest, neck and upper shoulders become tight. As they pull the head and shoulders forward, the muscles of the upper back are left overstretched and tired.',
      '## Signs to look for',
      '- Pain and stiffness in the neck, shoulders and chest\n- Headaches\n- Numbness or tingling in the arms\n- Rounded shoulders and a head that juts forward',
      '## How massage can help',
      'Your therapist combines myofascial release, deep tissue work and trigger point therapy to target the specific areas holding tension. Releasing those tight muscles may relieve pain and help restore balance between the front and back of the upper body.',
      'With regular sessions and the stretches you are given for home, many clients notice better posture and more flexibility. If numbness or tingling persists, please have it assessed by your physician.',
    ),
    conditions: ['upper-cross-syndrome', 'neck-pain', 'tension-headaches'],
    services: ['medical-massage', 'myofascial-release', 'deep-tissue-massage'],
    status: 'published',
    publishedDaysAgo: 110,
    seo: {
      title: 'Massage for Upper Cross Syndrome',
      description:
        'Tight chest and neck muscles can pull your posture forward. Learn the signs of upper cross syndrome and how targeted massage may help.',
    },
    heroLabel: 'Upper cross syndrome',
  },
  {
    slug: 'massage-for-thoracic-outlet-syndrome',
    title: 'Thoracic outlet syndrome and massage therapy',
    excerpt:
      'Thoracic outlet syndrome can cause pain, numbness and tingling from the neck to the hand. Here is how massage may ease the muscle tension around the thoracic outlet.',
    content: md(
      'Thoracic outlet syndrome (TOS) affects the nerves and blood vessels that pass through the thoracic outlet, a narrow space between the neck and the shoulder. When that space is crowded, symptoms can travel all the way down the arm.',
      '## Common symptoms',
      '- Pain in the neck or shoulder\n- Numbness or tingling in the arm, hand or fingers\n- Aching, weakness or heaviness in the arm',
      '## Where massage fits in',
      'Massage aims to reduce tension in the neck and shoulder muscles surrounding the outlet and to support circulation. It may also ease pain by encouraging the body to release endorphins, its natural pain relievers.',
      'Massage has been a helpful addition for some people with chronic TOS who did not get much relief from other treatments. Because TOS has several possible causes, please get a diagnosis from your physician before starting treatment.',
    ),
    conditions: ['thoracic-outlet-syndrome', 'upper-cross-syndrome', 'neck-pain'],
    services: ['medical-massage', 'myofascial-release'],
    status: 'published',
    publishedDaysAgo: 85,
    seo: {
      title: 'Massage Therapy for Thoracic Outlet Syndrome',
      description:
        'TOS can cause pain, numbness and tingling in the neck, shoulder, arm and hand. See how massage may ease the muscle tension involved.',
    },
    heroLabel: 'Thoracic outlet',
  },
  {
    slug: 'massage-for-frozen-shoulder',
    title: 'Frozen shoulder (adhesive capsulitis): can massage help?',
    excerpt:
      'Frozen shoulder makes the shoulder painful and stiff. Massage may help loosen the surrounding muscles, improve range of motion and support circulation. Talk to your doctor first.',
    content: md(
      'Frozen shoulder, known medically as adhesive capsulitis, makes the shoulder painful and stiff. Everyday movements such as reaching up to a shelf or behind your back can become difficult.',
      '## How massage may help',
      '- Loosening the tight muscles around the shoulder\n- Working gently toward a better range of motion\n- Increasing circulation to the area',
      'To do this, your therapist may combine Swedish massage, trigger point therapy, deep tissue work and myofascial release, staying within what your shoulder can comfortably tolerate.',
      '## Before you start',
      'Before booking massage for a frozen shoulder, check with your doctor and raise any questions you have. Improvement usually comes from regular sessions together with self-care at home, so expect a series of visits rather than a single fix.',
    ),
    conditions: ['frozen-shoulder'],
    services: ['medical-massage', 'myofascial-release', 'deep-tissue-massage'],
    status: 'published',
    publishedDaysAgo: 63,
    seo: {
      title: 'Massage for Frozen Shoulder (Adhesive Capsulitis)',
      description:
        'How massage may ease pain and stiffness from frozen shoulder by loosening muscles, improving range of motion and supporting circulation.',
    },
    heroLabel: 'Frozen shoulder',
  },
  {
    slug: 'medical-massage-for-carpal-tunnel-syndrome',
    title: 'Can medical massage help carpal tunnel syndrome?',
    excerpt:
      'Carpal tunnel syndrome can leave your hand and arm numb, tingling, sore or weak. Learn what causes it and how medical massage may help relieve pressure and improve movement.',
    content: md(
      'Carpal tunnel syndrome (CTS) happens when the median nerve is compressed as it passes through the carpal tunnel in the wrist. The result can be tingling, numbness, pain or weakness in the hand and arm, and CTS ranks among the injuries people most often develop through their work.',
      '## What causes it',
      '- Repeated movements that load the wrist, like long spells at a keyboard or mouse\n- Pregnancy\n- Arthritis\n- Other medical conditions',
      '## How massage can help',
      'Massage works on the muscles and connective tissue of the forearm, wrist and hand. By easing tension around the nerve and supporting blood flow, it may help reduce pain and inflammation and let the hand and arm move more freely.',
      'Massage is one of several options, along with bracing and, in some cases, surgery. Your physician can help you decide what is right for you. For people at risk because of their work, regular massage may also help keep symptoms from developing.',
    ),
    conditions: ['carpal-tunnel-syndrome', 'arthritis-joint-pain', 'injury-recovery'],
    services: ['medical-massage', 'myofascial-release'],
    status: 'published',
    publishedDaysAgo: 46,
    seo: {
      title: 'Medical Massage for Carpal Tunnel Syndrome',
      description:
        'What causes carpal tunnel syndrome and how medical massage may ease pressure, pain and stiffness in the wrist, hand and arm.',
    },
    heroLabel: 'Carpal tunnel',
  },
  {
    slug: 'medical-massage-for-low-back-pain',
    title: 'Is medical massage a good option for low back pain?',
    excerpt:
      'Few complaints send more people to the doctor or keep them home from work than low back pain. Research suggests massage may reduce pain, improve function and ease the anxiety that often comes with it.',
    content: md(
      'Low back pain affects people of every age. The Mayo Clinic lists it among the most common reasons people visit a doctor or take time off work. Muscle strain, arthritis and herniated discs are some of the usual culprits.',
      '## What the research says',
      'Options for low back pain range from medication and physical therapy to surgery, and massage compares well. A study in *The Journal of Alternative and Complementary Medicine* reported that people living with long-term low back pain had less pain and could do more after massage.',
      'Another study in the same journal showed that massage also eased anxiety and depression in this group. That is important, because anxiety and low mood can make back pain feel worse.',
      '## Good news for employers, too',
      'Because back pain is such a common reason for missed work, offering massage as a workplace benefit may help employees recover and get back to work sooner.',
      'Please see a physician if your back pain follows an injury or comes with numbness, leg weakness, or changes in bladder or bowel control.',
    ),
    conditions: ['low-back-pain', 'sciatica', 'tight-hip-flexors'],
    services: ['medical-massage', 'deep-tissue-massage', 'myofascial-release'],
    status: 'published',
    publishedDaysAgo: 30,
    seo: {
      title: 'Medical Massage for Low Back Pain',
      description:
        'Studies suggest massage may reduce pain, improve function and ease anxiety for people with long-term low back pain. Here is what to know.',
    },
    heroLabel: 'Low back pain',
  },
  {
    slug: 'massage-for-stress-related-conditions',
    title: 'Massage for stress: support for mind and body',
    excerpt:
      'Stress affects how you feel and how your body works. Research suggests massage may lower stress, improve mood and support better sleep. Here is what the studies found.',
    content: md(
      'Stress weighs on your body as well as your mind. The American Institute of Stress reports that doctors hear about stress-related health problems more than almost anything else, and long-term stress has been linked with conditions such as heart disease, obesity, diabetes and asthma.',
      '## How massage helps the body unwind',
      '- Relieving tension held in the muscles\n- Supporting circulation\n- Lowering feelings of anxiety and stress\n- Helping with sleep quality and overall mood',
      '## What studies have found',
      'Among people with cancer, a study in *Complementary Therapies in Medicine* linked massage with lower stress and a better mood. Another, in *The Journal of Alternative and Complementary Medicine*, reported lower cortisol levels and better mood in people living with chronic pain.',
      'Massage supports, but does not replace, medical or mental health care. If stress is affecting your health, talk to your physician, and consider adding regular massage to your routine.',
    ),
    conditions: ['stress-and-tension', 'tension-headaches'],
    services: ['relaxation-massage', 'medical-massage', 'custom-facial'],
    status: 'published',
    publishedDaysAgo: 17,
    seo: {
      title: 'Massage for Stress: What the Research Says',
      description:
        'Studies suggest massage may lower stress and cortisol and improve mood and sleep. Learn how massage can support stress management.',
    },
    heroLabel: 'Stress relief',
  },
  {
    slug: 'does-health-insurance-cover-massage',
    title: 'Does my health insurance cover massage?',
    excerpt:
      'Some health plans cover medical massage and other alternative care, but coverage varies widely by insurer, state and policy. Here is what to check and how we can help with documentation.',
    content: md(
      'More health insurance plans now treat massage as part of staying healthy, not just a luxury. Whether your own plan pays for it, though, depends on the insurer, your state and the specific policy you hold.',
      '## Which insurers may cover massage',
      'Blue Cross Blue Shield offers medical massage coverage in some states, and Aetna, Cigna and United Healthcare have plans with similar benefits. Where massage is covered, plans usually pay a percentage of the cost, and using a preferred provider network can lower what you pay. Some insurers also offer member discount programs.',
      '## Questions to ask your insurer',
      '1. Does my plan cover medical massage or massage therapy?\n2. Do I need a prescription or referral from my doctor?\n3. What percentage is covered, and is there a visit limit?\n4. Do I need to use an in-network provider?',
      'For medical massage we keep detailed records, covering your assessment, your treatment plan and how you progress, and can provide the documentation your plan asks for. Always confirm your benefits with your insurer before booking.',
    ),
    conditions: [],
    services: ['medical-massage', 'joint-replacement-massage', 'myofascial-release', 'lymphatic-drainage'],
    status: 'published',
    publishedDaysAgo: 9,
    seo: {
      title: 'Does Health Insurance Cover Massage?',
      description:
        'Some plans cover medical massage, but coverage varies by insurer, state and policy. What to ask your insurer and how documentation helps.',
    },
    heroLabel: 'Insurance coverage',
  },
  {
    slug: 'pre-and-post-op-massage-for-joint-replacement',
    title: 'Pre- and post-op massage for joint replacement recovery',
    excerpt:
      'Joint replacement can transform life with chronic pain, but recovery brings stiffness and swelling. See how massage before and after surgery may support a smoother recovery.',
    content: md(
      'Joint replacement surgery can bring relief from chronic pain and better mobility. Recovery can still be hard work, with stiffness, swelling and limited range of motion along the way. Massage before and after surgery can play a supporting role.',
      '## Before surgery',
      '- **Calmer nerves:** surgery is stressful, and anxiety can get in the way of healing. Massage helps the nervous system settle.\n- **Better circulation:** improved blood flow brings oxygen and nutrients to the area and may help with swelling.\n- **Looser muscles:** easing tight muscles makes it easier to move and exercise during recovery.',
      '## After surgery',
      '- **Less pain and swelling:** gentle work supports circulation and lymphatic flow.\n- **Better range of motion:** careful stretching and mobilization help the joint move more freely.\n- **Healthier healing:** massage supports new tissue and helps break down scar tissue.',
      '## Choosing the right therapist',
      'Post-operative massage should only be given by a licensed massage therapist with experience treating joint replacement patients, who can adjust pressure and techniques to your needs. If you are planning joint replacement surgery, ask your doctor about including massage in your recovery plan.',
    ),
    conditions: ['joint-replacement-recovery', 'arthritis-joint-pain'],
    services: ['joint-replacement-massage', 'lymphatic-drainage'],
    status: 'published',
    publishedDaysAgo: 2,
    seo: {
      title: 'Massage Before and After Joint Replacement',
      description:
        'How pre- and post-operative massage may ease anxiety, swelling and stiffness and support recovery after joint replacement surgery.',
    },
    heroLabel: 'Joint replacement',
  },
  {
    slug: 'tight-hip-flexors',
    title: 'Tight hip flexors: signs, a simple self-check and what helps',
    excerpt:
      'Long hours of sitting can shorten your hip flexors and leave your lower back, glutes and even neck aching. Learn the signs, a simple self-check, and how massage and core work can help.',
    content: md(
      'Your hip flexors are a group of muscles around the hip that lift your legs and bend your trunk forward, for example when you pick something up. They also help stabilize the spine. The group includes:',
      '- Iliopsoas\n- Tensor fasciae latae\n- Rectus femoris\n- Sartorius',
      '## Signs your hip flexors may be tight',
      '- Aching and tightness in the lower back, especially when standing\n- Slumped posture, or finding it hard to stand fully upright\n- A tight, sore neck\n- Pain in the glutes',
      '## A simple self-check',
      '1. Lie on your back on a sturdy table or bench, ideally with someone to steady you.\n2. Pull one knee toward your chest and hold it there.\n3. Let the other leg relax down over the edge of the table.\n4. If that thigh lifts up instead of resting level, or the knee will not bend to about 90 degrees, your hip flexors are likely tight. Stop if anything is painful.',
      '## Why it happens, and what helps',
      'Sitting is the biggest cause. Hours at a desk, in meetings and behind the wheel shorten the iliopsoas, and a weak core makes things worse. Even athletes are affected. Stretching alone often brings little lasting change, so we combine myofascial release, muscle energy technique and assisted stretching with a core-strengthening and stretching plan for home.',
    ),
    conditions: ['tight-hip-flexors', 'low-back-pain', 'neck-pain'],
    services: ['medical-massage', 'myofascial-release', 'deep-tissue-massage'],
    status: 'draft',
    seo: {
      title: 'Tight Hip Flexors: Signs, Self-Check and Relief',
      description:
        'Sitting shortens the hip flexors and can cause back, glute and neck pain. Learn the signs, a simple self-check and how massage can help.',
    },
    heroLabel: 'Tight hip flexors',
  },
  {
    slug: 'massage-vs-medication',
    title: 'Massage or medication? Weighing your options',
    excerpt:
      'Medication is often the first choice for pain and stress, but massage is gaining ground as another option. Here is how the two compare and why it is worth discussing both with your doctor.',
    content: md(
      'Medication and massage are both widely used for a range of physical and mental health complaints. Medication is often the first thing people reach for, but more people are now looking at massage as another option.',
      '## What massage offers',
      '- Relief from pain\n- Lower stress and more relaxation\n- Better circulation\n- Possible help with headaches, poor sleep and low mood',
      '## What medication offers',
      'Medication can relieve symptoms quickly, but some medicines carry side effects or risks with long-term use.',
      'The two are not either-or: many people use massage alongside the treatment their doctor prescribes. Weigh the benefits and risks of each, and never stop or change a medication without talking to your physician first.',
    ),
    conditions: ['tension-headaches', 'stress-and-tension', 'low-back-pain'],
    services: ['medical-massage', 'relaxation-massage'],
    status: 'draft',
    seo: {
      title: 'Massage or Medication? Weighing Your Options',
      description:
        'How massage and medication compare for pain, stress and headaches, and why to discuss both with your doctor before changing treatment.',
    },
    heroLabel: 'Massage vs. medication',
  },
  {
    slug: 'your-first-medical-massage-visit',
    title: 'What to expect at your first medical massage visit',
    excerpt:
      'Booking your first medical massage? Here is how to prepare, what happens during the assessment and treatment, and why the home-care advice you receive matters.',
    content: md(
      'A medical massage appointment looks a little different from a spa visit. It starts with a conversation and ends with a plan, so it helps to know what to expect.',
      '## Before you arrive',
      '- Book online through MassageBook and choose the service that fits your goal\n- Jot down your symptoms, when they started and what makes them better or worse\n- Bring a list of your medications and any notes or prescription from your doctor\n- Check with your insurer if you hope to claim for treatment',
      '## During the session',
      'Your practitioner will go through your history and current symptoms with you, then assess how you move before starting treatment. Be open about what you feel, both before and during the massage, and say so if the pressure needs to change.',
      '## After your visit',
      'You will usually leave with simple instructions for stretches or self-care at home. Following them helps you improve faster and avoid further injury. Most conditions need a series of sessions, and your practitioner will suggest how often to come back.',
    ),
    conditions: [],
    services: ['medical-massage'],
    status: 'draft',
    seo: {
      title: 'Your First Medical Massage Visit: What to Expect',
      description:
        'How to prepare for your first medical massage, what happens during the assessment and treatment, and why home-care advice matters.',
    },
    heroLabel: 'Your first visit',
  },
]
