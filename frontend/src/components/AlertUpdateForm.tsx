// An update to a published alert: it goes to the same people, marked "Update", and the
// original is marked as replaced. Or its cancellation, with the reason. Both open in place
// of the buttons that opened them; what was sent is said there once they close.
// Both may be written in Welsh and English, as the alert was: an update starts with the
// alert's words in both its languages.

import { useEffect, useState } from 'preact/hooks';
import { adviceOf, type AlertAdvice } from '../alertGuidance';
import { otherLanguage, ownLanguage } from '../alertText';
import { useDismiss } from '../dismiss';
import { api, ApiError } from '../api';
import {
  fromLocalInput,
  SEVERITIES,
  SEVERITY_HINTS,
  SEVERITY_LABELS,
  toLocalInput,
  URGENCIES,
  URGENCY_HINTS,
  URGENCY_LABELS,
} from '../format';
import { clearFieldErrors, useSubmission } from '../hooks';
import { languageTag, t, type Language } from '../i18n';
import type { Alert, AlertChanges, Severity, Urgency } from '../api/schemas';
import {
  TRANSLATION_ERROR_FIELDS,
  TranslationFields,
  translationInput,
  translationProblems,
  translationState,
  WrittenInField,
  type TranslationState,
} from './AlertTranslationFields';
import { ErrorAlert, SelectField, SubmitButton, TextAreaField, TextField } from './FormField';

const SHOWN = ['title', 'body', 'instruction', 'severity', 'urgency', 'expires_at', ...TRANSLATION_ERROR_FIELDS] as const;

function sameTranslation(a: ReturnType<typeof translationInput>, b: Alert['translation'] | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.title === b.title && a.body === b.body && a.instruction === (b.instruction ?? '');
}

