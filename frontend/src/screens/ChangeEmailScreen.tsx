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
import { t } from '../i18n';

export function ChangeEmailScreen() {
  useTitle(t('profile.changeEmail'));
  return (
    <section class="narrow">
      <BackLink href="/profile" label={t('nav.profile')} />
      <h1 tabIndex={-1}>{t('profile.changeEmail')}</h1>
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
      goWithMessage('/profile', `${answer.detail} ${t('changeEmail.checkInbox')}`);
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <dl class="facts">
        <div>
          <dt>{t('changeEmail.now')}</dt>
          <dd>{me.email}</dd>
        </div>
      </dl>
      {me.pending_email && (
        <p class="notice notice--pending">
          {t('changeEmail.pending', { email: me.pending_email })}
        </p>
      )}
      <p>{t('changeEmail.intro')}</p>
      <ErrorAlert messages={submission.otherErrors(['new_email', 'password'])} />
      <TextField
        label={t('changeEmail.new')}
        type="email"
        autoComplete="email"
        inputMode="email"
        required
        value={email}
        onValue={setEmail}
        errors={submission.fieldErrors('new_email')}
      />
      <TextField
        label={t('changeEmail.password')}
        type="password"
        autoComplete="current-password"
        hint={t('changeEmail.passwordHint')}
        required
        value={password}
        onValue={setPassword}
        errors={submission.fieldErrors('password')}
      />
      <SubmitButton busy={submission.busy}>{t('changeEmail.submit')}</SubmitButton>
    </form>
  );
}
