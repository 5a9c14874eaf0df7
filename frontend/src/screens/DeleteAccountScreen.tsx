// "/profile/delete" — delete one's own account: what happens to each kind of data first,
// anything to hand over first (a scheme's last coordinator), then the password and a
// confirmation.

import { useEffect, useState } from 'preact/hooks';
import { accountApi, api, type ApiError } from '../api';
import { BackLink } from '../components/BackLink';
import { ConfirmAction } from '../components/ConfirmAction';
import { ErrorAlert, TextField } from '../components/FormField';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { asApiError, useSubmission, useTitle } from '../hooks';
import { useSession } from '../session';
import type { AccountDeletionPreview, HeldData, Me } from '../api/schemas';
import { formatNumber } from '../format';
import { t } from '../i18n';

export function DeleteAccountScreen() {
  useTitle(t('deleteAccount.title'));
  return (
    <section class="narrow">
      <BackLink href="/profile" label={t('deleteAccount.profile')} />
      <h1 tabIndex={-1}>{t('deleteAccount.title')}</h1>
      <RequireSignIn>{(me) => <DeleteAccount me={me} />}</RequireSignIn>
    </section>
  );
}

/** What this phone keeps for the person: their session drafts and cached look-ups. */
function forgetOnThisDevice(me: Me): void {
  try {
    for (const key of Object.keys(localStorage)) {
      if (key === `patchwatch.speedwatch.drafts.${me.id}` || key.startsWith('patchwatch.speedwatch.cache.')) {
        localStorage.removeItem(key);
      }
    }
  } catch {
    // Storage may be unavailable; nothing was kept then.
  }
}

function DeleteAccount({ me }: { me: Me }) {
  const { setMe, goWithMessage } = useSession();
  const [preview, setPreview] = useState<AccountDeletionPreview | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [password, setPassword] = useState('');
  const [passwordMissing, setPasswordMissing] = useState(false);
  const submission = useSubmission();

  const load = (signal?: AbortSignal) =>
    accountApi.deletionPreview(signal).then(
      (answer) => {
        setPreview(answer);
        setLoadError(null);
      },
      (error) => {
        if (!signal?.aborted) setLoadError(asApiError(error));
      },
    );

  useEffect(() => {
    const abort = new AbortController();
    load(abort.signal);
    return () => abort.abort();
  }, []);

  if (loadError) return <ErrorAlert messages={loadError.otherMessages([])} />;
  if (!preview) return <Loading what={t('deleteAccount.loadingWhat')} />;

  const deleteNow = () =>
    submission.run(async () => {
      try {
        await accountApi.deleteAccount(password);
      } catch (error) {
        // Refused because something must be handed over first: show what, from the server.
        if (asApiError(error).status === 409) await load();
        throw error;
      }
      forgetOnThisDevice(me);
      setMe(null);
      goWithMessage('/', t('deleteAccount.done'));
    });

  const yours = preview.held.filter((item) => item.count > 0);
  const others = preview.held.filter((item) => item.count === 0);
  const passwordErrors = passwordMissing
    ? [t('deleteAccount.passwordMissing')]
    : submission.fieldErrors('password');

  return (
    <>
      <p>{t('deleteAccount.intro')}</p>
      {preview.blockers.length > 0 && (
        <div class="panel panel--danger" role="region" aria-labelledby="hand-over-heading">
          <h2 id="hand-over-heading">{t('deleteAccount.handOver')}</h2>
          {preview.blockers.map((blocker) => (
            <p key={blocker.link}>
              {blocker.message} <a href={blocker.link}>{blocker.link_text}</a>
            </p>
          ))}
        </div>
      )}
      <h2>{t('deleteAccount.whatHappens')}</h2>
      {yours.length ? <HeldList items={yours} /> : <p>{t('deleteAccount.nothingYet')}</p>}
      {others.length > 0 && (
        <details class="held-more">
          <summary>{yours.length ? t('deleteAccount.everythingElse') : t('deleteAccount.wouldDo')}</summary>
          <HeldList items={others} />
        </details>
      )}
      <p>{t('deleteAccount.keptAsLong')}</p>
      <p>
        {t('deleteAccount.copyFirst')}{' '}
        <a href={api.myDataExportUrl()} download>
          {t('deleteAccount.download')}
        </a>{' '}
        {t('deleteAccount.beforeYouDelete')}
      </p>
      {preview.can_delete && (
        <form
          class="delete-account"
          noValidate
          onSubmit={(event) => {
            // Enter in the password field must not delete anything: the button below asks first.
            event.preventDefault();
          }}
        >
          <h2>{t('deleteAccount.title')}</h2>
          <ErrorAlert messages={submission.otherErrors(['password'])} />
          <TextField
            label={t('deleteAccount.password')}
            type="password"
            autoComplete="current-password"
            hint={t('deleteAccount.passwordHint')}
            required
            value={password}
            onValue={(value) => {
              setPassword(value);
              setPasswordMissing(false);
            }}
            errors={passwordErrors}
          />
          <ConfirmAction
            label={t('deleteAccount.delete')}
            question={t('deleteAccount.question')}
            confirmLabel={t('deleteAccount.confirm')}
            danger
            onAsk={async () => {
              const missing = password === '';
              setPasswordMissing(missing);
              return !missing;
            }}
            onConfirm={deleteNow}
          />
        </form>
      )}
    </>
  );
}

function HeldList({ items }: { items: HeldData[] }) {
  return (
    <ul class="held-list">
      {items.map((item) => (
        <li key={item.what} class="held-list__item">
          <p class="held-list__what">
            {item.what}
            {item.count > 0 && `: ${formatNumber(item.count)}`}
          </p>
          <p class="held-list__outcome">{item.outcome}</p>
        </li>
      ))}
    </ul>
  );
}
