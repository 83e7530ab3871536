#!/usr/bin/python3
"""Writes the Keras fixtures of KerasImportTest (Debian's python3-h5py + numpy; no TensorFlow here).

The files follow the Keras 2 `model.save("x.h5")` layout byte for byte where it matters: root attribute `model_config`
(JSON, bytes), group `model_weights` with `layer_names`, one group per layer with `weight_names` and datasets
`<layer>/<weight>:0`. Expected outputs come from an independent NHWC forward pass in numpy below, written as
<name>.in.bin (float32 LE, NHWC [4, H, W, C]) and <name>.out.bin (float32 LE [4, classes]).
Run from the repository root:  /usr/bin/python3 scripts/make_keras_fixtures.py
"""
import json
import os

import h5py
import numpy as np

OUT = os.path.join("src", "test", "resources", "keras")
rng = np.random.default_rng(3)


def u(shape, lo=-0.5, hi=0.5):
    return rng.uniform(lo, hi, size=shape).astype(np.float32)


# --- numpy NHWC reference (TF semantics) -----------------------------------------------------------------------------
def pads(n, k, s, mode):
    if mode == "valid":
        return 0, 0, (n - k) // s + 1
    out = -(-n // s)
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2, out


def conv(x, w, b, s, mode, depthwise=False):
    n, h, wd, c = x.shape
    kh, kw = w.shape[0], w.shape[1]
    t, bt, ho = pads(h, kh, s, mode)
    l, r, wo = pads(wd, kw, s, mode)
    xp = np.pad(x, ((0, 0), (t, bt), (l, r), (0, 0)))
    out = np.zeros((n, ho, wo, c if depthwise else w.shape[3]), np.float64)
    for i in range(ho):
        for j in range(wo):
            patch = xp[:, i * s:i * s + kh, j * s:j * s + kw, :].astype(np.float64)
            if depthwise:
                out[:, i, j, :] = np.einsum("nhwc,hwc->nc", patch, w[:, :, :, 0])
            else:
                out[:, i, j, :] = np.einsum("nhwc,hwco->no", patch, w)
    return out + (0 if b is None else b)


def pool(x, k, s, mode, kind):
    n, h, wd, c = x.shape
    t, bt, ho = pads(h, k, s, mode)
    l, r, wo = pads(wd, k, s, mode)
    out = np.zeros((n, ho, wo, c))
    for i in range(ho):
        for j in range(wo):
            r0, c0 = i * s - t, j * s - l
            win = x[:, max(r0, 0):min(r0 + k, h), max(c0, 0):min(c0 + k, wd), :]
            out[:, i, j, :] = win.max(axis=(1, 2)) if kind == "max" else win.mean(axis=(1, 2))
    return out


def bn(x, g, b, m, v, eps):
    return (x - m) / np.sqrt(v + eps) * g + b


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# --- Keras file writer -----------------------------------------------------------------------------------------------
def layer(cls, name, inbound=None, **cfg):
    cfg["name"] = name
    d = {"class_name": cls, "config": cfg, "name": name}
    if inbound is not None:
        d["inbound_nodes"] = [[[i, 0, 0, {}] for i in inbound]] if inbound else []
    return d


def save(name, model_config, weights, x, y):
    os.makedirs(OUT, exist_ok=True)
    with h5py.File(os.path.join(OUT, name + ".h5"), "w") as f:
        f.attrs["keras_version"] = b"2.11.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(model_config).encode("utf8")
        g = f.create_group("model_weights")
        names = [l["config"]["name"] for l in model_config["config"]["layers"]]
        g.attrs["layer_names"] = [n.encode("utf8") for n in names]
        for n in names:
            lg = g.create_group(n)
            ws = weights.get(n, {})
            lg.attrs["weight_names"] = [f"{n}/{k}:0".encode("utf8") for k in ws]
            for k, v in ws.items():
                lg.create_dataset(f"{n}/{k}:0", data=v)
    x.astype("<f4").tofile(os.path.join(OUT, name + ".in.bin"))
    y.astype("<f4").tofile(os.path.join(OUT, name + ".out.bin"))
    print(name, "output", y.shape, "spread", float(y.max() - y.min()))


def bn_weights(c):
    return {"gamma": u(c, 0.5, 1.5), "beta": u(c, -0.3, 0.3), "moving_mean": u(c, -0.2, 0.2), "moving_variance": u(c, 0.5, 2.0)}


def sequential():
    w = {"conv1": {"kernel": u((3, 3, 1, 4)), "bias": u(4, -0.2, 0.2)},
         "conv2": {"kernel": u((3, 3, 4, 8))},
         "bn2": bn_weights(8),
         "fc1": {"kernel": u((4 * 4 * 8, 16), -0.2, 0.2), "bias": u(16, -0.1, 0.1)},
         "fc2": {"kernel": u((16, 10)), "bias": u(10, -0.1, 0.1)}}
    layers = [
        layer("InputLayer", "input_1", batch_input_shape=[None, 12, 12, 1], dtype="float32", sparse=False, ragged=False),
        layer("Conv2D", "conv1", filters=4, kernel_size=[3, 3], strides=[1, 1], padding="same", data_format="channels_last",
              dilation_rate=[1, 1], groups=1, activation="relu", use_bias=True),
        layer("MaxPooling2D", "pool1", pool_size=[2, 2], padding="valid", strides=[2, 2], data_format="channels_last"),
        layer("Conv2D", "conv2", filters=8, kernel_size=[3, 3], strides=[1, 1], padding="valid", data_format="channels_last",
              dilation_rate=[1, 1], groups=1, activation="linear", use_bias=False),
        layer("BatchNormalization", "bn2", axis=[3], momentum=0.99, epsilon=0.001, center=True, scale=True),
        layer("ReLU", "relu6", max_value=6.0, negative_slope=0.0, threshold=0.0),
        layer("Flatten", "flatten", data_format="channels_last"),
        layer("Dense", "fc1", units=16, activation="relu", use_bias=True),
        layer("Dropout", "drop", rate=0.3),
        layer("Dense", "fc2", units=10, activation="linear", use_bias=True),
        layer("Activation", "softmax", activation="softmax"),
    ]
    cfg = {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}
    x = rng.uniform(0, 1, size=(4, 12, 12, 1)).astype(np.float32)
    h = np.maximum(conv(x, w["conv1"]["kernel"], w["conv1"]["bias"], 1, "same"), 0)
    h = pool(h, 2, 2, "valid", "max")
    h = conv(h, w["conv2"]["kernel"], None, 1, "valid")
    b = w["bn2"]
    h = np.clip(bn(h, b["gamma"], b["beta"], b["moving_mean"], b["moving_variance"], 0.001), 0, 6)
    h = h.reshape(4, -1)  # Keras flattens NHWC in (h, w, c) order
    h = np.maximum(h @ w["fc1"]["kernel"] + w["fc1"]["bias"], 0)
    y = softmax(h @ w["fc2"]["kernel"] + w["fc2"]["bias"])
    save("sequential_cnn", cfg, w, x, y)


def functional():
    w = {"conv1": {"kernel": u((3, 3, 3, 8)), "bias": u(8, -0.2, 0.2)},
         "dw": {"depthwise_kernel": u((3, 3, 8, 1))},
         "dw_bn": bn_weights(8),
         "main": {"kernel": u((3, 3, 8, 16), -0.3, 0.3)},
         "main_bn": bn_weights(16),
         "proj": {"kernel": u((1, 1, 8, 16))},
         "fc": {"kernel": u((16, 5)), "bias": u(5, -0.1, 0.1)}}
    layers = [
        layer("InputLayer", "image", [], batch_input_shape=[None, 9, 9, 3], dtype="float32", sparse=False, ragged=False),
        layer("Conv2D", "conv1", ["image"], filters=8, kernel_size=[3, 3], strides=[1, 1], padding="same", activation="relu",
              use_bias=True, data_format="channels_last", dilation_rate=[1, 1], groups=1),
        layer("DepthwiseConv2D", "dw", ["conv1"], kernel_size=[3, 3], strides=[1, 1], padding="same", depth_multiplier=1,
              activation="linear", use_bias=False, data_format="channels_last", dilation_rate=[1, 1]),
        layer("BatchNormalization", "dw_bn", ["dw"], axis=-1, epsilon=0.001, center=True, scale=True),
        layer("ReLU", "dw_relu", ["dw_bn"], max_value=6.0),
        layer("Conv2D", "main", ["dw_relu"], filters=16, kernel_size=[3, 3], strides=[2, 2], padding="same", activation="linear",
              use_bias=False, data_format="channels_last", dilation_rate=[1, 1], groups=1),
        layer("BatchNormalization", "main_bn", ["main"], axis=3, epsilon=0.001, center=True, scale=True),
        layer("Conv2D", "proj", ["dw_relu"], filters=16, kernel_size=[1, 1], strides=[2, 2], padding="same", activation="linear",
              use_bias=False, data_format="channels_last", dilation_rate=[1, 1], groups=1),
        layer("Add", "add", ["main_bn", "proj"]),
        layer("Activation", "add_relu", ["add"], activation="relu"),
        layer("AveragePooling2D", "avg", ["add_relu"], pool_size=[2, 2], strides=[1, 1], padding="valid", data_format="channels_last"),
        layer("GlobalAveragePooling2D", "gap", ["avg"], data_format="channels_last", keepdims=False),
        layer("Dense", "fc", ["gap"], units=5, activation="linear", use_bias=True),
    ]
    cfg = {"class_name": "Functional", "config": {"name": "model", "layers": layers, "input_layers": [["image", 0, 0]],
                                                   "output_layers": [["fc", 0, 0]]}}
    x = rng.uniform(0, 1, size=(4, 9, 9, 3)).astype(np.float32)
    h = np.maximum(conv(x, w["conv1"]["kernel"], w["conv1"]["bias"], 1, "same"), 0)
    h = conv(h, w["dw"]["depthwise_kernel"], None, 1, "same", depthwise=True)
    b = w["dw_bn"]
    h = np.clip(bn(h, b["gamma"], b["beta"], b["moving_mean"], b["moving_variance"], 0.001), 0, 6)
    m = conv(h, w["main"]["kernel"], None, 2, "same")
    b = w["main_bn"]
    m = bn(m, b["gamma"], b["beta"], b["moving_mean"], b["moving_variance"], 0.001)
    p = conv(h, w["proj"]["kernel"], None, 2, "same")
    h = np.maximum(m + p, 0)
    h = pool(h, 2, 1, "valid", "avg").mean(axis=(1, 2))
    y = h @ w["fc"]["kernel"] + w["fc"]["bias"]
    save("functional_resnet", cfg, w, x, y)


if __name__ == "__main__":
    sequential()
    functional()
