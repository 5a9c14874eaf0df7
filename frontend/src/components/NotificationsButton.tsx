// "Allow notifications": web push for this browser, with a plain explanation whenever it
// cannot be offered.

import { useEffect, useState } from 'preact/hooks';
import { useActionResult } from '../actionResult';
import { allowNotifications, currentSubscription, pushAvailability, stopNotifications } from '../webPush';
import { ActionResult } from './ActionResult';
import { ErrorAlert } from './FormField';

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
        Notifications on your phone or computer are not switched on for this Patchwatch site. Alerts still reach you here
        in the app, and by email or text message if you choose them below.
      </p>
    );
  }
  if (availability === 'unsupported') {
    return (
      <p class="notice">
        This browser cannot show notifications from Patchwatch. Try a recent version of Chrome, Edge, Firefox or Safari
        (on an iPhone, add Patchwatch to your home screen first).
      </p>
    );
  }
  if (availability === 'blocked') {
    return (
      <p class="notice">
        Notifications from Patchwatch are blocked in this browser. To get them, allow notifications in the browser’s
        settings for this site, then come back here.
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
          ? 'This browser shows Patchwatch alerts as notifications.'
          : state === 'not-subscribed'
            ? 'Get alerts as notifications on this phone or computer, even when Patchwatch is closed.'
            : ''}
      </p>
      {state === 'not-subscribed' && (
        <button
          type="button"
          class="button button--primary"
          aria-disabled={busy ? 'true' : undefined}
          onClick={() => act(() => allowNotifications(publicKey!), 'subscribed', 'Notifications are on for this browser.')}
        >
          Allow notifications
        </button>
      )}
      {state === 'subscribed' && (
        <button
          type="button"
          class="button button--secondary"
          aria-disabled={busy ? 'true' : undefined}
          onClick={() => act(stopNotifications, 'not-subscribed', 'Notifications are off for this browser.')}
        >
          Stop notifications on this browser
        </button>
      )}
      <ActionResult result={done} />
    </div>
  );
}
