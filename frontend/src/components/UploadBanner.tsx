// What has reached the server and what is still on the phone, kept in view (and read out)
// while a session is logged. Listens to nothing itself: the screen passes the state in.

import { formatNumber, formatTime } from '../format';
import { t } from '../i18n';
import { draftsAreKept, endsLater, hasWorkToUpload, waitingEntries, type DraftSession, type UploadStatus } from '../sessionDrafts';

export function UploadBanner({
  draft,
  online,
  status,
  onRetry,
}: {
  draft: DraftSession;
  online: boolean;
  status: UploadStatus;
  onRetry: () => void;
}) {
  const waiting = waitingEntries(draft);
  const counted = { count: waiting, n: formatNumber(waiting) };
  let text: string;
  let tone: 'ok' | 'waiting' | 'offline' = 'waiting';
  let retry = false;

  if (!draft.created && endsLater(draft)) {
    text = waiting
      ? t('uploadBanner.keptWith', { ...counted, time: formatTime(draft.ended_at) })
      : t('uploadBanner.kept', { time: formatTime(draft.ended_at) });
  } else if (!online) {
    tone = 'offline';
    text = waiting ? t('uploadBanner.offlineWaiting', counted) : t('uploadBanner.offline');
  } else if (status.uploading) {
    text = waiting ? t('uploadBanner.uploadingEntries', counted) : t('uploadBanner.uploading');
  } else if ((status.last === 'offline' || status.last === 'failed') && hasWorkToUpload(draft)) {
    tone = 'offline';
    retry = true;
    const what = waiting ? t('uploadBanner.entriesWaiting', counted) : t('uploadBanner.sessionWaiting');
    text =
      status.last === 'offline'
        ? t('uploadBanner.unreachable', { what })
        : t('uploadBanner.serverProblem', { what });
  } else if (hasWorkToUpload(draft) && !draft.problem) {
    text = waiting ? t('uploadBanner.waiting', counted) : t('uploadBanner.waitingNoEntries');
    retry = true;
  } else if (!hasWorkToUpload(draft)) {
    tone = 'ok';
    text = t('uploadBanner.allUploaded');
  } else {
    text = waiting ? t('uploadBanner.waiting', counted) : t('uploadBanner.notUploaded');
  }

  return (
    <div class={`upload-banner upload-banner--${tone}`}>
      <p role="status" aria-live="polite" class="upload-banner__text">
        {text}
      </p>
      {!draftsAreKept() && (
        <p class="upload-banner__text">
          <strong>{t('uploadBanner.notKept')}</strong>
        </p>
      )}
      {retry && online && (
        <button type="button" class="button button--small button--secondary" onClick={onRetry}>
          {t('uploadBanner.uploadNow')}
        </button>
      )}
    </div>
  );
}
