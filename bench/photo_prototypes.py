"""Photo denoiser designs compared in PyTorch at a fixed number of steps: quality only, never speed (issue 19's model
proposal; the machine it ran on was shared). Run from the repository after ./denoise data fetch photos, e.g.
    /usr/bin/python3 bench/photo_prototypes.py --arch resunet-sigma --steps 4800 --batch 16 --patch 48 --threads 1
Each run appends one JSON line to artifacts/photo-prototypes.jsonl. Data as lib/Denoise/Training/PhotoPatches.cs draws it: grey training photos (BT.601 luma), photo uniform, position
uniform, 8 symmetries, blind Gaussian sigma uniform in [0, 50]/255, clipped to [0, 1]. Scored on the grey test photos
(astronaut, camera, coffee) at sigma 15/25/50 with fixed noise, against skimage's non-local means (sigma estimated,
h = 0.8 sigma, 5x5 patches, distance 6) on the same noisy images."""
import argparse, json, math, os, sys, time
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, 'data', 'photos')
OUT = os.path.join(ROOT, 'artifacts')
TRAIN = ['brick.png', 'chelsea.png', 'coins.png', 'grass.png', 'gravel.png', 'hubble_deep_field.jpg', 'ihc.png', 'retina.jpg', 'rocket.jpg']
TEST = ['astronaut.png', 'camera.png', 'coffee.png']
SIGMAS = [15, 25, 50]

def grey(name):
    a = np.asarray(Image.open(os.path.join(DATA, name)).convert('RGB'), dtype=np.float64) / 255
    return torch.tensor(a @ np.array([0.299, 0.587, 0.114]), dtype=torch.float32)

def noisy_test():
    out = []
    for i, name in enumerate(TEST):
        clean = grey(name)
        for s in SIGMAS:
            g = torch.Generator().manual_seed(1000 * i + s)
            noisy = (clean + torch.randn(clean.shape, generator=g) * s / 255).clamp(0, 1)
            out.append((name, s, clean, noisy))
    return out

def psnr(a, b):
    return 10 * math.log10(1 / float(((a.double() - b.double()) ** 2).mean()))

def nlm_scores(tests):
    from skimage.restoration import denoise_nl_means, estimate_sigma
    cache = os.path.join(OUT, 'photo-prototypes-nlm.json')
    if os.path.exists(cache):
        return json.load(open(cache))
    os.makedirs(OUT, exist_ok=True)
    res = {}
    for name, s, clean, noisy in tests:
        x = noisy.numpy().astype(np.float64)
        sig = estimate_sigma(x)
        y = denoise_nl_means(x, patch_size=5, patch_distance=6, h=0.8 * sig, sigma=sig, fast_mode=True)
        res[f'{name}:{s}'] = psnr(clean, torch.tensor(y))
    json.dump(res, open(cache, 'w'))
    return res

def estimate(noisy):
    from skimage.restoration import estimate_sigma
    return float(estimate_sigma(noisy.numpy().astype(np.float64)))

# ---------------------------------------------------------------- models
class UNet(nn.Module):
    """bench/pytorch_reference.py's UNet (219k) with a residual output, optional sigma-map input, width factor."""
    def __init__(self, w=1.0, sigma_map=False):
        super().__init__()
        c = lambda n: int(round(n * w))
        self.sigma_map = sigma_map
        i = 2 if sigma_map else 1
        self.stem = nn.Conv2d(i, c(16), 3, padding=1)
        self.encode1 = nn.Conv2d(4 * c(16), c(32), 3, padding=1)
        self.encode2 = nn.Conv2d(c(32), c(64), 3, padding=1)
        self.middle = nn.Conv2d(c(64), c(96), 3, padding=1)
        self.up2 = nn.Conv2d(c(96), 4 * c(64), 1)
        self.decode2 = nn.Conv2d(2 * c(64), c(64), 3, padding=1)
        self.up1 = nn.Conv2d(c(64), 4 * c(32), 1)
        self.decode1 = nn.Conv2d(2 * c(32), c(32), 3, padding=1)
        self.output = nn.Conv2d(c(32), 4, 3, padding=1)
    def forward(self, x, sigma=None):
        inp = torch.cat([x, sigma.expand_as(x)], 1) if self.sigma_map else x
        full = F.relu(self.stem(inp))
        half = F.pixel_unshuffle(full, 2)
        s1 = F.relu(self.encode1(half))
        s2 = F.relu(self.encode2(F.max_pool2d(s1, 2)))
        y = F.relu(self.middle(F.max_pool2d(s2, 2, ceil_mode=True)))
        y = F.relu(F.pixel_shuffle(self.up2(y), 2)[:, :, :s2.shape[2], :s2.shape[3]])
        y = F.relu(self.decode2(torch.cat([y, s2], 1)))
        y = F.relu(F.pixel_shuffle(self.up1(y), 2))
        y = F.relu(self.decode1(torch.cat([y, s1], 1)))
        return x - F.pixel_shuffle(self.output(y), 2)

