#!/usr/bin/env python3
"""PyTorch reference for `denoise bench`: our architectures trained and run in PyTorch, as the peer we compare with.

The network of --arch NAME is the class named like it (conv-autoencoder -> ConvAutoencoder), here or in a file given
with --networks (an architecture registered outside the library brings its peer that way). The seed model
(--arch conv-autoencoder) is the convolutional autoencoder of the Keras denoising notebook this project re-creates.
Two modes, same mathematics (same model, the recipe's Adam settings, loss and noise as our side passes them, batch 256):
  pytorch        the loop a PyTorch user writes: model(x) (-> sigmoid for a sigmoid output) -> loss -> backward -> step
  pytorch_tuned  the same step with what our C# fast step does for that model, chosen by what the network supports
                 (tuned_path): a `phased_logits` method (the seed model: chunks, ReLU after max-pool, channels-last
                 max-pool, BCE with logits, phase-decomposed last upsample+conv), a forward that takes channels_last
                 (the U-Net: chunks, the stem as a space-to-depth convolution, channels-last activations), or else the
                 plain step, as ours takes it for a model without a fast path or with batch statistics (BatchNorm:
                 chunks would change what it computes). With --precision bf16 it is mixed precision the PyTorch way:
                 the forward under torch.autocast("cpu", dtype=torch.bfloat16) (weights and Adam fp32), the loss in
                 fp32 on the outputs cast back, as our bf16 step computes it.
Prints one JSON object: train/infer images per second, batch-1 latency, peak RSS, data-load time.
"""
import argparse
import contextlib
import importlib.util
import inspect
import json
import os
import resource
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH = 256


class ConvAutoencoder(nn.Module):
    """The seed model, layer for layer (same names as lib/Denoise/Models/ConvAutoencoder.cs)."""

    def __init__(self):
        super().__init__()
        self.encode1 = nn.Conv2d(1, 32, 3, padding=1)
        self.encode2 = nn.Conv2d(32, 16, 3, padding=1)
        self.decode1 = nn.Conv2d(16, 16, 3, padding=1)
        self.decode2 = nn.Conv2d(16, 32, 3, padding=1)
        self.output = nn.Conv2d(32, 1, 3, padding=1)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.encode1(x)), 2)
        x = F.max_pool2d(F.relu(self.encode2(x)), 2)
        x = F.interpolate(F.relu(self.decode1(x)), scale_factor=2, mode="nearest")
        x = F.interpolate(F.relu(self.decode2(x)), scale_factor=2, mode="nearest")
        return self.output(x)  # logits; the idiomatic loop applies sigmoid itself

    def phased_logits(self, x):
        """The fast path's logits as (N, 4, H/2, W/2) phases, what our C# PhasedForward computes."""
        return fast_logits_phased(self, x)

    sigmoid_output = True


class UNet(nn.Module):
    """The stronger model, layer for layer (same names as lib/Denoise/Models/UNet.cs): a 3x3 stem at full resolution,
    space-to-depth, a U-Net on the half-resolution grid, depth-to-space; PyTorch's default initialisation."""

    sigmoid_output = False

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 16, 3, padding=1)
        self.encode1 = nn.Conv2d(64, 32, 3, padding=1)
        self.encode2 = nn.Conv2d(32, 64, 3, padding=1)
        self.middle = nn.Conv2d(64, 96, 3, padding=1)
        self.up2 = nn.Conv2d(96, 4 * 64, 1)
        self.decode2 = nn.Conv2d(128, 64, 3, padding=1)
        self.up1 = nn.Conv2d(64, 4 * 32, 1)
        self.decode1 = nn.Conv2d(64, 32, 3, padding=1)
        self.output = nn.Conv2d(32, 4, 3, padding=1)

    def forward(self, x, channels_last=False):
        """channels_last: what our fast path does (UNet.ChannelsLastForward.cs): the stem and space-to-depth as one
        convolution of the space-to-depth input, channels-last from there on; the same values."""
        if channels_last:
            half = F.relu(F.conv2d(F.pixel_unshuffle(x, 2).contiguous(memory_format=torch.channels_last),
                                   space_to_depth_kernels(self.stem.weight), self.stem.bias.repeat_interleave(4), padding=1))
        else:
            half = F.pixel_unshuffle(F.relu(self.stem(x)), 2)
        skip1 = F.relu(self.encode1(half))
        skip2 = F.relu(self.encode2(F.max_pool2d(skip1, 2)))
        x = F.relu(self.middle(F.max_pool2d(skip2, 2, ceil_mode=True)))
        x = F.relu(F.pixel_shuffle(self.up2(x), 2)[:, :, :skip2.shape[2], :skip2.shape[3]])
        x = F.relu(self.decode2(torch.cat([x, skip2], 1)))
        x = F.relu(F.pixel_shuffle(self.up1(x), 2))
        x = F.relu(self.decode1(torch.cat([x, skip1], 1)))
        y = F.pixel_shuffle(self.output(x), 2)
        return F.leaky_relu(y, 0.01) if self.training else y.clamp(0, 1)


