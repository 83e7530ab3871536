#!/usr/bin/python3
"""Exports the torchvision-family fixtures of TorchvisionFamiliesTest (Debian's python3-torch 1.13,
python3-torchvision 0.14, python3-onnx): eight CNN families, and a small net of the operators they leave out, at
3x32x32 input and 10 classes, at reduced width so that
they stay small, randomly initialised (seed 0) with non-trivial BatchNorm statistics, in eval mode.

For each family: <name>.onnx (opset 13, dynamic batch) and <name>.out.bin (float32 little-endian PyTorch logits
[N, 10] for the shared inputs). inputs.u8 holds the N shared input images as uint8 [N, 3, 32, 32] (the model gets
value/255): the first N test images of the RGB Fashion-MNIST set, read from the CIFAR-10 binary that
`bin/hwc data make-rgb --out DIR` writes.
Run from the repository root:
  /usr/bin/python3 scripts/make_torchvision_fixtures.py DIR [OUT] [N]   (default src/test/resources/torchvision, 1000)
"""
import importlib
import os
import sys

import numpy as np
import torch
import torch.nn as nn
from torchvision.models import densenet, efficientnet, mobilenetv2, mobilenetv3, resnet, shufflenetv2, squeezenet

googlenet = importlib.import_module("torchvision.models.googlenet")  # the package's name 'googlenet' is the builder


def resnet18_quarter():
    """ResNet-18's layout (BasicBlock [2, 2, 2, 2]) at a quarter of its widths: 16, 32, 64, 128."""
    m = resnet.ResNet(resnet.BasicBlock, [2, 2, 2, 2], num_classes=10)
    m.inplanes = 16
    m.conv1 = nn.Conv2d(3, 16, 7, 2, 3, bias=False)
    m.bn1 = nn.BatchNorm2d(16)
    m.layer1 = m._make_layer(resnet.BasicBlock, 16, 2)
    m.layer2 = m._make_layer(resnet.BasicBlock, 32, 2, stride=2)
    m.layer3 = m._make_layer(resnet.BasicBlock, 64, 2, stride=2)
    m.layer4 = m._make_layer(resnet.BasicBlock, 128, 2, stride=2)
    m.fc = nn.Linear(128, 10)
    return m


