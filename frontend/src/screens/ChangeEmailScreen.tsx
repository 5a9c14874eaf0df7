// "/profile/email" — move the account to another email address. A link goes to the new
// address; the account keeps its old address until the link is followed.

import { useState } from 'preact/hooks';
import { accountApi } from '../api';
import { BackLink } from '../components/BackLink';
import { ErrorAlert, SubmitButton, TextField } from '../components/FormField';
import { RequireSignIn } from '../components/RequireSignIn';
import { useSubmission, useTitle } from '../hooks';
import { useSession } from '../session';
import type { Me } from '../api/schemas';

export function ChangeEmailScreen() {
  useTitle('Change email address');
  return (
    <section class="narrow">
      <BackLink href="/profile" label="Profile" />
      <h1 tabIndex={-1}>Change email address</h1>
      <RequireSignIn>{(me) => <ChangeEmailForm me={me} />}</RequireSignIn>
    </section>
  );
}

function ChangeEmailForm({ me }: { me: Me }) {
  const { refreshMe, goWithMessage } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submission = useSubmission();

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      const answer = await accountApi.changeEmail({ new_email: email.trim(), password });
      await refreshMe();
      goWithMessage('/profile', `${answer.detail} Check that inbox.`);
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <dl class="facts">
        <div>
          <dt>Your email address now</dt>
          <dd>{me.email}</dd>
        </div>
      </dl>
      {me.pending_email && (
        <p class="notice notice--pending">
          A link was sent to {me.pending_email} and has not been followed yet. Asking again replaces it.
        </p>
      )}
      <p>We will send a link to the new address. Your address changes only when you follow that link, and we tell your old address when it has.</p>
      <ErrorAlert messages={submission.otherErrors(['new_email', 'password'])} />
      <TextField
        label="New email address"
        type="email"
        autoComplete="email"
        inputMode="email"
        required
        value={email}
        onValue={setEmail}
        errors={submission.fieldErrors('new_email')}
      />
      <TextField
        label="Your password"
        type="password"
        autoComplete="current-password"
        hint="To check it is you."
        required
        value={password}
        onValue={setPassword}
        errors={submission.fieldErrors('password')}
      />
      <SubmitButton busy={submission.busy}>Send confirmation link</SubmitButton>
    </form>
  );
}
