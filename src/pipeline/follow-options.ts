import type { BackendAgeLimit } from '../export/age-limit.js';
import type { TraceExporter } from '../export/trace-exporter.js';
import type { ReconstructorOptions, TraceExit } from '../reconstruct/reconstructor.js';
import type { FinishedTrace } from '../model/span-record.js';
import type { StartFrom } from '../sources/file-source.js';
import type { JournalTarget } from '../sources/journalctl-args.js';
import type { FollowLogs } from './follower-logs.js';

/** What a follower is told to follow and how (built by src/cli/follow-setup.ts from the config). */
export interface FollowOptions {
  /** Directories of rolling logs, or files. */
  paths: readonly string[];
  /** Directories (or files) of diagnostic-event JSONL written by our OpenClaw plugin (`events-YYYY-MM-DD[.N].jsonl`). */
  eventPaths?: readonly string[];
  journals: readonly JournalTarget[];
  /** The journalctl executable. */
  journalctl: string;
  from: StartFrom;
  stateDir: string;
  maxLineBytes: number;
  maxBatchSpans: number;
  reconstructor: ReconstructorOptions;
  exporter: TraceExporter;
  /** Where spans go, for messages (never with credentials). */
  exportTarget: string;
  /** One rare line for the operator (info unless said). */
  log: (message: string, level?: 'info' | 'warn' | 'error') => void;
  /** How long stopping may take before what is not exported is left for the next start. */
  shutdownTimeoutMs: number;
  checkpointIntervalMs?: number;
  rescanMs?: number;
  /** Sees every trace as it is emitted, before it is queued for export (GenAI metrics). Must not throw. */
  onTrace?: (trace: FinishedTrace, exit: TraceExit) => void;
  /** A reload: how long `stopForReload` waits for a request in flight to be answered (the export timeout, plus a margin). */
  inFlightWaitMs?: number;
  /** The backend rejects spans older than this (Dynatrace): such traces are skipped, settled and said (follower-age-gate.ts). */
  ageLimit?: BackendAgeLimit;
  /** --logs: every record of the followed file logs and journals also goes as a log record (follower-logs.ts). */
  logs?: FollowLogs;
}
