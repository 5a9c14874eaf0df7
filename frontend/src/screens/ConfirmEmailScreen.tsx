// "/confirm-email/:token" — the link emailed to a new address. It works signed in or not
// (it may be opened on another device): following it is what moves the account.

import { useState } from 'preact/hooks';
import { accountApi } from '../api';
import { ActionResult } from '../components/ActionResult';
import { ErrorAlert, SubmitButton } from '../components/FormField';
import { useSubmission, useTitle } from '../hooks';
import { useSession } from '../session';
import { t } from '../i18n';

export function ConfirmEmailScreen({ token }: { token: string }) {
  useTitle(t('confirmEmail.title'));
  const { me, refreshMe } = useSession();
  const [done, setDone] = useState(false);
  const submission = useSubmission();

  // Confirming is a button, not automatic on opening: mail scanners that open links must
  // not change anyone's account.
  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      const answer = await accountApi.confirmEmail(token);
      // Signed in here too: the menu and profile show the new address from now on. Asked
      // again even while the first answer is awaited (me undefined): that answer may be from
      // before the move.
      if (me !== null) await refreshMe();
      setDone(true);
      // Said where the form was; it takes focus, the form being gone.
      return answer.detail;
    });
  };

  return (
    <section class="narrow">
      <h1 tabIndex={-1}>{t('confirmEmail.title')}</h1>
      <ActionResult result={submission.result} />
      {done ? (
        <p>{me ? <a href="/profile">{t('confirmEmail.backToProfile')}</a> : <a href="/signin">{t('confirmEmail.signIn')}</a>}</p>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <p>{t('confirmEmail.intro')}</p>
          <ErrorAlert messages={submission.otherErrors([])} />
          {submission.error && (
            <p>
              <a href={me ? '/profile/email' : '/signin?next=%2Fprofile%2Femail'}>{t('confirmEmail.askAgain')}</a>
            </p>
          )}
          <SubmitButton busy={submission.busy}>{t('confirmEmail.submit')}</SubmitButton>
        </form>
      )}
    </section>
  );
}
