import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { CLINIC_TIME_ZONE, type QuestionnaireDefinition, type QuestionnaireItem } from '@tm/contracts';
import { useNow, useSession } from '../shared/context';
import type { MessageKey } from '../i18n';
import { ContactList } from './contact';
import { friendlyDateTime } from './format';
import { newResponseId } from './outbox';
import { KeptNote, usePatientData } from './patient-data';
import { answerLabel, buildResponse, enabledItems, itemProblem, parseWholeNumber, questionCount, sameAnswer, unanswered, type Draft, type Problem } from './questionnaire-model';
import { patientHref } from './routes';

/**
 * The generic questionnaire form: any definition from GET /api/questionnaires, one question at a
 * time (fewer things on the screen, large answers to press, the question read out first), then the
 * answers to check, then "send". Nothing moves on by itself when an answer is chosen (WCAG 3.2.2):
 * the patient presses "Næste". Sent answers go through the outbox, so they survive a lost
 * connection and are stored once.
 */

type Phase = { kind: 'question'; index: number } | { kind: 'review' } | { kind: 'sent'; id: string };
type SendState = 'sending' | 'waiting' | 'sent' | 'failed';

const STATE_KEYS: Record<SendState, MessageKey> = { sending: 'me.state.sending', waiting: 'me.state.waiting', sent: 'me.state.sent', failed: 'me.state.failed' };
const STATE_MARKS: Record<SendState, string> = { sending: '…', waiting: '⏳', sent: '✓', failed: '!' };

function without(draft: Draft, linkId: string): Draft {
  return Object.fromEntries(Object.entries(draft).filter(([k]) => k !== linkId));
}

