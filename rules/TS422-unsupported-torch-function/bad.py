# torch: Unknown builtin op: aten::
import torch
from torch import is_tensor, nn


class Model(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not torch.is_tensor(x) or not is_tensor(x):  # error: TS422
            x = torch.Tensor(3)  # error: TS422
        eps = torch.finfo(x.dtype).eps  # error: TS422
        with torch.enable_grad():  # error: TS422
            y = x + eps
        return y.to(torch.get_default_dtype())  # error: TS422