class HalfResCNN(nn.Module):
    """FFDNet-like: space-to-depth 2, a plain stack of 3x3 conv+ReLU at half resolution, depth-to-space; predicts the noise."""
    def __init__(self, depth=12, width=64, sigma_map=False):
        super().__init__()
        self.sigma_map = sigma_map
        layers = [nn.Conv2d(4 + (1 if sigma_map else 0), width, 3, padding=1), nn.ReLU()]
        for _ in range(depth - 2):
            layers += [nn.Conv2d(width, width, 3, padding=1), nn.ReLU()]
        layers += [nn.Conv2d(width, 4, 3, padding=1)]
        self.body = nn.Sequential(*layers)
    def forward(self, x, sigma=None):
        h = F.pixel_unshuffle(x, 2)
        if self.sigma_map:
            h = torch.cat([h, sigma.expand(h.shape[0], 1, h.shape[2], h.shape[3])], 1)
        return x - F.pixel_shuffle(self.body(h), 2)

class ResUNet(nn.Module):
    """U-Net whose levels are residual blocks (DRUNet-lite): full-res stem, s2d to half res, 2 more levels down."""
    def __init__(self, widths=(32, 64, 96), blocks=1, sigma_map=False):
        super().__init__()
        self.sigma_map = sigma_map
        a, b, c = widths
        self.stem = nn.Conv2d(4 + (1 if sigma_map else 0), a, 3, padding=1)  # on the space-to-depth image
        self.l1 = nn.Sequential(*[Res(a) for _ in range(blocks)])
        self.down1 = nn.Conv2d(a, b, 2, stride=2)
        self.l2 = nn.Sequential(*[Res(b) for _ in range(blocks)])
        self.down2 = nn.Conv2d(b, c, 2, stride=2)
        self.mid = nn.Sequential(*[Res(c) for _ in range(blocks)])
        self.up2 = nn.ConvTranspose2d(c, b, 2, stride=2)
        self.r2 = nn.Sequential(*[Res(b) for _ in range(blocks)])
        self.up1 = nn.ConvTranspose2d(b, a, 2, stride=2)
        self.r1 = nn.Sequential(*[Res(a) for _ in range(blocks)])
        self.out = nn.Conv2d(a, 4, 3, padding=1)
    def forward(self, x, sigma=None):
        h = F.pixel_unshuffle(x, 2)
        if self.sigma_map:
            h = torch.cat([h, sigma.expand(h.shape[0], 1, h.shape[2], h.shape[3])], 1)
        x1 = self.l1(self.stem(h))
        x2 = self.l2(self.down1(x1))
        x3 = self.mid(self.down2(x2))
        y = self.r2(self.up2(x3) + x2)
        y = self.r1(self.up1(y) + x1)
        return x - F.pixel_shuffle(self.out(y), 2)

