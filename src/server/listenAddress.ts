import net from 'node:net'

/**
 * Which interface `npm start` and `npm run dev` listen on, from `HOSTNAME`: one rule for both.
 *
 * `HOSTNAME` is honoured only when it is an address: an IPv4 or IPv6 literal (`127.0.0.1`,
 * `0.0.0.0`, `::1`, `[::1]`) or `localhost`. Many environments put the machine's *name* there
 * (Docker sets it to the container id, RHEL/Fedora's /etc/profile exports it); listening on
 * whatever that name resolves to would quietly leave out loopback, so a name is ignored,
 * with a note, and the server listens on every interface as when it is unset.
 */
export type ListenHost = {
  /** What to pass to `listen`/`next dev --hostname`; undefined: every interface. */
  host: string | undefined
  /** The value that was ignored because it is a machine name, not an address. */
  ignored?: string
}

export const listenHostFrom = (value: string | undefined): ListenHost => {
  const given = value?.trim()
  if (!given) return { host: undefined }
  const unbracketed = given.replace(/^\[(.*)\]$/, '$1')
  if (unbracketed.toLowerCase() === 'localhost' || net.isIP(unbracketed)) return { host: unbracketed }
  return { host: undefined, ignored: given }
}

/** The one line both servers print when HOSTNAME held a machine name. */
export const ignoredHostnameNote = (ignored: string) =>
  `HOSTNAME="${ignored}" is a machine name, not an address: listening on every interface. ` +
  'Set HOSTNAME=127.0.0.1 to listen on this machine only, or HOSTNAME=0.0.0.0 to say "every interface".'
