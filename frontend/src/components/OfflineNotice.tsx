// Says plainly, at the top of every screen, when Patchwatch cannot be reached and what is
// shown instead: the browser has no signal, or it has one but Patchwatch's answers come
// from the copies saved on this phone. The live region is always there (empty when all is
// well), so screen readers announce the change both ways.

import { useConnection } from '../connection';
import { formatDateTime } from '../format';

export function OfflineNotice() {
  const { online, savedCopyAt } = useConnection();
  const when = savedCopyAt && savedCopyAt.getTime() > 0 ? ` on ${formatDateTime(savedCopyAt.toISOString())}` : '';
  let text = null;
  if (!online) {
    text = (
      <>
        <strong>You are offline.</strong> Showing what this phone saved{when}.
      </>
    );
  } else if (savedCopyAt) {
    text = (
      <>
        <strong>Patchwatch cannot be reached.</strong> Showing what this phone saved{when}.
      </>
    );
  }
  return (
    <div class={text ? 'offline-notice' : 'offline-notice offline-notice--empty'} role="status" aria-live="polite">
      {text && <p>{text}</p>}
    </div>
  );
}
