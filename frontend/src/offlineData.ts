// What this phone keeps of a signed-in person's data for use without a signal, and its
// forgetting: on sign-out, and when someone else signs in on the same browser, so that no
// one is ever shown another person's saved data.
//
// Kept: the service worker's copies of API reads (Cache Storage, "patchwatch-api") and the
// app's own copies in localStorage (src/offlineCache.ts, src/sessionDrafts.ts). Forgotten:
// all of it, except speedwatch entries that have not reached the server yet. Those are the
// only record of what was seen at the roadside; they stay under their author's id, shown to
// no one else, and upload when that person signs in again.

import { keepOnlyUnsentDrafts } from './sessionDrafts';

/** The Cache Storage cache the service worker keeps API answers in (src/sw.ts). */
export const API_CACHE = 'patchwatch-api';
const USER_KEY = 'patchwatch.offline.user';
const APP_PREFIX = 'patchwatch.';

function lastUser(): string | null {
  try {
    return localStorage.getItem(USER_KEY);
  } catch {
    return null;
  }
}

/**
 * Tells this module who is signed in now, as the server said (null: no one). When that is
 * not the person whose data this phone keeps, their data is forgotten first.
 */
export function noteSignedIn(userId: number | null): Promise<void> {
  const now = userId === null ? null : String(userId);
  const before = lastUser();
  const forgetting = before !== null && before !== now ? forgetOfflineData() : Promise.resolve();
  try {
    if (now === null) localStorage.removeItem(USER_KEY);
    else localStorage.setItem(USER_KEY, now);
  } catch {
    // Storage refused: then nothing was kept either.
  }
  return forgetting;
}

/** Forgets every saved API answer and the app's offline copies (see above for what stays). */
export async function forgetOfflineData(): Promise<void> {
  forgetLocalCopies();
  await Promise.all([askWorkerToForget(), deleteApiCache()]);
}

function forgetLocalCopies(): void {
  try {
    const keep = new Set(keepOnlyUnsentDrafts());
    const keys: string[] = [];
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key && key.startsWith(APP_PREFIX) && key !== USER_KEY && !keep.has(key)) keys.push(key);
    }
    for (const key of keys) localStorage.removeItem(key);
  } catch {
    // Nothing readable, nothing kept.
  }
}

async function deleteApiCache(): Promise<void> {
  if (!('caches' in window)) return;
  try {
    await caches.delete(API_CACHE);
  } catch {
    // Cache Storage refused (a private window, say): nothing was kept in it.
  }
}

/**
 * The worker also stops storing answers to requests that were already on their way (a
 * screen's last reads during a sign-out), which deleting the cache from here cannot do.
 */
async function askWorkerToForget(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  try {
    const registration = await navigator.serviceWorker.getRegistration('/');
    const worker = navigator.serviceWorker.controller ?? registration?.active;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      const channel = new MessageChannel();
      const timer = window.setTimeout(resolve, 3000);
      channel.port1.onmessage = () => {
        window.clearTimeout(timer);
        resolve();
      };
      worker.postMessage({ type: 'patchwatch-forget' }, [channel.port2]);
    });
  } catch {
    // No worker to ask.
  }
}
