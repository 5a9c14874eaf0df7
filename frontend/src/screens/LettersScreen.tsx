// "/speedwatch/letters" — a liaison's queue of letters to registered keepers and referrals
// for police action: download the batch for the mail merge or to print, then mark what
// was sent or done; or, where the server posts letters through GOV.UK Notify, post them
// from here and follow each one.

import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { ActionResult } from '../components/ActionResult';
import { BackLink } from '../components/BackLink';
import { EmptyState } from '../components/EmptyState';
import { HeldOffences } from '../components/HeldOffences';
import { KeeperAddressUpload } from '../components/KeeperAddressUpload';
import { ErrorAlert, SelectField } from '../components/FormField';
import { PostedLetterList, PostLetters, stageLabel } from '../components/PostedLetters';
import { Loading } from '../components/Loading';
import { OffenceCard } from '../components/OffenceCard';
import { RequireSignIn } from '../components/RequireSignIn';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { formatDate, formatNumber, formatRegistration } from '../format';
import { usePagedList, useSubmission, useTitle } from '../hooks';
import { t } from '../i18n';
import { navigate, useLocation } from '../router';
import { useSession } from '../session';
import type { ActionStatus, LetterAction, LetterStage, Me, QueueOffence } from '../api/schemas';
import { choiceParam } from '../queryParams';

const STAGES: LetterStage[] = ['first_letter', 'second_letter', 'police_action'];

const ACTION_CHOICES = () => [
  { value: '', label: t('letters.allLetters') },
  ...STAGES.map((stage) => ({ value: stage, label: stageLabel(stage) })),
];

const STATUS_LABELS: Record<ActionStatus, () => string> = {
  pending: () => t('letters.actionStatus.pending'),
  sent: () => t('letters.actionStatus.sent'),
  done: () => t('letters.actionStatus.done'),
};

const STATUS_CHOICES = () =>
  (['pending', 'sent', 'done'] as ActionStatus[]).map((status) => ({ value: status, label: STATUS_LABELS[status]() }));

export function LettersScreen() {
  useTitle(t('letters.title'));
  return (
    <>
      <BackLink />
      <h1 tabIndex={-1}>{t('letters.title')}</h1>
      <RequireSignIn>{(me) => <LetterQueue me={me} />}</RequireSignIn>
    </>
  );
}

