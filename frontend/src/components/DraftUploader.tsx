// Uploads the signed-in user's speedwatch drafts in the background: when the app opens,
// when the browser says it is back online, and every 30 seconds while anything waits (a
// weak signal can come back without an "online" event). Shows nothing itself.

import { useEffect } from 'preact/hooks';
import { useSession } from '../session';
import { uploadAll } from '../sessionDrafts';

const RETRY_MS = 30_000;

export function DraftUploader() {
  const { me } = useSession();
  const userId = me?.id;
  useEffect(() => {
    if (!userId) return;
    const upload = () => uploadAll(userId);
    upload();
    window.addEventListener('online', upload);
    const timer = window.setInterval(() => {
      if (navigator.onLine) upload();
    }, RETRY_MS);
    return () => {
      window.removeEventListener('online', upload);
      window.clearInterval(timer);
    };
  }, [userId]);
  return null;
}