class Res(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.a = nn.Conv2d(c, c, 3, padding=1)
        self.b = nn.Conv2d(c, c, 3, padding=1)
    def forward(self, x):
        return x + self.b(F.relu(self.a(x)))

def build(name):
    return {
        'unet': lambda: UNet(),
        'unet-sigma': lambda: UNet(sigma_map=True),
        'unet-wide': lambda: UNet(w=1.5),
        'unet-wide-sigma': lambda: UNet(w=1.5, sigma_map=True),
        'half12': lambda: HalfResCNN(12, 64),
        'half12-sigma': lambda: HalfResCNN(12, 64, sigma_map=True),
        'half15-sigma': lambda: HalfResCNN(15, 64, sigma_map=True),
        'resunet': lambda: ResUNet((32, 64, 112), 1),
        'resunet-sigma': lambda: ResUNet((32, 64, 112), 1, sigma_map=True),
        'resunet2-sigma': lambda: ResUNet((32, 48, 72), 2, sigma_map=True),
    }[name]()

def macs_per_pixel(model):
    """Multiply-adds per input pixel of one forward pass, counted with hooks on a 64x64 input."""
    total = [0]
    def hook(m, i, o):
        if isinstance(m, nn.Conv2d):
            total[0] += o.numel() // o.shape[0] * m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.ConvTranspose2d):
            total[0] += i[0].numel() // i[0].shape[0] * m.out_channels * m.kernel_size[0] * m.kernel_size[1]
    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    with torch.no_grad():
        model(torch.zeros(1, 1, 64, 64), torch.zeros(1, 1, 1, 1))
    for h in hs:
        h.remove()
    return total[0] / 4096

# ---------------------------------------------------------------- training
def rgb(name):
    a = np.asarray(Image.open(os.path.join(DATA, name)).convert('RGB'), dtype=np.float64) / 255
    luma = a @ np.array([0.299, 0.587, 0.114])
    return torch.tensor(np.stack([luma, a[..., 0], a[..., 1], a[..., 2]]), dtype=torch.float32)

def batch(photos, gen, n, p):
    idx = torch.randint(0, len(photos), (n,), generator=gen)
    if photos[0].dim() == 3:   # planes: luma, R, G, B; each patch takes one
        plane = torch.randint(0, 4, (n,), generator=gen)
        photos = [photos[int(i)][int(c)] for i, c in zip(idx, plane)]
        idx = torch.arange(n)
    sym = torch.randint(0, 8, (n,), generator=gen)
    where = torch.rand(n, 2, generator=gen, dtype=torch.float64)
    out = []
    for i in range(n):
        im = photos[idx[i]]
        t = int(where[i, 0] * (im.shape[0] - p + 1)); l = int(where[i, 1] * (im.shape[1] - p + 1))
        c = im[t:t + p, l:l + p].rot90(int(sym[i]) % 4)
        out.append(c.flip(1) if sym[i] >= 4 else c)
    clean = torch.stack(out).unsqueeze(1)
    sigma = torch.rand(n, 1, 1, 1, generator=gen) * 50 / 255
    noisy = (clean + torch.randn(clean.shape, generator=gen) * sigma).clamp(0, 1)
    return noisy, clean, sigma

def context_batch(photos, gen, n, p, context=128):
    """Like batch, but the map is the noise estimate of a context x context region with the same noise around the
    patch, as a whole-photo estimate would see it at test time (clipping and texture included)."""
    noisy_c, clean_c, sigma = batch(photos, gen, n, context)
    est = torch.tensor([estimate(x[0]) for x in noisy_c]).reshape(-1, 1, 1, 1)
    o = (context - p) // 2
    return noisy_c[..., o:o + p, o:o + p], clean_c[..., o:o + p, o:o + p], est

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--arch', required=True)
    ap.add_argument('--steps', type=int, default=1500)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--patch', type=int, default=64)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--loss', default='mse')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--tag', default='')
    ap.add_argument('--train-map', default='true', choices=['true', 'estimate', 'context'])
    ap.add_argument('--planes', action='store_true')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = build(a.arch)
    sigma_map = getattr(model, 'sigma_map', False)
    params = sum(p.numel() for p in model.parameters())
    macs = macs_per_pixel(model)
    photos = [rgb(n) for n in TRAIN] if a.planes else [grey(n) for n in TRAIN]
    tests = noisy_test()
    nlm = nlm_scores(tests)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    warm = max(1, int(0.03 * a.steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: (0.1 + 0.9 * s / warm) if s < warm else 0.5 * (1 + math.cos(math.pi * (s - warm) / (a.steps - warm))))
    gen = torch.Generator().manual_seed(a.seed)
    start = time.time()
    model.train()
    running = 0
    for step in range(a.steps):
        noisy, clean, sigma = batch(photos, gen, a.batch, a.patch)
        if a.train_map == 'estimate':
            sigma = torch.tensor([estimate(n[0]) for n in noisy]).reshape(-1, 1, 1, 1)
        elif a.train_map == 'context':
            noisy, clean, sigma = context_batch(photos, gen, a.batch, a.patch)
        out = model(noisy, sigma)
        loss = F.mse_loss(out, clean) if a.loss == 'mse' else F.l1_loss(out, clean)
        opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        running += float(loss)
        if (step + 1) % 200 == 0:
            print(f'step {step + 1} loss {running / 200:.6f} ({time.time() - start:.0f} s)', file=sys.stderr, flush=True)
            running = 0
    model.eval()
    scores, oracle = {}, {}
    with torch.no_grad():
        for name, s, clean, noisy in tests:
            x = noisy[None, None]
            h, w = x.shape[2:]
            ph, pw = (-h) % 8, (-w) % 8
            xp = F.pad(x, (0, pw, 0, ph), mode='reflect')
            sig = torch.tensor(estimate(noisy)).reshape(1, 1, 1, 1) if sigma_map else None
            scores[f'{name}:{s}'] = psnr(clean, model(xp, sig)[..., :h, :w].clamp(0, 1)[0, 0])
            if sigma_map:
                oracle[f'{name}:{s}'] = psnr(clean, model(xp, torch.tensor(s / 255).reshape(1, 1, 1, 1))[..., :h, :w].clamp(0, 1)[0, 0])
    row = {'arch': a.arch + a.tag, 'params': params, 'macs_per_pixel': round(macs), 'steps': a.steps, 'batch': a.batch, 'patch': a.patch,
           'lr': a.lr, 'loss': a.loss, 'seconds': round(time.time() - start)}
    for s in SIGMAS:
        m = np.mean([scores[f'{n}:{s}'] for n in TEST]); b = np.mean([nlm[f'{n}:{s}'] for n in TEST])
        row[f's{s}'] = round(m, 2); row[f'nlm{s}'] = round(b, 2); row[f'gap{s}'] = round(m - b, 2)
    row['gap_mean'] = round(np.mean([row[f'gap{s}'] for s in SIGMAS]), 2)
    if oracle:
        row['oracle'] = {s: round(np.mean([oracle[f'{n}:{s}'] for n in TEST]), 2) for s in SIGMAS}
    row['per_photo'] = {k: round(v, 2) for k, v in scores.items()}
    print(json.dumps(row))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'photo-prototypes.jsonl'), 'a') as f:
        f.write(json.dumps(row) + '\n')

if __name__ == '__main__':
    main()
