import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useActionResult, type ActionResultState } from './actionResult';
import { ApiError } from './api';
import type { Page } from './api/schemas';

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} – Patchwatch` : 'Patchwatch';
  }, [title]);
}

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, {}, [error instanceof Error ? error.message : String(error)]);
}

/** A page of the longest lists (offences, letters), which count their rows only so far. */
export type CountedPage<T> = Page<T> & { count_capped?: boolean };

export interface PagedList<T> {
  items: T[];
  count: number;
  /** True when the list holds more than `count` rows: it was counted only that far. */
  countCapped: boolean;
  loading: boolean;
  loadingMore: boolean;
  error: ApiError | null;
  hasMore: boolean;
  showMore: () => Promise<void>;
  reload: () => void;
  /** Changes the loaded items in place, e.g. to drop an approved request. */
  update: (change: (items: T[]) => T[]) => void;
}

/**
 * Loads a paginated API list and appends further pages on "Show more".
 * `fetchPage` must be stable for a given query (wrap it in useCallback);
 * a new function starts again from page 1.
 */
export function usePagedList<T>(
  fetchPage: ((page: number, signal: AbortSignal) => Promise<CountedPage<T>>) | null,
): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [count, setCount] = useState(0);
  const [countCapped, setCountCapped] = useState(false);
  const [page, setPage] = useState(1);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(fetchPage !== null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [generation, setGeneration] = useState(0);
  const controller = useRef<AbortController | null>(null);

  useEffect(() => {
    if (!fetchPage) {
      setLoading(false);
      return;
    }
    const abort = new AbortController();
    controller.current = abort;
    setLoading(true);
    setError(null);
    fetchPage(1, abort.signal).then(
      (data) => {
        if (abort.signal.aborted) return;
        setItems(data.results);
        setCount(data.count);
        setCountCapped(data.count_capped ?? false);
        setPage(1);
        setHasMore(data.next != null);
        setLoading(false);
      },
      (err) => {
        if (abort.signal.aborted) return;
        setItems([]);
        setCount(0);
        setCountCapped(false);
        setHasMore(false);
        setError(asApiError(err));
        setLoading(false);
      },
    );
    return () => abort.abort();
  }, [fetchPage, generation]);

  const showMore = useCallback(async () => {
    if (!fetchPage || !controller.current) return;
    const signal = controller.current.signal;
    setLoadingMore(true);
    setError(null);
    try {
      const data = await fetchPage(page + 1, signal);
      if (signal.aborted) return;
      setItems((old) => [...old, ...data.results]);
      setCount(data.count);
      setCountCapped(data.count_capped ?? false);
      setPage(page + 1);
      setHasMore(data.next != null);
    } catch (err) {
      if (!signal.aborted) setError(asApiError(err));
    } finally {
      if (!signal.aborted) setLoadingMore(false);
    }
  }, [fetchPage, page]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const update = useCallback((change: (items: T[]) => T[]) => setItems(change), []);

  return { items, count, countCapped, loading, loadingMore, error, hasMore, showMore, reload, update };
}

export interface Submission {
  busy: boolean;
  error: ApiError | null;
  /** Messages for one field, for a form control's `errors` prop. */
  fieldErrors: (field: string) => string[] | undefined;
  /** Messages that no visible field shows, for the form's alert box. */
  otherErrors: (shownFields: readonly string[]) => string[];
  /** Runs the action; words it returns are said beside the form (`result`). */
  run: (action: () => Promise<string | void>) => Promise<void>;
  setError: (error: ApiError | null) => void;
  /** What the last submission did, for an <ActionResult> beside the form's button. */
  result: ActionResultState;
}

/**
 * Runs a form submission once at a time and keeps its errors and what it did. After a
 * validation error, focus moves to the first field marked invalid so that
 * keyboard and screen reader users land on the problem.
 */
export function useSubmission(): Submission {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const busyRef = useRef(false);
  const result = useActionResult();
  const { say, clear } = result;

  const run = useCallback(async (action: () => Promise<string | void>) => {
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    setError(null);
    clear();
    try {
      const outcome = await action();
      if (outcome) say(outcome);
    } catch (err) {
      const apiError = asApiError(err);
      setError(apiError);
      if (Object.keys(apiError.fields).length) {
        requestAnimationFrame(() => {
          const invalid = document.querySelector<HTMLElement>('main [aria-invalid="true"]');
          invalid?.focus();
        });
      }
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }, [say, clear]);

  const fieldErrors = useCallback((field: string) => error?.fields[field], [error]);
  const otherErrors = useCallback((shown: readonly string[]) => error?.otherMessages(shown) ?? [], [error]);

  return { busy, error, fieldErrors, otherErrors, run, setError, result };
}

/** A local path to return to after signing in; anything else falls back to "/". */
export function safeNext(next: string | null): string {
  if (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/api/')) return next;
  return '/';
}

/**
 * Takes the messages of `fields` away from a form's error as soon as the person has put
 * them right (call it from the fields' change handlers, once the new value is acceptable),
 * leaving the other fields' messages until the form is sent again.
 */
export function clearFieldErrors(submission: Submission, ...fields: string[]): void {
  const error = submission.error;
  if (!error || !fields.some((field) => error.fields[field])) return;
  const rest = Object.fromEntries(Object.entries(error.fields).filter(([field]) => !fields.includes(field)));
  submission.setError(
    Object.keys(rest).length || error.general.length ? new ApiError(error.status, rest, error.general) : null,
  );
}
