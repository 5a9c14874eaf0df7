// "/surveys/:id" — one survey. A member of a scheme asked answers it here, on the phone, and
// may change their answers until it closes; its author (or a liaison of its force) sends
// it, closes it and goes to its results.

import { useEffect, useState } from 'preact/hooks';
import { BackLink } from '../components/BackLink';
import { ActionResult } from '../components/ActionResult';
import { CheckboxField, ErrorAlert, RadioGroupField, SubmitButton, TextAreaField } from '../components/FormField';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { asApiError, useSubmission, useTitle } from '../hooks';
import { formatDate, formatDateTime } from '../format';
import { t } from '../i18n';
import type { ApiError } from '../api';
import { surveysApi, type AnswerValue, type Question, type SurveyDetail } from '../surveysApi';
import { SurveyStatus } from './SurveysScreen';
import './surveys.css';

export function SurveyScreen({ id }: { id: string }) {
  const [survey, setSurvey] = useState<SurveyDetail | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useTitle(survey?.title ?? t('surveys.survey'));
  useEffect(() => {
    const abort = new AbortController();
    surveysApi.survey(Number(id), abort.signal).then(setSurvey, (err) => {
      if (!abort.signal.aborted) setError(asApiError(err));
    });
    return () => abort.abort();
  }, [id]);
  return (
    <RequireSignIn>
      {() => (
        <>
          <BackLink href="/surveys" label={t('surveys.title')} />
          <h1 tabIndex={-1}>{survey?.title ?? t('surveys.survey')}</h1>
          <ErrorAlert messages={error ? [error.message] : []} />
          {!survey && !error && <Loading />}
          {survey && <SurveyBody survey={survey} onChange={setSurvey} />}
        </>
      )}
    </RequireSignIn>
  );
}

function SurveyBody({ survey, onChange }: { survey: SurveyDetail; onChange: (survey: SurveyDetail) => void }) {
  const managing = useSubmission();
  const act = (action: () => Promise<SurveyDetail>, done: string) =>
    managing.run(async () => {
      onChange(await action());
      return done;
    });
  return (
    <>
      <p>
        <SurveyStatus survey={survey} />
      </p>
      <p class="card__detail">
        {survey.scheme
          ? t('surveys.fromScheme', { name: survey.scheme.name })
          : t('surveys.fromLiaison', { name: survey.author_name || 'Patchwatch' })}
        {survey.closes_at && <> · {t('surveys.closesOn', { date: formatDate(survey.closes_at) })}</>}
      </p>
      {survey.intro && <p class="description">{survey.intro}</p>}
      <p class="field-hint">{survey.anonymous ? t('surveys.anonymousNote') : t('surveys.namedNote')}</p>
      {(survey.actions.send || survey.actions.close || survey.actions.results) && (
        <div class="button-row">
          {survey.actions.send && (
            <button
              type="button"
              class="button button--primary"
              aria-disabled={managing.busy ? 'true' : undefined}
              onClick={() => act(() => surveysApi.send(survey.id), t('surveys.sent'))}
            >
              {t('surveys.send', { count: survey.schemes.length })}
            </button>
          )}
          {survey.actions.close && (
            <button
              type="button"
              class="button button--secondary"
              aria-disabled={managing.busy ? 'true' : undefined}
              onClick={() => act(() => surveysApi.close(survey.id), t('surveys.closedNow'))}
            >
              {t('surveys.close')}
            </button>
          )}
          {survey.actions.results && (
            <a class="button button--secondary" href={`/surveys/${survey.id}/results`}>
              {t('surveys.seeResults')}
            </a>
          )}
        </div>
      )}
      <ErrorAlert messages={managing.otherErrors([])} />
      <ActionResult result={managing.result} />
      {survey.actions.answer ? (
        <AnswerForm survey={survey} onAnswered={() => onChange({ ...survey, answered: true })} />
      ) : (
        survey.status !== 'draft' &&
        !survey.open && <p>{t('surveys.closedNote')}</p>
      )}
      {/* Those not answering (its author, a liaison, a member once it is closed) read what
          was asked. */}
      {!survey.actions.answer && <Questions questions={survey.questions} />}
    </>
  );
}

