// Web push: the browser shows an alert as a notification even when Patchwatch is not open.
// The service worker (/sw.js, at the root so that it covers the whole site) shows them.

import { api } from './api';
import { t } from './i18n';

export type PushAvailability =
  /** The site has no key for web push (it is not switched on here). */
  | 'off'
  /** This browser cannot receive push messages (or the page is not on https). */
  | 'unsupported'
  /** The person has blocked notifications for this site in the browser. */
  | 'blocked'
  | 'available';

export function pushAvailability(publicKey: string | undefined): PushAvailability {
  if (!publicKey) return 'off';
  if (!window.isSecureContext || !('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    return 'unsupported';
  }
  if (Notification.permission === 'denied') return 'blocked';
  return 'available';
}

/** The subscription this browser already has, if any. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (!('serviceWorker' in navigator)) return null;
  const registration = await navigator.serviceWorker.getRegistration('/');
  return (await registration?.pushManager.getSubscription()) ?? null;
}

/** The key as the Push API takes it: base64url text decoded to bytes. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const padded = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  const text = atob(padded);
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Asks the browser's permission, subscribes, and tells Patchwatch where to send. */
export async function allowNotifications(publicKey: string): Promise<void> {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') {
    throw new Error(
      permission === 'denied'
        ? t('pushSetup.blocked')
        : t('pushSetup.notAllowed'),
    );
  }
  await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  const registration = await navigator.serviceWorker.ready;
  let subscription: PushSubscription;
  try {
    subscription =
      (await registration.pushManager.getSubscription()) ??
      (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      t('pushSetup.failed', { reason }),
    );
  }
  const json = subscription.toJSON();
  await api.savePushSubscription({
    endpoint: json.endpoint ?? subscription.endpoint,
    keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
  });
}

/** Stops push messages to this browser, here and at Patchwatch. */
export async function stopNotifications(): Promise<void> {
  const subscription = await currentSubscription();
  if (!subscription) return;
  await api.removePushSubscription(subscription.endpoint);
  await subscription.unsubscribe();
}

/** Calls `listener` when the service worker says a push message arrived (to refresh counts). */
export function onPushMessage(listener: () => void): () => void {
  if (!('serviceWorker' in navigator)) return () => undefined;
  const handler = (event: MessageEvent) => {
    if (event.data && event.data.type === 'patchwatch-alert') listener();
  };
  navigator.serviceWorker.addEventListener('message', handler);
  return () => navigator.serviceWorker.removeEventListener('message', handler);
}
