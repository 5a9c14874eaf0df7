import { useState } from 'preact/hooks';
import { api } from '../api';
import { ActionResult } from '../components/ActionResult';
import { ErrorAlert, SubmitButton, TextField } from '../components/FormField';
import { useSubmission, useTitle } from '../hooks';
import { t } from '../i18n';

export function ForgotPasswordScreen() {
  useTitle(t('forgot.title'));
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const submission = useSubmission();

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      const answer = await api.passwordReset(email.trim());
      setSent(true);
      // Said where the form was; it takes focus, the form being gone.
      return answer?.detail || t('forgot.sent');
    });
  };

  return (
    <section class="narrow">
      <h1 tabIndex={-1}>{t('forgot.title')}</h1>
      <ActionResult result={submission.result} />
      {!sent && (
        <>
          <p>{t('forgot.intro')}</p>
          <form onSubmit={onSubmit} noValidate>
            <ErrorAlert messages={submission.otherErrors(['email'])} />
            <TextField
              label={t('fields.email')}
              type="email"
              autoComplete="email"
              inputMode="email"
              required
              value={email}
              onValue={setEmail}
              errors={submission.fieldErrors('email')}
            />
            <SubmitButton busy={submission.busy}>{t('forgot.submit')}</SubmitButton>
          </form>
        </>
      )}
      <p>
        <a href="/signin">{t('forgot.back')}</a>
      </p>
    </section>
  );
}
