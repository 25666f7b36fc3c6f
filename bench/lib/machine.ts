import os from 'node:os'

/** What the numbers were measured on: printed and stored with every result. */
export const machineInfo = () => ({
  nproc: os.availableParallelism(),
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  totalMemoryGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
  loadAverage: os.loadavg().map((value) => Number(value.toFixed(2))),
  platform: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
})
