/** The public base URL of this server, without a trailing slash (`SERVER_URL`). */
export const getServerUrl = (): string => {
  const fromEnv = process.env.SERVER_URL?.trim()
  const fallback = `http://localhost:${process.env.PORT || 3000}`
  return (fromEnv || fallback).replace(/\/+$/, '')
}
