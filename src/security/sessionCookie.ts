/**
 * The session cookie (`payload-token`) is `Secure` when the site is served over HTTPS
 * (`SERVER_URL` starts with https://), so a browser never sends it over plain HTTP. Not
 * tied to NODE_ENV: a production build tried out on http://localhost must still log in.
 * Read when the config is built, like the rest of the Users collection.
 */
export const sessionCookieIsSecure = (serverUrl = process.env.SERVER_URL) => /^https:\/\//i.test(serverUrl?.trim() ?? '')
