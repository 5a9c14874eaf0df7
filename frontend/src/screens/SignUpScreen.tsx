import { useState } from 'preact/hooks';
import { api, isReplayedAnswer } from '../api';
import { ErrorAlert, SubmitButton, TextField } from '../components/FormField';
import { safeNext, useSubmission, useTitle } from '../hooks';
import { useLocation } from '../router';
import { useSession } from '../session';

const FIELDS = ['name', 'email', 'password', 'phone', 'postcode'] as const;

export function SignUpScreen() {
  useTitle('Sign up');
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
          goWithMessage('/signin', 'Your account is ready. Sign in to continue.');
          return;
        }
        created = signedIn;
      }
      setMe(created);
      goWithMessage(next, `Welcome to Patchwatch, ${created.name}. Your account is ready.`);
    });
  };

  return (
    <section class="narrow">
      <h1 tabIndex={-1}>Sign up</h1>
      <p>Create an account to join a watch scheme near you or propose a new one.</p>
      <form onSubmit={onSubmit} noValidate>
        <ErrorAlert messages={submission.otherErrors(FIELDS)} />
        <TextField label="Full name" autoComplete="name" required value={values.name} onValue={set('name')} errors={submission.fieldErrors('name')} />
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          inputMode="email"
          required
          value={values.email}
          onValue={set('email')}
          errors={submission.fieldErrors('email')}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="At least 8 characters. Not only numbers, and not a common password."
          required
          value={values.password}
          onValue={set('password')}
          errors={submission.fieldErrors('password')}
        />
        <TextField
          label="Phone (optional)"
          type="tel"
          autoComplete="tel"
          hint="Only coordinators of schemes you join can see it."
          value={values.phone}
          onValue={set('phone')}
          errors={submission.fieldErrors('phone')}
        />
        <TextField
          label="Home postcode (optional)"
          autoComplete="postal-code"
          hint="Helps coordinators know you live in their area."
          value={values.postcode}
          onValue={set('postcode')}
          errors={submission.fieldErrors('postcode')}
        />
        <SubmitButton busy={submission.busy}>Sign up</SubmitButton>
      </form>
      <p>
        Already have an account? <a href="/signin">Sign in</a>
      </p>
    </section>
  );
}
