/**
 * What a redirect's source and target may be: a path on the front end (`/articles/old-slug`),
 * at most MAX_REDIRECT_PATH_LENGTH characters, no scheme or host (`//host`), no spaces or
 * control characters, no `..` segments. Pure functions: the resolve endpoint and the
 * collection's hooks share them.
 */
export const MAX_REDIRECT_PATH_LENGTH = 1000

/** The longest chain a target is followed through (collapsing keeps real chains at one step). */
export const MAX_REDIRECT_HOPS = 20

export const redirectPathProblem = (path: unknown, name = 'path'): string | null => {
  if (typeof path !== 'string' || !path) return `"${name}" is required: a path on the website, e.g. /articles/old-slug.`
  if (path.length > MAX_REDIRECT_PATH_LENGTH) return `"${name}" is longer than ${MAX_REDIRECT_PATH_LENGTH} characters.`
  if (!path.startsWith('/') || path.startsWith('//')) return `"${name}" must be a path on the website starting with a single "/" (e.g. /articles/old-slug), not a URL.`
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(path)) return `"${name}" cannot contain spaces or control characters.`
  if (path.split(/[?#]/)[0].split('/').some((segment) => segment === '..' || segment === '.')) return `"${name}" cannot contain "." or ".." segments.`
  return null
}

/** One spelling per path: no trailing slash (except `/` itself), so `/a/` and `/a` are one source. */
export const normaliseRedirectPath = (path: string): string => (path.length > 1 ? path.replace(/\/+(?=$|[?#])/, '') : path)
