import assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { BACKGROUND_NICENESS, runInBackground } from './priority.js';

describe('runInBackground', () => {
  it('leaves the main thread as it is', () => {
    const before = getPriority();
    assert.equal(runInBackground(), false);
    assert.equal(getPriority(), before);
  });

  it('lowers a worker thread’s priority below the main thread’s, where the system has thread ids', async () => {
    const module = new URL('./priority.js', import.meta.url).href;
    const worker = new Worker(
      `const { readlinkSync } = require('node:fs');
       const { getPriority } = require('node:os');
       const { parentPort } = require('node:worker_threads');
       import(${JSON.stringify(module)}).then(({ runInBackground }) => {
         const lowered = runInBackground();
         let tid = null;
         try { tid = Number(readlinkSync('/proc/thread-self').split('/').pop()); } catch {}
         parentPort.postMessage({ lowered, priority: tid ? getPriority(tid) : null });
       });`,
      { eval: true },
    );
    const answer = await new Promise<{ lowered: boolean; priority: number | null }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    if (process.platform !== 'linux') {
      assert.equal(answer.lowered, false);
      return;
    }
    assert.equal(answer.lowered, true);
    assert.equal(answer.priority, Math.min(19, getPriority() + BACKGROUND_NICENESS));
    assert.equal(getPriority(), getPriority(process.pid), 'the main thread keeps its own');
  });
});
