// The offences logged in a draft session, newest first, each with whether it has reached
// the server yet. A mistaken entry can be removed until the session is submitted; what was
// removed is said above the list, where the entry was.

import { useActionResult } from '../actionResult';
import { formatRegistration, formatTime, VEHICLE_TYPE_LABELS } from '../format';
import type { DraftOffence, EntryState } from '../sessionDrafts';
import { ActionResult } from './ActionResult';
import { ConfirmAction } from './ConfirmAction';
import { RegistrationPlate } from './RegistrationPlate';
import { StatusTag } from './StatusTag';

const STATE_LABELS: Record<EntryState, string> = {
  uploaded: 'Uploaded',
  waiting: 'Waiting to upload',
  refused: 'Not accepted',
};

export function vehicleDescription(offence: { colour: string; make: string; model: string; vehicle_type: string }): string {
  const words = [offence.colour, offence.make, offence.model].filter(Boolean).join(' ');
  const type = VEHICLE_TYPE_LABELS[offence.vehicle_type as keyof typeof VEHICLE_TYPE_LABELS] ?? offence.vehicle_type;
  return words ? `${words} (${type.toLowerCase()})` : type;
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
      <h2 id="logged-heading">Offences logged ({offences.length})</h2>
      <ActionResult result={removed} />
      {offences.length === 0 ? (
        <p>None yet. Each offence you add appears here.</p>
      ) : (
        <ol class="entry-list" reversed>
          {newestFirst.map((offence) => {
            const summaryId = `entry-${offence.id}`;
            return (
              <li key={offence.id} class={`entry entry--${offence.state}`}>
                <p class="entry__main" id={summaryId}>
                  <RegistrationPlate registration={offence.registration} />{' '}
                  <strong>{offence.speed_mph} mph</strong> at {formatTime(offence.observed_at)}
                </p>
                <p class="entry__detail">{vehicleDescription(offence)}</p>
                <p class="entry__detail">
                  <StatusTag tone={offence.state}>{STATE_LABELS[offence.state]}</StatusTag>
                </p>
                {offence.problem && offence.problem.length > 0 && (
                  <p class="field-error">{offence.problem.join(' ')} Remove it and enter it again.</p>
                )}
                <ConfirmAction
                  label="Remove"
                  question={`Remove ${formatRegistration(offence.registration)} at ${offence.speed_mph} mph?`}
                  confirmLabel="Remove"
                  danger
                  describedBy={summaryId}
                  result={removed}
                  onConfirm={() => {
                    onRemove(offence);
                    return `Removed ${formatRegistration(offence.registration)} at ${offence.speed_mph} mph.`;
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
