"""Seed 002's stock-price LSTM in PyTorch, to compare Recur's `recur forecast` with the framework the book used.

Reads the book's 37 features as pandas computed them (shared/data/nasdaq_19900101_20230630_features_ref.csv),
splits by date (train up to 2022-12-31, test 2023-01-01 .. 2023-06-30), standardises with the training
rows' mean and population std (sklearn's StandardScaler), cuts windows of 5 days labelled with the last
day's close, and trains LSTM(37, 16, 2 layers) -> last hidden state -> Linear(16, 16) -> ReLU -> Linear(16, 1)
with MSE and Adam, batch 128, shuffled, as the book does. For each seed it prints the test R² over the
book's 119 windows (its `range(len - 5)` leaves the last out) and over all 120 complete windows (Recur's).

With --save DIR it also writes each trained model as a Recur forecast model file (DIR/seed<S>.safetensors,
the state dict under the same names plus Recur's metadata), which `recur forecast eval` and `predict` read,
and DIR/seed<S>_predictions.csv with PyTorch's own predictions of the 120 test windows.

With --load MODEL it trains nothing: it opens a model file from `recur forecast train` (one model, or an
--ensemble's members.k.* in an nn.ModuleList) in these modules, scales the features with the file's own
statistics, and prints the test R² of the (mean) forecast, which should equal `recur forecast eval`'s.

Usage: /usr/bin/python3 seed002_pytorch.py FEATURES_CSV [--seeds 0 1 2] [--epochs 1000] [--lr 0.01]
       [--cell lstm|gru] [--save DIR] [--load MODEL]   (Debian's python3-torch; no pandas or sklearn needed)
"""
import argparse
import csv
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import st  # noqa: E402

TRAIN_END, TEST_START, TEST_END, WINDOW = "2022-12-31", "2023-01-01", "2023-06-30", 5


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    assert header[-1] == "close" and header[0] == "Date", header
    dates = [r[0] for r in rows]
    values = np.array([[float(x) for x in r[1:]] for r in rows], dtype=np.float64)
    return header[1:-1], dates, values[:, :-1], values[:, -1]


def windows(x, y, count):
    """(count, WINDOW, F) windows x[i:i+W] labelled y[i+W-1], as torch float32."""
    seq = np.stack([x[i:i + WINDOW] for i in range(count)])
    lab = np.array([y[i + WINDOW - 1] for i in range(count)])
    return torch.tensor(seq, dtype=torch.float32), torch.tensor(lab, dtype=torch.float32)


class Net(torch.nn.Module):
    def __init__(self, cell, features, hidden=16, fc=16, layers=2):
        super().__init__()
        kind = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell]
        self.rnn = kind(features, hidden, layers, batch_first=True)
        self.fc1 = torch.nn.Linear(hidden, fc)
        self.relu = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(fc, 1)

    def forward(self, x):
        _, state = self.rnn(x)
        hidden = state[0] if isinstance(state, tuple) else state
        return self.fc2(self.relu(self.fc1(hidden[-1])))


def r2(actual, predicted):
    return 1 - np.sum((actual - predicted) ** 2) / np.sum((actual - actual.mean()) ** 2)


class Ensemble(torch.nn.Module):
    """K models whose state dict names are members.k.*; the forecast is the mean of their outputs."""
    def __init__(self, members):
        super().__init__()
        self.members = torch.nn.ModuleList(members)

    def forward(self, x):
        return torch.stack([m(x) for m in self.members]).double().mean(dim=0)


