/** What a backend said it dropped of a request it answered 200: OTLP's `partial_success`. */
export interface PartialRejection {
  spans: number;
  /** The backend's `error_message` (may be empty). */
  message: string;
}

/** Two partial rejections (of the requests one export call was cut into) as one. */
export function addRejections(a: PartialRejection | undefined, b: PartialRejection | undefined): PartialRejection | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return { spans: a.spans + b.spans, message: a.message === '' ? b.message : a.message };
}

/** How a partial rejection is said: the count and the backend's own words (`unit`: what `spans` counts, for log records). */
export function partialRejectionMessage(rejected: PartialRejection, unit: 'span' | 'log record' = 'span'): string {
  const words = rejected.message === '' ? '' : `: ${rejected.message}`;
  const request = unit === 'span' ? 'the request' : 'a logs request';
  return `the backend accepted ${request} but rejected ${rejected.spans} ${unit}${rejected.spans === 1 ? '' : 's'} of it (OTLP partial success)${words}`;
}
