// What has reached the server and what is still on the phone, kept in view (and read out)
// while a session is logged. Listens to nothing itself: the screen passes the state in.

import { formatTime, plural } from '../format';
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
  const entries = plural(waiting, 'entry', 'entries');
  let text: string;
  let tone: 'ok' | 'waiting' | 'offline' = 'waiting';
  let retry = false;

  if (!draft.created && endsLater(draft)) {
    text = `Kept on this phone${waiting ? ` with ${entries}` : ''}: the session uploads when it ends at ${formatTime(draft.ended_at)}.`;
  } else if (!online) {
    tone = 'offline';
    text = waiting
      ? `Offline — ${entries} waiting to upload. They are safe on this phone and upload when the signal returns.`
      : 'Offline — new entries are kept on this phone and upload when the signal returns.';
  } else if (status.uploading) {
    text = waiting ? `Uploading ${entries}…` : 'Uploading…';
  } else if ((status.last === 'offline' || status.last === 'failed') && hasWorkToUpload(draft)) {
    tone = 'offline';
    retry = true;
    const what = waiting ? `${entries} waiting to upload` : 'the session is waiting to upload';
    text =
      status.last === 'offline'
        ? `Patchwatch cannot be reached — ${what}. Trying again every 30 seconds.`
        : `Patchwatch had a problem on its side — ${what}. Trying again every 30 seconds.`;
  } else if (hasWorkToUpload(draft) && !draft.problem) {
    text = waiting ? `${entries} waiting to upload.` : 'Waiting to upload.';
    retry = true;
  } else if (!hasWorkToUpload(draft)) {
    tone = 'ok';
    text = 'Everything logged so far is uploaded.';
  } else {
    text = waiting ? `${entries} waiting to upload.` : 'Not uploaded yet.';
  }

  return (
    <div class={`upload-banner upload-banner--${tone}`}>
      <p role="status" aria-live="polite" class="upload-banner__text">
        {text}
      </p>
      {!draftsAreKept() && (
        <p class="upload-banner__text">
          <strong>This browser is not keeping entries on the phone: keep this page open until they upload.</strong>
        </p>
      )}
      {retry && online && (
        <button type="button" class="button button--small button--secondary" onClick={onRetry}>
          Upload now
        </button>
      )}
    </div>
  );
}
