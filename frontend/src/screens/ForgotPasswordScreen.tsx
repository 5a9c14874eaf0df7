import { useState } from 'preact/hooks';
import { api } from '../api';
import { ActionResult } from '../components/ActionResult';
import { ErrorAlert, SubmitButton, TextField } from '../components/FormField';
import { useSubmission, useTitle } from '../hooks';

export function ForgotPasswordScreen() {
  useTitle('Forgot your password');
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const submission = useSubmission();

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      const answer = await api.passwordReset(email.trim());
      setSent(true);
      // Said where the form was; it takes focus, the form being gone.
      return answer?.detail || 'If an account uses that email, we have sent it a link to reset the password. Check your inbox.';
    });
  };

  return (
    <section class="narrow">
      <h1 tabIndex={-1}>Forgot your password</h1>
      <ActionResult result={submission.result} />
      {!sent && (
        <>
          <p>Enter the email you signed up with and we will send you a link to choose a new password.</p>
          <form onSubmit={onSubmit} noValidate>
            <ErrorAlert messages={submission.otherErrors(['email'])} />
            <TextField
              label="Email"
              type="email"
              autoComplete="email"
              inputMode="email"
              required
              value={email}
              onValue={setEmail}
              errors={submission.fieldErrors('email')}
            />
            <SubmitButton busy={submission.busy}>Send reset link</SubmitButton>
          </form>
        </>
      )}
      <p>
        <a href="/signin">Back to sign in</a>
      </p>
    </section>
  );
}
