"""Training references for Recur's forecaster (src/Recur/Forecasting): K Adam steps in PyTorch.

The module is seed 002's stock model (tools/forecast/seed002_pytorch.py's Net, time-major here):
a 2-layer LSTM (or GRU) over windows (W, N, F) -> the top layer's final hidden state -> fc1 -> ReLU ->
fc2 -> one number, trained on the MSE (mean over the batch) with Adam. The data are R random rows of
F features and a random close per row, windowed as Recur's WindowSet does: window i is rows i .. i+W-1
and its target the close of row i+W-1, so R rows give R-W+1 windows. Batches are fixed lists of window
indices, so the C# test feeds Recur the same ones in the same order.
Each file forecaster_train_<name>.safetensors holds "rows" (R, F), "close" (R), the batches as
"batch.<k>" (window indices), the weights before training ("init.<pytorch name>"), each step's loss
"losses" (K) and the weights after the K steps ("final.<pytorch name>"); the JSON "config" gives the
sizes, the cell and the learning rate.
The file forecaster_scaled_<name>.safetensors checks `recur forecast train --scale-target` from the raw
table up, as Forecaster.Create does it: "rows" (R, 37) are the features of R days, as many as the stock
features, and "close" (R) a random walk around 100, both float32 values used as float64; the first
"train_rows" days are the training range, the rest the test range. Each feature and the close are
standardised with the mean and population std (ddof 0, sklearn's StandardScaler) of the training days,
all of them (not only the days a window's target falls on), in float64, then rounded to float32. The
model trains on the scaled closes, so "losses" are MSEs in scaled units; "predictions" are its closes
for the test windows after training, unscaled as y * std + mean in float64 and stored so (Recur reads
them as float32); "target_mean" and "target_std" are in the config.
Usage: /usr/bin/python3 forecaster_training.py OUT_DIR
"""
import json
import sys

import torch

import st


class Net(torch.nn.Module):
    def __init__(self, cell, features, hidden, fc, layers):
        super().__init__()
        kind = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
        self.rnn = kind(features, hidden, layers)
        self.fc1 = torch.nn.Linear(hidden, fc)
        self.relu = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(fc, 1)

    def forward(self, x):
        """x (W, N, F) -> (N, 1)."""
        _, state = self.rnn(x)
        hidden = state[0] if isinstance(state, tuple) else state
        return self.fc2(self.relu(self.fc1(hidden[-1])))


def steps(model, x, y, batches, lr):
    """Adam steps on the MSE of windows x[:, which] (W, B, F) against y[which] (B, 1); returns each step's loss."""
    adam = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.MSELoss()
    losses = []
    for which in batches:
        adam.zero_grad()
        loss = loss_fn(model(x[:, which]), y[which])
        loss.backward()
        adam.step()
        losses.append(loss.item())
    return losses


def case(out, name, cell, batches, rows=14, features=6, window=5, hidden=7, fc=5, layers=2, lr=0.01, seed=0):
    torch.manual_seed(seed)
    model = Net(cell, features, hidden, fc, layers)
    tensors = {f"init.{k}": v.clone() for k, v in model.state_dict().items()}
    data = torch.randn(rows, features)
    close = 1.5 * torch.randn(rows) + 0.5
    count = rows - window + 1
    x = torch.stack([data[i:i + window] for i in range(count)], dim=1)   # (W, count, F)
    y = close[window - 1:].unsqueeze(1)                                  # (count, 1)
    losses = steps(model, x, y, batches, lr)
    tensors["rows"], tensors["close"] = data, close
    for k, which in enumerate(batches):
        tensors[f"batch.{k}"] = torch.tensor(which)
    tensors["losses"] = torch.tensor(losses, dtype=torch.float32)
    tensors.update({f"final.{k}": v.clone() for k, v in model.state_dict().items()})
    config = dict(cell=cell, rows=rows, features=features, window=window, hidden=hidden, fc=fc, layers=layers,
                  lr=lr, steps=len(batches))
    st.save(f"{out}/forecaster_train_{name}.safetensors", tensors, {"config": json.dumps(config)})