def network_class(arch, network_files=()):
    """The network class of an architecture name: the class named like it (conv-autoencoder -> ConvAutoencoder, case
    and dashes aside), in this file or in one of network_files (Python files defining nn.Module classes)."""
    modules = [globals()]
    for path in network_files:
        spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
        if spec is None or not os.path.isfile(path):
            raise SystemExit(f"--networks {path}: no such Python file")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules.append(vars(module))
    wanted = arch.replace("-", "").lower()
    for names in modules:
        for name, value in names.items():
            if isinstance(value, type) and issubclass(value, nn.Module) and name.lower() == wanted:
                return value
    raise SystemExit(f"--arch {arch}: no network class named like it in bench/pytorch_reference.py"
                     f"{''.join(', ' + p for p in network_files)}; add one (see docs/architecture.md, adding a model)")


def has_batch_statistics(model):
    """BatchNorm (or a norm that tracks running statistics): chunks of a batch would each get their own statistics."""
    return any(isinstance(m, nn.modules.batchnorm._BatchNorm) or getattr(m, "track_running_stats", False)
               for m in model.modules())


def tuned_path(model):
    """What the tuned mode runs for this network, by what it supports: "phased", "channels_last" or "plain"."""
    if hasattr(model, "phased_logits"):
        return "phased"
    if "channels_last" in inspect.signature(model.forward).parameters and not has_batch_statistics(model):
        return "channels_last"
    return "plain"


# Row (and column) mixing of a 3x3 kernel over a nearest-upsampled image, per output phase:
# phase 0 reads low-res rows (i-1, i) with taps (w0, w1+w2); phase 1 reads (i, i+1) with (w0+w1, w2).
PHASE = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]],
                      [[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]])


def phase_kernels(w):
    """(O, C, 3, 3) -> (O*4, C, 2, 2): the four 2x2 kernels that give upsample-x2-then-conv3x3 exactly."""
    o, c = w.shape[0], w.shape[1]
    p = torch.einsum("apk,ockl,bql->oabcpq", PHASE, w, PHASE)
    return p.reshape(o * 4, c, 2, 2)


def phase_conv(x, w, b):
    """conv3x3(upsample_nearest_x2(x)) computed at low resolution: returns (N, O, 2, 2, H, W) phases."""
    n, _, h, wd = x.shape
    o = w.shape[0]
    full = F.conv2d(F.pad(x, (1, 1, 1, 1)), phase_kernels(w), b.repeat_interleave(4))
    full = full.view(n, o, 2, 2, h + 1, wd + 1)
    return torch.stack([torch.stack([full[:, :, a, bb, a:a + h, bb:bb + wd] for bb in (0, 1)], 2)
                        for a in (0, 1)], 2)


def fast_logits_phased(m, x):
    """Same logits as m(x), returned as (N, 4, 14, 14) phases (pixel_unshuffle layout); mirrors our C# fast path."""
    x = m.encode1(x)
    x = F.relu_(F.max_pool2d(x.contiguous(memory_format=torch.channels_last), 2))
    x = F.relu_(F.max_pool2d(m.encode2(x), 2))
    x = F.relu_(m.decode1(x))
    x = F.relu_(m.decode2(F.interpolate(x, scale_factor=2, mode="nearest")))
    z = phase_conv(x, m.output.weight, m.output.bias)             # (N, 1, 2, 2, 14, 14)
    return z.reshape(z.shape[0], 4, 14, 14)


