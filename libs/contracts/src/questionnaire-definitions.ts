import type { QuestionnaireDefinition } from './questionnaire';

/**
 * The questionnaires the platform ships (GET /api/questionnaires). The two symptom diaries are
 * written for this project, in plain Danish first; the mMRC dyspnoea scale is public domain. The
 * colour of each answer, and where it comes from, is listed in libs/rules/README.md
 * ("Questionnaires"); change both together, and give the definition a new version.
 *
 * Licensed instruments (CAT: GSK; KCCQ: CV Outcomes) are NOT shipped: a region holding the licence
 * adds the definition with its item scores (`options[].score`) and total bands (`scoring.bands`).
 */

const yes = { da: 'Ja', en: 'Yes' };
const no = { da: 'Nej', en: 'No' };

export const TELEKOL_SYMPTOM_DIARY: QuestionnaireDefinition = {
  id: 'telekol-symptom-diary',
  version: '1',
  title: { da: 'Symptomdagbog (KOL)', en: 'Symptom diary (COPD)' },
  description: {
    da: 'Svar ud fra, hvordan du har haft det siden i går. Får du pludselig meget svært ved at trække vejret, smerter i brystet, eller bliver du forvirret eller meget søvnig, så ring 112.',
    en: 'Answer for how you have been since yesterday. If you suddenly find it very hard to breathe, have chest pain, or become confused or very sleepy, call 112.',
  },
  programmes: ['TeleKOL'],
  items: [
    {
      linkId: 'breathlessness',
      type: 'choice',
      text: { da: 'Hvordan er din vejrtrækning i dag, sammenlignet med hvad der er normalt for dig?', en: 'How is your breathing today, compared with what is normal for you?' },
      options: [
        { value: 'better', label: { da: 'Bedre end normalt', en: 'Better than normal' }, summary: { da: 'Mindre åndenød end normalt', en: 'Less breathless than usual' }, triage: 'green' },
        { value: 'usual', label: { da: 'Som den plejer', en: 'As usual' }, summary: { da: 'Åndenød som normalt', en: 'Breathlessness as usual' }, triage: 'green' },
        { value: 'worse', label: { da: 'Jeg er mere forpustet end normalt', en: 'I am more out of breath than normal' }, summary: { da: 'Mere åndenød end normalt', en: 'More breathless than usual' }, triage: 'yellow' },
        {
          value: 'much-worse',
          label: { da: 'Jeg er meget mere forpustet, og jeg kan ikke klare det, jeg plejer', en: 'I am much more out of breath, and I cannot do what I usually do' },
          summary: { da: 'Meget mere åndenød, kan ikke klare vanlige gøremål', en: 'Much more breathless, cannot manage usual activities' },
          triage: 'red',
        },
      ],
    },
    {
      linkId: 'cough',
      type: 'choice',
      text: { da: 'Hoster du mere end normalt?', en: 'Are you coughing more than normal?' },
      options: [
        { value: 'usual', label: { da: 'Nej, som normalt eller mindre', en: 'No, as normal or less' }, summary: { da: 'Hoste som normalt', en: 'Cough as usual' }, triage: 'green' },
        { value: 'more', label: { da: 'Ja, mere end normalt', en: 'Yes, more than normal' }, summary: { da: 'Mere hoste end normalt', en: 'Coughing more than usual' }, triage: 'yellow' },
      ],
    },
    {
      linkId: 'sputum-amount',
      type: 'choice',
      text: { da: 'Hvor meget slim hoster du op i dag?', en: 'How much phlegm are you coughing up today?' },
      options: [
        { value: 'none', label: { da: 'Ingen slim', en: 'No phlegm' }, summary: { da: 'Intet slim', en: 'No phlegm' }, triage: 'green' },
        { value: 'usual', label: { da: 'Som normalt', en: 'As normal' }, summary: { da: 'Slim som normalt', en: 'Phlegm as usual' }, triage: 'green' },
        { value: 'more', label: { da: 'Mere end normalt', en: 'More than normal' }, summary: { da: 'Mere slim end normalt', en: 'More phlegm than usual' }, triage: 'yellow' },
      ],
    },
    {
      linkId: 'sputum-colour',
      type: 'choice',
      text: { da: 'Hvilken farve har slimet?', en: 'What colour is the phlegm?' },
      enableWhen: { linkId: 'sputum-amount', answers: ['usual', 'more'] },
      options: [
        { value: 'usual', label: { da: 'Klart, hvidt eller som det plejer', en: 'Clear, white or as it usually is' }, summary: { da: 'Slim med vanlig farve', en: 'Phlegm of usual colour' }, triage: 'green' },
        { value: 'changed', label: { da: 'Mere gult, grønt eller brunt end normalt', en: 'More yellow, green or brown than normal' }, summary: { da: 'Slimet har skiftet farve (gult, grønt eller brunt)', en: 'Phlegm has changed colour (yellow, green or brown)' }, triage: 'yellow' },
        { value: 'blood', label: { da: 'Der er blod i slimet', en: 'There is blood in the phlegm' }, summary: { da: 'Blod i slimet', en: 'Blood in the phlegm' }, triage: 'red' },
      ],
    },
    {
      linkId: 'fever',
      type: 'boolean',
      text: { da: 'Har du haft feber (38 grader eller mere) siden i går?', en: 'Have you had a temperature of 38 °C or more since yesterday?' },
      options: [
        { value: false, label: no, summary: { da: 'Ingen feber', en: 'No fever' }, triage: 'green' },
        { value: true, label: yes, summary: { da: 'Feber (38 °C eller mere)', en: 'Fever (38 °C or more)' }, triage: 'yellow' },
      ],
    },
    {
      linkId: 'rescue-medicine',
      type: 'choice',
      text: { da: 'Har du brugt mere af din anfaldsmedicin (den hurtigtvirkende inhalator) end normalt?', en: 'Have you used more of your reliever (the quick-acting inhaler) than normal?' },
      options: [
        { value: 'usual', label: { da: 'Nej, som normalt eller mindre', en: 'No, as normal or less' }, summary: { da: 'Anfaldsmedicin som normalt', en: 'Reliever as usual' }, triage: 'green' },
        { value: 'more', label: { da: 'Ja, mere end normalt', en: 'Yes, more than normal' }, summary: { da: 'Mere anfaldsmedicin end normalt', en: 'Using more reliever than usual' }, triage: 'yellow' },
        {
          value: 'not-helping',
          label: { da: 'Ja, meget mere, og den hjælper ikke, som den plejer', en: 'Yes, much more, and it does not help as it usually does' },
          summary: { da: 'Meget mere anfaldsmedicin, som ikke hjælper', en: 'Much more reliever, and it is not helping' },
          triage: 'red',
        },
      ],
    },
  ],
  combinations: [
    {
      id: 'exacerbation-signs',
      summary: {
        da: 'Mindst 2 af 3 tegn på KOL-forværring: mere åndenød, mere slim, slim der har skiftet farve',
        en: 'At least 2 of 3 signs of a COPD exacerbation: more breathless, more phlegm, phlegm changed colour',
      },
      atLeast: 2,
      of: [
        { linkId: 'breathlessness', answers: ['worse', 'much-worse'] },
        { linkId: 'sputum-amount', answers: ['more'] },
        { linkId: 'sputum-colour', answers: ['changed'] },
      ],
      triage: 'red',
    },
  ],
  source: 'Written for this project (plain-language wording, not a validated instrument). The three cardinal signs are those of Anthonisen et al. 1987; colours and their sources: libs/rules/README.md.',
};

