import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorAlert, SubmitButton, TextField } from '../components/FormField';
import { safeNext, useSubmission, useTitle } from '../hooks';
import { useLocation } from '../router';
import { isCoordinator, isLiaison, useSession } from '../session';
import type { Me } from '../types';

/** Where signing in takes someone who was not on their way somewhere: a coordinator to
 * My schemes (with the join requests waiting), a liaison to the review queue, anyone else to
 * the directory. */
function homeOf(me: Me): string {
  if (isLiaison(me)) return '/review';
  if (isCoordinator(me)) return '/my-schemes';
  return '/';
}

export function SignInScreen() {
  useTitle('Sign in');
  const { me, setMe, goWithMessage } = useSession();
  const { query } = useLocation();
  const next = safeNext(query.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submission = useSubmission();

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      const signedIn = await api.login({ email: email.trim(), password });
      setMe(signedIn);
      goWithMessage(query.get('next') ? next : homeOf(signedIn), `You are signed in as ${signedIn.name || signedIn.email}.`);
    });
  };

  return (
    <section class="narrow">
      <h1 tabIndex={-1}>Sign in</h1>
      {me && (
        <p class="notice">
          You are signed in as {me.name || me.email}. <a href="/my-schemes">Go to my schemes</a>.
        </p>
      )}
      <form onSubmit={onSubmit} noValidate>
        <ErrorAlert messages={submission.otherErrors(['email', 'password'])} />
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
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onValue={setPassword}
          errors={submission.fieldErrors('password')}
        />
        <SubmitButton busy={submission.busy}>Sign in</SubmitButton>
      </form>
      <p>
        <a href="/forgot-password">Forgot your password?</a>
      </p>
      <p>
        New to Patchwatch? <a href={`/signup${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>Create an account</a>
      </p>
    </section>
  );
}
