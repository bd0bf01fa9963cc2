import torch, json, sys
import torch.nn.functional as F
from models import UNet
torch.set_num_threads(1); torch.manual_seed(0)
m = UNet(**json.loads(sys.argv[1]))
opt = torch.optim.Adam(m.parameters(), 1e-3)
x = torch.rand(128, 1, 28, 28)
def step():
    l = F.mse_loss(m(x), x); opt.zero_grad(); l.backward(); opt.step()
for _ in range(3): step()
with torch.autograd.profiler.profile() as prof:
    for _ in range(5): step()
print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=18))
