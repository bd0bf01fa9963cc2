"""PyTorch twins of networks that exist only in the C# tests, for bench/pytorch_reference.py --networks and
tests/scripts/pytorch_interop.py --networks (each class named like its architecture: test-dncnn -> TestDnCNN)."""
import torch.nn as nn

DEPTH = 12   # 3x3 convolutions
WIDTH = 8    # channels between them


class TestDnCNN(nn.Module):
    """tests/Denoise.Tests/Models/DnCnnDenoiser.cs, layer for layer (body.0.weight, body.3.running_mean ...): a
    DnCNN-style network that predicts the noise and subtracts it; eval clamps to [0, 1], training does not."""

    def __init__(self):
        super().__init__()
        layers = [nn.Conv2d(1, WIDTH, 3, padding=1), nn.ReLU()]
        for _ in range(DEPTH - 2):
            layers += [nn.Conv2d(WIDTH, WIDTH, 3, padding=1, bias=False), nn.BatchNorm2d(WIDTH), nn.ReLU()]
        layers.append(nn.Conv2d(WIDTH, 1, 3, padding=1))
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        y = x - self.body(x)
        return y if self.training else y.clamp(0, 1)
