import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorAlert, SubmitButton, TextField } from '../components/FormField';
import { RequireSignIn } from '../components/RequireSignIn';
import { useSubmission, useTitle } from '../hooks';
import { useSession } from '../session';
import type { Me } from '../types';

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
  const { setMe, announce } = useSession();
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
      announce('Your profile has been saved.');
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
      </form>
    </>
  );
}
