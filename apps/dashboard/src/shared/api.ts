import { ApiErrorSchema } from '@tm/contracts';

/** Anything with zod's `parse`: responses the dashboard relies on are validated, not trusted. */
export interface Parser<T> {
  parse(data: unknown): T;
}

/** A failed API call with the server's message (`{statusCode, code, message}`) when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.status === 404;
export const isForbidden = (e: unknown): boolean => e instanceof ApiError && e.status === 403;

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Api {
  get<T>(path: string, parser: Parser<T>): Promise<T>;
  send<T>(method: Method, path: string, body: unknown, parser: Parser<T>): Promise<T>;
  /** The raw response (for downloads such as the audit CSV). */
  fetchRaw(path: string): Promise<Response>;
}

async function errorFrom(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  const parsed = ApiErrorSchema.safeParse(body);
  if (parsed.success) return new ApiError(response.status, parsed.data.code, parsed.data.message);
  return new ApiError(response.status, `HTTP_${response.status}`, `${response.status} ${response.statusText}`);
}

/**
 * Bearer-authenticated JSON calls; a 401 ends the session so the user is sent back to sign in.
 * `language` goes out as Accept-Language, so texts the server still writes (an alert's `message`,
 * error messages) come in the user's language.
 */
export function createApi(token: string | null, onUnauthorized: () => void, language?: string): Api {
  async function call(method: Method, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (language !== undefined) headers['accept-language'] = language;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status === 401 && token !== null) onUnauthorized();
    if (!response.ok) throw await errorFrom(response);
    return response;
  }
  return {
    async get(path, parser) {
      return parser.parse(await (await call('GET', path)).json());
    },
    async send(method, path, body, parser) {
      const response = await call(method, path, body ?? {});
      const text = await response.text();
      return parser.parse(text === '' ? null : JSON.parse(text));
    },
    fetchRaw: (path) => call('GET', path),
  };
}

export function query(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
}
