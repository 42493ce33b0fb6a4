/**
 * Progress reporting. Library code reports through a `Progress`; the CLI passes a
 * terminal bar (cli-progress, on stderr, only when stderr is a TTY).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Starts a phase with a known total (bytes, rows…). */
  start(label: string, total: number, unit: string): void;
  /** Advances the current phase; `detail` (e.g. "loss 1.23, held-out 0.71") is shown after the counts. */
  advance(delta: number, detail?: string): void;
  /** Ends the current phase. */
  stop(): void;
}

export const silentProgress: Progress = { start() {}, advance() {}, stop() {} };

function human(n: number, unit: string): string {
  if (unit !== 'B') return `${n}`;
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1 << 30) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / (1 << 30)).toFixed(2)} GiB`;
}

/** A bar on stderr when it is a terminal; silent otherwise (logs and CI stay clean). */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return silentProgress;
  let bar: cliProgress.SingleBar | undefined;
  let unit = '';
  let value = 0;
  let total = 0;
  let detail = '';
  return {
    start(label, t, u) {
      bar?.stop();
      unit = u;
      value = 0;
      total = t;
      detail = '';
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${label.padEnd(24)} {bar} {percentage}% | {done} / {all} | ETA {eta_formatted}{detail}`,
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(t, 1), 0, { done: human(0, unit), all: human(t, unit), detail: '' });
    },
    advance(delta, d) {
      value += delta;
      if (d !== undefined) detail = ` | ${d}`;
      bar?.update(Math.min(value, Math.max(total, 1)), { done: human(value, unit), all: human(total, unit), detail });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
