import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorAlert, SubmitButton, TextField } from '../components/FormField';
import { useSubmission, useTitle } from '../hooks';
import { useSession } from '../session';
import { t } from '../i18n';

export function ResetPasswordScreen({ uid, token }: { uid: string; token: string }) {
  useTitle(t('reset.title'));
  const { goWithMessage } = useSession();
  const [password, setPassword] = useState('');
  const submission = useSubmission();

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      await api.passwordResetConfirm({ uid, token, new_password: password });
      goWithMessage('/signin', t('reset.done'));
    });
  };

  const linkProblem = !!(submission.fieldErrors('uid') || submission.fieldErrors('token'));

  return (
    <section class="narrow">
      <h1 tabIndex={-1}>{t('reset.title')}</h1>
      <form onSubmit={onSubmit} noValidate>
        <ErrorAlert messages={submission.otherErrors(['new_password'])} />
        {linkProblem && (
          <p>
            <a href="/forgot-password">{t('reset.askAgain')}</a>
          </p>
        )}
        <TextField
          label={t('reset.newPassword')}
          type="password"
          autoComplete="new-password"
          hint={t('signUp.passwordHint')}
          required
          value={password}
          onValue={setPassword}
          errors={submission.fieldErrors('new_password')}
        />
        <SubmitButton busy={submission.busy}>{t('reset.submit')}</SubmitButton>
      </form>
    </section>
  );
}