# Which full-resolution tap of a 3x3 kernel feeds which tap of its space-to-depth form: (a, k, p, d) is 1 where output
# phase a, half-resolution offset k - 1 and input phase p meet tap d - 1, i.e. a + d - 1 = 2(k - 1) + p.
SPACE_TO_DEPTH = torch.zeros(2, 3, 2, 3)
for _a in range(2):
    for _k in range(3):
        for _p in range(2):
            if 0 <= 2 * _k + _p - _a - 1 < 3:
                SPACE_TO_DEPTH[_a, _k, _p, 2 * _k + _p - _a - 1] = 1


def space_to_depth_kernels(w):
    """(O, I, 3, 3) -> (O*4, I*4, 3, 3): pixel_unshuffle(conv3x3(x)) = conv3x3(pixel_unshuffle(x)) with these kernels."""
    o, i = w.shape[0], w.shape[1]
    return torch.einsum("akpd,blqe,cide->cabipqkl", SPACE_TO_DEPTH, SPACE_TO_DEPTH, w).reshape(o * 4, i * 4, 3, 3)


def load_mnist(folder):
    with open(os.path.join(folder, "train-images-idx3-ubyte"), "rb") as f:
        raw = f.read()
    if int.from_bytes(raw[:4], "big") != 2051:
        raise SystemExit(f"{folder}/train-images-idx3-ubyte: not an IDX image file")
    n, r, c = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    images = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, 1, r, c)
    return torch.from_numpy(images.astype(np.float32) / 255.0)


def parse_noise(text):
    """A noise of our NoiseSpec text form ("gaussian:0.5", "saltpepper:0.1", "poisson:30", "speckle:0.3", or a range
    such as "gaussian:0.1-0.9", from which each image draws its own level) as a function (clean, generator) -> noisy,
    the same formulas as lib/Denoise/Noise, clipped to [0, 1]."""
    kind, _, value = text.partition(":")
    # A range splits at a '-' that is neither a leading sign nor an exponent's, as NoiseSpec.Parse splits it.
    split = next((i for i in range(1, len(value)) if value[i] == "-" and value[i - 1] not in "eE"), None)
    try:
        low, high = (float(value), None) if split is None else (float(value[:split]), float(value[split + 1:]))
    except ValueError:
        raise SystemExit(f"--noise {text}: not a noise of the form kind:level or kind:low-high")

    def levels(clean, g):
        if high is None:
            return torch.tensor(low)
        return torch.empty(clean.shape[0], 1, 1, 1).uniform_(low, high, generator=g)

    def gaussian(clean, g):
        return clean + levels(clean, g) * torch.randn(clean.shape, generator=g)

    def saltpepper(clean, g):
        half = levels(clean, g) / 2
        u = torch.rand(clean.shape, generator=g)
        return clean.masked_fill(u < half, 0).masked_fill(u >= 1 - half, 1)

    def poisson(clean, g):
        peak = levels(clean, g)
        return torch.poisson(clean.clamp(0, 1) * peak, generator=g) / peak

    def speckle(clean, g):
        return clean * (1 + levels(clean, g) * torch.randn(clean.shape, generator=g))

    kinds = {"gaussian": gaussian, "saltpepper": saltpepper, "poisson": poisson, "speckle": speckle}
    if kind.strip().lower() not in kinds:
        raise SystemExit(f"--noise {text}: unknown kind; use {', '.join(kinds)}")
    corrupt = kinds[kind.strip().lower()]
    return lambda clean, g: corrupt(clean, g).clamp_(0, 1)


def make_batches(images, count, seed, noise):
    """Noisy/clean batch pairs with the training recipe's noise."""
    g = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(count):
        idx = torch.randint(0, images.shape[0], (BATCH,), generator=g)
        clean = images.index_select(0, idx)
        out.append((noise(clean, g), clean))
    return out


LOSSES = {
    "bce": F.binary_cross_entropy,
    "mse": F.mse_loss,
    "l1": F.l1_loss,
}


