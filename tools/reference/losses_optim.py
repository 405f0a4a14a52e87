"""Reference cases for Recur's losses, optimizers, gradient clipping and learning-rate schedules.

Run with Debian's PyTorch 1.13: /usr/bin/python3 tools/reference/losses_optim.py tests/Recur.Tests/Reference
Writes loss_*.safetensors and optim_*.safetensors (a few KB each), every file with a JSON "config" in
its metadata. Fixed seeds: rerunning gives the same files.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

import st

OUT = sys.argv[1] if len(sys.argv) > 1 else "."
GEN = torch.Generator().manual_seed(20240611)


def randn(*shape, scale=1.0):
    return torch.randn(*shape, generator=GEN) * scale


def save(name, tensors, config):
    st.save(os.path.join(OUT, name + ".safetensors"), tensors, {"config": json.dumps(config)})


def loss_and_grad(fn, x, *args, **kwargs):
    x = x.clone().requires_grad_(True)
    loss = fn(x, *args, **kwargs)
    loss.backward()
    return loss.detach().reshape(()), x.grad.detach()


# ---- losses ----------------------------------------------------------------------------------

def cross_entropy_case(name, rows, classes, ignore_index, targets):
    logits = randn(rows, classes, scale=3.0)
    logits[1] *= 10.0          # a peaked row: most of the mass on one class
    logits[2] += 1000.0        # a shifted row: only max subtraction keeps exp finite
    targets = torch.tensor(targets, dtype=torch.int64)
    tensors = {"logits": logits, "targets": targets}
    for reduction in ("mean", "sum"):
        loss, grad = loss_and_grad(F.cross_entropy, logits, targets, ignore_index=ignore_index, reduction=reduction)
        tensors[f"loss_{reduction}"] = loss
        tensors[f"grad_{reduction}"] = grad
    save(name, tensors, {"ignore_index": ignore_index, "rows": rows, "classes": classes})


def losses():
    # 37 classes: two blocks of 16 and a tail of 5 in the fixed-order sum.
    cross_entropy_case("loss_cross_entropy", 6, 37, -100, [3, 36, 0, -100, 17, -100])
    cross_entropy_case("loss_cross_entropy_ignore3", 5, 9, 3, [3, 8, 0, 3, 5])
    cross_entropy_case("loss_cross_entropy_wide", 3, 130, -100, [129, 64, 1])
    # Every row ignored: PyTorch's mean is 0/0 = NaN with zero gradients.
    cross_entropy_case("loss_cross_entropy_all_ignored", 3, 5, -100, [-100, -100, -100])

    x = randn(4, 9, scale=4.0)
    x[0, :3] = torch.tensor([-50.0, 50.0, 0.0])
    t = (torch.rand(4, 9, generator=GEN) > 0.5).float()
    t[3] = torch.rand(9, generator=GEN)          # soft targets
    tensors = {"input": x, "target": t}
    for reduction in ("mean", "sum"):
        loss, grad = loss_and_grad(F.binary_cross_entropy_with_logits, x, t, reduction=reduction)
        tensors[f"loss_{reduction}"], tensors[f"grad_{reduction}"] = loss, grad
    save("loss_bce_with_logits", tensors, {})

    p = torch.sigmoid(randn(4, 8, scale=2.0))
    # The edges: exact 0 and 1 against both targets (each log clamped at -100), and near-edge values.
    p[0, :4] = torch.tensor([0.0, 0.0, 1.0, 1.0])
    p[0, 4:] = torch.tensor([1e-30, 1 - 2 ** -24, 1e-8, 0.5])
    t = (torch.rand(4, 8, generator=GEN) > 0.5).float()
    t[0, :4] = torch.tensor([0.0, 1.0, 1.0, 0.0])
    t[3] = torch.rand(8, generator=GEN)
    tensors = {"input": p, "target": t}
    for reduction in ("mean", "sum"):
        loss, grad = loss_and_grad(F.binary_cross_entropy, p, t, reduction=reduction)
        tensors[f"loss_{reduction}"], tensors[f"grad_{reduction}"] = loss, grad
    save("loss_bce", tensors, {})

    x, t = randn(5, 7), randn(5, 7)
    tensors = {"input": x, "target": t}
    for reduction in ("mean", "sum"):
        loss, grad = loss_and_grad(F.mse_loss, x, t, reduction=reduction)
        tensors[f"loss_{reduction}"], tensors[f"grad_{reduction}"] = loss, grad
    save("loss_mse", tensors, {})


# ---- optimizers ------------------------------------------------------------------------------

# Three parameters of 20 + 4 + 21 = 45 values: in one arena they span vector blocks and a tail.
SHAPES = {"a.weight": (4, 5), "a.bias": (4,), "b.weight": (3, 7)}
STEPS = 10
# Gradient scale per step: large and small swings exercise amsgrad's max and the moments' decay.
GRAD_SCALES = [1.0, 2.0, 0.5, 0.1, 3.0, 1.0, 0.01, 1.0, 0.2, 5.0]


def make_params():
    return {n: torch.nn.Parameter(randn(*s)) for n, s in SHAPES.items()}


def make_grads():
    grads = []
    for k in range(STEPS):
        g = {n: randn(*s, scale=GRAD_SCALES[k]) for n, s in SHAPES.items()}
        g["a.bias"][1] = 0.0   # a zero gradient entry
        grads.append(g)
    return grads


def run_optimizer(name, make, config, scheduler=None):
    params = make_params()
    grads = make_grads()
    opt = make(list(params.values()))
    sched = scheduler(opt) if scheduler else None
    tensors = {f"initial.{n}": p.detach().clone() for n, p in params.items()}
    after = {n: [] for n in params}
    lrs = []
    for k in range(STEPS):
        for n, p in params.items():
            p.grad = grads[k][n].clone()
        opt.step()
        if sched:
            sched.step()
            lrs.append(opt.param_groups[0]["lr"])
        for n, p in params.items():
            after[n].append(p.detach().clone())
    # grads.<name>: (STEPS, *shape), the gradient of each step; params.<name>: the values after each step.
    for n in params:
        tensors[f"grads.{n}"] = torch.stack([g[n] for g in grads])
        tensors[f"params.{n}"] = torch.stack(after[n])
    for n, p in params.items():
        for key, value in opt.state[p].items():
            if key != "step" and value is not None:
                tensors[f"state.{key}.{n}"] = value.detach().clone()
    config = dict(config, steps=STEPS, names=list(SHAPES))
    if sched:
        config["lrs"] = lrs
    save(name, tensors, config)


def optimizers():
    A = torch.optim
    run_optimizer("optim_adam", lambda p: A.Adam(p, lr=1e-2), {"optimizer": "adam", "lr": 1e-2})
    run_optimizer("optim_adam_amsgrad", lambda p: A.Adam(p, lr=1e-2, betas=(0.8, 0.95), amsgrad=True),
                  {"optimizer": "adam", "lr": 1e-2, "beta1": 0.8, "beta2": 0.95, "amsgrad": True})
    run_optimizer("optim_adam_weight_decay", lambda p: A.Adam(p, lr=3e-2, eps=1e-6, weight_decay=0.1),
                  {"optimizer": "adam", "lr": 3e-2, "eps": 1e-6, "weight_decay": 0.1})
    run_optimizer("optim_adamw", lambda p: A.AdamW(p, lr=1e-2, weight_decay=0.1),
                  {"optimizer": "adamw", "lr": 1e-2, "weight_decay": 0.1})
    run_optimizer("optim_adamw_amsgrad", lambda p: A.AdamW(p, lr=1e-2, amsgrad=True),
                  {"optimizer": "adamw", "lr": 1e-2, "weight_decay": 1e-2, "amsgrad": True})
    run_optimizer("optim_sgd", lambda p: A.SGD(p, lr=0.1), {"optimizer": "sgd", "lr": 0.1})
    run_optimizer("optim_sgd_momentum", lambda p: A.SGD(p, lr=0.05, momentum=0.9, dampening=0.1),
                  {"optimizer": "sgd", "lr": 0.05, "momentum": 0.9, "dampening": 0.1})
    run_optimizer("optim_sgd_nesterov_wd", lambda p: A.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-2),
                  {"optimizer": "sgd", "lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-2})
    run_optimizer("optim_rmsprop", lambda p: A.RMSprop(p, lr=1e-2), {"optimizer": "rmsprop", "lr": 1e-2})
    run_optimizer("optim_rmsprop_momentum_centered",
                  lambda p: A.RMSprop(p, lr=1e-2, momentum=0.9, centered=True, weight_decay=1e-2),
                  {"optimizer": "rmsprop", "lr": 1e-2, "momentum": 0.9, "centered": True, "weight_decay": 1e-2})

    # Schedules: lr after each scheduler.step() (in the config, as exact doubles) and the parameters
    # their optimizer produced, so the schedule's lr reaches the update as PyTorch's does.
    S = torch.optim.lr_scheduler
    run_optimizer("optim_steplr", lambda p: A.SGD(p, lr=0.07, momentum=0.5),
                  {"optimizer": "sgd", "lr": 0.07, "momentum": 0.5, "scheduler": "steplr", "step_size": 3, "gamma": 0.3},
                  scheduler=lambda o: S.StepLR(o, step_size=3, gamma=0.3))
    run_optimizer("optim_exponentiallr", lambda p: A.Adam(p, lr=0.03),
                  {"optimizer": "adam", "lr": 0.03, "scheduler": "exponentiallr", "gamma": 0.7},
                  scheduler=lambda o: S.ExponentialLR(o, gamma=0.7))


def clipping():
    for name, max_norm in (("optim_clip_norm", 1.0), ("optim_clip_norm_noop", 1000.0)):
        params = make_params()
        tensors = {}
        for n, p in params.items():
            p.grad = randn(*p.shape, scale=0.7)
            tensors[f"grad.{n}"] = p.grad.clone()
        total = torch.nn.utils.clip_grad_norm_(list(params.values()), max_norm)
        tensors["total_norm"] = total.detach().reshape(())
        for n, p in params.items():
            tensors[f"clipped.{n}"] = p.grad.clone()
        save(name, tensors, {"max_norm": max_norm, "names": list(SHAPES)})

    params = make_params()
    tensors = {}
    for n, p in params.items():
        p.grad = randn(*p.shape)
        tensors[f"grad.{n}"] = p.grad.clone()
    torch.nn.utils.clip_grad_value_(list(params.values()), 0.5)
    for n, p in params.items():
        tensors[f"clipped.{n}"] = p.grad.clone()
    save("optim_clip_value", tensors, {"clip_value": 0.5, "names": list(SHAPES)})


if __name__ == "__main__":
    assert torch.__version__.startswith("1.13"), f"references are defined by PyTorch 1.13, found {torch.__version__}"
    torch.set_num_threads(1)
    losses()
    optimizers()
    clipping()
