import type { PagedList } from '../hooks';
import { languageTag, t } from '../i18n';

/** "Show more" for paginated lists, with a count of what is already shown. */
export function ShowMoreButton<T>({ list, noun }: { list: PagedList<T>; noun: string }) {
  if (list.loading || list.items.length === 0) return null;
  return (
    <div class="show-more">
      {(list.hasMore || list.items.length > 20) && (
        <p class="show-more__count">
          {showing(list, noun)}
        </p>
      )}
      {list.hasMore && (
        <button
          type="button"
          class="button button--secondary"
          aria-disabled={list.loadingMore ? 'true' : undefined}
          onClick={() => {
            if (!list.loadingMore) list.showMore();
          }}
        >
          {list.loadingMore ? t('list.loadingMore') : t('list.showMore')}
        </button>
      )}
    </div>
  );
}

function showing<T>(list: PagedList<T>, noun: string): string {
  const shown = list.items.length;
  const number = (n: number) => n.toLocaleString(languageTag());
  if (!list.countCapped) return t('list.showingOf', { shown: number(shown), count: number(list.count), noun });
  // Counted only so far: past that, all that is known is how many are shown.
  if (shown < list.count) return t('list.showingOfMore', { shown: number(shown), count: number(list.count), noun });
  return t('list.showing', { shown: number(shown), noun });
}
