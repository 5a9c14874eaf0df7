// "/profile/password" — change the password. This device stays signed in; every other
// device and app signed in to the account is signed out.

import { useState } from 'preact/hooks';
import { accountApi } from '../api';
import { BackLink } from '../components/BackLink';
import { ErrorAlert, SubmitButton, TextField } from '../components/FormField';
import { RequireSignIn } from '../components/RequireSignIn';
import { useSubmission, useTitle } from '../hooks';
import { useSession } from '../session';

export function ChangePasswordScreen() {
  useTitle('Change password');
  return (
    <section class="narrow">
      <BackLink href="/profile" label="Profile" />
      <h1 tabIndex={-1}>Change password</h1>
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
        'Your password has been changed. Every other device and app signed in to your account has been signed out.',
      );
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <p>This phone or computer stays signed in. Every other device and app signed in to your account will be signed out.</p>
      <ErrorAlert messages={submission.otherErrors(['current_password', 'new_password'])} />
      <TextField
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        value={current}
        onValue={setCurrent}
        errors={submission.fieldErrors('current_password')}
      />
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        hint="At least 8 characters. Not only numbers, not a common password, and not like your name or email."
        required
        value={next}
        onValue={setNext}
        errors={submission.fieldErrors('new_password')}
      />
      <SubmitButton busy={submission.busy}>Change password</SubmitButton>
      <p>
        <a href="/forgot-password">Forgotten your current password?</a>
      </p>
    </form>
  );
}
