import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { AuthenticatorCodeField, ErrorAlert, SubmitButton, TextField } from '../components/FormField';
import { safeNext, useSubmission, useTitle } from '../hooks';
import { useLocation } from '../router';
import { useSession } from '../session';
import type { Me } from '../api/schemas';
import { t } from '../i18n';

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
  useTitle(t('signIn.title'));
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
      t('signIn.signedInAs', { name: who.name || who.email }),
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
        <h1 tabIndex={-1}>{t('signIn.codeTitle')}</h1>
        <CodeStep onSignedIn={signedIn} onRestart={() => setCodeStep(false)} />
      </section>
    );
  }

  return (
    <section class="narrow">
      <h1 tabIndex={-1}>{t('signIn.title')}</h1>
      {me && (
        <p class="notice">
          {t('signIn.signedInAs', { name: me.name || me.email })} <a href="/my-schemes">{t('signIn.toMySchemes')}</a>
        </p>
      )}
      <form onSubmit={onSubmit} noValidate>
        <ErrorAlert messages={submission.otherErrors(['email', 'password'])} />
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
        <TextField
          label={t('fields.password')}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onValue={setPassword}
          errors={submission.fieldErrors('password')}
        />
        <SubmitButton busy={submission.busy}>{t('signIn.submit')}</SubmitButton>
      </form>
      <p>
        <a href="/forgot-password">{t('signIn.forgot')}</a>
      </p>
      <p>
        {t('signIn.new')} <a href={`/signup${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>{t('signIn.create')}</a>
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
          ? t('signIn.recoveryIntro')
          : t('signIn.codeIntro')}
      </p>
      <ErrorAlert messages={submission.otherErrors(['code'])} />
      {recovery ? (
        <TextField
          key="recovery"
          label={t('signIn.recoveryCode')}
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
          label={t('signIn.appCode')}
          value={code}
          onValue={setCode}
          errors={submission.fieldErrors('code')}
        />
      )}
      <SubmitButton busy={submission.busy}>{t('signIn.submit')}</SubmitButton>
      <p>
        <button type="button" class="button button--secondary" onClick={switchMethod}>
          {recovery ? t('signIn.useAppCode') : t('signIn.useRecovery')}
        </button>
      </p>
      <p>
        <button type="button" class="button button--secondary" onClick={onRestart}>
          {t('signIn.startAgain')}
        </button>
      </p>
      <p class="two-factor__hint">{t('signIn.lostPhone')}</p>
    </form>
  );
}
