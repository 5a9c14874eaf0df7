// How many requests to join are waiting for the signed-in coordinator or liaison: the menu's
// badge and the coordinator's home show it, and every action that decides a request (approve,
// decline, undo) asks for a fresh count at once.

import { useEffect, useState } from 'preact/hooks';
import { api } from './api';

let waiting: number | null = null;
let userId: number | null = null;
let loading: { userId: number; done: Promise<void> } | null = null;
const listeners = new Set<() => void>();

function set(value: number | null) {
  waiting = value;
  for (const listener of listeners) listener();
}

/** Fetches the count again (for the user now signed in who decides requests; null otherwise). */
export function refreshJoinRequests(forUser: number | null = userId): Promise<void> {
  if (forUser !== userId) {
    userId = forUser;
    set(null);
  }
  if (forUser === null) return Promise.resolve();
  if (loading && loading.userId === forUser) {
    // A request already in flight may have started before the change being counted.
    return loading.done.then(() => refreshJoinRequests(forUser));
  }
  const done = api
    .joinRequestCount()
    .then(
      (count) => {
        if (userId === forUser) set(count);
      },
      () => undefined, // the badge is a convenience: keep the last count
    )
    .finally(() => {
      if (loading?.done === done) loading = null;
    });
  loading = { userId: forUser, done };
  return done;
}

/** A request was just decided (-1) or a decline undone (+1): show it now, then ask the server. */
export function joinRequestsChanged(change: number): void {
  if (waiting !== null) set(Math.max(0, waiting + change));
  refreshJoinRequests();
}

/** The number of requests waiting, or null until known (and for those who decide none). */
export function useJoinRequestCount(): number | null {
  const [value, setValue] = useState(waiting);
  useEffect(() => {
    const update = () => setValue(waiting);
    listeners.add(update);
    update();
    return () => {
      listeners.delete(update);
    };
  }, []);
  return value;
}