function Question({
  item,
  index,
  count,
  draft,
  raw,
  problem,
  onAnswer,
  onRaw,
  headingRef,
}: {
  item: QuestionnaireItem;
  index: number;
  count: { count: number; exact: boolean };
  draft: Draft;
  raw: string;
  problem: Problem | null;
  onAnswer: (draft: Draft) => void;
  onRaw: (raw: string) => void;
  headingRef: RefObject<HTMLHeadingElement | null>;
}) {
  const { t, language } = useSession();
  const id = useId();
  const headingId = `${id}-q`;
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const describedBy = [item.help ? helpId : null, problem ? errorId : null].filter((x) => x !== null).join(' ') || undefined;
  const value = draft[item.linkId];
  return (
    <fieldset className="q-item" aria-describedby={describedBy} data-testid={`question-${item.linkId}`}>
      <legend>
        <h2 id={headingId} ref={headingRef} tabIndex={-1} className="q-text">
          <span className="q-progress" data-testid="q-progress">
            {t(count.exact ? 'me.q.progress' : 'me.q.progressAtMost', { n: index + 1, count: count.count })}
          </span>
          <span>{item.text[language]}</span>
        </h2>
      </legend>
      {item.help && (
        <p id={helpId} className="q-help">
          {item.help[language]}
        </p>
      )}
      {problem && (
        <p id={errorId} className="error q-error" role="alert">
          {t(problem.key, problem.params)}
        </p>
      )}
      {item.type === 'integer' ? (
        <input
          className="q-number"
          type="text"
          inputMode="numeric"
          autoComplete="off"
          aria-labelledby={headingId}
          aria-describedby={describedBy}
          aria-invalid={problem ? true : undefined}
          value={raw}
          onChange={(e) => {
            onRaw(e.target.value);
            const n = parseWholeNumber(e.target.value);
            onAnswer(n === undefined ? without(draft, item.linkId) : { ...draft, [item.linkId]: n });
          }}
        />
      ) : (
        <div className="q-options">
          {(item.options ?? []).map((option, i) => (
            <label key={String(option.value)} className="q-option">
              <input
                type="radio"
                name={item.linkId}
                value={String(i)}
                checked={value !== undefined && sameAnswer(value, option.value)}
                onChange={() => onAnswer({ ...draft, [item.linkId]: option.value })}
              />
              <span>{option.label[language]}</span>
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}

function QuestionnaireForm({ definition }: { definition: QuestionnaireDefinition }) {
  const { t, language } = useSession();
  const { outbox, me } = usePatientData();
  const now = useNow();
  const [draft, setDraft] = useState<Draft>({});
  const [raw, setRaw] = useState<Readonly<Record<string, string>>>({});
  const [phase, setPhase] = useState<Phase>({ kind: 'question', index: 0 });
  const [problem, setProblem] = useState<Problem | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);
  // Each step puts focus on its heading, so a screen reader reads the new question first.
  useEffect(() => {
    if (moved.current) heading.current?.focus();
    moved.current = true;
  }, [phase]);

  const items = enabledItems(definition, draft);
  const go = (next: Phase): void => {
    setProblem(null);
    setPhase(next);
  };
  const toToday = (): void => {
    location.hash = patientHref({ page: 'today' });
  };

  let body: ReactNode;
  switch (phase.kind) {
    case 'question': {
      const index = Math.min(phase.index, items.length - 1);
      const item = items[index];
      if (item === undefined) return null;
      const last = index === items.length - 1;
      const next = (e: FormEvent<HTMLFormElement>): void => {
        e.preventDefault();
        const found = itemProblem(item, draft[item.linkId]);
        if (found) {
          setProblem(found);
          return;
        }
        go(last ? { kind: 'review' } : { kind: 'question', index: index + 1 });
      };
      body = (
        <>
          {index === 0 && definition.description && (
            <div className="me-note">
              <p>{definition.description[language]}</p>
            </div>
          )}
          <form onSubmit={next} noValidate>
            <Question
              key={item.linkId}
              item={item}
              index={index}
              count={questionCount(definition, draft)}
              draft={draft}
              raw={raw[item.linkId] ?? (typeof draft[item.linkId] === 'number' ? String(draft[item.linkId]) : '')}
              problem={problem}
              onAnswer={(d) => {
                setDraft(d);
                setProblem(null);
              }}
              onRaw={(text) => setRaw((r) => ({ ...r, [item.linkId]: text }))}
              headingRef={heading}
            />
            <div className="q-buttons">
              <button type="button" className="secondary" onClick={() => (index === 0 ? toToday() : go({ kind: 'question', index: index - 1 }))}>
                {t('me.q.back')}
              </button>
              <button type="submit">{t(last ? 'me.q.toReview' : 'me.q.next')}</button>
            </div>
          </form>
        </>
      );
      break;
    }
    case 'review': {
      const send = (): void => {
        const missing = unanswered(definition, draft)[0];
        if (missing !== undefined) {
          go({ kind: 'question', index: items.indexOf(missing) });
          return;
        }
        const response = buildResponse(definition, draft, newResponseId(), new Date());
        outbox.add(response);
        go({ kind: 'sent', id: response.id });
      };
      body = (
        <>
          <h2 ref={heading} tabIndex={-1}>
            {t('me.q.reviewHeading')}
          </h2>
          <p>{t('me.q.reviewIntro')}</p>
          <dl className="q-review" data-testid="review">
            {items.map((item, i) => {
              const value = draft[item.linkId];
              return (
                <div key={item.linkId} className="q-review-row">
                  <dt>{item.text[language]}</dt>
                  <dd className="q-answer">{value === undefined ? t('me.q.notAnswered') : answerLabel(item, value, language)}</dd>
                  <dd>
                    <button type="button" className="secondary" onClick={() => go({ kind: 'question', index: i })}>
                      {t('me.q.change')}
                      <span className="visually-hidden"> – {t('me.q.changeWhich', { question: item.text[language] })}</span>
                    </button>
                  </dd>
                </div>
              );
            })}
          </dl>
          <div className="q-buttons">
            <button type="button" className="secondary" onClick={() => go({ kind: 'question', index: items.length - 1 })}>
              {t('me.q.back')}
            </button>
            <button type="button" onClick={send} data-testid="send-answers">
              {t('me.q.send')}
            </button>
          </div>
        </>
      );
      break;
    }
    case 'sent': {
      const entry = outbox.entries.find((e) => e.response.id === phase.id);
      const state: SendState =
        entry?.status === 'sent' ? 'sent' : entry?.status === 'failed' ? 'failed' : entry === undefined || outbox.sending.has(phase.id) ? 'sending' : 'waiting';
      const text =
        state === 'sent'
          ? t('me.q.sentText', { when: friendlyDateTime(language, entry?.sentAt ?? new Date().toISOString(), now, CLINIC_TIME_ZONE) })
          : state === 'failed'
            ? t('me.q.failedText', { reason: entry?.error ?? '' })
            : t(state === 'sending' ? 'me.q.sendingText' : 'me.q.waitingText');
      body = (
        <>
          <h2 ref={heading} tabIndex={-1}>
            {t('me.q.thanks')}
          </h2>
          <p className={`send-state send-${state}`} data-testid="send-state" data-state={state} data-response-id={phase.id}>
            <span aria-hidden="true">{STATE_MARKS[state]} </span>
            {t(STATE_KEYS[state])}
          </p>
          <p>{text}</p>
          {state === 'sent' && (entry?.triage === 'red' || entry?.triage === 'yellow') && (
            <p className="me-note" data-testid="concern">
              {t('me.q.concern')}
            </p>
          )}
          <p>{t('me.q.call')}</p>
          {me.data !== undefined && <ContactList teams={me.data.careTeams} headingLevel={3} />}
          <p>
            <a className="button-link" href={patientHref({ page: 'today' })}>
              {t('me.q.backToToday')}
            </a>
          </p>
        </>
      );
      break;
    }
  }

  return (
    <>
      <h1>{definition.title[language]}</h1>
      {body}
    </>
  );
}

export function QuestionnairePage({ questionnaireId }: { questionnaireId: string }) {
  const { t } = useSession();
  const { definitions } = usePatientData();
  return (
    <KeptNote kept={definitions}>
      {(list) => {
        const definition = list.find((d) => d.id === questionnaireId);
        if (definition === undefined)
          return (
            <>
              <h1>{t('me.q.unknown')}</h1>
              <p>
                <a className="button-link" href={patientHref({ page: 'today' })}>
                  {t('me.q.backToToday')}
                </a>
              </p>
            </>
          );
        return <QuestionnaireForm definition={definition} />;
      }}
    </KeptNote>
  );
}
