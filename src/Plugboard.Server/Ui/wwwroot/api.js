// The center's public /api/v1 with the bearer token. The token lives in sessionStorage (this tab only, gone when it
// closes) and is sent as a header, never as a cookie: a cross-site page cannot make the browser send it, so there is
// no CSRF surface.

const TOKEN_KEY = 'plugboard.token';

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
  me: null,
  get canWrite() { return this.me?.role === 'admin'; },
  onUnauthorized: () => {},
};

/** A refusal from the API: its status and RFC 7807 problem, with the per-field errors when there are some. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The center answered ${status}`);
    this.status = status;
    this.problem = problem ?? {};
    this.errors = Array.isArray(problem?.errors) ? problem.errors : [];
  }
}

/** Calls /api/v1{path}; resolves with the JSON body, rejects with ApiError. */
export async function api(method, path, body, headers = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers }, cache: 'no-store', credentials: 'omit' };
  if (session.token) init.headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`/api/v1${path}`, init);
  } catch (error) {
    throw new ApiError(0, { title: 'The center did not answer', detail: `The center did not answer (${error.message}); is it running?` });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = { detail: text }; }
  }
  if (!response.ok) {
    if (response.status === 401 && session.me) session.onUnauthorized();
    throw new ApiError(response.status, data);
  }
  return data;
}

export const get = (path) => api('GET', path);

/** Encodes a path segment. */
export const seg = (value) => encodeURIComponent(value);
