import { readdirSync, readFileSync } from 'node:fs';

/** Resident set size of a process in MiB, from /proc/<pid>/status (VmRSS); undefined once it has exited. */
export function rssMiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined;
  }
}

/** Children of `parentPid` whose command line contains `needle` (the embedded database is a forked child that does not expose its pid). */
export function childPids(parentPid: number, needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // the command name in parentheses may contain spaces; the fields after it are fixed
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parentPid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

export interface RssSampler {
  samples: number[];
  stop(): number[];
}

/** Samples the summed RSS of some processes every `intervalMs`. */
export function sampleRss(pids: () => number[], intervalMs = 250): RssSampler {
  const samples: number[] = [];
  const take = () => {
    const values = pids().map(rssMiB);
    if (values.every((v) => v !== undefined)) samples.push(values.reduce((a, b) => a + b, 0));
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
