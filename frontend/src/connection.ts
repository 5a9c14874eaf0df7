// Whether Patchwatch can be reached, as the app shell tells the person: the browser's own
// online/offline signal, and whether the last API read was answered by the service worker
// from the copy saved on this phone (a "connected" phone whose requests still fail).

import { useEffect, useState } from 'preact/hooks';

/** The header the service worker (src/sw.ts) puts on an answer that is a saved copy. */
export const OFFLINE_COPY_HEADER = 'X-Patchwatch-Offline-Copy';

export interface Connection {
  online: boolean;
  /** When the copy last shown instead of a fresh answer was fetched; null when fresh. */
  savedCopyAt: Date | null;
}

let savedCopyAt: Date | null = null;
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

/**
 * Called by src/api.ts for every answer: `savedAt` is the offline-copy header's value (the
 * copy's HTTP Date), or null for an answer from Patchwatch itself.
 */
export function noteApiAnswer(savedAt: string | null): void {
  if (savedAt === null) {
    if (savedCopyAt === null) return;
    savedCopyAt = null;
  } else {
    const when = new Date(savedAt);
    savedCopyAt = Number.isNaN(when.getTime()) ? new Date(0) : when;
  }
  notify();
}

// The signal is back: what the screens fetch next comes from Patchwatch again (a failing
// read brings the notice back).
window.addEventListener('online', () => {
  savedCopyAt = null;
  notify();
});
window.addEventListener('offline', notify);

function current(): Connection {
  return { online: navigator.onLine, savedCopyAt };
}

export function useConnection(): Connection {
  const [state, setState] = useState(current);
  useEffect(() => {
    const update = () => setState(current());
    listeners.add(update);
    update();
    return () => {
      listeners.delete(update);
    };
  }, []);
  return state;
}

export function useOnline(): boolean {
  return useConnection().online;
}
