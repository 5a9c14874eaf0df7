/// <reference lib="webworker" />
// Patchwatch's service worker, built by vite-plugin-pwa (Workbox) and served by Django from
// /sw.js so that it covers the whole site. It
// - precaches the built app (the list of files is injected at build time) and answers every
//   navigation of the app from the precached index.html, so any screen reloads offline;
// - keeps the last answer to each API read (network first, the saved copy when the network
//   fails), marked as a saved copy so the app can say so; never a write, never a download;
// - forgets those answers when the app asks (on sign-out, or when someone else signs in);
// - shows alerts that arrive by web push as notifications, and opens the alert when tapped.
// A new version waits until the app asks it to take over ("A new version is ready: Reload").

import { CacheableResponsePlugin } from 'workbox-cacheable-response';
import { clientsClaim, type WorkboxPlugin } from 'workbox-core';
import { CacheExpiration, ExpirationPlugin } from 'workbox-expiration';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> };

/** The cache of API answers; the app deletes it too (src/offlineData.ts). */
const API_CACHE = 'patchwatch-api';
/** Set on an API answer that comes from the saved copy: when it was fetched (its Date). */
const OFFLINE_COPY_HEADER = 'X-Patchwatch-Offline-Copy';

// --- The app shell ----------------------------------------------------------------------

// The build lists the files by their paths inside dist/, which Django serves under /static/.
function underStatic(entry: PrecacheEntry | string): PrecacheEntry {
  const { url, revision = null, integrity } = typeof entry === 'string' ? { url: entry } : entry;
  return { url: url.startsWith('/') ? url : `/static/${url}`, revision, integrity };
}

precacheAndRoute(self.__WB_MANIFEST.map(underStatic));
cleanupOutdatedCaches();

// Django answers every address outside these with index.html; so does the worker, from the
// precache, whether or not there is a signal. Public pages (/public/alerts/...) are the
// server's own.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/static/index.html'), {
    denylist: [/^\/api(\/|$)/, /^\/admin(\/|$)/, /^\/public\//, /^\/static\//, /^\/sw\.js$/],
  }),
);

// --- API reads ----------------------------------------------------------------------------

// Incremented when the app asks to forget: an answer to a request made before that (still
// on its way during a sign-out) is not stored afterwards.
let generation = 0;

const forgetful: WorkboxPlugin = {
  handlerWillStart: async ({ state }) => {
    if (state) state.generation = generation;
  },
  cacheWillUpdate: async ({ response, state }) => (state?.generation === generation ? response : null),
};

const markedAsCopy: WorkboxPlugin = {
  cachedResponseWillBeUsed: async ({ cachedResponse }) => {
    if (!cachedResponse) return null;
    const headers = new Headers(cachedResponse.headers);
    headers.set(OFFLINE_COPY_HEADER, cachedResponse.headers.get('Date') ?? '');
    return new Response(cachedResponse.body, {
      status: cachedResponse.status,
      statusText: cachedResponse.statusText,
      headers,
    });
  },
};

const EXPIRATION = { maxEntries: 300, maxAgeSeconds: 30 * 24 * 60 * 60 };

// Downloads (CSV, PDF, feeds, CAP) are audited or public documents, not screens: never kept.
const NOT_KEPT = /^\/api\/v1\/auth\/|\/export\/$|\/cap\/$|\.atom$/;

registerRoute(
  ({ url, request, sameOrigin }) =>
    sameOrigin &&
    request.mode !== 'navigate' &&
    url.pathname.startsWith('/api/v1/') &&
    !NOT_KEPT.test(url.pathname) &&
    !url.searchParams.has('format'),
  new NetworkFirst({
    cacheName: API_CACHE,
    plugins: [
      forgetful,
      new CacheableResponsePlugin({ statuses: [200] }),
      new ExpirationPlugin({ ...EXPIRATION, purgeOnQuotaError: true }),
      markedAsCopy,
    ],
  }),
  'GET',
);

// --- Messages from the app ------------------------------------------------------------------

self.addEventListener('message', (event) => {
  const type = event.data && event.data.type;
  if (type === 'SKIP_WAITING') {
    // The person chose "Reload" on "A new version is ready".
    void self.skipWaiting();
  } else if (type === 'patchwatch-forget') {
    generation += 1;
    event.waitUntil(
      // The expiration records name each URL (a registration searched, say): they go too.
      new CacheExpiration(API_CACHE, EXPIRATION)
        .delete()
        .catch(() => undefined)
        .then(() => caches.delete(API_CACHE))
        .then(() => {
          event.ports[0]?.postMessage({ forgotten: true });
        }),
    );
  }
});

// Take charge of the open pages at once on the first install (so the app works offline
// from the first visit); an update only activates once the app asked it to, then reloads.
clientsClaim();

// --- Web push -------------------------------------------------------------------------------

interface PushPayload {
  title?: string;
  body?: string;
  url?: string;
  tag?: string;
  /** The language of the words (BCP 47): the recipient's, or the alert's where it has one text. */
  lang?: string;
}

/** Only addresses on this site are opened from a notification. */
function localUrl(value: string | undefined): string {
  const fallback = new URL('/alerts', self.location.origin).href;
  try {
    const url = new URL(value || '/alerts', self.location.origin);
    return url.origin === self.location.origin ? url.href : fallback;
  } catch {
    return fallback;
  }
}

self.addEventListener('push', (event) => {
  let payload: PushPayload = {};
  if (event.data) {
    try {
      payload = event.data.json() as PushPayload;
    } catch {
      payload = { body: event.data.text() };
    }
  }
  const title = payload.title || 'Patchwatch';
  const url = localUrl(payload.url);
  const options: NotificationOptions & { renotify?: boolean } = {
    body: payload.body || '',
    data: { url },
    lang: payload.lang || 'en-GB',
  };
  if (payload.tag) {
    // A later message about the same alert (an update) replaces the earlier notification.
    options.tag = payload.tag;
    options.renotify = true;
  }
  event.waitUntil(
    Promise.all([
      self.registration.showNotification(title, options),
      // Open pages refresh their unread count.
      self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((clients) => {
        for (const client of clients) client.postMessage({ type: 'patchwatch-alert', url });
      }),
    ]),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url: string = (event.notification.data && event.notification.data.url) || localUrl('/alerts');
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((clients) => {
      // Use a Patchwatch tab already open, if there is one.
      const open = clients.find((client) => new URL(client.url).origin === self.location.origin);
      if (open) {
        return open
          .focus()
          .then((client) => client.navigate(url))
          .then(() => undefined)
          .catch(() => self.clients.openWindow(url).then(() => undefined));
      }
      return self.clients.openWindow(url).then(() => undefined);
    }),
  );
});
