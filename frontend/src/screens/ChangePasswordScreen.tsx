// "/profile/password" — change the password. This device stays signed in; every other
// device and app signed in to the account is signed out.

import { useState } from 'preact/hooks';
import { accountApi } from '../api';
import { BackLink } from '../components/BackLink';
import { ErrorAlert, SubmitButton, TextField } from '../components/FormField';
import { RequireSignIn } from '../components/RequireSignIn';
import { useSubmission, useTitle } from '../hooks';
import { useSession } from '../session';
import { t } from '../i18n';

export function ChangePasswordScreen() {
  useTitle(t('profile.changePassword'));
  return (
    <section class="narrow">
      <BackLink href="/profile" label={t('nav.profile')} />
      <h1 tabIndex={-1}>{t('profile.changePassword')}</h1>
      <RequireSignIn>{() => <ChangePasswordForm />}</RequireSignIn>
    </section>
  );
}

function ChangePasswordForm() {
  const { goWithMessage } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const submission = useSubmission();

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      await accountApi.changePassword({ current_password: current, new_password: next });
      goWithMessage(
        '/profile',
        t('changePassword.done'),
      );
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <p>{t('changePassword.intro')}</p>
      <ErrorAlert messages={submission.otherErrors(['current_password', 'new_password'])} />
      <TextField
        label={t('changePassword.current')}
        type="password"
        autoComplete="current-password"
        required
        value={current}
        onValue={setCurrent}
        errors={submission.fieldErrors('current_password')}
      />
      <TextField
        label={t('reset.newPassword')}
        type="password"
        autoComplete="new-password"
        hint={t('changePassword.hint')}
        required
        value={next}
        onValue={setNext}
        errors={submission.fieldErrors('new_password')}
      />
      <SubmitButton busy={submission.busy}>{t('profile.changePassword')}</SubmitButton>
      <p>
        <a href="/forgot-password">{t('changePassword.forgotten')}</a>
      </p>
    </form>
  );
}
