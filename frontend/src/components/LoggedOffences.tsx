// The offences logged in a draft session, newest first, each with whether it has reached
// the server yet. A mistaken entry can be removed until the session is submitted; what was
// removed is said above the list, where the entry was.

import { useActionResult } from '../actionResult';
import { formatNumber, formatRegistration, formatTime, VEHICLE_TYPE_LABELS } from '../format';
import type { DraftOffence, EntryState } from '../sessionDrafts';
import { languageTag, t } from '../i18n';
import { ActionResult } from './ActionResult';
import { ConfirmAction } from './ConfirmAction';
import { RegistrationPlate } from './RegistrationPlate';
import { StatusTag } from './StatusTag';

// Catalogue keys, read at each render: the words follow the language of the moment.
const STATE_LABELS: Record<EntryState, string> = {
  uploaded: 'loggedOffences.uploaded',
  waiting: 'loggedOffences.waiting',
  refused: 'loggedOffences.refused',
};

export function vehicleDescription(offence: { colour: string; make: string; model: string; vehicle_type: string }): string {
  const words = [offence.colour, offence.make, offence.model].filter(Boolean).join(' ');
  const type = VEHICLE_TYPE_LABELS[offence.vehicle_type as keyof typeof VEHICLE_TYPE_LABELS] ?? offence.vehicle_type;
  return words ? t('loggedOffences.vehicle', { words, type: type.toLocaleLowerCase(languageTag()) }) : type;
}

export function LoggedOffences({
  offences,
  onRemove,
}: {
  offences: DraftOffence[];
  onRemove: (offence: DraftOffence) => void;
}) {
  const newestFirst = [...offences].reverse();
  const removed = useActionResult();
  return (
    <section aria-labelledby="logged-heading">
      <h2 id="logged-heading">{t('loggedOffences.heading', { n: formatNumber(offences.length) })}</h2>
      <ActionResult result={removed} />
      {offences.length === 0 ? (
        <p>{t('loggedOffences.none')}</p>
      ) : (
        <ol class="entry-list" reversed>
          {newestFirst.map((offence) => {
            const summaryId = `entry-${offence.id}`;
            return (
              <li key={offence.id} class={`entry entry--${offence.state}`}>
                <p class="entry__main" id={summaryId}>
                  <RegistrationPlate registration={offence.registration} />{' '}
                  <strong>{t('loggedOffences.speed', { speed: offence.speed_mph })}</strong>{' '}
                  {t('loggedOffences.at', { time: formatTime(offence.observed_at) })}
                </p>
                <p class="entry__detail">{vehicleDescription(offence)}</p>
                <p class="entry__detail">
                  <StatusTag tone={offence.state}>{t(STATE_LABELS[offence.state])}</StatusTag>
                </p>
                {offence.problem && offence.problem.length > 0 && (
                  <p class="field-error">
                    {offence.problem.join(' ')} {t('loggedOffences.removeAndAgain')}
                  </p>
                )}
                <ConfirmAction
                  label={t('loggedOffences.remove')}
                  question={t('loggedOffences.removeQuestion', {
                    registration: formatRegistration(offence.registration),
                    speed: offence.speed_mph,
                  })}
                  confirmLabel={t('loggedOffences.remove')}
                  danger
                  describedBy={summaryId}
                  result={removed}
                  onConfirm={() => {
                    onRemove(offence);
                    return t('loggedOffences.removed', {
                      registration: formatRegistration(offence.registration),
                      speed: offence.speed_mph,
                    });
                  }}
                />
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
