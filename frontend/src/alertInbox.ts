// How many alerts in the signed-in user's inbox are unread: the menu's badge shows it, and
// every screen that marks alerts read (or a push message arriving) asks for a fresh count.

import { useEffect, useState } from 'preact/hooks';
import { api } from './api';

let unread: number | null = null;
let userId: number | null = null;
let loading: { userId: number; done: Promise<void> } | null = null;
const listeners = new Set<() => void>();

function set(value: number | null) {
  unread = value;
  for (const listener of listeners) listener();
}

/** Fetches the unread count again (for the user now signed in; null when signed out). */
export function refreshUnread(forUser: number | null = userId): Promise<void> {
  if (forUser !== userId) {
    userId = forUser;
    set(null);
  }
  if (forUser === null) return Promise.resolve();
  if (loading && loading.userId === forUser) return loading.done;
  const done = api
    .inbox({ unread: true, page_size: 1 })
    .then(
      (page) => {
        if (userId === forUser) set(page.count);
      },
      () => undefined, // the badge is a convenience: keep the last count
    )
    .finally(() => {
      if (loading?.done === done) loading = null;
    });
  loading = { userId: forUser, done };
  return done;
}

/** Some of the user's notices were just marked read. */
export function noticesRead(count: number): void {
  if (unread !== null) set(Math.max(0, unread - count));
  refreshUnread();
}

/** The unread count, or null until known. */
export function useUnreadCount(): number | null {
  const [value, setValue] = useState(unread);
  useEffect(() => {
    const update = () => setValue(unread);
    listeners.add(update);
    update();
    return () => {
      listeners.delete(update);
    };
  }, []);
  return value;
}
