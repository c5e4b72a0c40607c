import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');

/** The flags before `dist/main.js` in `npm start`. */
function startScriptFlags(): string[] {
  const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start.split(/\s+/);
  expect(start[0]).toBe('node');
  expect(start.at(-1)).toBe('dist/main.js');
  return start.slice(1, -1);
}

/** The flags before `dist/main.js` in the Dockerfile's last CMD (exec form). */
function dockerfileFlags(): string[] {
  const cmds = read('Dockerfile')
    .split('\n')
    .filter((line) => line.startsWith('CMD '));
  const cmd = JSON.parse(cmds.at(-1)!.slice(4)) as string[];
  expect(cmd[0]).toBe('node');
  expect(cmd.at(-1)).toBe('dist/main.js');
  return cmd.slice(1, -1);
}

describe('how the gateway is launched', () => {
  it('runs with the same node flags from `npm start` and from the Docker image', () => {
    expect(dockerfileFlags()).toEqual(startScriptFlags());
  });

  it('gives node only flags it accepts (a mistyped V8 flag stops node before the gateway starts)', () => {
    const run = spawnSync(process.execPath, [...startScriptFlags(), '-e', '0'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
