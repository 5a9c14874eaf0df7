// "/confirm-email/:token" — the link emailed to a new address. It works signed in or not
// (it may be opened on another device): following it is what moves the account.

import { useState } from 'preact/hooks';
import { accountApi } from '../api';
import { ActionResult } from '../components/ActionResult';
import { ErrorAlert, SubmitButton } from '../components/FormField';
import { useSubmission, useTitle } from '../hooks';
import { useSession } from '../session';

export function ConfirmEmailScreen({ token }: { token: string }) {
  useTitle('Confirm your new email address');
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
      <h1 tabIndex={-1}>Confirm your new email address</h1>
      <ActionResult result={submission.result} />
      {done ? (
        <p>{me ? <a href="/profile">Back to your profile</a> : <a href="/signin">Sign in with your new address</a>}</p>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <p>Confirm that you want your Patchwatch account to use the address this link was sent to.</p>
          <ErrorAlert messages={submission.otherErrors([])} />
          {submission.error && (
            <p>
              <a href={me ? '/profile/email' : '/signin?next=%2Fprofile%2Femail'}>Ask for a new link</a>
            </p>
          )}
          <SubmitButton busy={submission.busy}>Confirm new address</SubmitButton>
        </form>
      )}
    </section>
  );
}
