import { typeName } from './ledger-entries.js';

type Check = (value: unknown) => string | undefined;

const string: Check = (value) => (typeof value === 'string' ? undefined : `${typeName(value)}, expected a string`);
const number: Check = (value) => (typeof value === 'number' && Number.isFinite(value) ? undefined : `${typeName(value)}, expected a number`);
const optional =
  (check: Check): Check =>
  (value) =>
    value === undefined ? undefined : check(value);

/** An object whose named fields pass their checks; the first problem names the field's path. */
function object(fields: Record<string, Check>): Check {
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${typeName(value)}, expected an object`;
    for (const [key, check] of Object.entries(fields)) {
      const problem = check((value as Record<string, unknown>)[key]);
      if (problem !== undefined) return problem.startsWith('.') || problem.startsWith('[') ? `.${key}${problem}` : `.${key} is ${problem}`;
    }
    return undefined;
  };
}

function list(item: Check): Check {
  return (value) => {
    if (!Array.isArray(value)) return `${typeName(value)}, expected a list`;
    for (const [i, element] of value.entries()) {
      const problem = item(element);
      if (problem !== undefined) return problem.startsWith('.') ? `[${i}]${problem}` : `[${i}] is ${problem}`;
    }
    return undefined;
  };
}

function record(item: Check): Check {
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${typeName(value)}, expected an object`;
    for (const [key, element] of Object.entries(value)) {
      const problem = item(element);
      if (problem !== undefined) return problem.startsWith('.') ? `[${JSON.stringify(key)}]${problem}` : `[${JSON.stringify(key)}] is ${problem}`;
    }
    return undefined;
  };
}

const CHECKPOINT_FILE = object({
  files: list(object({ fingerprint: object({ hash: string, length: number, dev: number, ino: number }), offset: number, path: string, updatedAt: string, foreign: optional(string) })),
  journals: optional(record(object({ cursor: string, realtimeUs: number }))),
  exported: optional(list(object({ key: string, until: record(number), from: optional(record(number)) }))),
});

/**
 * What is wrong with a parsed checkpoints.json of the current version, naming the field and what
 * was found (`files[0].offset is a string, expected a number`), or undefined when it is sound.
 */
export function checkpointFileProblem(parsed: unknown): string | undefined {
  const problem = CHECKPOINT_FILE(parsed);
  if (problem === undefined) return undefined;
  return problem.startsWith('.') ? problem.slice(1) : `the file is ${problem}`;
}
