// The mutator every generated call goes through. In a browser `credentials: 'include'` makes the browser send and
// keep the session cookie; node has no cookie store, so this keeps one the same way (one cookie per name).
const cookies = new Map<string, string>();

export const tollgateBaseUrl = (): string => process.env.TOLLGATE_URL ?? 'http://127.0.0.1:5080';

export const clearCookies = (): void => cookies.clear();

export const tollgateFetch = async <T>(url: string, init?: RequestInit): Promise<T> => {
  const headers = new Headers(init?.headers);
  // A browser names the page's origin on every POST; the API checks it for cookie-authenticated ones (CSRF).
  if (process.env.TOLLGATE_ORIGIN && !headers.has('origin')) {
    headers.set('origin', process.env.TOLLGATE_ORIGIN);
  }

  if (cookies.size > 0 && !headers.has('cookie')) {
    headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
  }

  const response = await fetch(`${tollgateBaseUrl()}${url}`, { ...init, headers, credentials: 'include' });
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const equals = pair.indexOf('=');
    const [name, value] = [pair.slice(0, equals), pair.slice(equals + 1)];
    if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) {
      cookies.delete(name);
    } else {
      cookies.set(name, value);
    }
  }

  const text = await response.text();
  const data = text.length > 0 ? JSON.parse(text) : undefined;
  // orval's fetch client expects { data, status, headers } back.
  return { data, status: response.status, headers: response.headers } as T;
};
