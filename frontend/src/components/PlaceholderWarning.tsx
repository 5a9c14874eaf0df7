// The placeholders still in an alert's words ("{place}"), each with what goes in its place:
// the server refuses to send the alert until every one is filled in.

import { placeholdersIn, usePlaceholderGuide } from '../approval';
import { t } from '../i18n';

export function PlaceholderWarning({ texts }: { texts: string[] }) {
  const left = placeholdersIn(...texts);
  const guide = usePlaceholderGuide(left.length > 0);
  if (!left.length) return null;
  return (
    <div class="notice notice--pending placeholder-warning" role="status">
      <p>
        <strong>{t('approval.placeholders.left', { count: left.length })}</strong>
      </p>
      <ul>
        {left.map((placeholder) => {
          const meaning = guide.find((item) => item.placeholder === placeholder)?.meaning;
          return (
            <li key={placeholder}>
              <code>{placeholder}</code>
              {meaning ? `: ${meaning}` : ''}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
