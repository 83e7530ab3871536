#!/usr/bin/python3
"""Trains hwc's RGB reference model the way a user would: a residual CNN (BatchNorm, 3x32x32 input, 10 classes,
about 22 M MACs) in PyTorch (Debian's python3-torch, CPU), on the RGB Fashion-MNIST set written as CIFAR-10 binary by
`bin/hwc data make-rgb --out DIR`. The model takes pixel/255 with no mean/std. It trains on data_batch_1..5.bin (all
60,000 training images: hwc never trains it, so searches on it steer by half of the test split), exports ONNX (opset 13,
dynamic batch) and prints PyTorch's test accuracy for comparison with `hwc evaluate`.
Usage: /usr/bin/python3 scripts/train_pytorch_rgb.py DATA_DIR [OUT.onnx] [EPOCHS]
       (default models/rgb-resnet.onnx, 6 epochs; seed 1, 2 threads)
"""
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(1)
np.random.seed(1)


def cifar(path):
    raw = np.fromfile(path, np.uint8).reshape(-1, 3073)
    x = torch.tensor(raw[:, 1:].reshape(-1, 3, 32, 32).astype(np.float32) / 255.0)
    return x, torch.tensor(raw[:, 0].astype(np.int64))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + (x if self.down is None else self.down(x)))


class RgbResNet(nn.Module):
    """stem 16 @32x32, one block of 16 @32x32, two of 32 @16x16, two of 64 @8x8, global average pool, linear."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.layers = nn.Sequential(Block(16, 16, 1), Block(16, 32, 2), Block(32, 32, 1), Block(32, 64, 2), Block(64, 64, 1))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.pool(self.layers(self.stem(x)))
        return self.fc(torch.flatten(x, 1))


def macs(model):
    total = 0
    hooks = []

    def conv(m, i, o):
        nonlocal total
        total += o.numel() // o.shape[0] * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def lin(m, i, o):
        nonlocal total
        total += m.in_features * m.out_features

    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(conv))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(lin))
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, 32, 32))
    for h in hooks:
        h.remove()
    return total


def accuracy(model, x, y):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            correct += (model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
    return correct / len(x)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    data = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else "models/rgb-resnet.onnx"
    epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    parts = [cifar(os.path.join(data, "data_batch_%d.bin" % b)) for b in range(1, 6)]
    xtr, ytr = torch.cat([p[0] for p in parts]), torch.cat([p[1] for p in parts])
    xte, yte = cifar(os.path.join(data, "test_batch.bin"))
    model = RgbResNet()
    print("RgbResNet: %d params, %d MACs" % (sum(p.numel() for p in model.parameters()), macs(model)), flush=True)
    batch = 128
    steps = epochs * ((len(xtr) + batch - 1) // batch)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=steps, pct_start=0.25)
    t0 = time.time()
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), batch):
            idx = perm[i:i + batch]
            xb = xtr[idx]
            # augmentation: random horizontal flip and a random shift of up to 2 pixels (reflect padding)
            flip = torch.rand(len(xb)) < 0.5
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            dx, dy = np.random.randint(-2, 3, size=2)
            xb = torch.roll(F.pad(xb, (2, 2, 2, 2), mode="reflect"), shifts=(int(dy), int(dx)), dims=(2, 3))[:, :, 2:34, 2:34]
            loss = F.cross_entropy(model(xb), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        print("epoch %d: loss %.4f, test accuracy %.4f, %.0f s" % (epoch + 1, loss.item(), accuracy(model, xte, yte), time.time() - t0), flush=True)
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 3, 32, 32), out, opset_version=13, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    print("test accuracy %.4f (PyTorch, %d test images) -> %s" % (accuracy(model, xte, yte), len(xte), out))


if __name__ == "__main__":
    main()