def ssim_of_batch(x, y, window=7, k1=0.01, k2=0.03):
    """Mean SSIM of each image as scikit-image computes it (7x7 uniform window, data range 1, valid region only):
    the formula of ImageMetrics.SsimOfBatch, differentiable."""
    def mean(t):
        return F.avg_pool2d(t, window, stride=1)
    norm = window * window / (window * window - 1)
    ux, uy = mean(x), mean(y)
    vx = norm * (mean(x * x) - ux * ux)
    vy = norm * (mean(y * y) - uy * uy)
    vxy = norm * (mean(x * y) - ux * uy)
    c1, c2 = k1 * k1, k2 * k2
    return ((2 * ux * uy + c1) * (2 * vxy + c2) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))).mean(dim=(1, 2, 3))


def loss_function(name):
    """A loss by our CLI's name: bce, mse, l1 or mse+ssim:W (MSE plus W times 1 - SSIM)."""
    if name.startswith("mse+ssim:"):
        weight = float(name[len("mse+ssim:"):])
        return lambda out, target: F.mse_loss(out, target) + weight * (1 - ssim_of_batch(out, target).mean())
    if name not in LOSSES:
        raise argparse.ArgumentTypeError(f"unknown loss {name!r}: use {', '.join(sorted(LOSSES))} or mse+ssim:W")
    return LOSSES[name]


def outputs(model, x):
    """What the network returns as images: the sigmoid of logits for a network with sigmoid_output (the seed model),
    else its output as it is."""
    return torch.sigmoid(model(x)) if getattr(model, "sigmoid_output", False) else model(x)


def train_step_idiomatic(model, opt, noisy, clean, loss_fn):
    opt.zero_grad()
    loss = loss_fn(outputs(model, noisy), clean)
    loss.backward()
    opt.step()
    return loss


def mixed(bf16):
    """The forward's precision: CPU autocast to bf16 (convolutions in bf16, weights fp32), or fp32 as it is."""
    return torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()


def train_step_idiomatic_mixed(model, opt, noisy, clean, loss_fn):
    """The plain step under autocast (tuned bf16 for a network without a faster form): the loss in fp32."""
    opt.zero_grad(set_to_none=True)
    with mixed(True):
        out = outputs(model, noisy)
    loss = loss_fn(out.float(), clean)
    loss.backward()
    opt.step()
    return loss


def train_step_tuned(model, opt, noisy, clean, chunk, bf16=False):
    opt.zero_grad(set_to_none=True)
    total = None
    for s in range(0, BATCH, chunk):
        x, t = noisy[s:s + chunk], clean[s:s + chunk]
        with mixed(bf16):
            logits = model.phased_logits(x)
        loss = F.binary_cross_entropy_with_logits(logits.float(), F.pixel_unshuffle(t, 2)) * (x.shape[0] / BATCH)
        loss.backward()
        total = loss.detach() if total is None else total + loss.detach()
    opt.step()
    return total


def train_step_tuned_channels_last(model, opt, noisy, clean, chunk, loss_fn, bf16=False):
    """The tuned step of a network whose forward takes channels_last (the U-Net): chunks with gradient accumulation and
    the forward's fast form (what our fast path does on one thread; for the U-Net the space-to-depth stem wins here too,
    CPU time per image at one thread, batch 256: fp32 1,250 -> 1,150 µs, bf16 autocast 730 -> 650 µs). In bf16 the
    forward runs under autocast and the loss in fp32 on its outputs; the whole batch is one chunk then, PyTorch's
    fastest bf16 form (at one thread chunks of 64, 128 and 256 cost the same CPU time per image, and intra-op threads
    share larger tensors better). One trick of our fast path stays out because it does not win in PyTorch 1.13: SSIM's
    window means as band-matrix products (slower there than its avg_pool2d: 151 against 131 µs per image)."""
    opt.zero_grad(set_to_none=True)
    total = None
    chunk = noisy.shape[0] if bf16 else chunk
    for s in range(0, noisy.shape[0], chunk):
        x, t = noisy[s:s + chunk], clean[s:s + chunk]
        with mixed(bf16):
            out = model(x, channels_last=True)
        loss = loss_fn(out.float(), t) * (x.shape[0] / noisy.shape[0])
        loss.backward()
        total = loss.detach() if total is None else total + loss.detach()
    opt.step()
    return total


