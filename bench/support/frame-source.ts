import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a profile says of a function: its file's URL and where it starts (0-based, as V8 counts). */
export interface FrameLocation {
  url: string;
  lineNumber: number;
  columnNumber?: number;
}

/**
 * Where a profiled function's code came from: its file relative to the checkout
 * (`src/parsers/key-values.ts`, `node_modules/@opentelemetry/core/…`, or `node:…` as it is) and its
 * line there (1-based). The CLI runs a bundle (dist/bundle/, scripts/bundle.mjs), whose frames name
 * a chunk: its source map (through tsc's) gives the module and line a function was written at. A
 * file without a map is named as it is.
 */
export class FrameSources {
  private readonly maps = new Map<string, SourceMap | undefined>();

  constructor(private readonly root: string) {}

  locate(frame: FrameLocation): { file: string; line: number } {
    if (!frame.url.startsWith('file:')) return { file: frame.url, line: frame.lineNumber + 1 };
    const path = fileURLToPath(frame.url);
    const entry = this.mapOf(path)?.findEntry(frame.lineNumber, frame.columnNumber ?? 0);
    // findEntry gives `{}` where the map has nothing.
    if (entry === undefined || !('originalSource' in entry)) return { file: relative(this.root, path), line: frame.lineNumber + 1 };
    return { file: relative(this.root, resolve(dirname(path), entry.originalSource)), line: entry.originalLine + 1 };
  }

  private mapOf(path: string): SourceMap | undefined {
    if (this.maps.has(path)) return this.maps.get(path);
    // Only the bundle's maps: tsc's maps of dist/<folder>/ would name the same folder under src/.
    const file = `${path}.map`;
    const map = path.includes('/dist/bundle/') && existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]) : undefined;
    this.maps.set(path, map);
    return map;
  }
}
