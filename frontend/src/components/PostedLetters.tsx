// Letters posted through GOV.UK Notify, where the server posts them (config's
// speedwatch_letters_posted): "Post these letters", which says how many are ready and with
// what postage and asks before posting them, and the list of letters posted, each with how
// it is getting on.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { LetterAction, LetterPostage, LetterStage, LettersReady, PostedLetter, PostedLetterStatus } from '../api/schemas';
import { useActionResult } from '../actionResult';
import { ActionResult } from './ActionResult';
import { ConfirmAction } from './ConfirmAction';
import { EmptyState } from './EmptyState';
import { ErrorAlert, SelectField, TextField } from './FormField';
import { Loading } from './Loading';
import { ShowMoreButton } from './ShowMoreButton';
import { StatusTag } from './StatusTag';
import { formatDateTime, formatNumber, formatRegistration } from '../format';
import { asApiError, usePagedList } from '../hooks';
import { t } from '../i18n';
import type { ApiError } from '../api';

/** How letters go, as a sentence says it ("posts it first class"). */
function postageSaid(postage: LetterPostage): string {
  return {
    first: () => t('letters.post.postage.first'),
    second: () => t('letters.post.postage.second'),
    economy: () => t('letters.post.postage.economy'),
  }[postage]();
}

function postageLabel(postage: LetterPostage): string {
  return {
    first: () => t('letters.posted.postage.first'),
    second: () => t('letters.posted.postage.second'),
    economy: () => t('letters.posted.postage.economy'),
  }[postage]();
}

export function stageLabel(stage: LetterAction): string {
  return {
    first_letter: () => t('letters.action.first_letter'),
    second_letter: () => t('letters.action.second_letter'),
    police_action: () => t('letters.action.police_action'),
    none: () => t('letters.action.none'),
  }[stage]();
}

const STATUS_LABELS: Record<PostedLetterStatus, () => string> = {
  pending: () => t('letters.posted.status.pending'),
  sending: () => t('letters.posted.status.sending'),
  accepted: () => t('letters.posted.status.accepted'),
  received: () => t('letters.posted.status.received'),
  cancelled: () => t('letters.posted.status.cancelled'),
  failed: () => t('letters.posted.status.failed'),
};

const STATUSES = Object.keys(STATUS_LABELS) as PostedLetterStatus[];

// The colours of the tags other states use: on its way, done, gone wrong, stopped.
const STATUS_TONES: Record<PostedLetterStatus, string> = {
  pending: 'waiting',
  sending: 'waiting',
  accepted: 'waiting',
  received: 'approved',
  cancelled: 'closed',
  failed: 'rejected',
};

/** "Post these letters": how many are ready (of the stage shown, or all), then asks. */
export function PostLetters({
  stage,
  refreshed,
  onPosted,
}: {
  stage: LetterStage | undefined;
  /** Changes when what is ready may have changed (addresses stored, letters posted). */
  refreshed: number;
  onPosted: () => void;
}) {
  const [ready, setReady] = useState<LettersReady | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  // Said here, not by the button: once every letter is posted the button goes.
  const result = useActionResult();

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    api.lettersReady(stage, controller.signal).then(setReady, (err) => {
      if (!controller.signal.aborted) setError(asApiError(err));
    });
    return () => controller.abort();
  }, [stage, refreshed]);

  const post = async () => {
    setError(null);
    try {
      const posted = await api.postLetters(stage);
      onPosted();
      return t('letters.post.done', { count: posted.posted, n: formatNumber(posted.posted) });
    } catch (err) {
      setError(asApiError(err));
      return '';
    }
  };

  return (
    <section aria-labelledby="post-heading" class="panel">
      <h2 id="post-heading">{t('letters.post.heading')}</h2>
      {ready && <p>{t('letters.post.intro', { postage: postageSaid(ready.postage) })}</p>}
      <ErrorAlert messages={error ? [...error.general, ...Object.values(error.fields).flat()] : []} />
      {!ready && !error && <Loading />}
      {ready && (
        <>
          <p id="post-ready">
            {ready.ready
              ? t('letters.post.ready', { count: ready.ready, n: formatNumber(ready.ready) })
              : t('letters.post.noneReady')}
            {ready.without_address.length > 0 &&
              ` ${t('letters.post.withoutAddress', {
                count: ready.without_address.length,
                n: formatNumber(ready.without_address.length),
              })}`}
          </p>
          {ready.ready > 0 && (
            <ConfirmAction
              label={t('letters.post.button')}
              question={t('letters.post.question', {
                count: ready.ready,
                n: formatNumber(ready.ready),
                postage: postageSaid(ready.postage),
              })}
              confirmLabel={t('letters.post.confirm')}
              describedBy="post-ready"
              onConfirm={post}
              result={result}
            />
          )}
          <ActionResult result={result} />
        </>
      )}
    </section>
  );
}