/** `onDone` is told what was sent, once it is, to say so in place of the form. */
export function AlertUpdateForm({
  alert,
  onClose,
  onDone,
}: {
  alert: Alert;
  onClose: () => void;
  onDone: (message: string) => Promise<void>;
}) {
  const submission = useSubmission();
  // Escape closes the form as Cancel does, and focus goes back to the button that opened it.
  const { ref: formRef, close, onKeyDown } = useDismiss<HTMLFormElement>(onClose);
  const originalExpiry = toLocalInput(new Date(alert.expires_at));
  const originalLanguage = ownLanguage(alert);
  const [written, setWritten] = useState<Language>(originalLanguage);
  const [title, setTitle] = useState(alert.title);
  const [body, setBody] = useState(alert.body);
  const originalInstruction = adviceOf(alert).instruction ?? '';
  const [instruction, setInstruction] = useState(originalInstruction);
  const [translation, setTranslation] = useState<TranslationState>(() => translationState(alert.translation));
  const [severity, setSeverity] = useState<string>(alert.severity);
  const [urgency, setUrgency] = useState<string>(alert.urgency);
  const [expires, setExpires] = useState(originalExpiry);

  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('input:not([type="radio"]), textarea')?.focus();
  }, []);

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      const changes: AlertChanges & Partial<Pick<AlertAdvice, 'instruction'>> = {};
      const problems: Record<string, string[]> = {};
      if (!title.trim()) problems.title = [t('alertUpdate.problem.title')];
      if (!body.trim()) problems.body = [t('alertUpdate.problem.body')];
      Object.assign(problems, translationProblems(translation, otherLanguage(written)));
      if (title.trim() !== alert.title) changes.title = title.trim();
      if (body.trim() !== alert.body) changes.body = body.trim();
      // Emptied, the instructions stay as they were: an update always says what to do.
      if (instruction.trim() && instruction.trim() !== originalInstruction) changes.instruction = instruction.trim();
      if (written !== originalLanguage) changes.language = written;
      const translated = translationInput(translation);
      // An update with new words carries only the translation it is sent with (the alert's
      // would say what is no longer so), so it is always sent then; null takes it away.
      const newWords = 'title' in changes || 'body' in changes || 'instruction' in changes || 'language' in changes;
      if (newWords || !sameTranslation(translated, alert.translation)) changes.translation = translated;
      if (severity !== alert.severity) changes.severity = severity as Severity;
      if (urgency !== alert.urgency) changes.urgency = urgency as Urgency;
      if (expires !== originalExpiry) {
        const moment = fromLocalInput(expires);
        if (!moment) problems.expires_at = [t('alertUpdate.problem.expiresFormat')];
        else if (moment.getTime() <= Date.now()) problems.expires_at = [t('composeAlert.problem.expiresPast')];
        else changes.expires_at = moment.toISOString();
      }
      if (!Object.keys(problems).length && !Object.keys(changes).length) {
        problems.body = [t('alertUpdate.problem.nothingChanged')];
      }
      if (Object.keys(problems).length) throw new ApiError(400, problems, []);
      await api.updateAlert(alert.id, changes);
      await onDone(t('alertUpdate.done'));
    });
  };

  const tag = languageTag(written);
  return (
    <form ref={formRef} class="panel" onSubmit={onSubmit} onKeyDown={onKeyDown} noValidate aria-labelledby="update-heading">
      <h3 id="update-heading">{t('alertUpdate.heading')}</h3>
      <p>{t('alertUpdate.intro')}</p>
      <ErrorAlert messages={submission.otherErrors(SHOWN)} />
      <WrittenInField
        value={written}
        onValue={(lang) => {
          setWritten(lang);
          clearFieldErrors(submission, 'language', 'translation');
        }}
        errors={submission.fieldErrors('language')}
      />
      <TextField
        label={t('composeAlert.title')}
        lang={tag}
        required
        maxLength={120}
        value={title}
        onValue={setTitle}
        errors={submission.fieldErrors('title')}
      />
      <TextAreaField
        label={t('composeAlert.message')}
        hint={t('alertUpdate.messageHint')}
        lang={tag}
        required
        rows={5}
        maxLength={4000}
        value={body}
        onValue={setBody}
        errors={submission.fieldErrors('body')}
      />
      <TextAreaField
        label={t('composeAlert.instructions')}
        hint={t('alertUpdate.instructionsHint')}
        lang={tag}
        rows={3}
        maxLength={1000}
        value={instruction}
        onValue={setInstruction}
        errors={submission.fieldErrors('instruction')}
      />
      <TranslationFields
        written={written}
        state={translation}
        onState={(next, edited) => {
          setTranslation(next);
          if (edited === 'included') clearFieldErrors(submission, ...TRANSLATION_ERROR_FIELDS);
          else if (next[edited].trim() || edited === 'instruction') clearFieldErrors(submission, `translation.${edited}`);
        }}
        errorsFor={submission.fieldErrors}
        rows={3}
      />
      <SelectField
        label={t('alert.severity')}
        value={severity}
        onValue={setSeverity}
        choices={SEVERITIES.map((value) => ({ value, label: `${SEVERITY_LABELS[value]}: ${SEVERITY_HINTS[value]}` }))}
        errors={submission.fieldErrors('severity')}
      />
      <SelectField
        label={t('alert.urgency')}
        value={urgency}
        onValue={setUrgency}
        choices={URGENCIES.map((value) => ({ value, label: `${URGENCY_LABELS[value]}: ${URGENCY_HINTS[value]}` }))}
        errors={submission.fieldErrors('urgency')}
      />
      <TextField
        label={t('alert.expires')}
        type="datetime-local"
        value={expires}
        onValue={setExpires}
        errors={submission.fieldErrors('expires_at')}
      />
      <div class="button-row">
        <SubmitButton busy={submission.busy} busyText={t('alertUpdate.publishing')}>
          {t('alertUpdate.publish')}
        </SubmitButton>
        <button type="button" class="button button--secondary" onClick={close}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

export function AlertCancelForm({
  alert,
  onClose,
  onDone,
}: {
  alert: Alert;
  onClose: () => void;
  onDone: (message: string) => Promise<void>;
}) {
  const submission = useSubmission();
  const [reason, setReason] = useState('');
  const written = ownLanguage(alert);
  // The reason in the other language, under the title the alert has in it (or one typed
  // here): asked for at once when the alert was in both.
  const [translation, setTranslation] = useState<TranslationState>(() => ({
    ...translationState(alert.translation),
    body: '',
    instruction: '',
  }));
  const { ref: formRef, close, onKeyDown } = useDismiss<HTMLFormElement>(onClose);
  const other = otherLanguage(written);

  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('textarea')?.focus();
  }, []);

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      const problems: Record<string, string[]> = {};
      if (!reason.trim()) problems.body = [t('alertCancel.problem.reason')];
      Object.assign(
        problems,
        translationProblems(
          translation,
          other,
          ['title', 'body'],
          other === 'cy' ? t('alertCancel.problem.reasonMissing.cy') : t('alertCancel.problem.reasonMissing.en'),
        ),
      );
      if (Object.keys(problems).length) throw new ApiError(400, problems, []);
      await api.cancelAlert(alert.id, {
        body: reason.trim(),
        ...(translation.included ? { translation: translationInput(translation) } : {}),
      });
      await onDone(t('alertCancel.done'));
    });
  };

  return (
    <form ref={formRef} class="panel panel--danger" onSubmit={onSubmit} onKeyDown={onKeyDown} noValidate aria-labelledby="cancel-heading">
      <h3 id="cancel-heading">{t('alertCancel.heading')}</h3>
      <ErrorAlert messages={submission.otherErrors(['body', ...TRANSLATION_ERROR_FIELDS])} />
      <TextAreaField
        label={t('alertCancel.reason')}
        hint={t('alertCancel.reasonHint')}
        lang={languageTag(written)}
        rows={3}
        maxLength={4000}
        value={reason}
        onValue={setReason}
        errors={submission.fieldErrors('body')}
      />
      <TranslationFields
        written={written}
        state={translation}
        onState={(next, edited) => {
          setTranslation(next);
          if (edited === 'included') clearFieldErrors(submission, ...TRANSLATION_ERROR_FIELDS);
          else if (edited !== 'instruction' && next[edited].trim()) clearFieldErrors(submission, `translation.${edited}`);
        }}
        errorsFor={submission.fieldErrors}
        fields={alert.translation ? ['body'] : ['title', 'body']}
        bodyLabel={other === 'cy' ? t('alertCancel.reasonIn.cy') : t('alertCancel.reasonIn.en')}
        rows={3}
      />
      {/* Keeping the alert comes first: the destructive button is never the first. */}
      <div class="button-row">
        <button type="button" class="button button--secondary" onClick={close}>
          {t('alertCancel.keep')}
        </button>
        <SubmitButton busy={submission.busy} busyText={t('alertCancel.cancelling')} class="button button--danger">
          {t('alertCancel.submit')}
        </SubmitButton>
      </div>
    </form>
  );
}
