// "Allow notifications": web push for this browser, with a plain explanation whenever it
// cannot be offered.

import { useEffect, useState } from 'preact/hooks';
import { useActionResult } from '../actionResult';
import { allowNotifications, currentSubscription, pushAvailability, stopNotifications } from '../webPush';
import { ActionResult } from './ActionResult';
import { ErrorAlert } from './FormField';
import { t } from '../i18n';

type State = 'checking' | 'subscribed' | 'not-subscribed';

export function NotificationsButton({ publicKey, onChanged }: { publicKey: string | undefined; onChanged?: (on: boolean) => void }) {
  const availability = pushAvailability(publicKey);
  const [state, setState] = useState<State>('checking');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const done = useActionResult();

  useEffect(() => {
    if (availability !== 'available') return;
    currentSubscription().then(
      (subscription) => setState(subscription ? 'subscribed' : 'not-subscribed'),
      () => setState('not-subscribed'),
    );
  }, [availability]);

  if (availability === 'off') {
    return (
      <p class="notice">
        {t('push.off')}
      </p>
    );
  }
  if (availability === 'unsupported') {
    return (
      <p class="notice">
        {t('push.unsupported')}
      </p>
    );
  }
  if (availability === 'blocked') {
    return (
      <p class="notice">
        {t('push.blocked')}
      </p>
    );
  }

  const act = async (action: () => Promise<void>, after: State, message: string) => {
    if (busy) return;
    setBusy(true);
    setError('');
    done.clear();
    try {
      await action();
      setState(after);
      done.say(message);
      onChanged?.(after === 'subscribed');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="push-control">
      <ErrorAlert messages={error ? [error] : []} />
      <p>
        {state === 'subscribed'
          ? t('push.subscribed')
          : state === 'not-subscribed'
            ? t('push.offer')
            : ''}
      </p>
      {state === 'not-subscribed' && (
        <button
          type="button"
          class="button button--primary"
          aria-disabled={busy ? 'true' : undefined}
          onClick={() => act(() => allowNotifications(publicKey!), 'subscribed', t('push.nowOn'))}
        >
          {t('push.allow')}
        </button>
      )}
      {state === 'subscribed' && (
        <button
          type="button"
          class="button button--secondary"
          aria-disabled={busy ? 'true' : undefined}
          onClick={() => act(stopNotifications, 'not-subscribed', t('push.nowOff'))}
        >
          {t('push.stop')}
        </button>
      )}
      <ActionResult result={done} />
    </div>
  );
}
