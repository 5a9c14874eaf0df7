// "/surveys/new" — write a survey: a title, a few words of introduction, up to twenty
// questions (one choice, several choices, a rating from 1 to 5, or free text) and the
// schemes whose members are asked. It is saved as a draft, to check and send.

import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { BackLink } from '../components/BackLink';
import {
  CheckboxField,
  ErrorAlert,
  SelectField,
  SubmitButton,
  TextAreaField,
  TextField,
} from '../components/FormField';
import { RequireSignIn } from '../components/RequireSignIn';
import { londonMidnight } from '../format';
import { useSubmission, useTitle } from '../hooks';
import { t } from '../i18n';
import { navigate } from '../router';
import { liaisonForce } from '../api/schemas';
import type { Me } from '../api/schemas';
import { surveysApi, type QuestionKind } from '../surveysApi';
import './surveys.css';

const MAX_QUESTIONS = 20;
const KINDS: QuestionKind[] = ['single', 'multiple', 'rating', 'text'];

interface Draft {
  key: number;
  kind: QuestionKind;
  text: string;
  /** One choice a line. */
  choices: string;
  required: boolean;
}

let nextKey = 1;
const blank = (): Draft => ({ key: nextKey++, kind: 'single', text: '', choices: '', required: false });

export function ComposeSurveyScreen() {
  useTitle(t('surveys.new'));
  return (
    <>
      <BackLink href="/surveys" label={t('surveys.title')} />
      <h1 tabIndex={-1}>{t('surveys.new')}</h1>
      <RequireSignIn>{(me) => (me.actions.write_surveys ? <Compose me={me} /> : <p>{t('surveys.mayNotWrite')}</p>)}</RequireSignIn>
    </>
  );
}

/** The schemes the writer may ask: a coordinator's own, or every active scheme of a liaison's force. */
function useSchemeChoices(me: Me): { id: number; name: string }[] {
  const [schemes, setSchemes] = useState<{ id: number; name: string }[]>([]);
  useEffect(() => {
    const force = liaisonForce(me);
    if (force) {
      api.schemes({ force, status: 'active', page_size: 100 }).then((page) => setSchemes(page.results), () => setSchemes([]));
      return;
    }
    Promise.all(me.actions.send_surveys_to.map((id) => api.scheme(id))).then(setSchemes, () => setSchemes([]));
  }, [me]);
  return schemes;
}

function Compose({ me }: { me: Me }) {
  const choices = useSchemeChoices(me);
  const [title, setTitle] = useState('');
  const [intro, setIntro] = useState('');
  const [anonymous, setAnonymous] = useState(true);
  const [closesOn, setClosesOn] = useState('');
  const [chosen, setChosen] = useState<number[]>([]);
  const [questions, setQuestions] = useState<Draft[]>([blank()]);
  const submission = useSubmission();

  // A coordinator of one scheme asks that scheme.
  useEffect(() => {
    if (choices.length === 1) setChosen([choices[0].id]);
  }, [choices]);

  const change = (key: number, changes: Partial<Draft>) =>
    setQuestions((old) => old.map((question) => (question.key === key ? { ...question, ...changes } : question)));

  const submit = (event: Event) => {
    event.preventDefault();
    void submission.run(async () => {
      const closes = closesOn ? londonMidnight(closesOn, 1) : null;
      const survey = await surveysApi.create({
        title,
        intro,
        anonymous,
        closes_at: closes ? closes.toISOString() : null,
        schemes: chosen,
        questions: questions.map((question) => ({
          kind: question.kind,
          text: question.text,
          required: question.required,
          choices:
            question.kind === 'single' || question.kind === 'multiple'
              ? question.choices
                  .split('\n')
                  .map((choice) => choice.trim())
                  .filter(Boolean)
              : [],
        })),
      });
      navigate(`/surveys/${survey.id}`);
    });
  };

  return (
    <form noValidate onSubmit={submit}>
      <TextField label={t('surveys.form.title')} value={title} onValue={setTitle} maxLength={120} errors={submission.fieldErrors('title')} />
      <TextAreaField label={t('surveys.form.intro')} value={intro} onValue={setIntro} maxLength={2000} errors={submission.fieldErrors('intro')} />
      <CheckboxField label={t('surveys.form.anonymous')} hint={t('surveys.form.anonymousHint')} checked={anonymous} onChecked={setAnonymous} />
      <TextField
        label={t('surveys.form.closesOn')}
        hint={t('surveys.form.closesOnHint')}
        type="date"
        value={closesOn}
        onValue={setClosesOn}
        errors={submission.fieldErrors('closes_at')}
      />
      <fieldset class="survey-question">
        <legend>{t('surveys.form.schemes')}</legend>
        {submission.fieldErrors('schemes') && <p class="field-error">{submission.fieldErrors('schemes')!.join(' ')}</p>}
        {choices.map((scheme) => (
          <CheckboxField
            key={scheme.id}
            label={scheme.name}
            checked={chosen.includes(scheme.id)}
            onChecked={(checked) =>
              setChosen((old) => (checked ? [...old, scheme.id] : old.filter((id) => id !== scheme.id)))
            }
          />
        ))}
      </fieldset>
      <h2>{t('surveys.questions')}</h2>
      {questions.map((question, index) => (
        <fieldset key={question.key} class="survey-question">
          <legend>{t('surveys.form.question', { n: index + 1 })}</legend>
          <SelectField
            label={t('surveys.form.kind')}
            value={question.kind}
            onValue={(kind) => change(question.key, { kind: kind as QuestionKind })}
            choices={KINDS.map((kind) => ({ value: kind, label: t(`surveys.kind.${kind}`) }))}
          />
          <TextField label={t('surveys.form.text')} value={question.text} maxLength={300} onValue={(text) => change(question.key, { text })} />
          {(question.kind === 'single' || question.kind === 'multiple') && (
            <TextAreaField
              label={t('surveys.form.choices')}
              hint={t('surveys.form.choicesHint')}
              value={question.choices}
              onValue={(text) => change(question.key, { choices: text })}
            />
          )}
          <CheckboxField label={t('surveys.required')} checked={question.required} onChecked={(required) => change(question.key, { required })} />
          {questions.length > 1 && (
            <button
              type="button"
              class="button button--secondary button--small"
              onClick={() => setQuestions((old) => old.filter((other) => other.key !== question.key))}
            >
              {t('surveys.form.remove', { n: index + 1 })}
            </button>
          )}
        </fieldset>
      ))}
      {questions.length < MAX_QUESTIONS && (
        <p>
          <button type="button" class="button button--secondary" onClick={() => setQuestions((old) => [...old, blank()])}>
            {t('surveys.form.add')}
          </button>
        </p>
      )}
      <ErrorAlert messages={submission.otherErrors(['title', 'intro', 'closes_at', 'schemes'])} />
      <SubmitButton busy={submission.busy} busyText={t('surveys.saving')}>
        {t('surveys.form.save')}
      </SubmitButton>
    </form>
  );
}