def score_recur_model(path, x, y, test):
    tensors, meta = st.load(path)
    config = json.loads(meta["config"])
    assert config["test_start"] == TEST_START and config["test_end"] == TEST_END and config["window"] == WINDOW, config
    members = [Net(config["cell"], x.shape[1], config["hidden"], config["fc_hidden"], config["layers"])
               for _ in range(config.get("ensemble", 1))]
    model = members[0] if len(members) == 1 else Ensemble(members)
    model.load_state_dict(tensors)
    model.eval()
    xs = (x - np.array(json.loads(meta["scaler_mean"]))) / np.array(json.loads(meta["scaler_std"]))
    xte, yte = windows(xs[test], y[test], len(test) - WINDOW + 1)
    with torch.no_grad():
        pred = model(xte)[:, 0].double().numpy()
    if config["scale_target"]:
        pred = pred * json.loads(meta["target_std"]) + json.loads(meta["target_mean"])
    print(f"{path}: {len(members)} model(s) in PyTorch; R2 {r2(yte.double().numpy(), pred):.6f} over {len(xte)} windows")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("features")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--epochs", type=int, default=1000)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--cell", default="lstm", choices=["lstm", "gru"])
    ap.add_argument("--save")
    ap.add_argument("--load")
    args = ap.parse_args()
    torch.set_num_threads(1)

    names, dates, x, y = load(args.features)
    train = [i for i, d in enumerate(dates) if d <= TRAIN_END]
    test = [i for i, d in enumerate(dates) if TEST_START <= d <= TEST_END]
    if args.load:
        score_recur_model(args.load, x, y, test)
        return
    mean = x[train].mean(axis=0)
    std = x[train].std(axis=0)  # ddof 0, as StandardScaler
    std[std == 0] = 1
    xs = (x - mean) / std
    xtr, ytr = windows(xs[train], y[train], len(train) - WINDOW)  # the book's range(len - W)
    xte, yte = windows(xs[test], y[test], len(test) - WINDOW + 1)  # every complete window
    print(f"train {len(train)} rows -> {len(xtr)} windows; test {len(test)} rows -> {len(xte)} windows", flush=True)

    for seed in args.seeds:
        torch.manual_seed(seed)
        model = Net(args.cell, x.shape[1])
        opt = torch.optim.Adam(model.parameters(), lr=args.lr)
        loss_fn = torch.nn.MSELoss()
        gen = torch.Generator().manual_seed(seed)
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(xtr, ytr), batch_size=128, shuffle=True, generator=gen)
        start = time.time()
        for epoch in range(args.epochs):
            total = 0.0
            for seq, label in loader:
                opt.zero_grad()
                loss = loss_fn(model(seq)[:, 0], label)
                loss.backward()
                opt.step()
                total += loss.item() * label.size(0)
            if epoch % 100 == 0:
                print(f"  seed {seed} epoch {epoch + 1} loss {total / len(xtr):.4f}", flush=True)
        with torch.no_grad():
            pred = model(xte)[:, 0].double().numpy()
        actual = yte.double().numpy()
        print(f"seed {seed}: R2 {r2(actual[:-1], pred[:-1]):.4f} (book's 119 windows), {r2(actual, pred):.4f} (all 120); "
              f"final loss {total / len(xtr):.1f}; {time.time() - start:.0f} s", flush=True)
        if args.save:
            os.makedirs(args.save, exist_ok=True)
            config = {"train_start": None, "train_end": TRAIN_END, "test_start": TEST_START, "test_end": TEST_END,
                      "window": WINDOW, "scale_target": False, "cell": args.cell, "hidden": 16, "layers": 2, "fc_hidden": 16,
                      "dropout": 0, "epochs": args.epochs, "batch_size": 128, "learning_rate": args.lr, "seed": seed}
            meta = {"format": "recur-forecast/1", "config": json.dumps(config, separators=(",", ":")),
                    "features": json.dumps(names, separators=(",", ":")),
                    "scaler_mean": json.dumps(mean.tolist()), "scaler_std": json.dumps(std.tolist()),
                    "source": "tools/forecast/seed002_pytorch.py (PyTorch " + torch.__version__ + ")"}
            state = {k: v for k, v in model.state_dict().items()}
            st.save(os.path.join(args.save, f"seed{seed}.safetensors"), state, meta)
            with open(os.path.join(args.save, f"seed{seed}_predictions.csv"), "w") as f:
                f.write("date,actual,predicted\n")
                for i in range(len(xte)):
                    f.write(f"{dates[test[i + WINDOW - 1]]},{actual[i]!r},{pred[i]!r}\n")


if __name__ == "__main__":
    main()