def googlenet_quarter():
    """GoogLeNet's layout with every convolution and inception branch at a quarter of its width."""
    basic = googlenet.BasicConv2d.__init__

    def small_basic(self, cin, cout, **kw):
        basic(self, cin if cin == 3 else cin // 4, cout // 4, **kw)

    # every convolution of the stem and of the inception branches is a BasicConv2d
    googlenet.BasicConv2d.__init__ = small_basic
    try:
        m = googlenet.GoogLeNet(num_classes=10, aux_logits=False, transform_input=False, init_weights=True)
    finally:
        googlenet.BasicConv2d.__init__ = basic
    m.fc = nn.Linear(1024 // 4, 10)
    return m


class Operators(nn.Module):
    """One of each operator the families above do not all exercise: LeakyReLU, ceil-mode max pooling that changes the
    output size, SiLU, Hardsigmoid, Tanh, Hardswish, a three-way Concat of computed maps and AdaptiveAvgPool2d(1)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 12, 3, 1, 1), nn.BatchNorm2d(12), nn.LeakyReLU(0.1))
        self.pool = nn.MaxPool2d(3, 2, ceil_mode=True)  # 32 -> 16 (floor rounding gives 15)
        self.a = nn.Sequential(nn.Conv2d(12, 8, 1), nn.BatchNorm2d(8), nn.SiLU())
        self.b = nn.Sequential(nn.Conv2d(12, 8, 3, 1, 1), nn.BatchNorm2d(8), nn.Hardsigmoid())
        self.c = nn.Sequential(nn.Conv2d(12, 4, 3, 1, 1), nn.BatchNorm2d(4), nn.Tanh())
        self.mix = nn.Sequential(nn.Conv2d(20, 16, 3, 2, 1), nn.BatchNorm2d(16), nn.Hardswish(), nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.pool(self.stem(x))
        x = self.mix(torch.cat([self.a(x), self.b(x), self.c(x)], 1))
        return self.fc(torch.flatten(x, 1))


def families():
    v3, v3_last = mobilenetv3._mobilenet_v3_conf("mobilenet_v3_small", width_mult=0.5)
    b0, b0_last = efficientnet._efficientnet_conf("efficientnet_b0", width_mult=0.25, depth_mult=0.5)
    return [
        ("resnet18", resnet18_quarter),
        ("mobilenet_v2", lambda: mobilenetv2.MobileNetV2(num_classes=10, width_mult=0.25)),
        ("mobilenet_v3_small", lambda: mobilenetv3.MobileNetV3(v3, v3_last, num_classes=10)),
        ("efficientnet_b0", lambda: efficientnet.EfficientNet(b0, 0.2, num_classes=10, last_channel=b0_last)),
        ("densenet121", lambda: densenet.DenseNet(growth_rate=8, block_config=(6, 12, 24, 16), num_init_features=16, num_classes=10)),
        ("squeezenet1_1", lambda: squeezenet.SqueezeNet("1_1", num_classes=10)),
        ("shufflenet_v2", lambda: shufflenetv2.ShuffleNetV2([4, 8, 4], [24, 48, 96, 192, 256], num_classes=10)),
        ("googlenet", googlenet_quarter),
        ("operators", Operators),
    ]


def calibrate_batchnorm(model, x, gen):
    """Non-trivial BatchNorm: random affine parameters, and inference statistics measured on x (as a trained network's
    are), so that activations keep their scale through the depth and a translation that drops or swaps them shows."""
    for mod in model.modules():
        if isinstance(mod, nn.BatchNorm2d):
            c = mod.num_features
            mod.weight.data.copy_(torch.rand(c, generator=gen) * 0.8 + 0.6)
            mod.bias.data.copy_(torch.randn(c, generator=gen) * 0.2)
            mod.reset_running_stats()
            mod.momentum = None  # a cumulative average over the batches below
    model.train()
    with torch.no_grad():
        for i in range(0, len(x), 250):
            model(x[i:i + 250])
    model.eval()


def spread_classes(model, x):
    """Rescales a final Linear layer so that on x each logit has mean 0 and standard deviation 1: a randomly initialised
    network otherwise gives almost every image the same class, and argmax agreement would test nothing."""
    heads = [m for m in model.modules() if isinstance(m, nn.Linear)]
    with torch.no_grad():
        y = model(x)
        mu, sd = y.mean(0), y.std(0) + 1e-6
        if heads:
            heads[-1].weight.data /= sd[:, None]
            heads[-1].bias.data = (heads[-1].bias.data - mu) / sd
        else:
            # SqueezeNet: a 1x1 conv, ReLU and average pool; a positive per-class scale passes through both
            conv = [m for m in model.modules() if isinstance(m, nn.Conv2d)][-1]
            conv.weight.data /= sd[:, None, None, None]
            conv.bias.data /= sd


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    data = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join("src", "test", "resources", "torchvision")
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    os.makedirs(out, exist_ok=True)
    raw = np.fromfile(os.path.join(data, "test_batch.bin"), np.uint8, count=n * 3073).reshape(n, 3073)
    images = np.ascontiguousarray(raw[:, 1:])
    images.tofile(os.path.join(out, "inputs.u8"))
    x = torch.tensor(images.reshape(n, 3, 32, 32).astype(np.float32) / 255.0)
    for name, make in families():
        torch.manual_seed(0)
        model = make()
        calibrate_batchnorm(model, x, torch.Generator().manual_seed(1))
        spread_classes(model, x)
        with torch.no_grad():
            y = model(x)
        path = os.path.join(out, name + ".onnx")
        torch.onnx.export(model, x[:1], path, opset_version=13, input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        y.numpy().astype("<f4").tofile(os.path.join(out, name + ".out.bin"))
        params = sum(p.numel() for p in model.parameters())
        print("%-20s %9d params, %6.0f KB onnx, logits std %.3f, %d distinct argmax" % (
            name, params, os.path.getsize(path) / 1024, y.std().item(), len(set(y.argmax(1).tolist()))))


if __name__ == "__main__":
    main()
