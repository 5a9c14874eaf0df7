// What an action did, beside the button or form that did it (src/actionResult.ts). The live
// region is always in the page, empty and taking no room until there is something to say,
// so that screen readers announce what appears in it. It takes focus when the button that
// was pressed has gone.

import type { ActionResultState } from '../actionResult';

export function ActionResult({ result }: { result: ActionResultState }) {
  return (
    <p class="action-result" role="status" tabIndex={-1} ref={result.ref}>
      {result.text}
    </p>
  );
}
