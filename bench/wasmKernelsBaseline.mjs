// The kernels enableWasmTraining() registered before they were rewritten (segloss commit 811f4fa),
// kept here only so that bench/wasmKernels.mjs can time old and new in one process:
// - Conv2DBackpropFilter as ONE XNNPACK Conv2D: the padded input transposed to [C, H, W, B] convolved
//   (VALID, dilation = stride) with the output gradient transposed to [OH, OW, B, C_out] as filter;
// - Conv2DBackpropInput by zero insertion for every filter (below).
// SplitV and Concat need no copy here: their baseline is the wasm backend's own kernels.
import { backend_util, getKernel } from '@tensorflow/tfjs-core';

function run(backend, name, inputs, attrs, keep) {
  const out = getKernel(name, 'wasm').kernelFunc({ inputs, backend, attrs });
  const info = Array.isArray(out) ? out[0] : out;
  if (keep) keep.push(info);
  return info;
}

export function conv2DBackpropFilterConv({ inputs, backend, attrs }) {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const tmp = [];
  try {
    let { x, dy } = inputs;
    if (dataFormat === 'NCHW') {
      x = run(backend, 'Transpose', { x }, { perm: [0, 2, 3, 1] }, tmp);
      dy = run(backend, 'Transpose', { x: dy }, { perm: [0, 2, 3, 1] }, tmp);
    }
    const info = backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    const [B, H, W, C] = x.shape;
    const { top, left } = info.padInfo;
    const needH = (info.outHeight - 1) * info.strideHeight + info.filterHeight;
    const needW = (info.outWidth - 1) * info.strideWidth + info.filterWidth;
    const padBottom = Math.max(0, needH - top - H);
    const padRight = Math.max(0, needW - left - W);
    if (top > 0 || left > 0 || padBottom > 0 || padRight > 0) {
      x = run(backend, 'PadV2', { x }, { paddings: [[0, 0], [top, padBottom], [left, padRight], [0, 0]], constantValue: 0 }, tmp);
    }
    if (x.shape[1] !== needH || x.shape[2] !== needW) {
      x = run(backend, 'Slice', { x }, { begin: [0, 0, 0, 0], size: [B, needH, needW, C] }, tmp);
    }
    const xT = run(backend, 'Transpose', { x }, { perm: [3, 1, 2, 0] }, tmp);
    const dyT = run(backend, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] }, tmp);
    const dWT = run(backend, 'Conv2D', { x: xT, filter: dyT },
      { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth] }, tmp);
    return run(backend, 'Transpose', { x: dWT }, { perm: [1, 2, 0, 3] });
  } finally {
    for (const t of tmp) backend.disposeData(t.dataId);
  }
}

// Conv2DBackpropInput as one XNNPACK Conv2D on the zero-dilated, padded output gradient with the
// flipped, channel-swapped filter, for every filter (now only for filters that do not tile the input).
export function conv2DBackpropInputZeroInsertion({ inputs, backend, attrs }) {
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const tmp = [];
  try {
    let { dy } = inputs;
    const { filter } = inputs;
    const nchw = dataFormat === 'NCHW';
    const xShape = nchw ? [inputShape[0], inputShape[2], inputShape[3], inputShape[1]] : inputShape;
    if (nchw) dy = run(backend, 'Transpose', { x: dy }, { perm: [0, 2, 3, 1] }, tmp);
    const info = backend_util.computeConv2DInfo(xShape, filter.shape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    const [B, H, W] = xShape;
    const { strideHeight: sh, strideWidth: sw, filterHeight: KH, filterWidth: KW, outHeight: OH, outWidth: OW } = info;
    const CO = filter.shape[3];
    const { top, left } = info.padInfo;
    let rows = OH;
    let cols = OW;
    if (sh > 1 || sw > 1) {
      const r6 = run(backend, 'Reshape', { x: dy }, { shape: [B, OH, 1, OW, 1, CO] }, tmp);
      const p6 = run(backend, 'PadV2', { x: r6 }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 }, tmp);
      rows = OH * sh;
      cols = OW * sw;
      dy = run(backend, 'Reshape', { x: p6 }, { shape: [B, rows, cols, CO] }, tmp);
    }
    const front = KH - 1 - top;
    const frontW = KW - 1 - left;
    const cutTop = Math.max(0, -front);
    const cutLeft = Math.max(0, -frontW);
    const padTop = Math.max(0, front);
    const padLeft = Math.max(0, frontW);
    const needH = H + KH - 1;
    const needW = W + KW - 1;
    const padBottom = Math.max(0, needH - (padTop + rows - cutTop));
    const padRight = Math.max(0, needW - (padLeft + cols - cutLeft));
    if (cutTop > 0 || cutLeft > 0) {
      dy = run(backend, 'Slice', { x: dy }, { begin: [0, cutTop, cutLeft, 0], size: [B, rows - cutTop, cols - cutLeft, CO] }, tmp);
    }
    if (padTop > 0 || padLeft > 0 || padBottom > 0 || padRight > 0) {
      dy = run(backend, 'PadV2', { x: dy }, { paddings: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]], constantValue: 0 }, tmp);
    }
    if (dy.shape[1] !== needH || dy.shape[2] !== needW) {
      dy = run(backend, 'Slice', { x: dy }, { begin: [0, 0, 0, 0], size: [B, needH, needW, CO] }, tmp);
    }
    const flipped = run(backend, 'Reverse', { x: filter }, { dims: [0, 1] }, tmp);
    const wf = run(backend, 'Transpose', { x: flipped }, { perm: [0, 1, 3, 2] }, tmp);
    const convAttrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] };
    if (!nchw) return run(backend, 'Conv2D', { x: dy, filter: wf }, convAttrs);
    const dx = run(backend, 'Conv2D', { x: dy, filter: wf }, convAttrs, tmp);
    return run(backend, 'Transpose', { x: dx }, { perm: [0, 3, 1, 2] });
  } finally {
    for (const t of tmp) backend.disposeData(t.dataId);
  }
}
