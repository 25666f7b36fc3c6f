/**
 * The words the owner reads when no worker is alive: the admin banner, the schedule drawer
 * and the newsletter send panel (WorkerPausedNotice), and the alert email all use these.
 */
export const WORKER_NOTICE_ACTION = 'Start it with `npm run worker` on the server, or check its logs.'

/** "10:02" today, "Dec 1, 10:02" another day: clinic wall-clock time. */
export const formatClinicTime = (at: Date, timeZone: string, now = new Date()) => {
  const day = (date: Date) => new Intl.DateTimeFormat('en-CA', { timeZone, dateStyle: 'short' }).format(date)
  const time = new Intl.DateTimeFormat('en-US', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at)
  if (day(at) === day(now)) return time
  return `${new Intl.DateTimeFormat('en-US', { timeZone, month: 'short', day: 'numeric' }).format(at)}, ${time}`
}

/** "Scheduled publishing and newsletters are paused: no worker has been seen since 10:02." */
export const workerPausedSentence = (lastSeenAt: string | null, timeZone: string, now = new Date()) =>
  lastSeenAt
    ? `Scheduled publishing and newsletters are paused: no worker has been seen since ${formatClinicTime(new Date(lastSeenAt), timeZone, now)}.`
    : 'Scheduled publishing and newsletters are paused: no worker has ever been seen.'
