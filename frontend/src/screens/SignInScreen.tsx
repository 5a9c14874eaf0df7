import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { AuthenticatorCodeField, ErrorAlert, SubmitButton, TextField } from '../components/FormField';
import { safeNext, useSubmission, useTitle } from '../hooks';
import { useLocation } from '../router';
import { useSession } from '../session';
import type { Me } from '../api/schemas';

/** Where signing in takes someone who was not on their way somewhere: a coordinator to
 * My schemes (with the join requests waiting), a liaison to the review queue, anyone else to
 * the directory. */
function homeOf(me: Me): string {
  if (me.two_factor_required && !me.two_factor_enabled) return '/profile/two-factor';
  if (me.actions.review_schemes) return '/review';
  if (me.actions.decide_join_requests) return '/my-schemes';
  return '/';
}

export function SignInScreen() {
  useTitle('Sign in');
  const { me, setMe, goWithMessage } = useSession();
  const { query } = useLocation();
  const next = safeNext(query.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  // After the password step, for accounts with two-factor sign-in: the code step.
  const [codeStep, setCodeStep] = useState(false);
  const submission = useSubmission();

  const signedIn = (who: Me) => {
    setMe(who);
    const forced = who.two_factor_required && !who.two_factor_enabled;
    goWithMessage(
      query.get('next') && !forced ? next : homeOf(who),
      `You are signed in as ${who.name || who.email}.`,
    );
  };

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      const answer = await api.login({ email: email.trim(), password });
      if ('otp_required' in answer) {
        setPassword('');
        setCodeStep(true);
        return;
      }
      signedIn(answer);
    });
  };

  if (codeStep) {
    return (
      <section class="narrow">
        <h1 tabIndex={-1}>Enter your code</h1>
        <CodeStep onSignedIn={signedIn} onRestart={() => setCodeStep(false)} />
      </section>
    );
  }

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

/** The second step of signing in: the code from the authenticator app, or a recovery code. */
function CodeStep({ onSignedIn, onRestart }: { onSignedIn: (me: Me) => void; onRestart: () => void }) {
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState(false);
  const submission = useSubmission();

  useEffect(() => {
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, []);

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => onSignedIn(await api.loginCode(code.trim())));
  };

  const switchMethod = () => {
    setRecovery(!recovery);
    setCode('');
    submission.setError(null);
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <p>
        {recovery
          ? 'Enter one of the recovery codes you saved when you set up two-factor sign-in. Each code works once.'
          : 'Open your authenticator app and enter the 6-digit code it shows for Patchwatch.'}
      </p>
      <ErrorAlert messages={submission.otherErrors(['code'])} />
      {recovery ? (
        <TextField
          key="recovery"
          label="Recovery code"
          autoComplete="off"
          autoCapitalize="none"
          spellcheck={false}
          required
          value={code}
          onValue={setCode}
          errors={submission.fieldErrors('code')}
        />
      ) : (
        <AuthenticatorCodeField
          key="totp"
          label="Code from your authenticator app"
          value={code}
          onValue={setCode}
          errors={submission.fieldErrors('code')}
        />
      )}
      <SubmitButton busy={submission.busy}>Sign in</SubmitButton>
      <p>
        <button type="button" class="button button--secondary" onClick={switchMethod}>
          {recovery ? 'Use a code from your authenticator app' : 'Use a recovery code'}
        </button>
      </p>
      <p>
        <button type="button" class="button button--secondary" onClick={onRestart}>
          Start again
        </button>
      </p>
      <p class="two-factor__hint">Lost your phone and your recovery codes? Ask Patchwatch staff to reset two-factor sign-in for you.</p>
    </form>
  );
}
