// Preload for the bench's worker (`BENCH_WORKER_NODE_OPTIONS="--import ./bench/newsletter-throughput/memoryLog.mjs"`):
// appends process.memoryUsage() in MiB to $TMPDIR/newsletter-worker-memory-<pid>.jsonl every 2 s.
// A gap longer than 2 s between lines means the event loop was blocked that long.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const file = path.join(os.tmpdir(), `newsletter-worker-memory-${process.pid}.jsonl`)
const mib = (bytes) => Math.round(bytes / 1048576)
setInterval(() => {
  const m = process.memoryUsage()
  fs.appendFileSync(file, JSON.stringify({ t: Date.now(), rss: mib(m.rss), heapTotal: mib(m.heapTotal), heapUsed: mib(m.heapUsed), external: mib(m.external), arrayBuffers: mib(m.arrayBuffers) }) + '\n')
}, 2000).unref()