/** The questions, as its author checks them before sending and reads them once sent. */
function Questions({ questions }: { questions: Question[] }) {
  return (
    <>
      <h2>{t('surveys.questions')}</h2>
      <ol>
        {questions.map((question) => (
          <li key={question.id}>
            {question.text} ({t(`surveys.kind.${question.kind}`)}
            {question.required ? `, ${t('surveys.required')}` : ''})
            {question.choices.length > 0 && <ul>{question.choices.map((choice) => <li key={choice}>{choice}</li>)}</ul>}
          </li>
        ))}
      </ol>
    </>
  );
}

function initialAnswers(survey: SurveyDetail): Record<string, AnswerValue> {
  const mine = (survey.my_answers ?? {}) as Record<string, AnswerValue>;
  const values: Record<string, AnswerValue> = {};
  for (const question of survey.questions) {
    const key = String(question.id);
    values[key] = mine[key] ?? (question.kind === 'multiple' ? [] : question.kind === 'rating' ? null : '');
  }
  return values;
}

function AnswerForm({ survey, onAnswered }: { survey: SurveyDetail; onAnswered: () => void }) {
  const [values, setValues] = useState(() => initialAnswers(survey));
  const submission = useSubmission();
  const set = (key: string, value: AnswerValue) => setValues((old) => ({ ...old, [key]: value }));
  const shown = survey.questions.map((question) => `answers.${question.id}`);
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submission.run(async () => {
          const answered = await surveysApi.answer(survey.id, values);
          onAnswered();
          return t('surveys.thanks', { time: formatDateTime(answered.answered_at) });
        });
      }}
    >
      <h2>{survey.answered ? t('surveys.changeAnswers') : t('surveys.yourAnswers')}</h2>
      {survey.questions.map((question) => (
        <QuestionField
          key={question.id}
          question={question}
          value={values[String(question.id)]}
          onValue={(value) => set(String(question.id), value)}
          errors={submission.fieldErrors(`answers.${question.id}`)}
        />
      ))}
      <ErrorAlert messages={submission.otherErrors(shown)} />
      <SubmitButton busy={submission.busy} busyText={t('surveys.sending')}>
        {t('surveys.submit')}
      </SubmitButton>
      <ActionResult result={submission.result} />
    </form>
  );
}

function QuestionField({
  question,
  value,
  onValue,
  errors,
}: {
  question: Question;
  value: AnswerValue;
  onValue: (value: AnswerValue) => void;
  errors?: string[];
}) {
  const label = question.required ? `${question.text} (${t('surveys.required')})` : question.text;
  if (question.kind === 'single') {
    return (
      <RadioGroupField
        legend={label}
        errors={errors}
        value={typeof value === 'string' ? value : ''}
        onValue={onValue}
        choices={question.choices.map((choice) => ({ value: choice, label: choice }))}
      />
    );
  }
  if (question.kind === 'rating') {
    return (
      <RadioGroupField
        legend={label}
        hint={t('surveys.ratingHint')}
        errors={errors}
        inline
        value={typeof value === 'number' ? String(value) : ''}
        onValue={(rating) => onValue(Number(rating))}
        choices={[1, 2, 3, 4, 5].map((rating) => ({ value: String(rating), label: String(rating) }))}
      />
    );
  }
  if (question.kind === 'multiple') {
    const chosen = Array.isArray(value) ? value : [];
    return (
      <fieldset class={`survey-question${errors?.length ? ' field--invalid' : ''}`}>
        <legend>{label}</legend>
        <p class="field-hint">{t('surveys.chooseAny')}</p>
        {errors?.length ? <p class="field-error">{errors.join(' ')}</p> : null}
        {question.choices.map((choice) => (
          <CheckboxField
            key={choice}
            label={choice}
            checked={chosen.includes(choice)}
            onChecked={(checked) =>
              onValue(checked ? [...chosen, choice] : chosen.filter((other) => other !== choice))
            }
          />
        ))}
      </fieldset>
    );
  }
  return (
    <TextAreaField
      label={label}
      errors={errors}
      maxLength={2000}
      value={typeof value === 'string' ? value : ''}
      onValue={onValue}
    />
  );
}
