import { describeShape, OPENCLAW_STREAMS } from './foreign-input.js';

/** Lines a followed file must have given, none of them OpenClaw's, before it is called foreign (a first line may be cut). */
const FOREIGN_AFTER_LINES = 10;
/** Said again at most this often while the file stays foreign. */
const REPEAT_MS = 10 * 60_000;

/** What a followed file's intake counted (LineIntake). */
interface IntakeCounts {
  readonly linesSeen: number;
  readonly openclawItems: number;
  readonly firstLine: string | undefined;
}

/**
 * Followed files that give only lines that are not OpenClaw's (a --file pointing at another
 * program's log): said at warn once they have given a few lines, then at most every 10 minutes,
 * and noted in the checkpoint file so that `status` does not call them up to date.
 */
export class ForeignSources {
  private readonly saidAt = new Map<string, number>();

  constructor(
    private readonly store: { setForeign(key: string, note: string | undefined): void },
    private readonly log: (message: string, level?: 'info' | 'warn' | 'error') => void,
  ) {}

  /** After each hand-over of a file's lines. */
  check(file: { key: string; path: string }, intake: IntakeCounts): void {
    if (intake.openclawItems > 0) {
      if (this.saidAt.delete(file.key)) this.log(`${file.path}: OpenClaw records found after all`);
      this.store.setForeign(file.key, undefined);
      return;
    }
    if (intake.linesSeen < FOREIGN_AFTER_LINES) return;
    const looks = describeShape({ lines: intake.linesSeen, firstLine: intake.firstLine });
    this.store.setForeign(file.key, looks);
    const now = Date.now();
    const last = this.saidAt.get(file.key);
    if (last !== undefined && now - last < REPEAT_MS) return;
    this.saidAt.set(file.key, now);
    this.log(`${file.path}: ${intake.linesSeen} lines read and none is an OpenClaw record or event; it looks like ${looks}. Is this the gateway's log? ${OPENCLAW_STREAMS}.`, 'warn');
  }
}
