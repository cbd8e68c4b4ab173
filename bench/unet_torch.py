"""One training epoch of the width-8 U-Net of bench/wasmTraining.mjs, in PyTorch on one thread.

Same network as the tfjs bench: per level two (3x3 'same' conv without bias -> BatchNorm -> ReLU),
8-16-32 channels, 2x2 max pooling, 2x nearest upsampling, skip concatenation [upsampled, skip],
1x1 conv with bias and a sigmoid; Adam (lr 1e-3, epsilon 1e-7 as in tfjs), binary cross-entropy on the
sigmoid output (as tfjs's 'binaryCrossentropy' loss), 24 random images, batch 8, no shuffling. Glorot-
uniform conv weights and BatchNorm momentum 0.01 / epsilon 1e-3 follow the tfjs-layers defaults.
Median wall time of `repeats` epochs after one warm-up batch, per image size. Prints one JSON object.

Run: python3 bench/unet_torch.py --sizes 64,128 --repeats 3
"""
import argparse
import json
import time

import torch
from torch import nn
import torch.nn.functional as F

N = 24
BATCH = 8


def block(c_in, c_out):
    layers = []
    for k in range(2):
        layers += [
            nn.Conv2d(c_in if k == 0 else c_out, c_out, 3, padding=1, bias=False),
            nn.BatchNorm2d(c_out, eps=1e-3, momentum=0.01),
            nn.ReLU(),
        ]
    return nn.Sequential(*layers)


class UNet(nn.Module):
    def __init__(self, width=8):
        super().__init__()
        w = width
        self.e1 = block(1, w)
        self.e2 = block(w, 2 * w)
        self.b = block(2 * w, 4 * w)
        self.d2 = block(4 * w + 2 * w, 2 * w)
        self.d1 = block(2 * w + w, w)
        self.out = nn.Conv2d(w, 1, 1)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        e1 = self.e1(x)
        e2 = self.e2(F.max_pool2d(e1, 2))
        b = self.b(F.max_pool2d(e2, 2))
        d2 = self.d2(torch.cat([F.interpolate(b, scale_factor=2, mode="nearest"), e2], 1))
        d1 = self.d1(torch.cat([F.interpolate(d2, scale_factor=2, mode="nearest"), e1], 1))
        return torch.sigmoid(self.out(d1))


def data(size):
    g = torch.Generator().manual_seed(1)
    x = torch.randn(N, 1, size, size, generator=g)
    y = (F.avg_pool2d(x, 5, 1, 2, count_include_pad=False) > 0).float()
    return x, y


def epoch_seconds(size, repeats):
    torch.manual_seed(0)
    model = UNet()
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    x, y = data(size)

    def step(xb, yb):
        opt.zero_grad(set_to_none=True)
        loss = F.binary_cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        return loss.item()

    step(x[:BATCH], y[:BATCH])  # warm-up: allocator, optimizer state
    times = []
    loss = float("nan")
    for _ in range(repeats):
        t0 = time.perf_counter()
        total = 0.0
        for i in range(0, N, BATCH):
            total += step(x[i : i + BATCH], y[i : i + BATCH])
        times.append(time.perf_counter() - t0)
        loss = total / (N // BATCH)
    times.sort()
    return {"median": times[len(times) // 2], "runs": repeats, "loss": loss}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="64,128")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rows = {s: epoch_seconds(int(s), args.repeats) for s in args.sizes.split(",")}
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "sizes": rows}))


if __name__ == "__main__":
    main()
