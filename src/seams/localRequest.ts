import { createLocalReq, type Payload, type PayloadRequest } from 'payload'

/**
 * A request that reads as an anonymous visitor would (REST/GraphQL without credentials): no
 * user, so access rules and hidden fields apply as for the public; its own DataLoader, so
 * nothing the staff request loaded is served from its cache; the same database transaction
 * as `req`, so it sees what `req` wrote but has not committed (an afterChange hook reading the
 * document it is saving); and a shallow copy of `req.context`, so flags set by the hooks
 * travel (the values, e.g. a Map, are shared).
 *
 * Built by Payload's exported `createLocalReq` (what the Local API does with a partial `req`)
 * from `{ transactionID }` only. Relied on, and stated by
 * tests/int/seams/localRequest.int.spec.ts: that `createLocalReq` keeps a given
 * `transactionID`, sets `user` to null when none is given, and makes a new DataLoader.
 * Adapter-neutral (MongoDB shares the session through the same `transactionID`).
 */
export const anonymousRequestLike = (req: PayloadRequest): Promise<PayloadRequest> =>
  createLocalReq({ req: { transactionID: req.transactionID }, context: { ...req.context } }, req.payload)

/**
 * A request of an anonymous visitor for reads made outside any HTTP request of Payload's (the
 * feed and sitemap routes): access rules as for the public, its own DataLoader, and the
 * `x-content-tags` its reads collect (src/hooks/tagPublicRead.ts) in `responseHeaders`. Same
 * reliance on `createLocalReq` as above.
 */
export const anonymousRequest = (payload: Payload): Promise<PayloadRequest> => createLocalReq({}, payload)
