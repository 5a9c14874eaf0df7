import type { PagedList } from '../hooks';

/** "Show more" for paginated lists, with a count of what is already shown. */
export function ShowMoreButton<T>({ list, noun }: { list: PagedList<T>; noun: string }) {
  if (list.loading || list.items.length === 0) return null;
  return (
    <div class="show-more">
      {(list.hasMore || list.items.length > 20) && (
        <p class="show-more__count">
          Showing {list.items.length} of {list.count} {noun}
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
          {list.loadingMore ? 'Loading more…' : 'Show more'}
        </button>
      )}
    </div>
  );
}
