import { md, type SeedCondition } from '../types'

export const conditions: SeedCondition[] = [
  {
    slug: 'upper-cross-syndrome',
    name: 'Upper cross syndrome',
    summary:
      'A common postural pattern in which tight chest, shoulder and neck muscles draw the head and shoulders forward, often bringing neck pain and headaches with it.',
    symptoms: [
      'Tightness or aching in the neck and tops of the shoulders',
      'Rounded shoulders and a forward head posture',
      'Headaches that build up from the base of the skull',
      'Numbness or tingling in the arms or hands',
      'Reduced flexibility across the chest and upper back',
    ],
    commonCauses: [
      'Short, tight chest, neck and upper shoulder muscles',
      'Weak, overstretched muscles between the shoulder blades',
      'Long hours at a desk, computer or phone',
      'Habitual slouching while sitting or driving',
    ],
    howMassageHelps: md(
      "Upper cross syndrome is a muscle imbalance. The chest and the back of the neck become short and tight, while the muscles between the shoulder blades are pulled long and tire easily. Massage may help by easing the overworked tissue so that your posture has room to settle back toward balance.",
      'Your therapist will usually combine:',
      '- **Trigger point therapy** for tender knots in the upper shoulders and neck\n- **Myofascial release** across the chest and the front of the shoulders\n- **Deep tissue work** for long-held tension in the upper back',
      'With regular sessions and the stretches your therapist suggests for home, many clients notice easier posture and more flexibility. Numbness or tingling that does not settle should also be checked by your physician.',
    ),
    techniques: ['trigger-point-therapy', 'myofascial-release', 'deep-tissue', 'assisted-stretching'],
    relatedServices: ['medical-massage', 'myofascial-release', 'deep-tissue-massage'],
  },
  {
    slug: 'thoracic-outlet-syndrome',
    name: 'Thoracic outlet syndrome (TOS)',
    summary:
      'Pressure on the nerves or blood vessels that pass between the neck and shoulder, which can cause pain, numbness and tingling from the neck down into the hand.',
    symptoms: [
      'Pain in the neck or shoulder',
      'Numbness or tingling in the arm, hand or fingers',
      'An aching or heavy feeling in the arm',
      'Weaker grip',
      'Symptoms that get worse with the arms raised overhead',
    ],
    commonCauses: [
      'Tight neck, chest and shoulder muscles narrowing the thoracic outlet',
      'Forward-head, rounded-shoulder posture',
      'Repetitive overhead work or sport',
      'Injury to the neck or shoulder, for example in a car accident',
    ],
    howMassageHelps: md(
      'The thoracic outlet is a narrow passage between the base of the neck and the shoulder. When the muscles around it stay tight, they can add pressure to the nerves and blood vessels running through to the arm. Massage aims to soften that surrounding tension, which may ease the squeeze and support healthier circulation.',
      "Massage may also take the edge off pain by prompting the release of endorphins, the body's own pain relievers. Some people with long-standing TOS who have not had much success with other approaches find it a useful addition to their care.",
      'TOS has several possible causes, and some of them need medical treatment. Please get a diagnosis from your physician first and share what they found, so your therapist can plan safe, appropriate work.',
    ),
    techniques: ['myofascial-release', 'neuromuscular-therapy', 'trigger-point-therapy', 'assisted-stretching'],
    relatedServices: ['medical-massage', 'myofascial-release'],
  },
  {
    slug: 'frozen-shoulder',
    name: 'Frozen shoulder (adhesive capsulitis)',
    summary:
      'A condition in which the shoulder becomes painful and gradually stiff, making everyday movements such as reaching, dressing or sleeping on that side difficult.',
    symptoms: [
      'Dull, aching pain in the shoulder',
      'Stiffness and a steady loss of range of motion',
      'Difficulty reaching overhead or behind your back',
      'Pain that disturbs sleep',
    ],
    commonCauses: [
      'Inflammation and thickening of the capsule around the shoulder joint',
      'Keeping the shoulder still for a long time, for example after an injury or surgery',
      'Related health conditions such as diabetes (your physician can advise)',
    ],
    howMassageHelps: md(
      'Frozen shoulder limits movement, and the muscles around the joint tend to tighten and guard as a result. Massage works on that surrounding tissue: loosening tight muscles, encouraging circulation to the area and gently working toward a better range of motion. Together these may help reduce pain and improve mobility.',
      'Depending on how your shoulder responds, your therapist may use Swedish massage, trigger point therapy, deep tissue work and myofascial release, always staying within a comfortable range.',
      'Talk to your doctor before starting massage for a frozen shoulder. Progress usually comes from regular sessions combined with the self-care your therapist and physician recommend at home.',
    ),
    techniques: ['swedish', 'trigger-point-therapy', 'deep-tissue', 'myofascial-release', 'assisted-stretching'],
    relatedServices: ['medical-massage', 'myofascial-release', 'deep-tissue-massage'],
  },
  {
    slug: 'carpal-tunnel-syndrome',
    name: 'Carpal tunnel syndrome',
    summary:
      'Compression of the median nerve as it passes through the carpal tunnel in the wrist, which can leave the hand and arm tingling, numb, sore or weak.',
    symptoms: [
      'Numbness or tingling in the hand and fingers',
      'Pain in the wrist, hand or forearm',
      'Weakness in the hand or a tendency to drop things',
      'Symptoms that are worse at night or after repetitive tasks',
    ],
    commonCauses: [
      'Repeated wrist and hand movements, for example long hours at a keyboard or mouse',
      'Pregnancy',
      'Arthritis',
      'Other medical conditions that add pressure inside the carpal tunnel',
    ],
    howMassageHelps: md(
      'Carpal tunnel syndrome is widely regarded as one of the injuries people most often develop through their work, and it can make everyday tasks at work and home hard. Treatment options include bracing, massage therapy and, in some cases, surgery, so it is worth talking through the choices with your physician.',
      'Massage focuses on the tissues around the nerve rather than the nerve itself:',
      '- Releasing tight muscles and fascia in the forearm, wrist and hand\n- Supporting circulation in the area\n- Helping the hand, wrist and arm move more freely\n- Checking the neck and shoulder, where tension can add to arm symptoms',
      'This may help ease pressure, pain and inflammation. For people whose work or hobbies put them at risk, regular massage may also be a sensible part of prevention.',
    ),
    techniques: ['myofascial-release', 'trigger-point-therapy', 'cross-fiber-friction', 'neuromuscular-therapy'],
    relatedServices: ['medical-massage', 'myofascial-release'],
  },
  {
    slug: 'low-back-pain',
    name: 'Low back pain',
    summary:
      'A leading reason for doctor visits and missed workdays, low back pain can come from muscle strain, arthritis, disc problems and more.',
    symptoms: [
      'Aching or stiffness across the lower back',
      'Muscle spasms',
      'Pain that worsens with sitting, standing or bending',
      'Difficulty moving or managing daily tasks',
      'Pain that spreads toward the buttocks',
    ],
    commonCauses: [
      'Muscle strain',
      'Arthritis',
      'Herniated discs',
      'Tight hip flexors from long hours of sitting',
    ],
    howMassageHelps: md(
      'Research supports massage as a helpful option for many people with low back pain. A study in *The Journal of Alternative and Complementary Medicine* reported that people with long-term low back pain had less pain and managed daily activities better after massage.',
      'A second study in the same journal found that massage also eased anxiety and depression in this group. That matters, because worry and low mood can make pain feel worse.',
      'Your therapist will assess how your back, hips and pelvis move and may use deep tissue work, myofascial release, trigger point therapy and assisted stretching. If your pain follows a fall or injury, or comes with numbness, leg weakness or changes in bladder or bowel control, please see a physician promptly.',
    ),
    techniques: ['deep-tissue', 'myofascial-release', 'trigger-point-therapy', 'assisted-stretching'],
    relatedServices: ['medical-massage', 'deep-tissue-massage', 'myofascial-release'],
    citations: [
      {
        title: 'Study: massage for pain and function in chronic low back pain',
        source: 'The Journal of Alternative and Complementary Medicine',
      },
      {
        title: 'Study: massage, anxiety and depression in chronic low back pain',
        source: 'The Journal of Alternative and Complementary Medicine',
      },
      {
        title: 'Low back pain as a leading reason for doctor visits and missed work',
        source: 'Mayo Clinic',
      },
    ],
  },
  {
    slug: 'sciatica',
    name: 'Sciatica',
    summary:
      'Pain that travels along the sciatic nerve from the lower back or buttock down the leg, often with tingling or numbness.',
    symptoms: [
      'Pain running from the lower back or buttock down the back of the leg',
      'Tingling or pins and needles in the leg or foot',
      'Numbness or weakness in the leg',
      'Pain that gets worse after sitting for a long time',
    ],
    commonCauses: [
      'A herniated or bulging disc pressing on a nerve root',
      'Tight muscles deep in the buttock and hip',
      'Prolonged sitting and poor posture',
      'Arthritis in the lower spine',
    ],
    howMassageHelps: md(
      'Massage cannot change a disc, but tight muscles in the lower back, buttocks and hips can add to nerve irritation and pain. Easing that tension may help reduce discomfort and make it easier to move and stay active.',
      'Treatment often includes deep tissue work and trigger point therapy around the hips and glutes, along with gentle assisted stretching. Your therapist will keep the pressure comfortable and avoid anything that sharpens the nerve pain.',
      'Sciatica should be diagnosed by a physician. Seek medical care quickly if you notice increasing leg weakness or any change in bladder or bowel control.',
    ),
    techniques: ['deep-tissue', 'trigger-point-therapy', 'assisted-stretching', 'myofascial-release'],
    relatedServices: ['medical-massage', 'deep-tissue-massage'],
  },
  {
    slug: 'neck-pain',
    name: 'Neck pain',
    summary:
      'Stiffness and aching in the neck, often linked to posture, stress or strain, which can spread into the shoulders and head.',
    symptoms: [
      'Stiffness and difficulty turning the head',
      'Aching across the neck and upper shoulders',
      'Headaches that start at the base of the skull',
      'Tender knots in the neck and shoulder muscles',
    ],
    commonCauses: [
      'Forward-head posture at a desk or on a phone',
      'Stress and the muscle tension that comes with it',
      'Poor overall posture, including tight hip flexors',
      'Injuries such as whiplash from a car accident',
    ],
    howMassageHelps: md(
      'Neck pain is one of the musculoskeletal problems medical massage practitioners see most often. Much of it comes from muscles that are working too hard to hold the head forward, or that tightened up after stress or a strain.',
      'Your therapist will look at the neck together with the shoulders, upper back and overall posture, then use trigger point therapy, myofascial release or deep tissue work where it is needed. Gentle Swedish massage can help when stress is a big part of the picture.',
      'Massage may ease stiffness and support more comfortable movement. If your neck pain followed an accident, or comes with numbness, weakness or a severe headache, please see your physician first.',
    ),
    techniques: ['trigger-point-therapy', 'myofascial-release', 'deep-tissue', 'swedish'],
    relatedServices: ['medical-massage', 'deep-tissue-massage', 'relaxation-massage'],
  },
  {
    slug: 'tight-hip-flexors',
    name: 'Tight hip flexors',
    summary:
      'Shortened hip flexor muscles, most often from long hours of sitting, which can pull on the lower back and affect posture.',
    symptoms: [
      'Tightness and aching in the lower back, especially when standing',
      'Slumped posture and finding it hard to stand fully upright',
      'A tight, sore neck',
      'Pain in the glutes',
      'A pulling feeling at the front of the hip',
    ],
    commonCauses: [
      'Long hours of sitting at work, in meetings and while driving',
      'A shortened iliopsoas muscle',
      'A weak core',
      'Repetitive training, which affects athletes too',
    ],
    howMassageHelps: md(
      'The hip flexors are a group of muscles, including the iliopsoas, tensor fasciae latae, rectus femoris and sartorius, that lift the legs and bend the trunk forward. They also help keep the spine stable, so when they shorten, the lower back and posture often feel it.',
      'Many people stretch tight hip flexors and see little lasting change. Hands-on work can reach the tissue more directly:',
      '- **Myofascial release** for the front of the hip and thigh\n- **Muscle energy technique** and **assisted stretching** to restore length\n- **Trigger point therapy** for related tension in the lower back and glutes',
      'Combined with core strengthening and a home stretching routine, massage may support more comfortable movement and better posture.',
    ),
    techniques: ['myofascial-release', 'muscle-energy-technique', 'assisted-stretching', 'trigger-point-therapy'],
    relatedServices: ['medical-massage', 'myofascial-release', 'deep-tissue-massage'],
  },
  {
    slug: 'stress-and-tension',
    name: 'Stress, anxiety and muscle tension',
    summary:
      'Ongoing stress can show up in the body as tight muscles, poor sleep and low mood, and is linked with a range of health problems.',
    symptoms: [
      'Persistently tight shoulders, neck or jaw',
      'Trouble sleeping',
      'Feeling anxious, irritable or low',
      'Tension headaches',
      'Fatigue',
    ],
    commonCauses: [
      'Work and life pressures',
      'Living with chronic pain',
      'Coping with a serious illness and its treatment',
      'Poor sleep',
    ],
    howMassageHelps: md(
      'Stress-related health problems are among the complaints doctors hear most, according to the American Institute of Stress, and long-term stress has been linked with conditions such as heart disease, obesity, diabetes and asthma.',
      'Massage may help by easing muscle tension, supporting circulation and calming the nervous system. Many clients also report better sleep and a brighter mood after a session.',
      'Studies back this up. Research in *Complementary Therapies in Medicine* linked massage with lower stress and a better mood among people with cancer, and a study in *The Journal of Alternative and Complementary Medicine* reported lower cortisol levels and better mood in people with chronic pain.',
      'Massage supports, but does not replace, care for anxiety or depression. If stress is affecting your health, please talk to your physician as well.',
    ),
    techniques: ['swedish', 'myofascial-release', 'trigger-point-therapy'],
    relatedServices: ['relaxation-massage', 'medical-massage', 'custom-facial'],
    citations: [
      {
        title: 'Study: massage for stress and mood in people with cancer',
        source: 'Complementary Therapies in Medicine',
      },
      {
        title: 'Study: massage, cortisol and mood in people with chronic pain',
        source: 'The Journal of Alternative and Complementary Medicine',
      },
      {
        title: 'Stress-related health problems among the most common complaints heard by doctors',
        source: 'The American Institute of Stress',
      },
    ],
  },
  {
    slug: 'tension-headaches',
    name: 'Tension headaches',
    summary:
      'Headaches that feel like a band of pressure around the head, often linked to tight neck and shoulder muscles, posture and stress.',
    symptoms: [
      'A dull, pressing pain across the forehead or both sides of the head',
      'Tightness at the base of the skull',
      'Tender neck and shoulder muscles',
      'Headaches that build through the working day',
    ],
    commonCauses: [
      'Muscle tension in the neck, shoulders and scalp',
      'Forward-head posture, as seen in upper cross syndrome',
      'Stress',
      'Poor sleep',
    ],
    howMassageHelps: md(
      'Knots in the neck, shoulder and upper back muscles can refer pain into the head. Releasing them with trigger point and neuromuscular work may help reduce how often tension headaches come on and how strong they feel.',
      'For many people, massage is worth considering alongside, or as an alternative to, reaching for painkillers every time. Gentle Swedish massage also helps with the stress that often sets headaches off.',
      'A sudden, severe or unusual headache, or one that comes with vision changes, weakness or confusion, needs medical attention rather than massage. If headaches are frequent, please talk to your physician about them.',
    ),
    techniques: ['trigger-point-therapy', 'neuromuscular-therapy', 'myofascial-release', 'swedish'],
    relatedServices: ['medical-massage', 'relaxation-massage'],
  },
  {
    slug: 'fibromyalgia',
    name: 'Fibromyalgia',
    summary:
      'A chronic condition marked by widespread pain, tenderness and fatigue, which massage may help people manage as part of a wider care plan.',
    symptoms: [
      'Widespread aching in muscles and soft tissue',
      'Areas that are very sensitive to pressure',
      'Fatigue and unrefreshing sleep',
      'Stiffness, especially in the morning',
      'Difficulty concentrating',
    ],
    commonCauses: [
      'The exact cause is not fully understood',
      'Changes in how the nervous system processes pain signals',
      'Triggers such as illness, physical injury or prolonged stress',
    ],
    howMassageHelps: md(
      'Chronic pain management is a core part of medical massage, and fibromyalgia is one of the conditions practitioners most often help clients manage. The aim is to ease pain and stiffness, support sleep and relaxation, and help you stay active.',
      'Pressure is kept gentle and adjusted session by session, because deep work can cause a flare for some people. Swedish massage and slow myofascial release are common choices, and your feedback guides everything. A similar gentle approach is used for clients with chronic fatigue syndrome.',
      'Massage works best as one part of a plan agreed with your physician, alongside the other treatments they recommend.',
    ),
    techniques: ['swedish', 'myofascial-release'],
    relatedServices: ['medical-massage', 'myofascial-release', 'relaxation-massage'],
  },
  {
    slug: 'arthritis-joint-pain',
    name: 'Arthritis and joint pain',
    summary:
      'Ongoing pain and stiffness in and around the joints, which can limit movement and make everyday activities harder.',
    symptoms: [
      'Aching or pain in one or more joints',
      'Stiffness, especially after rest or first thing in the morning',
      'Reduced range of motion',
      'Swelling around the joint',
      'Tight, guarding muscles around a painful joint',
    ],
    commonCauses: [
      'Wear and tear of the joint (osteoarthritis)',
      'Inflammatory arthritis such as rheumatoid arthritis',
      'Previous joint injuries',
      'Reduced activity and muscle imbalance around the joint',
    ],
    howMassageHelps: md(
      'Massage cannot change the joint itself, but the muscles and soft tissue around a painful joint often tighten and restrict movement further. Working on that tissue may help ease pain and stiffness, support circulation and make movement more comfortable.',
      'Sessions usually use gentle Swedish massage, myofascial release and assisted stretching within a pain-free range. Your therapist will avoid pressing directly on joints that are hot, red or swollen during a flare.',
      'Please let us know about your diagnosis and medications, and check with your physician if you have inflammatory arthritis. If arthritis eventually leads to joint replacement, massage can also support you before and after surgery.',
    ),
    techniques: ['swedish', 'myofascial-release', 'assisted-stretching'],
    relatedServices: ['medical-massage', 'joint-replacement-massage', 'relaxation-massage'],
  },
  {
    slug: 'joint-replacement-recovery',
    name: 'Joint replacement recovery',
    summary:
      'Preparing for and recovering from joint replacement surgery, a time when stiffness, swelling and limited range of motion are common.',
    symptoms: [
      'Stiffness around the new joint',
      'Swelling in the surrounding area',
      'Limited range of motion',
      'Pain during rehabilitation exercises',
      'Anxiety in the lead-up to surgery',
    ],
    commonCauses: [
      'Soft-tissue disruption from the surgery itself',
      'Scar tissue forming as the area heals',
      'Reduced movement in the weeks after the operation',
      'Muscle tightness built up over years of joint pain',
    ],
    howMassageHelps: md(
      'Massage can support you on both sides of the operation.',
      '- **Before surgery:** calming the nervous system to ease anxiety, encouraging circulation, and loosening tight muscles so it is easier to move and exercise during recovery\n- **After surgery:** supporting circulation and lymphatic flow to help with swelling and pain, gently mobilizing the area to improve range of motion, and helping scar tissue remodel',
      'Post-operative massage should only be given by a licensed massage therapist experienced with joint replacement patients, and only once your surgeon has cleared you. Pressure and techniques are adjusted to your stage of healing and your rehabilitation plan.',
      'If you are planning joint replacement surgery, ask your doctor about including massage in your recovery plan.',
    ),
    techniques: ['lymphatic-drainage', 'scar-tissue-mobilization', 'swedish', 'assisted-stretching', 'myofascial-release'],
    relatedServices: ['joint-replacement-massage', 'lymphatic-drainage', 'medical-massage'],
  },
  {
    slug: 'injury-recovery',
    name: 'Sports, work and car accident injuries',
    summary:
      'Soft-tissue strains and overuse injuries from sport, work or a motor vehicle accident, where massage may support recovery alongside medical care.',
    symptoms: [
      'Muscle pain and tenderness',
      'Stiffness and limited movement',
      'Muscle spasm or guarding around the injured area',
      'Recurring aches from repetitive tasks',
      'Neck pain and headaches after a car accident',
    ],
    commonCauses: [
      'Strains and overuse in sport',
      'Repetitive tasks, lifting and awkward postures at work',
      'Car accidents, including whiplash',
      'Returning to full activity too quickly',
    ],
    howMassageHelps: md(
      'After an injury, muscles often tighten to protect the area, and that guarding can outlast the injury itself. Massage may help ease the tension, support circulation to healing tissue and reduce scar tissue build-up, so you can move more freely as you recover.',
      'Your therapist chooses techniques by stage of healing: gentle work early on, then deep tissue, cross-fiber friction, trigger point therapy and muscle energy technique as the tissue tolerates more.',
      'Please see a physician first after any significant injury or accident. We keep detailed treatment records and can provide documentation where your care plan or claim requires it.',
    ),
    techniques: ['deep-tissue', 'cross-fiber-friction', 'trigger-point-therapy', 'scar-tissue-mobilization', 'muscle-energy-technique'],
    relatedServices: ['medical-massage', 'deep-tissue-massage', 'myofascial-release', 'lymphatic-drainage'],
  },
]
