// The app name and the main menu. The menu stays visible on a phone as one
// row that scrolls sideways, so every link is one tap away.

import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { api } from '../api';
import { refreshUnread, useUnreadCount } from '../alertInbox';
import { onPushMessage } from '../webPush';
import { isCoordinator, isLiaison, useSession } from '../session';
import { useLocation } from '../router';
import { useSpeedwatchAccess } from '../speedwatchAccess';

function MenuLink({ href, label, path, children }: { href: string; label: string; path: string; children?: ComponentChildren }) {
  // A scheme's own pages belong to the directory; /schemes/new is "Propose a scheme".
  const current =
    href === '/' ? path === '/' || (path.startsWith('/schemes/') && !path.startsWith('/schemes/new')) : path.startsWith(href);
  return (
    <li>
      <a href={href} class="menu__link" aria-current={current ? 'page' : undefined}>
        {label}
        {children}
      </a>
    </li>
  );
}

export function TopBar() {
  const { me, setMe, goWithMessage } = useSession();
  const { path } = useLocation();

  const signOut = async () => {
    try {
      await api.logout();
    } catch {
      // Signed out on this device either way: the session is forgotten below.
    }
    setMe(null);
    goWithMessage('/', 'You have signed out.');
  };

  const userId = me ? me.id : null;
  const unread = useUnreadCount();
  // The unread count: on signing in, on every move to another screen, when the app comes
  // back to the front, when a push message arrives, and every minute besides.
  useEffect(() => {
    refreshUnread(userId);
  }, [userId, path]);
  useEffect(() => {
    if (userId === null) return;
    const refresh = () => {
      if (document.visibilityState === 'visible') refreshUnread(userId);
    };
    const timer = window.setInterval(refresh, 60_000);
    document.addEventListener('visibilitychange', refresh);
    const stopListening = onPushMessage(refresh);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', refresh);
      stopListening();
    };
  }, [userId]);

  const coordinator = isCoordinator(me);
  const liaison = isLiaison(me);
  const speedwatch = useSpeedwatchAccess();
  const inSpeedwatch = liaison || (speedwatch?.memberships.length ?? 0) > 0;

  return (
    <header class="top-bar">
      <a href="/" class="brand">
        <svg class="brand__mark" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
          <path d="M12 2 3 6v6c0 5 3.8 9.4 9 10 5.2-.6 9-5 9-10V6l-9-4Z" fill="currentColor" />
          <path d="m8 12 3 3 5-6" fill="none" stroke="#0b3a66" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round" />
        </svg>
        Patchwatch
      </a>
      <nav class="menu" aria-label="Main menu">
        <ul class="menu__list">
          <MenuLink href="/" label="Directory" path={path} />
          {me && (
            <>
              <MenuLink href="/alerts" label="Alerts" path={path}>
                {unread ? (
                  <>
                    <span class="menu__badge" aria-hidden="true">
                      {unread > 99 ? '99+' : unread}
                    </span>
                    <span class="visually-hidden">{` ${unread} unread`}</span>
                  </>
                ) : null}
              </MenuLink>
              <MenuLink href="/my-schemes" label="My schemes" path={path} />
              <MenuLink href="/schemes/new" label="Propose a scheme" path={path} />
              {coordinator && <MenuLink href="/join-requests" label="Join requests" path={path} />}
              {liaison && <MenuLink href="/review" label="Review queue" path={path} />}
              {inSpeedwatch && <MenuLink href="/speedwatch" label="Speedwatch" path={path} />}
              {(coordinator || liaison) && <MenuLink href="/activity" label="Activity" path={path} />}
              <MenuLink href="/profile" label="Profile" path={path} />
              <li>
                <button type="button" class="menu__link menu__button" onClick={signOut}>
                  Sign out
                </button>
              </li>
            </>
          )}
          {me === null && (
            <>
              <MenuLink href="/signin" label="Sign in" path={path} />
              <MenuLink href="/signup" label="Sign up" path={path} />
            </>
          )}
        </ul>
      </nav>
    </header>
  );
}