/** The letters posted through Notify, newest first, with their status in plain words. */
export function PostedLetterList({ refreshed }: { refreshed: number }) {
  const [status, setStatus] = useState('');
  const [reference, setReference] = useState('');
  const [query, setQuery] = useState<{ status: string; reference: string }>({ status: '', reference: '' });
  const fetchPage = useCallback(
    (page: number, signal: AbortSignal) =>
      api.postedLetters(
        {
          status: (query.status || undefined) as PostedLetterStatus | undefined,
          reference: query.reference || undefined,
          page,
        },
        signal,
      ),
    // A new posting shows at the top: asked for again.
    [query, refreshed],
  );
  const list = usePagedList<PostedLetter>(fetchPage);
  const filtered = Boolean(query.status || query.reference);

  return (
    <section aria-labelledby="posted-heading">
      <h2 id="posted-heading">{t('letters.posted.heading')}</h2>
      <form
        class="filters"
        aria-label={t('letters.posted.filters')}
        onSubmit={(event) => {
          event.preventDefault();
          setQuery({ status, reference: reference.trim() });
        }}
      >
        <SelectField
          label={t('letters.posted.statusField')}
          value={status}
          onValue={setStatus}
          choices={[
            { value: '', label: t('letters.posted.allStatuses') },
            ...STATUSES.map((value) => ({ value, label: STATUS_LABELS[value]() })),
          ]}
        />
        <TextField label={t('letters.posted.referenceField')} value={reference} onValue={setReference} />
        <button type="submit" class="button button--secondary button--wide">
          {t('letters.posted.showButton')}
        </button>
      </form>
      <p role="status" class="results__count">
        {list.loading || list.error ? '' : t('letters.posted.count', { count: list.count, n: formatNumber(list.count) })}
      </p>
      {list.loading ? (
        <Loading what={t('letters.posted.noun')} />
      ) : (
        <>
          <ErrorAlert messages={list.error ? [...list.error.general, ...Object.values(list.error.fields).flat()] : []} />
          {list.items.length === 0 && !list.error ? (
            <EmptyState>
              <p>{filtered ? t('letters.posted.nothing') : t('letters.posted.empty')}</p>
            </EmptyState>
          ) : (
            <ul class="card-list">
              {list.items.map((letter) => (
                <li key={letter.id}>
                  <PostedLetterCard letter={letter} />
                </li>
              ))}
            </ul>
          )}
          <ShowMoreButton list={list} noun={t('letters.posted.noun')} />
        </>
      )}
    </section>
  );
}

function PostedLetterCard({ letter }: { letter: PostedLetter }) {
  const date = formatDateTime(letter.posted_at);
  const retrying = letter.failure && letter.status === 'pending';
  return (
    <article class="card" aria-label={letter.reference}>
      <h3 class="card__title">{letter.reference}</h3>
      <p>
        <StatusTag tone={STATUS_TONES[letter.status]}>{STATUS_LABELS[letter.status]()}</StatusTag>
      </p>
      <p class="card__detail">
        {stageLabel(letter.stage)}
        {letter.registration && ` · ${t('letters.posted.vehicle', { registration: formatRegistration(letter.registration) })}`}
        {` · ${postageLabel(letter.postage)}`}
      </p>
      <p class="card__detail">
        {letter.posted_by_name
          ? t('letters.posted.postedBy', { date, name: letter.posted_by_name })
          : t('letters.posted.postedOn', { date })}
      </p>
      {letter.failure && (
        <p class="card__detail">
          {retrying
            ? t('letters.posted.retrying', { reason: letter.failure })
            : t('letters.posted.reason', { reason: letter.failure })}
        </p>
      )}
    </article>
  );
}
