#!/usr/bin/python3
"""Exports the PyTorch fixtures of OnnxPyTorchFixturesTest (Debian's python3-torch 1.13 + python3-onnx 1.12).

For each model: <name>.onnx, <name>.in.bin (float32 little-endian input [4, C, H, W], values in [0,1)) and
<name>.out.bin (float32 PyTorch output [4, classes]), written to src/test/resources/onnx/.
Run from the repository root:  /usr/bin/python3 scripts/make_onnx_fixtures.py
"""
import os
import torch
import torch.nn as nn

OUT = os.path.join("src", "test", "resources", "onnx")


class PlainCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 12, 3), nn.BatchNorm2d(12), nn.ReLU6(), nn.AvgPool2d(2))
        self.fc = nn.Linear(12 * 6 * 6, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.features(x), 1))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(y)) + self.down(x))


class ResidualCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, 1, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        self.layer1 = Block(8, 16, 2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.pool(self.layer1(self.stem(x)))
        return self.fc(x.view(x.size(0), -1))


class DepthwiseBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU6())
        self.dw = nn.Sequential(nn.Conv2d(8, 8, 3, 1, 1, groups=8, bias=False), nn.BatchNorm2d(8), nn.ReLU6())
        self.pw = nn.Sequential(nn.Conv2d(8, 16, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU6())
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.pw(self.dw(self.stem(x)))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 32), nn.ReLU(),
                                 nn.Linear(32, 10))

    def forward(self, x):
        return self.net(x)


def randomise_bn(m, g):
    # fresh BatchNorm statistics are mean 0 / var 1; make them non-trivial so the import of BN is really exercised
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            c = mod.num_features
            mod.running_mean.copy_(torch.rand(c, generator=g) * 0.4 - 0.2)
            mod.running_var.copy_(torch.rand(c, generator=g) * 1.5 + 0.5)
            mod.weight.data.copy_(torch.rand(c, generator=g) + 0.5)
            mod.bias.data.copy_(torch.rand(c, generator=g) * 0.6 - 0.3)


def export(name, model, opset):
    g = torch.Generator().manual_seed(7)
    with torch.no_grad():
        randomise_bn(model, g)
        model.eval()
        x = torch.rand(4, 1, 28, 28, generator=g)
        y = model(x)
        path = os.path.join(OUT, name + ".onnx")
        torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    x.numpy().astype("<f4").tofile(os.path.join(OUT, name + ".in.bin"))
    y.numpy().astype("<f4").tofile(os.path.join(OUT, name + ".out.bin"))
    import onnx
    ops = sorted({n.op_type for n in onnx.load(path).graph.node})
    print(name, "opset", opset, "ops", ops, "output", tuple(y.shape))


if __name__ == "__main__":
    torch.manual_seed(1)
    os.makedirs(OUT, exist_ok=True)
    export("plain_cnn", PlainCnn(), 11)
    export("residual_cnn", ResidualCnn(), 13)
    export("depthwise_block", DepthwiseBlock(), 13)
    export("mlp", Mlp(), 17)
