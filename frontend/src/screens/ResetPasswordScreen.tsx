import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorAlert, SubmitButton, TextField } from '../components/FormField';
import { useSubmission, useTitle } from '../hooks';
import { useSession } from '../session';

export function ResetPasswordScreen({ uid, token }: { uid: string; token: string }) {
  useTitle('Choose a new password');
  const { goWithMessage } = useSession();
  const [password, setPassword] = useState('');
  const submission = useSubmission();

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      await api.passwordResetConfirm({ uid, token, new_password: password });
      goWithMessage('/signin', 'Your password has been changed. Sign in with your new password.');
    });
  };

  const linkProblem = !!(submission.fieldErrors('uid') || submission.fieldErrors('token'));

  return (
    <section class="narrow">
      <h1 tabIndex={-1}>Choose a new password</h1>
      <form onSubmit={onSubmit} noValidate>
        <ErrorAlert messages={submission.otherErrors(['new_password'])} />
        {linkProblem && (
          <p>
            <a href="/forgot-password">Ask for a new reset link</a>
          </p>
        )}
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          hint="At least 8 characters. Not only numbers, and not a common password."
          required
          value={password}
          onValue={setPassword}
          errors={submission.fieldErrors('new_password')}
        />
        <SubmitButton busy={submission.busy}>Set new password</SubmitButton>
      </form>
    </section>
  );
}
