// Patchwatch's service worker: shows alerts that arrive by web push as notifications, and
// opens the alert when one is tapped. Served from /sw.js so that it covers the whole site.
// It caches nothing: the app itself is always fetched from the network.

self.addEventListener('install', () => {
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

/** Only addresses on this site are opened from a notification. */
function localUrl(value) {
  try {
    const url = new URL(value || '/alerts', self.location.origin);
    return url.origin === self.location.origin ? url.href : new URL('/alerts', self.location.origin).href;
  } catch (error) {
    return new URL('/alerts', self.location.origin).href;
  }
}

self.addEventListener('push', (event) => {
  let payload = {};
  if (event.data) {
    try {
      payload = event.data.json();
    } catch (error) {
      payload = { body: event.data.text() };
    }
  }
  const title = payload.title || 'Patchwatch alert';
  const options = {
    body: payload.body || '',
    data: { url: localUrl(payload.url) },
    lang: 'en-GB',
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
        for (const client of clients) client.postMessage({ type: 'patchwatch-alert', url: options.data.url });
      }),
    ]),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || localUrl('/alerts');
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((clients) => {
      // Use a Patchwatch tab already open, if there is one.
      const open = clients.find((client) => new URL(client.url).origin === self.location.origin);
      if (open) {
        return open
          .focus()
          .then((client) => client.navigate(url))
          .catch(() => self.clients.openWindow(url));
      }
      return self.clients.openWindow(url);
    }),
  );
});
