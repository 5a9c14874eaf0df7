import { useState } from 'preact/hooks';
import { api } from '../api';
import { ActionResult } from '../components/ActionResult';
import { ErrorAlert, SubmitButton, TextField } from '../components/FormField';
import { RequireSignIn } from '../components/RequireSignIn';
import { useSubmission, useTitle } from '../hooks';
import { useSession } from '../session';
import type { Me } from '../api/schemas';

export function ProfileScreen() {
  useTitle('Profile');
  return (
    <section class="narrow">
      <h1 tabIndex={-1}>Profile</h1>
      <RequireSignIn>{(me) => <ProfileForm me={me} />}</RequireSignIn>
    </section>
  );
}

function ProfileForm({ me }: { me: Me }) {
  const { setMe } = useSession();
  const [values, setValues] = useState({ name: me.name, phone: me.phone ?? '', postcode: me.postcode ?? '' });
  const submission = useSubmission();
  const set = (field: keyof typeof values) => (value: string) => setValues((old) => ({ ...old, [field]: value }));

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      const saved = await api.updateMe({
        name: values.name.trim(),
        phone: values.phone.trim(),
        postcode: values.postcode.trim(),
      });
      setMe(saved);
      setValues({ name: saved.name, phone: saved.phone ?? '', postcode: saved.postcode ?? '' });
      return 'Your profile has been saved.';
    });
  };

  return (
    <>
      <dl class="facts">
        <div>
          <dt>Email</dt>
          <dd>{me.email}</dd>
        </div>
        {me.liaison && (
          <div>
            <dt>Police liaison for</dt>
            <dd>{me.liaison.force_name}</dd>
          </div>
        )}
      </dl>
      <form onSubmit={onSubmit} noValidate>
        <ErrorAlert messages={submission.otherErrors(['name', 'phone', 'postcode'])} />
        <TextField label="Full name" autoComplete="name" required value={values.name} onValue={set('name')} errors={submission.fieldErrors('name')} />
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
          value={values.postcode}
          onValue={set('postcode')}
          errors={submission.fieldErrors('postcode')}
        />
        <SubmitButton busy={submission.busy}>Save changes</SubmitButton>
        <ActionResult result={submission.result} />
      </form>
      <AccountLinks me={me} />
    </>
  );
}

function AccountLinks({ me }: { me: Me }) {
  return (
    <section aria-labelledby="account-heading">
      <h2 id="account-heading">Your account</h2>
      {me.pending_email && (
        <p class="notice notice--pending">
          A link was sent to {me.pending_email}. Your email address changes when you follow it.
        </p>
      )}
      <ul class="hub-links">
        <li>
          <a class="hub-link" href="/profile/password">
            <span class="hub-link__label">Change password</span>
            <span class="hub-link__detail">Signs out your other devices.</span>
          </a>
        </li>
        <li>
          <a class="hub-link" href="/profile/two-factor">
            <span class="hub-link__label">Two-factor sign-in</span>
            <span class="hub-link__detail">A code from your phone as well as your password.</span>
          </a>
        </li>
        <li>
          <a class="hub-link" href="/profile/email">
            <span class="hub-link__label">Change email address</span>
            <span class="hub-link__detail">Confirmed by a link sent to the new address.</span>
          </a>
        </li>
        <li>
          <a class="hub-link" href={api.myDataExportUrl()} download>
            <span class="hub-link__label">Download my data</span>
            <span class="hub-link__detail">A ZIP of everything we hold about you, as spreadsheet (CSV) and JSON files.</span>
          </a>
        </li>
        <li>
          <a class="hub-link hub-link--danger" href="/profile/delete">
            <span class="hub-link__label">Delete account</span>
            <span class="hub-link__detail">What happens to your data, and how.</span>
          </a>
        </li>
      </ul>
    </section>
  );
}
