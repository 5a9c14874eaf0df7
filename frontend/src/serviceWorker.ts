// Registers the service worker (src/sw.ts, served from /sw.js so that it covers the whole
// site) and tells the app when a new version of it is waiting. A new version never takes
// over by itself while a page is open: the person is offered "Reload" (UpdateNotice), and
// every open page reloads once the new worker is in charge, so none is left running old
// files that the new version no longer keeps.

import { useEffect, useState } from 'preact/hooks';

let registration: ServiceWorkerRegistration | null = null;
let updateWaiting = false;
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

const HOUR_MS = 60 * 60 * 1000;

/** A new version is installed and waiting while an older one is in charge of this page. */
function offerUpdate(): void {
  const waiting = registration?.waiting != null && navigator.serviceWorker.controller !== null;
  if (waiting !== updateWaiting) {
    updateWaiting = waiting;
    notify();
  }
}

async function register(): Promise<void> {
  try {
    registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  } catch {
    // A browser that refuses (a private window, say): the app still works online.
    return;
  }
  offerUpdate();
  registration.addEventListener('updatefound', () => {
    const installing = registration?.installing;
    installing?.addEventListener('statechange', offerUpdate);
  });
}

export function registerServiceWorker(): void {
  // The dev server has no built worker; pages on plain http (other than localhost) cannot
  // have one.
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;

  // The first worker takes charge of a page that had none: nothing to reload. Any later
  // change (this page's Reload, or another tab's) means this page's files are the old ones.
  let controlled = navigator.serviceWorker.controller !== null;
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (controlled && !reloading) {
      reloading = true;
      window.location.reload();
    }
    controlled = true;
  });

  // After the page has loaded, so that precaching does not compete with the first screen.
  if (document.readyState === 'complete') void register();
  else window.addEventListener('load', () => void register(), { once: true });

  // An app kept open for days (the phone's home-screen app) still hears of new versions.
  const check = () => {
    if (registration && document.visibilityState === 'visible' && navigator.onLine) {
      registration.update().catch(() => undefined);
    }
  };
  window.setInterval(check, HOUR_MS);
  document.addEventListener('visibilitychange', check);
}

/** Lets the waiting version take over; every open page reloads once it has. */
export function applyUpdate(): void {
  const waiting = registration?.waiting;
  if (!waiting) {
    // Taken over from another tab already, or gone: a reload gets the current version.
    window.location.reload();
    return;
  }
  waiting.postMessage({ type: 'SKIP_WAITING' });
}

/** True while a new version of the app is installed and waiting. */
export function useUpdateWaiting(): boolean {
  const [waiting, setWaiting] = useState(updateWaiting);
  useEffect(() => {
    const update = () => setWaiting(updateWaiting);
    listeners.add(update);
    update();
    return () => {
      listeners.delete(update);
    };
  }, []);
  return waiting;
}
