// A stand-in for src/cli/node/runWorker.ts in test/cli/workers.test.ts: no tfjs, no data. It
// answers each task by its loss number: 0 → a record, 1 → a posted error, 2 → a crash (an
// uncaught exception), 3 → never answers (to be stopped).
import { parentPort } from 'node:worker_threads';

parentPort.on('message', ({ task }) => {
  if (task.loss === 0) parentPort.postMessage({ type: 'done', record: { task, label: 'a', predictions: [Int32Array.of(1, 2)] } });
  else if (task.loss === 1) parentPort.postMessage({ type: 'error', task, message: 'boom', cli: false });
  else if (task.loss === 2) setTimeout(() => { throw new Error('crash'); }, 0);
});
parentPort.postMessage({ type: 'ready' });