class Workers:
    """Threads with one intra-op thread each, for data parallelism over the cores (what our C# TorchWorkers do).
    PyTorch releases the GIL inside its kernels and autograd, so plain Python threads can overlap the work.
    torch.jit.fork would need the whole step in TorchScript: in eager mode it runs the function inline."""

    def __init__(self, count):
        import concurrent.futures
        import threading
        self.count = count
        self.pool = concurrent.futures.ThreadPoolExecutor(count)
        caller = torch.get_num_threads()
        ready = threading.Barrier(count)

        def init(_):
            torch.get_num_threads()   # lazy per-thread init first, or it would later undo set_num_threads(1)
            torch.set_num_threads(1)
            ready.wait()

        list(self.pool.map(init, range(count)))
        torch.set_num_threads(caller)  # the process-wide default back to the caller's

    def map(self, fn):
        return list(self.pool.map(fn, range(self.count)))


def train_step_tuned_parallel(model, opt, noisy, clean, chunk, workers):
    """The tuned step with the chunks split over the workers; each returns its summed gradients."""
    opt.zero_grad(set_to_none=True)
    params = list(model.parameters())
    starts = list(range(0, noisy.shape[0], chunk))

    def work(w):
        mine = starts[len(starts) * w // workers.count:len(starts) * (w + 1) // workers.count]
        total, sums = None, None
        for s in mine:
            x, t = noisy[s:s + chunk], clean[s:s + chunk]
            loss = F.binary_cross_entropy_with_logits(model.phased_logits(x), F.pixel_unshuffle(t, 2)) * (x.shape[0] / BATCH)
            grads = torch.autograd.grad(loss, params)
            if sums is None:
                total, sums = loss.detach(), list(grads)
            else:
                total = total + loss.detach()
                for g, h in zip(sums, grads):
                    g.add_(h)
        return total, sums

    parts = [p for p in workers.map(work) if p[1] is not None]
    for i, p in enumerate(params):
        p.grad = sum(part[1][i] for part in parts)
    opt.step()
    return sum(part[0] for part in parts)


def predict_parallel(model, images, workers, piece=64):
    """Tuned inference with the images split over the workers, pieces of 64 per forward call."""
    n = images.shape[0]

    def work(w):
        with torch.no_grad():
            mine = images[n * w // workers.count:n * (w + 1) // workers.count]
            return [F.pixel_shuffle(torch.sigmoid(model.phased_logits(mine[s:s + piece])), 2)
                    for s in range(0, mine.shape[0], piece)]

    return torch.cat([y for part in workers.map(work) for y in part])


def predict(model, images, path, bf16=False):
    """Denoised images; path is tuned_path(model) in tuned mode, None in the idiomatic one; bf16: under autocast."""
    with torch.no_grad(), mixed(bf16):
        if path == "phased":
            return F.pixel_shuffle(torch.sigmoid(model.phased_logits(images)), 2).float()
        if path == "channels_last":
            return model(images, channels_last=True).float()
        return outputs(model, images).float()


def rss_mb():
    """Peak RSS of this process. VmHWM, because ru_maxrss survives exec and would include the parent's peak."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["pytorch", "pytorch_tuned"])
    ap.add_argument("--arch", default="conv-autoencoder", help="an architecture name: the network class named like it")
    ap.add_argument("--networks", action="append", default=[], metavar="FILE.py",
                    help="a Python file with more network classes (an architecture registered outside the library)")
    ap.add_argument("--noise", default="gaussian:0.5", help="the training recipe's noise, e.g. gaussian:0.5 or gaussian:0.1-0.9")
    ap.add_argument("--loss", default="bce", help="bce, mse, l1 or mse+ssim:W")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--eps", type=float, default=1e-7)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batches", type=int, default=40, help="timed training batches")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--chunk", type=int, default=32, help="chunk size of the tuned step")
    ap.add_argument("--workers", type=int, default=1,
                    help="tuned mode: data-parallel threads with 1 intra-op thread each (1 = off, the default: with "
                         "the GIL serialising the per-op Python overhead, 2 workers measured ~10%% slower than 2 intra-op threads)")
    ap.add_argument("--precision", default="fp32", choices=["fp32", "bf16"],
                    help="bf16: the forward under CPU autocast (pytorch_tuned only; idiomatic PyTorch is fp32)")
    ap.add_argument("--data", default=os.environ.get("DENOISE_DATA", "/work/data") + "/mnist")
    ap.add_argument("--synthetic", action="store_true", help="uniform [0,1] images instead of MNIST")
    args = ap.parse_args()
    try:
        loss_fn = loss_function(args.loss)
    except (argparse.ArgumentTypeError, ValueError) as error:
        raise SystemExit(f"--loss {args.loss}: {error}")

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    tuned = args.mode == "pytorch_tuned"
    worker_count = args.workers if tuned else 1
    workers = Workers(worker_count) if worker_count > 1 else None

    t0 = time.perf_counter()
    if args.synthetic or not os.path.exists(os.path.join(args.data, "train-images-idx3-ubyte")):
        images, data_load_s = torch.rand(60000, 1, 28, 28), None
    else:
        images = load_mnist(args.data)
        data_load_s = time.perf_counter() - t0

    model = network_class(args.arch, args.networks)()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, eps=args.eps)
    batches = make_batches(images, args.warmup + args.batches, seed=1, noise=parse_noise(args.noise))
    path = tuned_path(model) if tuned else None
    if path == "phased" and args.loss != "bce":
        raise SystemExit("pytorch_tuned mirrors the seed model's BCE fast path only; use --loss bce")
    if path != "phased" and workers is not None:
        raise SystemExit("--workers is for the phased tuned step (the seed model's) only")
    bf16 = args.precision == "bf16"
    if bf16 and not tuned:
        raise SystemExit("--precision bf16 is for pytorch_tuned: idiomatic PyTorch is the fp32 reference")
    if bf16 and workers is not None:
        raise SystemExit("--workers runs fp32 only")

    def step(noisy, clean):
        if workers is not None:
            return train_step_tuned_parallel(model, opt, noisy, clean, args.chunk, workers)
        if path == "channels_last":
            return train_step_tuned_channels_last(model, opt, noisy, clean, args.chunk, loss_fn, bf16)
        if path == "phased":
            return train_step_tuned(model, opt, noisy, clean, args.chunk, bf16)
        if bf16:
            return train_step_idiomatic_mixed(model, opt, noisy, clean, loss_fn)
        return train_step_idiomatic(model, opt, noisy, clean, loss_fn)

    model.train()
    for noisy, clean in batches[:args.warmup]:
        step(noisy, clean)
    t0, c0 = time.perf_counter(), time.process_time()
    for noisy, clean in batches[args.warmup:]:
        loss = step(noisy, clean)
    final_loss = float(loss)  # one sync at the end, like a loop that logs per epoch
    train_s = time.perf_counter() - t0
    train_cpu = (time.process_time() - c0) * 1000 / args.batches
    train_ips = args.batches * BATCH / train_s
    peak_rss = rss_mb()

    model.eval()
    test = images[:BATCH * 8]
    infer_runs, infer_cpu = [], []
    for rep in range(4):
        t0, c0 = time.perf_counter(), time.process_time()
        for s in range(0, test.shape[0], BATCH):
            if workers is not None:
                predict_parallel(model, test[s:s + BATCH], workers)
            else:
                predict(model, test[s:s + BATCH], path, bf16)
        if rep > 0:
            infer_runs.append(test.shape[0] / (time.perf_counter() - t0))
            infer_cpu.append((time.process_time() - c0) * 1000 * BATCH / test.shape[0])

    one = images[:1]
    lat = []
    for i in range(220):
        t0 = time.perf_counter()
        predict(model, one, path, bf16)
        if i >= 20:
            lat.append((time.perf_counter() - t0) * 1000)

    print(json.dumps({
        "mode": args.mode,
        "path": path or "idiomatic",
        "precision": args.precision,
        "torch_version": torch.__version__,
        "threads": args.threads,
        "workers": worker_count,
        "batches": args.batches,
        "train_images_per_s": round(train_ips, 1),
        "infer_images_per_s": round(statistics.median(infer_runs), 1),
        "latency_ms_batch1": round(statistics.median(lat), 3),
        "peak_rss_mb": round(peak_rss, 1),
        "data_load_s": None if data_load_s is None else round(data_load_s, 3),
        "train_cpu_ms_per_batch": round(train_cpu, 2),
        "infer_cpu_ms_per_batch": round(statistics.median(infer_cpu), 2),
        "final_loss": round(final_loss, 5),
    }))


if __name__ == "__main__":
    main()