export const TELEHJERTE_SYMPTOM_DIARY: QuestionnaireDefinition = {
  id: 'telehjerte-symptom-diary',
  version: '1',
  title: { da: 'Symptomdagbog (hjertesvigt)', en: 'Symptom diary (heart failure)' },
  description: {
    da: 'Svar ud fra, hvordan du har haft det siden i går. Har du trykken eller smerter i brystet, får du pludselig meget svært ved at trække vejret, eller er du besvimet, så ring 112.',
    en: 'Answer for how you have been since yesterday. If you have pressure or pain in your chest, suddenly find it very hard to breathe, or have fainted, call 112.',
  },
  programmes: ['TeleHjerte'],
  items: [
    {
      linkId: 'breathlessness',
      type: 'choice',
      text: { da: 'Hvordan er din vejrtrækning i dag, sammenlignet med hvad der er normalt for dig?', en: 'How is your breathing today, compared with what is normal for you?' },
      options: [
        { value: 'better', label: { da: 'Bedre end normalt', en: 'Better than normal' }, summary: { da: 'Mindre åndenød end normalt', en: 'Less breathless than usual' }, triage: 'green' },
        { value: 'usual', label: { da: 'Som den plejer', en: 'As usual' }, summary: { da: 'Åndenød som normalt', en: 'Breathlessness as usual' }, triage: 'green' },
        {
          value: 'worse',
          label: { da: 'Jeg bliver hurtigere forpustet end normalt, når jeg bevæger mig', en: 'I get out of breath more quickly than normal when I move about' },
          summary: { da: 'Mere åndenød ved anstrengelse', en: 'More breathless on exertion' },
          triage: 'yellow',
        },
        { value: 'at-rest', label: { da: 'Jeg er forpustet, også når jeg sidder stille', en: 'I am out of breath even when I sit still' }, summary: { da: 'Åndenød i hvile', en: 'Breathless at rest' }, triage: 'red' },
      ],
    },
    {
      linkId: 'ankle-swelling',
      type: 'choice',
      text: { da: 'Er dine ankler, fødder eller ben mere hævede end normalt?', en: 'Are your ankles, feet or legs more swollen than normal?' },
      options: [
        { value: 'usual', label: { da: 'Nej, som normalt', en: 'No, as normal' }, summary: { da: 'Hævelse som normalt', en: 'Swelling as usual' }, triage: 'green' },
        { value: 'more', label: { da: 'Ja, lidt mere hævede', en: 'Yes, a little more swollen' }, summary: { da: 'Mere hævede ankler eller ben', en: 'More swollen ankles or legs' }, triage: 'yellow' },
        {
          value: 'much-more',
          label: { da: 'Ja, meget mere hævede, eller hævelsen går højere op', en: 'Yes, much more swollen, or the swelling goes higher up' },
          summary: { da: 'Meget mere hævede ben, eller hævelse højere op', en: 'Much more swollen legs, or swelling higher up' },
          triage: 'red',
        },
      ],
    },
    {
      linkId: 'pillows',
      type: 'choice',
      text: { da: 'Har du brug for flere puder end normalt for at få luft, når du ligger ned?', en: 'Do you need more pillows than normal to breathe when you lie down?' },
      options: [
        { value: 'usual', label: { da: 'Nej, som normalt', en: 'No, as normal' }, summary: { da: 'Puder som normalt', en: 'Pillows as usual' }, triage: 'green' },
        { value: 'more', label: { da: 'Ja, jeg sover med flere puder end normalt', en: 'Yes, I sleep with more pillows than normal' }, summary: { da: 'Flere puder for at få luft (ortopnø)', en: 'More pillows to breathe (orthopnoea)' }, triage: 'yellow' },
        {
          value: 'woke-breathless',
          label: { da: 'Ja, og jeg er vågnet om natten og har måttet sætte mig op for at få luft', en: 'Yes, and I have woken at night and had to sit up to get my breath' },
          summary: { da: 'Vågner forpustet om natten (paroksystisk natlig dyspnø)', en: 'Wakes breathless at night (paroxysmal nocturnal dyspnoea)' },
          triage: 'red',
        },
      ],
    },
    {
      linkId: 'dizziness',
      type: 'choice',
      text: { da: 'Har du været svimmel siden i går?', en: 'Have you felt dizzy since yesterday?' },
      options: [
        { value: 'no', label: no, summary: { da: 'Ikke svimmel', en: 'Not dizzy' }, triage: 'green' },
        { value: 'dizzy', label: { da: 'Ja, jeg har været svimmel', en: 'Yes, I have felt dizzy' }, summary: { da: 'Svimmelhed', en: 'Dizziness' }, triage: 'yellow' },
        { value: 'fainted', label: { da: 'Ja, jeg er besvimet, eller jeg var lige ved at besvime', en: 'Yes, I fainted, or I nearly fainted' }, summary: { da: 'Besvimet eller nær ved at besvime', en: 'Fainted or nearly fainted' }, triage: 'red' },
      ],
    },
    {
      linkId: 'tiredness',
      type: 'choice',
      text: { da: 'Hvor træt er du i dag, sammenlignet med normalt?', en: 'How tired are you today, compared with normal?' },
      options: [
        { value: 'usual', label: { da: 'Som normalt eller mindre', en: 'As normal or less' }, summary: { da: 'Træthed som normalt', en: 'Tiredness as usual' }, triage: 'green' },
        { value: 'more', label: { da: 'Mere træt end normalt', en: 'More tired than normal' }, summary: { da: 'Mere træt end normalt', en: 'More tired than usual' }, triage: 'yellow' },
        {
          value: 'much-more',
          label: { da: 'Så træt, at jeg ikke kan klare det, jeg plejer', en: 'So tired that I cannot do what I usually do' },
          summary: { da: 'Udtalt træthed, kan ikke klare vanlige gøremål', en: 'Marked tiredness, cannot manage usual activities' },
          triage: 'yellow',
        },
      ],
    },
  ],
  source: 'Written for this project (plain-language wording, not a validated instrument); colours and their sources: libs/rules/README.md.',
};

