/**
 * Forward convolutions (`Conv2D`, `FusedConv2D`, `DepthwiseConv2dNative`, `FusedDepthwiseConv2D`)
 * that hand the wasm backend explicit padding instead of `'same'`.
 *
 * With `pad: 'same'` the wasm backend of TensorFlow.js 4.22 lets XNNPACK derive the padding, and
 * for a 1-row filter (1×K) at row stride 2 on an even height the result differs from the cpu
 * backend and from the definition (e.g. x [2,10,9,3], filter [1,3,3,4], strides 2: max |Δ| 2.4).
 * The same call with the padding spelled out — the very `top/bottom/left/right` that
 * `computeConv2DInfo` assigns to `'same'` — is right, and has the same output shape:
 * `floor((H + padTotal − K)/s) + 1 = ceil(H/s)` whenever `padTotal = (ceil(H/s) − 1)·s + K − H ≥ 0`,
 * and also when that is clamped to 0. Other paddings pass through untouched.
 */
import { backend_util, getKernel } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface ConvAttrs {
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: unknown;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
}

/** Makes a kernel function for `kernelName` that turns `'same'` into explicit padding first. */
export function makeExplicitSamePadding(kernelName: string, depthwise: boolean): (backendName: string) => KernelFunc {
  return (backendName) => {
    const own = getKernel(kernelName, backendName)?.kernelFunc;
    if (own == null) throw new Error(`enableWasmTraining: the '${backendName}' backend has no '${kernelName}' kernel.`);
    return (args) => {
      const attrs = args.attrs as unknown as ConvAttrs;
      if (attrs.pad !== 'same' || (attrs.dataFormat ?? 'NHWC') !== 'NHWC') return own(args);
      const x = args.inputs.x as TensorInfo;
      const filter = args.inputs.filter as TensorInfo;
      const info = backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filter.shape as [number, number, number, number],
        attrs.strides,
        attrs.dilations ?? 1,
        'same',
        attrs.dimRoundingMode,
        depthwise,
      );
      const { top, bottom, left, right } = info.padInfo;
      const pad = [[0, 0], [top, bottom], [left, right], [0, 0]];
      return own({ ...args, attrs: { ...args.attrs, pad } as typeof args.attrs });
    };
  };
}
