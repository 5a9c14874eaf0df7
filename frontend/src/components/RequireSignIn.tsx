import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { navigate } from '../router';
import { useSession } from '../session';
import type { Me } from '../api/schemas';
import { Loading } from './Loading';

/** Shows its content to signed-in users; sends anyone else to sign in first. */
export function RequireSignIn({ children }: { children: (me: Me) => ComponentChildren }) {
  const { me } = useSession();
  useEffect(() => {
    if (me === null) {
      const here = window.location.pathname + window.location.search;
      navigate(`/signin?next=${encodeURIComponent(here)}`, { replace: true });
    }
  }, [me]);
  if (me === undefined) return <Loading />;
  if (me === null) return null;
  return <>{children(me)}</>;
}
