/**
 * The project .npmrc: only settings npm knows (an unknown one makes every npm call warn),
 * and its node-options make onnxruntime-node's install script skip the CUDA download
 * unless ONNXRUNTIME_NODE_INSTALL is already set.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../src/core/paths.js';

const settings = readFileSync(join(packageRoot(), '.npmrc'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const);

test('.npmrc holds only npm settings', () => {
  assert.deepEqual(settings.map(([k]) => k), ['node-options']);
});

test('its node-options set ONNXRUNTIME_NODE_INSTALL=skip, and keep a value already set', () => {
  const nodeOptions = settings[0]![1];
  const seen = (env: Record<string, string>): string =>
    execFileSync(process.execPath, ['-p', 'process.env.ONNXRUNTIME_NODE_INSTALL'], { env: { PATH: process.env['PATH'] ?? '', NODE_OPTIONS: nodeOptions, ...env }, encoding: 'utf8' }).trim();
  assert.equal(seen({}), 'skip');
  assert.equal(seen({ ONNXRUNTIME_NODE_INSTALL: 'cuda12' }), 'cuda12');
});
