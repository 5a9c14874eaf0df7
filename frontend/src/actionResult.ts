// What an action did, said beside the button or form that did it rather than in the banner
// at the top of the screen, which may be scrolled out of view: a polite live region (see
// components/ActionResult.tsx) that screen readers announce. One of these per place where
// an action is taken; useSubmission keeps one for every form, ConfirmAction for its button.
// Actions that move to another screen say what they did there instead (goWithMessage).

import type { RefObject } from 'preact';
import { useCallback, useMemo, useRef, useState } from 'preact/hooks';

export interface ActionResultState {
  /** What the last action did; empty before any, and while the next one runs. */
  text: string;
  /** For the live region (components/ActionResult.tsx). */
  ref: RefObject<HTMLParagraphElement>;
  /**
   * Says what an action did. The region is emptied first, so that the same words said twice
   * are announced twice. Once said, the words are scrolled into sight if they are not, and
   * if the button that was pressed has gone (focus fell back to the page) focus moves to
   * them, so that keyboard and screen reader users go on from where they were.
   */
  say: (text: string) => void;
  clear: () => void;
}

// Long enough for screen readers to notice that the region was emptied.
const REFILL_MS = 50;

export function useActionResult(): ActionResultState {
  const [text, setText] = useState('');
  const ref = useRef<HTMLParagraphElement>(null);
  const turn = useRef(0);

  const say = useCallback((next: string) => {
    const mine = ++turn.current;
    setText('');
    window.setTimeout(() => {
      if (mine !== turn.current) return;
      setText(next);
      // After Preact has drawn it, and after any focus the screen moves on purpose.
      window.setTimeout(() => {
        if (mine === turn.current) settle(ref.current);
      }, 0);
    }, REFILL_MS);
  }, []);

  const clear = useCallback(() => {
    turn.current++;
    setText('');
  }, []);

  return useMemo(() => ({ text, ref, say, clear }), [text, say, clear]);
}

function settle(element: HTMLElement | null): void {
  if (!element?.isConnected || !element.textContent) return;
  const active = document.activeElement;
  if (!active || active === document.body || active === document.documentElement) {
    element.focus({ preventScroll: true });
  }
  if (inSight(element)) return;
  const { scrollX, scrollY } = window;
  element.scrollIntoView({ block: 'nearest' });
  // Unless that hides what has focus (the next field to fill in, say): it stays where it is.
  const focused = document.activeElement;
  if (focused instanceof HTMLElement && focused !== element && focused !== document.body && !onScreen(focused)) {
    window.scrollTo(scrollX, scrollY);
  }
}

function onScreen(element: HTMLElement): boolean {
  const box = element.getBoundingClientRect();
  return box.bottom > 0 && box.top < window.innerHeight;
}

/** Whether the top and the bottom of an element are on the screen, not hard against its top
 * edge, and not under something else (the menu bar at the foot of a phone's screen, say). */
function inSight(element: HTMLElement): boolean {
  const box = element.getBoundingClientRect();
  const x = box.left + Math.min(8, box.width / 2);
  if (box.top < 8) return false;
  return [box.top + 2, box.bottom - 2].every((y) => {
    if (y > window.innerHeight) return false;
    const found = document.elementFromPoint(x, y);
    return found !== null && element.contains(found);
  });
}
