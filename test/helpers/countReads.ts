import * as tf from '@tensorflow/tfjs-core';

type Reader = { readSync(dataId: object): unknown; read(dataId: object): Promise<unknown> };

/**
 * Runs `f` and counts the reads meanwhile: every call of the engine's `readSync` and `read` (what
 * `dataSync`, `data`, `arraySync`, `array` and `bufferSync` go through), and every call of the
 * backend's `readSync` and `read` made outside a kernel. The cpu backend's own kernels (Tile,
 * GatherV2, ScatterNd) read their inputs through the backend inside the kernel; on a GPU backend
 * those kernels are shaders, so they are not counted.
 */
export function countReads(f: () => void): number {
  const engine = tf.engine() as unknown as Reader & { state: { kernelDepth: number } };
  const backend = tf.backend() as unknown as Reader;
  let reads = 0;
  let inEngine = false; // a backend read made by an engine read is the same read
  const wrap = (target: Reader, isEngine: boolean) => {
    const { readSync, read } = target;
    const counts = () => (isEngine || (!inEngine && engine.state.kernelDepth === 0) ? 1 : 0);
    target.readSync = function (this: Reader, dataId: object) {
      reads += counts();
      const outer = inEngine;
      inEngine ||= isEngine;
      try {
        return readSync.call(this, dataId);
      } finally {
        inEngine = outer;
      }
    };
    target.read = function (this: Reader, dataId: object) {
      reads += counts();
      const outer = inEngine;
      inEngine ||= isEngine;
      try {
        return read.call(this, dataId);
      } finally {
        inEngine = outer;
      }
    };
    return () => {
      target.readSync = readSync;
      target.read = read;
    };
  };
  const restoreEngine = wrap(engine, true);
  const restoreBackend = wrap(backend, false);
  try {
    f();
  } finally {
    restoreEngine();
    restoreBackend();
  }
  return reads;
}
