// The last answer to a few look-ups a coordinator needs at the roadside (the approved
// sites, the scheme's members, the server's rules), kept so the session form still opens
// without a signal.

import { isNetworkError } from './sessionDrafts';

const PREFIX = 'patchwatch.speedwatch.cache.';

export async function withOfflineCopy<T>(key: string, load: () => Promise<T>): Promise<T> {
  try {
    const value = await load();
    try {
      localStorage.setItem(PREFIX + key, JSON.stringify(value));
    } catch {
      // Only a convenience for next time.
    }
    return value;
  } catch (error) {
    if (isNetworkError(error)) {
      try {
        const text = localStorage.getItem(PREFIX + key);
        if (text) return JSON.parse(text) as T;
      } catch {
        // Fall through to the original error.
      }
    }
    throw error;
  }
}
