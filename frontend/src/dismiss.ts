// Questions and forms that open in place, as dialogs do, close with Escape as well as with
// their Cancel button, and put focus back on the button that opened them.

import { useCallback, useEffect, useRef } from 'preact/hooks';

// The button pressed last. The one that opened a form has usually been replaced by the form
// by the time the form is drawn, so it is noted as it is pressed (a click, or Enter or Space).
let lastPressed: { element: HTMLElement; words: string } | null = null;
document.addEventListener(
  'click',
  (event) => {
    const button = (event.target as Element | null)?.closest?.('button');
    if (button) lastPressed = { element: button, words: button.textContent?.trim() ?? '' };
  },
  true,
);

/** Focus the button that opened something, or (when the screen drew it anew) the button with
 * the same words in the same card or section. */
function focusOpener(opener: { element: HTMLElement; words: string } | null, container: Element | null): void {
  requestAnimationFrame(() => {
    if (!opener) return;
    if (opener.element.isConnected) {
      opener.element.focus();
      return;
    }
    const again = [...(container?.querySelectorAll<HTMLElement>('button') ?? [])].find(
      (button) => button.textContent?.trim() === opener.words,
    );
    again?.focus();
  });
}

/**
 * For a form or question shown in place of the button that opened it: `ref` goes on its
 * outer element, `onKeyDown` there too (Escape closes), and `close` on its Cancel button.
 */
export function useDismiss<T extends HTMLElement>(onClose: () => void) {
  const ref = useRef<T>(null);
  const opener = useRef<{ element: HTMLElement; words: string } | null>(null);
  const container = useRef<Element | null>(null);

  useEffect(() => {
    opener.current = lastPressed;
    container.current =
      ref.current?.parentElement?.closest('article, section, li, .panel') ?? document.querySelector('main');
  }, []);

  const close = useCallback(() => {
    onClose();
    focusOpener(opener.current, container.current);
  }, [onClose]);

  const onKeyDown = useCallback(
    (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      event.stopPropagation();
      close();
    },
    [close],
  );

  return { ref, close, onKeyDown };
}
