# torch: Type variable 't' previously matched to type Tensor is matched to type int
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x):
        sizes = []  # error: TS207
        for i in range(x.dim()):
            sizes.append(x.size(i))
        names = {}  # error: TS207
        names["first"] = 1
        pairs = list()  # error: TS207
        pairs.append((x.size(0), x.size(1) // 2))
        outs = []
        outs.append(x * 2)
        return torch.cat(outs).view(sizes[0], -1)
