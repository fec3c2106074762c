import { describe, expect, it } from 'vitest';
import { journalctlArgs, journalMatches } from '../../../src/sources/journalctl-args.js';

const MATCHES = ['_SYSTEMD_USER_UNIT=openclaw-gateway.service', '+', '_SYSTEMD_UNIT=openclaw-gateway.service', '+', 'SYSLOG_IDENTIFIER=openclaw-gateway'];

describe('journalctl argv', () => {
  it('matches the user unit, the system unit or the identifier, with or without .service', () => {
    expect(journalMatches('openclaw-gateway')).toEqual(MATCHES);
    expect(journalMatches('openclaw-gateway.service')).toEqual(MATCHES);
  });

  it('follows from a cursor inclusively, with every field whole and no tail limit', () => {
    expect(journalctlArgs({ name: 'openclaw-gateway', follow: true, cursor: 's=1;i=2' })).toEqual([
      '--output=json',
      '--all',
      '--no-pager',
      '--follow',
      '--cursor=s=1;i=2',
      '--no-tail',
      ...MATCHES,
    ]);
  });

  it('starts at a realtime with microseconds, or at the end, or reads journal files once', () => {
    expect(journalctlArgs({ name: 'gw', follow: true, sinceUs: 1_795_285_512_000_042 })).toContain('--since=@1795285512.000042');
    expect(journalctlArgs({ name: 'gw', follow: true, newOnly: true })).toEqual(expect.arrayContaining(['--follow', '--lines=0']));
    expect(journalctlArgs({ name: 'gw', follow: true, newOnly: true })).not.toContain('--no-tail');
    const once = journalctlArgs({ name: 'gw', follow: false, directory: '/copy/journal' });
    expect(once).toContain('--directory=/copy/journal');
    expect(once).not.toContain('--follow');
    expect(once).not.toContain('--no-tail');
  });

  it('follows from the beginning with no tail limit, and reads one journal file', () => {
    // --from beginning: no cursor, no --since, not new-only: every entry, not the last 10.
    expect(journalctlArgs({ name: 'gw', follow: true })).toEqual(['--output=json', '--all', '--no-pager', '--follow', '--no-tail', ...journalMatches('gw')]);
    const file = journalctlArgs({ name: 'gw', follow: false, file: '/copy/system.journal' });
    expect(file).toContain('--file=/copy/system.journal');
    expect(file).not.toContain('--follow');
  });
});