def scaled_case(out, name, cell, batches, rows=22, train_rows=14, features=37, window=5, hidden=7, fc=5, layers=2,
                lr=0.01, seed=0):
    torch.manual_seed(seed)
    model = Net(cell, features, hidden, fc, layers)
    tensors = {f"init.{k}": v.clone() for k, v in model.state_dict().items()}
    # Features of mixed sizes and offsets, so that scaling them matters; float32 draws, as the file stores them.
    raw = torch.randn(rows, features) * (3 * torch.rand(features) + 0.1) + 10 * torch.randn(features)
    close = 100 + torch.cumsum(torch.randn(rows), 0)
    raw64, close64 = raw.double(), close.double()

    def standardise(values):
        """(values - mean) / std per column over the training days, in float64; std 0 would be 1."""
        part = values[:train_rows]
        mean, std = part.mean(0), part.std(0, unbiased=False)
        return mean, torch.where(std == 0, torch.ones_like(std), std)

    f_mean, f_std = standardise(raw64)
    scaled = ((raw64 - f_mean) / f_std).float()                               # (R, F)
    t_mean, t_std = (float(v) for v in standardise(close64.unsqueeze(1)))
    target = ((close64 - t_mean) / t_std).float()                             # (R) in training units

    def windows(start, end):
        """Windows of rows [start, end): x (W, n, F) and the scaled target of each window's last day (n, 1)."""
        n = end - start - window + 1
        x = torch.stack([scaled[start + i:start + i + window] for i in range(n)], dim=1)
        return x, target[start + window - 1:end].unsqueeze(1)

    x, y = windows(0, train_rows)
    # The same steps in float64 show how far float32 rounding alone moves the weights: where a weight's
    # gradients nearly cancel, Adam's division by their size turns rounding into a visible step (1e-5 for
    # seed 6, whose weights a 1e-4 test could barely tell from PyTorch's own float64 ones).
    exact = Net(cell, features, hidden, fc, layers).double()
    exact.load_state_dict({k[len("init."):]: v.double() for k, v in tensors.items()})
    steps(exact, x.double(), y.double(), batches, lr)
    losses = steps(model, x, y, batches, lr)
    drift = max((v.double() - exact.state_dict()[k]).abs().max().item() for k, v in model.state_dict().items())
    assert drift < 1e-6, f"float32 and float64 weights differ by {drift:.2e}: choose another seed"
    model.eval()
    with torch.no_grad():
        predicted = model(windows(train_rows, rows)[0]).squeeze(1).double() * t_std + t_mean   # (test windows) price units
    tensors["rows"], tensors["close"] = raw, close
    for k, which in enumerate(batches):
        tensors[f"batch.{k}"] = torch.tensor(which)
    tensors["losses"] = torch.tensor(losses, dtype=torch.float32)
    tensors["predictions"] = predicted
    tensors.update({f"final.{k}": v.clone() for k, v in model.state_dict().items()})
    config = dict(cell=cell, rows=rows, train_rows=train_rows, features=features, window=window, hidden=hidden, fc=fc,
                  layers=layers, lr=lr, steps=len(batches), target_mean=t_mean, target_std=t_std)
    st.save(f"{out}/forecaster_scaled_{name}.safetensors", tensors, {"config": json.dumps(config)})
    print(f"forecaster_scaled_{name}: target mean {t_mean:.4f} std {t_std:.4f}, scaled loss {losses[0]:.4f} -> "
          f"{losses[-1]:.4f}, test predictions {predicted.min():.2f} .. {predicted.max():.2f}, float32 vs float64 weights {drift:.2e}")


def main(out):
    # 14 rows give 10 windows: two epochs of batches of 4, 4 and 2 (DataLoader's smaller last batch), the
    # second epoch in another order and mix.
    batches = [[3, 7, 0, 9], [5, 1, 8, 2], [6, 4], [2, 6, 9, 4], [0, 8, 3, 7], [1, 5]]
    case(out, "lstm", "lstm", batches, seed=4)
    case(out, "gru", "gru", batches, seed=5)
    # --scale-target: 14 training days (10 windows, the same batches) and 8 test days (4 windows).
    scaled_case(out, "lstm", "lstm", batches, seed=7)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../../tests/Recur.Tests/Reference")
