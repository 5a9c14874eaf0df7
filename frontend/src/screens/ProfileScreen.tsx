import { useState } from 'preact/hooks';
import { api } from '../api';
import { ActionResult } from '../components/ActionResult';
import { ErrorAlert, SubmitButton, TextField } from '../components/FormField';
import { RequireSignIn } from '../components/RequireSignIn';
import { useSubmission, useTitle } from '../hooks';
import { useSession } from '../session';
import type { Me } from '../api/schemas';
import { t } from '../i18n';

export function ProfileScreen() {
  useTitle(t('nav.profile'));
  return (
    <section class="narrow">
      <h1 tabIndex={-1}>{t('nav.profile')}</h1>
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
      return t('profile.saved');
    });
  };

  return (
    <>
      <dl class="facts">
        <div>
          <dt>{t('fields.email')}</dt>
          <dd>{me.email}</dd>
        </div>
        {me.liaison && (
          <div>
            <dt>{t('profile.liaisonFor')}</dt>
            <dd>{me.liaison.force_name}</dd>
          </div>
        )}
      </dl>
      <form onSubmit={onSubmit} noValidate>
        <ErrorAlert messages={submission.otherErrors(['name', 'phone', 'postcode'])} />
        <TextField label={t('signUp.fullName')} autoComplete="name" required value={values.name} onValue={set('name')} errors={submission.fieldErrors('name')} />
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
          value={values.postcode}
          onValue={set('postcode')}
          errors={submission.fieldErrors('postcode')}
        />
        <SubmitButton busy={submission.busy}>{t('profile.save')}</SubmitButton>
        <ActionResult result={submission.result} />
      </form>
      <AccountLinks me={me} />
    </>
  );
}

function AccountLinks({ me }: { me: Me }) {
  return (
    <section aria-labelledby="account-heading">
      <h2 id="account-heading">{t('profile.account')}</h2>
      {me.pending_email && (
        <p class="notice notice--pending">
          {t('profile.pendingEmail', { email: me.pending_email })}
        </p>
      )}
      <ul class="hub-links">
        <li>
          <a class="hub-link" href="/profile/password">
            <span class="hub-link__label">{t('profile.changePassword')}</span>
            <span class="hub-link__detail">{t('profile.changePasswordDetail')}</span>
          </a>
        </li>
        <li>
          <a class="hub-link" href="/profile/two-factor">
            <span class="hub-link__label">{t('profile.twoFactor')}</span>
            <span class="hub-link__detail">{t('profile.twoFactorDetail')}</span>
          </a>
        </li>
        <li>
          <a class="hub-link" href="/profile/email">
            <span class="hub-link__label">{t('profile.changeEmail')}</span>
            <span class="hub-link__detail">{t('profile.changeEmailDetail')}</span>
          </a>
        </li>
        <li>
          <a class="hub-link" href={api.myDataExportUrl()} download>
            <span class="hub-link__label">{t('profile.download')}</span>
            <span class="hub-link__detail">{t('profile.downloadDetail')}</span>
          </a>
        </li>
        <li>
          <a class="hub-link hub-link--danger" href="/profile/delete">
            <span class="hub-link__label">{t('profile.delete')}</span>
            <span class="hub-link__detail">{t('profile.deleteDetail')}</span>
          </a>
        </li>
      </ul>
    </section>
  );
}
