import { useTitle } from '../hooks';

export function NotFoundScreen() {
  useTitle('Page not found');
  return (
    <>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>There is no page at this address. Check it for typing mistakes.</p>
      <p>
        <a href="/">Go to the scheme directory</a>
      </p>
    </>
  );
}