function LetterQueue({ me }: { me: Me }) {
  const { query } = useLocation();
  const { config } = useSession();
  const posting = Boolean(config?.speedwatch_letters_posted);
  // Each posting (and each upload of addresses) asks again what is ready and what was posted.
  const [postings, setPostings] = useState(0);
  const action = query.get('action') ?? '';
  const actionStatus = query.get('action_status') ?? 'pending';
  const [chosenAction, setChosenAction] = useState(action);
  const [chosenStatus, setChosenStatus] = useState(actionStatus);
  useEffect(() => {
    setChosenAction(action);
    setChosenStatus(actionStatus);
  }, [action, actionStatus]);

  const fetchPage = useCallback(
    (page: number, signal: AbortSignal) =>
      api.letters({ action: choiceParam(action), action_status: choiceParam(actionStatus), page }, signal),
    [action, actionStatus],
  );
  const list = usePagedList<QueueOffence>(me.actions.work_letters ? fetchPage : null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  // Letters marked here leave the list without a reload; the count follows them.
  const [marked, setMarked] = useState(0);
  useEffect(() => {
    setSelected(new Set());
    setMarked(0);
  }, [action, actionStatus]);
  const submission = useSubmission();
  const clearResult = submission.result.clear;
  useEffect(clearResult, [action, actionStatus]);

  const shownIds = useMemo(() => list.items.map((offence) => offence.id), [list.items]);
  const chosen = shownIds.filter((id) => selected.has(id));
  const allChosen = shownIds.length > 0 && chosen.length === shownIds.length;

  if (!me.actions.work_letters) return <p>{t('letters.onlyLiaisons')}</p>;

  const mark = (status: 'sent' | 'done') =>
    submission.run(async () => {
      if (!chosen.length) throw new Error(t('letters.selectFirst'));
      const result = await api.markLetters(chosen, status);
      const done = new Set(chosen);
      setSelected(new Set());
      if (status !== actionStatus) {
        setMarked((count) => count + done.size);
        list.update((items) => items.filter((item) => !done.has(item.id)));
      }
      // Said in the action bar, where the buttons are (or were, once the list is empty).
      const n = formatNumber(result.updated);
      return status === 'sent'
        ? t('letters.markedSent', { count: result.updated, n })
        : t('letters.markedDone', { count: result.updated, n });
    });
  const hasLetters = list.items.length > 0;

  const exportQuery = { action: choiceParam<LetterAction>(action) };
  const stage = STAGES.find((value) => value === action);
  const shownCount = Math.max(0, list.count - marked);
  return (
    <>
      <p>{t('letters.intro', { force: me.liaison?.force_name ?? '' })}</p>
      <form
        class="filters"
        aria-label={t('letters.filters')}
        onSubmit={(event) => {
          event.preventDefault();
          const params = new URLSearchParams();
          if (chosenAction) params.set('action', chosenAction);
          if (chosenStatus !== 'pending') params.set('action_status', chosenStatus);
          const text = params.toString();
          navigate(text ? `/speedwatch/letters?${text}` : '/speedwatch/letters');
        }}
      >
        <SelectField
          label={t('letters.letterField')}
          value={chosenAction}
          onValue={setChosenAction}
          choices={ACTION_CHOICES()}
        />
        <SelectField label={t('letters.showField')} value={chosenStatus} onValue={setChosenStatus} choices={STATUS_CHOICES()} />
        <button type="submit" class="button button--primary button--wide">
          {t('letters.showButton')}
        </button>
      </form>

      <section aria-labelledby="batch-heading" class="panel">
        <h2 id="batch-heading">{t('letters.batch.heading')}</h2>
        <p>
          {stage
            ? t('letters.batch.ofStage', { stage: stageLabel(stage).toLocaleLowerCase() })
            : t('letters.batch.all')}
        </p>
        <div class="button-row">
          <a class="button button--secondary" href={api.lettersExportUrl(exportQuery, 'csv')} download>
            {t('letters.batch.csv')}
          </a>
          <a class="button button--secondary" href={api.lettersExportUrl(exportQuery, 'pdf')} download>
            {t('letters.batch.pdf')}
          </a>
        </div>
        <KeeperAddressUpload onStored={() => setPostings((n) => n + 1)} />
      </section>

      {posting && (
        <PostLetters
          stage={stage}
          refreshed={postings}
          onPosted={() => {
            setPostings((n) => n + 1);
            list.reload();
          }}
        />
      )}

      <HeldOffences onDecided={() => list.reload()} />

      <section aria-labelledby="queue-heading">
        <h2 id="queue-heading">{STATUS_LABELS[actionStatus as ActionStatus]?.() ?? t('letters.title')}</h2>
        <p role="status" class="results__count">
          {list.loading
            ? t('common.loading')
            : list.error
              ? ''
              : list.countCapped
                ? t('letters.countMore', { n: formatNumber(list.count) })
                : t('letters.count', { count: shownCount, n: formatNumber(shownCount) })}
        </p>
        {list.loading ? (
          <Loading what={t('letters.noun')} />
        ) : (
          <>
            <ErrorAlert messages={list.error?.general ?? []} />
            {list.items.length === 0 && !list.error ? (
              <EmptyState>
                <p>{actionStatus === 'pending' ? t('letters.noneWaiting') : t('letters.nothing')}</p>
              </EmptyState>
            ) : (
              <>
                <label class="select-all">
                  <input
                    type="checkbox"
                    checked={allChosen}
                    onChange={(event) => setSelected(event.currentTarget.checked ? new Set(shownIds) : new Set())}
                  />
                  <span>{t('letters.selectAll')}</span>
                </label>
                <ul class="card-list">
                  {list.items.map((offence) => (
                    <li key={offence.id}>
                      <OffenceCard
                        offence={offence}
                        where={`${offence.site_name}, ${offence.scheme.name}`}
                        lead={
                          <label class="select-letter">
                            <input
                              type="checkbox"
                              checked={selected.has(offence.id)}
                              onChange={(event) => {
                                const next = new Set(selected);
                                if (event.currentTarget.checked) next.add(offence.id);
                                else next.delete(offence.id);
                                setSelected(next);
                              }}
                            />
                            <span>
                              {t('letters.selectOne', {
                                registration: formatRegistration(offence.registration),
                                speed: offence.speed_mph,
                                date: formatDate(offence.observed_at),
                              })}
                            </span>
                          </label>
                        }
                      >
                        {(offence.vehicle_check === 'not_checked' || offence.vehicle_check === 'pending') && (
                          <p class="card__detail">
                            {offence.vehicle_check === 'pending'
                              ? t('vehicles.queue.pending')
                              : t('vehicles.queue.notChecked')}
                          </p>
                        )}
                        <p class="card__detail">
                          <a href={`/speedwatch/sessions/${offence.session}`}>
                            {t('letters.sessionAt', { site: offence.site_name })}
                          </a>
                        </p>
                      </OffenceCard>
                    </li>
                  ))}
                </ul>
              </>
            )}
            {/* After the list and sticky, so it stays at the foot of the screen while the list scrolls by;
                it stays once the list is emptied, to say what was done. */}
            {(hasLetters || marked > 0) && (
              <div class="selection-bar" role="group" aria-label={t('letters.selectedGroup')}>
                <ActionResult result={submission.result} />
                {hasLetters && (
                  <p class="selection-bar__count" aria-live="polite">
                    {t('letters.selected', { n: formatNumber(chosen.length) })}
                  </p>
                )}
                <ErrorAlert messages={submission.error ? submission.otherErrors([]) : []} />
                {hasLetters && (
                  <div class="selection-bar__buttons">
                    {actionStatus !== 'sent' && (
                      <button
                        type="button"
                        class="button button--primary"
                        aria-disabled={submission.busy ? 'true' : undefined}
                        onClick={() => mark('sent')}
                      >
                        {t('letters.markSent')}
                      </button>
                    )}
                    {actionStatus !== 'done' && (
                      <button
                        type="button"
                        class="button button--secondary"
                        aria-disabled={submission.busy ? 'true' : undefined}
                        onClick={() => mark('done')}
                      >
                        {t('letters.markDone')}
                      </button>
                    )}
                  </div>
                )}
              </div>
            )}
            <ShowMoreButton list={list} noun={t('letters.noun')} />
          </>
        )}
      </section>

      {posting && <PostedLetterList refreshed={postings} />}
    </>
  );
}
