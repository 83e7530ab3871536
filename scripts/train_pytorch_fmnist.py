#!/usr/bin/python3
"""Trains a small residual CNN on Fashion-MNIST in PyTorch (Debian's python3-torch, CPU, 1 thread) with
Normalize(0.2860, 0.3530), exports it to ONNX (opset 13, dynamic batch) and prints PyTorch's own test accuracy, so that
`hwc import --onnx ... --input-mean 0.2860 --input-std 0.3530` followed by `hwc evaluate` can be compared with it.
Usage: /usr/bin/python3 scripts/train_pytorch_fmnist.py [OUT.onnx] [EPOCHS]   (default models/pytorch-resnet-fmnist.onnx, 1)
"""
import gzip
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(1)
DATA = os.environ.get("HWC_DATA_DIR", "/usr/share/datasets/fashion-mnist")


def idx(name, offset):
    with gzip.open(os.path.join(DATA, name)) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def images(name):
    return torch.tensor(idx(name, 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255.0)


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        return torch.relu(self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x))))) + self.down(x))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2))
        self.layer1 = Block(16, 32, 2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.pool(self.layer1(self.stem(x)))
        return self.fc(x.view(x.size(0), -1))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "models/pytorch-resnet-fmnist.onnx"
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    xtr, ytr = images("train-images-idx3-ubyte.gz"), torch.tensor(idx("train-labels-idx1-ubyte.gz", 8).astype(np.int64))
    xte, yte = images("t10k-images-idx3-ubyte.gz"), torch.tensor(idx("t10k-labels-idx1-ubyte.gz", 8).astype(np.int64))
    norm = lambda x: (x - 0.2860) / 0.3530
    net = Net()
    opt = torch.optim.Adam(net.parameters(), 2e-3)
    t0 = time.time()
    for epoch in range(epochs):
        net.train()
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), 128):
            b = perm[i:i + 128]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(net(norm(xtr[b])), ytr[b])
            loss.backward()
            opt.step()
    net.eval()
    with torch.no_grad():
        correct = sum(int((net(norm(xte[i:i + 1000])).argmax(1) == yte[i:i + 1000]).sum()) for i in range(0, len(xte), 1000))
        os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
        torch.onnx.export(net, norm(xte[:2]), out, opset_version=13, input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    print(f"pytorch: {epochs} epoch(s) in {time.time() - t0:.0f} s, test accuracy {correct / len(xte):.4f} ({correct}/{len(xte)}) -> {out}")


if __name__ == "__main__":
    main()