/**
 * The modified Medical Research Council (mMRC) dyspnoea scale, grades 0–4 (Mahler & Wells 1988;
 * the MRC scale it modifies: Fletcher 1959, Bestall et al. 1999), public domain. The English
 * statements follow the wording GOLD uses; the Danish is this project's rendering, not a
 * validated translation. It grades everyday breathlessness: the grade is the score. Grades 3 and 4
 * are yellow, and so is a grade one or more above the patient's previous answer (issue 17, item
 * 15; default for clinical review, libs/rules/README.md).
 */
export const MMRC_DYSPNOEA_SCALE: QuestionnaireDefinition = {
  id: 'mmrc',
  version: '1',
  title: { da: 'Åndenød i hverdagen (mMRC)', en: 'Breathlessness in daily life (mMRC)' },
  programmes: ['TeleKOL', 'TeleHjerte'],
  items: [
    {
      linkId: 'grade',
      type: 'choice',
      text: { da: 'Hvilket af disse udsagn passer bedst på dig?', en: 'Which of these statements describes you best?' },
      riseFromPrevious: { atLeast: 1, triage: 'yellow' },
      options: [
        { value: 0, score: 0, triage: 'green', label: { da: 'Jeg bliver kun forpustet ved hård fysisk anstrengelse', en: 'I only get breathless with strenuous exercise' }, summary: { da: 'mMRC 0', en: 'mMRC 0' } },
        {
          value: 1,
          score: 1,
          triage: 'green',
          label: { da: 'Jeg bliver forpustet, når jeg skynder mig på flad vej eller går op ad en lille bakke', en: 'I get short of breath when hurrying on the level or walking up a slight hill' },
          summary: { da: 'mMRC 1', en: 'mMRC 1' },
        },
        {
          value: 2,
          score: 2,
          triage: 'green',
          label: {
            da: 'Jeg går langsommere end andre på min alder på flad vej, fordi jeg bliver forpustet, eller jeg må stoppe for at få luft, når jeg går i mit eget tempo',
            en: 'I walk slower than people of the same age on the level because of breathlessness, or I have to stop for breath when walking at my own pace on the level',
          },
          summary: { da: 'mMRC 2', en: 'mMRC 2' },
        },
        {
          value: 3,
          score: 3,
          triage: 'yellow',
          label: { da: 'Jeg må stoppe for at få luft efter cirka 100 meter eller efter få minutter på flad vej', en: 'I stop for breath after walking about 100 metres or after a few minutes on the level' },
          summary: { da: 'mMRC 3', en: 'mMRC 3' },
        },
        {
          value: 4,
          score: 4,
          triage: 'yellow',
          label: { da: 'Jeg er for forpustet til at gå ud af huset, eller jeg bliver forpustet, når jeg tager tøj af og på', en: 'I am too breathless to leave the house, or I am breathless when dressing or undressing' },
          summary: { da: 'mMRC 4', en: 'mMRC 4' },
        },
      ],
    },
  ],
  scoring: {
    bands: [
      { min: 0, max: 1, triage: 'green', label: { da: 'Mindre åndenød i hverdagen (mMRC 0–1)', en: 'Less breathless in daily life (mMRC 0–1)' } },
      { min: 2, max: 4, triage: 'green', label: { da: 'Mere åndenød i hverdagen (mMRC 2 eller mere)', en: 'More breathless in daily life (mMRC 2 or more)' } },
    ],
  },
  source:
    'mMRC dyspnoea scale, public domain: Mahler DA, Wells CK. Evaluation of clinical methods for rating dyspnea. Chest 1988;93(3):580–586; after the MRC scale (Fletcher CM. BMJ 1959;2:257–266; Bestall JC et al. Thorax 1999;54:581–586). Danish wording: this project, not a validated translation.',
};

/** Every questionnaire the platform knows, by id (latest version). */
export const QUESTIONNAIRES: readonly QuestionnaireDefinition[] = [TELEKOL_SYMPTOM_DIARY, TELEHJERTE_SYMPTOM_DIARY, MMRC_DYSPNOEA_SCALE];

/** The definition a response names, or undefined for an unknown id or version. */
export function questionnaireDefinition(id: string, version?: string): QuestionnaireDefinition | undefined {
  return QUESTIONNAIRES.find((q) => q.id === id && (version === undefined || q.version === version));
}
