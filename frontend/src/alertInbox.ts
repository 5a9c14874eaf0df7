// How many cards in the signed-in user's inbox are unread (one card per incident: an alert
// with its updates and cancellation), and, for those who send alerts, how many replies to
// them nobody has read. The menu's badge shows the first; every screen that reads alerts or
// replies (or a push message arriving) asks for fresh counts.

import { useEffect, useState } from 'preact/hooks';
import { api } from './api';

/** A count of the signed-in user's, fetched on demand and shared by every screen. */
function counter(fetchCount: () => Promise<number>) {
  let value: number | null = null;
  let userId: number | null = null;
  let loading: { userId: number; done: Promise<void> } | null = null;
  const listeners = new Set<() => void>();

  const set = (next: number | null) => {
    value = next;
    for (const listener of listeners) listener();
  };

  const refresh = (forUser: number | null = userId): Promise<void> => {
    if (forUser !== userId) {
      userId = forUser;
      set(null);
    }
    if (forUser === null) return Promise.resolve();
    if (loading && loading.userId === forUser) return loading.done;
    const done = fetchCount()
      .then(
        (count) => {
          if (userId === forUser) set(count);
        },
        () => undefined, // a badge is a convenience: keep the last count
      )
      .finally(() => {
        if (loading?.done === done) loading = null;
      });
    loading = { userId: forUser, done };
    return done;
  };

  const lower = (by: number) => {
    if (value !== null) set(Math.max(0, value - by));
    refresh();
  };

  const use = (): number | null => {
    const [current, setCurrent] = useState(value);
    useEffect(() => {
      const update = () => setCurrent(value);
      listeners.add(update);
      update();
      return () => {
        listeners.delete(update);
      };
    }, []);
    return current;
  };

  return { refresh, lower, use };
}

const unreadCards = counter(() => api.inboxUnread());

/** Fetches the unread count again (for the user now signed in; null when signed out). */
export function refreshUnread(forUser?: number | null): Promise<void> {
  return unreadCards.refresh(forUser);
}

/** `count` unread cards of the inbox (incidents) were just read. */
export function noticesRead(count: number): void {
  unreadCards.lower(count);
}

/** The number of unread inbox cards, or null until known. */
export function useUnreadCount(): number | null {
  return unreadCards.use();
}

const unreadReplies = counter(() =>
  api.alerts({ unread_replies: true, page_size: 1 }).then((page) => page.count),
);

/**
 * Fetches again how many of the alerts the user manages (sent, or as a liaison in their
 * force) have replies nobody has read; call with the user's id when they may send alerts.
 */
export function refreshUnreadReplies(forUser?: number | null): Promise<void> {
  return unreadReplies.refresh(forUser);
}

/** The replies to `alerts` alerts were just read (or answered). */
export function repliesRead(alerts: number): void {
  unreadReplies.lower(alerts);
}

/** How many alerts have replies waiting, or null until known (or for those who send none). */
export function useUnreadReplyCount(): number | null {
  return unreadReplies.use();
}
