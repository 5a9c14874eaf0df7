import { useState } from 'preact/hooks';
import { api, isReplayedAnswer } from '../api';
import { ErrorAlert, SubmitButton, TextField } from '../components/FormField';
import { safeNext, useSubmission, useTitle } from '../hooks';
import { useLocation } from '../router';
import { useSession } from '../session';
import { language, t } from '../i18n';

const FIELDS = ['name', 'email', 'password', 'phone', 'postcode'] as const;

export function SignUpScreen() {
  useTitle(t('signUp.title'));
  const { setMe, goWithMessage } = useSession();
  const { query } = useLocation();
  const next = safeNext(query.get('next'));
  const [values, setValues] = useState({ name: '', email: '', password: '', phone: '', postcode: '' });
  const submission = useSubmission();
  const set = (field: keyof typeof values) => (value: string) => setValues((old) => ({ ...old, [field]: value }));

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      const body = {
        name: values.name.trim(),
        email: values.email.trim(),
        password: values.password,
        // The language the app speaks now becomes theirs.
        language: language(),
        ...(values.phone.trim() ? { phone: values.phone.trim() } : {}),
        ...(values.postcode.trim() ? { postcode: values.postcode.trim() } : {}),
      };
      let created = await api.signup(body);
      // A repeat of a sign-up whose answer was lost: the account was made by the first
      // attempt, but the session it started went with that answer. Sign in to it.
      if (isReplayedAnswer(created)) {
        const signedIn = await api.login({ email: body.email, password: body.password });
        // A new account has no second factor yet; should it have one, the sign-in screen asks.
        if ('otp_required' in signedIn) {
          goWithMessage('/signin', t('signUp.readySignIn'));
          return;
        }
        created = signedIn;
      }
      setMe(created);
      goWithMessage(next, t('signUp.welcome', { name: created.name }));
    });
  };

  return (
    <section class="narrow">
      <h1 tabIndex={-1}>{t('signUp.title')}</h1>
      <p>{t('signUp.intro')}</p>
      <form onSubmit={onSubmit} noValidate>
        <ErrorAlert messages={submission.otherErrors(FIELDS)} />
        <TextField label={t('signUp.fullName')} autoComplete="name" required value={values.name} onValue={set('name')} errors={submission.fieldErrors('name')} />
        <TextField
          label={t('fields.email')}
          type="email"
          autoComplete="email"
          inputMode="email"
          required
          value={values.email}
          onValue={set('email')}
          errors={submission.fieldErrors('email')}
        />
        <TextField
          label={t('fields.password')}
          type="password"
          autoComplete="new-password"
          hint={t('signUp.passwordHint')}
          required
          value={values.password}
          onValue={set('password')}
          errors={submission.fieldErrors('password')}
        />
        <TextField
          label={t('fields.phoneOptional')}
          type="tel"
          autoComplete="tel"
          hint={t('fields.phoneHint')}
          value={values.phone}
          onValue={set('phone')}
          errors={submission.fieldErrors('phone')}
        />
        <TextField
          label={t('fields.postcodeOptional')}
          autoComplete="postal-code"
          hint={t('fields.postcodeHint')}
          value={values.postcode}
          onValue={set('postcode')}
          errors={submission.fieldErrors('postcode')}
        />
        <SubmitButton busy={submission.busy}>{t('signUp.submit')}</SubmitButton>
      </form>
      <p>
        {t('signUp.haveAccount')} <a href="/signin">{t('nav.signIn')}</a>
      </p>
    </section>
  );
}
